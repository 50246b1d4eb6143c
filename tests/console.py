#!/usr/bin/env python3
"""console.py - drive the console of a running Basalt, as a person would.

A Python module (standard library only) for interactive tests, and a
self-test of its mechanics against the kernel shell, which is also make
test's check of console input end to end (PS/2 keyboard and COM1 into the
kernel shell: line editing, ^C, the interrupt counts, ACPI power-off):

    python3 tests/console.py --self-test     (needs build/basalt.img)

Console boots the image with tools/qemu-run, the serial port on a unix
socket (--serial-socket: this object is the socket's peer and reads every
byte from it) and the QEMU monitor on another (--monitor, for `sendkey`:
the PS/2 keyboard path). Typical use:

    from console import Console
    with Console(cmdline="kshell panic=exit") as c:
        c.expect("kshell: ready")
        c.send("echo hi\\r")               # bytes into COM1
        c.expect_line("hi")
        c.type_keys("echo hi\\n")          # the same through the keyboard
        c.ctrl_c()                        # ^C through the serial port ...
        c.ctrl_c(keyboard=True)           # ... or as Ctrl+C on the keyboard
        out = c.run("ls /", prompt="$ ")  # types a line, returns its output
        c.poweroff_wait()                 # QEMU must end by itself

expect() returns the text read up to the match and moves the read mark past
it, so the next expect() only looks at newer output; it raises
ConsoleTimeout (with the unread tail) when the pattern does not come.
Output is kept whole in .output (CR LF turned into LF) and in the log
files (build/test-logs/console-NAME.log and .log.debugcon).
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Characters -> QEMU sendkey names (US layout).
_KEYS = {" ": "spc", "\n": "ret", "\r": "ret", "\t": "tab", "-": "minus", "=": "equal",
         "[": "bracket_left", "]": "bracket_right", ";": "semicolon", "'": "apostrophe",
         "`": "grave_accent", "\\": "backslash", ",": "comma", ".": "dot", "/": "slash",
         "\x7f": "backspace", "\b": "backspace"}
_SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
            "(": "9", ")": "0", "_": "minus", "+": "equal", "{": "bracket_left",
            "}": "bracket_right", ":": "semicolon", '"': "apostrophe", "~": "grave_accent",
            "|": "backslash", "<": "comma", ">": "dot", "?": "slash"}


def key_names(text):
    """The sendkey names that type `text`."""
    keys = []
    for ch in text:
        if ch.isascii() and (ch.islower() or ch.isdigit()):
            keys.append(ch)
        elif ch.isascii() and ch.isupper():
            keys.append("shift-" + ch.lower())
        elif ch in _KEYS:
            keys.append(_KEYS[ch])
        elif ch in _SHIFTED:
            base = _SHIFTED[ch]
            keys.append("shift-" + (_KEYS.get(base, base)))
        else:
            raise ValueError("no key types %r" % ch)
    return keys


class ConsoleTimeout(Exception):
    pass


class Console:
    def __init__(self, cmdline="", image=None, name="console", timeout=300, extra=""):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix="console.")
        self.ser_path = os.path.join(self.tmp, "ser.sock")
        self.mon_path = os.path.join(self.tmp, "mon.sock")
        logs = os.path.join(HERE, "build", "test-logs")
        os.makedirs(logs, exist_ok=True)
        self.log = os.path.join(logs, "%s.log" % name)
        self.output = ""
        self.mark = 0  # expect() looks at output[mark:]
        self._lock = threading.Condition()
        self._closed = False
        args = [os.path.join(HERE, "tools", "qemu-run"), "--cmdline", cmdline,
                "--timeout", str(timeout), "--log", self.log, "--poweroff-ok",
                "--serial-socket", self.ser_path, "--monitor", self.mon_path,
                "--extra", ("-pidfile %s %s" % (os.path.join(self.tmp, "qemu.pid"), extra))]
        if image:
            args[1:1] = ["--image", image]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.ser = self._connect(self.ser_path)
        self.mon = self._connect(self.mon_path)
        self.mon.settimeout(10)
        self._monitor_reply()  # the banner
        self._reader = threading.Thread(target=self._read_serial, daemon=True)
        self._reader.start()

    # ---- plumbing ----

    def _connect(self, path):
        end = time.time() + 30
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return s
            except OSError:
                s.close()
                if time.time() > end or self.proc.poll() is not None:
                    raise RuntimeError("cannot connect to QEMU's socket %s" % path)
                time.sleep(0.1)

    def _read_serial(self):
        pending_cr = False
        while True:
            try:
                data = self.ser.recv(4096)
            except OSError:
                data = b""
            if not data:
                break
            text = data.decode("latin-1")
            if pending_cr:
                text = "\r" + text
            pending_cr = text.endswith("\r")
            if pending_cr:
                text = text[:-1]
            with self._lock:
                self.output += text.replace("\r\n", "\n")
                self._lock.notify_all()
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def _monitor_reply(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.mon.recv(4096)
            if not chunk:
                raise RuntimeError("the QEMU monitor closed")
            buf += chunk
        return buf.decode(errors="replace")

    def monitor(self, command):
        """Runs a QEMU monitor command; returns what it printed."""
        self.mon.sendall(command.encode() + b"\n")
        reply = self._monitor_reply().replace("\r", "")
        return "\n".join(l for l in reply.split("\n")[1:] if l.strip() not in ("", "(qemu)"))

    # ---- input ----

    def send(self, text, delay=0.01):
        """Writes text into the serial port a byte at a time, as a person types."""
        for b in text.encode("latin-1"):
            self.ser.sendall(bytes([b]))
            time.sleep(delay)

    def type_keys(self, text):
        """Types text on the PS/2 keyboard (QEMU sendkey)."""
        self.press(*key_names(text))

    def press(self, *keys):
        """Presses keys by their sendkey names ('ctrl-c', 'up', 'shift-a', ...)."""
        for k in keys:
            err = self.monitor("sendkey %s 50" % k)
            if err:
                raise RuntimeError("sendkey %s: %s" % (k, err))
            time.sleep(0.05)

    def ctrl_c(self, keyboard=False):
        if keyboard:
            self.press("ctrl-c")
        else:
            self.send("\x03")

    # ---- output ----

    def expect(self, pattern, timeout=30, regex=False):
        """Waits for pattern (a string, or a regex with regex=True) after the mark."""
        rx = re.compile(pattern if regex else re.escape(pattern))
        end = time.time() + timeout
        with self._lock:
            while True:
                m = rx.search(self.output, self.mark)
                if m:
                    before = self.output[self.mark:m.end()]
                    self.mark = m.end()
                    return before
                left = end - time.time()
                if left <= 0 or self._closed:
                    raise ConsoleTimeout("no %r within %ss; unread output: %r" %
                                         (pattern, timeout, self.output[self.mark:][-300:]))
                self._lock.wait(min(left, 0.5))

    def expect_line(self, line, timeout=30):
        """Waits for a whole line equal to `line`."""
        return self.expect(r"(?m)^%s$" % re.escape(line), timeout, regex=True)

    def run(self, command, prompt, timeout=30, keyboard=False):
        """Types command + Enter, waits for the next prompt; returns the output between."""
        self.expect(prompt, timeout) if not self.output.endswith(prompt) else None
        if keyboard:
            self.type_keys(command + "\n")
        else:
            self.send(command + "\r")
        got = self.expect(prompt, timeout)
        body = got[:-len(prompt)]
        first_nl = body.find("\n")  # drop the echoed command line
        return body[first_nl + 1:] if first_nl >= 0 else ""

    # ---- the end ----

    def wait_exit(self, timeout=60):
        """Waits for QEMU to end by itself; returns qemu-run's status (0: powered off)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        try:
            with open(os.path.join(self.tmp, "qemu.pid")) as f:
                os.kill(int(f.read().strip()), 15)
        except (OSError, ValueError):
            pass
        self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            self.kill()
        for s in (self.ser, self.mon):
            s.close()
        for n in os.listdir(self.tmp):
            os.unlink(os.path.join(self.tmp, n))
        os.rmdir(self.tmp)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def self_test():
    """The harness's own mechanics against the kernel shell (kshell)."""
    results = []

    def check(name, fn):
        try:
            fn()
            results.append(True)
            print("PASS %s" % name)
        except Exception as e:  # a failed check is reported, the rest go on
            results.append(False)
            print("FAIL %s: %s" % (name, e))
        sys.stdout.flush()

    with Console(cmdline="kshell panic=exit", name="console-selftest") as c:
        check("the kernel shell comes up (expect)", lambda: c.expect("kshell: ready", 120))
        check("a line typed into the serial port is answered (send, expect_line)",
              lambda: (c.send("echo via serial\r"), c.expect_line("via serial")))
        check("a line typed on the keyboard is answered (sendkey, shifted keys)",
              lambda: (c.type_keys("echo Key-Board_1!\n"), c.expect_line("Key-Board_1!")))

        def cancel(keyboard):
            type_ = c.type_keys if keyboard else c.send
            type_("echo never")
            c.ctrl_c(keyboard=keyboard)
            c.expect("^C\n")
            type_("echo after %s\r" % keyboard)
            c.expect_line("after %s" % keyboard)
            if re.search(r"(?m)^never$", c.output):
                raise AssertionError("the cancelled line ran")
        check("^C through the serial port cancels the line", lambda: cancel(False))
        check("Ctrl+C on the keyboard cancels the line", lambda: cancel(True))
        # Shift, Backspace over a typo, and an arrow key (an escape sequence the shell swallows).
        check("keyboard: Shift, Backspace and an arrow key edit the line ('World')",
              lambda: (c.type_keys("echo "), c.press("shift-w", "o", "r", "l", "x", "backspace",
                                                     "up", "d", "ret"), c.expect_line("World")))
        check("serial: an unknown command is reported",
              lambda: (c.send("frob\r\n"),
                       c.expect_line("kshell: unknown command 'frob' (try help)")))

        def irqs():
            c.send("irqs\r")
            table = c.expect("spurious 0, unhandled 0")
            for want in ("vector  32 (IRQ  0): ", "vector  33 (IRQ  1): ", "vector  36 (IRQ  4): "):
                if want not in table:
                    raise AssertionError("no %r in %r" % (want, table))
        check("'irqs' counts the tick (vector 32), keyboard (33) and serial (36) interrupts",
              irqs)

        def missed():
            try:
                c.expect("no such text", timeout=1)
            except ConsoleTimeout:
                return
            raise AssertionError("expect() matched text that never came")
        check("expect() times out on text that never comes", missed)

        def poweroff():
            c.send("poweroff\r")
            st = c.wait_exit(60)
            if st != 0:
                raise AssertionError("QEMU did not power off (qemu-run status %s)" % st)
        check("poweroff ends QEMU (wait_exit)", poweroff)
    print("console: %d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    print(__doc__.strip())
