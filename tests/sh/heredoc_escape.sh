v=val
cat <<E
dollar \$v backslash \\ quote " single ' $v
E
