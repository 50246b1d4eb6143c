# true, false, sleep, clear, env, kill, uname, date, the /proc utilities,
# and --help of every utility (lib.inc).
. "${0%/*}/lib.inc"
t "true" env true
t "false" env false
t "sleep 0.2" sleep 0.2
t "sleep bad argument" sleep abc
t "clear" clear
t "env NAME=VALUE COMMAND" env FOO=v1 sh -c 'echo $FOO'
t "env -i" env -i A=1 B=2 env
t "env -u" env -u HOME sh -c 'echo "[$HOME]"'
t "env missing command" env nosuchcommand
ts "kill (TERM)" 'sleep 30 & p=$!; sleep 0.2; kill $p; wait $p; echo $?'
ts "kill -9" 'sleep 30 & p=$!; sleep 0.2; env kill -9 $p; wait $p; echo $?'
ts "kill -s HUP" 'sleep 30 & p=$!; sleep 0.2; env kill -s HUP $p; wait $p; echo $?'
ts "kill -l" 'env kill -l | grep "^9)"'
t "kill bad signal" env kill -FOO 1
t "kill no such process" env kill 999999
t "uname -m" uname -m
ts "uname -a is -s -n -r -v -m" 'test "$(uname -a)" = "$(uname -s -n -r -v -m)"'
t "date +FORMAT" date -u -d @1000000000 '+%Y-%m-%d %H:%M:%S %j %a %b'
t "date default format" date -u -d @1000000000
ts "date now is after 2020" 'test "$(date -u +%Y)" -ge 2020'
t "date setting refused" date 0101
ts "uptime" "uptime | grep -c '^ [0-9][0-9]:[0-9][0-9]:[0-9][0-9] up '"  # Basalt has no /proc/loadavg (yet)
ts "free" "free | sed -n '1s/  */ /gp; /^Mem:/s/^Mem: *[1-9].*/Mem: ok/p'"
ts "ps lists this shell" 'ps | grep -c "^ *$$ "'
ts "mount lists /proc" "mount | grep -c '^proc on /proc type proc'"
ts "df" "df | head -1 | sed 's/  */ /g'"
ts "--help of every utility" 'for n in $(utils | sed -n "s/^utilities: //p"); do
    out=$($n --help) && case $out in usage:*) echo "$n: ok" ;; *) echo "$n: $out" ;; esac
done'
t "utils NAME" utils echo x y
t "utils unknown" utils nosuch
t "bad option" ls -z
