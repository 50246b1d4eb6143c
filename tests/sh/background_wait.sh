d=$(mktemp -d)
(sleep 0.2; echo late > "$d/f") &
p=$!
echo started
wait $p; echo "wait status $?"
cat "$d/f"
sh -c 'exit 4' & wait $!; echo "status $?"
echo a > "$d/1" & echo b > "$d/2" &
wait
cat "$d/1" "$d/2"
rm -rf "$d"
