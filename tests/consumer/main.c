/* SPDX-License-Identifier: MIT */
/* A user of the installed libmmusim: builds the default hierarchy and replays a few accesses. */
#include <stdio.h>
#include <string.h>
#include <mmusim.h>

int main(void)
{
    mmusim_config cfg;
    mmusim_diag d;
    mmusim_hier *h;
    mmusim_config_init(&cfg);
    if (mmusim_config_set(&cfg, "caches.l1d.size", "16K", &d) || mmusim_hier_new(&h, &cfg.hier, &d)) {
        fprintf(stderr, "%s\n", d.msg);
        return 1;
    }
    mmusim_rec recs[3];
    memset(recs, 0, sizeof recs);
    for (int i = 0; i < 3; i++) {
        recs[i].va = 0x1000 + 4 * (uint64_t)i;
        recs[i].size = 4;
        recs[i].kind = MMUSIM_REC_READ;
    }
    mmusim_hier_run(h, recs, 3);
    const mmusim_cache_stats *s = mmusim_hier_stats(h, (unsigned)mmusim_hier_find(h, "l1d"));
    printf("mmusim %s: %llu reads, %llu misses\n", mmusim_version(),
           (unsigned long long)s->access[MMUSIM_A_READ], (unsigned long long)s->miss[MMUSIM_A_READ]);
    int ok = s->access[MMUSIM_A_READ] == 3 && s->miss[MMUSIM_A_READ] == 1;
    mmusim_hier_free(h);
    return ok ? 0 : 1;
}
