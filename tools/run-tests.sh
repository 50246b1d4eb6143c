#!/usr/bin/env bash
# run-tests.sh - every test of Basalt, run by `make test`.
#
# Suites: the host unit tests (ASan/UBSan), the shell (tests/sh: scripts against
# dash, and interactive.py on a pseudo-terminal), the user utilities on the host
# (tests/utils/run.sh) and both again on Basalt itself (tests/onbasalt/run.py),
# the in-kernel KTESTs (at 512 MiB,
# 64 MiB, 8 GiB and with `nolapic`), the deliberate crashes (crash=MODE: each
# must end in a panic whose report names the exception and symbolizes the
# backtrace), the loader's handling of broken boot partitions, and the kernel
# shell driven through the keyboard and the serial port (tests/console.py
# --self-test). QEMU boots run two at a time (one per core).
#
# Every check prints one PASS/FAIL line; the last line of output is
# "N passed, N failed", and the exit status is non-zero if anything failed.
# Logs are kept in build/test-logs/ for reading afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
here_dir=$(pwd)

out=build/test-logs
rm -rf "$out" && mkdir -p "$out"
passed=0
failed=0
jobs_max=${TEST_JOBS:-2}

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }

# check NAME COND-DESCRIPTION: result of the last test command.
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "${3:-}"; fi; }

# has FILE STRING: the log contains STRING (fixed string).
has() { grep -qF -- "$2" "$1"; }

# suite NAME FILE [PREFIX [SHOW]]: adds a suite's closing "PREFIX N passed,
# N failed" (PREFIX defaults to "NAME: "; carriage returns ignored) to the
# totals and prints its results: by default its PASS/FAIL lines, labelled
# "NAME:"; with SHOW (an extended regex), the lines matching it and the
# summary. Without a summary the suite fails as a whole (status 1).
suite() {
    local name=$1 file=$2 prefix=${3-"$1: "} show=${4-} summary
    if [ -z "$show" ]; then
        tr -d '\r' < "$file" | grep -aE '^(PASS|FAIL) ' | sed "s/^\(PASS\|FAIL\) /\1 $name: /"
    else
        tr -d '\r' < "$file" | grep -aE "$show"
    fi
    summary=$(tr -d '\r' < "$file" | grep -aE "^$prefix[0-9]+ passed, [0-9]+ failed\$" | tail -1)
    summary=${summary#"$prefix"}
    if [ -z "$summary" ]; then
        tail -5 "$file"
        fail "$name" "no summary (see $file)"
        return 1
    fi
    [ -n "$show" ] && echo "$prefix$summary"
    passed=$((passed + $(echo "$summary" | awk '{print $1}')))
    failed=$((failed + $(echo "$summary" | awk '{print $3}')))
}

# ---- host unit tests --------------------------------------------------------

echo "== host unit tests"
if make --no-print-directory host-tests > "$out/host.log" 2>&1; then :; fi
suite host "$out/host.log" "host: " '^(FAIL |[a-z_/.]+\.c:[0-9]+: )'

# ---- the shell: scripts under dash and under build/user/sh ---------------------

echo "== shell scripts (tests/sh; each must give the same output under dash)"
if ! command -v dash > /dev/null 2>&1; then
    fail "shell tests" "dash is not installed (Debian package dash; tools/deps.sh installs it)"
else
    make --no-print-directory build/user/sh > "$out/sh-build.log" 2>&1
    tests/sh/run.sh > "$out/sh.log" 2>&1
    suite sh "$out/sh.log"
fi

echo "== shell on a terminal (tests/sh/interactive.py: editing, history, job control)"
timeout 120 python3 tests/sh/interactive.py > "$out/sh-interactive.log" 2>&1
suite sh-interactive "$out/sh-interactive.log"

# ---- user utilities on the host (tests/utils/run.sh) ---------------------------

echo "== user utilities (host)"
if make --no-print-directory build/user/utils > "$out/utils.log" 2>&1; then
    tests/utils/run.sh build/user/utils >> "$out/utils.log" 2>&1
fi
suite utils "$out/utils.log" "utils: " '^(FAIL|    )'

# ---- the generated ABI reference is current ----------------------------------

make --no-print-directory build/gen/stamp > /dev/null
cmp -s build/gen/abi.md docs/abi.md
check "docs/abi.md matches include/uapi/basalt/syscalls.def (make abi-docs)" $?

# ---- QEMU boots, in parallel --------------------------------------------------

# boot NAME QEMU-RUN-ARGS...: starts a boot in the background; its exit status
# lands in $out/NAME.status and its serial log in $out/NAME.log.
boot() {
    local name=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n 2>/dev/null || true
    done
    (
        tools/qemu-run --log "$out/$name.log" "$@" > /dev/null 2> "$out/$name.verdict"
        echo $? > "$out/$name.status"
    ) &
}

status_of() { cat "$out/$1.status" 2>/dev/null || echo 99; }

# Broken boot partitions for the loader: ESP trees derived from the real one.
make_bad_image() {
    local name=$1 dir="$out/esp-$1"
    rm -rf "$dir" && cp -r build/esp "$dir"
    case $name in
    no-kernel) rm "$dir/basalt/kernel.elf" ;;
    no-initrd) rm "$dir/basalt/initrd.cpio" ;;
    bad-magic) printf 'MZ\x90\x00' | dd of="$dir/basalt/kernel.elf" conv=notrunc status=none ;;
    truncated) head -c 3000 build/esp/basalt/kernel.elf > "$dir/basalt/kernel.elf" ;;
    wrong-machine) printf '\x03\x00' | dd of="$dir/basalt/kernel.elf" bs=1 seek=18 conv=notrunc status=none ;;
    esac
    ESP_MIB=8 tools/mkimage.sh "$out/$name.img" "$dir"
}

