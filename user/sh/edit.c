/*
 * edit.c - reading a command line on a terminal: line editing and history.
 *
 * When stdin is a terminal the line is read in raw mode (no canonical
 * editing, no echo, no signals from ^C/^Z) and edited here; the terminal's
 * own modes, saved the first time, are put back before the line is returned,
 * so every command runs in them, and at exit (atexit) or on SIGHUP/SIGTERM.
 * Keys: printable characters insert; left/right (^B/^F), home/end (^A/^E),
 * backspace, delete, ^D (delete; end of input on an empty line), ^U (delete
 * to the start), ^K (to the end), ^W (the word before the cursor), up/down
 * (^P/^N) walk the history of this session's lines, ^C abandons the line.
 * The line is redrawn whole after every change: prompt, text, clear to the
 * end of the screen line, cursor moved back (no wrapping of long lines).
 * When stdin is not a terminal the line is read plainly.
 */
#include "sh.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define HIST_MAX 500

static struct termios tty_saved; /* the terminal's modes when we found it */
static bool tty_have_saved;

static char *hist[HIST_MAX];
static int nhist;

struct line {
    char *buf;
    size_t len, pos, cap;
    const char *prompt;
};

void edit_tty_restore(void)
{
    if (tty_have_saved) {
        tcsetattr(0, TCSADRAIN, &tty_saved);
    }
}

