/* SPDX-License-Identifier: MIT */
/* Translation dispatcher: format names, registers by name, the descriptor-read choke point, faults. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xlat/xlat_internal.h"

static const char *const fmt_names[] = {NULL, "armv5", "armv6", "armv7", "armv7-lpae", "aarch64"};

const char *mmusim_xlat_format_name(int fmt)
{
    return fmt > 0 && fmt < (int)(sizeof fmt_names / sizeof *fmt_names) ? fmt_names[fmt] : NULL;
}

int mmusim_xlat_format_parse(const char *name, int *fmt)
{
    for (int i = 1; i < (int)(sizeof fmt_names / sizeof *fmt_names); i++)
        if (name && !strcmp(name, fmt_names[i])) {
            *fmt = i;
            return 0;
        }
    return -MMUSIM_E_INVAL;
}

static const char *const fault_names[] = {"none",       "translation",  "access flag", "domain",
                                          "permission", "address size", "external abort"};

const char *mmusim_fault_name(int type)
{
    return type >= 0 && type < (int)(sizeof fault_names / sizeof *fault_names) ? fault_names[type]
                                                                                 : NULL;
}

/* Register names: the AArch32 name and the AArch64 one, when both exist,
 * lead to the same field. */
static const struct {
    const char *name;
    size_t off;
} reg_names[] = {
#define R(n, f) {n, offsetof(mmusim_xlat_regs, f)}
    R("SCTLR", sctlr),         R("SCTLR_EL1", sctlr),         R("TTBR0", ttbr0),
    R("TTBR0_EL1", ttbr0),     R("TTBR1", ttbr1),             R("TTBR1_EL1", ttbr1),
    R("TTBCR", tcr),           R("TCR_EL1", tcr),             R("DACR", dacr),
    R("CONTEXTIDR", contextidr), R("CONTEXTIDR_EL1", contextidr), R("FCSEIDR", fcseidr),
    R("MAIR", mair),           R("MAIR_EL1", mair),           R("PRRR", prrr),
    R("NMRR", nmrr),           R("VTTBR", vttbr),             R("VTTBR_EL2", vttbr),
    R("VTCR", vtcr),           R("VTCR_EL2", vtcr),           R("HCR", hcr),
    R("HCR_EL2", hcr),         R("HSCTLR", sctlr_el2),        R("SCTLR_EL2", sctlr_el2),
    R("HTTBR", ttbr0_el2),     R("TTBR0_EL2", ttbr0_el2),     R("HTCR", tcr_el2),
    R("TCR_EL2", tcr_el2),     R("HMAIR", mair_el2),          R("MAIR_EL2", mair_el2),
#undef R
};
#define NREGS (sizeof reg_names / sizeof *reg_names)

static int find_reg(const char *name, mmusim_diag *d)
{
    for (size_t i = 0; name && i < NREGS; i++)
        if (!strcasecmp(name, reg_names[i].name))
            return (int)i;
    char known[600] = "";
    for (size_t i = 0; i < NREGS; i++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", reg_names[i].name);
    }
    return mmusim_diag_set(d, -MMUSIM_E_KEY, "unknown register '%.40s' (known: %s)",
                           name ? name : "(null)", known);
}

int mmusim_xlat_set_reg(mmusim_xlat_regs *r, const char *name, uint64_t value, mmusim_diag *d)
{
    int i = find_reg(name, d);
    if (i < 0)
        return i;
    memcpy((char *)r + reg_names[i].off, &value, sizeof value);
    return 0;
}

int mmusim_xlat_get_reg(const mmusim_xlat_regs *r, const char *name, uint64_t *value, mmusim_diag *d)
{
    int i = find_reg(name, d);
    if (i < 0)
        return i;
    memcpy(value, (const char *)r + reg_names[i].off, sizeof *value);
    return 0;
}

int mmusim__xlat_fault(mmusim__walk *w, int type, unsigned stage, unsigned level, unsigned domain,
                       uint32_t fsr, uint64_t far)
{
    mmusim_xlat_fault *f = w->out_fault;
    f->type = (uint8_t)type;
    f->stage = (uint8_t)stage;
    f->level = (uint8_t)level;
    f->domain = (uint8_t)domain;
    f->fsr = fsr;
    f->far = far;
    return 1;
}

int mmusim__xlat_desc_read(mmusim__walk *w, unsigned stage, unsigned level, uint64_t ia, uint64_t pa,
                           unsigned bytes, uint64_t *value)
{
    mmusim_xlat_result *res = w->out_res;
    uint64_t v = 0;
    int bad = w->in_port->read(w->in_port->ctx, pa, bytes, &v);
    if (res->nreads < MMUSIM_XLAT_MAX_READS) {
        mmusim_xlat_read *r = &res->reads[res->nreads++];
        r->addr = pa;
        r->value = v;
        r->stage = (uint8_t)stage;
        r->level = (uint8_t)level;
        r->bytes = (uint8_t)bytes;
        r->ia = ia;
    }
    *value = v;
    return bad ? 1 : 0;
}

int mmusim_xlat_walk(int fmt, const mmusim_xlat_regs *regs, const mmusim_xlat_port *port,
                     const mmusim_xlat_req *req, mmusim_xlat_result *res, mmusim_xlat_fault *fault)
{
    if (!regs || !port || !port->read || !req || !res || !fault || req->access > MMUSIM_XA_EXEC)
        return -MMUSIM_E_INVAL;
    memset(res, 0, sizeof *res - sizeof res->reads);
    memset(fault, 0, sizeof *fault);
    mmusim__walk w = {fmt, regs, port, req, res, fault};
    switch (fmt) {
    case MMUSIM_XLAT_ARMV5:
        mmusim__walk_v5(&w);
        return 0;
    case MMUSIM_XLAT_ARMV6:
        /* SCTLR.XP selects the ARMv6 extended format; 0 is the ARMv5-compatible one */
        if (regs->sctlr & (1u << 23))
            mmusim__walk_v7(&w);
        else
            mmusim__walk_v5(&w);
        return 0;
    case MMUSIM_XLAT_ARMV7:
        mmusim__walk_v7(&w);
        return 0;
    case MMUSIM_XLAT_ARMV7_LPAE:
    case MMUSIM_XLAT_AARCH64: {
        int rc = mmusim__walk_long(&w);
        return rc < 0 ? rc : 0;
    }
    default:
        return -MMUSIM_E_INVAL;
    }
}
