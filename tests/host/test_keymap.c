/*
 * test_keymap.c - host tests for kernel/drivers/ps2/keymap.c (contract: drivers/keymap.h).
 *
 * Each test feeds a scancode set 1 byte sequence through keymap_decode() and
 * keymap_chars(), the way the keyboard interrupt handler does, and compares
 * the bytes typed (and, where it matters, the key events) with what a US
 * keyboard on xterm produces.
 */
#include "test.h"

#include <compiler.h>
#include <drivers/keymap.h>

struct typed {
    char out[256];
    size_t n;
    struct key_event events[64];
    size_t nevents;
};

/* Feeds `len` scancode bytes into `st`, appending the output to `t`. */
static void feed(struct keymap_state *st, struct typed *t, const uint8_t *codes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        struct key_event ev;
        if (!keymap_decode(st, codes[i], &ev))
            continue;
        if (t->nevents < ARRAY_SIZE(t->events))
            t->events[t->nevents++] = ev;
        char buf[KEYMAP_MAX_CHARS];
        size_t n = keymap_chars(&ev, buf);
        if (n > KEYMAP_MAX_CHARS || t->n + n > sizeof(t->out)) {
            host_fail(__FILE__, __LINE__, "output too long");
            return;
        }
        libc_memcpy(t->out + t->n, buf, n);
        t->n += n;
    }
}

static void print_bytes(char *buf, size_t size, const char *s, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && used + 5 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, " %02x", (unsigned char)s[i]);
}

/* Types `codes` from the power-on state; the bytes produced must be exactly `want`. */
static void check_types(int line, const char *want, size_t want_len, const uint8_t *codes,
                        size_t len)
{
    struct keymap_state st = {0};
    struct typed t = {0};
    feed(&st, &t, codes, len);
    if (t.n == want_len && libc_memcmp(t.out, want, want_len) == 0)
        return;
    char got_hex[128], want_hex[128];
    print_bytes(got_hex, sizeof(got_hex), t.out, t.n);
    print_bytes(want_hex, sizeof(want_hex), want, want_len);
    host_fail(__FILE__, line, "typed [%s ] expected [%s ]", got_hex, want_hex);
}

#define EXPECT_TYPES(want, ...)                                                                    \
    do {                                                                                           \
        static const uint8_t codes_[] = {__VA_ARGS__};                                             \
        check_types(__LINE__, want, sizeof(want) - 1, codes_, sizeof(codes_));                     \
    } while (0)

/* Press and release of a plain key (make code m). */
#define TAP(m)    (m), (m) | 0x80
#define LSHIFT_DN 0x2a
#define LSHIFT_UP 0xaa
#define RSHIFT_DN 0x36
#define RSHIFT_UP 0xb6
#define LCTRL_DN  0x1d
#define LCTRL_UP  0x9d
#define LALT_DN   0x38
#define LALT_UP   0xb8
#define CAPS      TAP(0x3a)
#define NUMLOCK   TAP(0x45)

TEST(keymap_letters_digits_and_symbols)
{
    EXPECT_TYPES("hello", TAP(0x23), TAP(0x12), TAP(0x26), TAP(0x26), TAP(0x18));
    EXPECT_TYPES("1234567890-=", TAP(0x02), TAP(0x03), TAP(0x04), TAP(0x05), TAP(0x06), TAP(0x07),
                 TAP(0x08), TAP(0x09), TAP(0x0a), TAP(0x0b), TAP(0x0c), TAP(0x0d));
    EXPECT_TYPES("[];'`\\,./ *", TAP(0x1a), TAP(0x1b), TAP(0x27), TAP(0x28), TAP(0x29), TAP(0x2b),
                 TAP(0x33), TAP(0x34), TAP(0x35), TAP(0x39), TAP(0x37));
    EXPECT_TYPES("\n\t\x7f\x1b", TAP(0x1c), TAP(0x0f), TAP(0x0e), TAP(0x01));
}

