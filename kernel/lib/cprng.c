/*
 * cprng.c - the kernel's random generator: ChaCha20 (RFC 8439 block
 * function) with fast key erasure.
 *
 * Strength, honestly: the 256-bit key is seeded on first use from RDRAND
 * (when the CPU has it: CPUID.1:ECX bit 30) mixed with the cycle counter.
 * With RDRAND this is as good as the CPU's generator. Without it (e.g.
 * QEMU's default CPU model) the only input is the TSC at a few points
 * during boot, which an attacker can estimate to within a small range:
 * then the output is NOT cryptographically secure, only unpredictable to a
 * casual observer. There is no entropy pool and no reseeding from
 * interrupts yet; each draw only stirs in the current TSC through the
 * nonce. Good enough for handle secrets and ASLR-style uses for now;
 * replace before anything depends on it for keys.
 */
#include <arch.h>
#include <lib/cprng.h>
#include <lib/string.h>
#include <sync/spinlock.h>

static spinlock_t cprng_lock = SPINLOCK_INIT("cprng");
static uint32_t cprng_key[8];  /* guarded by cprng_lock */
static uint64_t cprng_counter; /* guarded by cprng_lock; block counter */
static bool cprng_seeded;      /* guarded by cprng_lock */

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d)                                                                             \
    do {                                                                                           \
        a += b;                                                                                    \
        d ^= a;                                                                                    \
        d = ROTL32(d, 16);                                                                         \
        c += d;                                                                                    \
        b ^= c;                                                                                    \
        b = ROTL32(b, 12);                                                                         \
        a += b;                                                                                    \
        d ^= a;                                                                                    \
        d = ROTL32(d, 8);                                                                          \
        c += d;                                                                                    \
        b ^= c;                                                                                    \
        b = ROTL32(b, 7);                                                                          \
    } while (0)

/* One 64-byte ChaCha20 block of key, 64-bit counter and 64-bit nonce. */
static void chacha20_block(const uint32_t key[8], uint64_t counter, uint64_t nonce,
                           uint32_t out[16])
{
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++)
        in[4 + i] = key[i];
    in[12] = (uint32_t)counter;
    in[13] = (uint32_t)(counter >> 32);
    in[14] = (uint32_t)nonce;
    in[15] = (uint32_t)(nonce >> 32);
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = in[i];
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + in[i];
}

static void cprng_seed_locked(void)
{
    for (int i = 0; i < 8; i += 2) {
        uint64_t r = 0;
        arch_hw_random(&r); /* stays 0 without RDRAND */
        uint64_t t = arch_cycles();
        r ^= t * 0x9e3779b97f4a7c15ull;
        cprng_key[i] = (uint32_t)r;
        cprng_key[i + 1] = (uint32_t)(r >> 32);
    }
    /* Stir once so that the raw seed words never appear in the key. */
    uint32_t block[16];
    chacha20_block(cprng_key, 0, arch_cycles(), block);
    memcpy(cprng_key, block, sizeof(cprng_key));
    memset(block, 0, sizeof(block));
    cprng_counter = 1;
    cprng_seeded = true;
}

void cprng_draw(void *buf, size_t len)
{
    uint8_t *dst = buf;
    uint32_t block[16];
    irqstate_t st = spin_lock_irqsave(&cprng_lock);
    if (!cprng_seeded)
        cprng_seed_locked();
    uint64_t nonce = arch_cycles();
    while (len) {
        chacha20_block(cprng_key, cprng_counter++, nonce, block);
        size_t n = len < sizeof(block) ? len : sizeof(block);
        memcpy(dst, block, n);
        dst += n;
        len -= n;
    }
    /* Fast key erasure: the next key comes from the keystream, never handed out. */
    chacha20_block(cprng_key, cprng_counter++, nonce, block);
    memcpy(cprng_key, block, sizeof(cprng_key));
    spin_unlock_irqrestore(&cprng_lock, st);
    memset(block, 0, sizeof(block));
}
