d=$(mktemp -d); cd "$d"
mkdir sub; touch sub/x sub/y
echo sub/*
for f in sub/*; do echo "file $f"; done
p='*'; echo sub/$p
echo 'sub/*'
rm -rf "$d"
