d=$(mktemp -d); cd "$d"
ls /nonexistent-basalt > out 2>&1; echo "status $?"
test -s out && echo "stderr went to the file"
{ echo to-stdout; echo to-stderr >&2; } 2>/dev/null
{ echo to-stderr >&2; } 2>&1 | tr a-z A-Z
echo x 1>&2 2>/dev/null | cat
rm -rf "$d"