loader_cases="no-kernel no-initrd bad-magic truncated wrong-machine"
declare -A loader_msg=(
    [no-kernel]="basalt/kernel.elf not found"
    [no-initrd]="basalt/initrd.cpio not found"
    [bad-magic]="kernel.elf is not an ELF file (bad magic)"
    [truncated]="kernel.elf is truncated"
    [wrong-machine]="kernel.elf is for another machine"
)

crash_modes="panic pagefault gpf ud div0 stackoverflow spinlock mutex"
declare -A crash_expect=(
    [panic]="*** PANIC at kernel/arch/x86_64/crash.c"
    [pagefault]="CPU EXCEPTION: Page fault (#PF), vector 14"
    [gpf]="CPU EXCEPTION: General protection fault (#GP), vector 13"
    [ud]="CPU EXCEPTION: Invalid opcode (#UD), vector 6"
    [div0]="CPU EXCEPTION: Divide error (#DE), vector 0"
    [stackoverflow]="CPU EXCEPTION: Double fault (#DF), vector 8"
    [spinlock]="*** spinlock 'crash-test' taken twice on CPU 0"
    [mutex]="*** mutex 'crash-test' released by thread"
)

echo "== kernel boots (QEMU, TCG)"
# The full KTEST run first and alone: its scheduler tests measure CPU time and
# wake-up latency in real time, which a second emulator on the same cores
# would disturb.
jobs_max=1
boot ktest --cmdline "ktest panic=exit no_such_option=1" --timeout 300
wait
jobs_max=${TEST_JOBS:-2}
# The same tests at the small and the large end of memory sizes, in parallel:
# without the measurements of real time, which a second emulator on the same
# cores disturbs.
timing="-sched_fair,-sched_busy_loop,-sched_sleep_50ms"
boot ktest-64M --mem 64M --cmdline "ktest=$timing,-time_tick panic=exit quiet" --timeout 300
boot ktest-8G --mem 8G --cmdline "ktest=$timing,-time_tick panic=exit quiet" --timeout 300
wait
# The other tick sources and calibrations (the 8259 PICs and the PIT; no
# HPET, no 8042; no ACPI at all), one at a time: the tick-against-TSC test
# measures real time, and under TCG a busy host loses PIT ticks.
jobs_max=1
boot ktest-nolapic --cmdline "ktest=$timing panic=exit quiet nolapic" --timeout 300
boot ktest-nohpet --cmdline "ktest=time_,input,keyboard,console panic=exit quiet" \
    --extra "-machine q35,hpet=off,i8042=off" --timeout 300
