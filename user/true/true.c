/*
 * true.c - exits 0 and does nothing else: the smallest static program, for
 * bench-posix's fork+execve figure (the same binary is /bin/true on Basalt
 * and in the Linux initramfs, so both systems load the same ELF).
 */
int main(void)
{
    return 0;
}
