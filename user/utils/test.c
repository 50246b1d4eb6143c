/*
 * test.c - test EXPRESSION, [ EXPRESSION ]: evaluates a condition; status
 * 0 true, 1 false, 2 a bad expression.
 *
 * Grammar (POSIX, with the usual -a/-o extensions), by recursive descent:
 *   expr := and ( -o and )*     and := not ( -a not )*
 *   not  := ! not | primary     primary := ( expr ) | unary | binary | STRING
 * Unary: -e -f -d -r -w -x -s -L -h -p -c -b -S -z -n. Binary: = == !=
 * -eq -ne -lt -le -gt -ge, -nt -ot. With up to four arguments the POSIX
 * rules by argument count decide (so "test -n" and "test = =" work).
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char **args;
static int pos, count;

static _Noreturn void syntax(const char *why)
{
    util_die(2, "%s", why);
}

static const char *peek(void)
{
    return pos < count ? args[pos] : NULL;
}

static long long number(const char *s)
{
    char *end;
    errno = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    long long v = strtoll(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || errno)
        util_die(2, "%s: integer expected", s);
    return v;
}

static bool is_binary(const char *op)
{
    static const char *ops[] = {"=",   "==",  "!=",  "-eq", "-ne", "-lt",
                                "-le", "-gt", "-ge", "-nt", "-ot", "-ef"};
    for (size_t i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strcmp(op, ops[i]) == 0)
            return true;
    }
    return false;
}

static bool is_unary(const char *op)
{
    return op && op[0] == '-' && op[1] && !op[2] && strchr("efdrwxsLhpcbSzntgukO", op[1]);
}

static bool binary(const char *a, const char *op, const char *b)
{
    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
        return strcmp(a, b) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(a, b) != 0;
    if ((op[1] == 'n' && op[2] == 't') || op[1] == 'o' || (op[1] == 'e' && op[2] == 'f')) {
        struct stat sa, sb;
        bool ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
        if (op[1] == 'e')
            return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
        if (op[1] == 'n')
            return ha && (!hb || sa.st_mtime > sb.st_mtime);
        return hb && (!ha || sa.st_mtime < sb.st_mtime);
    }
    long long x = number(a), y = number(b);
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

static bool unary(char op, const char *s)
{
    struct stat st;
    switch (op) {
    case 'z':
        return s[0] == '\0';
    case 'n':
        return s[0] != '\0';
    case 't':
        return isatty((int)number(s));
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
    }
    return false;
}

static bool expr(void);

static bool primary(void)
{
    const char *a = peek();
    if (!a)
        syntax("argument expected");
    if (strcmp(a, "(") == 0) {
        pos++;
        bool v = expr();
        if (!peek() || strcmp(peek(), ")") != 0)
            syntax("')' expected");
        pos++;
        return v;
    }
    if (pos + 2 < count && is_binary(args[pos + 1])) {
        pos += 3;
        return binary(args[pos - 3], args[pos - 2], args[pos - 1]);
    }
    if (is_unary(a) && pos + 1 < count) {
        pos += 2;
        return unary(a[1], args[pos - 1]);
    }
    pos++;
    return a[0] != '\0';
}

static bool negation(void)
{
    if (peek() && strcmp(peek(), "!") == 0 && pos + 1 < count) {
        pos++;
        return !negation();
    }
    return primary();
}

static bool conjunction(void)
{
    bool v = negation();
    while (peek() && strcmp(peek(), "-a") == 0) {
        pos++;
        bool w = negation();
        v = v && w;
    }
    return v;
}

static bool expr(void)
{
    bool v = conjunction();
    while (peek() && strcmp(peek(), "-o") == 0) {
        pos++;
        bool w = conjunction();
        v = v || w;
    }
    return v;
}

int test_main(int argc, char **argv)
{
    if (strcmp(util_name, "[") == 0 || strcmp(argv[0], "[") == 0) {
        if (argc < 2 || strcmp(argv[argc - 1], "]") != 0)
            util_die(2, "missing ']'");
        argc--;
    }
    args = argv + 1;
    count = argc - 1;
    pos = 0;
    if (count == 0)
        return 1;
    /* POSIX: decided by the number of arguments first. */
    if (count == 1)
        return args[0][0] ? 0 : 1;
    if (count == 2 && strcmp(args[0], "!") == 0)
        return args[1][0] ? 1 : 0;
    if (count == 3 && is_binary(args[1]))
        return binary(args[0], args[1], args[2]) ? 0 : 1;
    bool v = expr();
    if (pos != count)
        syntax("unexpected argument");
    return v ? 0 : 1;
}