boot ktest-noacpi --cmdline "ktest=time_,sync_timed panic=exit quiet" \
    --extra "-machine q35,acpi=off" --timeout 300
wait
jobs_max=${TEST_JOBS:-2}
# User mode: a faulting program dies alone (under the profiler, whose table
# must come at init's exit); no init is reported. (init itself is tested
# through tools/basalt-exec below.)
boot user-fault --cmdline "init=/boot/fault-test init_exit=qemu panic=exit quiet profile" --timeout 120
boot core-tests --cmdline "init=/boot/core-tests init_exit=qemu panic=exit quiet" --timeout 300
boot posix-tests --cmdline "init=/boot/posix-tests init_exit=qemu panic=exit quiet" --timeout 120
boot user-noinit --cmdline "init=/boot/no-such-program init_exit=qemu panic=exit quiet" --timeout 120
for m in $crash_modes; do
    boot "crash-$m" --cmdline "crash=$m panic=exit quiet" --timeout 120
done
boot panic-halts --cmdline "crash=panic quiet" --timeout 20
for c in $loader_cases; do
    make_bad_image "$c" && boot "loader-$c" --image "$out/$c.img" --timeout 60
done
wait

# ---- verdicts -----------------------------------------------------------------

# KTESTs: each test is one result; the boot itself must end in success.
st=$(status_of ktest)
suite ktest "$out/ktest.log" "ktest: " '^ktest: (PASS|FAIL) '
check "ktest boot ends with success through isa-debug-exit" $((st != 0)) "$(cat "$out/ktest.verdict")"
for variant in 64M 8G nolapic nohpet noacpi; do
    st=$(status_of "ktest-$variant")
    sum=$(grep -aE '^ktest: [0-9]+ passed, [0-9]+ failed' "$out/ktest-$variant.log" | tail -1 | tr -d '\r')
    check "all KTESTs pass with ${variant/[0-9]*[MG]/-m $variant} ($sum)" \
        "$([ "$st" = 0 ] && echo 0 || echo 1)" \
        "$(cat "$out/ktest-$variant.verdict"); failures: $(grep -a 'ktest: FAIL' "$out/ktest-$variant.log" | tr -d '\r' | head -5)"
done
grep -aq "irq: 8259 PICs, vectors 32-47 (nolapic on the command line)" "$out/ktest-nolapic.log" &&
    grep -aq "tick 1000 Hz from PIT channel 0" "$out/ktest-nolapic.log"
check "nolapic runs on the 8259 PICs and the PIT" $?
grep -aq "acpi: no HPET" "$out/ktest-nohpet.log" &&
    grep -aq "calibrated against the pm-timer" "$out/ktest-nohpet.log" &&
    grep -aq "ps2: no controller" "$out/ktest-nohpet.log"
check "without HPET the TSC is calibrated by the PM timer; a missing 8042 is logged" $?
grep -aq "irq: 8259 PICs, vectors 32-47 (no MADT)" "$out/ktest-noacpi.log" &&
    grep -aq "calibrated against the pit" "$out/ktest-noacpi.log"
check "without ACPI tables the kernel uses the PICs and calibrates against the PIT" $?
grep -aqE '^pmm: .* pages total \(8[0-9]{3} MiB\)' "$out/ktest-8G.log"
check "with -m 8G the memory above 4 GiB is managed" $? "$(grep -a '^pmm:' "$out/ktest-8G.log")"
check "kernel banner and command line logged" \
    "$(has "$out/ktest.log" "Basalt " && has "$out/ktest.log" "cmdline: ktest panic=exit" &&
        echo 0 || echo 1)"
