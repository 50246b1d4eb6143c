/*
 * lib/cprng.h - the kernel's random generator (cprng_draw).
 *
 * A ChaCha20 keystream with fast key erasure: each draw produces its bytes
 * and then a fresh key from the same keystream, so the state after a draw
 * says nothing about the bytes already handed out. Strength is only that
 * of the seed: see lib/cprng.c.
 *
 * Lock: one spinlock inside (interrupts off while it is held; short).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CPRNG_DRAW_MAX 256 /* bytes per cprng_draw call */

/* Fills buf with len random bytes (any len; seeds itself on first use). */
void cprng_draw(void *buf, size_t len);
