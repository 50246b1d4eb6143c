#!/usr/bin/env bash
# tests/utils/run.sh - checks Basalt's utilities (user/utils) on the build
# host. Usage: tests/utils/run.sh [PATH-TO-UTILS-BINARY]
#
# The multi-call binary is linked under every utility's name in a temporary
# directory; every check runs there on files it creates. Checks of two
# kinds:
#   same NAME CMD...   our CMD and the host's (GNU coreutils, grep, sed,
#                      findutils) give the same output and exit status,
#                      so the expectation is real behaviour;
#   expect NAME WANT CMD...  CMD prints exactly WANT (where GNU differs or
#                      the host has no such utility).
# One "PASS name"/"FAIL name" line per check; the last line is
# "utils: N passed, N failed"; the exit status is non-zero on a failure.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/user/utils}
[ -x "$bin" ] || { echo "FAIL utils binary: $bin missing"; echo "utils: 0 passed, 1 failed"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/basalt-utils-test.XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
B=$tmp/bin
mkdir "$B"
names=$("$bin" | sed -n 's/^utilities: //p')
for n in $names; do ln -s "$bin" "$B/$n"; done
export LC_ALL=C TZ=UTC
w=$tmp/work
mkdir "$w" && cd "$w" || exit 1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    shift
    [ $# -gt 0 ] && printf '    %s\n' "$@"
}

# Our utility NAME (never a shell builtin: echo, printf, test... are run
# from $B), and the host's (type -P skips builtins too).
ours() { "$B/$1" "${@:2}"; }
host() { "$(PATH=/usr/bin:/bin type -P "$1")" "${@:2}"; }

# same NAME CMD ARGS...: stdin from /dev/null unless IN=FILE is set.
same() {
    local name=$1 want got ws gs
    shift
    got=$(ours "$@" < "${IN:-/dev/null}" 2>/dev/null; echo "status $?")
    want=$(host "$@" < "${IN:-/dev/null}" 2>/dev/null; echo "status $?")
    if [ "$got" == "$want" ]; then pass "$name"; else fail "$name" "ours: $got" "host: $want"; fi
}

# same_sh NAME SCRIPT: SCRIPT run by sh with our utilities first in PATH,
# and with only the host's, gives the same output and status.
same_sh() {
    local got want
    got=$(PATH="$B:$PATH" sh -c "$2" < "${IN:-/dev/null}" 2>/dev/null; echo "status $?")
    want=$(sh -c "$2" < "${IN:-/dev/null}" 2>/dev/null; echo "status $?")
    if [ "$got" == "$want" ]; then pass "$1"; else fail "$1" "ours: $got" "host: $want"; fi
}

# expect NAME WANT CMD ARGS...: output equals WANT (as $(...) strips
# final newlines) and the status is 0.
expect() {
    local name=$1 want=$2 got st
    shift 2
    got=$("$@" < "${IN:-/dev/null}" 2>&1)
    st=$?
    if [ "$got" == "$want" ] && [ $st = 0 ]; then pass "$name"; else fail "$name" "got: $got (status $st)" "want: $want"; fi
}

# status NAME CODE CMD...: only the exit status matters.
status() {
    local name=$1 code=$2 got
    shift 2
    "$@" < "${IN:-/dev/null}" > /dev/null 2>&1
    got=$?
    if [ "$got" = "$code" ]; then pass "$name"; else fail "$name" "status $got, want $code"; fi
}

# error NAME REGEX CMD...: fails (non-zero) with "NAME: what: why" on stderr.
error() {
    local name=$1 re=$2 err st
    shift 2
    err=$("$@" 2>&1 > /dev/null < /dev/null)
    st=$?
    if [ $st -ne 0 ] && [[ $err =~ $re ]]; then pass "$name"; else fail "$name" "status $st, stderr: $err"; fi
}

# ---- input files ---------------------------------------------------------------
printf 'banana\napple\ncherry\napple\nBanana\n10 apples\n9 pears\n' > fruit
printf '3\n10\n2\n-1\n2.5\n10\nx\n' > nums
printf 'a:b:c\nd:e:f\nno delimiter\n1:2:3:4:5\n' > colon
printf 'one two  three\n\tfour\n\nfive' > words
printf 'a\na\nb\nc\nc\nc\na\n' > dups
seq 1 30 > thirty
printf 'Hello World\nhello again\nGoodbye\nHELLO\n' > greet

# ---- --help and the multi-call dispatch ------------------------------------------
bad=""
for n in $names; do
    out=$(ours "$n" --help 2>/dev/null) && [[ $out == usage:* ]] || bad="$bad $n"
done
if [ -z "$bad" ]; then pass "--help prints usage and exits 0 for all $(echo $names | wc -w) utilities"; else fail "--help" "bad:$bad"; fi
expect "utils NAME dispatches on argv[1]" "x y" "$bin" echo x y
error "unknown utility" "no such utility" "$bin" nosuch
error "bad option names the utility" "^ls: unrecognized option: z" ours ls -z

# ---- echo, printf ---------------------------------------------------------------
same "echo words" echo a b  c
same "echo -n" echo -n a b
same "echo -e escapes" echo -e 'a\tb\nc\\d'
expect "echo -e \\c stops output" "ab" ours echo -e 'ab\cde'
same "printf %s %d width flags" printf '[%5s|%-5s|%05d|%+d|%x|%X|%o]\n' ab cd 42 7 255 255 8
same "printf reuses the format" printf '%s=%d\n' a 1 b 2 c
same "printf %c %% escapes" printf '%c%%\t%s\101\n' xyz end
same "printf %b" printf '%b|\n' 'a\nb'
same "printf %.2f and *" printf '%.2f|%*d|\n' 3.14159 6 42
same "printf 'c char code" printf '%d\n' "'A"
error "printf bad number" "^printf: abc: invalid number" ours printf '%d\n' abc

# ---- true, false, sleep, clear ----------------------------------------------------
status "true" 0 ours true
status "false" 1 ours false
start=$(date +%s%N)
ours sleep 0.3
el=$((($(date +%s%N) - start) / 1000000))
if [ $el -ge 280 ] && [ $el -lt 2000 ]; then pass "sleep 0.3 ($el ms)"; else fail "sleep 0.3" "$el ms"; fi
error "sleep bad argument" "^sleep: abc: not a number" ours sleep abc
expect "clear" "$(printf '\033[H\033[2J\033[3J')" ours clear

# ---- basename, dirname ------------------------------------------------------------
same "basename path" basename /usr/lib/libc.so
same "basename suffix" basename /a/b/file.txt .txt
same "basename trailing slash" basename /a/b/
same "basename /" basename /
same "dirname path" dirname /usr/lib/libc.so
same "dirname no slash" dirname file
same "dirname trailing slashes" dirname /a/b//
same "dirname /x" dirname /x

# ---- cat, head, tail, wc --------------------------------------------------------------
same "cat files" cat fruit nums
IN=fruit same "cat stdin and -" cat - nums
error "cat missing file" "^cat: nofile: No such file or directory" ours cat nofile
same "head default" head thirty
same "head -n 3" head -n 3 thirty
same "head -5 (old form)" head -5 thirty
same "head two files" head -n 2 fruit nums
IN=thirty same "head stdin" head -n 2
same "tail default" tail thirty
same "tail -n 3" tail -n 3 thirty
same "tail -n +28" tail -n +28 thirty
same "tail two files" tail -n 2 fruit nums
same "tail no final newline" tail -n 2 words
same "wc file" wc words
same "wc -l" wc -l thirty
same "wc -w" wc -w words
same "wc -c" wc -c words
same "wc several files (total)" wc fruit nums words
IN=words same "wc stdin" wc
IN=words same "wc -l stdin" wc -l

# ---- grep -----------------------------------------------------------------------
same "grep basic" grep apple fruit
same "grep -v" grep -v apple fruit
same "grep -i" grep -i hello greet
same "grep -n" grep -n an fruit
same "grep -c" grep -c hello greet
same "grep -c -v -i" grep -c -v -i hello greet
same "grep BRE anchors and classes" grep '^[0-9][0-9]* ' fruit
same "grep BRE \\(\\) back-reference" grep '\(p\)\1' fruit
same "grep -E alternation" grep -E 'cherry|pears' fruit
same "grep several files" grep -n a fruit greet
same "grep no match: status 1" grep zzz fruit
IN=fruit same "grep stdin" grep -i BANANA
status "grep -q" 0 ours grep -q cherry fruit
status "grep missing file: status 2" 2 ours grep x nofile

# ---- sort, uniq ---------------------------------------------------------------------
same "sort" sort fruit
same "sort -r" sort -r fruit
same "sort -n" sort -n nums
same "sort -n -r" sort -n -r nums
same "sort -u" sort -u dups
same "sort -n -u" sort -n -u nums
same "sort two files" sort fruit dups
IN=fruit same "sort stdin" sort
same "uniq" uniq dups
same "uniq -c" uniq -c dups
same "uniq -d" uniq -d dups
same "uniq -u" uniq -u dups
ours uniq dups uniq.out
if cmp -s uniq.out <(host uniq dups); then pass "uniq INPUT OUTPUT"; else fail "uniq INPUT OUTPUT"; fi

# ---- cut, tr ---------------------------------------------------------------------
same "cut -d -f" cut -d : -f 2 colon
same "cut -f list and range" cut -d : -f 1,3- colon
same "cut -f -2 -s" cut -d : -f -2 -s colon
same "cut -c" cut -c 2-4 fruit
same "cut -c list" cut -c 1,3,5- fruit
same "cut -f default tab" cut -f 2 words
IN=fruit same "tr a-z A-Z" tr a-z A-Z
IN=fruit same "tr classes" tr '[:lower:]' '[:upper:]'
IN=fruit same "tr -d" tr -d 'aeiou'
IN=fruit same "tr -d class" tr -d '[:digit:] '
IN=fruit same "tr short SET2 padded" tr 'a-e' 'xy'
IN=words same "tr escapes" tr '\n\t' '_#'
IN=dups same "tr -s" tr -s 'a\n'

# ---- sed ---------------------------------------------------------------------------
same "sed s///" sed 's/an/AN/' fruit
same "sed s///g" sed 's/an/AN/g' fruit
same "sed -n s///p" sed -n 's/apple/APPLE/p' fruit
same "sed & and \\1" sed 's/\([0-9]*\) \(.*\)/\2 x\1 [&]/' fruit
same "sed other delimiter" sed 's|a|/|g' fruit
same "sed s Nth match" sed 's/a/_/2' fruit
same "sed d by line" sed 2d fruit
same "sed d range" sed '2,4d' thirty
same "sed -n p range" sed -n '3,5p' thirty
same "sed \$ last line" sed -n '$p' thirty
same "sed /re/d" sed '/apple/d' fruit
same "sed /re/,/re/ range" sed -n '/^5$/,/^8$/p' thirty
same "sed /re/ s" sed '/^a/s/p/P/g' fruit
same "sed ! negation" sed -n '/an/!p' fruit
same "sed several commands" sed -e 's/a/A/' -e '/cherry/d' -e '3p' fruit
same "sed ; separated" sed 's/1/one/;s/2/two/;5q' thirty
same "sed =" sed -n '/cherry/=' fruit
same "sed empty regex matches" sed 's/x*/-/g' colon
IN=fruit same "sed stdin" sed -n 2p
error "sed bad script" "^sed: bad script" ours sed 'k' fruit

# ---- files: mkdir, rmdir, touch, ls, cp, mv, ln, rm, find --------------------------
ours mkdir d1 && [ -d d1 ] && pass "mkdir" || fail "mkdir"
ours mkdir -p p/q/r && [ -d p/q/r ] && ours mkdir -p p/q && pass "mkdir -p" || fail "mkdir -p"
error "mkdir existing" "^mkdir: d1: File exists" ours mkdir d1
error "mkdir without parent" "^mkdir: x/y: No such file or directory" ours mkdir x/y
ours rmdir p/q/r && [ ! -e p/q/r ] && pass "rmdir" || fail "rmdir"
error "rmdir non-empty" "^rmdir: p: Directory not empty" ours rmdir p
ours touch t1 t2 && [ -f t1 ] && [ ! -s t1 ] && pass "touch creates" || fail "touch creates"
host touch -d '2001-01-01' t1 && ours touch t1 && [ "$(stat -c %Y t1)" -ge "$(($(date +%s) - 100))" ] &&
    pass "touch updates the time" || fail "touch updates the time"
ours touch -c t3 && [ ! -e t3 ] && pass "touch -c" || fail "touch -c"
t=$(TMPDIR=$w/d1 ours mktemp) && [[ $t == "$w/d1/tmp."?????????? ]] && [ -f "$t" ] &&
    [ ! -s "$t" ] && [ "$(stat -c %a "$t")" = 600 ] && pass "mktemp (a file in \$TMPDIR)" ||
    fail "mktemp (a file in \$TMPDIR)" "$t"
t=$(ours mktemp -d -p d1 dirXXXX) && [[ $t == d1/dir???? ]] && [ -d "$t" ] &&
    [ "$(stat -c %a "$t")" = 700 ] && pass "mktemp -d -p DIR TEMPLATE" || fail "mktemp -d -p DIR TEMPLATE" "$t"
t=$(ours mktemp relXXX) && t2=$(ours mktemp relXXX) && [[ $t == rel??? ]] && [ -f "$t" ] &&
    [ -f "$t2" ] && [ "$t" != "$t2" ] && pass "mktemp TEMPLATE: two different names" ||
    fail "mktemp TEMPLATE: two different names" "$t $t2"
rm -f rel???
error "mktemp too few X's" "^mktemp: aXX: too few X's in the template" ours mktemp aXX
error "mktemp in a missing directory" "^mktemp: nodir/t....: No such file or directory" ours mktemp -p nodir tXXXX
mkdir -p tree/sub tree/.hid && printf 'x\n' > tree/a && printf 'yy\n' > tree/sub/b && printf '' > tree/.dot
ln -s a tree/link
same "ls dir" ls tree
same "ls -a" ls -a tree
same "ls files and dirs" ls fruit tree nums tree/sub
same "ls default ." ls
expect "ls -l" "$(cd tree && host ls -l --time-style='+%b %e %H:%M' | sed 's/  */ /g')" \
    sh -c "cd tree && '$B/ls' -l | sed 's/  */ /g'"
expect "ls -l -a (dot files)" "$(host ls -la --time-style='+%b %e %H:%M' tree | sed 's/  */ /g')" \
    sh -c "'$B/ls' -l -a tree | sed 's/  */ /g'"
expect "ls -l symlink target" "link -> a" sh -c "'$B/ls' -l tree/link | sed 's/.* tree\///'"
error "ls missing" "^ls: nofile: No such file or directory" ours ls nofile
same "ls missing: status 2 as GNU" ls nofile
ours cp fruit f2 && cmp -s fruit f2 && pass "cp file" || fail "cp file"
ours cp fruit nums d1 && cmp -s nums d1/nums && cmp -s fruit d1/fruit && pass "cp into directory" || fail "cp into directory"
chmod 751 f2 && ours cp f2 f3 && [ "$(stat -c %a f3)" = 751 ] && pass "cp keeps the mode" || fail "cp keeps the mode"
ours cp -r tree tree2 && diff -r tree tree2 > /dev/null && [ -L tree2/link ] && pass "cp -r" || fail "cp -r"
error "cp directory without -r" "^cp: tree: is a directory" ours cp tree t9
error "cp onto itself" "^cp: fruit: fruit: are the same file" ours cp fruit fruit
[ -s fruit ] && pass "cp onto itself keeps the file" || fail "cp onto itself keeps the file"
error "cp missing" "^cp: nofile: No such file or directory" ours cp nofile x
ours mv f3 f4 && [ ! -e f3 ] && [ -f f4 ] && pass "mv rename" || fail "mv rename"
ours mv f4 t2 d1 && [ -f d1/f4 ] && [ -f d1/t2 ] && pass "mv into directory" || fail "mv into directory"
ours mv tree2 tree3 && [ -d tree3/sub ] && pass "mv directory" || fail "mv directory"
if [ -d /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d .)" ]; then
    cp -r tree /dev/shm/basalt-utils-$$ && ours mv /dev/shm/basalt-utils-$$ xdev &&
        [ -f xdev/sub/b ] && [ ! -e /dev/shm/basalt-utils-$$ ] && pass "mv across file systems" ||
        fail "mv across file systems"
    rm -rf /dev/shm/basalt-utils-$$
fi
error "mv missing" "^mv: nofile: No such file or directory" ours mv nofile x
ours ln fruit hard && [ "$(stat -c %i fruit)" = "$(stat -c %i hard)" ] && pass "ln (hard)" || fail "ln (hard)"
ours ln -s fruit soft && [ "$(readlink soft)" = fruit ] && pass "ln -s" || fail "ln -s"
error "ln existing" "^ln: soft: File exists" ours ln -s nums soft
ours ln -s -f nums soft && [ "$(readlink soft)" = nums ] && pass "ln -s -f" || fail "ln -s -f"
ours ln -s /x/y d1 && [ "$(readlink d1/y)" = /x/y ] && pass "ln -s into directory" || fail "ln -s into directory"
ours rm hard && [ ! -e hard ] && pass "rm file" || fail "rm file"
error "rm directory without -r" "^rm: tree3: is a directory" ours rm tree3
error "rm missing" "^rm: nofile: No such file or directory" ours rm nofile
status "rm -f missing" 0 ours rm -f nofile
ours rm -r tree3 && [ ! -e tree3 ] && pass "rm -r" || fail "rm -r"
mkdir -p ro/in && touch ro/in/f && chmod 500 ro/in
if [ "$(id -u)" != 0 ]; then error "rm -r unwritable" "^rm: ro/in/f: Permission denied" ours rm -r ro; fi
chmod 700 ro/in
same_sh "find" "find tree | sort"
same_sh "find . -name" "find . -name 'b' | sort"
same "find -name pattern" find tree -name '[ab]*'
same_sh "find -type d" "find tree -type d | sort"
same_sh "find -type f" "find tree -type f | sort"
same "find -type l" find tree -type l
same_sh "find -name -type" "find . -name '*.*' -type f | sort"
same_sh "find -maxdepth" "find tree -maxdepth 1 | sort"
error "find bad type" "^find: -type q" ours find tree -type q
error "find missing" "^find: nofile: No such file or directory" ours find nofile

# ---- xargs, env, test ----------------------------------------------------------------
export PATH="$B:$PATH"
IN=fruit same "xargs default echo" xargs
IN=fruit same "xargs -n 2" xargs -n 2 echo X
IN=fruit same "xargs command and args" xargs echo begin
printf "a 'b c' \"d e\" f\\ g\n" > quoted
IN=quoted same "xargs quotes" xargs -n 1
IN=/dev/null same "xargs empty input runs once" xargs echo none
IN=fruit same "xargs failing command: 123" xargs false
IN=fruit same "xargs missing command: 127" xargs nosuchcommand
expect "env NAME=VALUE COMMAND" "v1" ours env FOO=v1 sh -c 'echo $FOO'
expect "env -i" "A=1
B=2" ours env -i A=1 B=2
expect "env -u" "" ours env -u HOME sh -c 'echo $HOME'
expect "env prints" "X_TEST=yes" sh -c "X_TEST=yes '$B/env' | grep ^X_TEST="
status "env missing command: 127" 127 ours env nosuchcommand
status "test -f" 0 ours test -f fruit
status "test -f on a directory" 1 ours test -f d1
status "test -d" 0 ours test -d d1
status "test -e missing" 1 ours test -e nofile
status "test -s empty" 1 ours test -s t2x
status "test -L" 0 ours test -L soft
status "test -z -n" 0 ours test -z "" -a -n x
status "test string =" 0 ours test abc = abc
status "test string !=" 1 ours test abc != abc
status "test -lt" 0 ours test 2 -lt 10
status "test -ge" 1 ours test 2 -ge 10
status "test ! and -o" 0 ours test ! -e nofile -o -e fruit
status "test parentheses" 1 ours test '(' -e nofile -o -e fruit ')' -a -e nofile
status "test one argument" 0 ours test word
status "test no argument" 1 ours test
status "[ ]" 0 ours '[' 1 -eq 1 ']'
status "[ missing ]: status 2" 2 ours '[' 1 -eq 1
status "test bad integer: status 2" 2 ours test a -eq 1
error "test bad integer: message" "^test: a: integer expected" ours test a -eq 1
status "test <" 0 ours test a '<' b
status "test >" 1 ours test a '>' b
status "test blanks around a number" 0 ours test " 3" -eq "3 "
for e in '-d d1' '-f fruit -a -d d1' '! -d fruit' 'x = y -o 1 -ne 2' '-n "" -o -z ""' \
    '! -n ""' "'(' -n x ')'" "'(' a ')'" '! = a' \
    '-c /dev/null' '-S /dev/null' 'fruit -ef fruit' 'fruit -ef d1' '-G fruit' '-O fruit'; do
    want=0; eval "/usr/bin/test $e" || want=$?
    eval "status \"test $e (same as the host)\" $want ours test $e"
done

# ---- kill, uname, date -----------------------------------------------------------
# started PID: waits until PID runs sleep (a signal sent before the exec
# would reach the forked shell, whose handlers differ).
started() {
    for _ in $(seq 100); do
        [ "$(cat /proc/$1/comm 2>/dev/null)" = sleep ] && return
        ours sleep 0.02
    done
}
# (stderr of the group hides the shell's "Killed" job notices.)
{
    sleep 30 &
    victim=$!
    started "$victim"
    ours kill "$victim"
    wait "$victim" 2>/dev/null
    st=$?; [ $st = 143 ] && pass "kill (TERM)" || fail "kill (TERM)" "status $st"
    sleep 30 &
    victim=$!
    started "$victim"
    ours kill -9 "$victim"
    wait "$victim" 2>/dev/null
    st=$?; [ $st = 137 ] && pass "kill -9" || fail "kill -9" "status $st"
    sleep 30 &
    victim=$!
    started "$victim"
    ours kill -s HUP "$victim"
    wait "$victim" 2>/dev/null
    st=$?; [ $st = 129 ] && pass "kill -s HUP" || fail "kill -s HUP" "status $st"
} 2>/dev/null
expect "kill -l" "9) KILL" sh -c "'$B/kill' -l | grep '^9)'"
error "kill bad signal" "^kill: FOO: unknown signal" ours kill -FOO 1
error "kill no such process" "^kill: 999999: No such process" ours kill 999999
same "uname" uname
same "uname -s -r -m" uname -s -r -m
expect "uname -a (GNU without -o)" "$(host uname -s -n -r -v -m)" ours uname -a
same "uname -n" uname -n
same "date +FORMAT" date -u -d @1000000000 '+%Y-%m-%d %H:%M:%S %j %a %b'
same "date default format" date -u -d @1000000000
expect "date now" "$(host date -u +%Y-%m-%d)" ours date -u +%Y-%m-%d
error "date setting refused" "^date: 0101: setting the date is not supported" ours date 0101

# ---- tee, the /proc utilities ---------------------------------------------------------
IN=fruit expect "tee" "$(cat fruit)" ours tee tee1 tee2
cmp -s tee1 fruit && cmp -s tee2 fruit && pass "tee writes its files" || fail "tee writes its files"
if [ -r /proc/uptime ]; then
    expect "uptime" "ok" sh -c "'$B/uptime' | grep -q ' up .*load average' && echo ok"
    expect "free" "ok" sh -c "'$B/free' | awk '/^Mem:/ { if (\$2 > 0) print \"ok\" }'"
    expect "ps lists this shell" "ok" sh -c "'$B/ps' | awk '\$1 == $$ { print \"ok\" }'"
    expect "mount lists /proc" "ok" sh -c "'$B/mount' | grep -q '^proc on /proc type proc' && echo ok"
    expect "df" "ok" sh -c "'$B/df' | head -1 | grep -q '^Filesystem *1K-blocks' && echo ok"
fi
# Missing /proc files give a clear message: checked with an empty /proc in a
# private mount namespace, where the host allows one (root, unshare).
if unshare -m true 2> /dev/null; then
    for u in "free:/proc/meminfo" "uptime:/proc/uptime" "mount:/proc/mounts" "df:/proc/mounts" \
             "dmesg:/proc/kmsg" "ps:/proc"; do
        n=${u%%:*} f=${u#*:}
        err=$(unshare -m sh -c "mount -t tmpfs none /proc && '$B/$n'" 2>&1 > /dev/null)
        st=$?
        if [ $st -ne 0 ] && [[ $err == "$n: $f"* ]]; then pass "$n without $f"; else
            fail "$n without $f" "status $st, stderr: $err"; fi
    done
fi
error "umount error" "^umount: $w/nomount: " ours umount "$w/nomount"
if [ "$(id -u)" != 0 ]; then error "reboot without privilege" "^reboot: reboot: Operation not permitted" ours reboot; fi

echo "utils: $passed passed, $failed failed"
[ "$failed" = 0 ]
