/*
 * test_misc2.c - the system and standing calls (uname, getrandom, the IDs,
 * sysinfo, resource limits, reboot's refusals, rseq), the futex and
 * robust-list calls, and the attribute calls (umask, chmod, statx,
 * faccessat2, fsync, mount/umount2), each with good and bad input.
 *
 * Calls whose musl wrappers do more than the system call (getrlimit goes
 * through prlimit64, faccessat with flags through faccessat2, fchmod
 * retries through /proc) are also made with syscall(), so each number is
 * checked on its own.
 */
#define _GNU_SOURCE /* getresuid, getresgid */
#include "pt.h"
#include "pt_child.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* ---- system ---- */

PT_TEST(uname_fields)
{
    struct utsname u;
    CHECK_EQ(uname(&u), 0);
    CHECK(strcmp(u.sysname, "Basalt") == 0);
    CHECK(strcmp(u.nodename, "basalt") == 0);
    CHECK(strcmp(u.machine, "x86_64") == 0);
    CHECK(strncmp(u.release, "6.1.0-basalt", 12) == 0);
    CHECK(strncmp(u.version, "Basalt ", 7) == 0);
    CHECK_ERR(uname(NULL), EFAULT);
    CHECK_ERR(uname(KPTR), EFAULT);
}

PT_TEST(getrandom_bytes)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    CHECK_EQ(getrandom(a, sizeof(a), 0), sizeof(a));
    CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    int zeroes = 0;
    for (unsigned i = 0; i < sizeof(a); i++)
        zeroes += a[i] == 0;
    CHECK(zeroes < 8);
    CHECK_EQ(getrandom(a, 0, 0), 0);
    CHECK_EQ(getrandom(a, 1, GRND_RANDOM), 1);
    /* More than one draw: a page and a bit, all of it written. */
    static unsigned char big[5000];
    CHECK_EQ(getrandom(big, sizeof(big), 0), sizeof(big));
    CHECK(big[4999] != 0 || big[4998] != 0 || big[4997] != 0);
    CHECK_ERR(getrandom(a, 8, 0x40), EINVAL);
    CHECK_ERR(getrandom(a, 8, GRND_RANDOM | 0x4 /* GRND_INSECURE */), EINVAL);
    CHECK_ERR(getrandom(NULL, 8, 0), EFAULT);
    CHECK_ERR(getrandom(KPTR, 8, 0), EFAULT);
}

PT_TEST(user_and_group_ids)
{
    CHECK_EQ(getuid(), 0);
    CHECK_EQ(geteuid(), 0);
    CHECK_EQ(getgid(), 0);
    CHECK_EQ(getegid(), 0);
    uid_t r = 9, e = 9, s = 9;
    CHECK_EQ(getresuid(&r, &e, &s), 0);
    CHECK(r == 0 && e == 0 && s == 0);
    gid_t gr = 9, ge = 9, gs = 9;
    CHECK_EQ(getresgid(&gr, &ge, &gs), 0);
    CHECK(gr == 0 && ge == 0 && gs == 0);
    CHECK_ERR(syscall(SYS_getresuid, &r, KPTR, &s), EFAULT);
    CHECK_ERR(syscall(SYS_getresgid, NULL, &ge, &gs), EFAULT);
    CHECK_EQ(syscall(SYS_setuid, 0), 0);
    CHECK_EQ(syscall(SYS_setgid, 0), 0);
    CHECK_ERR(syscall(SYS_setuid, 1000), EPERM);
    CHECK_ERR(syscall(SYS_setgid, 1000), EPERM);
    CHECK_ERR(syscall(SYS_setuid, -1), EINVAL);
    gid_t groups[4];
    CHECK_EQ(getgroups(4, groups), 0);
    CHECK_EQ(getgroups(0, NULL), 0);
    CHECK_ERR(syscall(SYS_getgroups, -1, groups), EINVAL);
}

