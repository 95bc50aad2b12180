/* SPDX-License-Identifier: MIT */
/* Simulated physical memory: a sparse radix tree of 4 KiB pages behind a direct-mapped cache. */
/*
 * The structure
 * -------------
 * A physical address is a page frame number (pfn = pa >> 12, at most 40
 * bits for a 52-bit PA) and an offset in its 4 KiB page. The pfn indexes
 * a radix tree of `levels` levels (2 for a 32-bit PA, 4 for 48 to 52
 * bits). Every node below the root has 1024 slots (10 pfn bits, 8 KiB);
 * the root has only as many as the top bits need (2^root_bits, 1 to
 * 1024). Slots of inner nodes point to the next node, slots of the last
 * level ("leaf tables") to the 4096 bytes of a page; NULL means nothing
 * below was ever written, which reads as zero.
 *
 *     pfn = [ root index | 10 bits | ... | leaf-table index (10 bits) ]
 *
 * Walking the tree costs one dependent load per level, so in front of it
 * sits the page cache: a direct-mapped cache of PC_SIZE (pfn, page)
 * pairs indexed by the low pfn bits. The descriptor reads of a walk
 * touch a handful of table pages (one per level, in frames a frame
 * allocator hands out close together), so a repeat read is a compare and
 * two loads. This is the "last page looked up" generalised to the last 64.
 *
 * Invariants
 * ----------
 *  - A page-cache entry (pfn, page) with pfn != NO_PFN has page ==
 *    tree_lookup(pfn), NULL included (so repeated reads of unwritten
 *    memory, such as walks of empty tables, are fast too). It holds
 *    because pages are never freed or moved until mmusim_mem_free, and
 *    alloc_page, the one place a page appears, rewrites the entry of its
 *    pfn. Without that rewrite a read after the first write to a page
 *    would still see zeros; if pages could be freed, every free would
 *    have to invalidate its entry.
 *  - storage == pages * 4096 + (nodes below the root) * 8192 + root size,
 *    and storage <= limit once anything beyond the root is allocated:
 *    alloc_page counts the nodes a new page needs before allocating
 *    anything, so a failing allocation leaves the tree unchanged.
 *  - A page exists only if some non-zero byte was written to it (writes
 *    of zeros to absent pages are skipped), so a never-written address
 *    reads as zero without allocating, and zero-filling stays free.
 *  - pa_end = 2^pa_bits >= 2^32, so `pa > pa_end - n` is the whole range
 *    check of an n-byte access (n <= 8) with no overflow.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmusim/mem.h"

#define PAGE_SHIFT 12
#define PAGE_BYTES ((uint64_t)MMUSIM_MEM_PAGE_BYTES)
#define PAGE_MASK (PAGE_BYTES - 1)
#define NODE_BITS 10u
#define NODE_SLOTS (1u << NODE_BITS)
#define SLOT_MASK ((uint64_t)NODE_SLOTS - 1)
#define NODE_BYTES ((uint64_t)NODE_SLOTS * sizeof(void *))
#define MAX_LEVELS 4 /* ceil((52 - 12) / 10) */
#define PC_BITS 6u
#define PC_SIZE (1u << PC_BITS)
#define NO_PFN UINT64_MAX /* no pfn is this large */
#define LOAD_CHUNK (64u * 1024u)

typedef struct pc_entry {
    uint64_t pfn;
    uint8_t *page;
} pc_entry;

struct mmusim_mem {
    pc_entry pc[PC_SIZE];  /* page cache; first, the hot data */
    uint64_t pa_end;       /* 2^pa_bits */
    void **root;
    unsigned top_shift;    /* pfn shift of the root's index: NODE_BITS * (levels - 1) */
    unsigned root_slots;
    unsigned pa_bits;
    int big;               /* big-endian word accessors */
    uint64_t pages;
    uint64_t storage;      /* bytes counted against limit (see invariants) */
    uint64_t limit;
};

/* ------------------------------------------------------------------ */
/* byte order */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG 1
#else
#define HOST_BIG 0
#endif

/* n = 1, 2, 4 or 8, a constant after inlining: one load or store, and a
 * byte swap when the memory's order is not the host's. */
