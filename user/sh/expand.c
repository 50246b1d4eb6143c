/*
 * expand.c - word expansion: a word's raw text -> fields.
 *
 * One pass over the raw text builds a buffer in which every character
 * carries a flag: LIT (unquoted text of the word), QUO (quoted: never split,
 * never a glob character), EXP (the unquoted result of an expansion: split
 * on IFS) or BRK (a field break between the words of $@). Field splitting
 * and pathname expansion then read the flags, and quote removal is simply
 * dropping them.
 */
#include "sh.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { LIT, QUO, EXP, BRK };

int expand_error;
int cmdsubst_count;

struct xbuf {
    char *s, *f;
    size_t n, cap;
    bool had_quote; /* the word had quotes: it yields a field even if empty */
};

static void xb_put(struct xbuf *b, char c, char flag)
{
    if (b->n + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->s = xrealloc(b->s, b->cap);
        b->f = xrealloc(b->f, b->cap);
    }
    b->s[b->n] = c;
    b->f[b->n] = flag;
    b->n++;
    b->s[b->n] = 0;
}

static void xb_puts(struct xbuf *b, const char *s, char flag)
{
    for (; *s; s++)
        xb_put(b, *s, flag);
}

void sl_push(struct strlist *l, char *s)
{
    if (l->n + 2 > l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, sizeof(char *) * l->cap);
    }
    l->v[l->n++] = s;
    l->v[l->n] = NULL;
}

enum mode { M_FIELDS, M_STRING, M_PATTERN, M_HEREDOC };

static void expand_into(struct xbuf *b, const char *p, const char *end, enum mode mode);

/* ---- command substitution --------------------------------------------------- */

static char *command_subst(const char *src, size_t len)
{
    int fds[2];
    if (pipe(fds) < 0) {
        sh_error("pipe: failed");
        return xstrdup("");
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (fds[1] != 1) {
            dup2(fds[1], 1);
            close(fds[1]);
        }
        sh.in_child = true;
        sh.interactive = false;
        char *code = xstrndup(src, len);
        sh_exit(exec_string(code, "command substitution"));
    }
    close(fds[1]);
    size_t n;
    char *out = read_all(fds[0], &n);
    close(fds[0]);
    sh.status = pid > 0 ? wait_pid(pid) : 1;
    cmdsubst_count++;
    while (n > 0 && out[n - 1] == '\n')
        n--;
    out[n] = 0;
    return out;
}

/* ---- parameters ---------------------------------------------------------------- */

static char *num_str(long v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%ld", v);
    return xstrdup(buf);
}

/* The value of a special or named parameter, or NULL when unset. */
static char *param_value(const char *name, size_t n)
{
    char *nm = xstrndup(name, n);
    char *r = NULL;
    if (n == 1 && name[0] == '?')
        r = num_str(sh.status);
    else if (n == 1 && name[0] == '$')
        r = num_str(sh.pid);
    else if (n == 1 && name[0] == '!')
        r = sh.bgpid ? num_str(sh.bgpid) : NULL;
    else if (n == 1 && name[0] == '#')
        r = num_str(pos_argc);
    else if (n == 1 && name[0] == '-')
        r = xstrdup(sh.errexit ? (sh.xtrace ? "ex" : "e") : (sh.xtrace ? "x" : ""));
    else if (isdigit((unsigned char)name[0])) {
        int k = atoi(nm);
        if (k == 0)
            r = xstrdup(arg0);
        else if (k <= pos_argc)
            r = xstrdup(pos_argv[k - 1]);
    } else if (n == 1 && (name[0] == '@' || name[0] == '*')) {
        struct xbuf t = {0};
        for (int i = 0; i < pos_argc; i++) {
            if (i)
                xb_put(&t, ' ', 0);
            xb_puts(&t, pos_argv[i], 0);
        }
        r = t.s ? t.s : (pos_argc ? xstrdup("") : NULL);
        free(t.f);
        if (!r && name[0] == '*')
            r = NULL;
    } else {
        const char *v = var_get(nm);
        r = v ? xstrdup(v) : NULL;
    }
    free(nm);
    return r;
}