static void on_fatal_signal(int sig)
{
    if (tty_have_saved)
        tcsetattr(0, TCSANOW, &tty_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

static bool tty_enter_raw(void)
{
    if (!tty_have_saved) {
        if (tcgetattr(0, &tty_saved) < 0)
            return false;
        tty_have_saved = true;
        atexit(edit_tty_restore);
        signal(SIGHUP, on_fatal_signal);
        signal(SIGTERM, on_fatal_signal);
    }
    struct termios raw = tty_saved;
    raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~(ICRNL | INLCR | IXON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSADRAIN, &raw) < 0)
        return false;
    return true;
}

static void hist_add(const char *s)
{
    if (!*s || (nhist && !strcmp(hist[nhist - 1], s)))
        return;
    if (nhist == HIST_MAX) {
        free(hist[0]);
        memmove(hist, hist + 1, sizeof(hist[0]) * (HIST_MAX - 1));
        nhist--;
    }
    hist[nhist++] = xstrdup(s);
}

static void refresh(struct line *l)
{
    size_t cap = strlen(l->prompt) + l->len + 32;
    char *out = xmalloc(cap);
    int n = snprintf(out, cap, "\r%s%.*s\x1b[K", l->prompt, (int)l->len, l->buf);
    if (l->pos < l->len)
        n += snprintf(out + n, cap - n, "\x1b[%dD", (int)(l->len - l->pos));
    if (write(2, out, n) < 0) {
        /* nothing to do about a terminal that refuses output */
    }
    free(out);
}

static void set_text(struct line *l, const char *s)
{
    size_t n = strlen(s);
    if (n + 1 > l->cap)
        l->buf = xrealloc(l->buf, l->cap = n + 1);
    memcpy(l->buf, s, n);
    l->len = l->pos = n;
}

static void insert(struct line *l, char c)
{
    if (l->len + 2 > l->cap)
        l->buf = xrealloc(l->buf, l->cap *= 2);
    memmove(l->buf + l->pos + 1, l->buf + l->pos, l->len - l->pos);
    l->buf[l->pos++] = c;
    l->len++;
}

/* Deletes the characters [from, to). */
static void erase(struct line *l, size_t from, size_t to)
{
    memmove(l->buf + from, l->buf + to, l->len - to);
    l->len -= to - from;
    l->pos = from;
}

static int read_key(void)
{
    unsigned char c;
    return sh_read(0, &c, 1) == 1 ? c : -1;
}

enum { K_UP = 256, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_DEL, K_NONE };

/* After ESC: CSI and SS3 sequences of the usual terminals. */
static int read_escape(void)
{
    int c = read_key();
    if (c != '[' && c != 'O')
        return K_NONE;
    int d = read_key();
    if (d >= '0' && d <= '9') {
        int num = d - '0';
        while ((d = read_key()) >= '0' && d <= '9')
            num = num * 10 + d - '0';
        if (d != '~')
            return K_NONE;
        return num == 1 || num == 7   ? K_HOME
               : num == 4 || num == 8 ? K_END
               : num == 3             ? K_DEL
                                      : K_NONE;
    }
    switch (d) {
    case 'A':
        return K_UP;
    case 'B':
        return K_DOWN;
    case 'C':
        return K_RIGHT;
    case 'D':
        return K_LEFT;
    case 'H':
        return K_HOME;
    case 'F':
        return K_END;
    default:
        return K_NONE;
    }
}

static char *plain_readline(void)
{
    size_t cap = 128, n = 0;
    char *line = xmalloc(cap);
    for (;;) {
        char c;
        ssize_t r = sh_read(0, &c, 1);
        if (r <= 0) {
            if (n == 0) {
                free(line);
                return NULL;
            }
            break;
        }
        if (c == '\n')
            break;
        if (n + 2 > cap)
            line = xrealloc(line, cap *= 2);
        line[n++] = c;
    }
    line[n] = 0;
    return line;
}

char *edit_readline(const char *prompt)
{
    /*
     * Raw mode before the prompt: whoever types once the prompt shows must
     * not meet the cooked line discipline (it would echo escape sequences).
     */
    if (!isatty(0) || !tty_enter_raw()) {
        out_str(2, prompt);
        return plain_readline();
    }
    out_str(2, prompt);
    const char *p = strrchr(prompt, '\n');
    struct line l = {.cap = 128, .prompt = p ? p + 1 : prompt};
    l.buf = xmalloc(l.cap);
    int hpos = nhist;   /* nhist: the line being typed */
    char *draft = NULL; /* the line being typed, while walking the history */
    bool eof = false;
    for (;;) {
        int c = read_key();
        if (c == 27)
            c = read_escape();
        if (c < 0 || (c == 4 && l.len == 0)) {
            eof = true;
            break;
        }
        if (c == '\r' || c == '\n')
            break;
        switch (c) {
        case 1:
        case K_HOME:
            l.pos = 0;
            break;
        case 5:
        case K_END:
            l.pos = l.len;
            break;
        case 2:
        case K_LEFT:
            if (l.pos > 0)
                l.pos--;
            break;
        case 6:
        case K_RIGHT:
            if (l.pos < l.len)
                l.pos++;
            break;
        case 127:
        case 8:
            if (l.pos > 0)
                erase(&l, l.pos - 1, l.pos);
            break;
        case 4:
        case K_DEL:
            if (l.pos < l.len)
                erase(&l, l.pos, l.pos + 1);
            break;
        case 21:
            erase(&l, 0, l.pos);
            break;
        case 11:
            l.len = l.pos;
            break;
        case 23: {
            size_t i = l.pos;
            while (i > 0 && l.buf[i - 1] == ' ')
                i--;
            while (i > 0 && l.buf[i - 1] != ' ')
                i--;
            erase(&l, i, l.pos);
            break;
        }
        case 3:
            /* ^C: abandon the line */
            out_str(2, "^C\r\n");
            l.len = l.pos = 0;
            out_str(2, l.prompt);
            hpos = nhist;
            continue;
        case 16:
        case K_UP:
        case 14:
        case K_DOWN: {
            int to = (c == 16 || c == K_UP) ? hpos - 1 : hpos + 1;
            if (to < 0 || to > nhist)
                break;
            l.buf[l.len] = 0;
            if (hpos == nhist) {
                free(draft);
                draft = xstrndup(l.buf, l.len);
            }
            hpos = to;
            set_text(&l, hpos == nhist ? draft : hist[hpos]);
            break;
        }
        default:
            if (c >= 32 && c < 256 && c != 127)
                insert(&l, (char)c);
            break;
        }
        refresh(&l);
    }
    free(draft);
    out_str(2, "\r\n");
    edit_tty_restore();
    if (eof && l.len == 0) {
        free(l.buf);
        return NULL;
    }
    l.buf[l.len] = 0;
    hist_add(l.buf);
    return l.buf;
}
