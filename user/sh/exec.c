/*
 * exec.c - runs the AST.
 *
 * exec_node() returns the exit status and leaves it in sh.status. A simple
 * command is looked up as a function, then a builtin, then a program on
 * PATH. Redirections on builtins, functions and compound commands are
 * undone afterwards (the original descriptors are saved at fd >= 10,
 * close-on-exec). A pipeline forks every part; `is_last` lets a child that
 * has nothing left to do exec the program directly instead of forking again.
 * break/continue/return travel up as counters and flags in struct shell.
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct shell sh;

/* ---- functions ------------------------------------------------------------- */

struct func {
    char *name;
    struct node *body;
    struct func *next;
};
static struct func *funcs;

struct node *func_lookup(const char *name)
{
    for (struct func *f = funcs; f; f = f->next)
        if (!strcmp(f->name, name))
            return f->body;
    return NULL;
}

void func_define(const char *name, struct node *body)
{
    for (struct func *f = funcs; f; f = f->next) {
        if (!strcmp(f->name, name)) {
            /* The old body may be running (a function redefining itself):
             * keep it rather than free it under its own feet. */
            if (sh.func_depth == 0)
                node_free(f->body);
            f->body = node_copy(body);
            return;
        }
    }
    struct func *f = xmalloc(sizeof(*f));
    f->name = xstrdup(name);
    f->body = node_copy(body);
    f->next = funcs;
    funcs = f;
}

/* ---- redirections ---------------------------------------------------------- */

struct saved_fd {
    int fd, copy; /* copy -1: fd was closed before */
};

struct undo {
    struct saved_fd v[16];
    int n;
};

static void save_fd(struct undo *u, int fd)
{
    if (!u || u->n == 16)
        return;
    for (int i = 0; i < u->n; i++)
        if (u->v[i].fd == fd)
            return;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    u->v[u->n].fd = fd;
    u->v[u->n].copy = copy;
    u->n++;
}

static void undo_redirs(struct undo *u)
{
    for (int i = u->n - 1; i >= 0; i--) {
        if (u->v[i].copy >= 0) {
            dup2(u->v[i].copy, u->v[i].fd);
            close(u->v[i].copy);
        } else {
            close(u->v[i].fd);
        }
    }
    u->n = 0;
}

static int heredoc_fd(struct redir *r)
{
    char *text = r->quoted ? xstrdup(r->body) : expand_heredoc(r->body);
    int fds[2];
    if (pipe(fds) < 0) {
        free(text);
        return -1;
    }
    size_t len = strlen(text);
    if (len <= 4096) {
        if (write(fds[1], text, len) < 0) {
            /* a full pipe cannot happen below PIPE_BUF */
        }
    } else {
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            size_t off = 0;
            while (off < len) {
                ssize_t w = write(fds[1], text + off, len - off);
                if (w <= 0)
                    break;
                off += w;
            }
            _exit(0);
        }
    }
    close(fds[1]);
    free(text);
    return fds[0];
}

static int apply_redirs(struct redir *r, struct undo *u)
{
    for (; r; r = r->next) {
        int fd = -1;
        if (r->type == R_HEREDOC) {
            fd = heredoc_fd(r);
        } else {
            char *w = expand_one(r->word);
            if (expand_error) {
                free(w);
                return 1;
            }
            if (r->type == R_DUPIN || r->type == R_DUPOUT) {
                if (!strcmp(w, "-")) {
                    save_fd(u, r->fd);
                    close(r->fd);
                    free(w);
                    continue;
                }
                char *e;
                long src = strtol(w, &e, 10);
                if (!*w || *e || fcntl((int)src, F_GETFD) < 0) {
                    sh_error("%s: Bad file descriptor", w);
                    free(w);
                    return 1;
                }
                free(w);
                if (src == r->fd)
                    continue;
                save_fd(u, r->fd);
                dup2((int)src, r->fd);
                continue;
            }
            int flags = r->type == R_IN       ? O_RDONLY
                        : r->type == R_RDWR   ? O_RDWR | O_CREAT
                        : r->type == R_APPEND ? O_WRONLY | O_CREAT | O_APPEND
                                              : O_WRONLY | O_CREAT | O_TRUNC;
            fd = open(w, flags, 0666);
            if (fd < 0) {
                sh_error("cannot %s %s: %s", r->type == R_IN ? "open" : "create", w,
                         strerror(errno));
                free(w);
                return 1;
            }
            free(w);
        }
        if (fd < 0) {
            sh_error("redirection failed");
            return 1;
        }
        if (fd != r->fd) {
            save_fd(u, r->fd);
            dup2(fd, r->fd);
            close(fd);
        }
    }
    return 0;
}

