/*
 * test_mm.c - mmap, munmap, mprotect, madvise and brk, and what they make
 * possible: musl's malloc, and with it fopen and opendir.
 *
 * A fault ends the whole program, so PROT_NONE and read-only memory are
 * only checked through return codes, never touched.
 */
#include "pt.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096

static void *anon(void *addr, size_t len, int prot, int flags)
{
    return mmap(addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

PT_TEST(mmap_anonymous_private_rw)
{
    char *p = anon(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(p != MAP_FAILED);
    CHECK_EQ((uintptr_t)p % PG, 0);
    for (int i = 0; i < 3 * PG; i++)
        CHECK_EQ(p[i], 0); /* fresh anonymous memory is zero */
    memset(p, 0x5a, 3 * PG);
    CHECK_EQ(p[3 * PG - 1], 0x5a);
    CHECK_EQ(munmap(p, 3 * PG), 0);
}

PT_TEST(mmap_anonymous_shared_and_odd_length)
{
    char *p = anon(0, 100, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK(p != MAP_FAILED);
    p[0] = 1;
    p[PG - 1] = 2; /* the length is rounded up to a whole page */
    CHECK_EQ(p[PG - 1], 2);
    CHECK_EQ(munmap(p, 100), 0);
}

PT_TEST(mmap_bad_input)
{
    CHECK(anon(0, 0, PROT_READ, MAP_PRIVATE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(anon(0, PG, PROT_READ, 0) == MAP_FAILED); /* neither private nor shared */
    CHECK_EQ(errno, EINVAL);
    CHECK(anon(0, PG, PROT_READ, MAP_PRIVATE | 0x40000 /* MAP_HUGETLB */) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(anon(0, PG, 0x80, MAP_PRIVATE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(anon((void *)0x10000123, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mmap(0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(anon(0, (size_t)1 << 50, PROT_READ, MAP_PRIVATE) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
}

PT_TEST(mmap_write_exec_refused)
{
    CHECK(anon(0, PG, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE) == MAP_FAILED);
    CHECK_EQ(errno, EACCES); /* W^X: Linux would allow it */
}

PT_TEST(mmap_file_boot_init)
{
    /* The /boot files are tmpfs files: mappable (test_fmap.c has the rest). */
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    char *p = mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    CHECK(p != MAP_FAILED);
    CHECK(memcmp(p, "\177ELF", 4) == 0);
    CHECK_EQ(munmap(p, PG), 0);
}

PT_TEST(mmap_fixed_replaces)
{
    char *p = anon(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(p != MAP_FAILED);
    memset(p, 7, 4 * PG);
    char *q = anon(p + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED);
    CHECK(q == p + PG);
    CHECK_EQ(q[0], 0); /* a new, zeroed mapping replaced the middle */
    CHECK_EQ(q[2 * PG - 1], 0);
    CHECK_EQ(p[0], 7);
    CHECK_EQ(p[3 * PG], 7);
    CHECK(anon(p, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE) == MAP_FAILED);
    CHECK_EQ(errno, EEXIST);
    CHECK_EQ(munmap(p, 4 * PG), 0);
}

PT_TEST(mmap_hint_taken_when_free)
{
    char *p = anon(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(munmap(p, 2 * PG), 0);
    char *q = anon(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(q == p);
    /* A hint on a taken place goes elsewhere, without replacing. */
    q[0] = 9;
    char *r = anon(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(r != MAP_FAILED && r != p);
    CHECK_EQ(q[0], 9);
    munmap(q, PG);
    munmap(r, PG);
}

PT_TEST(munmap_bad_input_and_holes)
{
    CHECK_ERR(munmap((void *)0x10000123, PG), EINVAL);
    CHECK_ERR(munmap((void *)0x10000000, 0), EINVAL);
    CHECK_ERR(munmap((void *)0x7ffffffff000, 2 * PG), EINVAL); /* past the user half */
    CHECK_EQ(munmap((void *)0x10000000, PG), 0);               /* nothing mapped there: fine */
    char *p = anon(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(munmap(p + PG, PG), 0); /* a hole in the middle */
    p[0] = 1;
    p[2 * PG] = 2;
    CHECK_EQ(p[0] + p[2 * PG], 3);
    CHECK_EQ(munmap(p, 3 * PG), 0);
}

PT_TEST(mprotect_changes_and_errors)
{
    char *p = anon(0, 2 * PG, PROT_NONE, MAP_PRIVATE);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_WRITE), 0);
    p[0] = 3; /* now writable */
    CHECK_EQ(mprotect(p, PG, PROT_READ), 0);
    CHECK_EQ(p[0], 3);
    CHECK_EQ(mprotect(p, 2 * PG, PROT_NONE), 0);
    CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_EXEC), 0);
    CHECK_ERR(mprotect(p, PG, PROT_WRITE | PROT_EXEC), EACCES);
    /* musl rounds the address down itself: the raw call sees it unaligned. */
    CHECK_ERR(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
    CHECK_ERR(mprotect(p, PG, 0x100), EINVAL);
    CHECK_EQ(mprotect(p, 0, PROT_READ), 0);
    CHECK_EQ(munmap(p, 2 * PG), 0);
    CHECK_ERR(mprotect(p, PG, PROT_READ), ENOMEM); /* not mapped */
}

PT_TEST(madvise_accepts_valid_ranges)
{
    char *p = anon(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(madvise(p, 2 * PG, MADV_WILLNEED), 0);
    CHECK_EQ(madvise(p, PG, MADV_FREE), 0);
    CHECK_ERR(madvise(p + 1, PG, MADV_WILLNEED), EINVAL);
    munmap(p, 2 * PG);
}

PT_TEST(brk_grows_and_shrinks)
{
    uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(b0 != 0);
    CHECK_EQ(b0 % PG, 0); /* starts just past the last PT_LOAD page */
    CHECK_EQ((uintptr_t)syscall(SYS_brk, b0 + 3 * PG + 10), b0 + 3 * PG + 10);
    char *m = (char *)b0;
    for (int i = 0; i < 3 * PG + 10; i++)
        CHECK_EQ(m[i], 0);
    memset(m, 1, 3 * PG + 10);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, b0 + PG), b0 + PG);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, 0), b0 + PG);
    CHECK_EQ(m[PG - 1], 1);
    /* Below the start: refused, the break stays. */
    CHECK_EQ((uintptr_t)syscall(SYS_brk, PG), b0 + PG);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, b0), b0);
    CHECK_EQ(munmap(m, PG), 0); /* nothing left mapped from the break */
}

PT_TEST(brk_stops_at_a_mapping)
{
    /* musl's brk() and sbrk(n) are stubs (-ENOMEM): the raw call, then. */
    uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(b0 != 0);
    char *m = anon((void *)(b0 + 2 * PG), PG, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE);
    CHECK(m == (char *)(b0 + 2 * PG));
    CHECK_EQ((uintptr_t)syscall(SYS_brk, b0 + 3 * PG), b0); /* would cover it: refused */
    CHECK_EQ((uintptr_t)syscall(SYS_brk, b0 + 2 * PG), b0 + 2 * PG);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, b0), b0);
    CHECK_EQ(munmap(m, PG), 0);
    CHECK(sbrk(0) == (void *)b0);
}

PT_TEST(malloc_small_and_large)
{
    char *small[64];
    for (int i = 0; i < 64; i++) {
        small[i] = malloc(16 + i * 8);
        CHECK(small[i]);
        memset(small[i], i, 16 + i * 8);
    }
    for (int i = 0; i < 64; i++)
        CHECK_EQ(small[i][15 + i * 8], i);
    char *big = malloc(1 << 20);
    CHECK(big);
    memset(big, 0xab, 1 << 20);
    CHECK_EQ((unsigned char)big[(1 << 20) - 1], 0xab);
    char *z = calloc(1000, 100);
    CHECK(z);
    for (int i = 0; i < 100000; i += 997)
        CHECK_EQ(z[i], 0);
    big = realloc(big, 2 << 20);
    CHECK(big);
    CHECK_EQ((unsigned char)big[(1 << 20) - 1], 0xab);
    free(big);
    free(z);
    for (int i = 0; i < 64; i++)
        free(small[i]);
}

PT_TEST(malloc_many_cycles)
{
    for (int round = 0; round < 20; round++) {
        void *p[32];
        for (int i = 0; i < 32; i++) {
            p[i] = malloc((size_t)(i + 1) * 300);
            CHECK(p[i]);
            memset(p[i], round, (size_t)(i + 1) * 300);
        }
        for (int i = 0; i < 32; i++)
            free(p[i]);
    }
}

PT_TEST(fopen_fgets_fclose)
{
    FILE *f = fopen("/boot/posix-tests", "r");
    CHECK(f);
    char buf[8];
    CHECK_EQ(fread(buf, 1, 4, f), 4);
    CHECK(memcmp(buf, "\177ELF", 4) == 0);
    CHECK_EQ(fclose(f), 0);
    CHECK(fopen("/boot/no-such-file", "r") == NULL);
    CHECK_EQ(errno, ENOENT);
    /* A text file, line by line. */
    f = fopen("/tmp/pt-lines", "w");
    CHECK(f);
    CHECK(fprintf(f, "first line\nsecond %d\n", 42) > 0);
    CHECK_EQ(fclose(f), 0);
    f = fopen("/tmp/pt-lines", "r");
    CHECK(f);
    char line[64];
    CHECK(fgets(line, sizeof(line), f));
    CHECK(strcmp(line, "first line\n") == 0);
    CHECK(fgets(line, sizeof(line), f));
    CHECK(strcmp(line, "second 42\n") == 0);
    CHECK(fgets(line, sizeof(line), f) == NULL);
    CHECK(feof(f));
    CHECK_EQ(fclose(f), 0);
    unlink("/tmp/pt-lines");
}

PT_TEST(opendir_readdir_boot)
{
    DIR *d = opendir("/boot");
    CHECK(d);
    int n = 0, dot = 0, self = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        n++;
        if (!strcmp(e->d_name, "."))
            dot = 1;
        if (!strcmp(e->d_name, "posix-tests"))
            self = 1;
    }
    CHECK_EQ(closedir(d), 0);
    CHECK(n >= 3);
    CHECK(dot);
    CHECK(self);
    CHECK(opendir("/boot/posix-tests") == NULL);
    CHECK_EQ(errno, ENOTDIR);
}

PT_TEST(printf_long_string)
{
    char *s = malloc(5000);
    CHECK(s);
    memset(s, 'x', 4999);
    s[4999] = 0;
    char *out = malloc(6000);
    CHECK(out);
    CHECK_EQ(snprintf(out, 6000, "<%s>", s), 5001);
    CHECK_EQ(out[5000], '>');
    CHECK_EQ(printf("    long: %.*s...\n", 40, s), 4 + 6 + 40 + 4);
    free(out);
    free(s);
}