static inline uint64_t load_n(const uint8_t *p, unsigned n, int big)
{
    int swap = big != HOST_BIG;
    switch (n) {
    case 1:
        return p[0];
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return swap ? __builtin_bswap16(v) : v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return swap ? __builtin_bswap32(v) : v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return swap ? __builtin_bswap64(v) : v;
    }
    }
}

static inline void store_n(uint8_t *p, uint64_t v, unsigned n, int big)
{
    int swap = big != HOST_BIG;
    switch (n) {
    case 1:
        p[0] = (uint8_t)v;
        break;
    case 2: {
        uint16_t w = swap ? __builtin_bswap16((uint16_t)v) : (uint16_t)v;
        memcpy(p, &w, 2);
        break;
    }
    case 4: {
        uint32_t w = swap ? __builtin_bswap32((uint32_t)v) : (uint32_t)v;
        memcpy(p, &w, 4);
        break;
    }
    default: {
        uint64_t w = swap ? __builtin_bswap64(v) : v;
        memcpy(p, &w, 8);
        break;
    }
    }
}

/* ------------------------------------------------------------------ */
/* the tree */

/* The page of `pfn`, or NULL if it was never allocated. */
static uint8_t *tree_lookup(const mmusim_mem *m, uint64_t pfn)
{
    void **t = m->root;
    for (unsigned sh = m->top_shift; sh; sh -= NODE_BITS) {
        t = t[(pfn >> sh) & SLOT_MASK];
        if (!t)
            return NULL;
    }
    return t[pfn & SLOT_MASK];
}

/* The page of `pfn` or NULL, through the page cache (which remembers
 * absent pages too: see the invariants). */
static inline uint8_t *page_of(mmusim_mem *m, uint64_t pfn)
{
    pc_entry *e = &m->pc[pfn & (PC_SIZE - 1)];
    if (e->pfn != pfn) {
        e->pfn = pfn;
        e->page = tree_lookup(m, pfn);
    }
    return e->page;
}

static char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
    mmusim_format_size(bytes, buf, len);
    return buf;
}

/* Allocates the zeroed page of `pfn` (absent) and the nodes above it. */
static int alloc_page(mmusim_mem *m, uint64_t pfn, uint8_t **out, mmusim_diag *d)
{
    /* How many nodes are missing: if the slot of the node indexed with
     * shift `sh` is empty, the nodes indexed with shifts sh-10, ..., 0
     * are missing, sh / 10 of them. */
    unsigned missing = 0;
    void **t = m->root;
    for (unsigned sh = m->top_shift; sh; sh -= NODE_BITS) {
        void **next = t[(pfn >> sh) & SLOT_MASK];
        if (!next) {
            missing = sh / NODE_BITS;
            break;
        }
        t = next;
    }
    uint64_t need = PAGE_BYTES + missing * NODE_BYTES;
    if (m->storage > m->limit || need > m->limit - m->storage) {
        char a[32], b[32];
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM,
                               "physical memory limit of %s bytes reached: the page at PA 0x%" PRIx64
                               " needs %" PRIu64 " more bytes (%" PRIu64 " pages, %s bytes in use)",
                               fmt_size(m->limit, a, sizeof a), pfn << PAGE_SHIFT, need, m->pages,
                               fmt_size(m->storage, b, sizeof b));
    }
    void *fresh[MAX_LEVELS] = {NULL};
    uint8_t *page = calloc(1, PAGE_BYTES);
    int ok = page != NULL;
    for (unsigned i = 0; i < missing; i++)
        ok &= (fresh[i] = calloc(NODE_SLOTS, sizeof(void *))) != NULL;
    if (!ok) {
        free(page);
        for (unsigned i = 0; i < missing; i++)
            free(fresh[i]);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory for the page at PA 0x%" PRIx64,
                               pfn << PAGE_SHIFT);
    }
    unsigned k = 0;
    t = m->root;
    for (unsigned sh = m->top_shift; sh; sh -= NODE_BITS) {
        void **slot = &t[(pfn >> sh) & SLOT_MASK];
        if (!*slot)
            *slot = fresh[k++];
        t = *slot;
    }
    t[pfn & SLOT_MASK] = page;
    m->pages++;
    m->storage += need;
    pc_entry *e = &m->pc[pfn & (PC_SIZE - 1)];
    e->pfn = pfn;
    e->page = page;
    *out = page;
    return 0;
}

