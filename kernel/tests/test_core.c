/*
 * test_core.c - KTESTs of the foundation: the embedded symbol table,
 * backtraces, fault-proof probe reads (the exception table), the command
 * line parser, the log ring buffer and spinlock nesting.
 */
#include <arch.h>
#include <arch/trap.h>
#include <cmdline.h>
#include <ksyms.h>
#include <ktest.h>
#include <lib/string.h>
#include <log.h>
#include <mm/kvm.h>
#include <printf.h>
#include <sync/spinlock.h>

void kmain(void *);

KTEST(ksyms_resolves_functions)
{
    const char *name;
    uintptr_t off;
    ASSERT_TRUE(ksyms_lookup((uintptr_t)kmain, &name, &off));
    EXPECT_STREQ(name, "kmain");
    EXPECT_EQ(off, 0);
    ASSERT_TRUE(ksyms_lookup((uintptr_t)ksyms_lookup + 5, &name, &off));
    EXPECT_STREQ(name, "ksyms_lookup");
    EXPECT_EQ(off, 5);
    EXPECT_EQ(ksyms_address("kmain"), (uintptr_t)kmain);
    EXPECT_FALSE(ksyms_lookup(0xffff800000001000ull, &name, &off));
    EXPECT_FALSE(ksyms_lookup(0, &name, &off));
}

/* Searches the newest `window` bytes of the log for `needle`. */
static bool log_tail_has(const char *needle, size_t window)
{
    static char buf[4096];
    size_t n = log_read_tail(buf, window < sizeof(buf) ? window : sizeof(buf) - 1);
    buf[n] = 0;
    size_t len = strlen(needle);
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(buf + i, needle, len) == 0)
            return true;
    return false;
}

static __noinline void backtrace_leaf(void)
{
    arch_backtrace_here();
    __asm__ volatile("" ::: "memory"); /* keep the call from becoming a tail call */
}

static __noinline void backtrace_middle(void)
{
    backtrace_leaf();
    __asm__ volatile("" ::: "memory");
}

KTEST(backtrace_symbolizes_callers)
{
    backtrace_middle();
    EXPECT_TRUE(log_tail_has("<backtrace_leaf+0x", 2048));
    EXPECT_TRUE(log_tail_has("<backtrace_middle+0x", 2048));
    EXPECT_TRUE(log_tail_has("<ktest_fn_backtrace_symbolizes_callers+0x", 2048));
    EXPECT_TRUE(log_tail_has("<ktest_run_all+0x", 2048));
}

KTEST(probe_read_recovers_from_faults)
{
    uint64_t v = 0, before = trap_fixup_count;
    static const uint64_t known = 0x1122334455667788ull;

    EXPECT_TRUE(arch_probe_read64((uintptr_t)&known, &v));
    EXPECT_EQ(v, known);
    /* Unmapped kernel-half address: #PF through the exception table. */
    EXPECT_FALSE(arch_probe_read64(KVM_NEVER_MAPPED + 8, &v));
    EXPECT_EQ(trap_fixup_count, before + 1);
    /* The guard page under the boot stack is unmapped too. */
    extern char boot_stack_guard[];
    EXPECT_FALSE(arch_probe_read64((uintptr_t)boot_stack_guard + 8, &v));
    EXPECT_EQ(trap_fixup_count, before + 2);
    /* Non-canonical: refused up front, no fault taken. */
    EXPECT_FALSE(arch_probe_read64(0x8000000000000000ull, &v));
    EXPECT_EQ(trap_fixup_count, before + 2);
}

