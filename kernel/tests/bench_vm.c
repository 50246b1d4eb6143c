#include <bench.h>
#include <lib/string.h>
#include <mm/page.h>
#include <mm/pmm.h>
static char buf[4096] __aligned(4096);
BENCH(tmp_memset4k) { for (uint64_t i = 0; i < n; i++) { memset(buf, (int)i, 4096); __asm__ volatile("" ::: "memory"); } }
BENCH(tmp_stosq4k) { for (uint64_t i = 0; i < n; i++) { void *d = buf; size_t c = 512; __asm__ volatile("rep stosq" : "+D"(d), "+c"(c) : "a"(i) : "memory"); } }
BENCH(tmp_loop4k) { for (uint64_t i = 0; i < n; i++) { uint64_t *d = (uint64_t*)buf; for (int j = 0; j < 512; j += 4) { d[j]=i; d[j+1]=i; d[j+2]=i; d[j+3]=i; __asm__ volatile("" ::: "memory");} } }
