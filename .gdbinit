# gdb -x .gdbinit  (after `make gdb` in another terminal)
set confirm off
set pagination off
file build/kernel.elf
target remote localhost:1234
# The kernel runs at its link address from the first instruction, so
# breakpoints on kernel symbols work at once; hardware ones survive the
# loader's page-table switch:
#   hbreak kmain
#   continue