PT_TEST(sysinfo_memory_and_uptime)
{
    struct sysinfo si;
    memset(&si, 0xff, sizeof(si));
    CHECK_EQ(sysinfo(&si), 0);
    CHECK_EQ(si.mem_unit, 1);
    CHECK(si.totalram > 64ul << 20); /* the tests boot with 512 MiB */
    CHECK(si.freeram > 0 && si.freeram < si.totalram);
    CHECK(si.procs >= 1);
    CHECK_EQ(si.totalswap, 0);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    CHECK(si.uptime <= (unsigned long)ts.tv_sec);
    /* Memory handed out shows. */
    unsigned long before = si.freeram;
    static char touch[1 << 20];
    memset(touch, 1, sizeof(touch));
    CHECK_EQ(sysinfo(&si), 0);
    CHECK(si.freeram < before);
    CHECK_ERR(sysinfo(NULL), EFAULT);
    CHECK_ERR(sysinfo(KPTR), EFAULT);
}

PT_TEST(reboot_refusals)
{
    /* Only the refusals: a good call would end the test run. */
    CHECK_ERR(syscall(SYS_reboot, 0xfee1deadu, 1, 0x4321fedcu, 0), EINVAL);
    CHECK_ERR(syscall(SYS_reboot, 0x12345678u, 672274793, 0x4321fedcu, 0), EINVAL);
    CHECK_ERR(syscall(SYS_reboot, 0xfee1deadu, 672274793, 0x1234u, 0), EINVAL);
    CHECK_EQ(syscall(SYS_reboot, 0xfee1deadu, 672274793, 0 /* CAD_OFF */, 0), 0);
    CHECK_EQ(syscall(SYS_reboot, 0xfee1deadu, 85072278, 0x89abcdefu /* CAD_ON */, 0), 0);
}

PT_TEST(rseq_is_enosys)
{
    CHECK_ERR(syscall(SYS_rseq, NULL, 0, 0, 0), ENOSYS);
}

/* ---- resource limits ---- */

PT_TEST(rlimits_defaults_and_errors)
{
    struct rlimit r;
    CHECK_EQ(syscall(SYS_getrlimit, RLIMIT_NOFILE, &r), 0);
    CHECK_EQ(r.rlim_cur, 1024);
    CHECK_EQ(r.rlim_max, 1024);
    CHECK_EQ(getrlimit(RLIMIT_STACK, &r), 0);
    CHECK_EQ(r.rlim_cur, 8 << 20);
    CHECK(r.rlim_max == RLIM_INFINITY);
    CHECK_EQ(getrlimit(RLIMIT_CORE, &r), 0);
    CHECK_EQ(r.rlim_cur, 0);
    CHECK_ERR(syscall(SYS_getrlimit, 16, &r), EINVAL);
    CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, KPTR), EFAULT);
    CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, NULL), EFAULT);
    /* NOFILE above FD_MAX is EPERM; cur above max EINVAL. */
    struct rlimit big = {1024, 4096}, inv = {20, 10};
    CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, &big), EPERM);
    CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_CORE, &inv), EINVAL);
    CHECK_ERR(syscall(SYS_setrlimit, 99, &r), EINVAL);
    /* prlimit64: pid 0 is the caller; others do not exist yet. */
    struct rlimit old;
    CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, &old), 0);
    CHECK_EQ(old.rlim_cur, 0);
    CHECK_ERR(syscall(SYS_prlimit64, 4242, RLIMIT_CORE, NULL, &old), ESRCH);
    CHECK_ERR(syscall(SYS_prlimit64, 0, RLIMIT_CORE, KPTR, &old), EFAULT);
    CHECK_ERR(syscall(SYS_prlimit64, 0, 77, NULL, &old), EINVAL);
    CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, NULL), 0);
}

