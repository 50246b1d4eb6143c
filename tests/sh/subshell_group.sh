x=1
(x=2; echo "sub $x")
echo "main $x"
{ x=3; echo "group $x"; }
echo "main $x"
(cd /; pwd)
(exit 3) || echo "sub failed $?"
