set -- "" a ""
echo $#
for i in "$@"; do echo "[$i]"; done
e=
set -- $e "" $e
echo $#