/* ---- running programs --------------------------------------------------------- */

char *find_in_path(const char *name)
{
    if (strchr(name, '/'))
        return xstrdup(name);
    const char *path = var_get("PATH");
    if (!path)
        path = "/bin:/usr/bin:/boot";
    size_t nl = strlen(name);
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        size_t dl = colon ? (size_t)(colon - p) : strlen(p);
        char *full = xmalloc(dl + nl + 2);
        if (dl == 0)
            snprintf(full, nl + 3, "./%s", name);
        else
            snprintf(full, dl + nl + 2, "%.*s/%s", (int)dl, p, name);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
            return full;
        free(full);
        if (!colon)
            break;
        p = colon + 1;
    }
    return NULL;
}

/* In a child: runs the program or exits with 126/127. */
static void exec_program(char **argv)
{
    char *path = find_in_path(argv[0]);
    if (!path) {
        sh_error("%s: not found", argv[0]);
        _exit(127);
    }
    char **env = var_environ();
    execve(path, argv, env);
    int e = errno;
    if (e == ENOEXEC) {
        /* a script without #!: run it with this shell */
        int n = 0;
        while (argv[n])
            n++;
        char **nargv = xmalloc(sizeof(char *) * (n + 2));
        nargv[0] = "sh";
        nargv[1] = path;
        for (int i = 1; i <= n; i++)
            nargv[i + 1] = argv[i];
        char *self = find_in_path("sh");
        execve("/proc/self/exe", nargv, env);
        if (self)
            execve(self, nargv, env);
    }
    if (e == ENOENT) {
        sh_error("%s: not found", argv[0]);
        _exit(127);
    }
    sh_error("%s: %s", argv[0], e == EACCES ? "Permission denied" : strerror(e));
    _exit(126);
}

static int run_function(struct node *body, char **argv, int argc)
{
    int save_argc = pos_argc;
    char **save_argv = pos_argv;
    pos_argc = argc - 1;
    pos_argv = argv + 1;
    locals_push();
    sh.func_depth++;
    int save_loop = sh.loop_depth;
    sh.loop_depth = 0;
    int s = exec_node(body, false);
    sh.loop_depth = save_loop;
    if (sh.returning) {
        sh.returning = false;
        s = sh.status;
    }
    sh.func_depth--;
    locals_pop();
    pos_argc = save_argc;
    pos_argv = save_argv;
    return s;
}

static void do_assigns(struct node *n, bool export_them)
{
    for (int i = 0; i < n->nassigns; i++) {
        char *eq = strchr(n->assigns[i], '=');
        char *name = xstrndup(n->assigns[i], eq - n->assigns[i]);
        char *val = expand_one(eq + 1);
        var_set(name, val, export_them);
        free(name);
        free(val);
    }
}

static void trace(char **argv)
{
    if (!sh.xtrace)
        return;
    const char *ps4 = var_get("PS4");
    fputs(ps4 ? ps4 : "+ ", stderr);
    for (int i = 0; argv[i]; i++)
        fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', stderr);
}

