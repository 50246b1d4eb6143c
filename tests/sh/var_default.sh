unset u; e=
echo ${u:-def} ${e:-def2} ${e-notused}
echo ${u:=set}; echo $u
echo ${u:+alt} [${e:+alt}]
echo ${#u}
