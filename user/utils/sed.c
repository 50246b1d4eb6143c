/*
 * sed.c - sed [-n] [-e SCRIPT]... [SCRIPT] [FILE...]: a stream editor for
 * the common cases.
 *
 * Commands, separated by newlines or ';', each with up to two addresses
 * (N a line number, $ the last line, /RE/ a basic regular expression;
 * A1,A2 a range, entered at A1 and left after the line matching A2), and
 * '!' to negate:
 *   s/RE/REPLACEMENT/FLAGS  any delimiter; REPLACEMENT knows & and \1..\9,
 *                           \n; FLAGS: g (all matches), p (print if
 *                           replaced), N (the Nth match only)
 *   d  delete the line and start the next cycle
 *   p  print the line
 *   q  print the line (unless -n) and quit
 *   =  print the line number
 * -n: no automatic printing. Not yet: a, i, c, y, hold space, {...}, w.
 */
#include "util.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum addr_kind { ADDR_NONE, ADDR_LINE, ADDR_LAST, ADDR_RE };

struct addr {
    enum addr_kind kind;
    unsigned long line;
    regex_t re;
};

struct cmd {
    struct addr a1, a2;
    bool negate;
    bool in_range;
    char op;
    /* s only */
    regex_t re;
    char *repl;
    bool global, print;
    unsigned long nth;
};

static struct cmd *cmds;
static int num_cmds;
static bool opt_quiet;

static _Noreturn void bad_script(const char *why, const char *at)
{
    util_die(1, "bad script: %s at '%s'", why, at);
}

/* Reads text up to the unescaped DELIM; "\DELIM" becomes DELIM, and
 * \n a newline; other escapes stay for regcomp/the replacement. */
static char *read_delimited(const char **sp, char delim, bool is_re)
{
    const char *s = *sp;
    char *out = util_malloc(strlen(s) + 1);
    size_t o = 0;
    while (*s && *s != delim) {
        if (*s == '\\' && s[1]) {
            if (s[1] == delim) {
                out[o++] = delim;
            } else if (s[1] == 'n') {
                out[o++] = '\n';
            } else {
                out[o++] = '\\';
                out[o++] = s[1];
            }
            s += 2;
            continue;
        }
        out[o++] = *s++;
    }
    if (*s != delim)
        bad_script(is_re ? "unterminated regular expression" : "unterminated s command", *sp);
    out[o] = '\0';
    *sp = s + 1;
    return out;
}

static void compile(regex_t *re, const char *pattern, int flags)
{
    int rc = regcomp(re, pattern, flags);
    if (rc != 0) {
        char msg[256];
        regerror(rc, re, msg, sizeof(msg));
        util_die(1, "%s: %s", pattern, msg);
    }
}

static bool parse_addr(const char **sp, struct addr *a)
{
    const char *s = *sp;
    if (*s >= '0' && *s <= '9') {
        a->kind = ADDR_LINE;
        a->line = strtoul(s, (char **)&s, 10);
    } else if (*s == '$') {
        a->kind = ADDR_LAST;
        s++;
    } else if (*s == '/' || *s == '\\') {
        char delim = '/';
        if (*s == '\\')
            delim = *++s;
        s++;
        char *pattern = read_delimited(&s, delim, true);
        compile(&a->re, pattern, REG_NOSUB);
        free(pattern);
        a->kind = ADDR_RE;
    } else {
        a->kind = ADDR_NONE;
        return false;
    }
    *sp = s;
    return true;
}

static void parse_script(const char *s)
{
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == ';')
            s++;
        if (!*s)
            return;
        cmds = util_realloc(cmds, (size_t)(num_cmds + 1) * sizeof(*cmds));
        struct cmd *c = &cmds[num_cmds++];
        memset(c, 0, sizeof(*c));
        if (parse_addr(&s, &c->a1) && *s == ',') {
            s++;
            if (!parse_addr(&s, &c->a2))
                bad_script("expected an address", s);
        }
        while (*s == ' ')
            s++;
        if (*s == '!') {
            c->negate = true;
            s++;
            while (*s == ' ')
                s++;
        }
        c->op = *s;
        if (!*s)
            bad_script("missing command", s);
        s++;
        switch (c->op) {
        case 'd':
        case 'p':
        case 'q':
        case '=':
            break;
        case 's': {
            char delim = *s;
            if (!delim || delim == '\\' || delim == '\n')
                bad_script("bad delimiter", s);
            s++;
            char *pattern = read_delimited(&s, delim, true);
            c->repl = read_delimited(&s, delim, false);
            int flags = 0;
            for (; *s && *s != ';' && *s != '\n' && *s != '}'; s++) {
                if (*s == 'g')
                    c->global = true;
                else if (*s == 'p')
                    c->print = true;
                else if (*s == 'I' || *s == 'i')
                    flags |= REG_ICASE;
                else if (*s >= '1' && *s <= '9')
                    c->nth = strtoul(s, (char **)&s, 10), s--;
                else if (*s != ' ')
                    bad_script("unknown s flag", s);
            }
            compile(&c->re, pattern, flags);
            free(pattern);
            break;
        }
        default:
            bad_script("unknown command", s - 1);
        }
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s && *s != ';' && *s != '\n')
            bad_script("extra characters after command", s);
    }
}

static bool addr_matches(const struct addr *a, const char *line, unsigned long lineno, bool last)
{
    switch (a->kind) {
    case ADDR_LINE:
        return lineno == a->line;
    case ADDR_LAST:
        return last;
    case ADDR_RE:
        return regexec(&a->re, line, 0, NULL, 0) == 0;
    default:
        return true;
    }
}

