/*
 * test_eval.c - test EXPRESSION and [ EXPRESSION ]: the evaluator that the
 * test utility and the shell's builtin share (test_eval.h).
 *
 * POSIX decides expressions of up to four arguments by their count (so
 * "test -n", "test = =", "test ! -n ''" and "test ( -n x )" mean what POSIX
 * says); longer ones, and the cases POSIX leaves open, go to a recursive
 * descent parser with the usual -a/-o extensions:
 *   expr := and ( -o and )*     and := not ( -a not )*
 *   not  := ! not | primary     primary := ( expr ) | unary | binary | STRING
 * Unary: -e -f -d -r -w -x -s -L -h -p -c -b -S -g -u -k -O -G -t -z -n.
 * Binary: = == != < > (byte order), -eq -ne -lt -le -gt -ge (integers,
 * blanks around them allowed), -nt -ot (modification time; a file that
 * exists is newer than one that does not), -ef (same device and inode).
 *
 * All state lives in a struct test_ctx on test_eval's stack. A bad
 * expression does not unwind: the first error is reported and remembered,
 * the parser still returns through every level (each loop eats a token, so
 * it ends), and test_eval returns 2.
 */
#include "test_eval.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct test_ctx {
    char **args;      /* the operands, without the name and "]" */
    int pos, count;   /* next argument; number of arguments */
    bool failed;      /* an error has been reported */
    const char *name; /* "test" or "[" */
    test_err_fn *err;
};

static void fail(struct test_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct test_ctx *c, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->err(c->name, msg);
}

static const char *peek(const struct test_ctx *c)
{
    return c->pos < c->count ? c->args[c->pos] : NULL;
}

static bool is(const char *s, const char *word)
{
    return s && strcmp(s, word) == 0;
}

static long long number(struct test_ctx *c, const char *s)
{
    char *end;
    errno = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    long long v = strtoll(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || errno) {
        fail(c, "%s: integer expected", s);
        return 0;
    }
    return v;
}

static bool is_binary(const char *op)
{
    static const char *ops[] = {"=",   "==",  "!=",  "<",   ">",   "-eq", "-ne",
                                "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"};
    for (size_t i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strcmp(op, ops[i]) == 0)
            return true;
    }
    return false;
}

static bool is_unary(const char *op)
{
    return op && op[0] == '-' && op[1] && !op[2] && strchr("efdrwxsLhpcbSzntgukOG", op[1]);
}

/* A's modification time minus B's, as a sign. */
static int mtime_cmp(const struct stat *a, const struct stat *b)
{
    if (a->st_mtim.tv_sec != b->st_mtim.tv_sec)
        return a->st_mtim.tv_sec < b->st_mtim.tv_sec ? -1 : 1;
    if (a->st_mtim.tv_nsec != b->st_mtim.tv_nsec)
        return a->st_mtim.tv_nsec < b->st_mtim.tv_nsec ? -1 : 1;
    return 0;
}

static bool files(const char *a, const char *op, const char *b)
{
    struct stat sa, sb;
    bool ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
    if (strcmp(op, "-ef") == 0)
        return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (strcmp(op, "-nt") == 0)
        return ha && (!hb || mtime_cmp(&sa, &sb) > 0);
    return hb && (!ha || mtime_cmp(&sa, &sb) < 0);
}

static bool binary(struct test_ctx *c, const char *a, const char *op, const char *b)
{
    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
        return strcmp(a, b) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(a, b) != 0;
    if (strcmp(op, "<") == 0)
        return strcmp(a, b) < 0;
    if (strcmp(op, ">") == 0)
        return strcmp(a, b) > 0;
    if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0)
        return files(a, op, b);
    long long x = number(c, a), y = number(c, b);
    if (strcmp(op, "-eq") == 0)
        return x == y;
    if (strcmp(op, "-ne") == 0)
        return x != y;
    if (strcmp(op, "-lt") == 0)
        return x < y;
    if (strcmp(op, "-le") == 0)
        return x <= y;
    if (strcmp(op, "-gt") == 0)
        return x > y;
    return x >= y;
}

