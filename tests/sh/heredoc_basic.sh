name=world
cat <<EOF2
hello $name
two $((1 + 1))
EOF2
cat <<'EOF2'
literal $name `cmd`
EOF2
cat <<"EOF2"
also literal $name
EOF2
