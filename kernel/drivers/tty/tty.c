/*
 * tty.c - the line discipline (drivers/tty.h; docs/tty.md).
 *
 * Input arrives one byte at a time in tty_input, from interrupt handlers,
 * and is processed at once under rwq.lock, as Linux's n_tty does: c_iflag
 * mapping (ICRNL, INLCR, IGNCR, ISTRIP), ISIG's characters (the input is
 * flushed, the character echoed, and the signal sent to the foreground
 * group once the lock is dropped), and then either canonical editing or
 * raw storage, with echo.
 *
 * The input buffer is one ring with three free-running indices: tail (the
 * next byte a reader takes), canon (the end of what readers may take) and
 * head (the end of everything typed). In canonical mode [canon, head) is
 * the line being edited - erase, kill and word erase only ever remove
 * bytes there - and a line terminator ('\n', VEOL, VEOL2, VEOF) moves canon
 * to head. Each byte carries flags: TTY_F_EOL marks a line's last byte (a
 * read stops after it), TTY_F_EOF marks VEOF, which ends a line but is not
 * data (on an empty line it makes read return 0). Outside canonical mode
 * canon always equals head. One byte is kept free in canonical mode so a
 * full line can still be ended.
 *
 * Readers sleep on rwq (its lock is the tty's lock) with the interruptible
 * wait of object/uthread.h, so a signal or a kill ends the wait. Canonical
 * reads return at most one line; non-canonical reads follow VMIN/VTIME
 * (the four cases of POSIX: VTIME is an overall timer when VMIN is 0 and
 * an inter-byte timer otherwise). poll and select wait on rd_head
 * (posix/poll.h), which wake_readers wakes together with rwq, under the
 * lock; tty_poll registers before it looks, so no wake is lost between.
 *
 * Output: OPOST with ONLCR and OCRNL; everything else in c_oflag is kept
 * but has no effect. Echo runs in the input path and goes through the same
 * OPOST processing, to the driver's output.
 */
#include <basalt/errno.h>
#include <basalt/signal.h>
#include <drivers/tty.h>
#include <lib/string.h>
#include <object/uthread.h>
#include <posix/poll.h>
#include <posix/signal.h>
#include <time.h>
#include <usercopy.h>

STATIC_ASSERT(sizeof(struct linux_termios) == 36);
STATIC_ASSERT((TTY_BUF_SIZE & (TTY_BUF_SIZE - 1)) == 0);

#define TTY_F_EOL 1u /* ends a line */
#define TTY_F_EOF 2u /* VEOF: ends a line, not data */

#define VTIME_NS 100000000ull /* VTIME counts tenths of a second */

/* Linux's defaults (tty_std_termios, INIT_C_CC), without IXON (no flow control here). */
static const struct linux_termios default_termios = {
    .c_iflag = ICRNL,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = B38400 | CS8 | CREAD | HUPCL,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    .c_cc = {[VINTR] = 0x03,
             [VQUIT] = 0x1c,
             [VERASE] = 0x7f,
             [VKILL] = 0x15,
             [VEOF] = 0x04,
             [VTIME] = 0,
             [VMIN] = 1,
             [VSTART] = 0x11,
             [VSTOP] = 0x13,
             [VSUSP] = 0x1a,
             [VREPRINT] = 0x12,
             [VDISCARD] = 0x0f,
             [VWERASE] = 0x17,
             [VLNEXT] = 0x16},
};

void tty_init(struct tty *t, const char *name, const struct tty_ops *ops)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    t->ops = ops;
    wait_queue_init(&t->rwq, name);
    poll_head_init(&t->rd_head);
    t->termios = default_termios;
    t->winsize = (struct linux_winsize){.ws_row = 25, .ws_col = 80};
}

void tty_destroy(struct tty *t)
{
    poll_head_destroy(&t->rd_head);
    wait_queue_destroy(&t->rwq);
}

/* ---- output ---- */

