/*
 * printf.c - the kernel's formatter (contract: printf.h).
 *
 * kvprintf_sink() is the only formatter: it walks the format once and hands
 * every output character to a sink callback, so the kernel log can print
 * without a buffer and kvsnprintf() is just a sink that stores into memory.
 * It keeps no state between calls and allocates nothing, so it is safe from
 * any context the sink itself is safe in.
 *
 * Integer conversions follow ISO C: the precision is a minimum digit count
 * (and "%.0d" of 0 prints no digits), '0' is ignored with '-' or a precision,
 * '+' wins over ' ', '#' adds 0x/0X to non-zero hex values and forces a
 * leading 0 for octal. %c, %s and %p pad with spaces only. "%%" prints one
 * '%' whatever its flags. There is no floating point: the kernel is built
 * with -mgeneral-regs-only. Field widths and precisions saturate at INT_MAX,
 * and so does the returned length.
 */
#include <printf.h>

#include <compiler.h>
#include <lib/string.h>
#include <stdint.h>

#define FMT_LEFT  (1u << 0) /* '-': pad on the right */
#define FMT_ZERO  (1u << 1) /* '0': pad numbers with zeros */
#define FMT_PLUS  (1u << 2) /* '+': always print a sign */
#define FMT_SPACE (1u << 3) /* ' ': space where a '+' would go */
#define FMT_ALT   (1u << 4) /* '#': 0x prefix, leading octal 0 */

#define FMT_MAX_FIELD ((size_t)__INT_MAX__)

/* %zd reads a ptrdiff_t and %tu a size_t: the signed and unsigned twins. */
STATIC_ASSERT(sizeof(size_t) == sizeof(ptrdiff_t));

enum fmt_length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_out {
    printf_sink_fn sink;
    void *arg;
    size_t count; /* characters produced so far, including any the sink dropped */
};

struct fmt_spec {
    unsigned flags;
    size_t width; /* minimum field width, 0 if none */
    size_t prec;  /* meaningful only if has_prec */
    bool has_prec;
};

static void fmt_putc(struct fmt_out *out, char c)
{
    out->sink(c, out->arg);
    out->count++;
}

static void fmt_write(struct fmt_out *out, const char *s, size_t n)
{
    while (n--)
        fmt_putc(out, *s++);
}

static void fmt_repeat(struct fmt_out *out, char c, size_t n)
{
    while (n--)
        fmt_putc(out, c);
}

/* Prints s[0..len) right- or left-justified in a field of spaces. */
static void fmt_field(struct fmt_out *out, const struct fmt_spec *spec, const char *s, size_t len)
{
    size_t pad = spec->width > len ? spec->width - len : 0;

    if (!(spec->flags & FMT_LEFT))
        fmt_repeat(out, ' ', pad);
    fmt_write(out, s, len);
    if (spec->flags & FMT_LEFT)
        fmt_repeat(out, ' ', pad);
}

/*
 * Prints an integer given as magnitude and sign: [padding][sign or 0x][zeros][digits][padding].
 * Taking the magnitude as uintmax_t lets INT64_MIN through without overflow.
 */
static void fmt_integer(struct fmt_out *out, const struct fmt_spec *spec, uintmax_t mag, bool neg,
                        bool is_signed, unsigned base, bool upper)
{
    const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24]; /* 22 octal digits for 64 bits, with room to spare */
    char *p = digits + sizeof(digits);
    char prefix[2];
    size_t plen = 0;
    size_t ndigits, zeros, total, pad;
    bool nonzero = mag != 0;

    /* "%.0d" of zero prints no digits at all. */
    if (nonzero || !spec->has_prec || spec->prec != 0) {
        do {
            *--p = xdigits[mag % base];
            mag /= base;
        } while (mag != 0);
    }
    ndigits = (size_t)(digits + sizeof(digits) - p);

    if (is_signed) {
        if (neg)
            prefix[plen++] = '-';
        else if (spec->flags & FMT_PLUS)
            prefix[plen++] = '+';
        else if (spec->flags & FMT_SPACE)
            prefix[plen++] = ' ';
    }
    if ((spec->flags & FMT_ALT) && base == 16 && nonzero) {
        prefix[plen++] = '0';
        prefix[plen++] = upper ? 'X' : 'x';
    }

    zeros = spec->has_prec && spec->prec > ndigits ? spec->prec - ndigits : 0;
    /* '#' with octal raises the precision just enough for the first digit to be 0. */
    if ((spec->flags & FMT_ALT) && base == 8 && zeros == 0 && (ndigits == 0 || nonzero))
        zeros = 1;

    total = plen + zeros + ndigits;
    pad = spec->width > total ? spec->width - total : 0;
    if ((spec->flags & (FMT_ZERO | FMT_LEFT)) == FMT_ZERO && !spec->has_prec) {
        zeros += pad;
        pad = 0;
    }

    if (!(spec->flags & FMT_LEFT))
        fmt_repeat(out, ' ', pad);
    fmt_write(out, prefix, plen);
    fmt_repeat(out, '0', zeros);
    fmt_write(out, p, ndigits);
    if (spec->flags & FMT_LEFT)
        fmt_repeat(out, ' ', pad);
}

static intmax_t fmt_arg_signed(va_list *ap, enum fmt_length len)
{
    switch (len) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    case LEN_NONE:
        break;
    }
    return va_arg(*ap, int);
}

static uintmax_t fmt_arg_unsigned(va_list *ap, enum fmt_length len)
{
    switch (len) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*ap, size_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    case LEN_NONE:
        break;
    }
    return va_arg(*ap, unsigned int);
}

