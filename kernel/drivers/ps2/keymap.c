/*
 * keymap.c - scancode set 1 to key events to characters, US layout (see keymap.h).
 *
 * Decoding: a byte below 0x80 is a make code, the same with bit 7 set the
 * break code. 0xE0 announces an extended key (one more byte); 0xE1 the Pause
 * key, which sends E1 1D 45 E1 9D C5 on press and nothing on release: each
 * E1 xx yy half becomes one KEY_PAUSE event (press, then release). A make
 * code for a key already down is a typematic repeat. Lock keys toggle on
 * their press, not on repeats. 0x00 and 0xFF (keyboard error / overrun)
 * abandon any half-read sequence.
 *
 * Characters (xterm's conventions, US layout): Shift selects the upper symbol;
 * Caps Lock inverts Shift for letters only; Ctrl turns a letter into 0x01..0x1A
 * and @ [ \ ] ^ _ (and Space, 2, 6, -, /) into 0x00, 0x1B..0x1F; Alt puts
 * an ESC before a single-character result (sequences are sent plain). Enter
 * is '\n', Tab '\t' (Shift+Tab "\x1b[Z"), Backspace 0x7f (Ctrl+Backspace
 * 0x08), Esc 0x1b. Arrows, Home/End/Insert/Delete/PgUp/PgDn and F1-F12 send
 * the VT sequences listed in cursor_seq() and fkey_seq. The keypad gives
 * digits and '.' with Num Lock on and the navigation keys with it off (KP5
 * then types nothing); its / * - + and Enter always type.
 */
#include <drivers/keymap.h>

/*
 * Set 1 make codes with the 0xE0 prefix that mean something, to Linux key
 * codes (0 for the rest). 0x46 is Ctrl+Break, which counts as Pause.
 */
static const uint8_t extended_keys[128] = {
    [0x1c] = KEY_KPENTER,   [0x1d] = KEY_RIGHTCTRL, [0x20] = KEY_MUTE,   [0x2e] = KEY_VOLUMEDOWN,
    [0x30] = KEY_VOLUMEUP,  [0x35] = KEY_KPSLASH,   [0x37] = KEY_SYSRQ,  [0x38] = KEY_RIGHTALT,
    [0x46] = KEY_PAUSE,     [0x47] = KEY_HOME,      [0x48] = KEY_UP,     [0x49] = KEY_PAGEUP,
    [0x4b] = KEY_LEFT,      [0x4d] = KEY_RIGHT,     [0x4f] = KEY_END,    [0x50] = KEY_DOWN,
    [0x51] = KEY_PAGEDOWN,  [0x52] = KEY_INSERT,    [0x53] = KEY_DELETE, [0x5b] = KEY_LEFTMETA,
    [0x5c] = KEY_RIGHTMETA, [0x5d] = KEY_COMPOSE,   [0x5e] = KEY_POWER,
};

/* Plain set 1 make codes: 0x01-0x53 and 0x56-0x58 are the Linux codes themselves. */
static uint16_t plain_key(uint8_t make)
{
    if ((make >= 0x01 && make <= 0x53) || (make >= 0x56 && make <= 0x58))
        return make;
    if (make == 0x54) /* Alt+PrintScreen */
        return KEY_SYSRQ;
    return KEY_RESERVED;
}

static uint16_t modifier_bit(uint16_t code)
{
    switch (code) {
    case KEY_LEFTSHIFT:
        return KEYMOD_LSHIFT;
    case KEY_RIGHTSHIFT:
        return KEYMOD_RSHIFT;
    case KEY_LEFTCTRL:
        return KEYMOD_LCTRL;
    case KEY_RIGHTCTRL:
        return KEYMOD_RCTRL;
    case KEY_LEFTALT:
        return KEYMOD_LALT;
    case KEY_RIGHTALT:
        return KEYMOD_RALT;
    case KEY_LEFTMETA:
        return KEYMOD_LMETA;
    case KEY_RIGHTMETA:
        return KEYMOD_RMETA;
    default:
        return 0;
    }
}

