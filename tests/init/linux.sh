#!/usr/bin/env bash
# tests/init/linux.sh - user/init as /init on Debian's Linux kernel
# (tools/linux-run), which has fork, execve, signals and mount today: it
# proves init's logic before Basalt runs processes. Two boots:
#
#   final     `final sh -c '...; exit 3'`: the command's output reaches the
#             console, init exits with 3 (Linux then panics with
#             "exitcode=0x00000300"), /proc and /dev got mounted, quoting
#             in init.conf works.
#   services  a `respawn` entry restarts, a `wait` entry runs before the
#             next line, an orphan is reaped, a respawn that dies at once
#             is stopped after 5 tries, and our poweroff(8) makes init stop
#             everything (the orphan included) and power the machine off.
#
# busybox-static is /bin/sh (and sleep, echo, kill); our utilities binary is
# /usr/bin/utils with /usr/bin/poweroff -> utils. Prints PASS/FAIL lines
# and "init-linux: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
out=build/test-logs
mkdir -p "$out"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
has() { tr -d '\r' < "$1" | grep -cF -- "$2" > /dev/null; } # -c: reads to the end (no SIGPIPE for tr under pipefail)
count() { tr -d '\r' < "$1" | grep -cxF -- "$2"; }

if [ ! -f build/linux/vmlinuz ]; then
    fail "init on Linux" "no build/linux/vmlinuz (tools/deps.sh fetches Debian's kernel)"
    echo "init-linux: $passed passed, $failed failed"
    exit 1
fi
busybox=$(command -v busybox) || { fail "init on Linux" "no busybox (busybox-static)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

common=(--add "$busybox:bin/busybox" --add "@busybox:bin/sh" --add "@busybox:bin/sleep"
        --add "@busybox:bin/echo" --add "@busybox:bin/kill" --add "@busybox:bin/cat"
        --add "build/user/utils:usr/bin/utils" --add "@utils:usr/bin/poweroff")

cat > "$tmp/final.conf" <<'CONF'
# a comment, then a final command with quoting
final /bin/sh -c "echo \"quoted  words\"; echo 'single'; cat /proc/self/stat > /dev/null && echo proc-ok; [ -c /dev/null ] && echo dev-ok; exit 3"
once /bin/echo never-runs
CONF
tools/linux-run --init build/user/init --add "$tmp/final.conf:etc/init.conf" "${common[@]}" \
    --timeout 120 --log "$out/init-linux-final.log" > /dev/null
log="$out/init-linux-final.log"
has "$log" "quoted  words" && has "$log" "single"
[ $? = 0 ] && pass "final: the command runs on the console, init.conf quoting kept" ||
    fail "final: the command runs on the console, init.conf quoting kept"
has "$log" "proc-ok" && has "$log" "dev-ok" && has "$log" "init: mounted proc on /proc"
[ $? = 0 ] && pass "final: init mounts /proc and /dev" || fail "final: init mounts /proc and /dev"
has "$log" "exitcode=0x00000300" && has "$log" "the final command ended with status 3"
[ $? = 0 ] && pass "final: init exits with the command's status (3)" ||
    fail "final: init exits with the command's status (3)"
! has "$log" "never-runs"
[ $? = 0 ] && pass "final: nothing after the final entry runs" ||
    fail "final: nothing after the final entry runs"

cat > "$tmp/services.conf" <<'CONF'
once /bin/sh -c "trap '' HUP; sleep 1000 & echo orphan-left"
respawn /bin/sh -c "echo respawn-run; sleep 2.5"
respawn /bin/sh -c "exit 7"
wait /bin/sh -c "sleep 1; echo waited-done"
once /bin/sh -c "echo after-wait"
once /bin/sh -c "sleep 8; echo asking-poweroff; /usr/bin/poweroff"
CONF
tools/linux-run --init build/user/init --add "$tmp/services.conf:etc/init.conf" "${common[@]}" \
    --timeout 180 --log "$out/init-linux-services.log" > /dev/null
log="$out/init-linux-services.log"
n=$(count "$log" "respawn-run")
[ "$n" -ge 3 ] && pass "services: a respawn entry is restarted ($n runs)" ||
    fail "services: a respawn entry is restarted" "$n runs"
has "$log" "exited 5 times within 2 s of starting; not restarted"
[ $? = 0 ] && pass "services: a respawn entry that dies at once is given up" ||
    fail "services: a respawn entry that dies at once is given up"
w=$(tr -d '\r' < "$log" | grep -nxF waited-done | cut -d: -f1 | head -1)
a=$(tr -d '\r' < "$log" | grep -nxF after-wait | cut -d: -f1 | head -1)
[ -n "$w" ] && [ -n "$a" ] && [ "$w" -lt "$a" ]
[ $? = 0 ] && pass "services: a wait entry ends before the next line starts" ||
    fail "services: a wait entry ends before the next line starts"
has "$log" "asking-poweroff" && has "$log" "init: power-off: stopping every process" &&
    has "$log" "reboot: Power down"
[ $? = 0 ] && pass "services: poweroff(8) signals init, which powers the machine off" ||
    fail "services: poweroff(8) signals init, which powers the machine off"
has "$log" "orphan-left" && grep -qE "init: reaped process [0-9]+ \(an orphan\), status 143" "$log" &&
    ! has "$log" "Kernel panic"
[ $? = 0 ] && pass "services: the orphan is reaped at shutdown, no panic" ||
    fail "services: the orphan is reaped at shutdown, no panic"

echo "init-linux: $passed passed, $failed failed"
[ "$failed" = 0 ]