check "every log line also reaches the 0xE9 debug port" \
    "$(has "$out/ktest.log.debugcon" "boot: IDT loaded" &&
        has "$out/ktest.log.debugcon" "ktest: running" && echo 0 || echo 1)"
check "unknown command-line word is logged and ignored" \
    "$(has "$out/ktest.log" "unknown option 'no_such_option=1' ignored" && echo 0 || echo 1)"

for m in $crash_modes; do
    log="$out/crash-$m.log"
    st=$(status_of "crash-$m")
    why=""
    [ "$st" = 2 ] || why="expected a kernel panic, got: $(cat "$out/crash-$m.verdict")"
    has "$log" "${crash_expect[$m]}" || why="${why:+$why; }report lacks '${crash_expect[$m]}'"
    grep -aqE "^ +#[0-9]+ +0xffffffff8[0-9a-f]+ <crash_$m\+0x[0-9a-f]+>" "$log" ||
        why="${why:+$why; }no symbolized backtrace frame in crash_$m"
    grep -aqE "<kmain\+0x[0-9a-f]+>" "$log" || why="${why:+$why; }backtrace does not reach kmain"
    has "$log" "*** KERNEL PANIC" || why="${why:+$why; }no closing panic line"
    check "crash=$m gives a clean report" "$([ -z "$why" ] && echo 0 || echo 1)" "$why"
done
has "$out/crash-pagefault.log" "error code 0x2 [not-present write kernel]" &&
    has "$out/crash-pagefault.log" "fault address (CR2) 0xffffc07ffffff000"
check "page-fault report decodes the error code and CR2" $?
has "$out/crash-stackoverflow.log" "on the double-fault stack"
check "kernel stack overflow ends on the double-fault IST stack" $?
grep -aqE "caller: 0xffffffff8[0-9a-f]+ <crash_panic\+0x" "$out/crash-panic.log"
check "panic() names its caller" $?
grep -aqE "first at  0xffffffff8[0-9a-f]+ <crash_spinlock\+0x" "$out/crash-spinlock.log" &&
    grep -aqE "again at  0xffffffff8[0-9a-f]+ <crash_spinlock\+0x" "$out/crash-spinlock.log"
check "a spinlock taken twice panics naming both places" $?

st=$(status_of panic-halts)
[ "$st" = 4 ] && has "$out/panic-halts.log" "system halted"
check "without panic=exit a panic halts the machine (no reboot loop)" $? \
    "status $st: $(cat "$out/panic-halts.verdict" 2>/dev/null)"

# core-tests: the native ABI from a user program; each test is one result.
st=$(status_of core-tests)
suite core-tests "$out/core-tests.log"
check "core-tests exits with 0" $((st != 0)) "$(cat "$out/core-tests.verdict")"

# posix-tests: the POSIX file calls from a plain musl program; each test is one result.
st=$(status_of posix-tests)
suite posix-tests "$out/posix-tests.log"
check "posix-tests exits with 0" $((st != 0)) "$(cat "$out/posix-tests.verdict")"

st=$(status_of user-fault)
[ "$st" = 1 ] && has "$out/user-fault.log" "process 'fault-test' killed: Page fault (#PF)" &&
    has "$out/user-fault.log" "init exited with code -1028" &&
    ! has "$out/user-fault.log" "KERNEL PANIC"
check "a user program that faults is killed with a report; the kernel carries on" $? \
    "status $st: $(cat "$out/user-fault.verdict")"
# The profiler's table: a sample count, then functions with their share.
# (grep reads the log itself: under pipefail, `tr | grep -q` fails whenever
# grep matches and exits before tr has written its last block.)
grep -aqE '^prof: [1-9][0-9]* samples, one per 20000 ns' "$out/user-fault.log" &&
    grep -aqE '^prof: +[1-9][0-9]* +[0-9]+\.[0-9]% [a-z_]' "$out/user-fault.log"
