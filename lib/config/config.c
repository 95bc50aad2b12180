/* SPDX-License-Identifier: MIT */
/* mmusim configuration: the option table, KEY=VALUE parsing, get/foreach, whole-config checks. */

/*
 * One table drives everything (Dinero IV's good idea): CONFIG_KEYS below
 * expands once into the parse/print descriptors (opts[]) and once into the
 * public documentation (docs[], returned by mmusim_config_keydocs). The
 * "syntax" column is also the "expected ..." of every bad-value error, the
 * "default" column is parsed to fill a newly created cache, foreach and the
 * YAML writer walk the table in its order, and docs/config.md is checked
 * against the table by tests/unit/test_config.c. Adding a key means adding
 * one row here and, if it is a new kind, one case in parse/format.
 *
 * Invariants (tests/unit/test_config.c checks each):
 *  - every value stored by mmusim_config_set was accepted by the parser of
 *    its kind, so printing it and parsing the text back gives the same bits
 *    (this is what makes the YAML round trip exact);
 *  - string fields are zero-filled past their terminator and new caches
 *    are zeroed before their defaults are applied, so two configurations
 *    built by the same steps compare equal with memcmp;
 *  - mmusim_config_set changes nothing when it fails;
 *  - c->hier.seed always equals c->seed.
 * Per-key checks (syntax, ranges of one value) happen in mmusim_config_set;
 * checks that relate keys (geometry, links, cycles) happen in
 * mmusim_config_validate, so that layers may set keys in any order.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_internal.h"
#include "core/internal.h"
#include "mmusim/xlat.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#define MAX_SIZE (1ull << 40) /* 1T: keeps lines and sets well inside 32 bits of sets */
#define MAX_LINE (64u * 1024u)
#define MAX_LINES (1ull << 31)

static const char *const repl_names[] = {"lru", "plru", "fifo", "rr", "random", NULL};
static const char *const write_names[] = {"back", "through", NULL};
static const char *const alloc_names[] = {"write", "none", NULL};
static const char *const incl_names[] = {"nine", "inclusive", "exclusive", NULL};
static const char *const index_names[] = {"pipt", "vipt", "vivt", NULL};
/* enum mmusim_tlb_kind order */
static const char *const kind_names[] = {"tlb", "ipa", "walk", NULL};
static const char *const none_word[] = {"none", NULL};
/* enum mmusim_config_policy order */
static const char *const policy_names[] = {"auto",  "full-flush", "asid", "fass",
                                           "vmid", "nonglobal-kernel", NULL};
static const char *const walk_word[] = {"walk", NULL};
/* enum mmusim_config_placement order */
static const char *const placement_names[] = {"auto", "linux", "fass", NULL};

#define TLB_LG2_MIN 10 /* page sizes 1K .. 256T, as mmusim_tlb_params */
#define TLB_LG2_MAX 48

#define PAGE_LG2_MIN 10 /* cpu.page: 1K .. 1G */
#define PAGE_LG2_MAX 30
#define MAX_LATENCY 100000u  /* caches.<name>.latency, tlbs.<name>.latency */
#define MAX_CYCLES 1000000u  /* timing.* */
#define MAX_CPI_MILLI 1000000u /* timing.cpi = 1000 */
#define CYCLES_SYNTAX "cycles (0 to 1000000)"

/*
 * X(scope, key, kind, field, names, syntax, default, help)
 *   scope G: key is the whole key, field a member of mmusim_config;
 *   scope C: key is the last part of "caches.<name>.<key>", field a member
 *            of mmusim_cache_params;
 *   scope R: the row of "caches.<name>" itself (value none removes);
 *   scope T: key is the last part of "tlbs.<name>.<key>", field a member
 *            of mmusim_config_tlb;
 *   scope S: the row of "tlbs.<name>" itself (value none removes).
 * The order of the rows is the order of config show, the YAML and foreach.
 */
