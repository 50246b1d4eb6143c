d=$(mktemp -d)
echo 'SOURCED=yes; sfunc() { echo "sfunc $1"; }' > "$d/lib.sh"
. "$d/lib.sh"
echo $SOURCED
sfunc arg
rm -rf "$d"