check "profile: the kernel's sample table goes to the log when init exits" $? \
    "no table in $out/user-fault.log; its prof: lines: $(grep -ac '^prof:' "$out/user-fault.log")"
st=$(status_of user-noinit)
[ "$st" = 1 ] && has "$out/user-noinit.log" "init: cannot find /boot/no-such-program"
check "a missing init program is reported" $? "status $st"

for c in $loader_cases; do
    st=$(status_of "loader-$c")
    [ "$st" = 3 ] && has "$out/loader-$c.log" "basalt loader: error: " &&
        has "$out/loader-$c.log" "${loader_msg[$c]}" && ! has "$out/loader-$c.log" "Basalt "
    check "loader stops cleanly on $c" $? \
        "status $st ($(cat "$out/loader-$c.verdict" 2>/dev/null)); expected '${loader_msg[$c]}'"
done

# ---- init (PID 1) and tools/basalt-exec ----------------------------------------

echo "== init and basalt-exec (Basalt), the shell and utilities tests on Basalt, init on Linux, the console harness"
# exec_run NAME EXPECTED-STATUS ARGS...: tools/basalt-exec ARGS; output in $out/exec-NAME.out.
exec_run() {
    local name=$1
    shift
    timeout 300 tools/basalt-exec --log "$out/exec-$name.log" "$@" > "$out/exec-$name.out" \
        2> "$out/exec-$name.err"
    echo $? > "$out/exec-$name.status"
}
printf '# a test configuration\nwait /bin/echo first-line\nfinal /bin/sh -c "exit 5"\n' > "$out/conf.conf"
exec_run conf --init-conf "$out/conf.conf"
st=$(cat "$out/exec-conf.status")
[ "$st" = 5 ] && has "$out/exec-conf.out" ", configuration /boot/etc/init.conf" &&
    has "$out/exec-conf.out" "init: /bin -> /boot/bin" && has "$out/exec-conf.out" "first-line" &&
    ! has "$out/exec-conf.out" "Basalt " && grep -aq "^init exited with code 5" "$out/exec-conf.log.debugcon"
check "init reads /boot/etc/init.conf, links /bin, runs wait and final entries and exits with the final one's status; basalt-exec shows only user output" $? \
    "status $st: $(head -c 300 "$out/exec-conf.out") $(cat "$out/exec-conf.err")"
exec_run shell -- 'echo out-of-basalt; exit 3'
st=$(cat "$out/exec-shell.status")
[ "$st" = 3 ] && [ "$(tr -d '\r' < "$out/exec-shell.out")" = "out-of-basalt" ]
check "basalt-exec 'echo out-of-basalt; exit 3' prints exactly that and exits 3" $? \
    "status $st: $(cat "$out/exec-shell.out" "$out/exec-shell.err")"
exec_run true --add build/user/true:/bin/mytrue -- mytrue
st=$(cat "$out/exec-true.status")
[ "$st" = 0 ] && [ ! -s "$out/exec-true.out" ]
check "basalt-exec --add FILE:/bin/mytrue -- mytrue exits 0, prints nothing" $? "status $st"

# A C program built with musl-gcc runs on the host and on Basalt: same output.
mkdir -p build/tests
if musl-gcc -static -O2 -Wall -Werror -o build/tests/cprog tests/cprog/cprog.c 2> "$out/cprog-build.log"; then
    (cd /tmp && "$here_dir/build/tests/cprog" one > "$here_dir/$out/cprog.host" 2>&1)
    exec_run cprog --add build/tests/cprog:/bin/cprog -- cprog one
    st=$(cat "$out/exec-cprog.status")
    [ "$st" = 0 ] && tr -d '\r' < "$out/exec-cprog.out" | cmp -s - "$out/cprog.host"
    check "tests/cprog/cprog.c prints the same on Basalt as on the host (stdio, files, fork, pipe, signals)" $? \
        "status $st; diff: $(tr -d '\r' < "$out/exec-cprog.out" | diff "$out/cprog.host" - | head -5)"