TEST(keymap_shifted_symbols)
{
    EXPECT_TYPES("!@#$%^&*()_+", LSHIFT_DN, TAP(0x02), TAP(0x03), TAP(0x04), TAP(0x05), TAP(0x06),
                 TAP(0x07), TAP(0x08), TAP(0x09), TAP(0x0a), TAP(0x0b), TAP(0x0c), TAP(0x0d),
                 LSHIFT_UP);
    EXPECT_TYPES("{}:\"~|<>?", RSHIFT_DN, TAP(0x1a), TAP(0x1b), TAP(0x27), TAP(0x28), TAP(0x29),
                 TAP(0x2b), TAP(0x33), TAP(0x34), TAP(0x35), RSHIFT_UP);
    /* Shift applies only while held. */
    EXPECT_TYPES("Aa", LSHIFT_DN, TAP(0x1e), LSHIFT_UP, TAP(0x1e));
    /* Releasing one Shift while the other is still down keeps Shift. */
    EXPECT_TYPES("AAa", LSHIFT_DN, RSHIFT_DN, TAP(0x1e), LSHIFT_UP, TAP(0x1e), RSHIFT_UP,
                 TAP(0x1e));
}

TEST(keymap_caps_lock_letters_only)
{
    EXPECT_TYPES("A1", CAPS, TAP(0x1e), TAP(0x02));
    /* Caps Lock and Shift cancel out on letters; symbols still shift. */
    EXPECT_TYPES("a!", CAPS, LSHIFT_DN, TAP(0x1e), TAP(0x02), LSHIFT_UP);
    /* A second press turns it off again. */
    EXPECT_TYPES("Aa", CAPS, TAP(0x1e), CAPS, TAP(0x1e));
    /* The typematic repeat of a held Caps Lock does not toggle it again. */
    EXPECT_TYPES("A", 0x3a, 0x3a, 0x3a, 0xba, TAP(0x1e));
}

TEST(keymap_ctrl)
{
    EXPECT_TYPES("\x03", LCTRL_DN, TAP(0x2e), LCTRL_UP);                /* Ctrl+C */
    EXPECT_TYPES("\x01\x1a", LCTRL_DN, TAP(0x1e), TAP(0x2c), LCTRL_UP); /* Ctrl+A, Ctrl+Z */
    EXPECT_TYPES("\x03", LCTRL_DN, LSHIFT_DN, TAP(0x2e), LSHIFT_UP, LCTRL_UP);
    EXPECT_TYPES("\x03", CAPS, LCTRL_DN, TAP(0x2e), LCTRL_UP);
    EXPECT_TYPES("\x1b\x1c\x1d", LCTRL_DN, TAP(0x1a), TAP(0x2b), TAP(0x1b), LCTRL_UP);
    EXPECT_TYPES("\x00\x1e\x1f", LCTRL_DN, TAP(0x39), TAP(0x07), TAP(0x0c), LCTRL_UP);
    EXPECT_TYPES("\x08", LCTRL_DN, TAP(0x0e), LCTRL_UP); /* Ctrl+Backspace */
    /* Right Ctrl (E0 1D) works the same. */
    EXPECT_TYPES("\x04", 0xe0, 0x1d, TAP(0x20), 0xe0, 0x9d);
    /* Released: plain letters again. */
    EXPECT_TYPES("\x03"
                 "c",
                 LCTRL_DN, TAP(0x2e), LCTRL_UP, TAP(0x2e));
}

TEST(keymap_alt_prefixes_escape)
{
    EXPECT_TYPES("\x1b"
                 "x",
                 LALT_DN, TAP(0x2d), LALT_UP);
    EXPECT_TYPES("\x1b"
                 "X",
                 LALT_DN, LSHIFT_DN, TAP(0x2d), LSHIFT_UP, LALT_UP);
    EXPECT_TYPES("\x1b\x18", LALT_DN, LCTRL_DN, TAP(0x2d), LCTRL_UP, LALT_UP);
    /* Right Alt (E0 38) as well; sequences are not prefixed. */
    EXPECT_TYPES("\x1b"
                 "b\x1b[A",
                 0xe0, 0x38, TAP(0x30), 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xb8);
}