/* Writes s through OPOST processing (oflag: a snapshot of c_oflag) to the driver. */
static void emit(struct tty *t, uint32_t oflag, const char *s, size_t n)
{
    if (!(oflag & OPOST)) {
        t->ops->output(t, s, n);
        return;
    }
    char out[130];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n' && (oflag & ONLCR))
            out[k++] = '\r';
        else if (c == '\r' && (oflag & OCRNL))
            c = '\n';
        out[k++] = c;
        if (k >= sizeof(out) - 2) {
            t->ops->output(t, out, k);
            k = 0;
        }
    }
    if (k)
        t->ops->output(t, out, k);
}

uint32_t tty_write_mode(struct tty *t, bool *tostop)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    uint32_t oflag = t->termios.c_oflag;
    if (tostop)
        *tostop = t->termios.c_lflag & TOSTOP;
    spin_unlock_irqrestore(&t->rwq.lock, st);
    return oflag;
}

void tty_write_oflag(struct tty *t, uint32_t oflag, const void *buf, size_t len)
{
    emit(t, oflag, buf, len);
}

int64_t tty_write(struct tty *t, const void *buf, size_t len)
{
    emit(t, tty_write_mode(t, NULL), buf, len);
    return (int64_t)len;
}

/* ---- input: echo and editing (rwq.lock held) ---- */

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* Is c the control character cc (0, _POSIX_VDISABLE, disables it)? */
static bool is_cc(unsigned char c, uint8_t cc)
{
    return cc != 0 && c == cc;
}