static uint16_t lock_bit(uint16_t code)
{
    switch (code) {
    case KEY_CAPSLOCK:
        return KEYMOD_CAPSLOCK;
    case KEY_NUMLOCK:
        return KEYMOD_NUMLOCK;
    case KEY_SCROLLLOCK:
        return KEYMOD_SCROLLLOCK;
    default:
        return 0;
    }
}

/* Applies a press or release of `code` to the state and fills the event. */
static bool key_event(struct keymap_state *st, uint16_t code, bool pressed, struct key_event *ev)
{
    uint8_t bit = (uint8_t)(1u << (code & 7));
    bool was_down = st->down[code >> 3] & bit;

    if (pressed) {
        st->down[code >> 3] |= bit;
        st->mods |= modifier_bit(code);
        if (!was_down)
            st->mods ^= lock_bit(code);
        ev->action = was_down ? KEY_ACTION_REPEAT : KEY_ACTION_PRESS;
    } else {
        st->down[code >> 3] &= (uint8_t)~bit;
        st->mods &= (uint16_t)~modifier_bit(code);
        ev->action = KEY_ACTION_RELEASE;
    }
    ev->code = code;
    ev->mods = st->mods;
    return true;
}

bool keymap_decode(struct keymap_state *st, uint8_t byte, struct key_event *ev)
{
    if (byte == 0x00 || byte == 0xff) { /* error or buffer overrun: resynchronise */
        st->prefix = 0;
        st->pause_left = 0;
        return false;
    }
    if (st->pause_left) {
        if (st->pause_left-- == 2) {
            st->pause_first = byte;
            return false;
        }
        if ((st->pause_first & 0x7f) != 0x1d || (byte & 0x7f) != 0x45)
            return false;
        return key_event(st, KEY_PAUSE, !(byte & 0x80), ev);
    }
    if (byte == 0xe0) {
        st->prefix = 0xe0;
        return false;
    }
    if (byte == 0xe1) {
        st->prefix = 0;
        st->pause_left = 2;
        return false;
    }

    bool extended = st->prefix == 0xe0;
    st->prefix = 0;
    uint8_t make = byte & 0x7f;
    bool pressed = !(byte & 0x80);
    uint16_t code = extended ? extended_keys[make] : plain_key(make);
    /* Fake shifts (E0 2A, E0 36 and their breaks) map to nothing here. */
    if (code == KEY_RESERVED)
        return false;
    return key_event(st, code, pressed, ev);
}

/* ---- characters ---------------------------------------------------------- */

/* US layout, by key code: without and with Shift (0: no character). */
static const char us_plain[KEY_SPACE + 1] = {
    [KEY_1] = '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '0',
    '-',
    '=',
    [KEY_Q] = 'q',
    'w',
    'e',
    'r',
    't',
    'y',
    'u',
    'i',
    'o',
    'p',
    '[',
    ']',
    [KEY_A] = 'a',
    's',
    'd',
    'f',
    'g',
    'h',
    'j',
    'k',
    'l',
    ';',
    '\'',
    '`',
    [KEY_BACKSLASH] = '\\',
    'z',
    'x',
    'c',
    'v',
    'b',
    'n',
    'm',
    ',',
    '.',
    '/',
    [KEY_KPASTERISK] = '*',
    [KEY_SPACE] = ' ',
};
static const char us_shift[KEY_SPACE + 1] = {
    [KEY_1] = '!',         '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',
    [KEY_Q] = 'Q',         'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}',
    [KEY_A] = 'A',         'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    [KEY_BACKSLASH] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', [KEY_KPASTERISK] = '*',
    [KEY_SPACE] = ' ',
};

/* F1-F12, in key-code order F1..F10, then F11, F12. */
static const char *const fkey_seq[12] = {
    "\x1bOP",   "\x1bOQ",   "\x1bOR",   "\x1bOS",   "\x1b[15~", "\x1b[17~",
    "\x1b[18~", "\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~",
};

