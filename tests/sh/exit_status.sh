sh -c 'exit 3'; echo $?
sh -c 'exit'; echo $?
sh -c 'false; exit'; echo $?
(exit 255); echo $?
! true; echo $?
! false; echo $?
