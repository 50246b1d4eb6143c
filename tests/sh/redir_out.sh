d=$(mktemp -d); cd "$d"
echo first > f; cat f
echo second > f; cat f
echo third >> f; cat f
rm -rf "$d"
