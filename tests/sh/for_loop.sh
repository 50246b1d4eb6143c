for x in a b c; do echo $x; done
for x in; do echo never; done
set -- p "q r"
for x; do echo "[$x]"; done
for x in "$@"; do echo "<$x>"; done
echo "last $x"
