/*
 * lex.c - the shell's tokenizer.
 *
 * Words are returned as their raw text, quotes and backslashes included:
 * expansion (expand.c) interprets them later, when the command runs. The
 * word scanner knows enough nesting ('...', "...", `...`, $(...), ${...})
 * to find where a word ends. When a newline token is produced, the bodies of
 * here-documents named on that line are read from the following lines.
 * Reaching the end of input inside a quote sets lx->incomplete, which the
 * interactive loop uses to ask for another line.
 */
#include "sh.h"

#include <string.h>

void lex_init(struct lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
    lx->lineno = 1;
}

static bool is_op_char(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')';
}

static size_t skip_squote(const char *s, size_t i, size_t len, bool *inc)
{
    while (i < len && s[i] != '\'')
        i++;
    if (i >= len) {
        *inc = true;
        return len;
    }
    return i + 1;
}

static size_t skip_dollar(const char *s, size_t i, size_t len, bool *inc);

static size_t skip_bquote(const char *s, size_t i, size_t len, bool *inc)
{
    while (i < len && s[i] != '`') {
        if (s[i] == '\\' && i + 1 < len)
            i++;
        i++;
    }
    if (i >= len) {
        *inc = true;
        return len;
    }
    return i + 1;
}

static size_t skip_dquote(const char *s, size_t i, size_t len, bool *inc)
{
    while (i < len && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < len)
            i += 2;
        else if (s[i] == '$')
            i = skip_dollar(s, i + 1, len, inc);
        else if (s[i] == '`')
            i = skip_bquote(s, i + 1, len, inc);
        else
            i++;
    }
    if (i >= len) {
        *inc = true;
        return len;
    }
    return i + 1;
}

/* i is just after '$'. Skips (...), ((...)) or {...}. */
static size_t skip_dollar(const char *s, size_t i, size_t len, bool *inc)
{
    if (i >= len || (s[i] != '(' && s[i] != '{'))
        return i;
    char open = s[i], close = open == '(' ? ')' : '}';
    int depth = 1;
    i++;
    while (i < len && depth > 0) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            i += 2;
            continue;
        }
        if (c == '\'' && open == '(') {
            i = skip_squote(s, i + 1, len, inc);
            continue;
        }
        if (c == '"') {
            i = skip_dquote(s, i + 1, len, inc);
            continue;
        }
        if (c == '`') {
            i = skip_bquote(s, i + 1, len, inc);
            continue;
        }
        if (c == '$') {
            i = skip_dollar(s, i + 1, len, inc);
            continue;
        }
        if (c == open)
            depth++;
        else if (c == close)
            depth--;
        i++;
    }
    if (depth > 0)
        *inc = true;
    return i;
}

size_t lex_word_end(const char *s, size_t i, size_t len, bool *inc)
{
    while (i < len) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || is_op_char(c))
            break;
        if (c == '\\') {
            i += (i + 1 < len) ? 2 : 1;
        } else if (c == '\'') {
            i = skip_squote(s, i + 1, len, inc);
        } else if (c == '"') {
            i = skip_dquote(s, i + 1, len, inc);
        } else if (c == '`') {
            i = skip_bquote(s, i + 1, len, inc);
        } else if (c == '$') {
            i = skip_dollar(s, i + 1, len, inc);
        } else {
            i++;
        }
    }
    return i;
}

void lex_add_heredoc(struct lexer *lx, struct redir *r)
{
    if (lx->npending < (int)(sizeof(lx->pending) / sizeof(lx->pending[0])))
        lx->pending[lx->npending++] = r;
}

