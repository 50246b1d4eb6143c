#!/usr/bin/env bash
# bench.sh - `make bench`: boots Basalt under QEMU with -icount shift=0 (the
# guest TSC then counts guest instructions) and the `bench` command line,
# and prints the benchmarks' "BENCH <name> <value> insn/op" lines.
# The full serial log is kept in build/bench.log.
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
if [ $status -ne 0 ] || [ $ustatus -ne 0 ] || ! grep -aq '^BENCH ' "$log"; then
    echo "bench: a benchmark boot failed (qemu-run status $status, $ustatus); see $log*" >&2
    exit 1
fi