TEST(keymap_extended_cursor_keys)
{
    EXPECT_TYPES("\x1b[A\x1b[B\x1b[C\x1b[D", 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0xd0, 0xe0,
                 0x4d, 0xe0, 0xcd, 0xe0, 0x4b, 0xe0, 0xcb);
    EXPECT_TYPES("\x1b[H\x1b[F\x1b[2~\x1b[3~\x1b[5~\x1b[6~", 0xe0, 0x47, 0xe0, 0xc7, 0xe0, 0x4f,
                 0xe0, 0xcf, 0xe0, 0x52, 0xe0, 0xd2, 0xe0, 0x53, 0xe0, 0xd3, 0xe0, 0x49, 0xe0, 0xc9,
                 0xe0, 0x51, 0xe0, 0xd1);
    /* Keypad Enter and slash. */
    EXPECT_TYPES("\n/", 0xe0, 0x1c, 0xe0, 0x9c, 0xe0, 0x35, 0xe0, 0xb5);
    /* Fake shifts around an extended key (Num Lock on, some keyboards) are dropped. */
    EXPECT_TYPES("\x1b[A", 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa);
    EXPECT_TYPES("\x1b[3~", 0xe0, 0xb6, 0xe0, 0x53, 0xe0, 0xd3, 0xe0, 0x36);
    /* The prefix applies to one byte only. */
    EXPECT_TYPES("\x1b[Dk", 0xe0, 0x4b, 0xe0, 0xcb, TAP(0x25));
}

TEST(keymap_function_keys)
{
    EXPECT_TYPES("\x1bOP\x1bOQ\x1bOR\x1bOS", TAP(0x3b), TAP(0x3c), TAP(0x3d), TAP(0x3e));
    EXPECT_TYPES("\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~", TAP(0x3f),
                 TAP(0x40), TAP(0x41), TAP(0x42), TAP(0x43), TAP(0x44), TAP(0x57), TAP(0x58));
    EXPECT_TYPES("\x1b[Z", LSHIFT_DN, TAP(0x0f), LSHIFT_UP); /* Shift+Tab */
}

TEST(keymap_keypad_follows_num_lock)
{
    /* Num Lock off (power-on): navigation; KP5 types nothing; * - + always type. */
    EXPECT_TYPES("\x1b[H\x1b[A\x1b[5~\x1b[D\x1b[C\x1b[F\x1b[B\x1b[6~\x1b[2~\x1b[3~*-+", TAP(0x47),
                 TAP(0x48), TAP(0x49), TAP(0x4b), TAP(0x4c), TAP(0x4d), TAP(0x4f), TAP(0x50),
                 TAP(0x51), TAP(0x52), TAP(0x53), TAP(0x37), TAP(0x4a), TAP(0x4e));
    EXPECT_TYPES("7894561230.*-+", NUMLOCK, TAP(0x47), TAP(0x48), TAP(0x49), TAP(0x4b), TAP(0x4c),
                 TAP(0x4d), TAP(0x4f), TAP(0x50), TAP(0x51), TAP(0x52), TAP(0x53), TAP(0x37),
                 TAP(0x4a), TAP(0x4e));
    /* The dedicated arrows are not affected by Num Lock. */
    EXPECT_TYPES("\x1b[A", NUMLOCK, 0xe0, 0x48, 0xe0, 0xc8);
}

TEST(keymap_releases_and_modifiers_type_nothing)
{
    EXPECT_TYPES("", 0x9e, 0xb0, 0xe0, 0xc8, 0x81);
    EXPECT_TYPES("", LSHIFT_DN, LSHIFT_UP, LCTRL_DN, LCTRL_UP, LALT_DN, LALT_UP, CAPS, CAPS,
                 NUMLOCK, TAP(0x46), 0xe0, 0x5b, 0xe0, 0xdb);
}

TEST(keymap_typematic_repeat_types_again)
{
    struct keymap_state st = {0};
    struct typed t = {0};
    static const uint8_t codes[] = {0x1e, 0x1e, 0x1e, 0x9e};
    feed(&st, &t, codes, sizeof(codes));
    EXPECT_EQ(t.n, 3);
    EXPECT_MEMEQ(t.out, "aaa", 3);
    ASSERT_EQ(t.nevents, 4);
    EXPECT_EQ(t.events[0].action, KEY_ACTION_PRESS);
    EXPECT_EQ(t.events[1].action, KEY_ACTION_REPEAT);
    EXPECT_EQ(t.events[2].action, KEY_ACTION_REPEAT);
    EXPECT_EQ(t.events[3].action, KEY_ACTION_RELEASE);
    EXPECT_EQ(t.events[3].code, KEY_A);
}

