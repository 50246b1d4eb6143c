sh -c 'echo "$0|$1|$2"' zero one two
sh -c 'echo $#' x
sh -c 'for i in 1 2; do echo $i; done'
echo 'echo from-stdin; echo $((2*3))' | sh