static bool unary(struct test_ctx *c, char op, const char *s)
{
    struct stat st;
    switch (op) {
    case 'z':
        return s[0] == '\0';
    case 'n':
        return s[0] != '\0';
    case 't': {
        long long fd = number(c, s);
        return !c->failed && fd >= 0 && fd <= 0x7fffffff && isatty((int)fd);
    }
    case 'r':
        return access(s, R_OK) == 0;
    case 'w':
        return access(s, W_OK) == 0;
    case 'x':
        return access(s, X_OK) == 0;
    case 'L':
    case 'h':
        return lstat(s, &st) == 0 && S_ISLNK(st.st_mode);
    }
    if (stat(s, &st) != 0)
        return false;
    switch (op) {
    case 'e':
        return true;
    case 'f':
        return S_ISREG(st.st_mode);
    case 'd':
        return S_ISDIR(st.st_mode);
    case 's':
        return st.st_size > 0;
    case 'p':
        return S_ISFIFO(st.st_mode);
    case 'c':
        return S_ISCHR(st.st_mode);
    case 'b':
        return S_ISBLK(st.st_mode);
    case 'S':
        return S_ISSOCK(st.st_mode);
    case 'g':
        return (st.st_mode & S_ISGID) != 0;
    case 'u':
        return (st.st_mode & S_ISUID) != 0;
    case 'k':
        return (st.st_mode & S_ISVTX) != 0;
    case 'O':
        return st.st_uid == geteuid();
    case 'G':
        return st.st_gid == getegid();
    }
    return false;
}

static bool expr(struct test_ctx *c);

static bool primary(struct test_ctx *c)
{
    const char *a = peek(c);
    if (!a) {
        fail(c, "argument expected");
        return false;
    }
    if (strcmp(a, "(") == 0) {
        c->pos++;
        bool v = expr(c);
        if (!is(peek(c), ")")) {
            fail(c, "')' expected");
            return false;
        }
        c->pos++;
        return v;
    }
    if (c->pos + 2 < c->count && is_binary(c->args[c->pos + 1])) {
        c->pos += 3;
        return binary(c, a, c->args[c->pos - 2], c->args[c->pos - 1]);
    }
    if (is_unary(a) && c->pos + 1 < c->count) {
        c->pos += 2;
        return unary(c, a[1], c->args[c->pos - 1]);
    }
    c->pos++;
    return a[0] != '\0';
}

static bool negation(struct test_ctx *c)
{
    if (is(peek(c), "!") && c->pos + 1 < c->count) {
        c->pos++;
        return !negation(c);
    }
    return primary(c);
}

static bool conjunction(struct test_ctx *c)
{
    bool v = negation(c);
    while (is(peek(c), "-a")) {
        c->pos++;
        bool w = negation(c);
        v = v && w;
    }
    return v;
}

static bool expr(struct test_ctx *c)
{
    bool v = conjunction(c);
    while (is(peek(c), "-o")) {
        c->pos++;
        bool w = conjunction(c);
        v = v || w;
    }
    return v;
}

/* POSIX's rules for the N (1 to 4) arguments from c->pos; the rest to expr. */
static bool by_count(struct test_ctx *c, int n)
{
    char **a = c->args + c->pos;
    switch (n) {
    case 1:
        c->pos++;
        return a[0][0] != '\0';
    case 2:
        if (is(a[0], "!")) {
            c->pos++;
            return !by_count(c, 1);
        }
        if (is_unary(a[0])) {
            c->pos += 2;
            return unary(c, a[0][1], a[1]);
        }
        break;
    case 3:
        if (is_binary(a[1])) {
            c->pos += 3;
            return binary(c, a[0], a[1], a[2]);
        }
        if (is(a[1], "-a") || is(a[1], "-o")) {
            c->pos += 3;
            return is(a[1], "-a") ? a[0][0] && a[2][0] : a[0][0] || a[2][0];
        }
        /* fall through */
    case 4:
        if (is(a[0], "!")) {
            c->pos++;
            return !by_count(c, n - 1);
        }
        if (is(a[0], "(") && is(a[n - 1], ")")) {
            c->pos++;
            bool v = by_count(c, n - 2);
            c->pos++;
            return v;
        }
        break;
    }
    return expr(c);
}

int test_eval(int argc, char **argv, test_err_fn *err)
{
    struct test_ctx c = {argv + 1, 0, argc - 1, false, argv[0], err};
    if (strcmp(argv[0], "[") == 0) {
        if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
            fail(&c, "missing ']'");
            return 2;
        }
        c.count--;
    }
    if (c.count == 0)
        return 1;
    bool v = c.count <= 4 ? by_count(&c, c.count) : expr(&c);
    if (!c.failed && c.pos != c.count)
        fail(&c, "%s: unexpected argument", c.args[c.pos]);
    return c.failed ? 2 : v ? 0 : 1;
}
