/*
 * ipc.c - benchmarks of waiting and waking (issue 7's figures): a futex
 * wake with nobody waiting, and an event signal that wakes a waiter in
 * another process. The other process is a few bytes of machine code
 * (user/core-tests/tasks.h).
 */
#include "../core-tests/tasks.h"
#include "bench.h"

#include <basalt/launch.h>
#include <string.h>

#define ID_CHANNEL 0x42450001u /* the echo server's channel, among its start-up handles */

void bench_futex_wake_no_waiter(void)
{
    static volatile uint32_t word;
    for (int i = 0; i < WARMUP; i++)
        bs_futex_wake((const uint32_t *)&word, 1);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ITERS; i++)
        bs_futex_wake((const uint32_t *)&word, 1);
    report("user_futex_wake_no_waiter", rdtsc() - t0, ITERS);
}

/* The parts of a wake: signalling an object nobody waits on, and a wait that need not block. */
void bench_signal_and_ready_wait(void)
{
    bs_handle_t ev;
    bs_signals_t seen;
    if (bs_handle_create(BS_OBJ_EVENT, 0, &ev) != OK)
        return;
    for (int i = 0; i < WARMUP; i++)
        bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ITERS; i++)
        bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED);
    report("user_object_signal_no_waiter", rdtsc() - t0, ITERS);
    t0 = rdtsc();
    for (int i = 0; i < ITERS; i++)
        bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, INT64_MAX, &seen);
    report("user_wait_one_already_signaled", rdtsc() - t0, ITERS);
    bs_handle_close(ev);
}

/*
 * The other process, given its end of an eventpair in RDI, for ever: wait
 * until its end is SIGNALED, clear that, signal the peer.
 */
/* clang-format off */
static const uint8_t echo[] = {
    0x48, 0x89, 0xfb,                     /* mov %rdi, %rbx */
    0x48, 0x89, 0xdf,                     /* loop: mov %rbx, %rdi */
    0xbe, 0x08, 0x00, 0x00, 0x00,         /* mov $SIGNALED, %esi */
    0x48, 0xba, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, /* mov $INT64_MAX, %rdx */
    0x45, 0x31, 0xd2,                     /* xor %r10d, %r10d */
    X_MOV_EAX(BS_SYS_OBJECT_WAIT_ONE), X_SYSCALL,
    0x48, 0x89, 0xdf,                     /* mov %rbx, %rdi */
    0xbe, 0x08, 0x00, 0x00, 0x00,         /* mov $SIGNALED, %esi (clear) */
    0x31, 0xd2,                           /* xor %edx, %edx (set nothing) */
    X_MOV_EAX(BS_SYS_OBJECT_SIGNAL), X_SYSCALL,
    0x48, 0x89, 0xdf,                     /* mov %rbx, %rdi */
    0x31, 0xf6,                           /* xor %esi, %esi */
    0xba, 0x08, 0x00, 0x00, 0x00,         /* mov $SIGNALED, %edx (set) */
    X_MOV_EAX(BS_SYS_OBJECT_SIGNAL_PEER), X_SYSCALL,
    0xeb, 0xc0,                           /* jmp loop (-64) */
};
/* clang-format on */

void bench_event_wake_other_process(void)
{
    enum { N = 20000 };
    bs_handle_t mine, theirs;
    struct task t;
    if (bs_eventpair_create(0, &mine, &theirs) != OK ||
        task_make(bs_startup_handle(BS_AT_ROOT_JOB), "echo", echo, sizeof(echo), false, &t) != OK ||
        task_start(&t, theirs) != OK) {
        bs_log("bench: event wake: cannot start the other process\n");
        return;
    }
    bs_signals_t seen;
    uint64_t t0 = 0;
    for (int i = 0; i < WARMUP + N; i++) {
        if (i == WARMUP)
            t0 = rdtsc();
        bs_object_signal_peer(mine, 0, BS_SIGNAL_SIGNALED);
        bs_object_wait_one(mine, BS_SIGNAL_SIGNALED, INT64_MAX, &seen);
        bs_object_signal(mine, BS_SIGNAL_SIGNALED, 0);
    }
    /* Each round trip is two signal -> wake-in-the-other-process hops. */
    report("user_event_wake_other_process", rdtsc() - t0, 2 * N);
    bs_task_kill(t.proc);
    task_wait(t.proc);
    task_close(&t);
    bs_handle_close(mine);
}

/* `bench-core --echo`: answers each message with itself until the peer goes. */
int bench_echo_main(void)
{
    bs_handle_t ch = bs_take_startup_handle(ID_CHANNEL);
    uint8_t buf[64];
    for (;;) {
        bs_signals_t seen;
        bs_object_wait_one(ch, BS_SIGNAL_READABLE | BS_SIGNAL_PEER_CLOSED, INT64_MAX, &seen);
        uint32_t actual[2];
        bs_status_t s = bs_channel_read(ch, buf, NULL, sizeof(buf), 0, actual);
        if (s == ERR_PEER_CLOSED)
            return 0;
        if (s == OK)
            bs_channel_write(ch, buf, actual[0], NULL, 0);
    }
}

/*
 * A channel round trip between two processes: channel_call here, wait +
 * read + write in the echo server, 64-byte messages.
 */
void bench_channel_call_round_trip(void)
{
    enum { N = 20000 };
    bs_handle_t mine, theirs, proc;
    if (bs_channel_create(0, &mine, &theirs) != OK)
        return;
    const char *argv[] = {"bench-core", "--echo"};
    struct bs_launch_handle hs[] = {{ID_CHANNEL, theirs}};
    struct bs_launch_args a = {.job = bs_startup_handle(BS_AT_ROOT_JOB),
                               .image = bs_bootfs_vmo(),
                               .path = "/boot/bench-core",
                               .argc = 2,
                               .argv = argv,
                               .handles = hs,
                               .num_handles = 1};
    if (bs_launch(&a, &proc, NULL) != OK) {
        bs_log("bench: channel call: cannot start the echo server\n");
        bs_handle_close(mine);
        return;
    }
    uint8_t req[64] = {0}, rep[64];
    struct bs_channel_call_args args = {
        .wr_bytes = req, .wr_num_bytes = 64, .rd_bytes = rep, .rd_num_bytes = 64};
    uint32_t actual[2];
    uint64_t t0 = 0;
    for (int i = 0; i < WARMUP + N; i++) {
        if (i == WARMUP)
            t0 = rdtsc();
        if (bs_channel_call(mine, 0, INT64_MAX, &args, actual) != OK) {
            bs_log("bench: channel call failed\n");
            break;
        }
    }
    report("user_channel_call_round_trip_64", rdtsc() - t0, N);
    bs_handle_close(mine);
    bs_signals_t seen;
    bs_object_wait_one(proc, BS_SIGNAL_TERMINATED, INT64_MAX, &seen);
    bs_handle_close(proc);
}
