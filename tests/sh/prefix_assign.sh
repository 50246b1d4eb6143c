# Assignments before a regular builtin or a function call are temporary:
# value and export flag come back afterwards; `local` inside the function
# is still the function's.
FOO=x
FOO=y cd .
echo "after cd: $FOO"
env | grep '^FOO=' || echo "FOO not exported"
f() {
    local BAR=inner
    echo "in f: FOO=$FOO BAR=$BAR"
}
BAR=outer
FOO=z f
echo "after f: FOO=$FOO BAR=$BAR"
env | grep '^FOO=' || echo "FOO still not exported"
export BAZ=1
BAZ=2 cd .
env | grep '^BAZ='
