/*
 * bench.c - benchmarks of the native ABI from user space (`make bench`).
 *
 * Run as init under QEMU -icount shift=0, where the TSC counts guest
 * instructions: each figure is instructions per operation, measured with
 * rdtsc around N repetitions after a warm-up, loop overhead included. Prints
 * "BENCH <name> <value> insn/op". A call that is not implemented yet
 * (ERR_NOT_SUPPORTED) is reported as such instead of measured.
 */
#include "bench.h"
#include <stdio.h>
#include <string.h>

void report(const char *name, uint64_t cycles, uint64_t n)
{
    char line[128];
    snprintf(line, sizeof(line), "BENCH %s %llu insn/op\n", name,
             (unsigned long long)((cycles + n / 2) / n));
    bs_log(line);
}

static void not_implemented(const char *name)
{
    char line[128];
    snprintf(line, sizeof(line), "bench: %s: not implemented yet (ERR_NOT_SUPPORTED)\n", name);
    bs_log(line);
}

static void bench_null_syscall(void)
{
    for (int i = 0; i < WARMUP; i++)
        bs_nop();
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ITERS; i++)
        bs_nop();
    report("user_null_syscall", rdtsc() - t0, ITERS);
}

static void bench_handle_duplicate_close(void)
{
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS), h;
    if (bs_handle_duplicate(self, BS_RIGHT_SAME_RIGHTS, &h) == ERR_NOT_SUPPORTED) {
        not_implemented("handle_duplicate+handle_close");
        return;
    }
    bs_handle_close(h);
    for (int i = 0; i < WARMUP; i++) {
        bs_handle_duplicate(self, BS_RIGHT_SAME_RIGHTS, &h);
        bs_handle_close(h);
    }
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ITERS; i++) {
        bs_handle_duplicate(self, BS_RIGHT_SAME_RIGHTS, &h);
        bs_handle_close(h);
    }
    report("user_handle_duplicate_close", rdtsc() - t0, ITERS);
}

static void bench_vmo_write_4k(void)
{
    static char buf[4096];
    bs_handle_t v;
    if (bs_vmo_create(4096, 0, &v) == ERR_NOT_SUPPORTED) {
        not_implemented("vmo_write 4 KiB");
        return;
    }
    for (int i = 0; i < WARMUP; i++)
        bs_vmo_write(v, buf, 0, sizeof(buf));
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ITERS / 10; i++)
        bs_vmo_write(v, buf, 0, sizeof(buf));
    report("user_vmo_write_4k", rdtsc() - t0, ITERS / 10);
    bs_handle_close(v);
}

static void bench_channel_write_read_64(void)
{
    bs_handle_t a, b;
    char msg[64] = {0}, in[64];
    uint32_t actual[2];
    if (bs_channel_create(0, &a, &b) == ERR_NOT_SUPPORTED) {
        not_implemented("channel write+read 64 bytes");
        return;
    }
    for (int i = 0; i < WARMUP; i++) {
        bs_channel_write(a, msg, sizeof(msg), NULL, 0);
        bs_channel_read(b, in, NULL, sizeof(in), 0, actual);
    }
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ITERS; i++) {
        bs_channel_write(a, msg, sizeof(msg), NULL, 0);
        bs_channel_read(b, in, NULL, sizeof(in), 0, actual);
    }
    report("user_channel_write_read_64", rdtsc() - t0, ITERS);
    bs_handle_close(a);
    bs_handle_close(b);
}

static void bench_page_fault(void)
{
    enum { PAGES = 2048 };
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_VMAR), v;
    uint64_t addr = 0;
    if (bs_vmo_create(PAGES * 4096ull, 0, &v) == ERR_NOT_SUPPORTED ||
        bs_vmar_map(self, 3, v, 0, PAGES * 4096ull, &addr) != OK) {
        not_implemented("anonymous page fault (vmo_create + vmar_map)");
        return;
    }
    volatile char *p = (volatile char *)addr;
    uint64_t t0 = rdtsc();
    for (int i = 0; i < PAGES; i++)
        p[i * 4096] = 1; /* first touch: one fault each */
    report("user_anon_page_fault", rdtsc() - t0, PAGES);
    bs_vmar_unmap(self, addr, PAGES * 4096ull);
    bs_handle_close(v);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--echo") == 0)
        return bench_echo_main();
    bench_null_syscall();
    bench_handle_duplicate_close();
    bench_vmo_write_4k();
    bench_channel_write_read_64();
    bench_page_fault();
    bench_futex_wake_no_waiter();
    bench_signal_and_ready_wait();
    bench_event_wake_other_process();
    bench_channel_call_round_trip();
    return 0;
}