#define CONFIG_KEYS(X)                                                                        \
    X(G, "preset", PRESET, preset, NULL, "preset name (see Presets)", "default",               \
      "The preset the configuration starts from. Only as the first key of a YAML file "        \
      "(the command line has --preset); it replaces everything set before it.")                \
    X(G, "seed", U64, seed, NULL, "unsigned integer (decimal or 0x hex)", "1",                 \
      "Seed of the pseudo-random generator (random replacement). The same inputs and seed "    \
      "give the same results, bit for bit.")                                                   \
    X(G, "mmu", BOOL, mmu, NULL, "true | false", "false",                                      \
      "Translate trace addresses through the MMU: the core of cpu.format with the TLBs, "      \
      "walks, first-touch mapping and the timing model. false: addresses are physical and "   \
      "only the caches are simulated (no cycles).")                                            \
    X(G, "writeback_at_end", BOOL, writeback_at_end, NULL, "true | false", "true",             \
      "When the run ends, write back every dirty line, level by level from cpu.dcache down, "  \
      "as Dinero IV does; those writes count as demand writes at the lower levels. false "     \
      "leaves dirty data in the caches.")                                                      \
    X(G, "cpu.icache", NAME, hier.ientry, NULL, "cache name | memory", "l1i",                  \
      "The cache that takes instruction fetches, or memory for none.")                         \
    X(G, "cpu.dcache", NAME, hier.dentry, NULL, "cache name | memory", "l1d",                  \
      "The cache that takes data reads and writes (the same name as cpu.icache for a "         \
      "unified L1), or memory for none.")                                                      \
    X(R, "", REMOVE, name, NULL, "none", "",                                                   \
      "none removes the cache. Setting any key of a cache that does not exist creates it "     \
      "with the defaults below. Names: 1 to 15 of a-z, 0-9 and _, not memory; at most "        \
      STR(MMUSIM_MAX_CACHES) " caches.")                                                      \
    X(C, "size", SIZE, size_bytes, NULL, "bytes: 512, 32K, 1M (up to 1T)", "32K",              \
      "Capacity. size / line / ways must be a power-of-two number of sets (a 48K 3-way "       \
      "cache of 64-byte lines has 256 sets).")                                                 \
    X(C, "ways", WAYS, ways, NULL, "integer >= 1 | full (or 0)", "4",                           \
      "Associativity; full (stored as 0) is fully associative. At most size / line.")          \
    X(C, "line", LINE, line_bytes, NULL, "bytes, a power of two from 4 to 64K", "64",          \
      "Line (block) size.")                                                                    \
    X(C, "repl", ENUM, repl, repl_names, "lru | plru | fifo | rr | random", "lru",             \
      "Replacement: exact LRU; tree pseudo-LRU (power-of-two ways, at most 64); FIFO; "        \
      "per-set round-robin; uniform random from the seeded generator.")                        \
    X(C, "write", ENUM, write, write_names, "back | through", "back",                          \
      "Write hits: back = write-back (dirty lines are written on eviction), through = "        \
      "write-through.")                                                                        \
    X(C, "alloc", ENUM, alloc, alloc_names, "write | none", "write",                           \
      "Write misses: write = write-allocate (the line is fetched, then written), none = no "   \
      "write-allocate (the write goes on to the next level).")                                 \
    X(C, "index", ENUM, indexing, index_names, "pipt | vipt | vivt", "pipt",                   \
      "Where the set index and the tag come from: physical/physical, virtual/physical, "       \
      "virtual/virtual.")                                                                      \
    X(C, "inclusion", ENUM, inclusion, incl_names, "nine | inclusive | exclusive", "nine",     \
      "Relation to the caches whose next is this one: nine = non-inclusive non-exclusive; "    \
      "inclusive = an eviction here back-invalidates them; exclusive = a victim cache of "     \
      "them. inclusive and exclusive need at least one such cache.")                           \
    X(C, "classify", BOOL, classify_3c, NULL, "true | false", "false",                         \
      "Classify misses as compulsory, capacity or conflict (3C, as Dinero IV).")               \
    X(C, "next", NAME, next, NULL, "cache name | memory", "memory",                            \
      "Where misses and write-backs go: another cache or memory. No cycles.")                \
    X(C, "latency", LATENCY, latency, NULL, "cycles (0 to 100000)", "1",                       \
      "Load-to-use latency of a hit in this cache. A demand access served at this level "      \
      "stalls latency(level) - latency(entry level) cycles (a hit in the L1 is in the base "   \
      "CPI); a walk read pays it in full.")                                                    \
    X(G, "cpu.itlb", TNAME, itlb, none_word, "TLB name | none", "none",                       \
      "The TLB that takes instruction fetches (a TLB of kind tlb), or none. TLBs are used "    \
      "only with mmu = true: mmusim run ignores them while mmu is false.")                    \
    X(G, "cpu.dtlb", TNAME, dtlb, none_word, "TLB name | none", "none",                       \
      "The TLB that takes data reads and writes (the same name as cpu.itlb for a unified "     \
      "TLB), or none.")                                                                        \
    X(G, "cpu.format", XFMT, cpu.format, NULL, "armv5 | armv6 | armv7 | armv7-lpae | aarch64", \
      "armv7", "Translation format of the core with mmu = true (ARMv4 parts use armv5).")     \
    X(G, "cpu.cores", CORES, cpu.cores, NULL, "integer (1 to " STR(MMUSIM_MAX_CORES) ")", "1", \
      "Cores: each has private TLBs and the private caches cpu.icache and cpu.dcache; the "    \
      "other caches are shared.")                                                              \
    X(G, "cpu.granule", GRANULE, cpu.granule_lg2, NULL, "4K | 16K | 64K", "4K",                \
      "Translation granule of the long formats (armv7-lpae has only 4K); the short formats "   \
      "ignore it.")                                                                            \
    X(G, "cpu.va_bits", VABITS, cpu.va_bits, NULL, "integer (25 to 48)", "48",                 \
      "aarch64: the input address size of TTBR0 (T0SZ = 64 - va_bits). The other formats "    \
      "ignore it.")                                                                            \
    X(G, "cpu.page", PAGE, cpu.page_lg2, NULL, "bytes, a power of two from 1K to 1G", "4K",    \
      "The size of the pages the first-touch mapper maps on a translation fault. Whether the " \
      "format has pages of that size is checked when the machine is built.")                  \
    X(G, "cpu.stage2", BOOL, cpu.stage2, NULL, "true | false", "false",                        \
      "Translate through stage 2 as well (long formats); the first-touch mapper builds the "   \
      "stage-2 table too.")                                                                    \
    X(G, "cpu.fold", BOOL, cpu.fold, NULL, "true | false", "true",                             \
      "32-bit formats: fold trace addresses into an ARM Linux 32-bit user layout, 1 MiB "     \
      "window by window (windows below 0x40000000 keep their address; include/mmusim/fold.h)" \
      "; false takes addresses as they are and makes one above 4 GiB an error.")               \
    X(G, "cpu.walk_from", NAME, cpu.walk_from, NULL, "cache name | memory", "memory",          \
      "Where the descriptor reads of table walks enter the hierarchy: a cache, or memory "     \
      "(ARMv5 walks read memory, not the L1 D-cache).")                                        \
    X(S, "", REMOVE, p.name, NULL, "none", "",                                                 \
      "none removes the TLB. Setting any key of a TLB that does not exist creates it with "    \
      "the defaults below. Names: 1 to 15 of a-z, 0-9 and _, not none or walk; at most "       \
      STR(MMUSIM_MAX_TLBS) " TLBs.")                                                          \
    X(T, "entries", COUNT, p.entries, NULL, "integer (1 to 1048576)", "32",                   \
      "Replaceable entries: ways x a power-of-two number of sets. Lockdown entries come on "   \
      "top of them.")                                                                          \
    X(T, "ways", WAYS, p.ways, NULL, "integer >= 1 | full (or 0)", "full",                     \
      "Associativity; full (stored as 0) is fully associative. At most entries.")              \
    X(T, "repl", ENUM, p.repl, repl_names, "lru | plru | fifo | rr | random", "lru",           \
      "Replacement, as for caches (plru: power-of-two ways, at most 64).")                     \
    X(T, "sizes", PSIZES, p.page_sizes, NULL,                                                  \
      "comma-separated powers of two from 1K to 256T: 4K,64K,1M,16M", "4K,64K,1M,16M",        \
      "Page (entry) sizes the structure holds. A larger page is stored as the largest "        \
      "supported size below it; a page smaller than all of them is not cached. Walk caches: "  \
      "the regions their table descriptors map (4K granule: 2M,1G,512G). In a YAML flow "     \
      "mapping ({...}) quote the list.")                                                       \
    X(T, "asid_bits", IDBITS, p.asid_bits, NULL, "0 | 8 | 16", "8",                            \
      "ASID tag width; 0: no ASIDs (ARMv4/v5 parts; walk caches with untagged entries).")     \
    X(T, "vmid_bits", IDBITS, p.vmid_bits, NULL, "0 | 8 | 16", "0",                            \
      "VMID tag width; 0: no VMIDs (no virtualization extensions).")                          \
    X(T, "lockdown", COUNT, p.lockdown, NULL, "integer (0 to 64)", "0",                        \
      "Lockdown entries besides the replaceable ones, fully associative (ARM926EJ-S, "         \
      "ARM1176, Cortex-A9).")                                                                  \
    X(T, "kind", ENUM, p.kind, kind_names, "tlb | ipa | walk", "tlb",                          \
      "tlb: VA page -> PA (micro or main TLB); ipa: an IPA cache (stage 2, IPA page -> PA); "  \
      "walk: a walk cache of table descriptors.")                                              \
    X(T, "combined", BOOL, p.combined, NULL, "true | false", "true",                           \
      "With stage 2: true holds combined stage 1+2 entries (VA -> PA), false stage-1 entries " \
      "(VA -> IPA, stage 2 from the IPA cache).")                                              \
    X(T, "next", TNAME, next, walk_word, "TLB name | walk", "walk",                            \
      "Where misses go: the next TLB level, or walk (the table walk). No cycles.")            \
    X(T, "latency", LATENCY, latency, NULL, "cycles (0 to 100000)", "0",                       \
      "Cycles each lookup in this TLB adds, hit or miss (0 for a micro-TLB; walk and IPA "     \
      "caches: per walk or stage-2 translation that looks them up).")                         \
    X(G, "timing.cpi", CPI, timing.cpi_milli, NULL,                                            \
      "decimal, 0.001 to 1000, at most 3 decimals: 1, 1.25", "1.0",                            \
      "Base cycles per instruction, stalls excluded (a hit in the L1 caches is in it).")       \
    X(G, "timing.memory", CYCLES, timing.memory, NULL, CYCLES_SYNTAX, "100",                   \
      "Load-to-use latency of an access that memory serves.")                                  \
    X(G, "timing.writeback", CYCLES, timing.writeback, NULL, CYCLES_SYNTAX, "0",               \
      "Stall per dirty line written back on eviction.")                                        \
    X(G, "timing.walk", CYCLES, timing.walk, NULL, CYCLES_SYNTAX, "0",                         \
      "Fixed cost of a table walk besides its descriptor reads.")                              \
    X(G, "timing.fault", CYCLES, timing.fault, NULL, CYCLES_SYNTAX, "0",                       \
      "Exception entry and return of a fault.")                                                \
    X(G, "timing.map", CYCLES, timing.map, NULL, CYCLES_SYNTAX, "0",                           \
      "Handler work per page the first-touch mapper maps.")                                    \
    X(G, "timing.tlbi", CYCLES, timing.tlbi, NULL, CYCLES_SYNTAX, "0",                         \
      "Cost of each TLB maintenance operation.")                                               \
    X(G, "timing.tlbi_entry", CYCLES, timing.tlbi_entry, NULL, CYCLES_SYNTAX, "0",             \
      "Cost of each TLB entry a maintenance operation removes.")                               \
    X(G, "timing.cmo", CYCLES, timing.cmo, NULL, CYCLES_SYNTAX, "0",                           \
      "Cost of each cache maintenance operation.")                                             \
    X(G, "timing.cmo_line", CYCLES, timing.cmo_line, NULL, CYCLES_SYNTAX, "0",                 \
      "Cost of each valid line a cache maintenance operation touches.")                        \
    X(G, "timing.cmo_dirty", CYCLES, timing.cmo_dirty, NULL, CYCLES_SYNTAX, "0",               \
      "Extra cost of each dirty line a cache maintenance operation writes back.")              \
    X(G, "timing.barrier", CYCLES, timing.barrier, NULL, CYCLES_SYNTAX, "0",                   \
      "Cost of each DSB + ISB after maintenance.")                                             \
    X(G, "timing.broadcast", CYCLES, timing.broadcast, NULL, CYCLES_SYNTAX, "0",               \
      "Cost per other core an inner-shareable (broadcast) operation reaches.")                 \
    X(G, "timing.switch", CYCLES, timing.switch_path, NULL, CYCLES_SYNTAX, "0",                \
      "The kernel's context-switch path itself (scheduler, register save and restore), per "  \
      "switch; what the policy makes it flush is costed on top, by cause.")                    \
    X(G, "os.policy", ENUM, os_policy, policy_names, "auto | full-flush | asid | fass | vmid | nonglobal-kernel", "auto",       \
      "Context-switch policy (docs/policies.md). auto: full-flush when the format or a TLB "   \
      "has no ASIDs, else vmid with stage 2 and VMID-tagged TLBs, else asid.")                \
    X(G, "os.pte_writes", BOOL, os_pte_writes, NULL, "true | false", "true",                   \
      "The first-touch mapper's descriptor stores go through cpu.dcache, each cleaned when "  \
      "walks read below it (seed 003), costed as fault work; false writes the tables to "      \
      "memory unseen, to study the core alone.")                                               \
    X(G, "os.kernel_base", U64, os_kernel_base, NULL, "address: 0 or a page-aligned address", "0", \
      "Addresses from here up are the kernel's: one space all contexts share (Linux's "       \
      "3G/1G split: 0xc0000000), reached from kernel mode (records whose ctx has bit 31 "      \
      "set), mapped global, or non-global under os.policy=nonglobal-kernel. 0: none.")        \
    X(G, "os.kernel_asid0", BOOL, os_kernel_asid0, NULL, "true | false", "false",               \
      "nonglobal-kernel only: the flawed variant seed 000 warns about, where the kernel always " \
      "runs with ASID 0, so its accesses to user addresses can hit another process's "         \
      "translation (counted as stale_tlb_hits).")                                              \
    X(G, "os.placement", ENUM, os_placement, placement_names, "auto | linux | fass", "auto",     \
      "Where the OS model puts the regions of a trace it may place (cpu.fold): linux, ARM "     \
      "Linux's 3G/1G layout; fass, FASS's (seed 004): stacks at the top of the 32 MiB FCSE "    \
      "area, run-time mappings in the 1 MiB regions fewest address spaces use. auto: fass "     \
      "under os.policy=fass, else linux.")                                                      \
    X(G, "os.shared_domains", BOOL, os_shared_domains, NULL, "true | false", "false",           \
      "fass only: shared domains (seed 004): a megabyte of a shared mapping that several "      \
      "address spaces map at the same address gets a domain of its own, enabled for each of "   \
      "them, so they do not collide in the CPD over it.")

