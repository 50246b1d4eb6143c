/*
 * sh.h - Basalt's shell: shared types and the interfaces between its layers.
 *
 * The shell is an ordinary POSIX program (static musl) in four layers:
 *   lex.c      raw input text -> tokens (words keep their quotes; here-document
 *              bodies are read when the line that names them ends)
 *   parse.c    tokens -> a small AST (struct node), one complete command at a time
 *   expand.c   a word's raw text -> fields (parameters, $(...), $((...)),
 *              field splitting, globbing, quote removal)
 *   exec.c     runs an AST: fork/execve, pipes, redirections, compound commands
 *   builtins.c commands run inside the shell (cd, export, wait, test, ...)
 *   vars.c     shell variables and positional parameters
 *   main.c     options, reading scripts, -c and stdin; the interactive loop
 *   edit.c     line editing and history when stdin is a terminal
 *   jobs.c     jobs, process groups and the terminal (job control)
 *   tree.c     freeing and copying ASTs
 *   trap.c     the trap builtin: signal and EXIT actions
 * Each complete command's AST is freed after it runs; functions keep a copy.
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- lexer ---------------------------------------------------------------- */

enum tok {
    T_EOF,
    T_WORD,
    T_NEWLINE,
    T_IONUM,
    T_SEMI,
    T_AMP,
    T_PIPE,
    T_AND,
    T_OR,
    T_DSEMI,
    T_LPAREN,
    T_RPAREN,
    T_LESS,
    T_GREAT,
    T_DGREAT,
    T_LESSAND,
    T_GREATAND,
    T_LESSGREAT,
    T_DLESS,
    T_DLESSDASH,
    T_CLOBBER,
};

struct redir;

struct lexer {
    const char *src;
    size_t pos, len;
    int lineno;
    bool incomplete;           /* hit the end inside a quote or construct */
    struct redir *pending[16]; /* here-documents whose bodies come next */
    int npending;
    /* one token of look-ahead */
    bool have_peek;
    enum tok peek;
    char *peek_text;
};

void lex_init(struct lexer *lx, const char *src, size_t len);
enum tok lex_peek(struct lexer *lx, char **text);
enum tok lex_next(struct lexer *lx, char **text);
size_t lex_word_end(const char *s, size_t pos, size_t len, bool *incomplete);
void lex_add_heredoc(struct lexer *lx, struct redir *r);

/* ---- AST ------------------------------------------------------------------ */

enum rtype { R_IN, R_OUT, R_APPEND, R_CLOBBER, R_RDWR, R_DUPIN, R_DUPOUT, R_HEREDOC };

struct redir {
    int fd;
    enum rtype type;
    char *word;      /* file, fd number or here-document delimiter */
    char *body;      /* here-document text */
    bool strip_tabs; /* <<- */
    bool quoted;     /* here-document delimiter was quoted: no expansion */
    struct redir *next;
};

enum ntype {
    N_CMD,
    N_PIPE,
    N_AND,
    N_OR,
    N_NOT,
    N_SEQ,
    N_BG,
    N_SUB,
    N_GROUP,
    N_IF,
    N_WHILE,
    N_UNTIL,
    N_FOR,
    N_CASE,
    N_FUNC,
};

struct caseitem {
    char **pats;
    int npats;
    struct node *body;
    struct caseitem *next;
};

struct node {
    enum ntype type;
    struct node *a, *b, *c; /* children: if (a) then b else c; loops: a cond, b body */
    char **words;           /* N_CMD words; N_FOR list */
    int nwords;
    bool has_in; /* N_FOR: "in" given */
    char **assigns;
    int nassigns;
    struct redir *redirs;
    char *name; /* N_FOR variable, N_FUNC name, N_CASE word */
    struct caseitem *items;
    int lineno;
};

/* Parse status: 0 ok (node may be NULL at end of input), -1 syntax error,
 * -2 input ended inside a construct (the interactive loop reads more). */
int parse_next(struct lexer *lx, struct node **out);

/* ---- expansion ------------------------------------------------------------ */

struct strlist {
    char **v;
    int n, cap;
};

