/*
 * bootfs.c - reading the cpio "newc" initrd (see fs/bootfs.h).
 *
 * A newc member is a 110-byte ASCII header ("070701" and thirteen 8-digit
 * hex fields), the NUL-terminated name padded so that header + name is a
 * multiple of 4, then the data padded to a multiple of 4. "TRAILER!!!" ends
 * the archive.
 */
#include <fs/bootfs.h>
#include <lib/string.h>

#define HDR_SIZE 110
#define S_IFMT   0170000u
#define S_IFREG  0100000u

static bool hex_field(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

status_t bootfs_iterate(const void *image, size_t len,
                        bool (*fn)(const struct bootfs_file *f, void *ctx), void *ctx)
{
    const char *base = image;
    size_t off = 0;
    for (;;) {
        if (off > len || len - off < HDR_SIZE)
            return ERR_IO; /* no trailer */
        const char *h = base + off;
        if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
            return ERR_IO;
        uint32_t mode, filesize, namesize;
        if (!hex_field(h + 14, &mode) || !hex_field(h + 54, &filesize) ||
            !hex_field(h + 94, &namesize))
            return ERR_IO;
        size_t name_off = off + HDR_SIZE;
        if (namesize == 0 || namesize > len - name_off || base[name_off + namesize - 1] != 0)
            return ERR_IO;
        size_t data_off = pad4(name_off + namesize);
        if (data_off > len || filesize > len - data_off)
            return ERR_IO;
        const char *name = base + name_off;
        if (strcmp(name, "TRAILER!!!") == 0)
            return OK;
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        while (name[0] == '/')
            name++;
        if ((mode & S_IFMT) == S_IFREG) {
            struct bootfs_file f = {name, base + data_off, filesize, mode};
            if (!fn(&f, ctx))
                return OK;
        }
        off = pad4(data_off + filesize);
    }
}

struct find_ctx {
    const char *want;
    struct bootfs_file *out;
    bool found;
};

static bool match(const struct bootfs_file *f, void *arg)
{
    struct find_ctx *c = arg;
    if (strcmp(f->name, c->want) != 0)
        return true;
    *c->out = *f;
    c->found = true;
    return false;
}

status_t bootfs_find(const void *image, size_t len, const char *path, struct bootfs_file *out)
{
    size_t plen = strlen(BOOTFS_PREFIX);
    if (strncmp(path, BOOTFS_PREFIX, plen) == 0)
        path += plen;
    struct find_ctx c = {path, out, false};
    status_t s = bootfs_iterate(image, len, match, &c);
    if (c.found)
        return OK;
    return s == OK ? ERR_NOT_FOUND : s;
}
