# test / [ beyond test_builtin.sh: the operators the shell's builtin shares
# with the test utility (one evaluator), POSIX's rules by argument count,
# and a bad expression giving status 2 without ending the shell.
echo x > old
sleep 1
echo y > new
[ new -nt old ] && echo nt
[ old -nt new ] || echo not-nt
[ old -ot new ] && echo ot
[ new -ot old ] || echo not-ot
[ . -ef "$PWD" ] && echo ef-same
[ old -ef new ] || echo ef-differ
[ -c /dev/null ] && echo chr
[ -S /dev/null ] || echo not-sock
[ -b /dev/null ] || echo not-blk
[ -p /dev/null ] || echo not-fifo
[ -O old ] && echo owner
[ -u old ] || echo not-setuid
[ b \> a ] && echo gt
[ a \< b ] && echo lt
# one to four arguments: POSIX decides by their count
test -n && echo one-arg-n
test ! -n "" && echo not-n-empty
test ! "" && echo not-empty
test ! a = b && echo not-eq
test '(' -n x ')' && echo paren
test '(' a ')' && echo paren-one
test ! '(' x = y ')' && echo not-paren
[ ! = a ] || echo bang-eq
# blanks around numbers
[ " 3" -eq 3 ] && echo blank-before
[ "3 " -eq 3 ] && echo blank-after
[ -3 -lt 2 ] && echo negative
# longer expressions
[ a = b -o c = c ] && echo or
[ a = a -a ! b = b ] || echo and-not
[ ! '(' a = b ')' -a x ] && echo grouped
# bad expressions: status 2, and the shell goes on (our messages:
# test_operators.stderr)
[ x -eq 1 ]; echo bad-number $?
test "" -eq 0 2>/dev/null; echo empty-number $?
test 1 = 1 ] 2>/dev/null; echo test-with-bracket $?
[ 1 = 1; echo missing-bracket $?
test a b 2>/dev/null; echo two-words $?
test '(' a 2>/dev/null; echo open-paren $?
echo still-here
