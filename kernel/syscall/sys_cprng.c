/*
 * sys_cprng.c - the native call cprng_draw (docs/abi.md, lib/cprng.h).
 */
#include <err.h>
#include <lib/cprng.h>
#include <lib/string.h>
#include <usercopy.h>

int64_t sys_cprng_draw(void *buf, size_t len);

int64_t sys_cprng_draw(void *buf, size_t len)
{
    uint8_t kbuf[CPRNG_DRAW_MAX];
    if (len > CPRNG_DRAW_MAX)
        return ERR_OUT_OF_RANGE;
    cprng_draw(kbuf, len);
    status_t s = copy_to_user(buf, kbuf, len);
    memset(kbuf, 0, sizeof(kbuf));
    return s;
}