TEST(keymap_pause_sequence_swallowed)
{
    /* Pause: E1 1D 45 E1 9D C5, then a normal key. */
    EXPECT_TYPES("q", 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, TAP(0x10));
    /* The bytes inside the sequence must not leak as Ctrl or Num Lock. */
    EXPECT_TYPES("Q", CAPS, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, TAP(0x10));

    struct keymap_state st = {0};
    struct typed t = {0};
    static const uint8_t pause[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
    feed(&st, &t, pause, sizeof(pause));
    ASSERT_EQ(t.nevents, 2);
    EXPECT_EQ(t.events[0].code, KEY_PAUSE);
    EXPECT_EQ(t.events[0].action, KEY_ACTION_PRESS);
    EXPECT_EQ(t.events[1].code, KEY_PAUSE);
    EXPECT_EQ(t.events[1].action, KEY_ACTION_RELEASE);
    EXPECT_EQ(t.events[1].mods, 0);
}

TEST(keymap_unknown_codes_ignored)
{
    /* 0x55, 0x59-0x7f are not keys; E0 with an unlisted code; controller bytes. */
    EXPECT_TYPES("w", 0x55, 0xd5, 0x59, 0x7f, 0xe0, 0x11, 0xe0, 0x91, 0xfa, 0xfe, 0xee, TAP(0x11));
    /* An error byte abandons a half-read prefix: the next code is a plain key. */
    EXPECT_TYPES("k", 0xe0, 0x00, TAP(0x25));
    EXPECT_TYPES("k", 0xe1, 0xff, TAP(0x25));

    struct keymap_state st = {0};
    struct typed t = {0};
    static const uint8_t junk[] = {0x55, 0x60, 0x7e, 0xe0, 0x01, 0xe0, 0x7f};
    feed(&st, &t, junk, sizeof(junk));
    EXPECT_EQ(t.nevents, 0);
}

TEST(keymap_events_carry_codes_and_modifiers)
{
    struct keymap_state st = {0};
    struct typed t = {0};
    static const uint8_t codes[] = {LSHIFT_DN, 0x1e, 0xe0, 0x1d, 0xe0, 0x4b, 0xe0, 0x9d, 0x3a};
    feed(&st, &t, codes, sizeof(codes));
    ASSERT_EQ(t.nevents, 6);
    EXPECT_EQ(t.events[0].code, KEY_LEFTSHIFT);
    EXPECT_EQ(t.events[0].mods, KEYMOD_LSHIFT);
    EXPECT_EQ(t.events[1].code, KEY_A);
    EXPECT_EQ(t.events[2].code, KEY_RIGHTCTRL);
    EXPECT_EQ(t.events[2].mods, KEYMOD_LSHIFT | KEYMOD_RCTRL);
    EXPECT_EQ(t.events[3].code, KEY_LEFT);
    EXPECT_EQ(t.events[4].code, KEY_RIGHTCTRL);
    EXPECT_EQ(t.events[4].action, KEY_ACTION_RELEASE);
    EXPECT_EQ(t.events[4].mods, KEYMOD_LSHIFT);
    EXPECT_EQ(t.events[5].code, KEY_CAPSLOCK);
    EXPECT_EQ(t.events[5].mods, KEYMOD_LSHIFT | KEYMOD_CAPSLOCK);
}

/* Every byte value in every state: no crash, no output longer than promised. */
TEST(keymap_all_bytes_bounded)
{
    static const uint8_t prefixes[][2] = {{0, 0},    {0xe0, 0}, {0xe1, 0}, {0xe1, 0x1d},
                                          {0x2a, 0}, {0x1d, 0}, {0x38, 0}};
    for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++) {
        for (unsigned b = 0; b < 256; b++) {
            struct keymap_state st = {0};
            struct key_event ev;
            char out[KEYMAP_MAX_CHARS];
            for (size_t i = 0; i < 2; i++)
                if (prefixes[p][i] && keymap_decode(&st, prefixes[p][i], &ev))
                    EXPECT_LE(keymap_chars(&ev, out), KEYMAP_MAX_CHARS);
            if (keymap_decode(&st, (uint8_t)b, &ev)) {
                EXPECT_LT(ev.code, KEY_CODE_COUNT);
                EXPECT_LE(keymap_chars(&ev, out), KEYMAP_MAX_CHARS);
            }
        }
    }
}