/* Appends a value produced by an expansion. */
static void put_value(struct xbuf *b, const char *v, bool inq, enum mode mode)
{
    char flag = inq ? QUO : (mode == M_FIELDS ? EXP : mode == M_PATTERN ? LIT : QUO);
    xb_puts(b, v, flag);
}

/* "$@" and $@: one field per positional parameter. */
static void put_at(struct xbuf *b, bool inq, enum mode mode, char sep)
{
    for (int i = 0; i < pos_argc; i++) {
        if (i) {
            if (mode == M_FIELDS && sep == 0)
                xb_put(b, 0, BRK);
            else
                xb_put(b, sep ? sep : ' ', inq ? QUO : EXP);
        }
        put_value(b, pos_argv[i], inq, mode);
    }
    if (inq && pos_argc > 0)
        b->had_quote = true;
}

static char *expand_sub(const char *p, const char *end, enum mode mode)
{
    struct xbuf t = {0};
    expand_into(&t, p, end, mode);
    char *r = t.s ? t.s : xstrdup("");
    free(t.f);
    return r;
}

/* ${name%pat} and friends. */
static char *trim(const char *val, const char *pat, bool suffix, bool longest)
{
    size_t len = strlen(val);
    char *tmp = xstrdup(val);
    char *res = NULL;
    for (size_t k = 0; k <= len; k++) {
        size_t i = longest ? len - k : k; /* length of the prefix tried */
        if (suffix) {
            size_t start = longest ? k : len - k;
            if (!fnmatch(pat, val + start, 0)) {
                res = xstrndup(val, start);
                break;
            }
        } else {
            memcpy(tmp, val, len + 1);
            tmp[i] = 0;
            if (!fnmatch(pat, tmp, 0)) {
                res = xstrdup(val + i);
                break;
            }
        }
    }
    free(tmp);
    return res ? res : xstrdup(val);
}

