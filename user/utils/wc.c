/*
 * wc.c - wc [-l] [-w] [-c] [FILE...]: lines, words, bytes (all three by
 * default, always in that order), a "total" line for several files.
 * Column widths follow GNU wc: one column printed for one input is not
 * padded; otherwise the width fits the total size of the regular files,
 * at least 7 when an input is not a regular file (stdin, a pipe).
 */
#include "util.h"

#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
    unsigned long lines, words, bytes;
};

static void count_stream(FILE *f, struct counts *c)
{
    int ch;
    bool in_word = false;
    while ((ch = getc(f)) != EOF) {
        c->bytes++;
        if (ch == '\n')
            c->lines++;
        if (isspace(ch)) {
            in_word = false;
        } else if (!in_word) {
            in_word = true;
            c->words++;
        }
    }
}

static bool show_l, show_w, show_c;
static int width;

static void print_counts(const struct counts *c, const char *name)
{
    const char *sep = "";
    if (show_l) {
        printf("%*lu", width, c->lines);
        sep = " ";
    }
    if (show_w) {
        printf("%s%*lu", sep, width, c->words);
        sep = " ";
    }
    if (show_c)
        printf("%s%*lu", sep, width, c->bytes);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

int wc_main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "lwc")) != -1) {
        if (c == 'l')
            show_l = true;
        else if (c == 'w')
            show_w = true;
        else if (c == 'c')
            show_c = true;
        else
            return util_usage();
    }
    if (!show_l && !show_w && !show_c)
        show_l = show_w = show_c = true;
    int n = argc - optind;
    /* Width: from the sizes, as GNU does. */
    unsigned long total_size = 0;
    int min_width = 1;
    if (n == 0) {
        struct stat st;
        if (fstat(0, &st) == 0 && S_ISREG(st.st_mode))
            total_size = (unsigned long)st.st_size;
        else
            min_width = 7;
    } else {
        for (int i = optind; i < argc; i++) {
            struct stat st;
            if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) != 0 || !S_ISREG(st.st_mode))
                min_width = 7;
            else
                total_size += (unsigned long)st.st_size;
        }
    }
    width = 1;
    for (unsigned long t = total_size; t >= 10; t /= 10)
        width++;
    if (width < min_width)
        width = min_width;
    if ((int)show_l + (int)show_w + (int)show_c == 1 && n <= 1)
        width = 1;

    struct counts total = {0, 0, 0};
    int status = 0;
    if (n == 0) {
        count_stream(stdin, &total);
        print_counts(&total, NULL);
        return 0;
    }
    for (int i = optind; i < argc; i++) {
        FILE *f = util_open(argv[i]);
        if (!f) {
            status = 1;
            continue;
        }
        struct counts one = {0, 0, 0};
        count_stream(f, &one);
        util_close(f);
        print_counts(&one, argv[i]);
        total.lines += one.lines;
        total.words += one.words;
        total.bytes += one.bytes;
    }
    if (n > 1)
        print_counts(&total, "total");
    return status;
}
