FOO=bar
sh -c 'echo "child sees [$FOO]"'
export FOO
sh -c 'echo "child sees [$FOO]"'
BAZ=temp sh -c 'echo "prefix [$BAZ]"'
echo "after [$BAZ]"
export Q=exported; sh -c 'echo $Q'
