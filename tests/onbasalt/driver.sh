# driver.sh SUITE DIR LIMIT - runs inside Basalt, under Basalt's own /bin/sh
# (tests/onbasalt/run.py puts it in the image as /boot/tests/driver.sh).
#
# Every DIR/*.sh runs as `sh SCRIPT` in a fresh scratch directory, with
# standard input from /dev/null, standard output and standard error to files,
# and a time limit of LIMIT seconds (a watchdog subshell kills it: Basalt has
# no timeout(1)). Then the driver prints, on the console:
#
#   =@basalt-test@= begin SUITE NAME
#   <standard output>exit: STATUS          (as tests/sh/run.sh records it)
#   =@basalt-test@= stderr SUITE NAME
#   <standard error>
#   =@basalt-test@= end SUITE NAME [timeout]
#
# Each section's text is followed by one extra newline before the next marker,
# so the host can cut out output that does not end in a newline. The run ends
# with "=@basalt-test@= done SUITE". A script whose "end" line never arrives
# (a hang of the whole system, a panic) is a failure on the host.
suite=$1 dir=$2 limit=$3
m='=@basalt-test@='
w=/tmp/basalt-test
for t in "$dir"/*.sh; do
    name=${t##*/}
    name=${name%.sh}
    cd /
    rm -rf "$w"
    mkdir -p "$w/cwd"
    cd "$w/cwd" || { echo "$m cannot make $w/cwd"; exit 1; }
    echo "$m begin $suite $name"
    sh "$t" > "$w/out" 2> "$w/err" < /dev/null &
    pid=$!
    (sleep "$limit"; echo > "$w/timeout"; kill -9 "$pid") > /dev/null 2>&1 &
    dog=$!
    wait "$pid"
    st=$?
    kill -9 "$dog" 2> /dev/null
    wait "$dog" 2> /dev/null
    echo "exit: $st" >> "$w/out"
    cat "$w/out"
    echo
    echo "$m stderr $suite $name"
    cat "$w/err"
    echo
    to=""
    [ -f "$w/timeout" ] && to=" timeout"
    echo "$m end $suite $name$to"
done
cd /
rm -rf "$w"
echo "$m done $suite"
