set -- outer1 outer2
f() { echo "$1 $2 $#"; shift; echo "$1 $#"; }
f a b c
echo "$1 $2 $#"
rec() { if [ $1 -gt 0 ]; then echo $1; rec $(($1 - 1)); fi; }
rec 3
