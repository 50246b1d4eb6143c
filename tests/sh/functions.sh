greet() {
    echo "hello $1, $# args"
}
greet world
greet a b c
count() { echo $#; }
count "$@"
count "a b" c
f() { return 5; }
f; echo $?
g() { echo before; return; echo after; }
g
