d=$(mktemp -d); cd "$d"
printf 'line1\nline2\n' > in
wc -l < in
while read l; do echo "<$l>"; done < in
cat 0< in
rm -rf "$d"
