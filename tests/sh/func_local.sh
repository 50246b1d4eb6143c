x=global
f() {
    local x=inner
    echo "in f: $x"
    g
}
g() { echo "in g: $x"; }
f
echo "after: $x"
h() { x=changed; }
h; echo $x
