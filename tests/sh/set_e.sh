set -e
if false; then echo no; fi
false || echo "or ok"
! false
while false; do :; done
echo "still running"
false
echo "not reached"
