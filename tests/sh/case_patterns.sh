for w in apple banana cherry 42 "a b" x.txt; do
    case $w in
    a*) echo "$w: starts with a" ;;
    b*|c*) echo "$w: b or c" ;;
    [0-9]*) echo "$w: number" ;;
    "a b") echo "quoted" ;;
    *.txt) echo "$w: text" ;;
    *) echo "$w: other" ;;
    esac
done
case x in (x) echo paren ;; esac
case '*' in "*") echo star ;; esac
case abc in a?c) echo q ;; esac
p='b*'; case bcd in $p) echo var-pattern ;; esac
case none in a) echo a ;; esac; echo "status $?"