PT_TEST(rlimits_set_and_prlimit_swap)
{
    struct rlimit set = {1 << 20, 1 << 30}, got, old;
    CHECK_EQ(setrlimit(RLIMIT_CORE, &set), 0);
    CHECK_EQ(syscall(SYS_getrlimit, RLIMIT_CORE, &got), 0);
    CHECK_EQ(got.rlim_cur, 1 << 20);
    CHECK_EQ(got.rlim_max, 1 << 30);
    /* prlimit64 sets and returns the old value in one call. */
    struct rlimit back = {0, RLIM_INFINITY};
    CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_CORE, &back, &old), 0);
    CHECK_EQ(old.rlim_cur, 1 << 20);
    CHECK_EQ(syscall(SYS_getrlimit, RLIMIT_CORE, &got), 0);
    CHECK_EQ(got.rlim_cur, 0);
    CHECK(got.rlim_max == RLIM_INFINITY);
}

PT_TEST(rlimit_nofile_is_enforced)
{
    struct rlimit low = {10, 1024}, all = {1024, 1024};
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    int fds[16], n = 0, fd;
    while ((fd = open("/boot", O_RDONLY)) >= 0 && n < 16)
        fds[n++] = fd;
    int err = errno;
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &all), 0); /* before any CHECK can end the test */
    for (int i = 0; i < n; i++)
        close(fds[i]);
    CHECK_EQ(fd, -1);
    CHECK_EQ(err, EMFILE);
    CHECK_EQ(n, 7); /* 3 .. 9 */

    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    long dup_hi = syscall(SYS_dup2, 0, 20);
    int dup_err = errno;
    long dupfd = fcntl(0, F_DUPFD, 12);
    int dupfd_err = errno;
    struct rlimit three = {3, 1024};
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &three), 0);
    long dup_lo = dup(0); /* 3 is at the limit */
    int dup_lo_err = errno;
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &all), 0);
    CHECK_EQ(dup_lo, -1);
    CHECK_EQ(dup_lo_err, EMFILE);
    CHECK_EQ(dup_hi, -1);
    CHECK_EQ(dup_err, EBADF);
    CHECK_EQ(dupfd, -1);
    CHECK_EQ(dupfd_err, EINVAL);
    /* Back at 1024, a high descriptor is fine again. */
    CHECK_EQ(dup2(0, 20), 20);
    CHECK_EQ(close(20), 0);
}

/* ---- futex and robust lists ---- */

#define FUTEX_WAIT        0
#define FUTEX_WAKE        1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE     128
#define FUTEX_CLOCK_RT    256
#define FUTEX_CMP_REQUEUE 4

static long futex(void *uaddr, int op, unsigned val, const struct timespec *ts, unsigned val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

PT_TEST(futex_wait_value_and_timeout)
{
    static unsigned word = 5;
    /* Another value: EAGAIN at once, whatever the timeout. */
    CHECK_ERR(futex(&word, FUTEX_WAIT, 6, NULL, 0), EAGAIN);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE, 6, NULL, 0), EAGAIN);
    /* The value matches: sleeps until the relative timeout. */
    struct timespec rel = {0, 20000000};
    long long t0 = pt_now_ns();
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE, 5, &rel, 0), ETIMEDOUT);
    long long took = pt_now_ns() - t0;
    CHECK(took >= 20000000 && took < 2000000000);
    /* WAIT_BITSET: an absolute deadline on the monotonic clock ... */
    long long dl = pt_now_ns() + 20000000;
    struct timespec abs = {dl / 1000000000, dl % 1000000000};
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 5, &abs, 0xffffffffu), ETIMEDOUT);
    CHECK(pt_now_ns() >= dl);
    /* ... or on the wall clock; one in the past times out at once. */
    struct timespec past = {1, 0};
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_RT, 5, &past, 0xffffffffu), ETIMEDOUT);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE, 5, &past, 0xffffffffu), ETIMEDOUT);
}

