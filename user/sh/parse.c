/*
 * parse.c - recursive-descent parser for the POSIX shell grammar.
 *
 * parse_next() returns one complete command (an and-or list up to a newline,
 * with ';' and '&' separators) so that a script runs command by command:
 * a function defined on line 1 exists when line 2 is parsed, and a syntax
 * error late in a script does not stop the lines before it. Reserved words
 * are recognised only where a command may start, as POSIX says.
 */
#include "sh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    struct lexer *lx;
    int err; /* 0, -1 syntax error, -2 incomplete input */
};

static struct node *parse_list(struct parser *p, bool toplevel);
static struct node *parse_command(struct parser *p);

static struct node *new_node(enum ntype t, struct parser *p)
{
    struct node *n = xmalloc(sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->type = t;
    n->lineno = p->lx->lineno;
    return n;
}

static const char *tok_name(enum tok t, const char *text)
{
    static const char *names[] = {
        [T_EOF] = "end of file", [T_NEWLINE] = "newline", [T_SEMI] = ";",      [T_AMP] = "&",
        [T_PIPE] = "|",          [T_AND] = "&&",          [T_OR] = "||",       [T_DSEMI] = ";;",
        [T_LPAREN] = "(",        [T_RPAREN] = ")",        [T_LESS] = "<",      [T_GREAT] = ">",
        [T_DGREAT] = ">>",       [T_LESSAND] = "<&",      [T_GREATAND] = ">&", [T_LESSGREAT] = "<>",
        [T_DLESS] = "<<",        [T_DLESSDASH] = "<<-",   [T_CLOBBER] = ">|",
    };
    if (t == T_WORD || t == T_IONUM)
        return text;
    return names[t];
}

static void syntax_error(struct parser *p)
{
    if (p->err)
        return;
    char *text;
    enum tok t = lex_peek(p->lx, &text);
    if (t == T_EOF && p->lx->incomplete) {
        p->err = -2;
        return;
    }
    if (t == T_EOF) {
        p->err = -2; /* "unexpected end of file": the caller may read more */
        return;
    }
    sh_error("syntax error: line %d: unexpected \"%s\"", p->lx->lineno, tok_name(t, text));
    p->err = -1;
}

static bool peek_word(struct parser *p, const char *w)
{
    char *text;
    return lex_peek(p->lx, &text) == T_WORD && !strcmp(text, w);
}

static bool accept_word(struct parser *p, const char *w)
{
    if (!peek_word(p, w))
        return false;
    lex_next(p->lx, NULL);
    return true;
}

static void expect_word(struct parser *p, const char *w)
{
    if (!accept_word(p, w))
        syntax_error(p);
}

static void skip_newlines(struct parser *p)
{
    while (lex_peek(p->lx, NULL) == T_NEWLINE)
        lex_next(p->lx, NULL);
}

static bool is_stop_word(const char *w)
{
    static const char *stops[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}", NULL};
    for (int i = 0; stops[i]; i++)
        if (!strcmp(w, stops[i]))
            return true;
    return false;
}

static bool is_redir_tok(enum tok t)
{
    return t == T_IONUM || (t >= T_LESS && t <= T_CLOBBER);
}

static struct redir *parse_redir(struct parser *p)
{
    char *text;
    enum tok t = lex_next(p->lx, &text);
    int fd = -1;
    if (t == T_IONUM) {
        fd = atoi(text);
        t = lex_next(p->lx, &text);
    }
    struct redir *r = xmalloc(sizeof(*r));
    memset(r, 0, sizeof(*r));
    switch (t) {
    case T_LESS:
        r->type = R_IN;
        break;
    case T_GREAT:
        r->type = R_OUT;
        break;
    case T_DGREAT:
        r->type = R_APPEND;
        break;
    case T_CLOBBER:
        r->type = R_CLOBBER;
        break;
    case T_LESSGREAT:
        r->type = R_RDWR;
        break;
    case T_LESSAND:
        r->type = R_DUPIN;
        break;
    case T_GREATAND:
        r->type = R_DUPOUT;
        break;
    case T_DLESS:
        r->type = R_HEREDOC;
        break;
    case T_DLESSDASH:
        r->type = R_HEREDOC;
        r->strip_tabs = true;
        break;
    default:
        syntax_error(p);
        return NULL;
    }
    bool input = r->type == R_IN || r->type == R_RDWR || r->type == R_DUPIN || r->type == R_HEREDOC;
    r->fd = fd >= 0 ? fd : input ? 0 : 1;
    if (lex_peek(p->lx, &text) != T_WORD) {
        syntax_error(p);
        return NULL;
    }
    lex_next(p->lx, &text);
    if (r->type == R_HEREDOC) {
        /* The delimiter is the word after quote removal; any quoting means
         * the body is taken literally. */
        char *d = xmalloc(strlen(text) + 1);
        size_t n = 0;
        for (const char *s = text; *s; s++) {
            if (*s == '\'' || *s == '"') {
                r->quoted = true;
                continue;
            }
            if (*s == '\\' && s[1]) {
                r->quoted = true;
                s++;
            }
            d[n++] = *s;
        }
        d[n] = 0;
        r->word = d;
        lex_add_heredoc(p->lx, r);
    } else {
        r->word = text;
    }
    return r;
}

static void append_redir(struct redir **list, struct redir *r)
{
    while (*list)
        list = &(*list)->next;
    *list = r;
}

static void push_str(char ***v, int *n, char *s)
{
    *v = xrealloc(*v, sizeof(char *) * (*n + 2));
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}

static bool is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    return eq && eq > w && is_name(w, eq - w);
}

