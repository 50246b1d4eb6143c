/*
 * cprog.c - one ordinary C program, built with musl-gcc -static and run both
 * on the build host (Linux) and on Basalt (tools/basalt-exec): the two
 * outputs must be the same byte for byte (tools/run-tests.sh). It touches
 * what most programs do: stdio, malloc, strings, qsort, files and
 * directories, the environment, fork/exec-free process work (fork, pipe,
 * wait), signals, and the error numbers of failing calls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
    got = sig;
}

int main(int argc, char **argv)
{
    printf("argc %d argv[1] %s\n", argc, argc > 1 ? argv[1] : "-");
    printf("printf: %5d|%-5s|%08.3f|%x|%c|%%\n", 42, "ab", 3.14159, 48879, 'z');

    /* malloc and strings */
    size_t n = 1000;
    unsigned long *v = malloc(n * sizeof(*v));
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i] = i * i % 977;
    printf("sum %lu\n", sum);
    free(v);
    char *words[] = {"pear", "apple", "fig", "banana", "cherry"};
    qsort(words, 5, sizeof(words[0]), cmp);
    for (int i = 0; i < 5; i++)
        printf("%s%s", words[i], i < 4 ? " " : "\n");

    /* files and directories */
    mkdir("/tmp/cprog.dir", 0755);
    const char *names[] = {"c.txt", "a.txt", "b.txt"};
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/cprog.dir/%s", names[i]);
        FILE *f = fopen(path, "w");
        fprintf(f, "file %s line %d\n", names[i], i);
        fclose(f);
    }
    char *seen[8];
    int k = 0;
    DIR *d = opendir("/tmp/cprog.dir");
    struct dirent *e;
    while ((e = readdir(d)) && k < 8)
        if (e->d_name[0] != '.')
            seen[k++] = strdup(e->d_name);
    closedir(d);
    qsort(seen, k, sizeof(seen[0]), cmp);
    for (int i = 0; i < k; i++) {
        char path[64], line[64];
        snprintf(path, sizeof(path), "/tmp/cprog.dir/%s", seen[i]);
        FILE *f = fopen(path, "r");
        fgets(line, sizeof(line), f);
        fclose(f);
        struct stat st;
        stat(path, &st);
        printf("%s: %ld bytes: %s", seen[i], (long)st.st_size, line);
        unlink(path);
        free(seen[i]);
    }
    rmdir("/tmp/cprog.dir");

    /* errors */
    int rc = open("/no/such/file", O_RDONLY);
    printf("open missing: %d %s\n", rc, strerror(errno));
    rc = rmdir("/tmp/cprog.dir");
    printf("rmdir again: %d %s\n", rc, strerror(errno));

    /* environment */
    setenv("CPROG_VAR", "value 1", 1);
    printf("env %s\n", getenv("CPROG_VAR"));

    /* a child computes, a pipe carries the answer, wait reports its status */
    int fds[2];
    pipe(fds);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        long f = 1;
        for (int i = 2; i <= 15; i++)
            f *= i;
        dprintf(fds[1], "15! = %ld\n", f);
        _exit(7);
    }
    close(fds[1]);
    char buf[64] = {0};
    read(fds[0], buf, sizeof(buf) - 1);
    int status;
    waitpid(pid, &status, 0);
    printf("child said %s", buf);
    printf("child exit %d\n", WEXITSTATUS(status));

    /* signals */
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    printf("signal %d\n", (int)got);
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    printf("killed by %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    return 0;
}
