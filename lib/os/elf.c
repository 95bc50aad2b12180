/* SPDX-License-Identifier: MIT */
/* ELF program headers as MAP records (libelf), so a trace's address space gets its binary's VMAs. */
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "mmusim/os.h"

int mmusim_elf_maps(const char *path, uint32_t ctx, uint64_t bias, mmusim_gen_sink fn, void *ud,
                    mmusim_diag *d)
{
    if (!path || !fn)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_elf_maps: NULL argument");
    if (elf_version(EV_CURRENT) == EV_NONE)
        return mmusim_diag_set(d, -MMUSIM_E_STATE, "%s: libelf out of date", path);
    const int fd = open(path, O_RDONLY);
    if (fd < 0)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot open", path);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    int rc = 0;
    size_t n = 0;
    if (!e || elf_kind(e) != ELF_K_ELF) {
        rc = mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s: not an ELF file", path);
    } else if (elf_getphdrnum(e, &n) != 0) {
        rc = mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s: no readable program headers (%s)", path,
                             elf_errmsg(-1));
    }
    mmusim_rec recs[64];
    size_t nr = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            rc = mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s: program header %zu: %s", path, i,
                                 elf_errmsg(-1));
            break;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        const uint64_t lo = (bias + ph.p_vaddr) & ~0xfffull;
        const uint64_t end = bias + ph.p_vaddr + ph.p_memsz;
        if (end < bias + ph.p_vaddr || end + 0xfff < end || bias + ph.p_vaddr < bias) {
            rc = mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                                 "%s: segment %zu at 0x%" PRIx64 " + 0x%" PRIx64 " wraps", path, i,
                                 (uint64_t)ph.p_vaddr, (uint64_t)ph.p_memsz);
            break;
        }
        mmusim_rec *r = &recs[nr++];
        memset(r, 0, sizeof *r);
        r->kind = MMUSIM_REC_MAP;
        r->ctx = ctx;
        r->va = lo;
        r->arg = ((end + 0xfff) & ~0xfffull) - lo;
        r->flags = (uint8_t)(((ph.p_flags & PF_R) ? MMUSIM_PROT_R : 0) |
                             ((ph.p_flags & PF_W) ? MMUSIM_PROT_W : 0) |
                             ((ph.p_flags & PF_X) ? MMUSIM_PROT_X : 0));
        if (nr == sizeof recs / sizeof recs[0]) {
            rc = fn(ud, recs, nr, d);
            nr = 0;
        }
    }
    if (!rc && nr)
        rc = fn(ud, recs, nr, d);
    if (e)
        elf_end(e);
    close(fd);
    return rc;
}
