no-such-command-basalt
echo "status $?"
printf 'echo hi\n' > noexec
./noexec
echo "status $?"
rm -f noexec
cat < /nonexistent-basalt-file
echo "status $?"
