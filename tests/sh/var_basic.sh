a=1 b=2
echo $a$b ${a}x
unset a; echo "[${a}]"
c=$b; echo $c
d="$a and $b"; echo "$d"
