/*
 * cmdline.c - parsing the kernel command line (see cmdline.h).
 */
#include <boot.h>
#include <cmdline.h>
#include <lib/string.h>
#include <printf.h>

struct option {
    const char *key;
    const char *help;
};

/* Every option the kernel reads. Keep it sorted and in step with docs/boot.md. */
static const struct option options[] = {
    {"bench", "run the benchmarks (under tools/bench.sh), then end QEMU"},
    {"crash",
     "commit a fault after boot: panic|pagefault|gpf|ud|div0|stackoverflow|spinlock|mutex"},
    {"init", "init=PATH: the first user program (default /boot/init)"},
    {"init_exit", "init_exit=qemu: end QEMU with init's status when it exits"},
    {"klog", "klog=debugcon: kernel messages to the debug port only, not the serial console"},
    {"kshell", "start the kernel debug shell on the console"},
    {"ktest",
     "run the in-kernel tests (ktest=a,b: those whose names contain a or b), then end QEMU"},
    {"nolapic", "use the 8259 PICs and the PIT, not the local/I/O APIC"},
    {"panic", "panic=exit: end QEMU with a failure status instead of halting"},
    {"profile", "sample where the kernel runs at 50 kHz; the table goes to the log at the end"},
    {"quiet", "log less during boot"},
};

static char line[BOOT_CMDLINE_MAX];
/* Where init's arguments start (the word after a lone `--`), or NULL. */
static const char *init_args;

static bool is_separator(const char *w, size_t len)
{
    return len == 2 && w[0] == '-' && w[1] == '-';
}

bool cmdline_next_word(struct cmdline_iter *it, const char **word, size_t *len)
{
    while (*it->p == ' ')
        it->p++;
    if (!*it->p)
        return false;
    *word = it->p;
    while (*it->p && *it->p != ' ')
        it->p++;
    *len = (size_t)(it->p - *word);
    return true;
}

static size_t key_len(const char *word, size_t len)
{
    size_t k = 0;
    while (k < len && word[k] != '=')
        k++;
    return k;
}

bool cmdline_is_known(const char *key, size_t len)
{
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
        if (strlen(options[i].key) == len && strncmp(options[i].key, key, len) == 0)
            return true;
    return false;
}

void cmdline_init(const char *src)
{
    strlcpy(line, src, sizeof(line));

    struct cmdline_iter it = {line};
    const char *w;
    size_t len;
    while (cmdline_next_word(&it, &w, &len)) {
        if (is_separator(w, len)) {
            init_args = it.p;
            break;
        }
        if (!cmdline_is_known(w, key_len(w, len)))
            kprintf("cmdline: unknown option '%.*s' ignored\n", (int)len, w);
    }
}

const char *cmdline_init_args(void)
{
    return init_args ? init_args : "";
}

const char *cmdline_get_all(void)
{
    return line;
}

/* The last word whose key is `key`, or NULL. */
static const char *find(const char *key, size_t *len_out)
{
    size_t klen = strlen(key);
    const char *found = NULL;
    struct cmdline_iter it = {line};
    const char *w;
    size_t len;
    while (cmdline_next_word(&it, &w, &len) && !is_separator(w, len)) {
        if (key_len(w, len) == klen && strncmp(w, key, klen) == 0) {
            found = w;
            *len_out = len;
        }
    }
    return found;
}

bool cmdline_has(const char *key)
{
    size_t len;
    return find(key, &len) != NULL;
}

bool cmdline_value(const char *key, char *buf, size_t size)
{
    size_t len, klen = strlen(key);
    const char *w = find(key, &len);
    if (!w || len <= klen || w[klen] != '=')
        return false;
    size_t vlen = len - klen - 1;
    if (vlen + 1 > size)
        return false;
    memcpy(buf, w + klen + 1, vlen);
    buf[vlen] = 0;
    return true;
}
