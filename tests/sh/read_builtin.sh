printf 'one two three\n' | { read a b; echo "a=$a b=$b"; }
printf 'x:y\n' | { IFS=: read p q; echo "$q $p"; }
printf 'last' | { read r; echo "status $? r=$r"; }
printf '  lead\n' | { read r; echo "[$r]"; }