/* p points after "${"; returns the position after the closing brace. */
static const char *brace_param(struct xbuf *b, const char *p, const char *end, bool inq,
                               enum mode mode)
{
    const char *close = p;
    int depth = 1;
    /* Find the matching brace (the lexer already checked nesting). */
    while (close < end && depth) {
        if (*close == '\\' && close + 1 < end) {
            close += 2;
            continue;
        }
        if (*close == '\'' && !inq) {
            close++;
            while (close < end && *close != '\'')
                close++;
        } else if (*close == '$' && close + 1 < end && (close[1] == '{' || close[1] == '(')) {
            char o = close[1], c = o == '{' ? '}' : ')';
            int d = 1;
            close += 2;
            while (close < end && d) {
                if (*close == o)
                    d++;
                else if (*close == c)
                    d--;
                close++;
            }
            continue;
        } else if (*close == '{') {
            depth++;
        } else if (*close == '}') {
            depth--;
            if (!depth)
                break;
        }
        close++;
    }
    bool length = false;
    const char *q = p;
    if (*q == '#' && q + 1 < close && q[1] != '}' &&
        (isalnum((unsigned char)q[1]) || q[1] == '_' || strchr("@*?$!#-", q[1]))) {
        /* ${#name}, but not ${#} or ${#-word} on its own */
        if (!(q + 2 <= close && (q[1] == '-' || q[1] == '?' || q[1] == '#') && q + 2 < close &&
              q[2] != '}')) {
            length = true;
            q++;
        }
    }
    const char *ns = q;
    if (isdigit((unsigned char)*q) && !length) {
        while (q < close && isdigit((unsigned char)*q))
            q++;
    } else if (isalpha((unsigned char)*q) || *q == '_') {
        while (q < close && (isalnum((unsigned char)*q) || *q == '_'))
            q++;
    } else if (q < close && strchr("@*?$!#-0123456789", *q)) {
        q++;
    }
    size_t nlen = q - ns;
    if (nlen == 0) {
        sh_error("${%.*s}: bad substitution", (int)(close - p), p);
        expand_error = 1;
        return close < end ? close + 1 : close;
    }
    char *val = param_value(ns, nlen);
    bool is_at = nlen == 1 && *ns == '@';
    if (length) {
        char *l = num_str(val ? (long)strlen(val) : 0);
        put_value(b, l, inq, mode);
        free(l);
        free(val);
        return close + 1;
    }
    if (q == close) {
        if (is_at && (inq || mode == M_FIELDS))
            put_at(b, inq, mode, 0);
        else if (val)
            put_value(b, val, inq, mode);
        free(val);
        return close + 1;
    }
    bool colon = *q == ':';
    if (colon)
        q++;
    char op = *q++;
    bool unset = !val || (colon && !*val);
    char *name = xstrndup(ns, nlen);
    switch (op) {
    case '-':
    case '=':
    case '?':
    case '+':
        if (op == '+') {
            if (!unset) {
                char *w = expand_sub(q, close, inq ? M_STRING : mode);
                put_value(b, w, inq, mode);
                free(w);
            }
        } else if (!unset) {
            if (is_at && (inq || mode == M_FIELDS))
                put_at(b, inq, mode, 0);
            else
                put_value(b, val, inq, mode);
        } else {
            char *w = expand_sub(q, close, M_STRING);
            if (op == '=') {
                if (!is_name(name, nlen)) {
                    sh_error("%s: bad variable name", name);
                    expand_error = 1;
                } else {
                    var_set(name, w, false);
                }
            } else if (op == '?') {
                sh_error("%s: %s", name, *w ? w : "parameter not set");
                expand_error = 1;
                if (!sh.interactive)
                    sh_exit(2);
            }
            if (op != '?')
                put_value(b, w, inq, mode);
            free(w);
        }
        break;
    case '%':
    case '#': {
        bool longest = *q == op;
        if (longest)
            q++;
        char *pat = expand_sub(q, close, M_PATTERN);
        char *r = trim(val ? val : "", pat, op == '%', longest);
        put_value(b, r, inq, mode);
        free(r);
        free(pat);
        break;
    }
    default:
        sh_error("${%.*s}: bad substitution", (int)(close - p), p);
        expand_error = 1;
    }
    free(name);
    free(val);
    return close + 1;
}

