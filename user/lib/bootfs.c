/*
 * bootfs.c - finding a file in a cpio "newc" archive held in a VMO (the
 * boot file system; basalt/launch.h).
 *
 * The same format and the same strictness as the kernel's reader
 * (kernel/fs/bootfs.c): a member is a 110-byte ASCII header ("070701" or
 * "070702" and thirteen 8-digit hex fields), the NUL-terminated name padded
 * so that header + name is a multiple of 4, then the data padded to a
 * multiple of 4; "TRAILER!!!" ends the archive. Names are compared without
 * a leading "./" or "/". Every field is parsed from a private copy made
 * with vmo_read, so another holder of the VMO cannot change a length
 * between its check and its use, and every offset is checked against the
 * VMO's size: a corrupt archive gives ERR_IO, never a wild read.
 */
#include <basalt/launch.h>
#include <stdbool.h>

#define HDR_SIZE      110
#define NAME_MAX_READ 256 /* longer names are never a match (paths are shorter) */
#define S_IFMT_BITS   0170000u
#define S_IFREG_BITS  0100000u

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

static uint64_t pad4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

static const char *strip(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    return name;
}

bs_status_t bs_bootfs_find(bs_handle_t vmo, const char *path, uint64_t *offset, uint64_t *size)
{
    uint64_t len;
    bs_status_t s = bs_vmo_get_size(vmo, &len);
    if (s != OK)
        return s;
    if (strncmp(path, "/boot/", 6) == 0)
        path += 6;
    path = strip(path);
    size_t want = strlen(path);
    if (want == 0 || want >= NAME_MAX_READ)
        return ERR_NOT_FOUND;

    uint64_t off = 0;
    for (;;) {
        char h[HDR_SIZE];
        char name[NAME_MAX_READ];
        uint32_t mode, filesize, namesize;
        if (off > len || len - off < HDR_SIZE)
            return ERR_IO; /* no trailer */
        if ((s = bs_vmo_read(vmo, h, off, HDR_SIZE)) != OK)
            return s;
        if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
            return ERR_IO;
        if (!hex_field(h + 14, &mode) || !hex_field(h + 54, &filesize) ||
            !hex_field(h + 94, &namesize))
            return ERR_IO;
        uint64_t name_off = off + HDR_SIZE;
        if (namesize == 0 || namesize > len - name_off)
            return ERR_IO;
        uint64_t data_off = pad4(name_off + namesize);
        if (data_off > len || filesize > len - data_off)
            return ERR_IO;
        /* The name must end in its NUL; only names that could match are read whole. */
        uint32_t nread = namesize <= NAME_MAX_READ ? namesize : 1;
        uint64_t nfrom = namesize <= NAME_MAX_READ ? name_off : name_off + namesize - 1;
        if ((s = bs_vmo_read(vmo, name, nfrom, nread)) != OK)
            return s;
        if (name[nread - 1] != 0)
            return ERR_IO;
        if (namesize <= NAME_MAX_READ) {
            if (strcmp(name, "TRAILER!!!") == 0)
                return ERR_NOT_FOUND;
            if ((mode & S_IFMT_BITS) == S_IFREG_BITS && strcmp(strip(name), path) == 0) {
                *offset = data_off;
                *size = filesize;
                return OK;
            }
        }
        off = pad4(data_off + filesize);
    }
}