static void free_node(void **node, unsigned slots, unsigned sh)
{
    for (unsigned i = 0; i < slots; i++) {
        if (!node[i])
            continue;
        if (sh)
            free_node(node[i], NODE_SLOTS, sh - NODE_BITS);
        else
            free(node[i]); /* a page */
    }
    free(node);
}

/* ------------------------------------------------------------------ */
/* lifetime */

int mmusim_mem_new(mmusim_mem **out, const mmusim_mem_params *p, mmusim_diag *d)
{
    *out = NULL;
    mmusim_mem_params dp = {0};
    if (!p)
        p = &dp;
    unsigned bits = p->pa_bits ? p->pa_bits : MMUSIM_MEM_PA_BITS_MAX;
    if (bits < MMUSIM_MEM_PA_BITS_MIN || bits > MMUSIM_MEM_PA_BITS_MAX)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "physical address size of %u bits is not in %u..%u", bits,
                               MMUSIM_MEM_PA_BITS_MIN, MMUSIM_MEM_PA_BITS_MAX);
    mmusim_mem *m = calloc(1, sizeof *m);
    if (!m)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory");
    unsigned pfn_bits = bits - PAGE_SHIFT;
    unsigned levels = (pfn_bits + NODE_BITS - 1) / NODE_BITS;
    m->top_shift = NODE_BITS * (levels - 1);
    m->root_slots = 1u << (pfn_bits - m->top_shift);
    m->root = calloc(m->root_slots, sizeof(void *));
    if (!m->root) {
        free(m);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory");
    }
    m->pa_bits = bits;
    m->pa_end = (uint64_t)1 << bits;
    m->big = p->big_endian != 0;
    m->limit = p->limit_bytes ? p->limit_bytes : MMUSIM_MEM_DEFAULT_LIMIT_BYTES;
    m->storage = (uint64_t)m->root_slots * sizeof(void *);
    for (unsigned i = 0; i < PC_SIZE; i++)
        m->pc[i].pfn = NO_PFN;
    *out = m;
    return 0;
}

void mmusim_mem_free(mmusim_mem *m)
{
    if (!m)
        return;
    free_node(m->root, m->root_slots, m->top_shift);
    free(m);
}

/* ------------------------------------------------------------------ */
/* accesses */

static int range_error(const mmusim_mem *m, uint64_t pa, uint64_t len, mmusim_diag *d)
{
    return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                           "PA 0x%" PRIx64 " + %" PRIu64
                           " bytes: beyond the %u-bit physical address space (which ends at 0x%" PRIx64
                           ")",
                           pa, len, m->pa_bits, m->pa_end);
}

static inline int check_range(const mmusim_mem *m, uint64_t pa, uint64_t len, mmusim_diag *d)
{
    if (pa >= m->pa_end || len > m->pa_end - pa)
        return range_error(m, pa, len, d);
    return 0;
}

/* An n-byte word access (n = 1, 2, 4, 8), inlined with n constant. */
static inline int get(mmusim_mem *m, uint64_t pa, unsigned n, uint64_t *v, mmusim_diag *d)
{
    *v = 0;
    if (pa > m->pa_end - n)
        return range_error(m, pa, n, d);
    uint64_t off = pa & PAGE_MASK;
    if (off > PAGE_BYTES - n) { /* crosses into the next page */
        uint8_t buf[8];
        int rc = mmusim_mem_read(m, pa, buf, n, d);
        if (!rc)
            *v = load_n(buf, n, m->big);
        return rc;
    }
    const uint8_t *p = page_of(m, pa >> PAGE_SHIFT);
    if (p)
        *v = load_n(p + off, n, m->big);
    return 0;
}

static inline int put(mmusim_mem *m, uint64_t pa, unsigned n, uint64_t v, mmusim_diag *d)
{
    if (pa > m->pa_end - n)
        return range_error(m, pa, n, d);
    uint64_t off = pa & PAGE_MASK;
    if (off > PAGE_BYTES - n) {
        uint8_t buf[8];
        store_n(buf, v, n, m->big);
        return mmusim_mem_write(m, pa, buf, n, d);
    }
    uint8_t *p = page_of(m, pa >> PAGE_SHIFT);
    if (!p) {
        if (!v)
            return 0; /* already reads as zero */
        int rc = alloc_page(m, pa >> PAGE_SHIFT, &p, d);
        if (rc)
            return rc;
    }
    store_n(p + off, v, n, m->big);
    return 0;
}

