/* SPDX-License-Identifier: MIT */
/* Field-by-field descriptions of translation table descriptors, for `mmusim walk --verbose`. */
/*
 * The layouts are those of the walkers' header essays (walk_v5.c,
 * walk_v7.c; the long format of the ARM ARM's "Long-descriptor
 * translation table format"). A description never decides anything: the
 * walker does; this only names the bits a person would look up.
 */
#include <inttypes.h>
#include <stdio.h>

#include "mmusim/xlat.h"

#define B(v, hi, lo) ((unsigned)(((v) >> (lo)) & ((1ull << ((hi) - (lo) + 1)) - 1)))

static int short_l1(uint64_t d, int extended, char *buf, size_t len)
{
    switch (d & 3) {
    case 0:
        return snprintf(buf, len, "fault (invalid)");
    case 1:
        return snprintf(buf, len, "page table base 0x%08" PRIx64 " domain %u%s", d & 0xfffffc00u,
                        B(d, 8, 5), extended && (d & 4) ? " PXN" : "");
    default:
        break;
    }
    if (!extended) {
        if ((d & 3) == 3)
            return snprintf(buf, len, "fine table base 0x%08" PRIx64 " domain %u", d & 0xfffff000u,
                            B(d, 8, 5));
        return snprintf(buf, len, "section base 0x%08" PRIx64 " AP %u domain %u C %u B %u",
                        d & 0xfff00000u, B(d, 11, 10), B(d, 8, 5), B(d, 3, 3), B(d, 2, 2));
    }
    unsigned ap = B(d, 15, 15) << 2 | B(d, 11, 10);
    if (d & (1u << 18)) {
        uint64_t pa = (d & 0xff000000u) | (uint64_t)B(d, 23, 20) << 32 | (uint64_t)B(d, 8, 5) << 36;
        return snprintf(buf, len,
                        "supersection base 0x%010" PRIx64 " AP[2:0] %u%u%u TEX %u C %u B %u S %u%s%s%s",
                        pa, ap >> 2, (ap >> 1) & 1, ap & 1, B(d, 14, 12), B(d, 3, 3), B(d, 2, 2),
                        B(d, 16, 16), d & (1u << 17) ? " nG" : "", d & 16 ? " XN" : "",
                        d & 1 ? " PXN" : "");
    }
    return snprintf(buf, len,
                    "section base 0x%08" PRIx64 " AP[2:0] %u%u%u domain %u TEX %u C %u B %u S %u%s%s%s",
                    d & 0xfff00000u, ap >> 2, (ap >> 1) & 1, ap & 1, B(d, 8, 5), B(d, 14, 12),
                    B(d, 3, 3), B(d, 2, 2), B(d, 16, 16), d & (1u << 17) ? " nG" : "",
                    d & 16 ? " XN" : "", d & 1 ? " PXN" : "");
}

static int short_l2(uint64_t d, int fmt, int extended, char *buf, size_t len)
{
    if ((d & 3) == 0)
        return snprintf(buf, len, "fault (invalid)");
    if (!extended) {
        switch (d & 3) {
        case 1:
            return snprintf(buf, len, "large page base 0x%08" PRIx64 " AP3..AP0 %u %u %u %u C %u B %u",
                            d & 0xffff0000u, B(d, 11, 10), B(d, 9, 8), B(d, 7, 6), B(d, 5, 4),
                            B(d, 3, 3), B(d, 2, 2));
        case 2:
            return snprintf(buf, len, "small page base 0x%08" PRIx64 " AP3..AP0 %u %u %u %u C %u B %u",
                            d & 0xfffff000u, B(d, 11, 10), B(d, 9, 8), B(d, 7, 6), B(d, 5, 4),
                            B(d, 3, 3), B(d, 2, 2));
        default:
            if (fmt == MMUSIM_XLAT_ARMV6)
                return snprintf(buf, len,
                                "extended small page (or tiny page in a fine table) base 0x%08" PRIx64
                                " AP %u TEX %u C %u B %u",
                                d & 0xfffff000u, B(d, 5, 4), B(d, 8, 6), B(d, 3, 3), B(d, 2, 2));
            return snprintf(buf, len,
                            "tiny page base 0x%08" PRIx64 " AP %u C %u B %u (reserved in a coarse table)",
                            d & 0xfffffc00u, B(d, 5, 4), B(d, 3, 3), B(d, 2, 2));
        }
    }
    unsigned ap = B(d, 9, 9) << 2 | B(d, 5, 4);
    if ((d & 3) == 1)
        return snprintf(buf, len, "large page base 0x%08" PRIx64 " AP[2:0] %u%u%u TEX %u C %u B %u S %u%s%s",
                        d & 0xffff0000u, ap >> 2, (ap >> 1) & 1, ap & 1, B(d, 14, 12), B(d, 3, 3),
                        B(d, 2, 2), B(d, 10, 10), d & (1u << 11) ? " nG" : "", d & (1u << 15) ? " XN" : "");
    return snprintf(buf, len, "small page base 0x%08" PRIx64 " AP[2:0] %u%u%u TEX %u C %u B %u S %u%s%s",
                    d & 0xfffff000u, ap >> 2, (ap >> 1) & 1, ap & 1, B(d, 8, 6), B(d, 3, 3), B(d, 2, 2),
                    B(d, 10, 10), d & (1u << 11) ? " nG" : "", d & 1 ? " XN" : "");
}