/* Reads a decimal field, saturating at FMT_MAX_FIELD instead of overflowing. */
static size_t fmt_parse_number(const char **fmt)
{
    size_t n = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        size_t digit = (size_t)(**fmt - '0');
        n = n > (FMT_MAX_FIELD - digit) / 10 ? FMT_MAX_FIELD : n * 10 + digit;
        (*fmt)++;
    }
    return n;
}

static unsigned fmt_parse_flags(const char **fmt)
{
    unsigned flags = 0;

    for (;; (*fmt)++) {
        switch (**fmt) {
        case '-':
            flags |= FMT_LEFT;
            break;
        case '0':
            flags |= FMT_ZERO;
            break;
        case '+':
            flags |= FMT_PLUS;
            break;
        case ' ':
            flags |= FMT_SPACE;
            break;
        case '#':
            flags |= FMT_ALT;
            break;
        default:
            return flags;
        }
    }
}

static enum fmt_length fmt_parse_length(const char **fmt)
{
    const char *f = *fmt;
    enum fmt_length len = LEN_NONE;

    switch (*f) {
    case 'h':
        len = f[1] == 'h' ? LEN_HH : LEN_H;
        break;
    case 'l':
        len = f[1] == 'l' ? LEN_LL : LEN_L;
        break;
    case 'z':
        len = LEN_Z;
        break;
    case 't':
        len = LEN_T;
        break;
    case 'j':
        len = LEN_J;
        break;
    default:
        return LEN_NONE;
    }
    *fmt += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
    return len;
}

/* Parses one conversion after its '%' and prints it; returns the format position after it. */
static const char *fmt_conversion(struct fmt_out *out, const char *fmt, va_list *ap)
{
    const char *start = fmt - 1; /* the '%' */
    struct fmt_spec spec = {0};
    enum fmt_length len;
    char conv;

    spec.flags = fmt_parse_flags(&fmt);

    if (*fmt == '*') {
        int w = va_arg(*ap, int);
        fmt++;
        /* A negative width argument is a '-' flag and a positive width. */
        if (w < 0) {
            spec.flags |= FMT_LEFT;
            spec.width = (size_t)0 - (size_t)w; /* |w|, even for INT_MIN */
        } else {
            spec.width = (size_t)w;
        }
        spec.width = MIN(spec.width, FMT_MAX_FIELD);
    } else {
        spec.width = fmt_parse_number(&fmt);
    }

    if (*fmt == '.') {
        fmt++;
        if (*fmt == '*') {
            int p = va_arg(*ap, int);
            fmt++;
            /* A negative precision argument counts as no precision. */
            spec.has_prec = p >= 0;
            spec.prec = p >= 0 ? (size_t)p : 0;
        } else {
            spec.has_prec = true;
            spec.prec = fmt_parse_number(&fmt);
        }
    }

    len = fmt_parse_length(&fmt);
    conv = *fmt;
    if (conv == '\0') {
        /* The format ended inside a conversion: show what there was. */
        fmt_write(out, start, (size_t)(fmt - start));
        return fmt;
    }
    fmt++;

    switch (conv) {
    case 'd':
    case 'i': {
        intmax_t v = fmt_arg_signed(ap, len);
        uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        fmt_integer(out, &spec, mag, v < 0, true, 10, false);
        break;
    }
    case 'u':
        fmt_integer(out, &spec, fmt_arg_unsigned(ap, len), false, false, 10, false);
        break;
    case 'x':
        fmt_integer(out, &spec, fmt_arg_unsigned(ap, len), false, false, 16, false);
        break;
    case 'X':
        fmt_integer(out, &spec, fmt_arg_unsigned(ap, len), false, false, 16, true);
        break;
    case 'o':
        fmt_integer(out, &spec, fmt_arg_unsigned(ap, len), false, false, 8, false);
        break;
    case 'p': {
        uintptr_t v = (uintptr_t)va_arg(*ap, void *);
        char buf[2 + 2 * sizeof(v)];
        buf[0] = '0';
        buf[1] = 'x';
        for (size_t i = sizeof(buf) - 1; i >= 2; i--, v >>= 4)
            buf[i] = "0123456789abcdef"[v & 0xf];
        fmt_field(out, &spec, buf, sizeof(buf));
        break;
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        /* With a precision the string need not be terminated: never read past it. */
        fmt_field(out, &spec, s, spec.has_prec ? strnlen(s, spec.prec) : strlen(s));
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        fmt_field(out, &spec, &c, 1);
        break;
    }
    case '%':
        fmt_putc(out, '%');
        break;
    default:
        fmt_write(out, start, (size_t)(fmt - start));
        break;
    }
    return fmt;
}

int kvprintf_sink(printf_sink_fn sink, void *arg, const char *fmt, va_list ap)
{
    struct fmt_out out = {.sink = sink, .arg = arg, .count = 0};
    va_list args;

    /*
     * A va_list parameter may be an array type decayed to a pointer, so &ap
     * would have the wrong type; a local copy can be passed by address.
     */
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%')
            fmt_putc(&out, *fmt++);
        else
            fmt = fmt_conversion(&out, fmt + 1, &args);
    }
    va_end(args);
    return (int)MIN(out.count, FMT_MAX_FIELD);
}

struct fmt_buffer {
    char *buf;
    size_t size;
    size_t pos; /* characters produced; only the first size - 1 are stored */
};

static void fmt_buffer_sink(char c, void *arg)
{
    struct fmt_buffer *b = arg;

    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_buffer b = {.buf = buf, .size = size, .pos = 0};
    int ret = kvprintf_sink(fmt_buffer_sink, &b, fmt, ap);

    if (size != 0)
        buf[MIN(b.pos, size - 1)] = '\0';
    return ret;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}
