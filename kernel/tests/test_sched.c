/*
 * test_sched.c - KTESTs of threads: create/start/exit/join with exit codes,
 * detach and the reaper, 1000 threads without a leak (free pages, heap,
 * kernel virtual area), yield order, suspend/resume of running and
 * sleeping threads, the argument checks, and that FPU/SSE(/AVX) registers
 * of two threads survive switches (yields and preemptions).
 */
#include <arch.h>
#include <arch/thread.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/kvm.h>
#include <mm/pmm.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <time.h>

static int return_arg(void *arg)
{
    return (int)(uintptr_t)arg;
}

KTEST(sched_thread_runs_and_join_returns_its_exit_code)
{
    struct thread *t;
    ASSERT_EQ(thread_create(&t, "exit-code", return_arg, (void *)42, 0), OK);
    EXPECT_EQ(t->state, THREAD_CREATED);
    EXPECT_EQ(thread_current()->state, THREAD_RUNNING);
    thread_start(t);
    int code = -1;
    ASSERT_EQ(thread_join(t, &code, DEADLINE_INFINITE), OK);
    EXPECT_EQ(code, 42);
}

static int exit_early(void *arg)
{
    (void)arg;
    thread_exit(7);
}

KTEST(sched_thread_exit_and_argument_checks)
{
    struct thread *t;
    EXPECT_EQ(thread_create(&t, "bad", NULL, NULL, 0), ERR_INVALID_ARGS);
    EXPECT_EQ(thread_create(&t, "bad", return_arg, NULL, 0x100), ERR_INVALID_ARGS);
    EXPECT_EQ(thread_join(thread_current(), NULL, DEADLINE_INFINITE), ERR_BAD_STATE);

    ASSERT_EQ(thread_create(&t, "exit-early", exit_early, NULL, 0), OK);
    EXPECT_EQ(thread_set_nice(t, 20), ERR_INVALID_ARGS);
    EXPECT_EQ(thread_set_nice(t, -21), ERR_INVALID_ARGS);
    EXPECT_EQ(thread_set_nice(t, 3), OK);
    EXPECT_EQ(thread_resume(t), ERR_BAD_STATE); /* not suspended */
    thread_start(t);
    int code = 0;
    ASSERT_EQ(thread_join(t, &code, DEADLINE_INFINITE), OK);
    EXPECT_EQ(code, 7);

    /* Created, never started: destroyed without a trace. */
    ASSERT_EQ(thread_create(&t, "never-run", return_arg, NULL, 0), OK);
    thread_destroy(t);
}

static int sleep_then_return(void *arg)
{
    thread_sleep_ns((uint64_t)(uintptr_t)arg * 1000000);
    return 5;
}

KTEST(sched_join_times_out_then_succeeds)
{
    struct thread *t;
    ASSERT_EQ(thread_create(&t, "slow", sleep_then_return, (void *)30, 0), OK);
    thread_start(t);
    uint64_t t0 = clock_monotonic_ns();
    EXPECT_EQ(thread_join(t, NULL, deadline_after(5000000)), ERR_TIMED_OUT);
    EXPECT_GE(clock_monotonic_ns() - t0, 5000000ull);
    int code = 0;
    ASSERT_EQ(thread_join(t, &code, DEADLINE_INFINITE), OK);
    EXPECT_EQ(code, 5);
    EXPECT_GE(clock_monotonic_ns() - t0, 30000000ull);
}

static volatile unsigned detached_done;

