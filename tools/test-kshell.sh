#!/usr/bin/env bash
# test-kshell.sh - end-to-end test of console input through the kernel debug shell.
#
#   tools/test-kshell.sh [--keep]     (needs build/basalt.img: run `make` first)
#
# Two boots with `kshell panic=exit`:
#   keyboard  types through the QEMU monitor (`sendkey`) into the PS/2
#             keyboard: `echo hello` must answer `hello`; `echo World` typed
#             with Shift, a typo erased with Backspace and an arrow key (an
#             escape sequence the shell swallows) must answer `World`.
#             'irqs' must list the tick (vector 32) and the keyboard (33).
#   serial    writes bytes into COM1 through a unix socket
#             (tools/qemu-run --serial-socket): `echo serial works` + CR must
#             answer `serial works`; an unknown command must be reported.
# Each then types `poweroff`, and QEMU must end through an ACPI power-off
# (tools/qemu-run --poweroff-ok exits 0). The sockets are driven with python3's
# standard library only (no socat needed).
#
# Prints one PASS/FAIL line per check and "N passed, N failed" last; exits
# non-zero on any failure. Logs go to build/test-logs/kshell-*.log and
# kshell-*.log.debugcon (--keep also keeps the scratch directory with the
# sockets and QEMU's verdicts).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

keep=0
[ "${1:-}" = --keep ] && keep=1
out=build/test-logs
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-kshell.XXXXXX") || exit 1
qemu_pid=""
cleanup() {
    [ -n "$qemu_pid" ] && stop
    [ "$keep" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT

[ -f build/basalt.img ] || { echo "test-kshell: no build/basalt.img (run make first)" >&2; exit 1; }

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }

# has_line LOG TEXT: some line of the serial log is exactly TEXT (CRs ignored).
# grep -c, not -q: it reads to the end, so tr never dies of SIGPIPE, which
# pipefail would report as a failure although grep found the line.
has_line() { [ -f "$1" ] && tr -d '\r' < "$1" | grep -acxF -- "$2" > /dev/null; }
has() { [ -f "$1" ] && tr -d '\r' < "$1" | grep -acF -- "$2" > /dev/null; }

# wait_for LOG SECONDS CHECK ARGS...: polls until `CHECK LOG ARGS...` holds,
# QEMU exits, or the time is up.
wait_for() {
    local log=$1 secs=$2
    shift 2
    local check=$1
    shift
    local end=$((SECONDS + secs))
    while [ "$SECONDS" -lt "$end" ]; do
        "$check" "$log" "$@" && return 0
        kill -0 "$qemu_pid" 2>/dev/null || { "$check" "$log" "$@"; return; }
        sleep 0.2
    done
    return 1
}

# monitor SOCKET KEY...: sends `sendkey KEY` for each key through the QEMU
# monitor, waiting for the monitor's prompt after each one.
monitor() {
    python3 - "$@" <<'EOF'
import socket, sys, time

path, keys = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for _ in range(100):
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("test-kshell: cannot connect to the QEMU monitor at " + path)
s.settimeout(10)

def until_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("test-kshell: the QEMU monitor closed")
        buf += chunk
    return buf

until_prompt()  # the banner
for key in keys:
    s.sendall(b"sendkey " + key.encode() + b" 50\n")
    reply = until_prompt().decode(errors="replace")
    # The monitor echoes the command; anything more is an error message.
    lines = [l for l in reply.replace("\r", "").split("\n")[1:] if l.strip() not in ("", "(qemu)")]
    if lines:
        sys.exit("test-kshell: sendkey %s: %s" % (key, " ".join(lines)))
    time.sleep(0.05)
EOF
}

# keys_for TEXT: the sendkey names that type TEXT (lower case, digits, space).
keys_for() {
    local text=$1 i c
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case $c in
        " ") printf 'spc ' ;;
        *) printf '%s ' "$c" ;;
        esac
    done
}

# serial_session SOCKET LOG STEP...: on one connection to the serial socket,
# each STEP is "send TEXT" (C escapes such as \r allowed) or "wait LINE" (until
# the log has LINE as a whole line, 30 s at most).
serial_session() {
    python3 - "$@" <<'EOF'
import socket, sys, threading, time

path, log, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for _ in range(100):
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("test-kshell: cannot connect to the serial socket at " + path)

def reader():
    # QEMU also writes the guest's output to this connection: keep reading it,
    # so that the UART never waits on a full socket.
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass

threading.Thread(target=reader, daemon=True).start()

def log_has_line(text):
    with open(log, "rb") as f:
        return any(l.rstrip(b"\r") == text.encode() for l in f.read().split(b"\n"))

for cmd in steps:
    verb, _, arg = cmd.partition(" ")
    if verb == "send":
        data = arg.encode().decode("unicode_escape").encode("latin-1")
        for b in data:  # a byte at a time, as a person types
            s.sendall(bytes([b]))
            time.sleep(0.01)
    elif verb == "wait":
        end = time.time() + 30
        while not log_has_line(arg):
            if time.time() > end:
                sys.exit("test-kshell: no line '%s' in the log" % arg)
            time.sleep(0.1)
time.sleep(0.5)
EOF
}