static void echo_char(struct tty *t, unsigned char c)
{
    uint32_t o = t->termios.c_oflag;
    if ((t->termios.c_lflag & ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n') {
        char s[2] = {'^', (char)(c ^ 0x40)}; /* ^C, and ^? for DEL */
        emit(t, o, s, 2);
    } else {
        char s = (char)c;
        emit(t, o, &s, 1);
    }
}

/* Input may have become readable: wakes the readers and the pollers (poll_wake, under the lock). */
static void wake_readers(struct tty *t)
{
    wait_queue_wake_all_locked(&t->rwq, OK);
    poll_wake(&t->rd_head);
}

static bool store(struct tty *t, unsigned char c, uint8_t fl)
{
    if (t->head - t->tail >= TTY_BUF_SIZE)
        return false;
    t->buf[t->head % TTY_BUF_SIZE] = (char)c;
    t->flags[t->head % TTY_BUF_SIZE] = fl;
    t->head++;
    return true;
}

/* The columns the echo of [canon, end) took, counted from the line's start. */
static unsigned line_columns(struct tty *t, uint32_t end)
{
    unsigned col = 0;
    bool ctl = t->termios.c_lflag & ECHOCTL, utf8 = t->termios.c_iflag & IUTF8;
    for (uint32_t i = t->canon; i != end; i++) {
        unsigned char c = (unsigned char)t->buf[i % TTY_BUF_SIZE];
        if (c == '\t')
            col = (col | 7) + 1;
        else if (is_ctl(c))
            col += ctl ? 2 : 0;
        else if (!utf8 || (c & 0xc0) != 0x80)
            col++;
    }
    return col;
}

/*
 * Removes the last character of the line being edited (with IUTF8, all its
 * bytes); with echo, rubs it out ("\b \b" per column, ECHOE) or echoes
 * VERASE. False when the line is empty.
 */
static bool erase_one(struct tty *t, bool echo)
{
    if (t->head == t->canon)
        return false;
    unsigned before = echo ? line_columns(t, t->head) : 0;
    unsigned char c;
    do
        c = (unsigned char)t->buf[--t->head % TTY_BUF_SIZE];
    while ((t->termios.c_iflag & IUTF8) && (c & 0xc0) == 0x80 && t->head != t->canon);
    if (!echo)
        return true;
    if (t->termios.c_lflag & ECHOE) {
        unsigned cols = before - line_columns(t, t->head);
        for (unsigned i = 0; i < cols; i++)
            emit(t, t->termios.c_oflag, "\b \b", 3);
    } else {
        echo_char(t, t->termios.c_cc[VERASE]);
    }
    return true;
}

static void kill_line(struct tty *t)
{
    uint32_t l = t->termios.c_lflag;
    bool visual = (l & ECHO) && (l & ECHOE) && (l & ECHOKE);
    while (erase_one(t, visual))
        ;
    if ((l & ECHO) && !visual) {
        echo_char(t, t->termios.c_cc[VKILL]);
        if (l & ECHOK)
            emit(t, t->termios.c_oflag, "\n", 1);
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* VWERASE: the blanks before the cursor, then the word before them. */
static void erase_word(struct tty *t)
{
    bool echo = t->termios.c_lflag & ECHO;
    while (t->head != t->canon && is_blank(t->buf[(t->head - 1) % TTY_BUF_SIZE]))
        erase_one(t, echo);
    while (t->head != t->canon && !is_blank(t->buf[(t->head - 1) % TTY_BUF_SIZE]))
        erase_one(t, echo);
}

/* One byte through the discipline; returns a signal to send to the foreground group, or 0. */
static int input_locked(struct tty *t, unsigned char c)
{
    const struct linux_termios *tio = &t->termios;
    uint32_t i = tio->c_iflag, l = tio->c_lflag;
    const uint8_t *cc = tio->c_cc;
    bool canon = l & ICANON;

    if (t->lnext) {
        t->lnext = false; /* stored as it is, whatever it is */
    } else {
        if (i & ISTRIP)
            c &= 0x7f;
        if (c == '\r') {
            if (i & IGNCR)
                return 0;
            if (i & ICRNL)
                c = '\n';
        } else if (c == '\n' && (i & INLCR)) {
            c = '\r';
        }
        if (l & ISIG) {
            int sig = is_cc(c, cc[VINTR])   ? SIGINT
                      : is_cc(c, cc[VQUIT]) ? SIGQUIT
                      : is_cc(c, cc[VSUSP]) ? SIGTSTP
                                            : 0;
            if (sig) {
                if (!(l & NOFLSH))
                    t->tail = t->canon = t->head;
                if (l & ECHO)
                    echo_char(t, c);
                return sig;
            }
        }
        if ((l & IEXTEN) && is_cc(c, cc[VLNEXT])) {
            t->lnext = true;
            if ((l & ECHO) && (l & ECHOCTL))
                emit(t, tio->c_oflag, "^\b", 2); /* the next byte's echo covers it */
            return 0;
        }
        if (canon) {
            /* ^H erases too when VERASE is DEL: terminals send either for Backspace. */
            if (is_cc(c, cc[VERASE]) || (c == '\b' && cc[VERASE] == 0x7f)) {
                erase_one(t, l & ECHO);
                return 0;
            }
            if (is_cc(c, cc[VKILL])) {
                kill_line(t);
                return 0;
            }
            if ((l & IEXTEN) && is_cc(c, cc[VWERASE])) {
                erase_word(t);
                return 0;
            }
            if (is_cc(c, cc[VEOF])) {
                if (store(t, c, TTY_F_EOL | TTY_F_EOF)) {
                    t->canon = t->head;
                    wake_readers(t);
                }
                return 0;
            }
            if (c == '\n' || is_cc(c, cc[VEOL]) || is_cc(c, cc[VEOL2])) {
                if (!store(t, c, TTY_F_EOL))
                    return 0;
                if ((l & ECHO) || (c == '\n' && (l & ECHONL)))
                    echo_char(t, c);
                t->canon = t->head;
                wake_readers(t);
                return 0;
            }
        }
    }
    if (canon) {
        if (t->head - t->tail >= TTY_BUF_SIZE - 1)
            return 0; /* the last byte is kept for the line's end */
        store(t, c, 0);
    } else {
        if (!store(t, c, 0))
            return 0;
        t->canon = t->head;
        wake_readers(t);
    }
    if (l & ECHO)
        echo_char(t, c);
    return 0;
}

void tty_input(struct tty *t, char c)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    int sig = input_locked(t, (unsigned char)c);
    int pgrp = t->pgrp;
    spin_unlock_irqrestore(&t->rwq.lock, st);
    if (sig && pgrp > 0)
        t->ops->signal(t, pgrp, sig);
    poll_after_wake(); /* with interrupts off (a handler), nothing: its return switches */
}

/* ---- reading ---- */

/* Canonical: up to len bytes of the first line (its VEOF taken, not copied). */
static size_t take_line(struct tty *t, char *out, size_t len)
{
    size_t n = 0;
    while (t->tail != t->canon && n < len) {
        uint32_t at = t->tail % TTY_BUF_SIZE;
        uint8_t fl = t->flags[at];
        t->tail++;
        if (fl & TTY_F_EOF)
            break;
        out[n++] = t->buf[at];
        if (fl & TTY_F_EOL)
            break;
    }
    return n;
}

static size_t take_raw(struct tty *t, char *out, size_t len)
{
    size_t n = 0;
    while (t->tail != t->canon && n < len)
        out[n++] = t->buf[t->tail++ % TTY_BUF_SIZE];
    return n;
}

int64_t tty_read(struct tty *t, void *buf, size_t len, bool nonblock)
{
    if (len == 0)
        return 0;
    if (uthread_wait_begin(&t->rwq) != OK)
        return -ERESTARTSYS;
    char *out = buf;
    size_t n = 0;
    int64_t err = 0;
    uint64_t deadline = DEADLINE_INFINITE;
    bool timed_out = false;
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    for (;;) {
        const uint8_t *cc = t->termios.c_cc;
        if (t->termios.c_lflag & ICANON) {
            if (t->tail != t->canon) {
                n = take_line(t, out, len); /* 0: end of file */
                break;
            }
        } else {
            size_t got = take_raw(t, out + n, len - n);
            n += got;
            if (cc[VMIN] == 0) {
                if (n || cc[VTIME] == 0 || timed_out)
                    break;
                if (deadline == DEADLINE_INFINITE)
                    deadline = clock_monotonic_ns() + cc[VTIME] * VTIME_NS;
            } else {
                if (n >= MIN((size_t)cc[VMIN], len) || timed_out)
                    break;
                if (got && cc[VTIME]) /* the inter-byte timer restarts with every byte */
                    deadline = clock_monotonic_ns() + cc[VTIME] * VTIME_NS;
            }
        }
        if (nonblock) {
            err = -EAGAIN;
            break;
        }
        /* A kill or a signal wakes every reader: only the thread it is for leaves. */
        if (uthread_wait_interrupted()) {
            err = -ERESTARTSYS;
            break;
        }
        if (wait_queue_block_locked(&t->rwq, deadline) == ERR_TIMED_OUT)
            timed_out = true;
    }
    spin_unlock_irqrestore(&t->rwq.lock, st);
    uthread_wait_end();
    return n ? (int64_t)n : err;
}

/* Would a poll see input? As Linux's input_available_p(tty, 1). */
static bool poll_readable_locked(struct tty *t)
{
    const struct linux_termios *tio = &t->termios;
    if (tio->c_lflag & ICANON)
        return t->tail != t->canon; /* a finished line, maybe a lone VEOF (end of file) */
    /* VMIN>0, VTIME=0 reads wait for VMIN bytes; the other cases return with one. */
    uint32_t want = tio->c_cc[VTIME] == 0 && tio->c_cc[VMIN] ? tio->c_cc[VMIN] : 1;
    return t->canon - t->tail >= want;
}

unsigned tty_poll(struct tty *t, struct file *f, struct poll_table *pt)
{
    /* Register first (it may allocate: not under the spinlock), then look: see posix/poll.h. */
    poll_wait(f, &t->rd_head, pt);
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    bool in = poll_readable_locked(t);
    spin_unlock_irqrestore(&t->rwq.lock, st);
    return (in ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

size_t tty_readable(struct tty *t)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    size_t n = 0;
    if (t->termios.c_lflag & ICANON) {
        /* What reads would return: the data bytes of the complete lines. */
        for (uint32_t i = t->tail; i != t->canon; i++)
            n += !(t->flags[i % TTY_BUF_SIZE] & TTY_F_EOF);
    } else {
        n = t->canon - t->tail;
    }
    spin_unlock_irqrestore(&t->rwq.lock, st);
    return n;
}

/* ---- termios ---- */

void tty_get_termios(struct tty *t, struct linux_termios *out)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    *out = t->termios;
    spin_unlock_irqrestore(&t->rwq.lock, st);
}

void tty_set_termios(struct tty *t, const struct linux_termios *tio, bool flush)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    bool was_canon = t->termios.c_lflag & ICANON;
    t->termios = *tio;
    if (flush)
        t->tail = t->canon = t->head;
    if (was_canon != !!(tio->c_lflag & ICANON)) {
        /* Either way, what was typed becomes readable (Linux does the same). */
        t->canon = t->head;
        t->lnext = false;
    }
    wake_readers(t); /* VMIN or ICANON may have changed what they wait for */
    spin_unlock_irqrestore(&t->rwq.lock, st);
    poll_after_wake();
}

static void flush_input(struct tty *t)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    t->tail = t->canon = t->head;
    spin_unlock_irqrestore(&t->rwq.lock, st);
}

