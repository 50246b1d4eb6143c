no-such-command-basalt 2>/dev/null
echo "status $?"
d=$(mktemp -d)
printf 'echo hi\n' > "$d/noexec"
"$d/noexec" 2>/dev/null
echo "status $?"
rm -rf "$d"
