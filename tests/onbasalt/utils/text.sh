# cat, head, tail, wc, tee, echo, printf, basename, dirname (lib.inc).
. "${0%/*}/lib.inc"
t "cat files" cat fruit nums
ti fruit "cat stdin and -" cat - nums
t "cat missing file" cat nofile
t "head default" head thirty
t "head -n 3" head -n 3 thirty
t "head -5" head -5 thirty
t "head two files" head -n 2 fruit nums
ti thirty "head stdin" head -n 2
t "tail default" tail thirty
t "tail -n 3" tail -n 3 thirty
t "tail -n +28" tail -n +28 thirty
t "tail two files" tail -n 2 fruit nums
t "tail no final newline" tail -n 2 words
t "wc file" wc words
t "wc -l" wc -l thirty
t "wc -w -c" wc -w -c words
t "wc several files" wc fruit nums words
ti words "wc stdin" wc
ti fruit "tee" tee tee1 tee2
t "tee wrote its files" cat tee1 tee2
ti nums "tee -a" tee -a tee1
t "tee -a appended" cat tee1
t "echo (the utility)" env echo a b  c
t "echo -n" env echo -n a b
t "echo -e" env echo -e 'a\tb\nc\\d'
t "echo -e \\c" env echo -e 'ab\cde'
t "printf widths and flags" env printf '[%5s|%-5s|%05d|%+d|%x|%X|%o]\n' ab cd 42 7 255 255 8
t "printf reuses the format" env printf '%s=%d\n' a 1 b 2 c
t "printf %c %% escapes" env printf '%c%%\t%s\101\n' xyz end
t "printf %b" env printf '%b|\n' 'a\nb'
t "printf %.2f and *" env printf '%.2f|%*d|%e|%g\n' 3.14159 6 42 12345.678 0.0001
t "printf 'c" env printf '%d\n' "'A"
t "printf bad number" env printf '%d\n' abc
t "basename" basename /usr/lib/libc.so
t "basename suffix" basename /a/b/file.txt .txt
t "basename trailing slash and /" sh -c 'basename /a/b/; basename /'
t "dirname" dirname /usr/lib/libc.so
t "dirname cases" sh -c 'dirname file; dirname /a/b//; dirname /x'
