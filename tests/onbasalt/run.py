#!/usr/bin/env python3
"""run.py - the shell's and the utilities' tests run on Basalt itself.

  tests/onbasalt/run.py [--log FILE] [--timeout SEC]

One boot of Basalt (tools/basalt-exec) runs tests/onbasalt/driver.sh under
Basalt's own /bin/sh twice: over every tests/sh/NAME.sh (the scripts that
tests/sh/run.sh checks under dash and under our sh on the host), and over
every tests/onbasalt/utils/NAME.sh (checks of the utilities). The driver runs
each script in a fresh scratch directory with a time limit and prints its
standard output, exit status and standard error between marker lines on the
console; this program cuts them apart and compares:

- a shell script with the same NAME.expected (standard output, then
  "exit: STATUS") and, where there is one, NAME.stderr: one line per script,
  "PASS sh-basalt: NAME" or "FAIL sh-basalt: NAME: why";
- a utilities script with its transcript on the build host, made here first
  by the same binaries (build/user/sh and build/user/utils, alone on PATH;
  tests/utils/run.sh checks them against GNU's): one line per check
  ("-- TITLE" in the transcript, lib.inc), "PASS utils-basalt: NAME: TITLE",
  and one for the standard error.

A script whose output is missing or cut short, that ran out of its time
limit, or a boot that panicked or did not reach the driver's last line,
fails. Scripts listed in tests/onbasalt/skip (with the reason) are left out
of the image and reported as SKIP lines. Each suite ends with "LABEL: N
passed, N failed", and the run with "onbasalt: N passed, N failed". --log
FILE keeps the serial and kernel logs (basalt-exec's) and the console
output (FILE.out).
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MARK = b"=@basalt-test@= "
SCRIPT_LIMIT = 30  # seconds per script inside Basalt (TCG is slow)


def load_skips():
    """tests/onbasalt/skip: lines 'SUITE NAME REASON...'; # comments."""
    skips = {}
    try:
        with open(os.path.join(HERE, "skip")) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    suite, name, reason = (line.split(None, 2) + ["", ""])[:3]
                    skips[(suite, name)] = reason or "no reason given"
    except FileNotFoundError:
        pass
    return skips


