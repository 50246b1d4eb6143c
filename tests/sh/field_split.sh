v="  a   b  "
set -- $v; echo $#
IFS=:
v="x:y::z"
set -- $v; echo $#
for i in $v; do echo "[$i]"; done
IFS=' '
set -- "$v"; echo $#
