/*
 * main.c - the shell's entry point: options, scripts, -c, stdin, and the
 * interactive loop.
 *
 *   sh [-ex] -c 'commands' [name [args...]]
 *   sh [-ex] script [args...]
 *   sh [-ex] [-s] [args...]      (commands from standard input)
 *
 * A script or a non-terminal stdin is read whole, then parsed and run one
 * complete command at a time. On a terminal, lines come from the line
 * editor (edit.c) and a command that is not complete yet asks for more
 * with PS2.
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        out_str(2, "sh: out of memory\n");
        _exit(2);
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        out_str(2, "sh: out of memory\n");
        _exit(2);
    }
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void sh_error(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    out_fmt(2, "sh: %s\n", buf);
}

void sh_exit(int status)
{
    trap_run_exit(status);
    if (sh.in_child)
        _exit(status);
    exit(status);
}

static void usage(int fd)
{
    out_str(fd, "usage: sh [-ex] [-c command [name [arg...]] | script [arg...] | -s [arg...]]\n"
                "Basalt's shell: POSIX-style pipelines, redirections, here-documents,\n"
                "variables, $(...), globbing, if/while/for/case, functions, & and wait.\n"
                "With no script it reads commands from standard input (interactively,\n"
                "with line editing and history, on a terminal).\n");
}

char *read_all(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += r;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int run_text(const char *src, size_t len)
{
    struct lexer lx;
    lex_init(&lx, src, len);
    for (;;) {
        struct node *n;
        int r = parse_next(&lx, &n);
        if (r == -2) {
            sh_error("syntax error: unexpected end of file");
            return 2;
        }
        if (r < 0)
            return 2;
        if (!n && lex_peek(&lx, NULL) == T_EOF)
            break;
        exec_node(n, false);
        node_free(n);
        jobs_reap(false);
    }
    return sh.status;
}

static void interactive_loop(void)
{
    size_t cap = 256, n = 0;
    char *buf = xmalloc(cap);
    buf[0] = 0;
    for (;;) {
        jobs_reap(true);
        const char *ps = n ? var_get("PS2") : var_get("PS1");
        char *line = edit_readline(ps ? ps : (n ? "> " : "$ "));
        if (!line) {
            if (n == 0)
                break;
            out_str(2, "\n");
            n = 0;
            buf[0] = 0;
            continue;
        }
        size_t l = strlen(line);
        while (n + l + 2 > cap)
            buf = xrealloc(buf, cap *= 2);
        memcpy(buf + n, line, l);
        n += l;
        buf[n++] = '\n';
        buf[n] = 0;
        free(line);
        struct lexer lx;
        lex_init(&lx, buf, n);
        struct node *nodes[256];
        int count = 0, r = 0;
        for (;;) {
            struct node *nd;
            r = parse_next(&lx, &nd);
            if (r < 0 || (!nd && lex_peek(&lx, NULL) == T_EOF) || count == 256)
                break;
            nodes[count++] = nd;
        }
        if (r == 0) {
            for (int i = 0; i < count; i++)
                exec_node(nodes[i], false);
        } else if (r != -2) {
            sh.status = 2;
        }
        for (int i = 0; i < count; i++)
            node_free(nodes[i]);
        if (r == -2)
            continue; /* read another line; the text is parsed again */
        n = 0;
        buf[0] = 0;
    }
}

extern char **environ;

int main(int argc, char **argv)
{
    sh.pid = getpid();
    var_import(environ);
    var_set("IFS", " \t\n", false);
    {
        /* PPID: the parent's process ID when the shell started (POSIX). */
        char ppid[24];
        snprintf(ppid, sizeof(ppid), "%d", (int)getppid());
        var_set("PPID", ppid, false);
    }
    if (!var_get("PATH"))
        var_set("PATH", "/bin:/usr/bin:/boot", false);
    {
        char cwd[4096];
        if (getcwd(cwd, sizeof(cwd)))
            var_set("PWD", cwd, true);
    }
    arg0 = argv[0] ? argv[0] : "sh";
    int i = 1;
    const char *cmd = NULL;
    bool from_stdin = false;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(1);
            return 0;
        }
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'c')
                cmd = "";
            else if (*c == 'e')
                sh.errexit = true;
            else if (*c == 'x')
                sh.xtrace = true;
            else if (*c == 's')
                from_stdin = true;
            else if (*c == 'i')
                sh.interactive = true;
            else {
                sh_error("-%c: unknown option", *c);
                usage(2);
                return 2;
            }
        }
    }
    trap_init();
    if (cmd) {
        if (i >= argc) {
            sh_error("-c requires an argument");
            return 2;
        }
        cmd = argv[i++];
        if (i < argc)
            arg0 = argv[i++];
        pos_argv = argv + i;
        pos_argc = argc - i;
        sh_exit(run_text(cmd, strlen(cmd)) & 255); /* the EXIT trap, then exit */
    }
    if (i < argc && !from_stdin) {
        const char *script = argv[i];
        int fd = open(script, O_RDONLY);
        if (fd < 0) {
            sh_error("cannot open %s: %s", script, strerror(errno));
            return 127;
        }
        size_t len;
        char *text = read_all(fd, &len);
        close(fd);
        arg0 = argv[i++];
        pos_argv = argv + i;
        pos_argc = argc - i;
        sh_exit(run_text(text, len) & 255);
    }
    pos_argv = argv + i;
    pos_argc = argc - i;
    if (isatty(0) && isatty(2))
        sh.interactive = true;
    if (sh.interactive) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        if (isatty(0))
            jobs_init();
        interactive_loop();
        sh_exit(sh.status & 255);
    }
    size_t len;
    char *text = read_all(0, &len);
    sh_exit(run_text(text, len) & 255);
    return 0;
}
