/*
 * test_fmap.c - mmap of files: MAP_SHARED maps the tmpfs file's own
 * memory (stores are the file's bytes, writes to the file show in the
 * mapping), MAP_PRIVATE a copy-on-write snapshot; the access checks
 * against the descriptor's mode, offsets, W^X, what cannot be mapped, and
 * a mapping longer than the file.
 *
 * Pages past the end of the file are reserved but untouchable (a touch
 * would end the program: there is no SIGBUS yet), so they are only
 * checked through munmap and mprotect's return codes.
 */
#include "pt.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096

/* CHECK_MAP_ERR(call, E): an mmap call fails with errno E. */
#define CHECK_MAP_ERR(call, e)                                                                     \
    do {                                                                                           \
        errno = 0;                                                                                 \
        void *pt_p = (call);                                                                       \
        if (pt_p != MAP_FAILED || errno != (e)) {                                                  \
            pt_fail(__LINE__, #call " fails with " #e, (long)pt_p, errno);                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A file of `pages` pages, page i filled with 'a' + i; its descriptor opened with `oflags`. */
static int make_file(const char *path, int pages, int oflags)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    char buf[PG];
    for (int i = 0; i < pages; i++) {
        memset(buf, 'a' + i, sizeof(buf));
        if (write(fd, buf, sizeof(buf)) != PG) {
            close(fd);
            return -1;
        }
    }
    close(fd);
    return open(path, oflags);
}

PT_TEST(mmap_file_shared_is_the_file)
{
    int fd = make_file("/tmp/pt-fm-shared", 2, O_RDWR);
    CHECK(fd >= 0);
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(p[0], 'a');
    CHECK_EQ(p[PG + 7], 'b');
    /* A store through the mapping is read back by read(2)... */
    memcpy(p + 100, "mapped", 6);
    char buf[8] = {0};
    CHECK_EQ(pread(fd, buf, 6, 100), 6);
    CHECK(memcmp(buf, "mapped", 6) == 0);
    /* ... and a write(2) shows in the mapping. */
    CHECK_EQ(pwrite(fd, "written", 7, PG + 10), 7);
    CHECK(memcmp(p + PG + 10, "written", 7) == 0);
    /* A second shared mapping sees the same bytes. */
    char *q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(q != MAP_FAILED);
    CHECK(memcmp(q + 100, "mapped", 6) == 0);
    CHECK_EQ(munmap(q, PG), 0);
    CHECK_EQ(munmap(p, 2 * PG), 0);
    close(fd);
    /* The bytes stay in the file after the mapping and the descriptor are gone. */
    fd = open("/tmp/pt-fm-shared", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(pread(fd, buf, 6, 100), 6);
    CHECK(memcmp(buf, "mapped", 6) == 0);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-fm-shared"), 0);
}

PT_TEST(mmap_file_private_is_a_copy)
{
    int fd = make_file("/tmp/pt-fm-priv", 2, O_RDONLY);
    CHECK(fd >= 0);
    /* A private mapping may be written even from a read-only descriptor. */
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(p[5], 'a');
    CHECK_EQ(p[PG], 'b');
    p[5] = 'Z';
    char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 5), 1);
    CHECK_EQ(c, 'a'); /* the file did not change */
    CHECK_EQ(p[5], 'Z');
    /* Read-only and executable private mappings (W^X: never both W and X). */
    char *x = mmap(NULL, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, PG);
    CHECK(x != MAP_FAILED);
    CHECK_EQ(x[0], 'b');
    CHECK_EQ(mprotect(x, PG, PROT_READ | PROT_WRITE), 0); /* private: may become writable */
    CHECK_EQ(munmap(x, PG), 0);
    CHECK_EQ(munmap(p, 2 * PG), 0);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-fm-priv"), 0);
}

PT_TEST(mmap_file_offsets)
{
    int fd = make_file("/tmp/pt-fm-off", 3, O_RDONLY);
    CHECK(fd >= 0);
    char *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 2 * PG);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(p[0], 'c');
    CHECK_EQ(p[PG - 1], 'c');
    CHECK_EQ(munmap(p, PG), 0);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 100), EINVAL);
    /* MAP_FIXED over an anonymous mapping replaces it with the file. */
    char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    char *f = mmap(a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, PG);
    CHECK(f == a + PG);
    CHECK_EQ(f[0], 'b');
    CHECK_EQ(a[0], 0);
    CHECK_EQ(munmap(a, 2 * PG), 0);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-fm-off"), 0);
}

PT_TEST(mmap_file_access_checks)
{
    int ro = make_file("/tmp/pt-fm-acc", 1, O_RDONLY);
    CHECK(ro >= 0);
    /* MAP_SHARED + PROT_WRITE needs a descriptor open for writing. */
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
    char *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(mprotect(p, PG, PROT_READ | PROT_WRITE), EACCES); /* and never becomes writable */
    CHECK_EQ(munmap(p, PG), 0);
    /* Any mapping needs a descriptor open for reading. */
    int wo = open("/tmp/pt-fm-acc", O_WRONLY);
    CHECK(wo >= 0);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, wo, 0), EACCES);
    close(wo);
    /* W^X holds for files too. */
    int rw = open("/tmp/pt-fm-acc", O_RDWR);
    CHECK(rw >= 0);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE, rw, 0), EACCES);
    close(rw);
    /* Descriptors that are not regular files, or not open at all. */
    int dir = open("/tmp", O_RDONLY);
    CHECK(dir >= 0);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED, dir, 0), ENODEV);
    close(dir);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED, 1, 0), ENODEV); /* the console */
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED, 999, 0), EBADF);
    CHECK_MAP_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
    close(ro);
    CHECK_EQ(unlink("/tmp/pt-fm-acc"), 0);
}

PT_TEST(mmap_file_past_the_end)
{
    int fd = open("/tmp/pt-fm-eof", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "short", 5), 5);
    /* Three pages over a 5-byte file: the first is the file's, the rest reserved. */
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK(memcmp(p, "short", 5) == 0);
    for (int i = 5; i < PG; i++)
        CHECK_EQ(p[i], 0); /* the rest of the last page reads as zeroes */
    p[10] = 'x';           /* and may be written, past the file's size */
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 5);                            /* which does not grow the file */
    CHECK_ERR(mprotect(p + PG, PG, PROT_READ), EACCES); /* the reserved pages stay untouchable */
    /* A new mapping does not land in the reserved pages. */
    char *a = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK(a != p + PG);
    CHECK_EQ(munmap(a, PG), 0);
    CHECK_EQ(munmap(p, 3 * PG), 0);
    /* Growing the file later shows zeroes there, not the store (as Linux). */
    CHECK_EQ(ftruncate(fd, 20), 0);
    char c = 1;
    CHECK_EQ(pread(fd, &c, 1, 10), 1);
    CHECK_EQ(c, 0);
    /* A mapping wholly past the end (here: of an empty file) is a reservation. */
    CHECK_EQ(ftruncate(fd, 0), 0);
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(munmap(p, PG), 0);
    p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 16 * PG);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(munmap(p, PG), 0);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-fm-eof"), 0);
}
