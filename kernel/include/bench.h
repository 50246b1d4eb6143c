/*
 * bench.h - in-kernel benchmarks, run with `bench` on the command line.
 *
 *     BENCH(pmm_page_alloc_free) {
 *         for (uint64_t i = 0; i < n; i++)
 *             pmm_free_page(pmm_alloc_page());
 *     }
 *
 * Each benchmark body runs its operation `n` times; the runner times it with
 * the cycle counter and prints "BENCH <name> <value> insn/op". Under QEMU's
 * -icount shift=0 (tools/bench.sh) the guest TSC advances by one per guest
 * instruction, so the figure is an exact, repeatable count of instructions
 * per operation, loop overhead included (nothing is subtracted).
 */
#pragma once

#include <compiler.h>
#include <stdint.h>

struct bench {
    const char *name;
    void (*fn)(uint64_t n);
};

#define BENCH(bname)                                                                               \
    static void bench_fn_##bname(uint64_t n);                                                      \
    static const struct bench bench_desc_##bname __used __section("benches")                       \
        __aligned(8) = {#bname, bench_fn_##bname};                                                 \
    static void bench_fn_##bname(uint64_t n)

void bench_run_all(void);
