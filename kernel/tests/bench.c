/*
 * bench.c - the benchmark runner (see bench.h) and the memory benchmarks.
 *
 * Every benchmark first runs a warm-up round (caches, lazily built state),
 * then a measured round of BENCH_ITERS operations; the result is the cycle
 * count divided by the number of operations, rounded to the nearest integer.
 */
#include <arch.h>
#include <bench.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <panic.h>
#include <printf.h>

#define BENCH_WARMUP 1000
#define BENCH_ITERS  100000

extern const struct bench __bench_start[], __bench_end[];

void bench_run_all(void)
{
    kprintf("bench: %ld benchmarks, %d operations each\n", (long)(__bench_end - __bench_start),
            BENCH_ITERS);
    for (const struct bench *b = __bench_start; b < __bench_end; b++) {
        irqstate_t st = arch_irq_save();
        b->fn(BENCH_WARMUP);
        uint64_t t0 = arch_cycles();
        b->fn(BENCH_ITERS);
        uint64_t t1 = arch_cycles();
        arch_irq_restore(st);
        uint64_t per = (t1 - t0 + BENCH_ITERS / 2) / BENCH_ITERS;
        kprintf("BENCH %s %lu insn/op\n", b->name, per);
    }
}

/* One single-page allocation and its free. */
BENCH(pmm_page_alloc_free)
{
    for (uint64_t i = 0; i < n; i++) {
        paddr_t pa = pmm_alloc_page();
        ASSERT(pa);
        pmm_free_page(pa);
    }
}

/* One 64-byte kmalloc and its kfree. */
BENCH(kmalloc64_kfree)
{
    for (uint64_t i = 0; i < n; i++) {
        void *p = kmalloc(64);
        ASSERT(p);
        __asm__ volatile("" ::"r"(p) : "memory"); /* the allocation is used */
        kfree(p);
    }
}
