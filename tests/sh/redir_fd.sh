d=$(mktemp -d); cd "$d"
exec 3> fd3
echo via-three >&3
exec 3>&-
cat fd3
echo data > rw; cat 4<rw <&4
{ echo a; echo b; } > both; cat both
rm -rf "$d"