/* Reads the bodies of the pending here-documents, starting at lx->pos. */
static void read_heredocs(struct lexer *lx)
{
    for (int k = 0; k < lx->npending; k++) {
        struct redir *r = lx->pending[k];
        size_t cap = 64, n = 0;
        char *body = xmalloc(cap);
        bool found = false;
        while (lx->pos < lx->len) {
            size_t start = lx->pos, end = start;
            while (end < lx->len && lx->src[end] != '\n')
                end++;
            lx->pos = end < lx->len ? end + 1 : end;
            lx->lineno++;
            if (r->strip_tabs)
                while (start < end && lx->src[start] == '\t')
                    start++;
            if (end - start == strlen(r->word) && !memcmp(lx->src + start, r->word, end - start)) {
                found = true;
                break;
            }
            size_t l = end - start + 1;
            while (n + l + 1 > cap)
                body = xrealloc(body, cap *= 2);
            memcpy(body + n, lx->src + start, end - start);
            body[n + l - 1] = '\n';
            n += l;
        }
        body[n] = 0;
        r->body = body;
        if (!found)
            lx->incomplete = true;
    }
    lx->npending = 0;
}

static enum tok lex_raw(struct lexer *lx, char **text)
{
    const char *s = lx->src;
    *text = NULL;
    for (;;) {
        while (lx->pos < lx->len && (s[lx->pos] == ' ' || s[lx->pos] == '\t'))
            lx->pos++;
        if (lx->pos + 1 < lx->len && s[lx->pos] == '\\' && s[lx->pos + 1] == '\n') {
            lx->pos += 2;
            lx->lineno++;
            continue;
        }
        if (lx->pos < lx->len && s[lx->pos] == '#') {
            while (lx->pos < lx->len && s[lx->pos] != '\n')
                lx->pos++;
        }
        break;
    }
    if (lx->pos >= lx->len) {
        if (lx->npending)
            lx->incomplete = true;
        return T_EOF;
    }
    char c = s[lx->pos];
    char d = lx->pos + 1 < lx->len ? s[lx->pos + 1] : 0;
    char e = lx->pos + 2 < lx->len ? s[lx->pos + 2] : 0;
    if (c == '\n') {
        lx->pos++;
        lx->lineno++;
        if (lx->npending)
            read_heredocs(lx);
        return T_NEWLINE;
    }
    struct {
        const char *op;
        enum tok t;
    } ops[] = {
        {"<<-", T_DLESSDASH}, {"&&", T_AND},     {"||", T_OR},      {";;", T_DSEMI},
        {"<<", T_DLESS},      {">>", T_DGREAT},  {"<&", T_LESSAND}, {">&", T_GREATAND},
        {"<>", T_LESSGREAT},  {">|", T_CLOBBER}, {";", T_SEMI},     {"&", T_AMP},
        {"|", T_PIPE},        {"(", T_LPAREN},   {")", T_RPAREN},   {"<", T_LESS},
        {">", T_GREAT},
    };
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        size_t l = strlen(ops[k].op);
        if (ops[k].op[0] == c && (l < 2 || ops[k].op[1] == d) && (l < 3 || ops[k].op[2] == e)) {
            lx->pos += l;
            return ops[k].t;
        }
    }
    size_t start = lx->pos;
    size_t end = lex_word_end(s, start, lx->len, &lx->incomplete);
    for (size_t i = start; i < end; i++)
        if (s[i] == '\n')
            lx->lineno++;
    lx->pos = end;
    *text = xstrndup(s + start, end - start);
    bool digits = end > start;
    for (size_t i = start; i < end; i++)
        if (s[i] < '0' || s[i] > '9')
            digits = false;
    if (digits && end < lx->len && (s[end] == '<' || s[end] == '>'))
        return T_IONUM;
    return T_WORD;
}

enum tok lex_peek(struct lexer *lx, char **text)
{
    if (!lx->have_peek) {
        lx->peek = lex_raw(lx, &lx->peek_text);
        lx->have_peek = true;
    }
    if (text)
        *text = lx->peek_text;
    return lx->peek;
}

enum tok lex_next(struct lexer *lx, char **text)
{
    enum tok t = lex_peek(lx, text);
    lx->have_peek = false;
    return t;
}