int mmusim_mem_read8(mmusim_mem *m, uint64_t pa, uint8_t *out, mmusim_diag *d)
{
    uint64_t v;
    int rc = get(m, pa, 1, &v, d);
    *out = (uint8_t)v;
    return rc;
}

int mmusim_mem_read16(mmusim_mem *m, uint64_t pa, uint16_t *out, mmusim_diag *d)
{
    uint64_t v;
    int rc = get(m, pa, 2, &v, d);
    *out = (uint16_t)v;
    return rc;
}

int mmusim_mem_read32(mmusim_mem *m, uint64_t pa, uint32_t *out, mmusim_diag *d)
{
    uint64_t v;
    int rc = get(m, pa, 4, &v, d);
    *out = (uint32_t)v;
    return rc;
}

int mmusim_mem_read64(mmusim_mem *m, uint64_t pa, uint64_t *out, mmusim_diag *d)
{
    return get(m, pa, 8, out, d);
}

int mmusim_mem_write8(mmusim_mem *m, uint64_t pa, uint8_t v, mmusim_diag *d)
{
    return put(m, pa, 1, v, d);
}

int mmusim_mem_write16(mmusim_mem *m, uint64_t pa, uint16_t v, mmusim_diag *d)
{
    return put(m, pa, 2, v, d);
}

int mmusim_mem_write32(mmusim_mem *m, uint64_t pa, uint32_t v, mmusim_diag *d)
{
    return put(m, pa, 4, v, d);
}

int mmusim_mem_write64(mmusim_mem *m, uint64_t pa, uint64_t v, mmusim_diag *d)
{
    return put(m, pa, 8, v, d);
}

int mmusim_mem_port_read(void *mem, uint64_t pa, unsigned bytes, uint64_t *value)
{
    mmusim_mem *m = mem;
    switch (bytes) {
    case 1: return get(m, pa, 1, value, NULL);
    case 2: return get(m, pa, 2, value, NULL);
    case 4: return get(m, pa, 4, value, NULL);
    case 8: return get(m, pa, 8, value, NULL);
    default: *value = 0; return -MMUSIM_E_INVAL;
    }
}

int mmusim_mem_read(mmusim_mem *m, uint64_t pa, void *buf, size_t len, mmusim_diag *d)
{
    if (!len)
        return 0;
    int rc = check_range(m, pa, len, d);
    if (rc)
        return rc;
    uint8_t *dst = buf;
    while (len) {
        uint64_t off = pa & PAGE_MASK;
        size_t chunk = PAGE_BYTES - off < len ? (size_t)(PAGE_BYTES - off) : len;
        const uint8_t *p = page_of(m, pa >> PAGE_SHIFT);
        if (p)
            memcpy(dst, p + off, chunk);
        else
            memset(dst, 0, chunk);
        dst += chunk;
        pa += chunk;
        len -= chunk;
    }
    return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
    return p[0] == 0 && (n == 1 || memcmp(p, p + 1, n - 1) == 0);
}

int mmusim_mem_write(mmusim_mem *m, uint64_t pa, const void *buf, size_t len, mmusim_diag *d)
{
    if (!len)
        return 0;
    int rc = check_range(m, pa, len, d);
    if (rc)
        return rc;
    const uint8_t *src = buf;
    while (len) {
        uint64_t off = pa & PAGE_MASK;
        size_t chunk = PAGE_BYTES - off < len ? (size_t)(PAGE_BYTES - off) : len;
        uint8_t *p = page_of(m, pa >> PAGE_SHIFT);
        if (!p && !all_zero(src, chunk) && (rc = alloc_page(m, pa >> PAGE_SHIFT, &p, d)))
            return rc;
        if (p)
            memcpy(p + off, src, chunk);
        src += chunk;
        pa += chunk;
        len -= chunk;
    }
    return 0;
}

