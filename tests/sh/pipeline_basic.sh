echo hello world | tr a-z A-Z
printf 'b\na\nc\n' | sort | head -n 2
echo one | cat | cat | cat
false | true; echo "status $?"
true | false; echo "status $?"