#define SCOPE_G MMUSIM__OPT_GLOBAL
#define SCOPE_C MMUSIM__OPT_CACHE
#define SCOPE_R MMUSIM__OPT_CACHE
#define SCOPE_T MMUSIM__OPT_TLB
#define SCOPE_S MMUSIM__OPT_TLB
#define TYPE_G mmusim_config
#define TYPE_C mmusim_cache_params
#define TYPE_R mmusim_cache_params
#define TYPE_T mmusim_config_tlb
#define TYPE_S mmusim_config_tlb
#define PAT_G(k) k
#define PAT_C(k) "caches.<name>." k
#define PAT_R(k) "caches.<name>" k
#define PAT_T(k) "tlbs.<name>." k
#define PAT_S(k) "tlbs.<name>" k

#define OPT_ROW(scope, key, kind, field, names, syntax, dflt, help)                         \
    {key, SCOPE_##scope, MMUSIM__K_##kind, (unsigned short)offsetof(TYPE_##scope, field),   \
     (unsigned short)sizeof(((TYPE_##scope *)0)->field), names},
#define DOC_ROW(scope, key, kind, field, names, syntax, dflt, help) \
    {PAT_##scope(key), syntax, dflt, help},

static const mmusim__opt opts[] = {CONFIG_KEYS(OPT_ROW)};
static const mmusim_config_keydoc docs[] = {CONFIG_KEYS(DOC_ROW){NULL, NULL, NULL, NULL}};
#define NOPTS (sizeof opts / sizeof opts[0])

_Static_assert(sizeof docs / sizeof docs[0] == NOPTS + 1, "one doc row per option row");
_Static_assert(sizeof(mmusim_config) <= 0xffff, "field offsets fit mmusim__opt.off");

const mmusim__opt *mmusim__config_opts(size_t *n)
{
    if (n)
        *n = NOPTS;
    return opts;
}

const mmusim_config_keydoc *mmusim__config_doc(size_t i) { return i < NOPTS ? &docs[i] : NULL; }

const mmusim_config_keydoc *mmusim_config_keydocs(void) { return docs; }

/* ---- names ------------------------------------------------------------ */

int mmusim__config_valid_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (n >= MMUSIM_CACHE_NAME_MAX - 1)
            return 0;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return 0;
    }
    return n > 0 && strcmp(s, "memory") != 0;
}

int mmusim__config_valid_tlb_name(const char *s)
{
    return mmusim__config_valid_name(s) && strcmp(s, "none") != 0 && strcmp(s, "walk") != 0;
}

int mmusim__config_find_tlb(const mmusim_config *c, const char *name)
{
    unsigned n = c->ntlbs < MMUSIM_MAX_TLBS ? c->ntlbs : MMUSIM_MAX_TLBS;
    for (unsigned i = 0; i < n; i++)
        if (strncmp(c->tlbs[i].p.name, name, MMUSIM_TLB_NAME_MAX) == 0)
            return (int)i;
    return -1;
}

int mmusim__config_find_cache(const mmusim_config *c, const char *name)
{
    unsigned n = c->hier.ncaches < MMUSIM_MAX_CACHES ? c->hier.ncaches : MMUSIM_MAX_CACHES;
    for (unsigned i = 0; i < n; i++)
        if (strncmp(c->hier.caches[i].name, name, MMUSIM_CACHE_NAME_MAX) == 0)
            return (int)i;
    return -1;
}

/* Copies a name into a fixed field, zero-filling the rest (memcmp-stable). */
static void put_name(char *dst, size_t width, const char *src)
{
    size_t n = strlen(src);
    memset(dst, 0, width);
    memcpy(dst, src, n < width ? n : width - 1);
}

/* ---- parsing values ----------------------------------------------------- */

/* A parsed value, before it is stored. */
typedef struct val {
    uint64_t u;
    char name[MMUSIM_CACHE_NAME_MAX];
} val;
_Static_assert(MMUSIM_TLB_NAME_MAX == MMUSIM_CACHE_NAME_MAX, "one name width");

/* Decimal digits only, or 0x and hex digits; no sign, no spaces. */
static int parse_u64(const char *s, uint64_t *out)
{
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned dgt;
        unsigned char ch = (unsigned char)*s;
        if (ch >= '0' && ch <= '9')
            dgt = ch - '0';
        else if (base == 16 && isxdigit(ch))
            dgt = (unsigned)(tolower(ch) - 'a' + 10);
        else
            return -1;
        if (v > (UINT64_MAX - dgt) / (uint64_t)base)
            return -1;
        v = v * (uint64_t)base + dgt;
    }
    *out = v;
    return 0;
}

static int parse_bool(const char *s, uint64_t *out)
{
    static const char *const t[] = {"true", "yes", "on", "1"};
    static const char *const f[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, t[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(s, f[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* "4K,64K,1M": a list of powers of two from 1K to 256T (spaces around the
 * commas allowed) -> a mask with bit n set for 2^n bytes. */
static int parse_psizes(const char *s, uint64_t *out)
{
    uint64_t m = 0;
    for (;;) {
        while (*s == ' ')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > s && t[-1] == ' ')
            t--;
        char item[24];
        size_t n = (size_t)(t - s);
        if (n == 0 || n >= sizeof item)
            return -1;
        memcpy(item, s, n);
        item[n] = '\0';
        uint64_t v;
        if (mmusim_parse_size(item, &v) || !mmusim__is_pow2(v) || v < (1ull << TLB_LG2_MIN) ||
            v > (1ull << TLB_LG2_MAX))
            return -1;
        m |= v; /* v = 2^n is bit n */
        if (!*e)
            break;
        s = e + 1;
    }
    *out = m;
    return 0;
}

/* log2 of a power of two. */
static uint64_t lg2_of(uint64_t v)
{
    uint64_t n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* The range of the integer kinds that have one (decimal only). */
static int int_range(unsigned kind, uint64_t *lo, uint64_t *hi)
{
    switch (kind) {
    case MMUSIM__K_CORES:
        *lo = 1, *hi = MMUSIM_MAX_CORES;
        return 1;
    case MMUSIM__K_VABITS:
        *lo = 25, *hi = 48;
        return 1;
    case MMUSIM__K_LATENCY:
        *lo = 0, *hi = MAX_LATENCY;
        return 1;
    case MMUSIM__K_CYCLES:
        *lo = 0, *hi = MAX_CYCLES;
        return 1;
    default:
        return 0;
    }
}

/* Decimal digits only, at most 7 of them (every range above fits). */
static int parse_dec(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 7)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "1", "1.25", "0.001" -> thousandths (1000, 1250, 1); at most 3 decimals,
 * digits on both sides of the point, no sign or exponent. */
static int parse_milli(const char *s, uint64_t *out)
{
    const char *dot = strchr(s, '.');
    size_t ni = dot ? (size_t)(dot - s) : strlen(s);
    char ip[8];
    if (ni == 0 || ni >= sizeof ip)
        return -1;
    memcpy(ip, s, ni);
    ip[ni] = '\0';
    uint64_t i, f = 0;
    if (parse_dec(ip, &i))
        return -1;
    if (dot) {
        size_t nf = strlen(dot + 1);
        if (nf == 0 || nf > 3 || parse_dec(dot + 1, &f))
            return -1;
        for (; nf < 3; nf++)
            f *= 10;
    }
    *out = i * 1000 + f;
    return 0;
}

/* Thousandths as the shortest text parse_milli reads back: "1.0", "1.25". */
static void format_milli(uint64_t u, char *buf, size_t len)
{
    char frac[4];
    snprintf(frac, sizeof frac, "%03u", (unsigned)(u % 1000));
    for (int k = 2; k > 0 && frac[k] == '0'; k--)
        frac[k] = '\0';
    snprintf(buf, len, "%" PRIu64 ".%s", u / 1000, frac);
}

/* 1 if `u`, a stored value of kind o->kind, is one the parser can produce
 * (for the kinds whose range is not the whole field); validate uses it. */
static int stored_value_ok(const mmusim__opt *o, uint64_t u)
{
    uint64_t lo, hi;
    if (int_range(o->kind, &lo, &hi))
        return u >= lo && u <= hi;
    switch (o->kind) {
    case MMUSIM__K_XFMT:
        return u <= INT32_MAX && mmusim_xlat_format_name((int)u) != NULL;
    case MMUSIM__K_GRANULE:
        return u == 12 || u == 14 || u == 16;
    case MMUSIM__K_PAGE:
        return u >= PAGE_LG2_MIN && u <= PAGE_LG2_MAX;
    case MMUSIM__K_CPI:
        return u >= 1 && u <= MAX_CPI_MILLI;
    case MMUSIM__K_BOOL:
        return u <= 1;
    default:
        return 1;
    }
}

/* "caches.l1d.size: not a size: '33X' (expected bytes: 512, 32K, 1M (up to 1T))" */
static int bad_value(mmusim_diag *d, const char *key, const char *what, const char *text,
                     const char *syntax)
{
    return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%s: %s: '%.64s%s' (expected %s)", key, what,
                           text, strlen(text) > 64 ? "..." : "", syntax);
}

static int parse_value(const mmusim__opt *o, const mmusim_config_keydoc *doc, const char *key,
                       const char *s, val *v, mmusim_diag *d)
{
    memset(v, 0, sizeof *v);
    switch (o->kind) {
    case MMUSIM__K_U64:
        if (parse_u64(s, &v->u))
            return bad_value(d, key, "not an unsigned integer", s, doc->syntax);
        return 0;
    case MMUSIM__K_BOOL:
        if (parse_bool(s, &v->u))
            return bad_value(d, key, "not a boolean", s, doc->syntax);
        return 0;
    case MMUSIM__K_SIZE:
        if (mmusim_parse_size(s, &v->u))
            return bad_value(d, key, "not a size", s, doc->syntax);
        if (v->u == 0 || v->u > MAX_SIZE)
            return bad_value(d, key, "size out of range", s, doc->syntax);
        return 0;
    case MMUSIM__K_LINE:
        if (mmusim_parse_size(s, &v->u))
            return bad_value(d, key, "not a size", s, doc->syntax);
        if (!mmusim__is_pow2(v->u) || v->u < 4 || v->u > MAX_LINE)
            return bad_value(d, key, "not a power of two from 4 to 64K", s, doc->syntax);
        return 0;
    case MMUSIM__K_WAYS:
        if (strcasecmp(s, "full") == 0) {
            v->u = 0;
            return 0;
        }
        if (parse_u64(s, &v->u) || (s[0] == '0' && s[1] && (s[1] == 'x' || s[1] == 'X')))
            return bad_value(d, key, "not a number of ways", s, doc->syntax);
        if (v->u > UINT32_MAX)
            return bad_value(d, key, "too many ways", s, doc->syntax);
        return 0;
    case MMUSIM__K_ENUM:
        for (size_t i = 0; o->names[i]; i++) {
            if (strcasecmp(s, o->names[i]) == 0) {
                v->u = i;
                return 0;
            }
        }
        return bad_value(d, key, "unknown value", s, doc->syntax);
    case MMUSIM__K_NAME:
        if (strcmp(s, "memory") != 0 && !mmusim__config_valid_name(s))
            return bad_value(d, key, "not a cache name", s, doc->syntax);
        put_name(v->name, sizeof v->name, s);
        return 0;
    case MMUSIM__K_TNAME:
        if (strcmp(s, o->names[0]) != 0 && !mmusim__config_valid_tlb_name(s))
            return bad_value(d, key, "not a TLB name", s, doc->syntax);
        put_name(v->name, sizeof v->name, s);
        return 0;
    case MMUSIM__K_COUNT:
        if (parse_u64(s, &v->u))
            return bad_value(d, key, "not an unsigned integer", s, doc->syntax);
        if (o->width < 8 && v->u >> (8 * o->width))
            return bad_value(d, key, "out of range", s, doc->syntax);
        return 0;
    case MMUSIM__K_IDBITS:
        if (parse_u64(s, &v->u) || (v->u != 0 && v->u != 8 && v->u != 16))
            return bad_value(d, key, "not a tag width", s, doc->syntax);
        return 0;
    case MMUSIM__K_PSIZES:
        if (parse_psizes(s, &v->u))
            return bad_value(d, key, "not a list of page sizes", s, doc->syntax);
        return 0;
    case MMUSIM__K_XFMT:
        for (int f = 1; mmusim_xlat_format_name(f); f++) {
            if (strcasecmp(s, mmusim_xlat_format_name(f)) == 0) {
                v->u = (uint64_t)f;
                return 0;
            }
        }
        return bad_value(d, key, "unknown translation format", s, doc->syntax);
    case MMUSIM__K_GRANULE:
        if (mmusim_parse_size(s, &v->u) ||
            (v->u != 4096 && v->u != 16384 && v->u != 65536))
            return bad_value(d, key, "not a granule", s, doc->syntax);
        v->u = lg2_of(v->u);
        return 0;
    case MMUSIM__K_PAGE:
        if (mmusim_parse_size(s, &v->u))
            return bad_value(d, key, "not a size", s, doc->syntax);
        if (!mmusim__is_pow2(v->u) || v->u < (1ull << PAGE_LG2_MIN) ||
            v->u > (1ull << PAGE_LG2_MAX))
            return bad_value(d, key, "not a power of two from 1K to 1G", s, doc->syntax);
        v->u = lg2_of(v->u);
        return 0;
    case MMUSIM__K_CORES:
    case MMUSIM__K_VABITS:
    case MMUSIM__K_LATENCY:
    case MMUSIM__K_CYCLES: {
        uint64_t lo, hi;
        int_range(o->kind, &lo, &hi);
        if (parse_dec(s, &v->u))
            return bad_value(d, key, "not a decimal integer", s, doc->syntax);
        if (v->u < lo || v->u > hi)
            return bad_value(d, key, "out of range", s, doc->syntax);
        return 0;
    }
    case MMUSIM__K_CPI:
        if (parse_milli(s, &v->u))
            return bad_value(d, key, "not a decimal number", s, doc->syntax);
        if (v->u < 1 || v->u > MAX_CPI_MILLI)
            return bad_value(d, key, "out of range", s, doc->syntax);
        return 0;
    default:
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: not a value key", key);
    }
}

static void store_value(void *base, const mmusim__opt *o, const val *v)
{
    unsigned char *p = (unsigned char *)base + o->off;
    if (o->kind == MMUSIM__K_NAME || o->kind == MMUSIM__K_TNAME) {
        put_name((char *)p, o->width, v->name);
        return;
    }
    switch (o->width) {
    case 1: {
        uint8_t x = (uint8_t)v->u;
        memcpy(p, &x, 1);
        break;
    }
    case 4: { /* uint32_t fields, and int mmu (0 or 1) */
        uint32_t x = (uint32_t)v->u;
        memcpy(p, &x, 4);
        break;
    }
    case 8:
        memcpy(p, &v->u, 8);
        break;
    default:
        break;
    }
}

static uint64_t load_uint(const void *base, const mmusim__opt *o)
{
    const unsigned char *p = (const unsigned char *)base + o->off;
    switch (o->width) {
    case 1:
        return *p;
    case 4: {
        uint32_t x;
        memcpy(&x, p, 4);
        return x;
    }
    case 8: {
        uint64_t x;
        memcpy(&x, p, 8);
        return x;
    }
    default:
        return 0;
    }
}

/* The text of one value, in the form the parser accepts back. */
static void format_value(const void *base, const mmusim__opt *o, char *buf, size_t len)
{
    if (o->kind == MMUSIM__K_NAME || o->kind == MMUSIM__K_TNAME) {
        const char *s = (const char *)base + o->off;
        snprintf(buf, len, "%.*s", (int)strnlen(s, o->width), s);
        return;
    }
    uint64_t u = load_uint(base, o);
    switch (o->kind) {
    case MMUSIM__K_U64:
    case MMUSIM__K_COUNT:
    case MMUSIM__K_IDBITS:
    case MMUSIM__K_CORES:
    case MMUSIM__K_VABITS:
    case MMUSIM__K_LATENCY:
    case MMUSIM__K_CYCLES:
        snprintf(buf, len, "%" PRIu64, u);
        break;
    case MMUSIM__K_XFMT: {
        /* An unknown format (a hand-built struct) prints as a number, which
         * the parser rejects: validate reports it first. */
        const char *name = u <= INT32_MAX ? mmusim_xlat_format_name((int)u) : NULL;
        if (name)
            snprintf(buf, len, "%s", name);
        else
            snprintf(buf, len, "%" PRIu64, u);
        break;
    }
    case MMUSIM__K_GRANULE:
    case MMUSIM__K_PAGE:
        if (u < 64)
            mmusim_format_size(1ull << u, buf, len);
        else
            snprintf(buf, len, "%" PRIu64, u);
        break;
    case MMUSIM__K_CPI:
        format_milli(u, buf, len);
        break;
    case MMUSIM__K_PSIZES: {
        /* Sizes outside 1K..256T (a hand-built struct) are not printed: the
         * text then differs from the value, and validate reports it first. */
        size_t at = 0;
        if (len)
            buf[0] = '\0';
        for (unsigned n = TLB_LG2_MIN; n <= TLB_LG2_MAX; n++) {
            if (!(u >> n & 1))
                continue;
            char one[16];
            mmusim_format_size(1ull << n, one, sizeof one);
            int w = snprintf(buf + at, len > at ? len - at : 0, "%s%s", at ? "," : "", one);
            if (w < 0 || (size_t)w >= (len > at ? len - at : 0))
                break;
            at += (size_t)w;
        }
        break;
    }
    case MMUSIM__K_BOOL:
        snprintf(buf, len, "%s", u ? "true" : "false");
        break;
    case MMUSIM__K_SIZE:
    case MMUSIM__K_LINE:
        mmusim_format_size(u, buf, len);
        break;
    case MMUSIM__K_WAYS:
        if (u == 0)
            snprintf(buf, len, "full");
        else
            snprintf(buf, len, "%" PRIu64, u);
        break;
    case MMUSIM__K_ENUM: {
        size_t n = 0;
        while (o->names[n])
            n++;
        /* An out-of-range value (a hand-built struct) prints as a number,
         * which the parser rejects: validate reports it first. */
        if (u < n)
            snprintf(buf, len, "%s", o->names[u]);
        else
            snprintf(buf, len, "%" PRIu64, u);
        break;
    }
    default:
        if (len)
            buf[0] = '\0';
        break;
    }
}

/* ---- keys ------------------------------------------------------------- */

/* Edit distance (Levenshtein) of two short strings; large if too long. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 127 || lb > 127)
        return SIZE_MAX;
    size_t prev[128], cur[128];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

/* "unknown key 'caches.l1d.sise' (did you mean 'caches.l1d.size'?)" */
static int unknown_key(mmusim_diag *d, const char *key)
{
    /* For cache keys, suggest with the user's cache name: the second
     * component of the key when it looks like a name. */
    char name[MMUSIM_CACHE_NAME_MAX] = "<name>";
    const char *dot1 = strchr(key, '.');
    if (dot1) {
        const char *dot2 = strchr(dot1 + 1, '.');
        size_t n = dot2 ? (size_t)(dot2 - dot1 - 1) : 0;
        if (n > 0 && n < sizeof name) {
            char tmp[MMUSIM_CACHE_NAME_MAX];
            memcpy(tmp, dot1 + 1, n);
            tmp[n] = '\0';
            if (mmusim__config_valid_name(tmp))
                memcpy(name, tmp, n + 1);
        }
    }
    char best[96] = "";
    size_t bestd = SIZE_MAX;
    for (size_t i = 0; i < NOPTS; i++) {
        char cand[96];
        if (opts[i].kind == MMUSIM__K_REMOVE)
            continue;
        if (opts[i].scope == MMUSIM__OPT_GLOBAL)
            snprintf(cand, sizeof cand, "%s", opts[i].key);
        else
            snprintf(cand, sizeof cand, "%s.%s.%s",
                     opts[i].scope == MMUSIM__OPT_TLB ? "tlbs" : "caches", name, opts[i].key);
        size_t dist = edit_distance(key, cand);
        if (dist < bestd) {
            bestd = dist;
            memcpy(best, cand, sizeof best);
        }
    }
    size_t klen = strlen(key);
    if (bestd > 0 && bestd <= 2 && bestd < klen)
        return mmusim_diag_set(d, -MMUSIM_E_KEY, "unknown key '%.100s' (did you mean '%s'?)", key,
                               best);
    return mmusim_diag_set(d, -MMUSIM_E_KEY, "unknown key '%.100s%s'", key,
                           klen > 100 ? "..." : "");
}

/* A key resolved to its row and, for cache and TLB keys, their name. */
typedef struct keyref {
    const mmusim__opt *opt;
    const mmusim_config_keydoc *doc;
    char cache[MMUSIM_CACHE_NAME_MAX];
} keyref;

static int resolve_key(const char *key, keyref *r, mmusim_diag *d)
{
    memset(r, 0, sizeof *r);
    int tlb = strncmp(key, "tlbs.", 5) == 0;
    if (tlb || strncmp(key, "caches.", 7) == 0) {
        const char *nm = key + (tlb ? 5 : 7);
        const char *dot = strchr(nm, '.');
        size_t n = dot ? (size_t)(dot - nm) : strlen(nm);
        char tmp[MMUSIM_CACHE_NAME_MAX];
        if (n == 0 || n >= sizeof tmp)
            goto badname;
        memcpy(tmp, nm, n);
        tmp[n] = '\0';
        if (tlb ? !mmusim__config_valid_tlb_name(tmp) : !mmusim__config_valid_name(tmp))
            goto badname;
        memcpy(r->cache, tmp, n + 1);
        for (size_t i = 0; i < NOPTS; i++) {
            if (opts[i].scope != (tlb ? MMUSIM__OPT_TLB : MMUSIM__OPT_CACHE))
                continue;
            if ((dot && opts[i].kind != MMUSIM__K_REMOVE && strcmp(dot + 1, opts[i].key) == 0) ||
                (!dot && opts[i].kind == MMUSIM__K_REMOVE)) {
                r->opt = &opts[i];
                r->doc = &docs[i];
                return 0;
            }
        }
        return unknown_key(d, key);
    badname:
        if (tlb)
            return mmusim_diag_set(d, -MMUSIM_E_KEY,
                                   "%.100s: bad TLB name '%.*s' (1 to 15 of a-z, 0-9 and _, "
                                   "not none or walk)",
                                   key, (int)(n > 32 ? 32 : n), nm);
        return mmusim_diag_set(d, -MMUSIM_E_KEY,
                               "%.100s: bad cache name '%.*s' (1 to 15 of a-z, 0-9 and _, "
                               "not memory)",
                               key, (int)(n > 32 ? 32 : n), nm);
    }
    for (size_t i = 0; i < NOPTS; i++) {
        if (opts[i].scope == MMUSIM__OPT_GLOBAL && strcmp(key, opts[i].key) == 0) {
            r->opt = &opts[i];
            r->doc = &docs[i];
            return 0;
        }
    }
    return unknown_key(d, key);
}

int mmusim__config_check_key(const char *key, mmusim_diag *d)
{
    keyref r;
    return resolve_key(key, &r, d);
}

/* A new cache: zeroed, named, then every default of the table applied. */
static int create_cache(mmusim_config *c, const char *name, const char *key, mmusim_diag *d)
{
    if (c->hier.ncaches >= MMUSIM_MAX_CACHES)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "%s: cannot create cache '%s': too many caches (at most %d)", key,
                               name, MMUSIM_MAX_CACHES);
    mmusim_cache_params *p = &c->hier.caches[c->hier.ncaches];
    memset(p, 0, sizeof *p);
    put_name(p->name, sizeof p->name, name);
    for (size_t i = 0; i < NOPTS; i++) {
        if (opts[i].scope != MMUSIM__OPT_CACHE || opts[i].kind == MMUSIM__K_REMOVE)
            continue;
        val v;
        int rc = parse_value(&opts[i], &docs[i], docs[i].pattern, docs[i].dflt, &v, d);
        if (rc) /* a bad default in the table: caught by the tests */
            return rc;
        store_value(p, &opts[i], &v);
    }
    c->hier.ncaches++;
    return (int)c->hier.ncaches - 1;
}

static int remove_cache(mmusim_config *c, const char *name, const char *key, const char *value,
                        const mmusim_config_keydoc *doc, mmusim_diag *d)
{
    if (strcasecmp(value, "none") != 0)
        return bad_value(d, key, "only none removes a cache", value, doc->syntax);
    int i = mmusim__config_find_cache(c, name);
    if (i < 0)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%s: no cache called '%s' to remove", key,
                               name);
    unsigned n = c->hier.ncaches;
    memmove(&c->hier.caches[i], &c->hier.caches[i + 1],
            (n - (unsigned)i - 1) * sizeof c->hier.caches[0]);
    memset(&c->hier.caches[n - 1], 0, sizeof c->hier.caches[0]);
    c->hier.ncaches--;
    return 0;
}

/* A new TLB: zeroed, named, then every default of the table applied. */
static int create_tlb(mmusim_config *c, const char *name, const char *key, mmusim_diag *d)
{
    if (c->ntlbs >= MMUSIM_MAX_TLBS)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "%s: cannot create TLB '%s': too many TLBs (at most %d)", key, name,
                               MMUSIM_MAX_TLBS);
    mmusim_config_tlb *t = &c->tlbs[c->ntlbs];
    memset(t, 0, sizeof *t);
    put_name(t->p.name, sizeof t->p.name, name);
    for (size_t i = 0; i < NOPTS; i++) {
        if (opts[i].scope != MMUSIM__OPT_TLB || opts[i].kind == MMUSIM__K_REMOVE)
            continue;
        val v;
        int rc = parse_value(&opts[i], &docs[i], docs[i].pattern, docs[i].dflt, &v, d);
        if (rc) /* a bad default in the table: caught by the tests */
            return rc;
        store_value(t, &opts[i], &v);
    }
    t->p.seed = c->seed;
    c->ntlbs++;
    return (int)c->ntlbs - 1;
}

static int remove_tlb(mmusim_config *c, const char *name, const char *key, const char *value,
                      const mmusim_config_keydoc *doc, mmusim_diag *d)
{
    if (strcasecmp(value, "none") != 0)
        return bad_value(d, key, "only none removes a TLB", value, doc->syntax);
    int i = mmusim__config_find_tlb(c, name);
    if (i < 0)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%s: no TLB called '%s' to remove", key,
                               name);
    unsigned n = c->ntlbs;
    memmove(&c->tlbs[i], &c->tlbs[i + 1], (n - (unsigned)i - 1) * sizeof c->tlbs[0]);
    memset(&c->tlbs[n - 1], 0, sizeof c->tlbs[0]);
    c->ntlbs--;
    return 0;
}

/* Every copy of the seed follows c->seed. */
static void sync_seeds(mmusim_config *c)
{
    c->hier.seed = c->seed;
    for (unsigned i = 0; i < c->ntlbs && i < MMUSIM_MAX_TLBS; i++)
        c->tlbs[i].p.seed = c->seed;
}

int mmusim_config_set(mmusim_config *c, const char *key, const char *value, mmusim_diag *d)
{
    if (!c || !key || !value)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_set: NULL argument");
    if (c->hier.ncaches > MMUSIM_MAX_CACHES)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "configuration has %u caches (at most %d)",
                               c->hier.ncaches, MMUSIM_MAX_CACHES);
    if (c->ntlbs > MMUSIM_MAX_TLBS)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "configuration has %u TLBs (at most %d)",
                               c->ntlbs, MMUSIM_MAX_TLBS);
    keyref r;
    int rc = resolve_key(key, &r, d);
    if (rc)
        return rc;
    switch (r.opt->kind) {
    case MMUSIM__K_PRESET:
        return mmusim_diag_set(d, -MMUSIM_E_KEY,
                               "preset: only allowed as the first key of a YAML file "
                               "(on the command line, use --preset)");
    case MMUSIM__K_REMOVE:
        if (r.opt->scope == MMUSIM__OPT_TLB)
            return remove_tlb(c, r.cache, key, value, r.doc, d);
        return remove_cache(c, r.cache, key, value, r.doc, d);
    default:
        break;
    }
    val v;
    rc = parse_value(r.opt, r.doc, key, value, &v, d);
    if (rc)
        return rc;
    void *base = c;
    if (r.opt->scope == MMUSIM__OPT_CACHE) {
        int i = mmusim__config_find_cache(c, r.cache);
        if (i < 0)
            i = create_cache(c, r.cache, key, d);
        if (i < 0)
            return i;
        base = &c->hier.caches[i];
    } else if (r.opt->scope == MMUSIM__OPT_TLB) {
        int i = mmusim__config_find_tlb(c, r.cache);
        if (i < 0)
            i = create_tlb(c, r.cache, key, d);
        if (i < 0)
            return i;
        base = &c->tlbs[i];
    }
    store_value(base, r.opt, &v);
    sync_seeds(c);
    return 0;
}

