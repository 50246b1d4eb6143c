/*
 * bench-posix.c - benchmarks of the POSIX layer, one static binary that runs
 * unmodified on Basalt and on Linux (`make bench` runs it on both, in the
 * same QEMU, and prints them side by side).
 *
 * Run as init (Basalt: init=/boot/bench-posix; Linux: /init of an
 * initramfs) under QEMU -icount shift=0, where the TSC counts guest
 * instructions: each figure is guest instructions per operation, kernel and
 * every process involved included, measured with rdtsc around N repetitions
 * after a warm-up, loop overhead included. Prints
 * "BENCH <name> <value> insn/op" on stdout, or "bench: <name>: not run:
 * <reason>" when a call it needs is missing (ENOSYS) or fails: a figure is
 * never printed for an operation that did not happen ("bench: <name>: wrong
 * result: ..." when one gave a wrong result).
 *
 * When it is process 1 it powers the machine off at the end (reboot(2));
 * otherwise, or if that fails, it exits: 0, or 1 if an operation gave a
 * wrong result.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static int wrong; /* an operation gave a wrong result */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void report(const char *name, uint64_t cycles, uint64_t n)
{
    printf("BENCH %s %llu insn/op\n", name, (unsigned long long)((cycles + n / 2) / n));
    fflush(stdout);
}

static void not_run(const char *name, const char *what, int err)
{
    printf("bench: %s: not run: %s: %s\n", name, what, strerror(err));
    fflush(stdout);
}

static void bench_getpid(void)
{
    enum { N = 100000 };
    if (syscall(SYS_getpid) < 0) {
        not_run("posix_getpid", "getpid", errno);
        return;
    }
    for (int i = 0; i < 1000; i++)
        syscall(SYS_getpid);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < N; i++)
        syscall(SYS_getpid); /* the system call itself, never a cached value */
    report("posix_getpid", rdtsc() - t0, N);
}