static bool selects(struct cmd *c, const char *line, unsigned long lineno, bool last)
{
    bool hit;
    if (c->a1.kind == ADDR_NONE) {
        hit = true;
    } else if (c->a2.kind == ADDR_NONE) {
        hit = addr_matches(&c->a1, line, lineno, last);
    } else if (c->in_range) {
        hit = true;
        /* A line-number end at or before the current line closes at once. */
        if (c->a2.kind == ADDR_LINE ? lineno >= c->a2.line
                                    : addr_matches(&c->a2, line, lineno, last))
            c->in_range = false;
    } else if (addr_matches(&c->a1, line, lineno, last)) {
        hit = true;
        c->in_range = !(c->a2.kind == ADDR_LINE && c->a2.line <= lineno);
    } else {
        hit = false;
    }
    return hit != c->negate;
}

/* Appends N bytes of S to the growing string *out. */
static void append(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *out = util_realloc(*out, *cap);
    }
    memcpy(*out + *len, s, n);
    *len += n;
    (*out)[*len] = '\0';
}

/* Runs an s command on *line; returns whether it replaced anything. */
static bool substitute(struct cmd *c, char **line)
{
    char *out = NULL;
    size_t len = 0, cap = 0;
    append(&out, &len, &cap, "", 0);
    const char *p = *line;
    unsigned long nmatch = 0;
    bool replaced = false, after_match = false;
    regmatch_t m[10];
    int eflags = 0;
    for (;;) {
        if (regexec(&c->re, p, 10, m, eflags) != 0)
            break;
        eflags = REG_NOTBOL;
        if (m[0].rm_so == 0 && m[0].rm_eo == 0 && after_match) {
            /* An empty match right after a match does not count (GNU, POSIX). */
            if (!*p)
                break;
            append(&out, &len, &cap, p++, 1);
            after_match = false;
            continue;
        }
        nmatch++;
        bool take = c->nth ? nmatch == c->nth : true;
        append(&out, &len, &cap, p, (size_t)m[0].rm_so);
        if (take) {
            replaced = true;
            for (const char *r = c->repl; *r; r++) {
                if (*r == '&') {
                    append(&out, &len, &cap, p + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
                } else if (*r == '\\' && r[1] >= '0' && r[1] <= '9') {
                    int g = *++r - '0';
                    if (m[g].rm_so >= 0)
                        append(&out, &len, &cap, p + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
                } else if (*r == '\\' && r[1]) {
                    r++;
                    append(&out, &len, &cap, r, 1);
                } else {
                    append(&out, &len, &cap, r, 1);
                }
            }
        } else {
            append(&out, &len, &cap, p + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
        }
        bool empty = m[0].rm_so == m[0].rm_eo;
        p += m[0].rm_eo;
        after_match = !empty;
        if (!c->global && (!c->nth || take))
            break;
        if (empty) {
            /* Copy one character so the scan moves on. */
            if (!*p)
                break;
            append(&out, &len, &cap, p++, 1);
        }
    }
    append(&out, &len, &cap, p, strlen(p));
    if (!replaced) {
        free(out);
        return false;
    }
    free(*line);
    *line = out;
    return true;
}

/* Runs the script on one line; returns false when sed should quit. */
static bool run_line(char **line, unsigned long lineno, bool last)
{
    for (int i = 0; i < num_cmds; i++) {
        struct cmd *c = &cmds[i];
        if (!selects(c, *line, lineno, last))
            continue;
        switch (c->op) {
        case 'd':
            return true;
        case 'p':
            puts(*line);
            break;
        case '=':
            printf("%lu\n", lineno);
            break;
        case 'q':
            if (!opt_quiet)
                puts(*line);
            return false;
        case 's':
            if (substitute(c, line) && c->print)
                puts(*line);
            break;
        }
    }
    if (!opt_quiet)
        puts(*line);
    return true;
}

int sed_main(int argc, char **argv)
{
    bool have_script = false;
    int c;
    while ((c = getopt(argc, argv, "ne:")) != -1) {
        if (c == 'n') {
            opt_quiet = true;
        } else if (c == 'e') {
            parse_script(optarg);
            have_script = true;
        } else {
            return util_usage();
        }
    }
    if (!have_script) {
        if (optind >= argc)
            return util_usage();
        parse_script(argv[optind++]);
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int n = optind < argc ? argc - optind : 1, status = 0;
    /* One line of look-ahead tells whether a line is the last ($). */
    char *cur = NULL, *buf = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    int fi = 0;
    FILE *f = NULL;
    for (;;) {
        long len = -1;
        while (fi < n) {
            if (!f && !(f = util_open(files[fi]))) {
                status = 1;
                fi++;
                continue;
            }
            if ((len = util_getline(&buf, &cap, f)) >= 0)
                break;
            util_close(f);
            f = NULL;
            fi++;
        }
        if (len >= 0 && len > 0 && buf[len - 1] == '\n')
            buf[len - 1] = '\0';
        if (cur) {
            lineno++;
            if (!run_line(&cur, lineno, len < 0)) {
                free(cur);
                cur = NULL;
                break;
            }
            free(cur);
            cur = NULL;
        }
        if (len < 0)
            break;
        cur = util_strdup(buf);
    }
    if (f)
        util_close(f);
    free(cur);
    free(buf);
    return status;
}