PT_TEST(futex_wake_and_bad_input)
{
    static unsigned word = 1;
    CHECK_EQ(futex(&word, FUTEX_WAKE, 1, NULL, 0), 0); /* nobody waits */
    CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE, 0x7fffffff, NULL, 0), 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, 0xffffffffu), 0);
    struct timespec bad = {0, 1000000000}, neg = {-1, 0};
    CHECK_ERR(futex(&word, FUTEX_WAIT, 1, &bad, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 1, &neg, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 1, KPTR, 0), EFAULT);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 1, NULL, 0), EINVAL);    /* empty bitset */
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 1, NULL, 0xf0), EINVAL); /* partial: unsupported */
    CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_CLOCK_RT, 1, NULL, 0), ENOSYS);
    CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE, 1, NULL, 0), ENOSYS);
    CHECK_ERR(futex(&word, 99, 1, NULL, 0), ENOSYS);
    CHECK_ERR(futex((char *)&word + 1, FUTEX_WAIT, 1, NULL, 0), EINVAL);
    CHECK_ERR(futex((char *)&word + 2, FUTEX_WAKE, 1, NULL, 0), EINVAL);
    CHECK_ERR(futex(NULL, FUTEX_WAIT, 0, NULL, 0), EFAULT);
    CHECK_ERR(futex(KPTR, FUTEX_WAIT, 0, NULL, 0), EFAULT);
    CHECK_ERR(futex(KPTR, FUTEX_WAKE, 1, NULL, 0), EFAULT);
    /* An unmapped word: a shared wake cannot find it, a private one finds nobody. */
    CHECK_ERR(futex((void *)0x1000, FUTEX_WAKE, 1, NULL, 0), EFAULT);
    CHECK_EQ(futex((void *)0x1000, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, 0), 0);
}

PT_TEST(robust_list_set_and_get)
{
    static struct {
        void *next;
        long offset;
        void *pending;
    } head = {&head, 0, NULL};
    CHECK_EQ(syscall(SYS_set_robust_list, &head, sizeof(head)), 0);
    void *got = NULL;
    size_t len = 0;
    CHECK_EQ(syscall(SYS_get_robust_list, 0, &got, &len), 0);
    CHECK(got == &head);
    CHECK_EQ(len, 24);
    CHECK_ERR(syscall(SYS_set_robust_list, &head, 16), EINVAL);
    CHECK_ERR(syscall(SYS_get_robust_list, 0, KPTR, &len), EFAULT);
    CHECK_ERR(syscall(SYS_get_robust_list, 0, &got, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_get_robust_list, 4242, &got, &len), ESRCH);
    CHECK_EQ(syscall(SYS_set_robust_list, NULL, 24), 0);
}

/* ---- attributes ---- */

static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

