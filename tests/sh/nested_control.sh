for i in 1 2 3; do
    case $i in
    2) continue ;;
    esac
    if [ $i = 3 ]; then
        while true; do echo "inner $i"; break; done
    else
        echo "outer $i"
    fi
done
f() { for x in a b; do [ $x = b ] && return 9; echo $x; done; }
f; echo "ret $?"