int mmusim_config_set_kv(mmusim_config *c, const char *kv, mmusim_diag *d)
{
    if (!c || !kv)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_set_kv: NULL argument");
    const char *eq = strchr(kv, '=');
    if (!eq)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "'%.100s': expected KEY=VALUE", kv);
    /* Spaces around the key and the value are dropped. */
    const char *k0 = kv, *k1 = eq;
    while (k0 < k1 && isspace((unsigned char)*k0))
        k0++;
    while (k1 > k0 && isspace((unsigned char)k1[-1]))
        k1--;
    const char *v0 = eq + 1, *v1 = eq + strlen(eq);
    while (v0 < v1 && isspace((unsigned char)*v0))
        v0++;
    while (v1 > v0 && isspace((unsigned char)v1[-1]))
        v1--;
    char key[256], value[256];
    if ((size_t)(k1 - k0) >= sizeof key)
        return mmusim_diag_set(d, -MMUSIM_E_KEY, "unknown key '%.64s...' (too long)", k0);
    if ((size_t)(v1 - v0) >= sizeof value)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%.*s: value too long", (int)(k1 - k0), k0);
    memcpy(key, k0, (size_t)(k1 - k0));
    key[k1 - k0] = '\0';
    memcpy(value, v0, (size_t)(v1 - v0));
    value[v1 - v0] = '\0';
    return mmusim_config_set(c, key, value, d);
}

