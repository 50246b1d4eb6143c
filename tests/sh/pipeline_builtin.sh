f() { echo "in function"; }
f | tr a-z A-Z
echo abc | while read x; do echo "got $x"; done
x=outer; echo changed | read x; echo "x=$x"
