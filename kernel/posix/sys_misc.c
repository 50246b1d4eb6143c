/*
 * sys_misc.c - the POSIX calls about the system and the process's standing
 * (posix/sys_misc.h): uname, getrandom, sched_yield, the user and group
 * IDs, sysinfo, the resource limits and reboot.
 *
 * There are no users (DESIGN.md section 6): every process runs as root,
 * uid and gid 0 in every slot, with no supplementary groups; setuid and
 * setgid accept only 0. The resource limits live in the process's
 * descriptor table (posix/fdtable.h), which enforces RLIMIT_NOFILE; the
 * others are kept and reported but nothing enforces them yet. prlimit64
 * works on the caller only (pid 0 or its own): another process's limits
 * are -EPERM, a PID nobody has -ESRCH.
 *
 * reboot and the capability mode: a process whose job is in capability
 * mode has no ambient authority, so it may not restart the machine
 * (-EPERM), whatever the magic numbers say.
 */
#include <basalt/errno.h>
#include <basalt/linux_time.h>
#include <compiler.h>
#include <lib/cprng.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <platform/power.h>
#include <posix/fdtable.h>
#include <posix/proc.h>
#include <posix/sys_misc.h>
#include <posix/sys_proc.h>
#include <printf.h>
#include <sched/thread.h>
#include <time.h>
#include <usercopy.h>

#ifndef BASALT_VERSION
#define BASALT_VERSION "unknown"
#endif

/*
 * uname's release: programs (glibc's startup, busybox, configure scripts)
 * read it as a Linux version and compare it with what they need. Basalt
 * speaks a subset of the Linux 6.1 x86_64 ABI and probes answer -ENOSYS
 * for the rest, so it says 6.1.0 and names itself after the dash.
 */
#define UTS_RELEASE "6.1.0-basalt"

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4
#define GETRANDOM_MAX 0x7fffffffu /* INT_MAX: longer requests are cut, as Linux */

#define LINUX_REBOOT_MAGIC1        0xfee1deadu
#define LINUX_REBOOT_MAGIC2        672274793u
#define LINUX_REBOOT_MAGIC2A       85072278u
#define LINUX_REBOOT_MAGIC2B       369367448u
#define LINUX_REBOOT_MAGIC2C       537993216u
#define LINUX_REBOOT_CMD_RESTART   0x01234567u
#define LINUX_REBOOT_CMD_HALT      0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON    0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF   0x00000000u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define LINUX_REBOOT_CMD_RESTART2  0xa1b2c3d4u

STATIC_ASSERT(sizeof(struct linux_sysinfo) == 112);
STATIC_ASSERT(sizeof(struct linux_utsname) == 390);

/* ---- the system ---- */

int64_t sys_uname(uintptr_t ubuf)
{
    struct linux_utsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Basalt", sizeof(u.sysname));
    strlcpy(u.nodename, "basalt", sizeof(u.nodename));
    strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
    strlcpy(u.version, "Basalt " BASALT_VERSION, sizeof(u.version));
    strlcpy(u.machine, "x86_64", sizeof(u.machine));
    strlcpy(u.domainname, "(none)", sizeof(u.domainname));
    return copy_to_user((void *)ubuf, &u, sizeof(u)) == OK ? 0 : -EFAULT;
}

int64_t sys_getrandom(uintptr_t ubuf, size_t len, unsigned flags)
{
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    /*
     * The generator is seeded before the first process runs, so it never
     * blocks and every flag gets the same bytes (GRND_NONBLOCK never sees
     * -EAGAIN). A long request stops early for a kill (later: a signal).
     */
    if (len > GETRANDOM_MAX)
        len = GETRANDOM_MAX;
    uint8_t kbuf[CPRNG_DRAW_MAX];
    size_t done = 0;
    int64_t err = 0;
    while (done < len) {
        if (done && (done % (64 * CPRNG_DRAW_MAX)) == 0 && uthread_wait_interrupted()) {
            err = -EINTR;
            break;
        }
        size_t n = MIN(len - done, sizeof(kbuf));
        cprng_draw(kbuf, n);
        if (copy_to_user((void *)(ubuf + done), kbuf, n) != OK) {
            err = -EFAULT;
            break;
        }
        done += n;
    }
    memset(kbuf, 0, sizeof(kbuf));
    return done ? (int64_t)done : err;
}