int mmusim_config_get(const mmusim_config *c, const char *key, char *buf, size_t len,
                      mmusim_diag *d)
{
    if (!c || !key || !buf || len == 0)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_get: bad argument");
    keyref r;
    int rc = resolve_key(key, &r, d);
    if (rc)
        return rc;
    const void *base = c;
    char tmp[256];
    switch (r.opt->kind) {
    case MMUSIM__K_PRESET:
        snprintf(tmp, sizeof tmp, "%.*s", (int)strnlen(c->preset, sizeof c->preset), c->preset);
        goto out;
    case MMUSIM__K_REMOVE:
        return mmusim_diag_set(d, -MMUSIM_E_KEY, "%s: not a value key (ask for %s.size, ...)",
                               key, key);
    default:
        break;
    }
    if (r.opt->scope == MMUSIM__OPT_CACHE) {
        int i = mmusim__config_find_cache(c, r.cache);
        if (i < 0)
            return mmusim_diag_set(d, -MMUSIM_E_KEY, "%s: no cache called '%s'", key, r.cache);
        base = &c->hier.caches[i];
    } else if (r.opt->scope == MMUSIM__OPT_TLB) {
        int i = mmusim__config_find_tlb(c, r.cache);
        if (i < 0)
            return mmusim_diag_set(d, -MMUSIM_E_KEY, "%s: no TLB called '%s'", key, r.cache);
        base = &c->tlbs[i];
    }
    format_value(base, r.opt, tmp, sizeof tmp);
out:
    if (strlen(tmp) >= len)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "%s: buffer too small for '%s'", key, tmp);
    memcpy(buf, tmp, strlen(tmp) + 1);
    return 0;
}

