/*
 * start.S - bs_start, the entry point of every Basalt user program (the
 * Makefile links with -e bs_start).
 *
 * A process started by a launcher (bs_launch, process_start) finds its
 * bootstrap channel handle in RDI; a process the kernel starts finds 0 there
 * and its handles in the auxiliary vector. musl's _start uses RDI for its
 * own purpose, so this shim stores it in bs_bootstrap_handle first and then
 * jumps to _start with RSP and every other register untouched: the System V
 * initial stack (argc, argv, envp, auxv) is exactly where _start expects it.
 */
    .text
    .globl bs_start
    .type bs_start, @function
bs_start:
    movl %edi, bs_bootstrap_handle(%rip)
    jmp _start
    .size bs_start, . - bs_start

    .section .note.GNU-stack, "", @progbits