static int exec_simple(struct node *n, bool is_last)
{
    struct strlist args = {0};
    if (expand_words(n->words, n->nwords, &args) < 0)
        return sh.status = 2;
    if (args.n == 0) {
        /* assignments and redirections only: the status is that of the
         * last command substitution, or 0 */
        int before = cmdsubst_count;
        do_assigns(n, false);
        if (cmdsubst_count == before)
            sh.status = 0;
        if (expand_error)
            return sh.status = 1;
        struct undo u = {0};
        int s = apply_redirs(n->redirs, &u);
        undo_redirs(&u);
        return sh.status = s ? s : (n->nwords ? 0 : sh.status);
    }
    char **argv = args.v;
    int argc = args.n;
    trace(argv);
    struct node *fn = func_lookup(argv[0]);
    builtin_fn bi = fn ? NULL : builtin_lookup(argv[0]);
    if (fn || bi) {
        struct undo u = {0};
        if (apply_redirs(n->redirs, &u)) {
            undo_redirs(&u);
            return sh.status = 2;
        }
        /* Assignments before a special builtin stay; before others, temporary. */
        bool special = bi && is_special_builtin(argv[0]);
        if (!special) {
            locals_push_temporary();
            for (int i = 0; i < n->nassigns; i++) {
                char *name = xstrndup(n->assigns[i], strchr(n->assigns[i], '=') - n->assigns[i]);
                local_save_temporary(name);
                free(name);
            }
        }
        do_assigns(n, !special);
        int s = fn ? run_function(fn, argv, argc) : bi(argc, argv);
        if (!special)
            locals_pop();
        if (!(bi && argc == 1 && !strcmp(argv[0], "exec")))
            undo_redirs(&u);
        return sh.status = s;
    }
    if (is_last && sh.in_child) {
        job_child(NULL, false);
        if (apply_redirs(n->redirs, NULL))
            _exit(2);
        do_assigns(n, true);
        exec_program(argv);
    }
    char *text = node_text(n);
    struct job *j = job_start(text);
    free(text);
    pid_t pid = fork();
    if (pid < 0) {
        sh_error("fork: %s", strerror(errno));
        job_wait_fg(j);
        return sh.status = 2;
    }
    if (pid == 0) {
        job_child(j, true);
        if (apply_redirs(n->redirs, NULL))
            _exit(2);
        do_assigns(n, true);
        exec_program(argv);
    }
    job_add_pid(j, pid);
    return sh.status = job_wait_fg(j);
}

static pid_t fork_node(struct job *j, struct node *n, int in, int out)
{
    pid_t pid = fork();
    if (pid == 0) {
        job_child(j, true);
        sh.in_child = true;
        sh.interactive = false;
        if (in != 0) {
            dup2(in, 0);
            close(in);
        }
        if (out != 1) {
            dup2(out, 1);
            close(out);
        }
        sh_exit(exec_node(n, true));
    }
    job_add_pid(j, pid);
    return pid;
}

static int exec_pipeline(struct node *n)
{
    /* The tree is left-deep: flatten it. */
    struct node *parts[64];
    int k = 0;
    struct node *p = n;
    while (p->type == N_PIPE && k < 63) {
        parts[k++] = p->b;
        p = p->a;
    }
    parts[k++] = p;
    char *text = node_text(n);
    struct job *j = job_start(text);
    free(text);
    int in = 0;
    for (int i = k - 1; i >= 0; i--) {
        int fds[2] = {-1, 1};
        if (i > 0 && pipe(fds) < 0) {
            sh_error("pipe: %s", strerror(errno));
            break;
        }
        fork_node(j, parts[i], in, i > 0 ? fds[1] : 1);
        if (in != 0)
            close(in);
        if (i > 0) {
            close(fds[1]);
            in = fds[0];
        }
    }
    return sh.status = job_wait_fg(j);
}

static bool case_match(struct node *n, const char *word)
{
    for (struct caseitem *it = n->items; it; it = it->next) {
        for (int i = 0; i < it->npats; i++) {
            char *pat = expand_pattern(it->pats[i]);
            bool m = fnmatch(pat, word, 0) == 0;
            free(pat);
            if (m) {
                sh.status = 0;
                if (it->body)
                    exec_node(it->body, false);
                return true;
            }
        }
    }
    return false;
}

/* After a loop body: true if the loop must stop. */
static bool loop_control(void)
{
    if (sh.returning)
        return true;
    if (sh.breaking) {
        sh.breaking--;
        return true;
    }
    if (sh.continuing) {
        if (--sh.continuing > 0)
            return true;
    }
    return false;
}

static int exec_loop(struct node *n)
{
    int s = 0;
    sh.loop_depth++;
    for (;;) {
        sh.no_errexit++;
        int c = exec_node(n->a, false);
        sh.no_errexit--;
        if (sh.returning || sh.breaking || sh.continuing) {
            if (loop_control())
                break;
            continue;
        }
        if ((n->type == N_WHILE) != (c == 0))
            break;
        s = exec_node(n->b, false);
        if (loop_control())
            break;
    }
    sh.loop_depth--;
    return sh.status = s;
}

static int exec_for(struct node *n)
{
    struct strlist list = {0};
    if (n->has_in) {
        if (expand_words(n->words, n->nwords, &list) < 0)
            return sh.status = 1;
    } else {
        for (int i = 0; i < pos_argc; i++)
            sl_push(&list, xstrdup(pos_argv[i]));
    }
    int s = 0;
    sh.loop_depth++;
    for (int i = 0; i < list.n; i++) {
        var_set(n->name, list.v[i], false);
        s = exec_node(n->b, false);
        if (loop_control())
            break;
    }
    sh.loop_depth--;
    return sh.status = s;
}