int mmusim_config_foreach(const mmusim_config *c, mmusim_config_visit_fn fn, void *ud)
{
    if (!c || !fn)
        return -MMUSIM_E_INVAL;
    char key[64], value[256];
    for (size_t i = 0; i < NOPTS; i++) {
        const mmusim__opt *o = &opts[i];
        if (o->scope != MMUSIM__OPT_GLOBAL || o->kind == MMUSIM__K_PRESET)
            continue;
        format_value(c, o, value, sizeof value);
        int rc = fn(o->key, value, ud);
        if (rc)
            return rc;
    }
    unsigned n = c->hier.ncaches < MMUSIM_MAX_CACHES ? c->hier.ncaches : MMUSIM_MAX_CACHES;
    for (unsigned k = 0; k < n; k++) {
        const mmusim_cache_params *p = &c->hier.caches[k];
        for (size_t i = 0; i < NOPTS; i++) {
            const mmusim__opt *o = &opts[i];
            if (o->scope != MMUSIM__OPT_CACHE || o->kind == MMUSIM__K_REMOVE)
                continue;
            snprintf(key, sizeof key, "caches.%.*s.%s", (int)strnlen(p->name, sizeof p->name),
                     p->name, o->key);
            format_value(p, o, value, sizeof value);
            int rc = fn(key, value, ud);
            if (rc)
                return rc;
        }
    }
    n = c->ntlbs < MMUSIM_MAX_TLBS ? c->ntlbs : MMUSIM_MAX_TLBS;
    for (unsigned k = 0; k < n; k++) {
        const mmusim_config_tlb *t = &c->tlbs[k];
        for (size_t i = 0; i < NOPTS; i++) {
            const mmusim__opt *o = &opts[i];
            if (o->scope != MMUSIM__OPT_TLB || o->kind == MMUSIM__K_REMOVE)
                continue;
            snprintf(key, sizeof key, "tlbs.%.*s.%s",
                     (int)strnlen(t->p.name, sizeof t->p.name), t->p.name, o->key);
            format_value(t, o, value, sizeof value);
            int rc = fn(key, value, ud);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- whole-configuration checks ---------------------------------------- */

static int check_enum(const mmusim_cache_params *p, const char *field, unsigned v,
                      const char *const *names, mmusim_diag *d)
{
    unsigned n = 0;
    while (names[n])
        n++;
    if (v >= n)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s.%s: invalid value %u", p->name,
                               field, v);
    return 0;
}

static int check_cache(const mmusim_cache_params *p, mmusim_diag *d)
{
    char s[32], l[32];
    const char *n = p->name;
    uint64_t size = p->size_bytes;
    uint64_t line = p->line_bytes;
    mmusim_format_size(size, s, sizeof s);
    mmusim_format_size(line, l, sizeof l);
    if (size == 0 || size > MAX_SIZE)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s.size: %s is out of range (1 to 1T)",
                               n, s);
    if (!mmusim__is_pow2(line) || line < 4 || line > MAX_LINE)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.line: %s is not a power of two from 4 to 64K", n, l);
    if (line > size)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.line: a %s-byte line does not fit in a %s cache", n, l,
                               s);
    if (size % line)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %s is not a whole number of %s-byte lines", n, s,
                               l);
    uint64_t lines = size / line;
    if (lines > MAX_LINES)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %s / %s = %" PRIu64
                               " lines, more than 2^31",
                               n, s, l, lines);
    if (p->ways > lines)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.ways: %" PRIu32 " ways but only %" PRIu64
                               " lines (%s / %s)",
                               n, p->ways, lines, s, l);
    uint64_t ways = p->ways ? p->ways : lines;
    if (lines % ways)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %s / %s = %" PRIu64
                               " lines do not divide into %" PRIu64 " ways",
                               n, s, l, lines, ways);
    if (!mmusim__is_pow2(lines / ways))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %s / %s / %" PRIu64 " ways = %" PRIu64
                               " sets, not a power of two",
                               n, s, l, ways, lines / ways);
    int rc;
    if ((rc = check_enum(p, "repl", p->repl, repl_names, d)) ||
        (rc = check_enum(p, "write", p->write, write_names, d)) ||
        (rc = check_enum(p, "alloc", p->alloc, alloc_names, d)) ||
        (rc = check_enum(p, "inclusion", p->inclusion, incl_names, d)) ||
        (rc = check_enum(p, "index", p->indexing, index_names, d)))
        return rc;
    if (p->repl == MMUSIM_REPL_PLRU && (!mmusim__is_pow2(ways) || ways > 64))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.repl: plru needs a power-of-two number of ways, at "
                               "most 64 (not %" PRIu64 ")",
                               n, ways);
    if (p->classify_3c > 1)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s.classify: invalid value %u", n,
                               p->classify_3c);
    return 0;
}

