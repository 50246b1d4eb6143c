/*
 * test_procfs.c - posix-tests of /proc: /proc/self and the status and stat
 * of this process, the listing, meminfo, uptime, mounts, reads at offsets,
 * and /proc/basalt/syscalls counting the calls just made.
 */
#include "pt.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The whole of a /proc file into buf (NUL-terminated): its length, or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t n;
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = 0;
    close(fd);
    return (long)len;
}

static long my_pid(void)
{
    char link[32];
    ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
    if (n <= 0)
        return -1;
    link[n] = 0;
    return atol(link);
}

PT_TEST(proc_self_status_and_stat)
{
    long pid = my_pid();
    CHECK(pid > 0);
    static char buf[4096];
    CHECK(slurp("/proc/self/status", buf, sizeof(buf)) > 0);
    CHECK(strncmp(buf, "Name:\tposix-tests\n", 18) == 0);
    char want[32];
    snprintf(want, sizeof(want), "\nPid:\t%ld\n", pid);
    CHECK(strstr(buf, want) != NULL);
    CHECK(strstr(buf, "\nState:\tR (running)\n") != NULL);
    CHECK(strstr(buf, "\nThreads:\t1\n") != NULL);
    char *vm = strstr(buf, "\nVmSize:");
    CHECK(vm != NULL);
    CHECK(atol(vm + 8) > 0);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    CHECK(slurp(path, buf, sizeof(buf)) > 0);
    long spid, ppid, pgrp, sid;
    char state;
    CHECK_EQ(sscanf(buf, "%ld (posix-tests) %c %ld %ld %ld", &spid, &state, &ppid, &pgrp, &sid), 5);
    CHECK_EQ(spid, pid);
    CHECK_EQ(state, 'R');
    CHECK(sid > 0);
    CHECK(strchr(buf, '\n') != NULL);
}

PT_TEST(proc_listing_shows_pids)
{
    long pid = my_pid();
    DIR *d = opendir("/proc");
    CHECK(d != NULL);
    int self = 0, meminfo = 0, mine = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        self |= strcmp(e->d_name, "self") == 0 && e->d_type == DT_LNK;
        meminfo |= strcmp(e->d_name, "meminfo") == 0 && e->d_type == DT_REG;
        mine |= atol(e->d_name) == pid && e->d_type == DT_DIR;
    }
    closedir(d);
    CHECK(self && meminfo && mine);
    CHECK_ERR(open("/proc/0/status", O_RDONLY), ENOENT);
    CHECK_ERR(open("/proc/nosuch", O_RDONLY), ENOENT);
    CHECK_ERR(open("/proc/self/nosuch", O_RDONLY), ENOENT);
}

PT_TEST(proc_meminfo_parseable)
{
    FILE *f = fopen("/proc/meminfo", "r");
    CHECK(f != NULL);
    char name[64];
    unsigned long v, total = 0, mfree = 0, avail = 0;
    int lines = 0;
    while (fscanf(f, "%63[^:]: %lu kB\n", name, &v) == 2) {
        lines++;
        if (strcmp(name, "MemTotal") == 0)
            total = v;
        else if (strcmp(name, "MemFree") == 0)
            mfree = v;
        else if (strcmp(name, "MemAvailable") == 0)
            avail = v;
    }
    fclose(f);
    CHECK(lines >= 5);
    CHECK(total > 16 * 1024);
    CHECK(mfree > 0 && mfree <= total);
    CHECK(avail >= mfree);
}

PT_TEST(proc_uptime_and_mounts)
{
    static char buf[4096];
    CHECK(slurp("/proc/uptime", buf, sizeof(buf)) > 0);
    double up = 0, idle = -1;
    CHECK_EQ(sscanf(buf, "%lf %lf", &up, &idle), 2);
    CHECK(up > 0 && idle >= 0);
    CHECK(slurp("/proc/mounts", buf, sizeof(buf)) > 0);
    CHECK(strncmp(buf, "tmpfs / tmpfs rw 0 0\n", 21) == 0);
    CHECK(strstr(buf, "\nproc /proc proc rw 0 0\n") != NULL);
    CHECK(strstr(buf, "\ndevtmpfs /dev devtmpfs rw 0 0\n") != NULL);
}

PT_TEST(proc_reads_at_offsets)
{
    static char whole[4096], pieces[4096];
    long len = slurp("/proc/mounts", whole, sizeof(whole));
    CHECK(len > 10);
    int fd = open("/proc/mounts", O_RDONLY);
    CHECK(fd >= 0);
    long got = 0;
    ssize_t n;
    while ((n = read(fd, pieces + got, 7)) > 0)
        got += n;
    CHECK_EQ(got, len);
    CHECK(memcmp(whole, pieces, (size_t)len) == 0);
    char c[4];
    CHECK_EQ(pread(fd, c, 4, 6), 4);
    CHECK(memcmp(c, whole + 6, 4) == 0);
    CHECK_EQ(pread(fd, c, 4, len), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(read(fd, c, 4), 4);
    CHECK(memcmp(c, whole, 4) == 0);
    close(fd);
}

/* The count on /proc/basalt/syscalls's line for nr, with its ENOSYS mark: -1 if absent. */
static long syscall_count(int nr, const char *name, int *enosys)
{
    static char buf[32768];
    if (slurp("/proc/basalt/syscalls", buf, sizeof(buf)) <= 0)
        return -1;
    char want[64];
    int w = snprintf(want, sizeof(want), "\n%d %s ", nr, name);
    char *line = strstr(buf, want);
    if (!line)
        return -1;
    *enosys = strncmp(strchr(line + w, ' ') ? strchr(line + w, ' ') : "", " ENOSYS", 7) == 0;
    return atol(line + w);
}

PT_TEST(proc_basalt_syscalls_counts_calls)
{
    int enosys = -1;
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    long before = syscall_count(SYS_getcwd, "getcwd", &enosys);
    CHECK(before >= 1);
    CHECK_EQ(enosys, 0);
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK_EQ(syscall_count(SYS_getcwd, "getcwd", &enosys), before + 1);
    /* A call Basalt does not have is listed and marked. */
    CHECK_ERR(syscall(SYS_afs_syscall), ENOSYS);
    CHECK(syscall_count(SYS_afs_syscall, "afs_syscall", &enosys) >= 1);
    CHECK_EQ(enosys, 1);
}

/* /proc/kmsg read in small pieces gives the same bytes as one large read, our line among them. */
PT_TEST(proc_kmsg_reads_in_pieces)
{
    int k = open("/dev/kmsg", O_WRONLY);
    CHECK(k >= 0);
    const char *line = "posix-tests: proc_kmsg marker\n";
    CHECK_EQ(write(k, line, strlen(line)), (long)strlen(line));
    close(k);
    enum { CAP = 70000 };
    char *a = malloc(CAP), *b = malloc(CAP);
    CHECK(a && b);
    int fd = open("/proc/kmsg", O_RDONLY);
    CHECK(fd >= 0);
    size_t na = 0;
    ssize_t r;
    while (na + 97 < CAP && (r = read(fd, a + na, 97)) > 0)
        na += (size_t)r;
    CHECK(na > 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    ssize_t nb = read(fd, b, CAP);
    CHECK_EQ(nb, (ssize_t)na);
    CHECK(memcmp(a, b, na) == 0);
    a[na < CAP ? na : CAP - 1] = 0;
    CHECK(strstr(a, "proc_kmsg marker") != NULL);
    CHECK_EQ(pread(fd, b, 16, 5), 16);
    CHECK(memcmp(a + 5, b, 16) == 0);
    close(fd);
    free(a);
    free(b);
}