/* Long descriptors (LPAE and AArch64): the fields every granule shares.
 * The output address is shown as bits [47:12] of the descriptor (the
 * walker applies the granule's and the output size's masks). */
static int long_desc(uint64_t d, unsigned stage, unsigned level, char *buf, size_t len)
{
    if (!(d & 1))
        return snprintf(buf, len, "invalid");
    uint64_t oa = d & 0x0000fffffffff000ull;
    int table = (d & 2) && level < 3;
    if (table)
        return snprintf(buf, len, "table 0x%" PRIx64 "%s%s APTable %u%s", oa, d >> 59 & 1 ? " PXNTable" : "",
                        d >> 60 & 1 ? " XNTable" : "", B(d, 62, 61), d >> 63 ? " NSTable" : "");
    if (!(d & 2) && level == 3)
        return snprintf(buf, len, "reserved (a block at level 3)");
    const char *kind = level == 3 ? "page" : "block";
    if (stage == 2)
        return snprintf(buf, len, "%s 0x%" PRIx64 " MemAttr %u S2AP %u SH %u%s%s%s", kind, oa, B(d, 5, 2),
                        B(d, 7, 6), B(d, 9, 8), d & (1u << 10) ? " AF" : "", d >> 52 & 1 ? " Contiguous" : "",
                        d >> 54 & 1 ? " XN" : "");
    return snprintf(buf, len, "%s 0x%" PRIx64 " AttrIndx %u AP[2:1] %u SH %u%s%s%s%s%s%s", kind, oa, B(d, 4, 2),
                    B(d, 7, 6), B(d, 9, 8), d & (1u << 5) ? " NS" : "", d & (1u << 10) ? " AF" : "",
                    d & (1u << 11) ? " nG" : "", d >> 52 & 1 ? " Contiguous" : "", d >> 53 & 1 ? " PXN" : "",
                    d >> 54 & 1 ? " UXN" : "");
}

int mmusim_xlat_describe(int fmt, const mmusim_xlat_regs *regs, const mmusim_xlat_read *rd, char *buf,
                         size_t len)
{
    int extended = fmt == MMUSIM_XLAT_ARMV7 || (fmt == MMUSIM_XLAT_ARMV6 && regs && (regs->sctlr & (1u << 23)));
    switch (fmt) {
    case MMUSIM_XLAT_ARMV5:
    case MMUSIM_XLAT_ARMV6:
    case MMUSIM_XLAT_ARMV7:
        return rd->level == 1 ? short_l1(rd->value, extended, buf, len)
                              : short_l2(rd->value, fmt, extended, buf, len);
    case MMUSIM_XLAT_ARMV7_LPAE:
    case MMUSIM_XLAT_AARCH64:
        return long_desc(rd->value, rd->stage, rd->level, buf, len);
    default:
        return snprintf(buf, len, "?");
    }
}
