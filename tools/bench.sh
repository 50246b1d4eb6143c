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
tools/qemu-run --image "$image" --icount --cmdline "bench panic=exit quiet" --timeout 600 --log "$log" > /dev/null
status=$?
grep -a '^BENCH ' "$log" | tr -d '\r'
if [ $status -ne 0 ] || ! grep -aq '^BENCH ' "$log"; then
    echo "bench: the benchmark boot failed (qemu-run status $status); see $log" >&2
    exit 1
fi
