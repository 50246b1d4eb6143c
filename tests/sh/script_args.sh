d=$(mktemp -d)
cat > "$d/s.sh" <<'S'
echo "n=$#"
echo "0=$(basename $0)"
for a in "$@"; do echo "arg [$a]"; done
echo "star [$*]"
echo "one $1 two $2"
shift 2; echo "rest $@"
S
sh "$d/s.sh" a "b c" d e
rm -rf "$d"