static struct node *parse_simple(struct parser *p)
{
    struct node *n = new_node(N_CMD, p);
    char *text;
    for (;;) {
        enum tok t = lex_peek(p->lx, &text);
        if (is_redir_tok(t)) {
            struct redir *r = parse_redir(p);
            if (!r)
                return NULL;
            append_redir(&n->redirs, r);
        } else if (t == T_WORD) {
            lex_next(p->lx, &text);
            if (n->nwords == 0 && is_assignment(text)) {
                push_str(&n->assigns, &n->nassigns, text);
                continue;
            }
            push_str(&n->words, &n->nwords, text);
            if (n->nwords == 1 && n->nassigns == 0 && !n->redirs &&
                lex_peek(p->lx, NULL) == T_LPAREN) {
                /* name ( ) compound-command */
                lex_next(p->lx, NULL);
                if (lex_next(p->lx, NULL) != T_RPAREN) {
                    syntax_error(p);
                    return NULL;
                }
                skip_newlines(p);
                struct node *f = new_node(N_FUNC, p);
                f->name = xstrdup(text);
                node_free(n);
                f->a = parse_command(p);
                if (!f->a && !p->err)
                    syntax_error(p);
                return p->err ? NULL : f;
            }
        } else {
            break;
        }
    }
    if (n->nwords == 0 && n->nassigns == 0 && !n->redirs) {
        syntax_error(p);
        return NULL;
    }
    return n;
}

/* A compound list that must be followed by the reserved word `end`. */
static struct node *parse_body(struct parser *p, const char *end)
{
    struct node *n = parse_list(p, false);
    if (p->err)
        return NULL;
    if (!n) {
        syntax_error(p);
        return NULL;
    }
    if (end)
        expect_word(p, end);
    return n;
}

static struct node *parse_if(struct parser *p)
{
    struct node *n = new_node(N_IF, p);
    n->a = parse_body(p, "then");
    if (p->err)
        return NULL;
    n->b = parse_list(p, false);
    if (p->err)
        return NULL;
    if (!n->b) {
        syntax_error(p);
        return NULL;
    }
    if (accept_word(p, "elif")) {
        n->c = parse_if(p);
        return n->c ? n : NULL;
    }
    if (accept_word(p, "else")) {
        n->c = parse_body(p, "fi");
        return p->err ? NULL : n;
    }
    expect_word(p, "fi");
    return p->err ? NULL : n;
}

