/*
 * builtins.c - commands the shell runs itself.
 *
 * Each builtin is int fn(argc, argv) and writes with write(2) (out_str,
 * out_fmt), never stdio buffers, so nothing is duplicated by a later fork.
 * The special builtins (POSIX 2.14: break, export, set, ...) keep the
 * assignments written before them; exec.c asks is_special_builtin().
 */
#include "../utils/test_eval.h"
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ssize_t sh_read(int fd, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

void out_str(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= w;
    }
}

void out_fmt(int fd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    out_str(fd, buf);
}

static int bi_true(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 0;
}

static int bi_false(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 1;
}

static int bi_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    bool print = false;
    if (!dir) {
        sh_error("cd: HOME not set");
        return 1;
    }
    if (!strcmp(dir, "-")) {
        dir = var_get("OLDPWD");
        if (!dir) {
            sh_error("cd: OLDPWD not set");
            return 1;
        }
        print = true;
    }
    char old[4096];
    if (!getcwd(old, sizeof(old)))
        old[0] = 0;
    if (chdir(dir) < 0) {
        sh_error("cd: can't cd to %s", dir);
        return 2;
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd))) {
        var_set("PWD", cwd, false);
        if (print)
            out_fmt(1, "%s\n", cwd);
    }
    var_set("OLDPWD", old, false);
    return 0;
}

static int bi_pwd(int argc, char **argv)
{
    (void)argc, (void)argv;
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd))) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    out_fmt(1, "%s\n", cwd);
    return 0;
}

static int num_arg(const char *what, const char *s, int *out)
{
    char *e;
    long v = strtol(s, &e, 10);
    if (!*s || *e || v < 0) {
        sh_error("%s: Illegal number: %s", what, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int bi_exit(int argc, char **argv)
{
    int s = sh.status;
    if (argc > 1 && num_arg("exit", argv[1], &s) < 0)
        s = 2;
    sh_exit(s & 255);
    return s;
}

static int bi_export(int argc, char **argv)
{
    bool unexport_print = argc == 1 || (argc == 2 && !strcmp(argv[1], "-p"));
    if (unexport_print) {
        var_print(true);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        char *name = eq ? xstrndup(argv[i], eq - argv[i]) : xstrdup(argv[i]);
        if (!is_name(name, strlen(name))) {
            sh_error("export: %s: bad variable name", name);
            free(name);
            return 2;
        }
        if (eq)
            var_set(name, eq + 1, true);
        else
            var_export(name);
        free(name);
    }
    return 0;
}

static int bi_unset(int argc, char **argv)
{
    bool funcs_only = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f")) {
            funcs_only = true;
            continue;
        }
        if (!strcmp(argv[i], "-v"))
            continue;
        if (funcs_only)
            func_define(argv[i], NULL);
        else
            var_unset(argv[i]);
    }
    return 0;
}

static int bi_set(int argc, char **argv)
{
    if (argc == 1) {
        var_print(false);
        return 0;
    }
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if ((a[0] != '-' && a[0] != '+') || !a[1])
            break;
        bool on = a[0] == '-';
        for (const char *c = a + 1; *c; c++) {
            if (*c == 'e')
                sh.errexit = on;
            else if (*c == 'x')
                sh.xtrace = on;
            else if (*c == 'f' || *c == 'u' || *c == 'm' || *c == 'C' || *c == 'v' || *c == 'o')
                ; /* accepted, not implemented */
            else {
                sh_error("set: Illegal option %c%c", a[0], *c);
                return 2;
            }
        }
    }
    if (i < argc || (i > 1 && !strcmp(argv[i - 1], "--"))) {
        int n = argc - i;
        char **v = xmalloc(sizeof(char *) * (n + 1));
        for (int k = 0; k < n; k++)
            v[k] = xstrdup(argv[i + k]);
        v[n] = NULL;
        pos_argv = v;
        pos_argc = n;
    }
    return 0;
}

static int bi_shift(int argc, char **argv)
{
    int n = 1;
    if (argc > 1 && num_arg("shift", argv[1], &n) < 0)
        return 2;
    if (n > pos_argc) {
        sh_error("shift: can't shift that many");
        return 2;
    }
    pos_argc -= n;
    pos_argv += n;
    return 0;
}

static int bi_return(int argc, char **argv)
{
    int s = sh.status;
    if (argc > 1 && num_arg("return", argv[1], &s) < 0)
        s = 2;
    sh.returning = true;
    return sh.status = s & 255;
}

