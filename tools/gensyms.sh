#!/bin/sh
# gensyms.sh KERNEL.ELF > ksyms.S
# gensyms.sh --empty > ksyms.S
#
# Turns the text symbols of a linked kernel into the assembly of the
# embedded symbol table (kernel/include/ksyms.h): a count, the sorted
# addresses, offsets into a string table, and the strings.
# With --empty it writes an empty table, for the first link pass.
set -eu
NM=${NM:-nm}
if [ "$1" = "--empty" ]; then
    syms() { :; }
else
    syms() { "$NM" -n --defined-only "$1"; }
fi
syms "$1" | awk 'BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ && $3 !~ /^__(text|rodata|data|bss|kernel)_(start|end)$/ {
    addr[n] = $1; name[n] = $3; n++
}
END {
    print "    .section .ksyms, \"a\""
    print "    .balign 8"
    print "    .global ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names"
    print "ksyms_count:"
    printf "    .quad %d\n", n
    print "ksyms_addrs:"
    for (i = 0; i < n; i++) printf "    .quad 0x%s\n", addr[i]
    print "ksyms_name_offsets:"
    off = 0
    for (i = 0; i < n; i++) { printf "    .long %d\n", off; off += length(name[i]) + 1 }
    print "ksyms_names:"
    for (i = 0; i < n; i++) printf "    .asciz \"%s\"\n", name[i]
}'