int mmusim_mem_zero(mmusim_mem *m, uint64_t pa, uint64_t len, mmusim_diag *d)
{
    if (!len)
        return 0;
    int rc = check_range(m, pa, len, d);
    if (rc)
        return rc;
    while (len) {
        uint64_t off = pa & PAGE_MASK;
        uint64_t chunk = PAGE_BYTES - off < len ? PAGE_BYTES - off : len;
        uint8_t *p = page_of(m, pa >> PAGE_SHIFT);
        if (p)
            memset(p + off, 0, (size_t)chunk);
        pa += chunk;
        len -= chunk;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* images */

int mmusim_mem_load_file(mmusim_mem *m, const char *path, uint64_t pa, mmusim_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: is a directory", path);
        }
        /* A regular file's size is known: refuse before writing anything. */
        uint64_t size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
        if (pa >= m->pa_end || size > m->pa_end - pa) {
            fclose(f);
            return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                                   "%s: %" PRIu64 " bytes at PA 0x%" PRIx64
                                   " do not fit in the %u-bit physical address space (which ends at "
                                   "0x%" PRIx64 ")",
                                   path, size, pa, m->pa_bits, m->pa_end);
        }
    }
    uint8_t *buf = malloc(LOAD_CHUNK);
    if (!buf) {
        fclose(f);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of host memory", path);
    }
    int rc = 0;
    uint64_t off = 0;
    for (;;) {
        size_t got = fread(buf, 1, LOAD_CHUNK, f);
        /* Page by page, so an error names the exact file offset. */
        for (size_t done = 0; done < got && !rc;) {
            mmusim_diag sub;
            mmusim_diag_clear(&sub);
            uint64_t at = pa + off;
            size_t piece = got - done;
            /* Files that are not regular (pipes) are checked as they come. */
            if (pa >= m->pa_end || off > m->pa_end - pa || piece > m->pa_end - at) {
                rc = range_error(m, pa, off + piece, &sub);
            } else {
                if (piece > PAGE_BYTES - (at & PAGE_MASK))
                    piece = (size_t)(PAGE_BYTES - (at & PAGE_MASK));
                rc = mmusim_mem_write(m, at, buf + done, piece, &sub);
            }
            if (rc)
                mmusim_diag_set(d, rc, "%s: offset %" PRIu64 ": %s", path, off, sub.msg);
            done += piece;
            off += piece;
        }
        if (rc)
            break;
        if (got < LOAD_CHUNK) {
            if (ferror(f))
                rc = mmusim_diag_set(d, -MMUSIM_E_IO, "%s: read error at offset %" PRIu64 ": %s",
                                     path, off, strerror(errno));
            break;
        }
    }
    free(buf);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ */
/* introspection */

unsigned mmusim_mem_pa_bits(const mmusim_mem *m) { return m->pa_bits; }
int mmusim_mem_big_endian(const mmusim_mem *m) { return m->big; }
uint64_t mmusim_mem_pages(const mmusim_mem *m) { return m->pages; }
uint64_t mmusim_mem_storage_bytes(const mmusim_mem *m) { return m->storage; }
uint64_t mmusim_mem_limit_bytes(const mmusim_mem *m) { return m->limit; }

/* The lowest present pfn >= from under `node`, which covers the pfns
 * from `base` on, its slot i those from base + (i << sh). */
static int next_in(void *const *node, unsigned slots, unsigned sh, uint64_t base, uint64_t from,
                   uint64_t *found)
{
    uint64_t i = from > base ? (from - base) >> sh : 0;
    for (; i < slots; i++) {
        if (!node[i])
            continue;
        uint64_t child = base + (i << sh);
        if (!sh) {
            *found = child;
            return 1;
        }
        if (next_in(node[i], NODE_SLOTS, sh - NODE_BITS, child, from, found))
            return 1;
    }
    return 0;
}

int mmusim_mem_next_page(const mmusim_mem *m, uint64_t pa, uint64_t *page_pa, const uint8_t **data)
{
    if (pa >= m->pa_end)
        return 0;
    uint64_t pfn;
    if (!next_in(m->root, m->root_slots, m->top_shift, 0, pa >> PAGE_SHIFT, &pfn))
        return 0;
    *page_pa = pfn << PAGE_SHIFT;
    if (data)
        *data = tree_lookup(m, pfn);
    return 1;
}