int64_t tty_ioctl(struct tty *t, unsigned long req, uintptr_t arg)
{
    struct linux_termios tio;
    struct linux_winsize ws;
    switch (req) {
    case TCGETS:
        tty_get_termios(t, &tio);
        return copy_to_user((void *)arg, &tio, sizeof(tio)) == OK ? 0 : -EFAULT;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        /* Output is written synchronously: "after it drained" is now. */
        if (copy_from_user(&tio, (const void *)arg, sizeof(tio)) != OK)
            return -EFAULT;
        tty_set_termios(t, &tio, req == TCSETSF);
        return 0;
    case TIOCGWINSZ: {
        irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
        ws = t->winsize;
        spin_unlock_irqrestore(&t->rwq.lock, st);
        return copy_to_user((void *)arg, &ws, sizeof(ws)) == OK ? 0 : -EFAULT;
    }
    case TIOCSWINSZ: {
        if (copy_from_user(&ws, (const void *)arg, sizeof(ws)) != OK)
            return -EFAULT;
        irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
        bool changed = memcmp(&ws, &t->winsize, sizeof(ws)) != 0;
        t->winsize = ws;
        int pgrp = t->pgrp;
        spin_unlock_irqrestore(&t->rwq.lock, st);
        if (changed && pgrp > 0)
            t->ops->signal(t, pgrp, SIGWINCH);
        return 0;
    }
    case FIONREAD: {
        int n = (int)tty_readable(t);
        return copy_to_user((void *)arg, &n, sizeof(n)) == OK ? 0 : -EFAULT;
    }
    case TIOCOUTQ: {
        int n = 0; /* output never waits in a queue */
        return copy_to_user((void *)arg, &n, sizeof(n)) == OK ? 0 : -EFAULT;
    }
    case TCFLSH:
        if (arg > TCIOFLUSH)
            return -EINVAL;
        if (arg != TCOFLUSH)
            flush_input(t);
        return 0;
    case TCSBRK:
        return 0; /* tcdrain: nothing is queued; a break is not sent on this console */
    case TCXONC:
        return arg <= TCION ? 0 : -EINVAL; /* no flow control */
    default:
        return -ENOTTY;
    }
}
