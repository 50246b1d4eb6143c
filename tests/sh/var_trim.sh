p=/usr/local/bin/file.tar.gz
echo ${p##*/} ${p#*/} ${p%.*} ${p%%.*}
echo "${p##*/}"
