d=$(mktemp -d); cd "$d"
touch a.c b.c c.h .hidden
echo *.c
echo *
echo ?.h
echo [ab].c
echo *.none
echo "*.c"
rm -rf "$d"
