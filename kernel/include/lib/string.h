/*
 * lib/string.h - freestanding memory and string functions (kernel/lib/string.c).
 *
 * The compiler may emit calls to memcpy, memmove, memset and memcmp on its
 * own, so those keep their C names. Semantics are those of ISO C; strlcpy
 * follows the BSD contract (always NUL-terminates when size > 0, returns
 * strlen(src) so that truncation can be detected).
 */
#pragma once

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
