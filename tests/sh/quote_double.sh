x="a  b"
echo "$x"
echo $x
echo "\$x is \"$x\""
echo "back\\slash"
echo "it's"