/* The cursor and editing keys (also the keypad's, with Num Lock off). */
static const char *cursor_seq(uint16_t code)
{
    switch (code) {
    case KEY_UP:
    case KEY_KP8:
        return "\x1b[A";
    case KEY_DOWN:
    case KEY_KP2:
        return "\x1b[B";
    case KEY_RIGHT:
    case KEY_KP6:
        return "\x1b[C";
    case KEY_LEFT:
    case KEY_KP4:
        return "\x1b[D";
    case KEY_HOME:
    case KEY_KP7:
        return "\x1b[H";
    case KEY_END:
    case KEY_KP1:
        return "\x1b[F";
    case KEY_INSERT:
    case KEY_KP0:
        return "\x1b[2~";
    case KEY_DELETE:
    case KEY_KPDOT:
        return "\x1b[3~";
    case KEY_PAGEUP:
    case KEY_KP9:
        return "\x1b[5~";
    case KEY_PAGEDOWN:
    case KEY_KP3:
        return "\x1b[6~";
    default:
        return NULL;
    }
}

static bool is_keypad_digit(uint16_t code)
{
    return (code >= KEY_KP7 && code <= KEY_KP9) || (code >= KEY_KP4 && code <= KEY_KP6) ||
           (code >= KEY_KP1 && code <= KEY_KPDOT);
}

/*
 * Ctrl applied to one character, as on a VT220 or xterm: '@'..'~' keep their
 * low five bits (letters become 0x01..0x1A, [ \ ] ^ _ 0x1B..0x1F); Space and
 * 2 give NUL, 6 gives 0x1E, - and / give 0x1F; other characters are unchanged.
 */
static char ctrl_char(char c)
{
    if (c >= '@' && c <= '~')
        return (char)(c & 0x1f);
    switch (c) {
    case ' ':
    case '2':
        return 0x00;
    case '6':
        return 0x1e;
    case '-':
    case '/':
        return 0x1f;
    default:
        return c;
    }
}

/* One character for a key, before Ctrl and Alt; 0 when it has none. */
static char key_char(uint16_t code, uint16_t mods)
{
    static const char keypad[] = "789-456+1230.";

    switch (code) {
    case KEY_ENTER:
    case KEY_KPENTER:
        return '\n';
    case KEY_TAB:
        return '\t';
    case KEY_ESC:
        return 0x1b;
    case KEY_BACKSPACE:
        return (mods & KEYMOD_CTRL) ? 0x08 : 0x7f;
    case KEY_KPSLASH:
        return '/';
    case KEY_KPMINUS:
        return '-';
    case KEY_KPPLUS:
        return '+';
    case KEY_102ND:
        return (mods & KEYMOD_SHIFT) ? '|' : '\\';
    default:
        break;
    }
    if (is_keypad_digit(code))
        return (mods & KEYMOD_NUMLOCK) ? keypad[code - KEY_KP7] : 0;
    if (code >= sizeof(us_plain) || !us_plain[code])
        return 0;

    bool shift = mods & KEYMOD_SHIFT;
    char lower = us_plain[code];
    if ((mods & KEYMOD_CAPSLOCK) && lower >= 'a' && lower <= 'z')
        shift = !shift;
    return shift ? us_shift[code] : lower;
}

static size_t put_string(char *out, const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p && n < KEYMAP_MAX_CHARS; p++)
        out[n++] = *p;
    return n;
}

size_t keymap_chars(const struct key_event *ev, char out[KEYMAP_MAX_CHARS])
{
    if (ev->action == KEY_ACTION_RELEASE)
        return 0;

    uint16_t code = ev->code, mods = ev->mods;
    if (code >= KEY_F1 && code <= KEY_F10)
        return put_string(out, fkey_seq[code - KEY_F1]);
    if (code == KEY_F11 || code == KEY_F12)
        return put_string(out, fkey_seq[10 + code - KEY_F11]);
    if (code == KEY_TAB && (mods & KEYMOD_SHIFT))
        return put_string(out, "\x1b[Z");
    const char *seq = cursor_seq(code);
    if (seq && !(is_keypad_digit(code) && (mods & KEYMOD_NUMLOCK)))
        return put_string(out, seq);

    char c = key_char(code, mods);
    if (!c)
        return 0;
    if ((mods & KEYMOD_CTRL) && code != KEY_BACKSPACE)
        c = ctrl_char(c);
    size_t n = 0;
    if (mods & KEYMOD_ALT)
        out[n++] = 0x1b;
    out[n++] = c;
    return n;
}