PT_TEST(umask_applies_to_creation)
{
    mode_t old = umask(027);
    CHECK_EQ(old, 022); /* the default */
    CHECK_EQ(umask(027), 027);
    int fd = open("/tmp/pt-um-file", O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(mkdir("/tmp/pt-um-dir", 0777), 0);
    CHECK_EQ(syscall(SYS_umask, 01777), 027); /* only the permission bits are kept */
    CHECK_EQ(umask(old), 0777);
    CHECK_EQ(mode_of("/tmp/pt-um-file"), 0640);
    CHECK_EQ(mode_of("/tmp/pt-um-dir"), 0750);
    /* An existing file keeps its mode; the umask is for new ones only. */
    fd = open("/tmp/pt-um-file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(mode_of("/tmp/pt-um-file"), 0640);
    CHECK_EQ(unlink("/tmp/pt-um-file"), 0);
    CHECK_EQ(rmdir("/tmp/pt-um-dir"), 0);
}

PT_TEST(chmod_fchmod_fchmodat)
{
    int fd = open("/tmp/pt-chmod", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(chmod("/tmp/pt-chmod", 0600), 0);
    CHECK_EQ(mode_of("/tmp/pt-chmod"), 0600);
    CHECK_EQ(syscall(SYS_fchmod, fd, 04755), 0);
    CHECK_EQ(mode_of("/tmp/pt-chmod"), 04755);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK_EQ(syscall(SYS_fchmodat, dir, "pt-chmod", 0400), 0);
    CHECK_EQ(mode_of("/tmp/pt-chmod"), 0400);
    CHECK_EQ(fchmodat(AT_FDCWD, "/tmp/pt-chmod", 0644, 0), 0);
    CHECK_EQ(mode_of("/tmp/pt-chmod"), 0644);
    /* The type bits of the argument are ignored. */
    CHECK_EQ(chmod("/tmp/pt-chmod", S_IFDIR | 0640), 0);
    CHECK_EQ(stat("/tmp/pt-chmod", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    /* chmod follows a symbolic link. */
    CHECK_EQ(symlink("/tmp/pt-chmod", "/tmp/pt-chmod-ln"), 0);
    CHECK_EQ(chmod("/tmp/pt-chmod-ln", 0611), 0);
    CHECK_EQ(mode_of("/tmp/pt-chmod"), 0611);
    unlink("/tmp/pt-chmod-ln");
    /* Bad input. */
    CHECK_ERR(chmod("/tmp/pt-none", 0644), ENOENT);
    CHECK_ERR(chmod("", 0644), ENOENT);
    CHECK_ERR(chmod(NULL, 0644), EFAULT);
    CHECK_ERR(chmod(KPTR, 0644), EFAULT);
    CHECK_ERR(syscall(SYS_fchmod, 999, 0644), EBADF);
    CHECK_ERR(syscall(SYS_fchmod, -1, 0644), EBADF);
    CHECK_ERR(syscall(SYS_fchmodat, 999, "pt-chmod", 0644), EBADF);
    CHECK_ERR(syscall(SYS_fchmodat, fd, "x", 0644), ENOTDIR);
    close(dir);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-chmod"), 0);
}

struct kstatx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad;
    uint64_t ino, size, blocks, attributes_mask;
    struct {
        int64_t sec;
        uint32_t nsec;
        int32_t pad;
    } atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};

PT_TEST(statx_matches_stat)
{
    int fd = open("/tmp/pt-statx", O_RDWR | O_CREAT | O_TRUNC, 0640);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello, statx", 12), 12);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    struct kstatx sx;
    memset(&sx, 0xff, sizeof(sx));
    CHECK_EQ(sizeof(sx), 256);
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, "/tmp/pt-statx", 0, 0x7ff, &sx), 0);
    CHECK_EQ(sx.mask & 0x7ff, 0x7ff);
    CHECK_EQ(sx.mode, st.st_mode);
    CHECK_EQ(sx.size, 12);
    CHECK_EQ(sx.ino, st.st_ino);
    CHECK_EQ(sx.nlink, 1);
    CHECK_EQ(sx.uid, 0);
    CHECK_EQ(sx.blocks, st.st_blocks);
    CHECK_EQ(sx.mtime.sec, st.st_mtim.tv_sec);
    CHECK_EQ(sx.mtime.nsec, st.st_mtim.tv_nsec);
    CHECK_EQ(sx.ctime.sec, st.st_ctim.tv_sec);
    CHECK_EQ(sx.dev_major, major(st.st_dev));
    CHECK_EQ(sx.dev_minor, minor(st.st_dev));
    CHECK_EQ(sx.spare[0], 0);
    /* AT_EMPTY_PATH: the descriptor's file; with AT_FDCWD, the current directory. */
    CHECK_EQ(syscall(SYS_statx, fd, "", 0x1000, 0x7ff, &sx), 0);
    CHECK_EQ(sx.ino, st.st_ino);
    CHECK_EQ(syscall(SYS_statx, 1, "", 0x1000, 0x7ff, &sx), 0); /* the console */
    CHECK_EQ(sx.mode & S_IFMT, S_IFCHR);
    CHECK_EQ(sx.rdev_major, 5);
    CHECK_EQ(sx.rdev_minor, 1);
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, "", 0x1000, 0x7ff, &sx), 0);
    CHECK_EQ(sx.mode & S_IFMT, S_IFDIR);
    /* AT_SYMLINK_NOFOLLOW stats the link itself. */
    CHECK_EQ(symlink("/tmp/pt-statx", "/tmp/pt-statx-ln"), 0);
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, "/tmp/pt-statx-ln", 0x100, 0x7ff, &sx), 0);
    CHECK_EQ(sx.mode & S_IFMT, S_IFLNK);
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, "/tmp/pt-statx-ln", 0, 0x7ff, &sx), 0);
    CHECK_EQ(sx.ino, st.st_ino);
    unlink("/tmp/pt-statx-ln");
    /* Sync-type hints and AT_NO_AUTOMOUNT are accepted. */
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, "/tmp", 0x800 | 0x2000, 0x7ff, &sx), 0);
    /* Bad input. */
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp/pt-none", 0, 0x7ff, &sx), ENOENT);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "", 0, 0x7ff, &sx), ENOENT);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp", 0x1, 0x7ff, &sx), EINVAL);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp", 0x6000, 0x7ff, &sx), EINVAL);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp", 0, 0x80000000u, &sx), EINVAL);
    CHECK_ERR(syscall(SYS_statx, 999, "", 0x1000, 0x7ff, &sx), EBADF);
    CHECK_ERR(syscall(SYS_statx, fd, "x", 0, 0x7ff, &sx), ENOTDIR);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, NULL, 0, 0x7ff, &sx), EFAULT);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp", 0, 0x7ff, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp", 0, 0x7ff, KPTR), EFAULT);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-statx"), 0);
}

