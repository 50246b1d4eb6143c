d=$(mktemp -d); cd "$d"
mkdir -p one/two
cd one/two; basename "$(pwd)"
cd ..; basename "$PWD"
cd /nonexistent-basalt 2>/dev/null; echo "status $?"
basename "$(pwd)"
rm -rf "$d"
