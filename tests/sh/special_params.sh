true; echo $?
false; echo $?
(exit 7); echo $?
test $$ -gt 0 && echo pid-ok
sleep 0 & test "$!" -gt 0 && echo bgpid-ok
wait
sh -c 'echo $0 $1 $#' myname one two
sh -c 'test "$PPID" = "$1" && echo ppid-ok' sh $$