/* Waits for pid; 0 when it exited with status 0. */
static int reap(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void bench_pipe_round_trip(void)
{
    enum { WARM = 100, N = 20000 };
    const char *name = "posix_pipe_round_trip";
    int a[2], b[2];
    char c = 'x';
    if (pipe(a) < 0) {
        not_run(name, "pipe", errno);
        return;
    }
    if (pipe(b) < 0) {
        not_run(name, "pipe", errno);
        close(a[0]), close(a[1]);
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        not_run(name, "fork", errno);
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        return;
    }
    if (pid == 0) {
        /* The echo: one byte back for each byte, until the parent closes. */
        close(a[1]), close(b[0]);
        while (read(a[0], &c, 1) == 1) {
            if (write(b[1], &c, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    close(a[0]), close(b[1]);
    int ok = 1;
    for (int i = 0; i < WARM && ok; i++)
        ok = write(a[1], &c, 1) == 1 && read(b[0], &c, 1) == 1;
    uint64_t t0 = rdtsc();
    for (int i = 0; i < N && ok; i++)
        ok = write(a[1], &c, 1) == 1 && read(b[0], &c, 1) == 1;
    uint64_t t = rdtsc() - t0;
    close(a[1]);
    close(b[0]);
    if (reap(pid) == 0 && ok) {
        report(name, t, N);
    } else {
        printf("bench: %s: wrong result: a round trip or the echo process failed\n", name);
        wrong = 1;
    }
}

static void child_exit(void)
{
    _exit(0);
}

/*
 * user/true: /boot/true on Basalt (a regular file: /bin/true is two symbolic
 * links away, /bin -> /boot/bin and bin/true -> ../true, and when this
 * program runs as init nobody has made /bin), /bin/true in Linux's initramfs.
 */
static const char *true_path;

static void child_execve_true(void)
{
    char *argv[] = {"true", NULL}, *envp[] = {NULL};
    execve(true_path, argv, envp);
    _exit(127);
}

/* Forks `warm` + `n` children that run child() and waits for each; times the last n. */
static void bench_fork_wait(const char *name, int warm, int n, void (*child)(void))
{
    uint64_t t0 = 0;
    for (int i = 0; i < warm + n; i++) {
        if (i == warm)
            t0 = rdtsc();
        pid_t pid = fork();
        if (pid == 0)
            child();
        if (pid < 0) {
            not_run(name, "fork", errno);
            return;
        }
        if (reap(pid) != 0) {
            printf("bench: %s: wrong result: the child did not exit with 0\n", name);
            wrong = 1;
            return;
        }
    }
    report(name, rdtsc() - t0, (uint64_t)n);
}

/*
 * posix_spawn of user/true and a wait: musl's posix_spawn is a
 * clone(CLONE_VM|CLONE_VFORK) child that runs in this process's memory
 * until its execve, so nothing of the address space is copied.
 */
static void bench_spawn_wait(void)
{
    enum { WARM = 10, N = 500 };
    const char *name = "posix_spawn_wait";
    char *argv[] = {"true", NULL}, *envp[] = {NULL};
    uint64_t t0 = 0;
    for (int i = 0; i < WARM + N; i++) {
        if (i == WARM)
            t0 = rdtsc();
        pid_t pid;
        int rc = posix_spawn(&pid, true_path, NULL, NULL, argv, envp);
        if (rc != 0) {
            not_run(name, "posix_spawn", rc);
            return;
        }
        if (reap(pid) != 0) {
            printf("bench: %s: wrong result: the child did not exit with 0\n", name);
            wrong = 1;
            return;
        }
    }
    report(name, rdtsc() - t0, N);
}

static void bench_anon_page_fault(void)
{
    enum { PAGES = 8192 };
    const char *name = "posix_anon_page_fault";
    volatile char *p = mmap(NULL, (size_t)PAGES * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        not_run(name, "mmap", errno);
        return;
    }
    /* 4 KiB pages on Linux too, whatever its transparent huge page setting. */
    madvise((void *)p, (size_t)PAGES * PAGE, MADV_NOHUGEPAGE);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < PAGES; i++)
        p[(size_t)i * PAGE] = 1; /* first touch: one fault each */
    report(name, rdtsc() - t0, PAGES);
    munmap((void *)p, (size_t)PAGES * PAGE);
}

static void bench_mmap_munmap_4k(void)
{
    enum { WARM = 100, N = 10000 };
    const char *name = "posix_mmap_munmap_4k";
    uint64_t t0 = 0;
    for (int i = 0; i < WARM + N; i++) {
        if (i == WARM)
            t0 = rdtsc();
        void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            not_run(name, "mmap", errno);
            return;
        }
        if (munmap(p, PAGE) != 0) {
            not_run(name, "munmap", errno);
            return;
        }
    }
    report(name, rdtsc() - t0, N);
}

/*
 * pread and pwrite of 4 KiB, page aligned, over a 64 KiB regular file (the
 * in-memory /tmp on Basalt, the initramfs on Linux), cycling through its
 * pages so every call moves a whole page of the file's data.
 */
static void bench_file_rw_4k(void)
{
    enum { WARM = 100, N = 10000, PAGES = 16 };
    static char buf[PAGE] __attribute__((aligned(PAGE)));
    const char *rname = "posix_pread_4k", *wname = "posix_pwrite_4k";
    const char *path = access("/tmp", W_OK) == 0 ? "/tmp/bench-rw" : "/bench-rw";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        not_run(rname, "open", errno);
        not_run(wname, "open", errno);
        return;
    }
    unlink(path);
    memset(buf, 'b', sizeof(buf));
    int ok = 1;
    for (int i = 0; i < PAGES && ok; i++)
        ok = pwrite(fd, buf, PAGE, (off_t)i * PAGE) == PAGE;
    uint64_t t0 = 0;
    for (int i = 0; i < WARM + N && ok; i++) {
        if (i == WARM)
            t0 = rdtsc();
        ok = pwrite(fd, buf, PAGE, (off_t)(i % PAGES) * PAGE) == PAGE;
    }
    uint64_t tw = rdtsc() - t0;
    for (int i = 0; i < WARM + N && ok; i++) {
        if (i == WARM)
            t0 = rdtsc();
        ok = pread(fd, buf, PAGE, (off_t)(i % PAGES) * PAGE) == PAGE;
    }
    uint64_t tr = rdtsc() - t0;
    close(fd);
    if (ok && buf[0] == 'b' && buf[PAGE - 1] == 'b') {
        report(rname, tr, N);
        report(wname, tw, N);
    } else {
        printf("bench: %s: wrong result: a pread or pwrite moved less than a page\n", rname);
        wrong = 1;
    }
}

int main(void)
{
    printf("bench-posix: guest instructions per operation (rdtsc under -icount shift=0)\n");
    fflush(stdout);
    bench_getpid();
    bench_pipe_round_trip();
    bench_fork_wait("posix_fork_exit_wait", 20, 1000, child_exit);
    /* user/true, the same tiny static binary on Basalt and on Linux. */
    true_path = access("/boot/true", X_OK) == 0 ? "/boot/true" : "/bin/true";
    bench_fork_wait("posix_fork_execve_wait", 10, 500, child_execve_true);
    bench_spawn_wait();
    bench_anon_page_fault();
    bench_mmap_munmap_4k();
    bench_file_rw_4k();
    printf("bench-posix: done\n");
    fflush(stdout);
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
    }
    return wrong;
}
