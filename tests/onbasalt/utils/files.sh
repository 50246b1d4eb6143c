# mkdir, rmdir, touch, ls, cp, mv, ln, rm, find, mktemp, test (lib.inc).
. "${0%/*}/lib.inc"
t "mkdir" sh -c 'mkdir d1 && test -d d1'
t "mkdir -p" sh -c 'mkdir -p p/q/r && test -d p/q/r && mkdir -p p/q'
t "mkdir existing" mkdir d1
t "mkdir without parent" mkdir x/y
t "rmdir" sh -c 'rmdir p/q/r && ! test -e p/q/r'
t "rmdir non-empty" rmdir p
t "touch creates" sh -c 'touch t1 t2 && test -f t1 && ! test -s t1'
t "touch existing" touch t1
t "touch -c" sh -c 'touch -c t3; test -e t3'
mkdir -p tree/sub tree/.hid
printf 'x\n' > tree/a
printf 'yy\n' > tree/sub/b
: > tree/.dot
ln -s a tree/link
t "ls dir" ls tree
t "ls -a" ls -a tree
t "ls files and dirs" ls fruit tree nums tree/sub
t "ls ." ls
t "ls missing" ls nofile
# ls -l without what depends on the system (owners, times, sizes of directories).
ts "ls -l (modes, links, sizes)" 'ls -l tree/a tree/link tree/.dot fruit | sed "s/  */ /g" | cut -d " " -f 1,2,5,9-'
ts "ls -l on a directory (mode, name)" 'ls -l -a tree | sed "s/  */ /g" | cut -d " " -f 1,9 | grep -v "^total" | grep -v " \.\.$"'
t "cp" sh -c 'cp fruit f2 && cat f2'
t "cp into a directory" sh -c 'cp fruit nums d1 && cat d1/nums'
t "cp keeps the mode" sh -c 't=$(mktemp -p . mXXXX) && cp "$t" f3 && ls -l f3 | cut -c 1-10'
t "cp -r" sh -c 'cp -r tree tree2 && find tree2 | sort && test -L tree2/link'
t "cp a directory without -r" cp tree t9
t "cp onto itself" sh -c 'cp fruit fruit; echo $?; cat fruit'
t "cp missing" cp nofile x
t "mv rename" sh -c 'mv f3 f4 && ! test -e f3 && test -f f4'
t "mv into a directory" sh -c 'mv f4 t2 d1 && ls d1'
t "mv a directory" sh -c 'mv tree2 tree3 && ls tree3'
t "mv missing" mv nofile x
t "ln" sh -c 'ln fruit hard && ls -l hard | cut -d " " -f 2 && env test hard -ef fruit'
t "ln -s" sh -c 'ln -s fruit soft && ls -l soft | sed "s/.* soft/soft/"'
t "ln existing" ln -s nums soft
t "ln -s -f" sh -c 'ln -s -f nums soft && ls -l soft | sed "s/.* soft/soft/"'
t "ln -s into a directory" sh -c 'ln -s /x/y d1 && ls -l d1/y | sed "s/.* d1/d1/"'
t "rm" sh -c 'rm hard && ! test -e hard'
t "rm a directory" rm tree3
t "rm missing" rm nofile
t "rm -f missing" rm -f nofile
t "rm -r" sh -c 'rm -r tree3 && ! test -e tree3'
ts "find" 'find tree | sort'
ts "find -name" "find . -name 'b' | sort"
ts "find -name pattern" "find tree -name '[ab]*' | sort"
ts "find -type d" 'find tree -type d | sort'
ts "find -type f" 'find tree -type f | sort'
t "find -type l" find tree -type l
ts "find -maxdepth" 'find tree -maxdepth 1 | sort'
t "find bad type" find tree -type q
t "find missing" find nofile
ts "mktemp -p . (a file, 0600)" 't=$(mktemp -p . tXXXXXX) && test -f "$t" && ls -l "$t" | cut -c 1-10 && echo "$t" | sed "s/t....../tNNNNNN/"'
ts "mktemp -d (0700)" 't=$(mktemp -d -p . dXXXX) && test -d "$t" && ls -l -a "$t" | grep " \.$" | cut -c 1-10'
ts "mktemp in \$TMPDIR" 'mkdir tmpd && TMPDIR=tmpd mktemp | sed "s/\.[A-Za-z0-9]*$/.N/"'
t "mktemp too few X's" mktemp aXX
t "test -f" env test -f fruit
t "test -f on a directory" env test -f d1
t "test -d" env test -d d1
t "test -e missing" env test -e nofile
t "test -s empty" env test -s t1
t "test -L" env test -L soft
t "test -z -a -n" env test -z "" -a -n x
t "test =" env test abc = abc
t "[ through /bin/[" env [ abc = abc ]
t "[ without ]" env [ abc = abc
t "test !=" env test abc != abc
t "test -lt" env test 2 -lt 10
t "test -ge" env test 2 -ge 10
t "test ! and -o" env test ! -e nofile -o -e fruit
t "test parentheses" env test '(' -e nofile -o -e fruit ')' -a -e nofile
t "test one argument" env test word
t "test no argument" env test
t "test bad integer" env test a -eq 1
t "test -nt" env test fruit -nt nofile
t "test -f -a -d" env test -f fruit -a -d d1
t "test ! -d" env test ! -d fruit
t "test = -o -ne" env test x = y -o 1 -ne 2
t "[ ] (utils [)" utils [ 1 -eq 1 ]
t "[ missing ] (utils [)" utils [ 1 -eq 1
