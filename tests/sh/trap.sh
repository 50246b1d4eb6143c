# trap: an action runs once the command during which its signal came is
# done, and leaves $? as it was; '' ignores a signal, - gives it back its
# default; EXIT (or 0) runs when the shell ends; trap alone lists them.
trap 'echo "exit trap (status $?)"' EXIT
trap 'echo got USR1' USR1
kill -USR1 $$
echo "after kill: $?"
trap 'echo in USR2 trap; false' USR2
kill -USR2 $$
echo "status kept: $?"
trap 'echo hup' HUP
trap
trap - USR2
trap '' HUP
kill -HUP $$
echo "HUP ignored"
trap "echo it's quoted" TERM
trap
trap - TERM HUP
(trap 'echo subshell exit' EXIT; echo in subshell)
(trap; kill -USR1 $$; echo "subshell: USR1 trap not inherited")
i=0
trap 'i=$((i + 1))' USR1
while [ "$i" -lt 3 ]; do kill -USR1 $$; done
echo "USR1 trapped $i times in a loop"
trap 'echo usr1 while waiting' USR1
(sleep 1; kill -USR1 $$; sleep 1) &
wait $!
echo "wait status $?"
wait
trap 0 USR1
trap
trap 'echo bad' NOSUCHSIG 2>/dev/null
echo "bad trap status $?"
trap 'echo "EXIT sees $?"; exit 7' 0
trap 'echo one-shot INT; trap - INT' INT
kill -INT $$
exit 3
