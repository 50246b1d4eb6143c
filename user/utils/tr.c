/*
 * tr.c - tr [-d] [-s] SET1 [SET2]: translates stdin to stdout.
 * Sets: characters, ranges a-z, escapes (\n \t \\ \NNN), and the classes
 * [:alpha:] [:digit:] [:alnum:] [:upper:] [:lower:] [:space:] [:blank:]
 * [:punct:]. Translation maps SET1 to SET2, the last character of SET2
 * repeated when it is shorter; -d deletes SET1; -s squeezes runs of a
 * character of the last set given into one. [:lower:] -> [:upper:] (and back)
 * converts case. No -c yet.
 */
#include "util.h"

#include <ctype.h>
#include <string.h>
#include <unistd.h>

struct set {
    unsigned char chars[1024];
    int len;
};

static const struct {
    const char *name;
    int (*is)(int);
} classes[] = {
    {"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"upper", isupper},
    {"lower", islower}, {"space", isspace}, {"blank", isblank}, {"punct", ispunct},
};

static int next_char(const char **s)
{
    if (**s == '\\' && (*s)[1]) {
        (*s)++;
        int c = util_escape(s);
        if (c >= 0)
            return c;
        return (unsigned char)*(*s)++;
    }
    return (unsigned char)*(*s)++;
}

static bool add(struct set *set, int c)
{
    if (set->len == (int)sizeof(set->chars))
        return false;
    set->chars[set->len++] = (unsigned char)c;
    return true;
}

static bool parse_set(const char *s, struct set *set)
{
    set->len = 0;
    while (*s) {
        if (s[0] == '[' && s[1] == ':') {
            const char *end = strstr(s + 2, ":]");
            bool found = false;
            for (size_t i = 0; end && i < sizeof(classes) / sizeof(classes[0]); i++) {
                if (strlen(classes[i].name) == (size_t)(end - s - 2) &&
                    strncmp(classes[i].name, s + 2, (size_t)(end - s - 2)) == 0) {
                    for (int c = 0; c < 256; c++) {
                        if (classes[i].is(c) && !add(set, c))
                            return false;
                    }
                    found = true;
                }
            }
            if (!found) {
                util_msg("%s: unknown character class", s);
                return false;
            }
            s = end + 2;
            continue;
        }
        int lo = next_char(&s);
        if (s[0] == '-' && s[1]) {
            s++;
            int hi = next_char(&s);
            if (hi < lo) {
                util_msg("range %c-%c is in reverse order", lo, hi);
                return false;
            }
            for (int c = lo; c <= hi; c++) {
                if (!add(set, c))
                    return false;
            }
            continue;
        }
        if (!add(set, lo))
            return false;
    }
    return true;
}

int tr_main(int argc, char **argv)
{
    bool del = false, squeeze = false;
    int c;
    while ((c = getopt(argc, argv, "ds")) != -1) {
        if (c == 'd')
            del = true;
        else if (c == 's')
            squeeze = true;
        else
            return util_usage();
    }
    int n = argc - optind;
    if (n < 1 || n > 2 || (!del && !squeeze && n != 2) || (del && !squeeze && n != 1))
        return util_usage();
    static struct set s1, s2;
    if (!parse_set(argv[optind], &s1) || (n == 2 && !parse_set(argv[optind + 1], &s2)))
        return 1;
    int map[256];
    bool in1[256] = {false}, sq[256] = {false};
    for (int i = 0; i < 256; i++)
        map[i] = i;
    for (int i = 0; i < s1.len; i++)
        in1[s1.chars[i]] = true;
    if (!del && n == 2) {
        if (s2.len == 0)
            return util_msg("SET2 is empty");
        for (int i = 0; i < s1.len; i++)
            map[s1.chars[i]] = s2.chars[i < s2.len ? i : s2.len - 1];
    }
    const struct set *last = n == 2 ? &s2 : &s1;
    if (squeeze) {
        for (int i = 0; i < last->len; i++)
            sq[last->chars[i]] = true;
    }
    int prev = -1;
    while ((c = getchar()) != EOF) {
        if (del && in1[c])
            continue;
        int out = del ? c : map[c];
        if (squeeze && sq[out] && out == prev)
            continue;
        putchar(out);
        prev = out;
    }
    return 0;
}