/* 1 if `s`, a field of `width` bytes, holds a terminated string. */
static int terminated(const char *s, size_t width) { return memchr(s, '\0', width) != NULL; }

static int check_link(const mmusim_config *c, const char *key, const char *target,
                      mmusim_diag *d)
{
    if (strcmp(target, "memory") == 0 || mmusim__config_find_cache(c, target) >= 0)
        return 0;
    char list[MMUSIM_MAX_CACHES * (MMUSIM_CACHE_NAME_MAX + 2) + 8] = "";
    for (unsigned i = 0; i < c->hier.ncaches; i++) {
        strcat(list, c->hier.caches[i].name);
        strcat(list, ", ");
    }
    strcat(list, "memory");
    return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%s: no cache called '%s' (known: %s)", key,
                           target, list);
}

static int check_tlb_link(const mmusim_config *c, const char *key, const char *target,
                          const char *word, mmusim_diag *d)
{
    if (strcmp(target, word) == 0 || mmusim__config_find_tlb(c, target) >= 0)
        return 0;
    char list[MMUSIM_MAX_TLBS * (MMUSIM_TLB_NAME_MAX + 2) + 8] = "";
    for (unsigned i = 0; i < c->ntlbs; i++) {
        strcat(list, c->tlbs[i].p.name);
        strcat(list, ", ");
    }
    strcat(list, word);
    return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%s: no TLB called '%s' (known: %s)", key,
                           target, list);
}

