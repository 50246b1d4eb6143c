cat <<A; cat <<B
from a
A
from b
B
x=1
cat <<E | tr a-z A-Z
piped $x
E
