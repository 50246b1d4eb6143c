#!/usr/bin/env python3
"""shell.py - a person at Basalt's console: boots the image as `make run`
does (init starts the shell on the console), types into the shell through
the serial port and through the PS/2 keyboard (QEMU sendkey), runs a
pipeline, interrupts `sleep 100` with ^C, suspends one with ^Z and brings it
back, polls the terminal for a typed line, and powers off. Prints PASS/FAIL per check and
"shell-interactive-basalt: N passed, N failed".
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from console import Console  # noqa: E402

PROMPT = "$ "
results = []


def check(name, fn):
    try:
        fn()
        results.append(True)
        print("PASS %s" % name)
    except Exception as e:  # report it and go on with the next check
        results.append(False)
        print("FAIL %s: %s" % (name, str(e)[-400:]))
    sys.stdout.flush()


def main():
    with Console(cmdline="quiet", name="shell-basalt", timeout=400) as c:
        def prompt():
            c.expect(PROMPT, timeout=120)

        # The shell redraws its line at each key (line editing), so the prompt
        # shows up while typing: each check waits for its output lines instead.
        def pipeline_serial():
            c.send("echo one two three | wc -w\r")
            c.expect_line("3", timeout=60)
            prompt()

        def pipeline_keyboard():
            c.type_keys("echo abc def\n")
            c.expect_line("abc def", timeout=60)
            prompt()

        def files():
            c.send("mkdir -p /tmp/t && echo hello > /tmp/t/f && cat /tmp/t/f && ls /tmp/t\r")
            c.expect_line("hello", timeout=60)
            c.expect_line("f", timeout=30)
            prompt()

        def status_is(code):
            c.send("echo status $?\r")
            c.expect_line("status %d" % code, timeout=30)
            prompt()

        def ctrl_c(keyboard):
            def fn():
                c.send("sleep 100\r")
                time.sleep(2)
                start = time.time()
                c.ctrl_c(keyboard=keyboard)
                prompt()
                assert time.time() - start < 30
                status_is(130)
            return fn

        def ctrl_z():
            c.send("sleep 100\r")
            time.sleep(2)
            c.send("\x1a")  # ^Z: SIGTSTP to the foreground group
            c.expect("Stopped", timeout=30)
            prompt()
            c.send("jobs\r")
            c.expect("sleep 100", timeout=30)
            prompt()
            c.send("fg\r")
            c.expect_line("sleep 100", timeout=30)
            time.sleep(1.5)
            c.ctrl_c()
            prompt()
            status_is(130)

        def line_editing():
            # Type a wrong word, erase it with ^W, finish the line.
            c.send("echo wrong\x17right\r")
            c.expect_line("right", timeout=30)
            c.expect(PROMPT, timeout=30)

        def poll_stdin():
            # A half line is not readable; the line's end wakes poll (then read gets it).
            c.send("/boot/posix-tests --helper poll-stdin\r")
            c.expect_line("poll-stdin: waiting", timeout=60)
            c.send("hel")
            time.sleep(1)
            if "poll-stdin: 1" in c.output:
                raise AssertionError("poll returned before the line was finished")
            c.send("lo\r")
            c.expect_line("poll-stdin: 1 POLLIN", timeout=30)
            c.expect_line("poll-stdin: read [hello]", timeout=30)
            prompt()

        def poweroff():
            c.send("poweroff\r")
            st = c.wait_exit(timeout=120)
            assert st == 0, "qemu-run status %r" % st

        check("the shell starts on the console and prompts", prompt)
        check("a pipeline typed on the serial port", pipeline_serial)
        check("a pipeline typed on the keyboard (sendkey)", pipeline_keyboard)
        check("files made and listed from the shell", files)
        check("^C on the serial port interrupts sleep 100 (status 130)", ctrl_c(False))
        check("Ctrl+C on the keyboard interrupts sleep 100 (status 130)", ctrl_c(True))
        check("^Z stops sleep 100, jobs lists it, fg brings it back", ctrl_z)
        check("^W erases a word while typing", line_editing)
        check("poll on the terminal waits for a whole line (posix-tests --helper poll-stdin)",
              poll_stdin)
        check("poweroff from the shell turns the machine off", poweroff)
    print("shell-interactive-basalt: %d passed, %d failed"
          % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
