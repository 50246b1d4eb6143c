/*
 * bootfs.c - reading the cpio "newc" initrd (see fs/bootfs.h).
 *
 * The archive's layout is in lib/cpio.h.
 */
#include <fs/bootfs.h>
#include <lib/cpio.h>
#include <lib/string.h>

/* Calls fn for every member of the given type (CPIO_S_IFREG or CPIO_S_IFLNK). */
static status_t iterate_type(const void *image, size_t len, uint32_t type,
                             bool (*fn)(const struct bootfs_file *f, void *ctx), void *ctx)
{
    const char *base = image;
    size_t off = 0;
    for (;;) {
        if (off > len || len - off < CPIO_HEADER_SIZE)
            return ERR_IO; /* no trailer */
        struct cpio_header hd;
        if (!cpio_header_parse(base + off, &hd))
            return ERR_IO;
        uint32_t mode = hd.mode, filesize = hd.filesize, namesize = hd.namesize;
        size_t name_off = off + CPIO_HEADER_SIZE;
        if (namesize == 0 || namesize > len - name_off || base[name_off + namesize - 1] != 0)
            return ERR_IO;
        size_t data_off = cpio_pad4(name_off + namesize);
        if (data_off > len || filesize > len - data_off)
            return ERR_IO;
        const char *name = base + name_off;
        if (strcmp(name, "TRAILER!!!") == 0)
            return OK;
        name = cpio_name_strip(name);
        if ((mode & CPIO_S_IFMT) == type) {
            struct bootfs_file f = {name, base + data_off, filesize, mode};
            if (!fn(&f, ctx))
                return OK;
        }
        off = cpio_pad4(data_off + filesize);
    }
}

status_t bootfs_iterate(const void *image, size_t len,
                        bool (*fn)(const struct bootfs_file *f, void *ctx), void *ctx)
{
    return iterate_type(image, len, CPIO_S_IFREG, fn, ctx);
}

status_t bootfs_iterate_symlinks(const void *image, size_t len,
                                 bool (*fn)(const struct bootfs_file *f, void *ctx), void *ctx)
{
    return iterate_type(image, len, CPIO_S_IFLNK, fn, ctx);
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
