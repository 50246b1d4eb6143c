printf '%s-%s\n' a b c d
printf '%d %5d|%-3s|\n' 42 7 x
printf 'no newline'; echo
echo -n "dash n"; echo
printf '%x %o %c\n' 255 8 hello