KTEST(cmdline_words_and_values)
{
    struct cmdline_iter it = {"  ktest  crash=gpf panic=exit "};
    const char *w;
    size_t len;
    ASSERT_TRUE(cmdline_next_word(&it, &w, &len));
    EXPECT_EQ(len, 5);
    EXPECT_EQ(strncmp(w, "ktest", 5), 0);
    ASSERT_TRUE(cmdline_next_word(&it, &w, &len));
    EXPECT_EQ(strncmp(w, "crash=gpf", len), 0);
    ASSERT_TRUE(cmdline_next_word(&it, &w, &len));
    EXPECT_EQ(strncmp(w, "panic=exit", len), 0);
    EXPECT_FALSE(cmdline_next_word(&it, &w, &len));

    EXPECT_TRUE(cmdline_is_known("crash", 5));
    EXPECT_FALSE(cmdline_is_known("crash", 4));
    EXPECT_FALSE(cmdline_is_known("nonsense", 8));

    /* The running kernel was booted with `ktest panic=exit ...`. */
    char buf[8];
    EXPECT_TRUE(cmdline_has("ktest"));
    EXPECT_FALSE(cmdline_has("kte"));
    ASSERT_TRUE(cmdline_value("panic", buf, sizeof(buf)));
    EXPECT_STREQ(buf, "exit");
    /* A value that does not fit is refused, never truncated. */
    EXPECT_FALSE(cmdline_value("panic", buf, 4));
    EXPECT_FALSE(cmdline_value("ktest", buf, sizeof(buf))); /* a flag has no value */
}

KTEST(log_ring_keeps_the_newest_64k)
{
    static char chunk[1024];
    size_t before = log_total_written();

    /* Overfill the ring with numbered 1 KiB chunks: only the newest 64 survive. */
    for (int i = 0; i < 80; i++) {
        memset(chunk, 'a' + i % 26, sizeof(chunk));
        ksnprintf(chunk, 16, "<chunk %03d>", i);
        chunk[11] = '.';
        log_ring_write(chunk, sizeof(chunk));
    }
    EXPECT_EQ(log_total_written(), before + 80 * sizeof(chunk));

    static char tail[LOG_RING_SIZE];
    size_t n = log_read_tail(tail, sizeof(tail));
    ASSERT_EQ(n, LOG_RING_SIZE);
    /* Oldest byte kept is the start of chunk 16, the newest is chunk 79's end. */
    EXPECT_EQ(memcmp(tail, "<chunk 016>", 11), 0);
    EXPECT_EQ(memcmp(tail + LOG_RING_SIZE - sizeof(chunk), "<chunk 079>", 11), 0);
    EXPECT_EQ(tail[LOG_RING_SIZE - 1], 'a' + 79 % 26);
    kprintf("\n");
}

KTEST(spinlocks_nest_and_restore_interrupts)
{
    static spinlock_t a = SPINLOCK_INIT("test-a"), b = SPINLOCK_INIT("test-b");

    irqstate_t outer = arch_irq_save();
    arch_irq_enable();
    EXPECT_TRUE(arch_irqs_enabled());
    irqstate_t sa = spin_lock_irqsave(&a);
    EXPECT_FALSE(arch_irqs_enabled());
    irqstate_t sb = spin_lock_irqsave(&b);
    EXPECT_TRUE(spin_held_by_me(&a));
    EXPECT_TRUE(spin_held_by_me(&b));
    spin_unlock_irqrestore(&b, sb);
    EXPECT_FALSE(spin_held_by_me(&b));
    EXPECT_FALSE(arch_irqs_enabled()); /* still inside a */
    spin_unlock_irqrestore(&a, sa);
    EXPECT_TRUE(arch_irqs_enabled());
    EXPECT_FALSE(spin_held_by_me(&a));
    arch_irq_disable();
    arch_irq_restore(outer); /* back to the state the test started in */
}

KTEST(printf_in_kernel)
{
    char buf[64];
    EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx|%s|%c|%zu|%p", -42, 7u, 0xabu,
                        0xdeadbeeful, "str", 'c', (size_t)99, (void *)0x1000),
              51);
    EXPECT_STREQ(buf, "-42|    7|ab  |deadbeef|str|c|99|0x0000000000001000");
}
