#!/usr/bin/env python3
"""interactive.py [SH] - the shell on a terminal: line editing, history, job control.

Starts build/user/sh (or SH) on a pseudo-terminal, types keystrokes into it
and reads what it writes back, as a user at a terminal would see it. Each
check prints "PASS name" or "FAIL name: why"; the last line is
"sh-interactive: N passed, N failed" and the exit status is 1 if any failed.
Only the standard library: pty, os, select.
"""
import os
import pty
import select
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "user", "sh")

passed = 0
failed = 0


def result(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + why if why else ""))


class Term:
    """The shell on the slave side of a pty; we hold the master."""

    def __init__(self):
        env = dict(os.environ, PS1="$ ", TERM="xterm", HOME="/tmp")
        env.pop("ENV", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(SH, [SH], env)
            finally:
                os._exit(127)
        self.out = b""
        self.status = None

    def send(self, data):
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def read_until(self, what, timeout=3.0):
        """Reads until `what` appears after the current mark; True if it did."""
        what = what.encode()
        end = time.monotonic() + timeout
        while what not in self.out[self.mark:]:
            left = end - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return False
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            self.out += data
        self.mark = self.out.index(what, self.mark) + len(what)
        return True

    def drain(self, quiet=0.3):
        """Reads until the shell has said nothing for `quiet` seconds; what
        came so far is then behind the mark."""
        while select.select([self.fd], [], [], quiet)[0]:
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                break
            if not data:
                break
            self.out += data
        self.mark = len(self.out)

    def cmd(self, keys, expect, timeout=3.0):
        self.send(keys)
        return self.read_until(expect, timeout)

    def wait_exit(self, timeout=3.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                r, _, _ = select.select([self.fd], [], [], 0.1)
                if r:
                    self.out += os.read(self.fd, 4096)
            except OSError:
                pass
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
                return True
        return False

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)

    def tail(self):
        return repr(self.out[-200:].decode(errors="replace"))


LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DEL = "\x1b[H", "\x1b[F", "\x1b[3~"


def main():
    if not os.access(SH, os.X_OK):
        result("sh is built", False, SH + " is not executable")
        print("sh-interactive: %d passed, %d failed" % (passed, failed))
        return 1
    t = Term()
    t.mark = 0
    try:
        result("prompt appears", t.read_until("$ "), t.tail())

        # Arrows and backspace: "echo hellX" -> back, fix -> "echo hello world"
        ok = t.cmd("echo wrld" + LEFT * 3 + "o" + END + "\x7f" + "d" + HOME + RIGHT * 4 +
                   " hello" + "\r", "\r\nhello world\r\n")
        result("arrows, backspace, home/end edit the line", ok, t.tail())
        t.read_until("$ ")

        # ^A/^E: type the middle, jump to the start and the end.
        ok = t.cmd("one-two\x01echo A-\x05-B\r", "\r\nA-one-two-B\r\n")
        result("^A and ^E move to the start and the end", ok, t.tail())
        t.read_until("$ ")

        # ^U drops everything before the cursor (not after it, as the
        # terminal's own kill character would); ^W the word before the cursor.
        ok = t.cmd("junk echo kept" + HOME + RIGHT * 5 + "\x15\r", "\r\nkept\r\n")
        result("^U deletes to the start of the line", ok, t.tail())
        t.read_until("$ ")
        ok = t.cmd("echo a bbb ccc" + LEFT * 4 + "\x17\r", "\r\na ccc\r\n")
        result("^W deletes the word before the cursor", ok, t.tail())
        t.read_until("$ ")

        # delete (ESC [ 3 ~) removes the character under the cursor
        ok = t.cmd("echo abXc" + LEFT * 2 + DEL + "\r", "\r\nabc\r\n")
        result("delete removes the character under the cursor", ok, t.tail())
        t.read_until("$ ")

        # History: up recalls the last line, twice up the one before.
        t.cmd("echo first-$((1+1))\r", "first-2\r\n")
        t.read_until("$ ")
        t.cmd("echo second\r", "second\r\n")
        t.read_until("$ ")
        ok = t.cmd(UP + "\r", "\r\nsecond\r\n")
        result("up arrow recalls the previous command", ok, t.tail())
        t.read_until("$ ")
        ok = t.cmd(UP + UP + UP + DOWN + "\r", "\r\nfirst-2\r\n")
        result("up and down walk the history", ok, t.tail())
        t.read_until("$ ")

        # ^C kills the foreground job, not the shell.
        t.send("sleep 100\r")
        t.drain()
        start = time.monotonic()
        t.send("\x03")
        ok = t.read_until("$ ", 2.0)
        result("^C ends sleep 100 and the prompt returns within 2 s", ok and
               time.monotonic() - start < 2.0, t.tail())
        ok = t.cmd("echo al''ive\r", "\r\nalive\r\n")
        result("the shell survives ^C", ok, t.tail())
        t.read_until("$ ")

        # ^Z stops the job; jobs, bg, fg; ^C ends it.
        t.send("sleep 100\r")
        t.drain()
        t.send("\x1a")
        ok = t.read_until("Stopped") and t.read_until("sleep 100") and t.read_until("$ ")
        result("^Z stops the job and says Stopped", ok, t.tail())
        ok = t.cmd("jobs\r", "[1]+  Stopped") and t.read_until("sleep 100\r\n")
        result("jobs lists the stopped job", ok, t.tail())
        t.read_until("$ ")
        ok = t.cmd("bg\r", "[1]+ sleep 100 &\r\n") and t.read_until("$ ") and \
            t.cmd("jobs\r", "[1]+  Running") and t.read_until("sleep 100\r\n")
        result("bg resumes it in the background", ok, t.tail())
        t.read_until("$ ")
        ok = t.cmd("fg %1\r", "\r\nsleep 100\r\n")
        t.drain()
        t.send("\x03")
        ok = ok and t.read_until("$ ", 2.0) and t.cmd("jobs; echo no-more-jobs\r",
                                                     "\r\nno-more-jobs\r\n")
        result("fg brings it back and ^C ends it", ok and b"Running" not in
               t.out[t.mark - 40:t.mark], t.tail())
        t.read_until("$ ")

        # & is numbered [n] pid; the shell reports it when it ends.
        ok = t.cmd("sleep 0.2 &\r", "[1] ") and t.read_until("\r\n")
        result("& prints [1] pid", ok, t.tail())
        t.read_until("$ ")

        t.send("exit\r")
        ok = t.wait_exit()
        result("exit ends the shell with status 0", ok and os.WIFEXITED(t.status) and
               os.WEXITSTATUS(t.status) == 0, "status %r" % (t.status,))
    finally:
        t.kill()
    print("sh-interactive: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
