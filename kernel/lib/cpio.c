/*
 * cpio.c - the cpio "newc" header (lib/cpio.h).
 */
#include <lib/cpio.h>

static bool hex_field(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

bool cpio_header_parse(const char *p, struct cpio_header *out)
{
    static const char magic[] = "07070";
    for (int i = 0; i < 5; i++)
        if (p[i] != magic[i])
            return false;
    if (p[5] != '1' && p[5] != '2')
        return false;
    return hex_field(p + 14, &out->mode) && hex_field(p + 54, &out->filesize) &&
           hex_field(p + 94, &out->namesize);
}

const char *cpio_name_strip(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    return name;
}
