x=$(false); echo $?
x=$(true); echo $?
false; y=1; echo $?
