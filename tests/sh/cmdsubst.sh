x=$(echo hello)
echo "$x"
echo $(echo a; echo b)
echo "$(echo a; echo b)"
echo $(echo $(echo nested))
y=`echo back`; echo $y
n=$(printf 'x\n\n\n'); echo "[$n]"
echo $(false); echo $?
