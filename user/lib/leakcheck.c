/*
 * leakcheck.c - the whole-run leak check of the test programs
 * (basalt/leakcheck.h).
 */
#include <basalt/leakcheck.h>

static bool totals(struct bs_info_system *si)
{
    return bs_object_get_info(bs_self_process(), BS_INFO_SYSTEM, si, sizeof(si[0]), NULL) == OK;
}

static bool same_totals(const struct bs_info_system *a, const struct bs_info_system *b)
{
    return a->free_pages == b->free_pages && a->heap_bytes == b->heap_bytes &&
           a->live_objects == b->live_objects;
}

static void sleep_10ms(void)
{
    int64_t now = 0;
    bs_clock_get(0, &now);
    bs_nanosleep(now + 10 * 1000 * 1000);
}

void bs_leak_commit_self(void)
{
    extern char __bss_start[], _end[];
    for (volatile char *p = __bss_start; p < _end; p += 4096)
        *p = *p;
    volatile char stack[128 * 1024];
    for (size_t i = 0; i < sizeof(stack); i += 4096)
        stack[i] = 0;
}

bool bs_leak_settled(struct bs_info_system *si)
{
    struct bs_info_system prev;
    if (!totals(&prev))
        return false;
    for (int i = 0; i < 200; i++) {
        sleep_10ms();
        if (!totals(si))
            return false;
        if (same_totals(&prev, si))
            return true;
        prev = *si;
    }
    return true;
}

bool bs_leak_check(const struct bs_info_system *before, int tries, void (*between)(void),
                   void (*log)(const char *fmt, ...))
{
    struct bs_info_system after = {0};
    bool ok = false;
    for (int i = 0; before && !ok && i < tries; i++) {
        if (i)
            sleep_10ms();
        if (between)
            between();
        ok = totals(&after) && same_totals(before, &after);
    }
    if (ok) {
        log("PASS leak_check (%llu free pages, %llu heap bytes, %llu objects)\n",
            (unsigned long long)after.free_pages, (unsigned long long)after.heap_bytes,
            (unsigned long long)after.live_objects);
    } else if (!before) {
        log("FAIL leak_check: the kernel's totals could not be read\n");
    } else {
        log("FAIL leak_check: free pages %llu -> %llu, heap bytes %llu -> %llu, objects "
            "%llu -> %llu\n",
            (unsigned long long)before->free_pages, (unsigned long long)after.free_pages,
            (unsigned long long)before->heap_bytes, (unsigned long long)after.heap_bytes,
            (unsigned long long)before->live_objects, (unsigned long long)after.live_objects);
    }
    return ok;
}