PT_TEST(faccessat2_modes_and_flags)
{
    int fd = open("/tmp/pt-acc", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    /* Root may read and write anything, execute only what has an execute bit. */
    CHECK_EQ(access("/tmp/pt-acc", R_OK | W_OK), 0);
    CHECK_ERR(access("/tmp/pt-acc", X_OK), EACCES);
    CHECK_EQ(access("/tmp", X_OK), 0);
    CHECK_EQ(chmod("/tmp/pt-acc", 0100), 0);
    CHECK_EQ(access("/tmp/pt-acc", R_OK | W_OK | X_OK), 0);
    CHECK_EQ(chmod("/tmp/pt-acc", 0), 0);
    CHECK_EQ(access("/tmp/pt-acc", R_OK | W_OK), 0);
    CHECK_EQ(syscall(SYS_faccessat2, AT_FDCWD, "/tmp/pt-acc", R_OK, AT_EACCESS), 0);
    CHECK_EQ(syscall(SYS_faccessat2, fd, "", W_OK, AT_EMPTY_PATH), 0);
    CHECK_ERR(syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH), EACCES);
    CHECK_ERR(syscall(SYS_faccessat2, fd, "", F_OK, 0), ENOENT);
    /* AT_SYMLINK_NOFOLLOW checks the link, which dangles here. */
    CHECK_EQ(symlink("/tmp/pt-acc-none", "/tmp/pt-acc-ln"), 0);
    CHECK_EQ(syscall(SYS_faccessat2, AT_FDCWD, "/tmp/pt-acc-ln", F_OK, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, "/tmp/pt-acc-ln", F_OK, 0), ENOENT);
    unlink("/tmp/pt-acc-ln");
    CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, "/tmp", F_OK, 0x1), EINVAL);
    CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, "/tmp", 8, 0), EINVAL);
    CHECK_ERR(syscall(SYS_faccessat2, 999, "", F_OK, AT_EMPTY_PATH), EBADF);
    CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, KPTR, F_OK, 0), EFAULT);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-acc"), 0);
}

PT_TEST(fsync_and_fdatasync)
{
    int fd = open("/tmp/pt-sync", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "x", 1), 1);
    CHECK_EQ(fsync(fd), 0);
    CHECK_EQ(fdatasync(fd), 0);
    int dir = open("/tmp", O_RDONLY);
    CHECK(dir >= 0);
    CHECK_EQ(fsync(dir), 0);
    close(dir);
    CHECK_ERR(fsync(1), EINVAL); /* the console: nothing to sync */
    CHECK_ERR(fdatasync(1), EINVAL);
    CHECK_ERR(fsync(999), EBADF);
    CHECK_ERR(fdatasync(-1), EBADF);
    close(fd);
    CHECK_ERR(fsync(fd), EBADF);
    CHECK_EQ(unlink("/tmp/pt-sync"), 0);
}

