# grep, sort, uniq, cut, tr, sed, xargs (lib.inc).
. "${0%/*}/lib.inc"
t "grep" grep apple fruit
t "grep -v" grep -v apple fruit
t "grep -i -n" grep -i -n hello greet
t "grep -c" grep -c hello greet
t "grep BRE" grep '^[0-9][0-9]* ' fruit
t "grep back-reference" grep '\(p\)\1' fruit
t "grep -E" grep -E 'cherry|pears' fruit
t "grep several files" grep -n a fruit greet
t "grep no match" grep zzz fruit
t "grep -q" grep -q cherry fruit
t "grep missing file" grep x nofile
ti fruit "grep stdin" grep -i BANANA
t "sort" sort fruit
t "sort -r" sort -r fruit
t "sort -n" sort -n nums
t "sort -n -r" sort -n -r nums
t "sort -u" sort -u dups
t "sort two files" sort fruit dups
ti fruit "sort stdin" sort
t "uniq" uniq dups
t "uniq -c" uniq -c dups
t "uniq -d" uniq -d dups
t "uniq -u" uniq -u dups
t "uniq INPUT OUTPUT" sh -c 'uniq dups uniq.out && cat uniq.out'
t "cut -d -f" cut -d : -f 2 colon
t "cut -f list" cut -d : -f 1,3- colon
t "cut -s" cut -d : -f -2 -s colon
t "cut -c" cut -c 1,3,5- fruit
t "cut tab" cut -f 2 words
ti fruit "tr a-z A-Z" tr a-z A-Z
ti fruit "tr classes" tr '[:lower:]' '[:upper:]'
ti fruit "tr -d" tr -d 'aeiou'
ti fruit "tr short SET2" tr 'a-e' 'xy'
ti words "tr escapes" tr '\n\t' '_#'
ti dups "tr -s" tr -s 'a\n'
t "sed s" sed 's/an/AN/' fruit
t "sed s g" sed 's/an/AN/g' fruit
t "sed -n p" sed -n 's/apple/APPLE/p' fruit
t "sed & and \\1" sed 's/\([0-9]*\) \(.*\)/\2 x\1 [&]/' fruit
t "sed Nth" sed 's/a/_/2' fruit
t "sed d range" sed '2,4d' thirty
t "sed \$" sed -n '$p' thirty
t "sed /re/,/re/" sed -n '/^5$/,/^8$/p' thirty
t "sed !" sed -n '/an/!p' fruit
t "sed -e several" sed -e 's/a/A/' -e '/cherry/d' -e '3p' fruit
t "sed ; and q" sed 's/1/one/;s/2/two/;5q' thirty
t "sed =" sed -n '/cherry/=' fruit
t "sed empty match" sed 's/x*/-/g' colon
t "sed bad script" sed 'k' fruit
ti fruit "xargs" xargs
ti fruit "xargs -n 2" xargs -n 2 echo X
printf "a 'b c' \"d e\" f\\ g\n" > quoted
ti quoted "xargs quotes" xargs -n 1
t "xargs empty input" xargs echo none
ti fruit "xargs failing command" xargs false
ti fruit "xargs missing command" xargs nosuchcommand
