/*
 * prof.h - the sampling profiler (kernel/prof.c; `profile` on the command line).
 */
#pragma once

#include <arch/trap.h>
#include <stdbool.h>

/* Tick interrupts per scheduler tick while profiling: 50 kHz samples. */
#define PROF_RATE 50

/* Reads the command line; true when profiling (the tick then runs PROF_RATE times faster). */
bool prof_init(void);
/* Records where the tick interrupted (interrupts off). */
void prof_sample(const struct trap_frame *tf);
/* Prints the table to the kernel log and stops sampling. */
void prof_report(void);