PT_TEST(mount_and_umount_tmpfs)
{
    CHECK_EQ(mkdir("/tmp/pt-mnt", 0755), 0);
    struct stat outer, inner;
    CHECK_EQ(stat("/tmp/pt-mnt", &outer), 0);
    CHECK_EQ(mount("none", "/tmp/pt-mnt", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m"), 0);
    CHECK_EQ(stat("/tmp/pt-mnt", &inner), 0);
    CHECK(inner.st_dev != outer.st_dev); /* a new file system */
    int fd = open("/tmp/pt-mnt/f", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(rmdir("/tmp/pt-mnt"), EBUSY);
    /* A second mount stacks on the first and hides it until it goes, as on Linux. */
    CHECK_EQ(mount("none", "/tmp/pt-mnt", "tmpfs", 0, NULL), 0);
    CHECK_ERR(access("/tmp/pt-mnt/f", F_OK), ENOENT);
    CHECK_EQ(umount2("/tmp/pt-mnt", 0), 0);
    CHECK_EQ(access("/tmp/pt-mnt/f", F_OK), 0);
    CHECK_EQ(umount2("/tmp/pt-mnt", 0), 0);
    CHECK_ERR(access("/tmp/pt-mnt/f", F_OK), ENOENT); /* the tree went with the mount */
    CHECK_ERR(umount2("/tmp/pt-mnt", 0), EINVAL);     /* not a mount point any more */
    /* The old magic number in the flags' high half is dropped, as Linux does. */
    CHECK_EQ(mount(NULL, "/tmp/pt-mnt", "tmpfs", 0xc0ed0000u, NULL), 0);
    CHECK_EQ(umount2("/tmp/pt-mnt", MNT_DETACH), 0);
    /* UMOUNT_NOFOLLOW: a symbolic link is never a mount point. */
    CHECK_EQ(mount(NULL, "/tmp/pt-mnt", "tmpfs", 0, NULL), 0);
    CHECK_EQ(symlink("/tmp/pt-mnt", "/tmp/pt-mnt-ln"), 0);
    CHECK_ERR(umount2("/tmp/pt-mnt-ln", UMOUNT_NOFOLLOW), EINVAL);
    CHECK_EQ(umount2("/tmp/pt-mnt-ln", 0), 0);
    unlink("/tmp/pt-mnt-ln");
    /* Bad input. */
    CHECK_ERR(mount(NULL, "/tmp/pt-mnt", "ext9", 0, NULL), ENODEV);
    CHECK_ERR(mount(NULL, "/tmp/pt-mnt", NULL, 0, NULL), EINVAL);
    CHECK_ERR(mount(NULL, "/tmp/pt-mnt", "tmpfs", MS_RDONLY, NULL), EINVAL);
    CHECK_ERR(mount(NULL, "/tmp/pt-mnt", "tmpfs", MS_BIND, NULL), EINVAL);
    CHECK_ERR(mount(NULL, "/tmp/pt-nodir", "tmpfs", 0, NULL), ENOENT);
    CHECK_ERR(mount(NULL, "/boot/init", "tmpfs", 0, NULL), ENOTDIR);
    CHECK_ERR(mount(NULL, KPTR, "tmpfs", 0, NULL), EFAULT);
    CHECK_ERR(mount(NULL, "/tmp/pt-mnt", KPTR, 0, NULL), EFAULT);
    CHECK_ERR(umount2("/tmp/pt-mnt", 0x100), EINVAL);
    CHECK_ERR(umount2("/tmp/pt-mnt", MNT_EXPIRE), EINVAL);
    CHECK_ERR(umount2("/tmp/pt-nodir", 0), ENOENT);
    CHECK_ERR(umount2("/", 0), EINVAL);
    CHECK_ERR(umount2(NULL, 0), EFAULT);
    CHECK_EQ(rmdir("/tmp/pt-mnt"), 0);
}