else
    fail "tests/cprog/cprog.c builds with musl-gcc" "$(head -5 "$out/cprog-build.log")"
fi

# Debian's busybox-static (glibc inside), unmodified (tools/deps.sh installs
# it): every command in one boot, each between its own marker lines.
if [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -c 'statically linked' > /dev/null; then
    bb_names=() bb_expect=() bb_cmds=()
    bb() { bb_names+=("$1") bb_expect+=("$2") bb_cmds+=("$3"); } # bb NAME EXPECTED-OUTPUT COMMAND
    bb sh "4
HELLO" "busybox sh -c 'echo a b c d | busybox wc -w; echo hello | busybox tr a-z A-Z'"
    bb ls "drwxr-xr-x boot" "busybox ls -l / | busybox grep ' boot\$' | busybox awk '{print \$1, \$NF}'"
    bb find "/boot/init" "busybox find / -name init -type f"
    bb sort "apple
banana
cherry" "printf 'cherry\napple\nbanana\n' | busybox sort"
    bb wc "3 3 14" "printf 'one\ntwo\nthree\n' | busybox wc | busybox awk '{print \$1, \$2, \$3}'"
    script=""
    for i in "${!bb_cmds[@]}"; do
        script+="echo '@@bb ${bb_names[$i]}'; ${bb_cmds[$i]}; echo \"@@status \$?\"; "
    done
    exec_run busybox --add /bin/busybox:/bin/busybox -- "$script"
    tr -d '\r' < "$out/exec-busybox.out" > "$out/busybox.txt"
    for i in "${!bb_cmds[@]}"; do
        # The lines after "@@bb NAME" up to its "@@status N", which is the last line.
        got=$(awk -v n="${bb_names[$i]}" '$0 == "@@bb " n { on = 1; next }
            on { print } on && /^@@status / { exit }' "$out/busybox.txt")
        st=$(echo "$got" | tail -1)
        got=$(echo "$got" | sed '$d')
        [ "$st" = "@@status 0" ] && [ "$got" = "${bb_expect[$i]}" ]
        check "busybox: ${bb_cmds[$i]}" $? \
            "${st:-no status (boot: $(cat "$out/exec-busybox.status"))}, output: $(echo "$got" | head -5)"
    done
else
    fail "busybox tests" "/bin/busybox (Debian's busybox-static) is missing: tools/deps.sh installs it"
fi

# The shell's scripts (tests/sh, the same .expected files) and the utilities'
# checks (tests/onbasalt/utils, expected: the same binaries' transcript on
# the host) run by Basalt's own /bin/sh inside Basalt, in one boot.
timeout 900 tests/onbasalt/run.py --log "$out/onbasalt.log" > "$out/onbasalt.txt" 2>&1
suite onbasalt "$out/onbasalt.txt" "onbasalt: " '^(PASS|FAIL|SKIP) '
timeout 300 tests/init/linux.sh > "$out/init-linux.txt" 2>&1
suite init-linux "$out/init-linux.txt"
# Console input end to end: the kernel shell through the PS/2 keyboard (QEMU
# sendkey) and COM1 (a unix socket), then ACPI power-off; also the harness's
# own mechanics, which the interactive tests below rely on.
timeout 300 python3 tests/console.py --self-test > "$out/console.txt" 2>&1
suite console "$out/console.txt"
# A person at the console: the shell on Basalt through serial and keyboard, ^C, ^Z.
timeout 600 python3 tests/interactive/shell.py > "$out/shell-basalt.txt" 2>&1
suite shell-basalt "$out/shell-basalt.txt" "shell-interactive-basalt: "

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
