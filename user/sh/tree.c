/*
 * tree.c - owning and copying command trees (struct node).
 *
 * Every string and list in a tree belongs to that tree alone: the parser
 * hands the caller a fresh tree for each complete command, the caller runs
 * it and frees it with node_free(). A function definition outlives the
 * line that held it, so func_define() keeps a deep copy (node_copy) of the
 * body instead of pointing into the line's tree.
 */
#include "sh.h"

#include <stdlib.h>
#include <string.h>

static void strv_free(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static char **strv_copy(char **v, int n)
{
    if (!v)
        return NULL;
    char **c = xmalloc(sizeof(char *) * (n + 1));
    for (int i = 0; i < n; i++)
        c[i] = xstrdup(v[i]);
    c[n] = NULL;
    return c;
}

static char *str_copy(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void node_free(struct node *n)
{
    if (!n)
        return;
    node_free(n->a);
    node_free(n->b);
    node_free(n->c);
    strv_free(n->words, n->nwords);
    strv_free(n->assigns, n->nassigns);
    for (struct redir *r = n->redirs, *next; r; r = next) {
        next = r->next;
        free(r->word);
        free(r->body);
        free(r);
    }
    for (struct caseitem *it = n->items, *next; it; it = next) {
        next = it->next;
        strv_free(it->pats, it->npats);
        node_free(it->body);
        free(it);
    }
    free(n->name);
    free(n);
}

struct node *node_copy(const struct node *n)
{
    if (!n)
        return NULL;
    struct node *c = xmalloc(sizeof(*c));
    *c = *n;
    c->a = node_copy(n->a);
    c->b = node_copy(n->b);
    c->c = node_copy(n->c);
    c->words = strv_copy(n->words, n->nwords);
    c->assigns = strv_copy(n->assigns, n->nassigns);
    c->name = str_copy(n->name);
    struct redir **rt = &c->redirs;
    for (const struct redir *r = n->redirs; r; r = r->next) {
        struct redir *d = xmalloc(sizeof(*d));
        *d = *r;
        d->word = str_copy(r->word);
        d->body = str_copy(r->body);
        d->next = NULL;
        *rt = d;
        rt = &d->next;
    }
    struct caseitem **it_tail = &c->items;
    for (const struct caseitem *it = n->items; it; it = it->next) {
        struct caseitem *d = xmalloc(sizeof(*d));
        d->pats = strv_copy(it->pats, it->npats);
        d->npats = it->npats;
        d->body = node_copy(it->body);
        d->next = NULL;
        *it_tail = d;
        it_tail = &d->next;
    }
    return c;
}

/* The command as the user would write it, for job listings: simple
 * commands and pipelines are rebuilt from their words; anything else is
 * named by its first word. */
static void text_add(char **buf, size_t *len, const char *s)
{
    size_t l = strlen(s);
    *buf = xrealloc(*buf, *len + l + 1);
    memcpy(*buf + *len, s, l + 1);
    *len += l;
}

static void node_text_into(const struct node *n, char **buf, size_t *len)
{
    if (!n)
        return;
    switch (n->type) {
    case N_CMD:
        for (int i = 0; i < n->nassigns; i++) {
            text_add(buf, len, n->assigns[i]);
            text_add(buf, len, " ");
        }
        for (int i = 0; i < n->nwords; i++) {
            text_add(buf, len, n->words[i]);
            if (i + 1 < n->nwords)
                text_add(buf, len, " ");
        }
        break;
    case N_PIPE:
        node_text_into(n->a, buf, len);
        text_add(buf, len, " | ");
        node_text_into(n->b, buf, len);
        break;
    case N_NOT:
        text_add(buf, len, "! ");
        node_text_into(n->a, buf, len);
        break;
    case N_AND:
    case N_OR:
        node_text_into(n->a, buf, len);
        text_add(buf, len, n->type == N_AND ? " && " : " || ");
        node_text_into(n->b, buf, len);
        break;
    case N_SUB:
        text_add(buf, len, "( ");
        node_text_into(n->a, buf, len);
        text_add(buf, len, " )");
        break;
    case N_BG:
        node_text_into(n->a, buf, len);
        break;
    default:
        text_add(buf, len,
                 n->type == N_GROUP  ? "{ ... }"
                 : n->type == N_IF   ? "if ..."
                 : n->type == N_FOR  ? "for ..."
                 : n->type == N_CASE ? "case ..."
                 : n->type == N_SEQ  ? "..."
                                     : "while ...");
        break;
    }
}

char *node_text(const struct node *n)
{
    char *buf = xstrdup("");
    size_t len = 0;
    node_text_into(n, &buf, &len);
    return buf;
}