# boot NAME QEMU-RUN-ARGS...: starts QEMU in the background; status in $tmp/NAME.status.
boot() {
    local name=$1
    shift
    # A log left by an earlier run would show "kshell: ready" before this boot has begun.
    rm -f "$tmp/qemu.pid" "$out/kshell-$name.log" "$out/kshell-$name.log.debugcon"
    (
        tools/qemu-run --cmdline "kshell panic=exit" --timeout 180 --poweroff-ok \
            --log "$out/kshell-$name.log" --extra "-pidfile $tmp/qemu.pid" "$@" \
            > /dev/null 2> "$tmp/$name.verdict"
        echo $? > "$tmp/$name.status"
    ) &
    qemu_pid=$!
}

# Ends a boot early: QEMU itself (by its pid file); qemu-run then reports and exits.
stop() {
    [ -f "$tmp/qemu.pid" ] && kill "$(cat "$tmp/qemu.pid")" 2>/dev/null
}

# finish NAME: waits for QEMU to end by itself and checks that it powered off.
finish() {
    local name=$1 log="$out/kshell-$1.log.debugcon"
    local end=$((SECONDS + 60))
    while kill -0 "$qemu_pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
        sleep 0.2
    done
    if kill -0 "$qemu_pid" 2>/dev/null; then
        fail "$name: poweroff turns the machine off" "QEMU still running after 60 s"
        stop
    else
        wait "$qemu_pid" 2>/dev/null
        local st
        st=$(cat "$tmp/$name.status" 2>/dev/null || echo 99)
        if [ "$st" = 0 ] && has "$log" "kshell: powering off"; then
            pass "$name: poweroff turns the machine off"
        else
            fail "$name: poweroff turns the machine off" \
                "status $st: $(cat "$tmp/$name.verdict" 2>/dev/null)"
        fi
    fi
    qemu_pid=""
}

# ---- the PS/2 keyboard, through the QEMU monitor -----------------------------

log="$out/kshell-keyboard.log"
boot keyboard --monitor "$tmp/mon.sock"
if wait_for "$log" 120 has "kshell: ready"; then
    pass "keyboard: kshell starts"
    # shellcheck disable=SC2046
    monitor "$tmp/mon.sock" $(keys_for "echo hello") ret
    if wait_for "$log" 30 has_line "hello"; then
        pass "keyboard: 'echo hello' typed on the PS/2 keyboard answers 'hello'"
    else
        fail "keyboard: 'echo hello' typed on the PS/2 keyboard answers 'hello'"
    fi
    # Shift, Backspace over a typo, and an arrow key the shell must swallow.
    # shellcheck disable=SC2046
    monitor "$tmp/mon.sock" $(keys_for "echo ") shift-w o r l x backspace up d ret
    if wait_for "$log" 30 has_line "World"; then
        pass "keyboard: Shift, Backspace and an arrow key edit the line ('World')"
    else
        fail "keyboard: Shift, Backspace and an arrow key edit the line ('World')"
    fi
    # The per-vector interrupt counts: the tick and the keyboard must be there.
    # shellcheck disable=SC2046
    monitor "$tmp/mon.sock" $(keys_for "irqs") ret
    if wait_for "$log" 30 has "vector  33 (IRQ  1): " && has "$log" "vector  32 (IRQ  0): "; then
        pass "keyboard: 'irqs' shows the tick (vector 32) and keyboard (vector 33) counts"
    else
        fail "keyboard: 'irqs' shows the tick (vector 32) and keyboard (vector 33) counts"
    fi
    # shellcheck disable=SC2046
    monitor "$tmp/mon.sock" $(keys_for "poweroff") ret
else
    fail "keyboard: kshell starts" "no 'kshell: ready' in $log"
    stop
fi
finish keyboard

# ---- COM1, through a unix socket ----------------------------------------------

# The checks read the debug-port copy of the log: QEMU's socket chardev can
# write a byte twice into its logfile when the peer is slow to read.
log="$out/kshell-serial.log.debugcon"
boot serial --serial-socket "$tmp/ser.sock"
if wait_for "$log" 120 has "kshell: ready"; then
    pass "serial: kshell starts"
    serial_session "$tmp/ser.sock" "$log" 'send echo serial works\r' 'wait serial works' \
        'send frob\r\n' "wait kshell: unknown command 'frob' (try help)" 'send irqs\r' \
        'wait   spurious 0, unhandled 0' 'send poweroff\r' ||
        fail "serial: typing into COM1" "see the message above"
    if has_line "$log" "serial works"; then
        pass "serial: 'echo serial works' + CR on COM1 answers 'serial works'"
    else
        fail "serial: 'echo serial works' + CR on COM1 answers 'serial works'"
    fi
    if has_line "$log" "kshell: unknown command 'frob' (try help)"; then
        pass "serial: an unknown command is reported"
    else
        fail "serial: an unknown command is reported"
    fi
    if has "$log" "vector  36 (IRQ  4): "; then
        pass "serial: 'irqs' shows the serial receive interrupt (vector 36)"
    else
        fail "serial: 'irqs' shows the serial receive interrupt (vector 36)"
    fi
else
    fail "serial: kshell starts" "no 'kshell: ready' in $log"
    stop
fi
finish serial

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