static int detached_main(void *arg)
{
    (void)arg;
    thread_yield();
    __atomic_fetch_add(&detached_done, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void leak_snapshot(uint64_t *free_pages, size_t *heap_bytes, size_t *kvm_pages)
{
    thread_reap();
    heap_shrink();
    struct pmm_stats ps;
    struct heap_stats hs;
    pmm_stats(&ps);
    heap_stats(&hs);
    *free_pages = ps.free;
    *heap_bytes = hs.bytes_in_use;
    *kvm_pages = kvm_pages_in_use();
}

KTEST(sched_detached_threads_are_reaped)
{
    uint64_t free0, free1;
    size_t heap0, heap1, kvm0, kvm1;
    size_t threads0 = thread_count();
    leak_snapshot(&free0, &heap0, &kvm0);

    detached_done = 0;
    for (int i = 0; i < 50; i++) {
        struct thread *t;
        ASSERT_EQ(thread_create(&t, "detached", detached_main, NULL, THREAD_FLAG_DETACHED), OK);
        thread_start(t);
    }
    /* One more, detached after it has exited: freed by thread_detach itself. */
    struct thread *late;
    ASSERT_EQ(thread_create(&late, "detach-late", detached_main, NULL, 0), OK);
    thread_start(late);
    while (detached_done < 51)
        thread_sleep_ns(1000000);
    thread_sleep_ns(1000000); /* let the last one finish switching away */
    EXPECT_EQ(thread_detach(late), OK);
    /* The idle thread reaps while we sleep; thread_reap() frees whatever is left. */
    thread_reap();
    EXPECT_EQ(thread_count(), threads0);

    leak_snapshot(&free1, &heap1, &kvm1);
    EXPECT_EQ(free1, free0);
    EXPECT_EQ(heap1, heap0);
    EXPECT_EQ(kvm1, kvm0);
}

KTEST(sched_1000_threads_leave_no_leak)
{
    enum { TOTAL = 1000, BATCH = 100 };
    static struct thread *batch[BATCH];
    uint64_t free0, free1;
    size_t heap0, heap1, kvm0, kvm1;
    size_t threads0 = thread_count();
    leak_snapshot(&free0, &heap0, &kvm0);

    uint64_t t0 = clock_monotonic_ns();
    for (int done = 0; done < TOTAL; done += BATCH) {
        for (int i = 0; i < BATCH; i++) {
            ASSERT_EQ(
                thread_create(&batch[i], "many", return_arg, (void *)(uintptr_t)(done + i), 0), OK);
            thread_start(batch[i]);
        }
        EXPECT_EQ(thread_count(), threads0 + BATCH);
        for (int i = 0; i < BATCH; i++) {
            int code = -1;
            ASSERT_EQ(thread_join(batch[i], &code, DEADLINE_INFINITE), OK);
            EXPECT_EQ(code, done + i);
        }
    }
    kprintf("    %d threads created, run and joined in %lu ms\n", TOTAL,
            (clock_monotonic_ns() - t0) / 1000000);
    EXPECT_EQ(thread_count(), threads0);

    leak_snapshot(&free1, &heap1, &kvm1);
    EXPECT_EQ(free1, free0);
    EXPECT_EQ(heap1, heap0);
    EXPECT_EQ(kvm1, kvm0);
}

struct yield_log {
    char buf[32];
    volatile unsigned len;
};

struct yielder {
    struct yield_log *log;
    char c;
};

static int yielder_main(void *arg)
{
    struct yielder *y = arg;
    for (int i = 0; i < 5; i++) {
        y->log->buf[y->log->len++] = y->c;
        thread_yield();
    }
    return 0;
}

KTEST(sched_yield_alternates_between_ready_threads)
{
    static struct yield_log log;
    log.len = 0;
    struct yielder ya = {&log, 'a'}, yb = {&log, 'b'};
    struct thread *a, *b;
    ASSERT_EQ(thread_create(&a, "yield-a", yielder_main, &ya, 0), OK);
    ASSERT_EQ(thread_create(&b, "yield-b", yielder_main, &yb, 0), OK);
    thread_start(a);
    thread_start(b);
    EXPECT_EQ(thread_join(a, NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(thread_join(b, NULL, DEADLINE_INFINITE), OK);
    log.buf[log.len] = 0;
    EXPECT_STREQ(log.buf, "ababababab");

    /* Yield with nobody else ready returns at once. */
    uint64_t sw = sched_switch_count();
    thread_yield();
    EXPECT_EQ(sched_switch_count(), sw);
}

static int spin_until_stop(void *arg)
{
    volatile bool *stop = arg;
    while (!*stop)
        arch_pause();
    return 0;
}

KTEST(sched_suspend_and_resume_a_running_thread)
{
    volatile bool stop = false;
    struct thread *t;
    ASSERT_EQ(thread_create(&t, "spinner", spin_until_stop, (void *)&stop, 0), OK);
    thread_start(t);
    thread_sleep_ns(5000000);
    EXPECT_GT(thread_runtime_ns(t), 0ull);

    EXPECT_EQ(thread_suspend(t), OK);
    EXPECT_EQ(t->state, THREAD_SUSPENDED);
    uint64_t r0 = thread_runtime_ns(t);
    thread_sleep_ns(30000000);
    EXPECT_EQ(thread_runtime_ns(t), r0);
    EXPECT_EQ(t->state, THREAD_SUSPENDED);

    /* Suspends nest: two suspends need two resumes. */
    EXPECT_EQ(thread_suspend(t), OK);
    EXPECT_EQ(thread_resume(t), OK);
    thread_sleep_ns(5000000);
    EXPECT_EQ(thread_runtime_ns(t), r0);
    EXPECT_EQ(thread_resume(t), OK);
    thread_sleep_ns(30000000);
    EXPECT_GT(thread_runtime_ns(t), r0 + 5000000);
    EXPECT_EQ(thread_resume(t), ERR_BAD_STATE);

    stop = true;
    EXPECT_EQ(thread_join(t, NULL, DEADLINE_INFINITE), OK);
}

static int sleep_then_flag(void *arg)
{
    volatile bool *flag = arg;
    thread_sleep_ns(10000000);
    *flag = true;
    return 0;
}

KTEST(sched_suspend_a_sleeping_thread_holds_it_after_the_sleep)
{
    volatile bool flag = false;
    struct thread *t;
    ASSERT_EQ(thread_create(&t, "sleeper", sleep_then_flag, (void *)&flag, 0), OK);
    thread_start(t);
    thread_sleep_ns(2000000);
    EXPECT_EQ(t->state, THREAD_BLOCKED);
    EXPECT_EQ(thread_suspend(t), OK);
    thread_sleep_ns(30000000);
    EXPECT_FALSE(flag);
    EXPECT_EQ(t->state, THREAD_SUSPENDED);
    EXPECT_EQ(thread_resume(t), OK);
    EXPECT_EQ(thread_join(t, NULL, DEADLINE_INFINITE), OK);
    EXPECT_TRUE(flag);

    /* Suspended before it starts: it does not run until resumed. */
    flag = false;
    ASSERT_EQ(thread_create(&t, "held", sleep_then_flag, (void *)&flag, 0), OK);
    EXPECT_EQ(thread_suspend(t), OK);
    thread_start(t);
    EXPECT_EQ(t->state, THREAD_SUSPENDED);
    thread_sleep_ns(5000000);
    EXPECT_EQ(thread_runtime_ns(t), 0ull);
    EXPECT_EQ(thread_resume(t), OK);
    EXPECT_EQ(thread_join(t, NULL, DEADLINE_INFINITE), OK);
    EXPECT_TRUE(flag);
}

/* ---- FPU/SSE state ---------------------------------------------------------- */

struct fpu_ctx {
    uint64_t seed;
    bool avx;
    int failures;
    int clean_start; /* 1 if the thread started with zeroed registers and default MXCSR */
    unsigned checks;
};

/* 16 registers x 32 bytes: xmm (16 bytes each) or ymm (32 bytes each). */
static void fpu_load(const uint8_t *p, bool avx)
{
    if (avx)
        __asm__ volatile("vmovdqu 0(%0), %%ymm0\n\tvmovdqu 32(%0), %%ymm1\n\t"
                         "vmovdqu 64(%0), %%ymm2\n\tvmovdqu 96(%0), %%ymm3\n\t"
                         "vmovdqu 128(%0), %%ymm4\n\tvmovdqu 160(%0), %%ymm5\n\t"
                         "vmovdqu 192(%0), %%ymm6\n\tvmovdqu 224(%0), %%ymm7\n\t"
                         "vmovdqu 256(%0), %%ymm8\n\tvmovdqu 288(%0), %%ymm9\n\t"
                         "vmovdqu 320(%0), %%ymm10\n\tvmovdqu 352(%0), %%ymm11\n\t"
                         "vmovdqu 384(%0), %%ymm12\n\tvmovdqu 416(%0), %%ymm13\n\t"
                         "vmovdqu 448(%0), %%ymm14\n\tvmovdqu 480(%0), %%ymm15" ::"r"(p)
                         : "memory");
    else
        __asm__ volatile("movdqu 0(%0), %%xmm0\n\tmovdqu 32(%0), %%xmm1\n\t"
                         "movdqu 64(%0), %%xmm2\n\tmovdqu 96(%0), %%xmm3\n\t"
                         "movdqu 128(%0), %%xmm4\n\tmovdqu 160(%0), %%xmm5\n\t"
                         "movdqu 192(%0), %%xmm6\n\tmovdqu 224(%0), %%xmm7\n\t"
                         "movdqu 256(%0), %%xmm8\n\tmovdqu 288(%0), %%xmm9\n\t"
                         "movdqu 320(%0), %%xmm10\n\tmovdqu 352(%0), %%xmm11\n\t"
                         "movdqu 384(%0), %%xmm12\n\tmovdqu 416(%0), %%xmm13\n\t"
                         "movdqu 448(%0), %%xmm14\n\tmovdqu 480(%0), %%xmm15" ::"r"(p)
                         : "memory");
}

static void fpu_store(uint8_t *p, bool avx)
{
    if (avx)
        __asm__ volatile("vmovdqu %%ymm0, 0(%0)\n\tvmovdqu %%ymm1, 32(%0)\n\t"
                         "vmovdqu %%ymm2, 64(%0)\n\tvmovdqu %%ymm3, 96(%0)\n\t"
                         "vmovdqu %%ymm4, 128(%0)\n\tvmovdqu %%ymm5, 160(%0)\n\t"
                         "vmovdqu %%ymm6, 192(%0)\n\tvmovdqu %%ymm7, 224(%0)\n\t"
                         "vmovdqu %%ymm8, 256(%0)\n\tvmovdqu %%ymm9, 288(%0)\n\t"
                         "vmovdqu %%ymm10, 320(%0)\n\tvmovdqu %%ymm11, 352(%0)\n\t"
                         "vmovdqu %%ymm12, 384(%0)\n\tvmovdqu %%ymm13, 416(%0)\n\t"
                         "vmovdqu %%ymm14, 448(%0)\n\tvmovdqu %%ymm15, 480(%0)" ::"r"(p)
                         : "memory");
    else
        __asm__ volatile("movdqu %%xmm0, 0(%0)\n\tmovdqu %%xmm1, 32(%0)\n\t"
                         "movdqu %%xmm2, 64(%0)\n\tmovdqu %%xmm3, 96(%0)\n\t"
                         "movdqu %%xmm4, 128(%0)\n\tmovdqu %%xmm5, 160(%0)\n\t"
                         "movdqu %%xmm6, 192(%0)\n\tmovdqu %%xmm7, 224(%0)\n\t"
                         "movdqu %%xmm8, 256(%0)\n\tmovdqu %%xmm9, 288(%0)\n\t"
                         "movdqu %%xmm10, 320(%0)\n\tmovdqu %%xmm11, 352(%0)\n\t"
                         "movdqu %%xmm12, 384(%0)\n\tmovdqu %%xmm13, 416(%0)\n\t"
                         "movdqu %%xmm14, 448(%0)\n\tmovdqu %%xmm15, 480(%0)" ::"r"(p)
                         : "memory");
}

static int fpu_main(void *arg)
{
    struct fpu_ctx *ctx = arg;
    uint8_t want[512], got[512];
    unsigned width = ctx->avx ? 32 : 16;

    /* A new FPU thread starts clean, whatever the other one left in the registers. */
    uint32_t mxcsr;
    fpu_store(got, ctx->avx);
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    ctx->clean_start = mxcsr == 0x1f80;
    for (unsigned r = 0; r < 16; r++)
        for (unsigned i = 0; i < width; i++)
            if (got[r * 32 + i])
                ctx->clean_start = 0;

    uint64_t x = ctx->seed;
    for (unsigned i = 0; i < sizeof(want); i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        want[i] = (uint8_t)(x >> 56);
    }
    uint32_t my_mxcsr = 0x1f80 | ((uint32_t)(ctx->seed & 3) << 13); /* rounding mode */
    fpu_load(want, ctx->avx);
    __asm__ volatile("ldmxcsr %0" ::"m"(my_mxcsr));

    /* Yields and tick preemptions both, for about 60 ms. */
    uint64_t end = clock_monotonic_ns() + 60000000;
    for (unsigned n = 0; clock_monotonic_ns() < end; n++) {
        if (n % 64 == 0)
            thread_yield();
        fpu_store(got, ctx->avx);
        __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
        ctx->checks++;
        if (mxcsr != my_mxcsr)
            ctx->failures++;
        for (unsigned r = 0; r < 16; r++)
            for (unsigned i = 0; i < width; i++)
                if (got[r * 32 + i] != want[r * 32 + i])
                    ctx->failures++;
        if (ctx->failures)
            break;
    }
    return 0;
}

KTEST(sched_fpu_state_survives_switches)
{
    bool avx = arch_fpu_has_avx();
    kprintf("    %s, %zu-byte areas, checking %s registers\n", arch_fpu_method(),
            arch_fpu_state_size(), avx ? "ymm0-15 (AVX)" : "xmm0-15 (SSE)");
    struct fpu_ctx a = {.seed = 0x1234, .avx = avx}, b = {.seed = 0x9876543, .avx = avx};
    struct thread *ta, *tb;
    ASSERT_EQ(thread_create(&ta, "fpu-a", fpu_main, &a, THREAD_FLAG_FPU), OK);
    ASSERT_EQ(thread_create(&tb, "fpu-b", fpu_main, &b, THREAD_FLAG_FPU), OK);
    thread_start(ta);
    thread_start(tb);
    EXPECT_EQ(thread_join(ta, NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(thread_join(tb, NULL, DEADLINE_INFINITE), OK);
    kprintf("    %u and %u checks\n", a.checks, b.checks);
    EXPECT_EQ(a.failures, 0);
    EXPECT_EQ(b.failures, 0);
    EXPECT_EQ(a.clean_start, 1);
    EXPECT_EQ(b.clean_start, 1);
    EXPECT_GT(a.checks, 100u);
    EXPECT_GT(b.checks, 100u);
}