static int exec_compound(struct node *n, bool is_last)
{
    switch (n->type) {
    case N_SEQ:
        exec_node(n->a, false);
        if (sh.breaking || sh.continuing || sh.returning)
            return sh.status;
        return exec_node(n->b, is_last);
    case N_AND:
    case N_OR: {
        sh.no_errexit++;
        int s = exec_node(n->a, false);
        sh.no_errexit--;
        if (sh.breaking || sh.continuing || sh.returning)
            return s;
        if ((s == 0) == (n->type == N_AND))
            return exec_node(n->b, is_last);
        return s;
    }
    case N_NOT:
        sh.no_errexit++;
        exec_node(n->a, false);
        sh.no_errexit--;
        return sh.status = !sh.status;
    case N_PIPE:
        return exec_pipeline(n);
    case N_BG: {
        char *text = node_text(n->a);
        struct job *j = job_start(text);
        free(text);
        bool ctl = sh.jobctl && !sh.in_child;
        pid_t pid = fork();
        if (pid == 0) {
            job_child(j, false);
            sh.in_child = true;
            sh.interactive = false;
            if (!ctl) {
                /* without job control, background jobs do not read the terminal */
                int fd = open("/dev/null", O_RDONLY);
                if (fd >= 0 && n->a->type == N_CMD && !n->a->redirs) {
                    dup2(fd, 0);
                }
                if (fd > 0)
                    close(fd);
            }
            sh_exit(exec_node(n->a, true));
        }
        job_add_pid(j, pid);
        job_background(j);
        return sh.status = 0;
    }
    case N_SUB: {
        char *text = node_text(n);
        struct job *j = job_start(text);
        free(text);
        pid_t pid = fork();
        if (pid == 0) {
            job_child(j, true);
            sh.in_child = true;
            sh_exit(exec_node(n->a, true));
        }
        job_add_pid(j, pid);
        return sh.status = job_wait_fg(j);
    }
    case N_GROUP:
        return exec_node(n->a, false);
    case N_IF:
        sh.no_errexit++;
        exec_node(n->a, false);
        sh.no_errexit--;
        if (sh.breaking || sh.continuing || sh.returning)
            return sh.status;
        if (sh.status == 0)
            return exec_node(n->b, false);
        if (n->c)
            return exec_node(n->c, false);
        return sh.status = 0;
    case N_WHILE:
    case N_UNTIL:
        return exec_loop(n);
    case N_FOR:
        return exec_for(n);
    case N_CASE: {
        char *w = expand_one(n->name);
        sh.status = 0;
        case_match(n, w);
        free(w);
        return sh.status;
    }
    case N_FUNC:
        func_define(n->name, n->a);
        return sh.status = 0;
    default:
        return exec_simple(n, is_last);
    }
}

int exec_node(struct node *n, bool is_last)
{
    if (!n)
        return sh.status;
    int s;
    if (n->type == N_CMD || n->type == N_FUNC || !n->redirs) {
        s = exec_compound(n, is_last);
    } else {
        struct undo u = {0};
        if (apply_redirs(n->redirs, &u)) {
            undo_redirs(&u);
            return sh.status = 1;
        }
        s = exec_compound(n, false);
        undo_redirs(&u);
    }
    sh.status = s;
    trap_run_pending(); /* signals that came during the command (trap.c); $? stays */
    if (sh.errexit && !sh.no_errexit && s != 0 &&
        (n->type == N_CMD || n->type == N_PIPE || n->type == N_SUB))
        sh_exit(s);
    return s;
}

/* Parses and runs a whole string (-c, eval, $(...), source). */
int exec_string(const char *src, const char *what)
{
    struct lexer lx;
    lex_init(&lx, src, strlen(src));
    (void)what;
    int s = 0;
    sh.status = sh.status;
    for (;;) {
        struct node *n;
        int r = parse_next(&lx, &n);
        if (r == -2) {
            sh_error("syntax error: unexpected end of file");
            r = -1;
        }
        if (r < 0) {
            if (!sh.interactive)
                sh_exit(2);
            return sh.status = 2;
        }
        if (!n && lex_peek(&lx, NULL) == T_EOF)
            break;
        s = exec_node(n, false);
        node_free(n);
        if (sh.breaking || sh.continuing || sh.returning)
            break;
    }
    (void)s;
    return sh.status;
}
