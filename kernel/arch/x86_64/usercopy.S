/*
 * usercopy.S - the copy loops behind usercopy.h. The C side (usercopy.c)
 * has checked the range; here SMAP is opened with stac, the bytes move with
 * rep movsq and rep movsb for the tail, and clac closes it again. A fault in
 * a copy continues at its fixup, which closes SMAP and returns the count of
 * bytes NOT copied.
 *
 *   size_t arch_copy_user(void *dst, const void *src, size_t n)
 *   int arch_store_user_32(uint32_t *udst, uint32_t v)
 *   int arch_store_user_64(uint64_t *udst, uint64_t v)
 *          one store each, for the fixed-size results of system calls
 *          (handle values, counts); return 0, or 1 on a fault.
 *   size_t arch_strncpy_user(char *dst, const char *src, size_t n)
 *          returns bytes copied including the NUL, 0 on a fault, n + 1 when
 *          no NUL was found within n bytes.
 */
    .text
    .global arch_copy_user
arch_copy_user:
    movq %rdx, %rcx
    shrq $3, %rcx            /* whole quadwords first, then the tail */
    andl $7, %edx
    stac
1:  rep movsq
    movq %rdx, %rcx
2:  rep movsb
3:  clac
    movq %rcx, %rax          /* 0 when everything was copied */
    ret
4:  clac                     /* fault in the quadword part: rcx left, plus the tail */
    leaq (%rdx,%rcx,8), %rax
    ret
    .pushsection extable, "a"
    .balign 8
    .quad 1b, 4b
    .quad 2b, 3b
    .popsection

    .global arch_store_user_32
arch_store_user_32:
    xorl %eax, %eax
    stac
1:  movl %esi, (%rdi)
2:  clac
    ret
3:  movl $1, %eax            /* fault */
    jmp 2b
    .pushsection extable, "a"
    .balign 8
    .quad 1b, 3b
    .popsection

    .global arch_store_user_64
arch_store_user_64:
    xorl %eax, %eax
    stac
1:  movq %rsi, (%rdi)
2:  clac
    ret
3:  movl $1, %eax            /* fault */
    jmp 2b
    .pushsection extable, "a"
    .balign 8
    .quad 1b, 3b
    .popsection

    .global arch_strncpy_user
arch_strncpy_user:
    xorl %eax, %eax          /* bytes copied */
    stac
3:  cmpq %rdx, %rax
    jae 5f
4:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    incq %rax
    testb %cl, %cl
    jnz 3b
    clac
    ret
5:  incq %rax                /* no NUL within n bytes: n + 1 */
    clac
    ret
6:  clac                     /* fault */
    xorl %eax, %eax
    ret
    .pushsection extable, "a"
    .balign 8
    .quad 4b, 6b
    .popsection