/* p points after '$'; returns the position after the expansion. */
static const char *dollar(struct xbuf *b, const char *p, const char *end, bool inq, enum mode mode)
{
    if (p >= end) {
        xb_put(b, '$', inq ? QUO : LIT);
        return p;
    }
    if (*p == '(' && p + 1 < end && p[1] == '(') {
        /* $(( arithmetic )) */
        int depth = 0;
        const char *q = p + 2;
        for (; q < end; q++) {
            if (*q == '(')
                depth++;
            else if (*q == ')') {
                if (depth == 0 && q + 1 < end && q[1] == ')')
                    break;
                depth--;
            }
        }
        char *expr = expand_sub(p + 2, q, M_STRING);
        int err = 0;
        long v = arith_eval(expr, &err);
        free(expr);
        if (err) {
            expand_error = 1;
            if (!sh.interactive)
                sh_exit(2);
        }
        char *s = num_str(v);
        put_value(b, s, inq, mode);
        free(s);
        return q + 2 <= end ? q + 2 : end;
    }
    if (*p == '(') {
        int depth = 1;
        const char *r = p + 1;
        while (r < end && depth) {
            char c = *r;
            if (c == '\\' && r + 1 < end) {
                r += 2;
                continue;
            }
            if (c == '\'') {
                r++;
                while (r < end && *r != '\'')
                    r++;
            } else if (c == '"') {
                r++;
                while (r < end && *r != '"') {
                    if (*r == '\\')
                        r++;
                    r++;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (!depth)
                    break;
            }
            r++;
        }
        char *out = command_subst(p + 1, r - (p + 1));
        put_value(b, out, inq, mode);
        free(out);
        return r < end ? r + 1 : r;
    }
    if (*p == '{')
        return brace_param(b, p + 1, end, inq, mode);
    const char *q = p;
    if (isalpha((unsigned char)*q) || *q == '_') {
        while (q < end && (isalnum((unsigned char)*q) || *q == '_'))
            q++;
    } else if (strchr("@*?$!#-0123456789", *q)) {
        q++;
    } else {
        xb_put(b, '$', inq ? QUO : LIT);
        return p;
    }
    if (*p == '@' && (inq || mode == M_FIELDS)) {
        put_at(b, inq, mode, 0);
        return q;
    }
    if (*p == '*' && mode == M_FIELDS && !inq) {
        put_at(b, false, mode, 0);
        return q;
    }
    char *v = param_value(p, q - p);
    if (v && *p == '*' && inq) {
        const char *ifs = var_get("IFS");
        char sep = ifs ? ifs[0] : ' ';
        free(v);
        struct xbuf t = {0};
        for (int i = 0; i < pos_argc; i++) {
            if (i && sep)
                xb_put(&t, sep, QUO);
            xb_puts(&t, pos_argv[i], QUO);
        }
        v = t.s ? t.s : xstrdup("");
        free(t.f);
    }
    if (v)
        put_value(b, v, inq, mode);
    free(v);
    return q;
}

static void expand_into(struct xbuf *b, const char *p, const char *end, enum mode mode)
{
    bool inq = mode == M_HEREDOC;
    const char *start = p;
    while (p < end) {
        char c = *p;
        if (c == '~' && p == start && !inq && mode != M_HEREDOC) {
            const char *q = p + 1;
            while (q < end && *q != '/')
                q++;
            if (q == p + 1) {
                const char *home = var_get("HOME");
                if (home) {
                    xb_puts(b, home, QUO);
                    p++;
                    continue;
                }
            }
        }
        if (c == '\'' && !inq && mode != M_HEREDOC) {
            b->had_quote = true;
            p++;
            while (p < end && *p != '\'')
                xb_put(b, *p++, QUO);
            p++;
        } else if (c == '"' && mode != M_HEREDOC) {
            inq = !inq;
            p++;
            /* "$@" alone yields no field when there are no parameters */
            if (inq && !(end - p >= 3 && p[0] == '$' && p[1] == '@' && p[2] == '"'))
                b->had_quote = true;
        } else if (c == '\\') {
            if (p + 1 >= end) {
                xb_put(b, '\\', inq ? QUO : LIT);
                p++;
            } else if (p[1] == '\n') {
                p += 2;
            } else if (!inq || strchr("$`\"\\", p[1])) {
                if (mode == M_HEREDOC && p[1] == '"') {
                    xb_put(b, '\\', QUO);
                    p++;
                    continue;
                }
                xb_put(b, p[1], QUO);
                p += 2;
            } else {
                xb_put(b, '\\', QUO);
                p++;
            }
        } else if (c == '$') {
            p = dollar(b, p + 1, end, inq, mode);
        } else if (c == '`') {
            struct xbuf cmd = {0};
            p++;
            while (p < end && *p != '`') {
                if (*p == '\\' && p + 1 < end && strchr("$`\\", p[1]))
                    p++;
                xb_put(&cmd, *p++, 0);
            }
            p++;
            char *out = command_subst(cmd.s ? cmd.s : "", cmd.n);
            put_value(b, out, inq, mode);
            free(out);
            free(cmd.s);
            free(cmd.f);
        } else {
            xb_put(b, c, inq ? QUO : LIT);
            p++;
        }
    }
}

/* ---- field splitting and globbing --------------------------------------------- */

static bool has_glob(const struct xbuf *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (b->f[i] != QUO && (b->s[i] == '*' || b->s[i] == '?' || b->s[i] == '['))
            return true;
    return false;
}

static void emit_field(const struct xbuf *b, size_t from, size_t to, const char *keep,
                       struct strlist *out)
{
    char *lit = xmalloc(to - from + 1);
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        if (keep[i])
            lit[n++] = b->s[i];
    lit[n] = 0;
    if (!has_glob(b, from, to)) {
        sl_push(out, lit);
        return;
    }
    char *pat = xmalloc(2 * (to - from) + 1);
    n = 0;
    for (size_t i = from; i < to; i++) {
        if (!keep[i])
            continue;
        if (b->f[i] == QUO && strchr("*?[]\\", b->s[i]))
            pat[n++] = '\\';
        pat[n++] = b->s[i];
    }
    pat[n] = 0;
    glob_t g;
    if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            sl_push(out, xstrdup(g.gl_pathv[i]));
        globfree(&g);
        free(lit);
    } else {
        sl_push(out, lit);
    }
    free(pat);
}

