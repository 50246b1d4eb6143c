echo \$HOME \"q\" a\ b
echo a\
b
echo \\
echo "a\
b"
