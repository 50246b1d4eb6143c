#!/usr/bin/env bash
# bench.sh - `make bench`: boots Basalt under QEMU with -icount shift=0 (the
# guest TSC then counts guest instructions) and the `bench` command line,
# and prints the benchmarks' "BENCH <name> <value> insn/op" lines.
# The full serial log is kept in build/bench.log.
#
# Then the POSIX figures: user/bench-posix, one static binary, runs as init
# on Basalt and as /init on Debian's Linux kernel (tools/linux-run, when
# tools/deps.sh could fetch it) in the same QEMU machine, and a table puts
# them side by side with the targets. A figure that could not be measured
# says "not run: <reason>" (bench-posix names the missing call).
#
#   tools/bench.sh [IMAGE]     (default build/release/basalt.img)
set -uo pipefail
cd "$(dirname "$0")/.."
image=${1:-build/release/basalt.img}
log=build/bench.log
# Kernel benchmarks (in-kernel BENCH()es), then the user-space ones
# (/boot/bench-core as init: the system-call path and the native ABI).
tools/qemu-run --image "$image" --icount --cmdline "bench panic=exit quiet" --timeout 600 \
    --log "$log" > /dev/null
status=$?
tools/qemu-run --image "$image" --icount --timeout 600 --log "$log.user" \
    --cmdline "init=/boot/bench-core init_exit=qemu panic=exit quiet" > /dev/null
ustatus=$?
grep -ah '^BENCH \|^bench: ' "$log" "$log.user" | tr -d '\r'

# ---- POSIX figures: Basalt and Linux -----------------------------------------

bindir="$(dirname "$image")/user"
posix_bin="$bindir/bench-posix"
pstatus=0
if [ -f "$posix_bin" ] && [ -f "$bindir/true" ]; then
    tools/qemu-run --image "$image" --icount --timeout 600 --log "$log.posix" --poweroff-ok \
        --cmdline "init=/boot/bench-posix init_exit=qemu panic=exit quiet" > /dev/null
    pstatus=$?
    basalt_why="boot failed (qemu-run status $pstatus, see $log.posix)"
    [ $pstatus = 0 ] && basalt_why="no figure (see $log.posix)"
else
    : > "$log.posix"
    basalt_why="no $posix_bin"
fi
if [ -f build/linux/vmlinuz ] && [ -f "$posix_bin" ]; then
    tools/linux-run --icount --timeout 600 --log "$log.linux" --init "$posix_bin" \
        --add "$bindir/true:bin/true" > /dev/null
    linux_why="Linux boot failed (linux-run status $?, see $log.linux)"
else
    : > "$log.linux"
    linux_why="no Linux kernel (tools/deps.sh fetches Debian's into build/linux)"
fi
grep -ah '^BENCH \|^bench: ' "$log.posix" | tr -d '\r'

# figure LOG NAME WHY: "<value>" from the log, its "not run: <reason>" or
# "wrong result: ..." line, or "not run: WHY".
figure() {
    local v
    v=$(tr -d '\r' < "$1" | awk -v n="$2" '$1 == "BENCH" && $2 == n { print $3 }' | tail -1)
    [ -n "$v" ] && { echo "$v"; return; }
    v=$(tr -d '\r' < "$1" | sed -n "s/^bench: $2: //p" | tail -1)
    [ -n "$v" ] && { echo "$v"; return; }
    echo "not run: $3"
}
echo
echo "POSIX figures, guest instructions per operation (bench-posix; Linux $(cat build/linux/version 2>/dev/null || echo '-'))"
printf '%-18s %10s  %-44s %s\n' figure Linux Basalt target
for row in getpid:110 pipe_round_trip:3700 fork_exit_wait:60000 fork_execve_wait:135000 spawn_wait:70000 \
    anon_page_fault:2300 mmap_munmap_4k:4400 pread_4k:1500 pwrite_4k:1800; do
    name=posix_${row%%:*}
    lv=$(figure "$log.linux" "$name" "$linux_why")
    bv=$(figure "$log.posix" "$name" "$basalt_why")
    printf '%-18s %10s  %-44s <= %s\n' "${row%%:*}" "$lv" "$bv" "${row#*:}"
done
if [ $status -ne 0 ] || [ $ustatus -ne 0 ] || [ $pstatus -ne 0 ] || ! grep -aq '^BENCH ' "$log"; then
    echo "bench: a benchmark boot failed (qemu-run status $status, $ustatus, $pstatus); see $log*" >&2
    exit 1
fi
