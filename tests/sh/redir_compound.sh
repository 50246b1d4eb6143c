d=$(mktemp -d); cd "$d"
for i in 1 2 3; do echo $i; done > loop.txt
cat loop.txt
if true; then echo in-if; fi > if.txt; cat if.txt
while read a; do echo "r $a"; done < loop.txt
f() { echo func-out; }
f > ff; cat ff
rm -rf "$d"
