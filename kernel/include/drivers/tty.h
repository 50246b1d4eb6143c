/*
 * drivers/tty.h - terminals: the line discipline (kernel/drivers/tty/tty.c)
 * and the console terminal with its devices (kernel/drivers/tty/tty_dev.c).
 * docs/tty.md has the design.
 *
 * A struct tty is one terminal: its termios and window size, its session
 * and foreground process group, and an input buffer that the line
 * discipline fills from tty_input (called per received byte, from
 * interrupt handlers) and readers empty with tty_read. Output (tty_write,
 * and echo) goes through the driver's `output` after OPOST processing.
 * `signal` sends ISIG's signals (posix_signal_pgrp for the console; tests
 * record them).
 *
 * Lock: `rwq.lock` (a spinlock, interrupts off) guards everything marked
 * below and is the lock readers sleep under. Order: the keyboard's lock
 * (input arrives under it) -> rwq.lock -> log_lock (output), and
 * rwq.lock -> poll_head.lock (rd_head is woken under it). `signal` is
 * called after rwq.lock is dropped (it wakes sleepers on their queues).
 *
 * poll (tty_poll): rd_head is woken wherever the sleepers on rwq are (a
 * line ends, a byte arrives outside canonical mode, tcsetattr), so a poll
 * or select of the terminal sleeps until a read would not block.
 */
#pragma once

#include <basalt/termios.h>
#include <posix/poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sync/waitqueue.h>

#define TTY_BUF_SIZE 4096 /* input bytes held; a power of two */

struct file;
struct tty;

struct tty_ops {
    /* Writes bytes (already OPOST-processed) to the terminal; may run with rwq.lock held. */
    void (*output)(struct tty *t, const char *buf, size_t len);
    /* Sends sig to process group pgrp (ISIG); no tty lock held. */
    void (*signal)(struct tty *t, int pgrp, int sig);
};

struct tty {
    const char *name;
    const struct tty_ops *ops;
    struct wait_queue rwq;    /* readers sleep here; its lock guards the fields below */
    struct poll_head rd_head; /* pollers of input: woken with rwq's sleepers, under rwq.lock */
    /* Guarded by rwq.lock: */
    struct linux_termios termios;
    struct linux_winsize winsize;
    int pgrp, sid; /* foreground process group and session; 0: none */
    /*
     * Input: free-running indices into buf/flags. [tail, canon) is what
     * readers may take (complete lines in canonical mode, everything
     * otherwise); [canon, head) is the line being edited.
     */
    char buf[TTY_BUF_SIZE];
    uint8_t flags[TTY_BUF_SIZE]; /* TTY_F_*: per byte */
    uint32_t tail, canon, head;
    bool lnext; /* the last byte was VLNEXT: take the next one literally */
};

/* Sets up t with Linux's default termios (cooked, echo, ISIG) and a 80x25 window. */
void tty_init(struct tty *t, const char *name, const struct tty_ops *ops);
void tty_destroy(struct tty *t);

/* One received byte through the line discipline (interrupt handlers too). */
void tty_input(struct tty *t, char c);

/*
 * Reads up to len bytes as termios says (canonical: at most one line;
 * VMIN/VTIME otherwise). Sleeps interruptibly: -ERESTARTSYS when a signal
 * (or a kill) comes before any byte; -EAGAIN when nonblock and nothing is
 * there. 0 is end of file (VEOF on an empty line) or VMIN=0 with nothing.
 */
int64_t tty_read(struct tty *t, void *buf, size_t len, bool nonblock);
/* Writes len bytes with OPOST processing: returns len. */
int64_t tty_write(struct tty *t, const void *buf, size_t len);
/*
 * What a write needs of termios, in one look under the lock: c_oflag for
 * tty_write_oflag, and in *tostop whether TOSTOP is set.
 */
uint32_t tty_write_mode(struct tty *t, bool *tostop);
/* tty_write with c_oflag as tty_write_mode gave it (no lock taken). */
void tty_write_oflag(struct tty *t, uint32_t oflag, const void *buf, size_t len);
/*
 * The POLL* events of t now, registering pt (may be NULL) on rd_head for f
 * (which the entry references): POLLIN when a read would find input
 * (canonical: a finished line, or VEOF; otherwise VMIN bytes when VTIME is
 * 0, else one byte, as Linux), POLLOUT always (writes never block).
 */
unsigned tty_poll(struct tty *t, struct file *f, struct poll_table *pt);
/* The terminal ioctls (TCGETS ... FIONREAD): a result or -errno; -ENOTTY for others. */
int64_t tty_ioctl(struct tty *t, unsigned long req, uintptr_t arg);

/* Bytes a read could take now (FIONREAD). */
size_t tty_readable(struct tty *t);
/* TCGETS and TCSETS on kernel memory (flush: TCSETSF's discarding of unread input). */
void tty_get_termios(struct tty *t, struct linux_termios *out);
void tty_set_termios(struct tty *t, const struct linux_termios *tio, bool flush);

/* ---- the console (tty_dev.c) ---- */

/*
 * The console terminal: the keyboard and COM1 in, the log's consoles out.
 * /dev/console, /dev/tty and /dev/ttyS0 all open it. While it is open,
 * the console input queue hands every byte to it (console_input_push);
 * when nobody has it open, input stays in the queue for the kernel shell.
 */
extern struct tty console_tty;
void tty_console_init(void);
/* Called by console_input_push: true when the console tty took the byte. */
bool tty_console_input(char c);

/*
 * The open of /dev/console, /dev/tty and /dev/ttyS0 (fs/devfs.h): binds f
 * to the console tty (f->priv), making it the caller's controlling
 * terminal when it can; /dev/tty without one is -ENXIO.
 */
int tty_dev_open(struct file *f, int oflags);
/* Their open files' ops. */
extern const struct file_ops tty_file_ops;

/*
 * The session leader of session `sid` has ended (posix_proc_exit): if the
 * console is its controlling terminal, the foreground group gets SIGHUP
 * and SIGCONT and the console leaves the session. No lock held.
 */
void tty_session_leader_exit(int sid);
