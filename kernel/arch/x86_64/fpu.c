/*
 * fpu.c - x87/SSE/AVX state: CPU setup and the save areas of the threads
 * that use it (see arch/thread.h for the eager-for-flagged-threads policy).
 *
 * arch_fpu_init() turns SSE on (CR4.OSFXSR, OSXMMEXCPT; CR0.MP and NE set,
 * EM and TS clear, so no #NM ever fires) and, when the CPU has XSAVE, sets
 * CR4.OSXSAVE and XCR0 to x87 | SSE plus AVX and the AVX-512 components
 * when present. The save area size is then CPUID leaf 0xD's answer for
 * that XCR0 (standard, non-compacted format); without XSAVE it is the
 * 512-byte FXSAVE image. A template holding the initial state (after
 * FNINIT, MXCSR = 0x1f80: all exceptions masked, round to nearest) is
 * copied into every new area, so a thread starts from a clean FPU.
 */
#include <arch/thread.h>
#include <arch/x86.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <panic.h>
#include <printf.h>

#define CR0_MP         (1ull << 1)
#define CR0_EM         (1ull << 2)
#define CR0_TS         (1ull << 3)
#define CR0_NE         (1ull << 5)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE    (1ull << 18)

#define XCR0_X87    (1ull << 0)
#define XCR0_SSE    (1ull << 1)
#define XCR0_AVX    (1ull << 2)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */

#define FXSAVE_SIZE 512

static bool use_xsave;
static uint64_t xcr0;
static size_t state_size = FXSAVE_SIZE;
static void *initial_state; /* the template, state_size bytes */

static inline void write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

void arch_fpu_save(void *area)
{
    if (use_xsave)
        __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
    if (use_xsave)
        __asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu)
                         : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    bool has_xsave = c & (1u << 26);

    write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (has_xsave)
        cr4 |= CR4_OSXSAVE;
    write_cr4(cr4);

    if (has_xsave) {
        cpuid(0xd, 0, &a, &b, &c, &d);
        uint64_t supported = ((uint64_t)d << 32) | a;
        xcr0 = XCR0_X87 | XCR0_SSE;
        if (supported & XCR0_AVX)
            xcr0 |= XCR0_AVX;
        if ((xcr0 & XCR0_AVX) && (supported & XCR0_AVX512) == XCR0_AVX512)
            xcr0 |= XCR0_AVX512;
        __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)));
        cpuid(0xd, 0, &a, &b, &c, &d); /* EBX: the area size for the XCR0 just set */
        state_size = b;
        use_xsave = true;
    }

    /* XRSTOR faults on a header with reserved bits set: the template starts zeroed. */
    initial_state = kzalloc(state_size);
    ASSERT_MSG(initial_state, "fpu: no memory for the initial state");
    ASSERT(IS_ALIGNED((uintptr_t)initial_state, 64));
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
    arch_fpu_save(initial_state);

    kprintf("fpu: %s, %zu-byte save areas (XCR0 %#lx), saved eagerly for threads that use it\n",
            arch_fpu_method(), state_size, xcr0);
}

status_t arch_fpu_alloc(struct arch_thread *at)
{
    ASSERT(!at->fpu);
    void *area = kmalloc(state_size); /* power-of-two classes: aligned to >= 512 bytes */
    if (!area)
        return ERR_NO_MEMORY;
    ASSERT(IS_ALIGNED((uintptr_t)area, 64));
    memcpy(area, initial_state, state_size);
    at->fpu = area;
    return OK;
}

void arch_fpu_free(struct arch_thread *at)
{
    kfree(at->fpu);
    at->fpu = NULL;
}

void arch_fpu_reset(void *area)
{
    memcpy(area, initial_state, state_size);
}

void arch_fpu_sanitize(void *area)
{
    uint8_t *a = area;
    uint32_t mask, mxcsr;
    memcpy(&mask, (uint8_t *)initial_state + 28, sizeof(mask)); /* MXCSR_MASK as saved */
    if (!mask)
        mask = 0xffbf; /* the architectural default */
    memcpy(&mxcsr, a + 24, sizeof(mxcsr));
    mxcsr &= mask;
    memcpy(a + 24, &mxcsr, sizeof(mxcsr));
    if (use_xsave) {
        uint64_t bv;
        memcpy(&bv, a + 512, sizeof(bv));
        bv &= xcr0;
        memcpy(a + 512, &bv, sizeof(bv));
        memset(a + 520, 0, 64 - 8); /* XCOMP_BV (standard format) and the reserved bytes */
    }
}

size_t arch_fpu_state_size(void)
{
    return state_size;
}

const char *arch_fpu_method(void)
{
    return use_xsave ? "xsave" : "fxsave";
}

bool arch_fpu_has_avx(void)
{
    return xcr0 & XCR0_AVX;
}