static struct node *parse_loop(struct parser *p, enum ntype t)
{
    struct node *n = new_node(t, p);
    n->a = parse_body(p, "do");
    if (p->err)
        return NULL;
    n->b = parse_body(p, "done");
    return p->err ? NULL : n;
}

static struct node *parse_for(struct parser *p)
{
    struct node *n = new_node(N_FOR, p);
    char *text;
    if (lex_next(p->lx, &text) != T_WORD || !is_name(text, strlen(text))) {
        syntax_error(p);
        return NULL;
    }
    n->name = text;
    skip_newlines(p);
    if (accept_word(p, "in")) {
        n->has_in = true;
        while (lex_peek(p->lx, &text) == T_WORD) {
            lex_next(p->lx, &text);
            push_str(&n->words, &n->nwords, text);
        }
        enum tok t = lex_peek(p->lx, NULL);
        if (t != T_SEMI && t != T_NEWLINE) {
            syntax_error(p);
            return NULL;
        }
        lex_next(p->lx, NULL);
    } else if (lex_peek(p->lx, NULL) == T_SEMI) {
        lex_next(p->lx, NULL);
    }
    skip_newlines(p);
    expect_word(p, "do");
    if (p->err)
        return NULL;
    n->b = parse_body(p, "done");
    return p->err ? NULL : n;
}

static struct node *parse_case(struct parser *p)
{
    struct node *n = new_node(N_CASE, p);
    char *text;
    if (lex_next(p->lx, &text) != T_WORD) {
        syntax_error(p);
        return NULL;
    }
    n->name = text;
    skip_newlines(p);
    expect_word(p, "in");
    struct caseitem **tail = &n->items;
    for (;;) {
        skip_newlines(p);
        if (p->err)
            return NULL;
        if (accept_word(p, "esac"))
            return n;
        struct caseitem *it = xmalloc(sizeof(*it));
        memset(it, 0, sizeof(*it));
        if (lex_peek(p->lx, NULL) == T_LPAREN)
            lex_next(p->lx, NULL);
        for (;;) {
            if (lex_next(p->lx, &text) != T_WORD) {
                syntax_error(p);
                return NULL;
            }
            push_str(&it->pats, &it->npats, text);
            enum tok t = lex_next(p->lx, NULL);
            if (t == T_RPAREN)
                break;
            if (t != T_PIPE) {
                syntax_error(p);
                return NULL;
            }
        }
        it->body = parse_list(p, false);
        if (p->err)
            return NULL;
        *tail = it;
        tail = &it->next;
        if (lex_peek(p->lx, NULL) == T_DSEMI) {
            lex_next(p->lx, NULL);
            continue;
        }
        skip_newlines(p);
        expect_word(p, "esac");
        return p->err ? NULL : n;
    }
}

static struct node *parse_command(struct parser *p)
{
    char *text;
    enum tok t = lex_peek(p->lx, &text);
    struct node *n = NULL;
    if (t == T_LPAREN) {
        lex_next(p->lx, NULL);
        n = new_node(N_SUB, p);
        n->a = parse_list(p, false);
        if (p->err)
            return NULL;
        if (!n->a || lex_next(p->lx, NULL) != T_RPAREN) {
            syntax_error(p);
            return NULL;
        }
    } else if (t == T_WORD && !strcmp(text, "{")) {
        lex_next(p->lx, NULL);
        n = new_node(N_GROUP, p);
        n->a = parse_body(p, "}");
    } else if (t == T_WORD && !strcmp(text, "if")) {
        lex_next(p->lx, NULL);
        n = parse_if(p);
    } else if (t == T_WORD && !strcmp(text, "while")) {
        lex_next(p->lx, NULL);
        n = parse_loop(p, N_WHILE);
    } else if (t == T_WORD && !strcmp(text, "until")) {
        lex_next(p->lx, NULL);
        n = parse_loop(p, N_UNTIL);
    } else if (t == T_WORD && !strcmp(text, "for")) {
        lex_next(p->lx, NULL);
        n = parse_for(p);
    } else if (t == T_WORD && !strcmp(text, "case")) {
        lex_next(p->lx, NULL);
        n = parse_case(p);
    } else if (t == T_WORD && is_stop_word(text)) {
        syntax_error(p);
        return NULL;
    } else {
        return parse_simple(p);
    }
    if (p->err || !n)
        return NULL;
    /* Redirections after a compound command apply to all of it. */
    while (is_redir_tok(lex_peek(p->lx, NULL))) {
        struct redir *r = parse_redir(p);
        if (!r)
            return NULL;
        append_redir(&n->redirs, r);
    }
    return n;
}