static int loop_ctl(int argc, char **argv, int *counter)
{
    int n = 1;
    if (argc > 1 && (num_arg(argv[0], argv[1], &n) < 0 || n == 0)) {
        if (n == 0)
            sh_error("%s: Illegal number: %s", argv[0], argv[1]);
        return 2;
    }
    if (sh.loop_depth == 0)
        return 0;
    *counter = n > sh.loop_depth ? sh.loop_depth : n;
    return 0;
}

static int bi_break(int argc, char **argv)
{
    return loop_ctl(argc, argv, &sh.breaking);
}

static int bi_continue(int argc, char **argv)
{
    return loop_ctl(argc, argv, &sh.continuing);
}

static int bi_local(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        char *name = eq ? xstrndup(argv[i], eq - argv[i]) : xstrdup(argv[i]);
        if (local_declare(name)) {
            free(name);
            return 2;
        }
        if (eq)
            var_set(name, eq + 1, false);
        free(name);
    }
    return 0;
}

/* read [-r] name...: one line, split on IFS; the last name takes the rest. */
static int bi_read(int argc, char **argv)
{
    bool raw = false;
    int i = 1;
    if (i < argc && !strcmp(argv[i], "-r")) {
        raw = true;
        i++;
    }
    size_t cap = 128, n = 0;
    char *line = xmalloc(cap);
    char *lit = xmalloc(cap); /* 1: escaped by a backslash, never a separator */
    bool eof = true;
    char c;
    for (;;) {
        if (sh_read(0, &c, 1) <= 0) /* a trapped signal's action runs after the read */
            break;
        eof = false;
        if (c == '\n')
            break;
        bool esc = false;
        if (c == '\\' && !raw) {
            if (sh_read(0, &c, 1) <= 0)
                break;
            if (c == '\n')
                continue;
            esc = true;
        }
        if (n + 2 > cap) {
            line = xrealloc(line, cap *= 2);
            lit = xrealloc(lit, cap);
        }
        lit[n] = esc;
        line[n++] = c;
        eof = false;
    }
    if (c != '\n' && !eof)
        eof = true; /* a last line without newline: assigned, status 1 */
    line[n] = 0;
    const char *ifs = var_get("IFS");
    if (!ifs)
        ifs = " \t\n";
    size_t p = 0;
    for (; i < argc; i++) {
        while (p < n && !lit[p] && strchr(ifs, line[p]) && strchr(" \t\n", line[p]))
            p++;
        size_t start = p;
        char *val;
        if (i == argc - 1) {
            size_t end = n;
            while (end > start && !lit[end - 1] && strchr(ifs, line[end - 1]) &&
                   strchr(" \t\n", line[end - 1]))
                end--;
            val = xstrndup(line + start, end - start);
            p = n;
        } else {
            while (p < n && (lit[p] || !strchr(ifs, line[p])))
                p++;
            val = xstrndup(line + start, p - start);
            if (p < n)
                p++;
        }
        var_set(argv[i], val, false);
        free(val);
    }
    free(line);
    free(lit);
    return eof ? 1 : 0;
}

static int bi_wait(int argc, char **argv)
{
    /* A trapped signal ends the wait at once: 128 + it (jobs.c), then its action runs. */
    sh.wait_trap = true;
    sh.wait_sig = 0;
    int s = 0;
    if (argc == 1)
        wait_all();
    for (int i = 1; i < argc && !sh.wait_sig; i++) {
        int pid;
        if (num_arg("wait", argv[i], &pid) < 0) {
            s = 2;
            break;
        }
        s = wait_pid(pid);
    }
    if (sh.wait_sig)
        s = 128 + sh.wait_sig;
    sh.wait_trap = false;
    return s;
}

static int bi_eval(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *code = xmalloc(len);
    code[0] = 0;
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strcat(code, " ");
        strcat(code, argv[i]);
    }
    sh.status = 0;
    return exec_string(code, "eval");
}

static int bi_source(int argc, char **argv)
{
    if (argc < 2) {
        sh_error("%s: filename argument required", argv[0]);
        return 2;
    }
    char *path = strchr(argv[1], '/') ? xstrdup(argv[1]) : find_in_path(argv[1]);
    int fd = path ? open(path, O_RDONLY) : -1;
    if (fd < 0) {
        sh_error("%s: can't open %s", argv[0], argv[1]);
        if (!sh.interactive)
            sh_exit(2);
        return 2;
    }
    size_t n;
    char *buf = read_all(fd, &n);
    close(fd);
    int s = exec_string(buf, argv[1]);
    if (sh.returning)
        sh.returning = sh.func_depth > 0 && false;
    return s;
}

