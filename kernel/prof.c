/*
 * prof.c - a sampling profiler for the kernel (the `profile` command line).
 *
 * With `profile`, the tick interrupt comes PROF_RATE times as often
 * (arch/x86_64/timer.c passes only every PROF_RATE-th one on to the
 * scheduler and the timers) and each one records where it interrupted:
 * the kernel function containing the RIP (ksyms), or "[user]" for ring 3.
 * Code that runs with interrupts off is seen where it turns them back on:
 * samples in spin_unlock_irqrestore are charged to its caller, so a
 * function's figure includes its own spinlocked sections.
 * Under `tools/qemu-run --icount` the tick counts guest instructions, so a
 * sample stands for a fixed number of instructions and the table is an
 * instruction profile.
 *
 * The table goes to the kernel log when the system ends (power-off,
 * reboot, or init's exit): "prof:" lines, most samples first. Sampling
 * stops then, so a report is never read while it changes. docs/debugging.md
 * tells how to use it.
 */
#include <arch/mmu.h>
#include <arch/trap.h>
#include <cmdline.h>
#include <ksyms.h>
#include <printf.h>
#include <prof.h>
#include <sync/spinlock.h>
#include <time.h>

#define SLOTS 2048 /* distinct functions seen (a power of two); more are counted as lost */

struct slot {
    const char *name;
    uint64_t samples;
};

static struct slot slots[SLOTS];
static uint64_t total, user, lost;
static bool enabled;

bool prof_init(void)
{
    enabled = cmdline_has("profile");
    return enabled;
}

/* From the tick interrupt, interrupts off. */
void prof_sample(const struct trap_frame *tf)
{
    if (!enabled)
        return;
    total++;
    if ((tf->cs & 3) == 3) {
        user++;
        return;
    }
    const char *name;
    uintptr_t off;
    if (!ksyms_lookup(tf->rip, &name, &off))
        name = "[unknown]";
    else if (tf->rip - off == (uintptr_t)spin_unlock_irqrestore && tf->rbp >= USER_VM_END) {
        /* Just past its sti, inside its frame: the return address is above the saved RBP. */
        uintptr_t ret = *(const uintptr_t *)(tf->rbp + 8);
        if (!ksyms_lookup(ret, &name, &off))
            name = "[unknown]";
    }
    /* Open addressing on the name's address: the symbol table never moves. */
    unsigned h = (unsigned)(((uintptr_t)name * 0x9e3779b97f4a7c15ull) >> 53) & (SLOTS - 1);
    for (unsigned i = 0; i < SLOTS; i++, h = (h + 1) & (SLOTS - 1)) {
        if (slots[h].name == name || !slots[h].name) {
            slots[h].name = name;
            slots[h].samples++;
            return;
        }
    }
    lost++;
}

void prof_report(void)
{
    if (!enabled)
        return;
    enabled = false;
    if (!total)
        return;
    kprintf("prof: %lu samples, one per %u ns of guest time (instructions under -icount); "
            "%lu.%lu%% in user mode\n",
            total, 1000000000u / (TICK_HZ * PROF_RATE), user * 100 / total,
            user * 1000 / total % 10);
    /* Selection by repeated maximum: a report runs once, and the table is small. */
    for (int shown = 0; shown < 60; shown++) {
        struct slot *best = NULL;
        for (unsigned i = 0; i < SLOTS; i++)
            if (slots[i].name && slots[i].samples && (!best || slots[i].samples > best->samples))
                best = &slots[i];
        if (!best)
            break;
        kprintf("prof: %8lu %3lu.%lu%% %s\n", best->samples, best->samples * 100 / total,
                best->samples * 1000 / total % 10, best->name);
        best->samples = 0;
    }
    if (lost)
        kprintf("prof: %lu samples in functions past the table's %u\n", lost, SLOTS);
}