int64_t sys_sched_yield(void)
{
    thread_yield();
    return 0;
}

int64_t sys_sysinfo(uintptr_t uinfo)
{
    struct pmm_stats st;
    pmm_stats(&st);
    uint64_t procs = process_live_count();
    struct linux_sysinfo si;
    memset(&si, 0, sizeof(si));
    si.uptime = (int64_t)(clock_monotonic_ns() / NS_PER_SEC);
    /* No load averages are kept: loads stay 0. RAM is the pages the allocator manages. */
    si.totalram = (st.free + st.used) * PAGE_SIZE;
    si.freeram = st.free * PAGE_SIZE;
    si.procs = (uint16_t)MIN(procs, 0xffffull);
    si.mem_unit = 1;
    return copy_to_user((void *)uinfo, &si, sizeof(si)) == OK ? 0 : -EFAULT;
}

int64_t sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, uintptr_t arg)
{
    (void)arg; /* RESTART2's command string: there is only one way to restart */
    if (magic1 != LINUX_REBOOT_MAGIC1 ||
        (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
         magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
        return -EINVAL;
    if (policy_capability_mode())
        return -EPERM;
    switch (cmd) {
    case LINUX_REBOOT_CMD_POWER_OFF:
    case LINUX_REBOOT_CMD_HALT:
        kprintf("reboot: '%s' powers the machine off\n", process_current()->name);
        platform_poweroff();
    case LINUX_REBOOT_CMD_RESTART:
    case LINUX_REBOOT_CMD_RESTART2:
        kprintf("reboot: '%s' restarts the machine\n", process_current()->name);
        platform_reboot();
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0; /* Ctrl-Alt-Del is not wired to anything that would need the choice */
    default:
        return -EINVAL; /* kexec, suspend: not here */
    }
}

/* ---- users and groups: root only ---- */

/* getuid, geteuid, getgid, getegid: 0. */
int64_t sys_getid(void)
{
    return 0;
}

int64_t sys_getresid(uintptr_t ureal, uintptr_t ueff, uintptr_t usaved)
{
    uint32_t zero = 0;
    if (copy_to_user((void *)ureal, &zero, sizeof(zero)) != OK ||
        copy_to_user((void *)ueff, &zero, sizeof(zero)) != OK ||
        copy_to_user((void *)usaved, &zero, sizeof(zero)) != OK)
        return -EFAULT;
    return 0;
}

int64_t sys_setid(uint32_t id)
{
    if (id == 0xffffffffu)
        return -EINVAL; /* (uid_t)-1 is never an ID */
    return id == 0 ? 0 : -EPERM;
}

int64_t sys_getgroups(int size, uintptr_t ulist)
{
    (void)ulist; /* nothing to write: no supplementary groups */
    return size < 0 ? -EINVAL : 0;
}

/* ---- resource limits ---- */

int64_t sys_prlimit64(int pid, unsigned res, uintptr_t unew, uintptr_t uold)
{
    struct linux_rlimit lim, old;
    if (unew && copy_from_user(&lim, (const void *)unew, sizeof(lim)) != OK)
        return -EFAULT;
    if (pid != 0 && pid != posix_pid(process_current()))
        return sys_getpgid(pid) < 0 ? -ESRCH : -EPERM; /* another's limits: not here */
    if (res >= LINUX_RLIM_NLIMITS)
        return -EINVAL;
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    int rc = 0;
    if (unew)
        rc = fd_set_rlimit(t, res, &lim, &old);
    else
        old = fd_rlimit(t, res);
    if (rc == 0 && uold && copy_to_user((void *)uold, &old, sizeof(old)) != OK)
        rc = -EFAULT; /* as Linux, a new limit stays set */
    return rc;
}

int64_t sys_getrlimit(unsigned res, uintptr_t ulim)
{
    if (res < LINUX_RLIM_NLIMITS && !ulim)
        return -EFAULT; /* prlimit64 takes NULL as "not wanted"; getrlimit has to write */
    return sys_prlimit64(0, res, 0, ulim);
}

int64_t sys_setrlimit(unsigned res, uintptr_t ulim)
{
    if (!ulim)
        return -EFAULT; /* prlimit64 takes NULL as "no change"; setrlimit has to read */
    return sys_prlimit64(0, res, ulim, 0);
}
