/*
 * arith.c - $(( )) arithmetic: long integers, C precedence, variables by
 * name, assignment with = += -= *= /= %=, the ternary operator.
 * Parameters were already expanded; a bare name reads the variable (unset or
 * empty is 0).
 */
#include "sh.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ar {
    const char *p;
    int err;
    bool noeval; /* inside the untaken side of && || ?: */
};

static long ar_expr(struct ar *a);

static void ws(struct ar *a)
{
    while (isspace((unsigned char)*a->p))
        a->p++;
}

static bool eat(struct ar *a, const char *op)
{
    ws(a);
    size_t n = strlen(op);
    if (strncmp(a->p, op, n))
        return false;
    /* do not take "<" from "<<" or "<=", "=" from "==", "&" from "&&" ... */
    if (n == 1 && a->p[1] && strchr("<>=&|", *op) && a->p[1] == *op)
        return false;
    if (n == 1 && a->p[1] == '=' && strchr("<>=!+-*/%", *op))
        return false;
    a->p += n;
    return true;
}

static long var_num(const char *name)
{
    const char *v = var_get(name);
    return v && *v ? strtol(v, NULL, 0) : 0;
}

static long ar_primary(struct ar *a)
{
    ws(a);
    if (eat(a, "(")) {
        long v = ar_expr(a);
        if (!eat(a, ")"))
            a->err = 1;
        return v;
    }
    if (eat(a, "-"))
        return -ar_primary(a);
    if (eat(a, "+"))
        return ar_primary(a);
    if (eat(a, "!"))
        return !ar_primary(a);
    if (eat(a, "~"))
        return ~ar_primary(a);
    if (isdigit((unsigned char)*a->p)) {
        char *e;
        long v = strtol(a->p, &e, 0);
        a->p = e;
        return v;
    }
    if (isalpha((unsigned char)*a->p) || *a->p == '_') {
        const char *s = a->p;
        while (isalnum((unsigned char)*a->p) || *a->p == '_')
            a->p++;
        char *name = xstrndup(s, a->p - s);
        long v = var_num(name);
        static const char *ops[] = {"+=", "-=", "*=", "/=", "%=", NULL};
        ws(a);
        int op = -1;
        for (int i = 0; ops[i]; i++)
            if (!strncmp(a->p, ops[i], 2))
                op = i;
        if (op >= 0 || (a->p[0] == '=' && a->p[1] != '=')) {
            a->p += op >= 0 ? 2 : 1;
            long r = ar_expr(a);
            if (op == 0)
                r = v + r;
            else if (op == 1)
                r = v - r;
            else if (op == 2)
                r = v * r;
            else if (op >= 3) {
                if (r == 0) {
                    a->err = 2;
                    r = 1;
                }
                r = op == 3 ? v / r : v % r;
            }
            if (!a->noeval) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%ld", r);
                var_set(name, buf, false);
            }
            v = r;
        }
        free(name);
        return v;
    }
    a->err = 1;
    return 0;
}

static int prec(const char *op)
{
    static const struct {
        const char *op;
        int prec;
    } t[] = {
        {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6},
        {"!=", 6}, {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"<", 7},
        {">", 7},  {"+", 9},  {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (!strcmp(t[i].op, op))
            return t[i].prec;
    return 0;
}

static const char *peek_op(struct ar *a)
{
    static const char *ops[] = {"||", "&&", "==", "!=", "<=", ">=", "<<", ">>", "|", "^",
                                "&",  "<",  ">",  "+",  "-",  "*",  "/",  "%",  NULL};
    ws(a);
    for (int i = 0; ops[i]; i++) {
        size_t n = strlen(ops[i]);
        if (!strncmp(a->p, ops[i], n)) {
            if (n == 1 && a->p[1] == '=' && strchr("+-*/%|&^", *ops[i]))
                return NULL; /* an assignment operator */
            return ops[i];
        }
    }
    return NULL;
}

static long ar_binary(struct ar *a, int minprec)
{
    long l = ar_primary(a);
    for (;;) {
        const char *op = peek_op(a);
        if (!op || prec(op) < minprec)
            return l;
        a->p += strlen(op);
        bool save = a->noeval;
        if ((!strcmp(op, "&&") && !l) || (!strcmp(op, "||") && l))
            a->noeval = true;
        long r = ar_binary(a, prec(op) + 1);
        a->noeval = save;
        switch (op[0]) {
        case '|':
            l = op[1] ? (l || r) : (l | r);
            break;
        case '&':
            l = op[1] ? (l && r) : (l & r);
            break;
        case '^':
            l ^= r;
            break;
        case '=':
            l = l == r;
            break;
        case '!':
            l = l != r;
            break;
        case '<':
            l = op[1] == '=' ? l <= r : op[1] == '<' ? l << r : l < r;
            break;
        case '>':
            l = op[1] == '=' ? l >= r : op[1] == '>' ? l >> r : l > r;
            break;
        case '+':
            l += r;
            break;
        case '-':
            l -= r;
            break;
        case '*':
            l *= r;
            break;
        case '/':
        case '%':
            if (r == 0) {
                if (!a->noeval)
                    a->err = 2;
                r = 1;
            }
            l = op[0] == '/' ? l / r : l % r;
            break;
        }
    }
}

static long ar_expr(struct ar *a)
{
    long c = ar_binary(a, 1);
    if (eat(a, "?")) {
        bool save = a->noeval;
        a->noeval = save || !c;
        long x = ar_expr(a);
        if (!eat(a, ":"))
            a->err = 1;
        a->noeval = save || c;
        long y = ar_expr(a);
        a->noeval = save;
        return c ? x : y;
    }
    return c;
}

long arith_eval(const char *expr, int *err)
{
    struct ar a = {.p = expr};
    ws(&a);
    long v = *a.p ? ar_expr(&a) : 0;
    ws(&a);
    if (!a.err && *a.p)
        a.err = 1;
    if (a.err == 2)
        sh_error("arithmetic: division by zero");
    else if (a.err)
        sh_error("arithmetic syntax error: \"%s\"", expr);
    *err = a.err;
    return v;
}
