/*
 * kshim.h - what the host tests need from tests/host/kshim.c, the stand-in
 * for the kernel's panic and log when kernel code runs on the host.
 *
 *     EXPECT_PANIC("double free", pmm_free_page(pa));
 *
 * runs the statement and expects it to panic with a message containing the
 * given text: panic() (and every ASSERT) longjmps back into the test instead
 * of stopping. A panic nobody expects prints its message and aborts the
 * test binary, which the harness counts as a failure. Local variables that
 * a test changes inside EXPECT_PANIC and reads afterwards must be volatile
 * (setjmp rules). Kernel code under test is expected to release its locks
 * before it panics, as the pmm and the heap do, so that the test can go on
 * using it.
 *
 * kprintf() output is collected, not printed: kshim_log() returns what was
 * printed since the last kshim_log_clear() (the newest 16 KiB at most).
 * KSHIM_VERBOSE=1 in the environment also prints it on stderr.
 */
#pragma once

#include <setjmp.h>
#include <stdbool.h>

/*
 * gcc warns about every local that lives across a setjmp, whether or not it
 * changes before the longjmp; the rule above is what matters, so the
 * warning is off in the test files that include this header.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

/* The simulated interrupt flag of tests/host/include/arch/ops.h. */
extern bool kshim_irqs_on;

void kshim_panic_arm(jmp_buf *jb);
void kshim_panic_disarm(void);
/* The message of the last panic. */
const char *kshim_panic_message(void);

const char *kshim_log(void);
void kshim_log_clear(void);

#define EXPECT_PANIC(text, ...)                                                                    \
    do {                                                                                           \
        jmp_buf kshim_jb_;                                                                         \
        if (setjmp(kshim_jb_) == 0) {                                                              \
            kshim_panic_arm(&kshim_jb_);                                                           \
            __VA_ARGS__;                                                                           \
            kshim_panic_disarm();                                                                  \
            host_fail(__FILE__, __LINE__, "expected a panic from %s", #__VA_ARGS__);               \
        } else if (strstr(kshim_panic_message(), (text)) == NULL) {                                \
            host_fail(__FILE__, __LINE__, "expected a panic saying \"%s\", got \"%s\"", (text),    \
                      kshim_panic_message());                                                      \
        }                                                                                          \
    } while (0)
