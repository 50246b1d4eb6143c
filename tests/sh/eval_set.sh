cmd='echo evaluated $((1+1))'
eval "$cmd"
eval 'v=set-by-eval'; echo $v
set -- a b c
echo $# $2
set --; echo $#
