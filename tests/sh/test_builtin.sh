[ a = a ] && echo eq
[ a != b ] && echo ne
[ -z "" ] && echo empty
[ -n x ] && echo nonempty
[ 3 -lt 5 ] && echo lt
[ 5 -ge 5 ] && echo ge
[ ! -e /nonexistent-basalt ] && echo noexist
[ -d / ] && echo dir
test -f "$0" && echo file
[ 1 -eq 1 -a 2 -eq 2 ] && echo both
[ 1 -eq 2 -o 2 -eq 2 ] && echo either
[ x ] && echo str