/* The TLB part of mmusim_config_validate. */
static int validate_tlbs(const mmusim_config *c, mmusim_diag *d)
{
    unsigned n = c->ntlbs;
    int rc;
    if (n > MMUSIM_MAX_TLBS)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs: %u TLBs, at most %d", n,
                               MMUSIM_MAX_TLBS);
    for (unsigned i = 0; i < n; i++) {
        const mmusim_config_tlb *t = &c->tlbs[i];
        if (!terminated(t->p.name, sizeof t->p.name) || !mmusim__config_valid_tlb_name(t->p.name))
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs: TLB %u has a bad name", i);
        if (mmusim__config_find_tlb(c, t->p.name) != (int)i)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s: defined twice", t->p.name);
        if (!terminated(t->next, sizeof t->next))
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.next: bad name", t->p.name);
    }
    if (!terminated(c->itlb, sizeof c->itlb) || !terminated(c->dtlb, sizeof c->dtlb))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "cpu: bad TLB name");
    /* Each TLB on its own: the checks of mmusim_tlb_new, plus those of the keys. */
    const uint64_t legal = ((UINT64_C(1) << (TLB_LG2_MAX + 1)) - 1) &
                           ~((UINT64_C(1) << TLB_LG2_MIN) - 1);
    for (unsigned i = 0; i < n; i++) {
        const mmusim_tlb_params *p = &c->tlbs[i].p;
        if (!p->page_sizes || (p->page_sizes & ~legal))
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "tlbs.%s.sizes: 0x%" PRIx64
                                   " is not a non-empty set of sizes from 1K to 256T",
                                   p->name, p->page_sizes);
        if (p->combined > 1)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.combined: invalid value %u",
                                   p->name, p->combined);
        if (p->seed != c->seed)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "seed: tlbs.%s seed (%" PRIu64 ") differs from seed (%" PRIu64
                                   ")",
                                   p->name, p->seed, c->seed);
        if ((rc = mmusim_tlb_params_check(p, d)))
            return rc;
    }
    /* Links name TLBs that exist; the entry TLBs translate VAs. */
    char key[64];
    for (unsigned i = 0; i < n; i++) {
        snprintf(key, sizeof key, "tlbs.%s.next", c->tlbs[i].p.name);
        if ((rc = check_tlb_link(c, key, c->tlbs[i].next, "walk", d)))
            return rc;
    }
    if ((rc = check_tlb_link(c, "cpu.itlb", c->itlb, "none", d)) ||
        (rc = check_tlb_link(c, "cpu.dtlb", c->dtlb, "none", d)))
        return rc;
    static const char *const entry_keys[] = {"cpu.itlb", "cpu.dtlb"};
    const char *entries[] = {c->itlb, c->dtlb};
    for (int e = 0; e < 2; e++) {
        int at = mmusim__config_find_tlb(c, entries[e]);
        if (at >= 0 && c->tlbs[at].p.kind != MMUSIM_TLB_KIND_VA)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "%s: '%s' is a TLB of kind %s, not tlb", entry_keys[e],
                                   entries[e], kind_names[c->tlbs[at].p.kind]);
    }
    /* No cycles in next (as for caches). */
    for (unsigned i = 0; i < n; i++) {
        int at = (int)i;
        for (unsigned step = 0; step < n && at >= 0; step++)
            at = mmusim__config_find_tlb(c, c->tlbs[at].next);
        if (at < 0)
            continue;
        char path[MMUSIM_MAX_TLBS * (MMUSIM_TLB_NAME_MAX + 4) + 16];
        int start = at;
        snprintf(path, sizeof path, "%s", c->tlbs[start].p.name);
        do {
            at = mmusim__config_find_tlb(c, c->tlbs[at].next);
            strcat(path, " -> ");
            strcat(path, c->tlbs[at].p.name);
        } while (at != start);
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.next: cycle %s",
                               c->tlbs[start].p.name, path);
    }
    return 0;
}

/* Values of the kinds whose range is narrower than their field (a
 * hand-built struct may hold anything): every key of c in foreach order. */
static int validate_values(const mmusim_config *c, mmusim_diag *d)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const mmusim__opt *o = &opts[i];
        if (o->kind == MMUSIM__K_PRESET || o->kind == MMUSIM__K_REMOVE ||
            o->kind == MMUSIM__K_NAME || o->kind == MMUSIM__K_TNAME)
            continue;
        if (o->scope == MMUSIM__OPT_GLOBAL) {
            uint64_t u = load_uint(c, o);
            if (!stored_value_ok(o, u))
                return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "%s: invalid value %" PRIu64,
                                       o->key, u);
        } else if (o->scope == MMUSIM__OPT_CACHE) {
            for (unsigned k = 0; k < c->hier.ncaches; k++) {
                uint64_t u = load_uint(&c->hier.caches[k], o);
                if (!stored_value_ok(o, u))
                    return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                           "caches.%s.%s: invalid value %" PRIu64,
                                           c->hier.caches[k].name, o->key, u);
            }
        } else {
            for (unsigned k = 0; k < c->ntlbs; k++) {
                uint64_t u = load_uint(&c->tlbs[k], o);
                if (!stored_value_ok(o, u))
                    return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                           "tlbs.%s.%s: invalid value %" PRIu64,
                                           c->tlbs[k].p.name, o->key, u);
            }
        }
    }
    return 0;
}

int mmusim_config_validate(const mmusim_config *c, mmusim_diag *d)
{
    if (!c)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_validate: NULL config");
    const mmusim_hier_params *h = &c->hier;
    unsigned n = h->ncaches;
    int rc;
    if (n > MMUSIM_MAX_CACHES)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches: %u caches, at most %d", n,
                               MMUSIM_MAX_CACHES);
    if (c->mmu != 0 && c->mmu != 1)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "mmu: invalid value %d", c->mmu);
    if (c->hier.seed != c->seed)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "seed: hier.seed (%" PRIu64 ") differs from seed (%" PRIu64 ")",
                               c->hier.seed, c->seed);
    /* Names: terminated, valid, unique (a hand-built struct may break these). */
    for (unsigned i = 0; i < n; i++) {
        const mmusim_cache_params *p = &h->caches[i];
        if (!terminated(p->name, sizeof p->name) || !mmusim__config_valid_name(p->name))
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches: cache %u has a bad name", i);
        if (mmusim__config_find_cache(c, p->name) != (int)i)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s: defined twice", p->name);
        if (!terminated(p->next, sizeof p->next))
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s.next: bad name", p->name);
    }
    if (!terminated(h->ientry, sizeof h->ientry) || !terminated(h->dentry, sizeof h->dentry))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "cpu: bad cache name");
    /* Each cache on its own. */
    for (unsigned i = 0; i < n; i++)
        if ((rc = check_cache(&h->caches[i], d)))
            return rc;
    /* Links name caches that exist. */
    char key[64];
    for (unsigned i = 0; i < n; i++) {
        snprintf(key, sizeof key, "caches.%s.next", h->caches[i].name);
        if ((rc = check_link(c, key, h->caches[i].next, d)))
            return rc;
    }
    if (!terminated(c->cpu.walk_from, sizeof c->cpu.walk_from))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "cpu.walk_from: bad name");
    if ((rc = check_link(c, "cpu.icache", h->ientry, d)) ||
        (rc = check_link(c, "cpu.dcache", h->dentry, d)) ||
        (rc = check_link(c, "cpu.walk_from", c->cpu.walk_from, d)))
        return rc;
    /* No cycles: from any cache, memory is reached within n steps. A cache
     * still not there after n steps is on a cycle, or leads into one; n
     * more steps from it land on the cycle, which is then printed. */
    for (unsigned i = 0; i < n; i++) {
        int at = (int)i;
        for (unsigned step = 0; step < n && at >= 0; step++)
            at = mmusim__config_find_cache(c, h->caches[at].next);
        if (at < 0)
            continue;
        char path[MMUSIM_MAX_CACHES * (MMUSIM_CACHE_NAME_MAX + 4) + 16];
        int start = at;
        snprintf(path, sizeof path, "%s", h->caches[start].name);
        do {
            at = mmusim__config_find_cache(c, h->caches[at].next);
            strcat(path, " -> ");
            strcat(path, h->caches[at].name);
        } while (at != start);
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s.next: cycle %s",
                               h->caches[start].name, path);
    }
    /* inclusive and exclusive describe a relation to a level above. */
    for (unsigned i = 0; i < n; i++) {
        const mmusim_cache_params *p = &h->caches[i];
        if (p->inclusion == MMUSIM_INCL_NINE)
            continue;
        int above = 0;
        for (unsigned j = 0; j < n; j++)
            above |= strcmp(h->caches[j].next, p->name) == 0;
        if (!above)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "caches.%s.inclusion: %s needs a level above it (no cache "
                                   "has next: %s)",
                                   p->name, incl_names[p->inclusion], p->name);
    }
    if ((rc = validate_tlbs(c, d)))
        return rc;
    return validate_values(c, d);
}
