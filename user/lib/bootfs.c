/*
 * bootfs.c - finding a file in a cpio "newc" archive held in a VMO (the
 * boot file system; basalt/launch.h).
 *
 * The same format (the kernel's lib/cpio.h, whose parser is compiled in
 * here too) and the same strictness as the kernel's reader
 * (kernel/fs/bootfs.c). Names are compared without a leading "./" or "/". Every field is parsed
 * from a private copy made with vmo_read, so another holder of the VMO cannot change a length
 * between its check and its use, and every offset is checked against the
 * VMO's size: a corrupt archive gives ERR_IO, never a wild read.
 */
#include <basalt/launch.h>
#include <lib/cpio.h>
#include <stdbool.h>

#define NAME_MAX_READ 256 /* longer names are never a match (paths are shorter) */

bs_status_t bs_bootfs_find(bs_handle_t vmo, const char *path, uint64_t *offset, uint64_t *size)
{
    uint64_t len;
    bs_status_t s = bs_vmo_get_size(vmo, &len);
    if (s != OK)
        return s;
    if (strncmp(path, "/boot/", 6) == 0)
        path += 6;
    path = cpio_name_strip(path);
    size_t want = strlen(path);
    if (want == 0 || want >= NAME_MAX_READ)
        return ERR_NOT_FOUND;

    uint64_t off = 0;
    for (;;) {
        char h[CPIO_HEADER_SIZE];
        char name[NAME_MAX_READ];
        struct cpio_header hd;
        if (off > len || len - off < CPIO_HEADER_SIZE)
            return ERR_IO; /* no trailer */
        if ((s = bs_vmo_read(vmo, h, off, CPIO_HEADER_SIZE)) != OK)
            return s;
        if (!cpio_header_parse(h, &hd))
            return ERR_IO;
        uint32_t mode = hd.mode, filesize = hd.filesize, namesize = hd.namesize;
        uint64_t name_off = off + CPIO_HEADER_SIZE;
        if (namesize == 0 || namesize > len - name_off)
            return ERR_IO;
        uint64_t data_off = cpio_pad4(name_off + namesize);
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
            if ((mode & CPIO_S_IFMT) == CPIO_S_IFREG && strcmp(cpio_name_strip(name), path) == 0) {
                *offset = data_off;
                *size = filesize;
                return OK;
            }
        }
        off = cpio_pad4(data_off + filesize);
    }
}