static void split_fields(struct xbuf *b, struct strlist *out)
{
    const char *ifs = var_get("IFS");
    if (!ifs)
        ifs = " \t\n";
    char *keep = xmalloc(b->n + 1);
    int before = out->n;
    size_t start = 0;
    bool have = false;
    for (size_t i = 0; i < b->n; i++) {
        keep[i] = 1;
        char c = b->s[i];
        if (b->f[i] == BRK) {
            keep[i] = 0;
            emit_field(b, start, i, keep, out);
            start = i + 1;
            have = true;
            continue;
        }
        if (b->f[i] == EXP && c && strchr(ifs, c)) {
            keep[i] = 0;
            bool white = c == ' ' || c == '\t' || c == '\n';
            if (have || !white)
                emit_field(b, start, i, keep, out);
            have = false;
            start = i + 1;
            if (!white) {
                /* IFS white space around a non-white delimiter belongs to it */
                while (start < b->n && b->f[start] == EXP && strchr(" \t\n", b->s[start]) &&
                       strchr(ifs, b->s[start])) {
                    keep[start] = 0;
                    start++;
                    i++;
                }
            }
            continue;
        }
        have = true;
    }
    if (have)
        emit_field(b, start, b->n, keep, out);
    if (out->n == before && b->had_quote)
        sl_push(out, xstrdup(""));
    free(keep);
}

int expand_words(char **words, int n, struct strlist *out)
{
    expand_error = 0;
    for (int i = 0; i < n; i++) {
        struct xbuf b = {0};
        expand_into(&b, words[i], words[i] + strlen(words[i]), M_FIELDS);
        split_fields(&b, out);
        free(b.s);
        free(b.f);
        if (expand_error)
            return -1;
    }
    if (!out->v)
        sl_push(out, NULL), out->n = 0;
    return 0;
}

char *expand_one(const char *word)
{
    expand_error = 0;
    return expand_sub(word, word + strlen(word), M_STRING);
}

char *expand_pattern(const char *word)
{
    expand_error = 0;
    struct xbuf b = {0};
    expand_into(&b, word, word + strlen(word), M_PATTERN);
    char *pat = xmalloc(2 * b.n + 1);
    size_t n = 0;
    for (size_t i = 0; i < b.n; i++) {
        if (b.f[i] == QUO && strchr("*?[]\\", b.s[i]))
            pat[n++] = '\\';
        pat[n++] = b.s[i];
    }
    pat[n] = 0;
    free(b.s);
    free(b.f);
    return pat;
}

char *expand_heredoc(const char *body)
{
    expand_error = 0;
    return expand_sub(body, body + strlen(body), M_HEREDOC);
}