void sl_push(struct strlist *l, char *s);
/* Words -> fields with splitting and globbing (command arguments, for lists). */
int expand_words(char **words, int n, struct strlist *out);
/* One word -> one string: no splitting, no globbing (assignments, redirections). */
char *expand_one(const char *word);
/* A case pattern: quoted characters are escaped for fnmatch. */
char *expand_pattern(const char *word);
/* A here-document body: $, ` and \ only. */
char *expand_heredoc(const char *body);
long arith_eval(const char *expr, int *err);
extern int expand_error;   /* set by ${x?msg} and bad arithmetic */
extern int cmdsubst_count; /* bumped by every $(...): sets $? of x=$(cmd) */

/* ---- variables ------------------------------------------------------------ */

const char *var_get(const char *name);
int var_set(const char *name, const char *val, bool export_it);
void var_unset(const char *name);
void var_export(const char *name);
char **var_environ(void);
void var_print(bool exported_only);
bool is_name(const char *s, size_t n);
void var_import(char **envp);

/*
 * Saved variables, put back (value and export flag) by locals_pop: a
 * function's frame for `local`, or a temporary one for the assignments
 * before a builtin or a function call (local_save_temporary; `local`
 * declares in the function's frame below it).
 */
struct local_frame;
void locals_push(void);
void locals_push_temporary(void);
void locals_pop(void);
int local_declare(const char *name);
void local_save_temporary(const char *name);

extern int pos_argc;    /* $# */
extern char **pos_argv; /* $1.. (pos_argv[0] is $1) */
extern char *arg0;      /* $0 */

/* ---- execution ------------------------------------------------------------ */

struct shell {
    int status;  /* $? */
    pid_t bgpid; /* $! */
    pid_t pid;   /* $$ */
    bool interactive;
    bool in_child; /* a subshell: exit instead of returning */
    int loop_depth;
    int breaking;   /* levels still to break out of */
    int continuing; /* levels to continue */
    bool returning;
    int func_depth;
    bool errexit;
    int no_errexit; /* >0 inside conditions, where set -e does not apply */
    bool xtrace;
    bool jobctl;    /* job control: interactive, process groups, fg/bg */
    int ttyfd;      /* the terminal (job control only) */
    pid_t pgid;     /* the shell's own process group (job control only) */
    bool wait_trap; /* the wait builtin runs: a trapped signal ends it */
    int wait_sig;   /* the signal that ended it (jobs.c), or 0 */
};
extern struct shell sh;

int exec_node(struct node *n, bool is_last);
int exec_string(const char *src, const char *what);
__attribute__((noreturn)) void sh_exit(int status);
char *find_in_path(const char *name);
struct node *func_lookup(const char *name);
void func_define(const char *name, struct node *body);

/* jobs.c: a job is the processes forked for one command or pipeline. */
struct job;
struct job *job_start(const char *cmd);
void job_child(struct job *j, bool fg);     /* in each child, right after fork */
void job_add_pid(struct job *j, pid_t pid); /* in the parent, after each fork */
int job_wait_fg(struct job *j);             /* waits; frees it unless it stopped */
void job_background(struct job *j);         /* it keeps running: [n], $! */
int wait_pid(pid_t pid);
int wait_all(void);
void jobs_reap(bool report);
void jobs_init(void);
int bi_jobs(int argc, char **argv);
int bi_fg(int argc, char **argv);
int bi_bg(int argc, char **argv);

/* tree.c */
void node_free(struct node *n);
struct node *node_copy(const struct node *n);
char *node_text(const struct node *n);
int run_builtin_by_name(const char *name, int argc, char **argv, bool *found);
bool is_special_builtin(const char *name);

/* builtins.c */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name);
void out_str(int fd, const char *s);
/* read(2) that reads again when a trapped signal interrupts it (traps do not restart calls). */
ssize_t sh_read(int fd, void *buf, size_t n);
/* Everything up to the end of fd, NUL-terminated (*len bytes); a trapped signal does not cut it. */
char *read_all(int fd, size_t *len);
void out_fmt(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* trap.c: the trap builtin, its signals' pending actions, and the EXIT action. */
void trap_init(void);
int bi_trap(int argc, char **argv);
int trap_pending(void);         /* a caught signal whose action has not run yet, or 0 */
void trap_run_pending(void);    /* runs those actions ($? is kept) */
void trap_run_exit(int status); /* the EXIT action, once, with $? = status */

/* edit.c */
char *edit_readline(const char *prompt);
void edit_tty_restore(void);

/* util */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