def parse(stream):
    """Console text -> {(suite, name): (out, err, timed_out)} and the done suites."""
    results, done = {}, set()
    lines = stream.split(b"\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith(MARK):
            continue
        words = line[len(MARK):].decode(errors="replace").split()
        if words[:1] == ["done"] and len(words) == 2:
            done.add(words[1])
            continue
        if words[:1] != ["begin"] or len(words) != 3:
            continue
        key = (words[1], words[2])
        sections, cur, ended, timed_out = {}, [], False, False
        part = "out"
        while i < len(lines):
            line = lines[i]
            if line.startswith(MARK):
                w = line[len(MARK):].decode(errors="replace").split()
                if w[1:3] != [key[0], key[1]]:
                    break  # another script's marker: this one was cut short
                i += 1
                # The driver's own newline before the marker ends the last
                # piece, so joining the pieces gives the text exactly.
                sections[part] = b"\n".join(cur)
                cur = []
                if w[0] == "stderr":
                    part = "err"
                    continue
                if w[0] == "end":
                    ended, timed_out = True, w[3:] == ["timeout"]
                break
            cur.append(line)
            i += 1
        if ended:
            results[key] = (sections.get("out", b""), sections.get("err", b""), timed_out)
        else:
            results[key] = None
    return results, done


def host_bin(tmp):
    """A PATH directory of Basalt's sh and utilities built for the host, as in /bin."""
    utils = os.path.join(ROOT, "build", "user", "utils")
    listing = subprocess.run([utils], stdout=subprocess.PIPE).stdout.decode()
    names = next(l for l in listing.splitlines() if l.startswith("utilities: ")).split()[1:]
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    # As the initrd's /bin (Makefile, BIN_LINKS); sh is the shell.
    for n in names + ["utils"]:
        os.symlink(utils, os.path.join(bindir, n))
    os.symlink(os.path.join(ROOT, "build", "user", "sh"), os.path.join(bindir, "sh"))
    return bindir


def host_run(script, bindir, tmp):
    """The script's transcript on the build host, as driver.sh makes it on Basalt."""
    cwd = os.path.join(tmp, "cwd")
    shutil.rmtree(cwd, ignore_errors=True)
    os.makedirs(cwd)
    env = {"PATH": bindir, "HOME": "/"}
    try:
        r = subprocess.run([os.path.join(bindir, "sh"), script], cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=SCRIPT_LIMIT)
        status = r.returncode if r.returncode >= 0 else 128 - r.returncode
        return r.stdout + b"exit: %d\n" % status, r.stderr
    except subprocess.TimeoutExpired:
        return None, None


def sections(text):
    """A transcript of lib.inc's checks -> [(title, text)], in order; "" for what precedes them."""
    out, title, cur = [], "", []
    for line in text.split(b"\n"):
        if line.startswith(b"-- "):
            out.append((title, b"\n".join(cur)))
            title, cur = line[3:].decode(errors="replace"), []
        else:
            cur.append(line)
    out.append((title, b"\n".join(cur)))
    return out


def compare_checks(name, want, want_err, out, err):
    """One verdict per check of a utilities script: [(label, why or "")]."""
    got = dict(sections(out))
    checks = []
    for title, text in sections(want):
        label = "%s: %s" % (name, title or "(set-up)")
        if title not in got:
            checks.append((label, "missing from Basalt's transcript"))
            continue
        g = got.pop(title)
        checks.append((label, first_diff(text, g) if g != text else ""))
    for title in got:
        checks.append(("%s: %s" % (name, title), "only in Basalt's transcript"))
    why = "" if err == want_err else first_diff(want_err, err)
    checks.append(("%s: standard error" % name, why))
    return checks


def first_diff(want, got):
    w, g = want.split(b"\n"), got.split(b"\n")
    for n, (a, b) in enumerate(zip(w, g)):
        if a != b:
            return "line %d: want %r, got %r" % (n + 1, a.decode(errors="replace"),
                                                 b.decode(errors="replace"))
    return "want %d lines, got %d" % (len(w), len(g))


def main(argv):
    log = None
    timeout = None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--log" and args:
            log = args.pop(0)
        elif a == "--timeout" and args:
            timeout = int(args.pop(0))
        else:
            sys.stderr.write(__doc__)
            return 2
    skips = load_skips()
    # (suite, label, host dir, guest dir, [(name, expected stdout, expected stderr or None)])
    suites = []
    sh_dir = os.path.join(ROOT, "tests", "sh")
    cases = []
    for f in sorted(os.listdir(sh_dir)):
        if f.endswith(".sh") and f != "run.sh":
            name = f[:-3]
            want = None  # a FAIL, as in tests/sh/run.sh
            if os.path.exists(os.path.join(sh_dir, name + ".expected")):
                with open(os.path.join(sh_dir, name + ".expected"), "rb") as fe:
                    want = fe.read()
            err = os.path.join(sh_dir, name + ".stderr")
            want_err = None
            if os.path.exists(err):
                with open(err, "rb") as fe:
                    want_err = fe.read()
            cases.append((name, want, want_err))
    suites.append(("sh", "sh-basalt", sh_dir, "/boot/tests/sh", cases))
    utils_dir = os.path.join(HERE, "utils")
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        bindir = host_bin(tmp)
        for f in sorted(os.listdir(utils_dir)):
            if not f.endswith(".sh"):
                continue
            if ("utils", f[:-3]) in skips:
                cases.append((f[:-3], None, None))
            else:
                cases.append((f[:-3],) + host_run(os.path.join(utils_dir, f), bindir, tmp))
    suites.append(("utils", "utils-basalt", utils_dir, "/boot/tests/utils", cases))

    adds = ["--add", os.path.join(HERE, "driver.sh") + ":/boot/tests/driver.sh"]
    commands = []
    total = 0
    adds += ["--add", os.path.join(utils_dir, "lib.inc") + ":/boot/tests/utils/lib.inc"]
    for suite, _, hdir, gdir, cs in suites:
        for name, _, _ in cs:
            if (suite, name) not in skips:
                adds += ["--add", "%s/%s.sh:%s/%s.sh" % (hdir, name, gdir, name)]
                total += 1
        commands.append("sh /boot/tests/driver.sh %s %s %d" % (suite, gdir, SCRIPT_LIMIT))
    if timeout is None:
        timeout = 60 + total * 10
    cmd = [os.path.join(ROOT, "tools", "basalt-exec"), "--timeout", str(timeout)]
    if log:
        cmd += ["--log", log]
    cmd += adds + ["--", "; ".join(commands)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if log:
        with open(log + ".out", "wb") as f:
            f.write(r.stdout)
    results, done = parse(r.stdout)

    passed = failed = 0
    boot_why = ""
    if r.returncode == 124:
        boot_why = "the boot timed out after %d s" % timeout
    elif r.returncode == 125:
        boot_why = "KERNEL PANIC: " + r.stderr.decode(errors="replace").strip()[-400:]
    elif r.returncode != 0:
        boot_why = "basalt-exec status %d: %s" % (r.returncode,
                                                 r.stderr.decode(errors="replace").strip()[-300:])
    for suite, label, _, _, cs in suites:
        sp = sf = 0
        for name, want, want_err in cs:
            if (suite, name) in skips:
                print("SKIP %s: %s (%s)" % (label, name, skips[(suite, name)]))
                continue
            res = results.get((suite, name), None)
            why = ""
            if want is None:
                why = ("no %s.expected" % name if suite == "sh" else
                       "its run on the build host timed out")
            elif res is None:
                why = "no output" if (suite, name) not in results else "output cut short"
                if boot_why:
                    why += " (%s)" % boot_why
            elif res[2]:
                why = "killed after its %d s limit" % SCRIPT_LIMIT
            if why:
                checks = [(name, why)]
            elif suite == "utils":
                checks = compare_checks(name, want, want_err, res[0], res[1])
            else:
                out, errtext = res[0], res[1]
                if out != want:
                    why = "stdout+status differ: " + first_diff(want, out)
                elif want_err is not None and errtext != want_err:
                    why = "stderr differs: " + first_diff(want_err, errtext)
                checks = [(name, why)]
            for check, why in checks:
                if why:
                    sf += 1
                    print("FAIL %s: %s: %s" % (label, check, why))
                else:
                    sp += 1
                    print("PASS %s: %s" % (label, check))
        if suite not in done:
            sf += 1
            print("FAIL %s: the driver did not finish (%s)" % (label, boot_why or "no 'done' line"))
        print("%s: %d passed, %d failed" % (label, sp, sf))
        passed += sp
        failed += sf
    if boot_why and r.returncode != 0:
        failed += 1
        print("FAIL on-basalt boot: %s" % boot_why)
    print("onbasalt: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
