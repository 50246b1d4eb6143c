/*
 * vars.c - shell variables, the environment and positional parameters.
 *
 * Variables live in one list (shells have tens of them, not thousands).
 * `local` in a function saves the old value on a frame that locals_pop()
 * restores when the function returns.
 */
#include "sh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct var {
    char *name;
    char *val; /* NULL: declared (export/local) but unset */
    bool exported;
    struct var *next;
};

static struct var *vars;

int pos_argc;
char **pos_argv;
char *arg0;

bool is_name(const char *s, size_t n)
{
    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static struct var *find(const char *name)
{
    for (struct var *v = vars; v; v = v->next)
        if (!strcmp(v->name, name))
            return v;
    return NULL;
}

static struct var *find_or_add(const char *name)
{
    struct var *v = find(name);
    if (!v) {
        v = xmalloc(sizeof(*v));
        v->name = xstrdup(name);
        v->val = NULL;
        v->exported = false;
        v->next = vars;
        vars = v;
    }
    return v;
}

const char *var_get(const char *name)
{
    struct var *v = find(name);
    return v ? v->val : NULL;
}

int var_set(const char *name, const char *val, bool export_it)
{
    struct var *v = find_or_add(name);
    char *old = v->val;
    v->val = val ? xstrdup(val) : NULL;
    free(old);
    if (export_it)
        v->exported = true;
    return 0;
}

void var_unset(const char *name)
{
    for (struct var **pp = &vars; *pp; pp = &(*pp)->next) {
        if (!strcmp((*pp)->name, name)) {
            struct var *v = *pp;
            *pp = v->next;
            free(v->name);
            free(v->val);
            free(v);
            return;
        }
    }
}

void var_export(const char *name)
{
    find_or_add(name)->exported = true;
}

char **var_environ(void)
{
    int n = 0;
    for (struct var *v = vars; v; v = v->next)
        n++;
    char **env = xmalloc(sizeof(char *) * (n + 1));
    int k = 0;
    for (struct var *v = vars; v; v = v->next) {
        if (!v->exported || !v->val)
            continue;
        size_t l = strlen(v->name) + strlen(v->val) + 2;
        env[k] = xmalloc(l);
        snprintf(env[k], l, "%s=%s", v->name, v->val);
        k++;
    }
    env[k] = NULL;
    return env;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints in a form the shell can read back: export NAME='value'. */
void var_print(bool exported_only)
{
    int n = 0;
    for (struct var *v = vars; v; v = v->next)
        n++;
    char **names = xmalloc(sizeof(char *) * (n + 1));
    n = 0;
    for (struct var *v = vars; v; v = v->next)
        if (!exported_only || v->exported)
            names[n++] = v->name;
    qsort(names, n, sizeof(char *), cmp_str);
    for (int i = 0; i < n; i++) {
        struct var *v = find(names[i]);
        if (exported_only)
            out_str(1, "export ");
        out_str(1, v->name);
        if (v->val) {
            out_str(1, "='");
            for (const char *s = v->val; *s; s++) {
                if (*s == '\'')
                    out_str(1, "'\\''");
                else
                    out_fmt(1, "%c", *s);
            }
            out_str(1, "'");
        }
        out_str(1, "\n");
    }
    free(names);
}

void var_import(char **envp)
{
    for (; envp && *envp; envp++) {
        char *eq = strchr(*envp, '=');
        if (!eq || !is_name(*envp, eq - *envp))
            continue;
        char *name = xstrndup(*envp, eq - *envp);
        var_set(name, eq + 1, true);
        free(name);
    }
}

/* ---- local variables --------------------------------------------------------- */

struct saved {
    char *name;
    char *val;
    bool existed, exported;
    struct saved *next;
};

struct local_frame {
    struct saved *saved;
    struct local_frame *up;
    bool temporary; /* the assignments before a command: `local` declares below it */
};

static struct local_frame *frames;

static void push_frame(bool temporary)
{
    struct local_frame *f = xmalloc(sizeof(*f));
    f->saved = NULL;
    f->up = frames;
    f->temporary = temporary;
    frames = f;
}

void locals_push(void)
{
    push_frame(false);
}

void locals_push_temporary(void)
{
    push_frame(true);
}

void locals_pop(void)
{
    struct local_frame *f = frames;
    if (!f)
        return;
    frames = f->up;
    for (struct saved *s = f->saved, *next; s; s = next) {
        next = s->next;
        if (s->existed) {
            var_set(s->name, s->val, false);
            find(s->name)->exported = s->exported;
        } else {
            var_unset(s->name);
        }
        free(s->name);
        free(s->val);
        free(s);
    }
    free(f);
}

/* Saves name's value and export flag in f, once, for locals_pop to put back. */
static void save_in(struct local_frame *f, const char *name)
{
    for (struct saved *s = f->saved; s; s = s->next)
        if (!strcmp(s->name, name))
            return;
    struct saved *s = xmalloc(sizeof(*s));
    struct var *v = find(name);
    s->name = xstrdup(name);
    s->existed = v != NULL;
    s->val = v && v->val ? xstrdup(v->val) : NULL;
    s->exported = v && v->exported;
    s->next = f->saved;
    f->saved = s;
}

int local_declare(const char *name)
{
    struct local_frame *f = frames;
    while (f && f->temporary)
        f = f->up;
    if (!f) {
        sh_error("local: not in a function");
        return 1;
    }
    save_in(f, name);
    return 0;
}

void local_save_temporary(const char *name)
{
    save_in(frames, name);
}