static int bi_exec(int argc, char **argv)
{
    if (argc < 2)
        return 0; /* redirections stay: exec.c does not undo them for exec */
    char *path = find_in_path(argv[1]);
    if (!path) {
        sh_error("%s: not found", argv[1]);
        sh_exit(127);
    }
    execve(path, argv + 1, var_environ());
    sh_error("%s: %s", argv[1], strerror(errno));
    sh_exit(126);
    return 126;
}

static int bi_echo(int argc, char **argv)
{
    int i = 1;
    bool nl = true;
    if (i < argc && !strcmp(argv[i], "-n")) {
        nl = false;
        i++;
    }
    size_t cap = 256, n = 0;
    char *buf = xmalloc(cap);
    for (; i < argc; i++) {
        for (const char *s = argv[i];; s++) {
            if (n + 8 > cap)
                buf = xrealloc(buf, cap *= 2);
            if (!*s)
                break;
            if (*s == '\\' && s[1]) {
                s++;
                switch (*s) {
                case 'n':
                    buf[n++] = '\n';
                    break;
                case 't':
                    buf[n++] = '\t';
                    break;
                case '\\':
                    buf[n++] = '\\';
                    break;
                case 'c':
                    nl = false;
                    i = argc;
                    goto done;
                case '0': {
                    int v = 0;
                    for (int k = 0; k < 3 && s[1] >= '0' && s[1] <= '7'; k++)
                        v = v * 8 + (*++s - '0');
                    buf[n++] = (char)v;
                    break;
                }
                default:
                    buf[n++] = '\\';
                    buf[n++] = *s;
                }
                continue;
            }
            buf[n++] = *s;
        }
        if (i + 1 < argc)
            buf[n++] = ' ';
    }
done:
    if (nl)
        buf[n++] = '\n';
    int r = write(1, buf, n) == (ssize_t)n ? 0 : 1;
    free(buf);
    return r;
}

/* printf FORMAT [ARG...]: %s %d %i %u %x %X %o %c %%, widths, escapes. */
static int bi_printf(int argc, char **argv)
{
    if (argc < 2) {
        sh_error("printf: usage: printf format [arg ...]");
        return 2;
    }
    const char *fmt = argv[1];
    int ai = 2, status = 0;
    size_t cap = 256, n = 0;
    char *out = xmalloc(cap);
#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (n + 2 > cap)                                                                           \
            out = xrealloc(out, cap *= 2);                                                         \
        out[n++] = (c);                                                                            \
    } while (0)
    do {
        for (const char *f = fmt; *f; f++) {
            if (*f == '\\' && f[1]) {
                f++;
                char c = *f == 'n'    ? '\n'
                         : *f == 't'  ? '\t'
                         : *f == '\\' ? '\\'
                         : *f == 'r'  ? '\r'
                                      : 0;
                if (*f >= '0' && *f <= '7') {
                    int v = 0;
                    for (int k = 0; k < 3 && *f >= '0' && *f <= '7'; k++, f++)
                        v = v * 8 + (*f - '0');
                    f--;
                    c = (char)v;
                    PUT(c);
                } else if (c) {
                    PUT(c);
                } else {
                    PUT('\\');
                    PUT(*f);
                }
                continue;
            }
            if (*f != '%') {
                PUT(*f);
                continue;
            }
            if (f[1] == '%') {
                PUT('%');
                f++;
                continue;
            }
            char spec[32];
            size_t sl = 0;
            spec[sl++] = '%';
            f++;
            while (*f && strchr("-+ #0123456789.", *f) && sl < 20)
                spec[sl++] = *f++;
            char conv = *f;
            if (!conv)
                break;
            const char *arg = ai < argc ? argv[ai++] : NULL;
            char tmp[4096];
            if (conv == 's' || conv == 'b') {
                spec[sl++] = 's';
                spec[sl] = 0;
                snprintf(tmp, sizeof(tmp), spec, arg ? arg : "");
            } else if (conv == 'c') {
                spec[sl++] = 'c';
                spec[sl] = 0;
                snprintf(tmp, sizeof(tmp), spec, arg && *arg ? *arg : 0);
            } else if (strchr("diouxX", conv)) {
                char *e = NULL;
                long v = arg ? strtol(arg, &e, 0) : 0;
                if (arg && (*e || !*arg)) {
                    sh_error("printf: %s: expected numeric value", arg);
                    status = 1;
                }
                spec[sl++] = 'l';
                spec[sl++] = conv;
                spec[sl] = 0;
                snprintf(tmp, sizeof(tmp), spec, v);
            } else {
                sh_error("printf: %%%c: invalid directive", conv);
                free(out);
                return 1;
            }
            for (char *t = tmp; *t; t++)
                PUT(*t);
        }
    } while (ai < argc && ai > 2);
