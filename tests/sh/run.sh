#!/usr/bin/env bash
# run.sh [SH] - the shell's tests: every tests/sh/NAME.sh runs under Debian's
# dash and under our sh (build/user/sh, or $1); both outputs must equal
# NAME.expected, which is standard output followed by "exit: STATUS".
# So the expectations are real POSIX behaviour, checked against dash every
# run. A NAME.stderr file, when present, must equal our sh's standard error
# (our own messages; dash words them differently, so it is not compared).
# Prints PASS/FAIL per script and a final "sh: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
ours=$(cd "$here/../.." && pwd)/build/user/sh
ours=${1:-$ours}
dash=$(command -v dash || true)
if [ -z "$dash" ]; then
    echo "FAIL sh tests: dash is not installed (apt-get install dash; tools/deps.sh)"
    echo "sh: 0 passed, 1 failed"
    exit 1
fi
if [ ! -x "$ours" ]; then
    echo "FAIL sh tests: $ours is not built"
    echo "sh: 0 passed, 1 failed"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
# run SHELL SCRIPT OUT ERR: runs in a scratch directory; "sh" inside the
# script means the shell under test (a PATH directory holds the link).
run() {
    mkdir -p "$tmp/bin-$1" "$tmp/cwd"
    ln -sf "$2" "$tmp/bin-$1/sh"
    (cd "$tmp/cwd" && PATH="$tmp/bin-$1:$PATH" timeout 20 "$2" "$3" > "$4" 2> "$5" < /dev/null
     echo "exit: $?" >> "$4")
}
for t in "$here"/*.sh; do
    name=$(basename "$t" .sh)
    [ "$name" = run ] && continue
    exp="$here/$name.expected"
    why=""
    run dash "$dash" "$t" "$tmp/dash.out" "$tmp/dash.err"
    run ours "$ours" "$t" "$tmp/ours.out" "$tmp/ours.err"
    if [ ! -f "$exp" ]; then
        why="no $name.expected"
    else
        cmp -s "$exp" "$tmp/dash.out" || why="dash differs from expected: $(diff "$exp" "$tmp/dash.out" | head -5 | tr '\n' ' ')"
        cmp -s "$exp" "$tmp/ours.out" || why="${why:+$why; }sh differs: $(diff "$exp" "$tmp/ours.out" | head -8 | tr '\n' ' ')"
        if [ -f "$here/$name.stderr" ]; then
            cmp -s "$here/$name.stderr" "$tmp/ours.err" || why="${why:+$why; }stderr differs: $(diff "$here/$name.stderr" "$tmp/ours.err" | head -5 | tr '\n' ' ')"
        fi
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name: $why"
    fi
done
echo "sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