static struct node *parse_pipeline(struct parser *p)
{
    bool bang = accept_word(p, "!");
    struct node *n = parse_command(p);
    if (!n)
        return NULL;
    while (lex_peek(p->lx, NULL) == T_PIPE) {
        lex_next(p->lx, NULL);
        skip_newlines(p);
        struct node *r = parse_command(p);
        if (!r) {
            syntax_error(p);
            return NULL;
        }
        struct node *pn = new_node(N_PIPE, p);
        pn->a = n;
        pn->b = r;
        n = pn;
    }
    if (bang) {
        struct node *nn = new_node(N_NOT, p);
        nn->a = n;
        n = nn;
    }
    return n;
}

static struct node *parse_and_or(struct parser *p)
{
    struct node *n = parse_pipeline(p);
    if (!n)
        return NULL;
    for (;;) {
        enum tok t = lex_peek(p->lx, NULL);
        if (t != T_AND && t != T_OR)
            return n;
        lex_next(p->lx, NULL);
        skip_newlines(p);
        struct node *r = parse_pipeline(p);
        if (!r) {
            syntax_error(p);
            return NULL;
        }
        struct node *an = new_node(t == T_AND ? N_AND : N_OR, p);
        an->a = n;
        an->b = r;
        n = an;
    }
}

static struct node *seq(struct parser *p, struct node *a, struct node *b)
{
    if (!a)
        return b;
    struct node *s = new_node(N_SEQ, p);
    s->a = a;
    s->b = b;
    return s;
}

/* toplevel: stop at the first newline (one complete command). */
static struct node *parse_list(struct parser *p, bool toplevel)
{
    struct node *list = NULL;
    char *text;
    for (;;) {
        if (!toplevel)
            skip_newlines(p);
        enum tok t = lex_peek(p->lx, &text);
        if (t == T_EOF || t == T_RPAREN || t == T_DSEMI || (t == T_WORD && is_stop_word(text)))
            return list;
        if (toplevel && t == T_NEWLINE)
            return list;
        struct node *n = parse_and_or(p);
        if (!n) {
            if (!p->err)
                syntax_error(p);
            return NULL;
        }
        t = lex_peek(p->lx, NULL);
        if (t == T_AMP) {
            struct node *bg = new_node(N_BG, p);
            bg->a = n;
            n = bg;
        }
        list = seq(p, list, n);
        if (t == T_AMP || t == T_SEMI) {
            lex_next(p->lx, NULL);
            continue;
        }
        if (t == T_NEWLINE) {
            if (toplevel)
                return list;
            continue;
        }
        return list;
    }
}

int parse_next(struct lexer *lx, struct node **out)
{
    struct parser p = {.lx = lx};
    *out = NULL;
    for (;;) {
        enum tok t = lex_peek(lx, NULL);
        if (t == T_NEWLINE) {
            lex_next(lx, NULL);
            continue;
        }
        if (t == T_EOF)
            return lx->incomplete ? -2 : 0;
        break;
    }
    struct node *n = parse_list(&p, true);
    if (!p.err) {
        enum tok t = lex_peek(lx, NULL);
        if (t == T_NEWLINE) {
            lex_next(lx, NULL); /* reads pending here-documents */
            if (lx->incomplete)
                p.err = -2;
        } else if (t == T_EOF) {
            if (lx->incomplete)
                p.err = -2;
        } else {
            syntax_error(&p);
        }
    }
    if (p.err)
        return p.err;
    *out = n;
    return 0;
}