#undef PUT
    if (write(1, out, n) < 0)
        status = 1;
    free(out);
    return status;
}

/* ---- test / [ ------------------------------------------------------------------- */

/* The evaluator is the test utility's (user/utils/test_eval.c). */
static void test_report(const char *name, const char *msg)
{
    sh_error("%s: %s", name, msg);
}

static int bi_test(int argc, char **argv)
{
    return test_eval(argc, argv, test_report);
}

/* command -v NAME / type NAME */
static int bi_command_v(int argc, char **argv)
{
    bool type = !strcmp(argv[0], "type");
    int i = 1;
    if (!type) {
        if (i < argc && !strcmp(argv[i], "-v"))
            i++;
        else if (i < argc) {
            /* command NAME ARGS: run it, skipping functions */
            bool found;
            int s = run_builtin_by_name(argv[i], argc - i, argv + i, &found);
            if (found)
                return s;
            char *path = find_in_path(argv[i]);
            (void)path;
            return 127;
        }
    }
    int s = 0;
    for (; i < argc; i++) {
        const char *n = argv[i];
        char *p;
        if (func_lookup(n))
            out_fmt(1, type ? "%s is a shell function\n" : "%s\n", n);
        else if (builtin_lookup(n))
            out_fmt(1, type ? "%s is a shell builtin\n" : "%s\n", n);
        else if ((p = find_in_path(n)) && access(p, X_OK) == 0) {
            if (type)
                out_fmt(1, "%s is %s\n", n, p);
            else
                out_fmt(1, "%s\n", p);
            free(p);
        } else {
            if (type)
                out_fmt(1, "%s: not found\n", n);
            s = 127;
        }
    }
    return s;
}

static int bi_umask(int argc, char **argv)
{
    if (argc < 2) {
        mode_t m = umask(0);
        umask(m);
        out_fmt(1, "%04o\n", (unsigned)m);
        return 0;
    }
    umask((mode_t)strtol(argv[1], NULL, 8));
    return 0;
}

static const struct {
    const char *name;
    builtin_fn fn;
    bool special;
} builtins[] = {
    {":", bi_true, true},
    {".", bi_source, true},
    {"[", bi_test, false},
    {"break", bi_break, true},
    {"cd", bi_cd, false},
    {"command", bi_command_v, false},
    {"continue", bi_continue, true},
    {"echo", bi_echo, false},
    {"eval", bi_eval, true},
    {"exec", bi_exec, true},
    {"exit", bi_exit, true},
    {"export", bi_export, true},
    {"false", bi_false, false},
    {"fg", bi_fg, false},
    {"bg", bi_bg, false},
    {"jobs", bi_jobs, false},
    {"local", bi_local, false},
    {"printf", bi_printf, false},
    {"pwd", bi_pwd, false},
    {"read", bi_read, false},
    {"return", bi_return, true},
    {"set", bi_set, true},
    {"shift", bi_shift, true},
    {"source", bi_source, true},
    {"test", bi_test, false},
    {"trap", bi_trap, true},
    {"true", bi_true, false},
    {"type", bi_command_v, false},
    {"umask", bi_umask, false},
    {"unset", bi_unset, true},
    {"wait", bi_wait, false},
};

builtin_fn builtin_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (!strcmp(builtins[i].name, name))
            return builtins[i].fn;
    return NULL;
}

bool is_special_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (!strcmp(builtins[i].name, name))
            return builtins[i].special;
    return false;
}

int run_builtin_by_name(const char *name, int argc, char **argv, bool *found)
{
    builtin_fn f = builtin_lookup(name);
    *found = f != NULL;
    return f ? f(argc, argv) : 0;
}
