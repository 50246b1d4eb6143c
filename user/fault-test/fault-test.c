/*
 * fault-test.c - a program that faults on purpose: `make test` runs it as
 * init and checks that the kernel kills the process with a report and
 * carries on (init then exits with BS_EXIT_EXCEPTION_KILL).
 */
#include <basalt/basalt.h>

int main(void)
{
    int *volatile p = 0; /* volatile: the compiler must really store through it */
    bs_log("fault-test: writing to address 0\n");
    *p = 1;
    bs_log("fault-test: the write did not fault\n");
    return 0;
}
