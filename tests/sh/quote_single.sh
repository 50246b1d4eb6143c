echo 'single $HOME "x" \n'
echo 'a'"b"'c'
echo '' | wc -c
