/* SPDX-License-Identifier: MIT */
/* Internal interface of the TLBs for the core (lib/cpu): a hit found without a search. */
#ifndef MMUSIM_TLB_INTERNAL_H
#define MMUSIM_TLB_INTERNAL_H

#include "mmusim/tlb.h"

/*
 * The core remembers, per TLB, which entry served each recent page and
 * checks that entry first. If `e` (an entry of t, from an earlier
 * lookup) matches the lookup's tags, this records the hit exactly as
 * mmusim_tlb_lookup would (replacement state, counters, the last-hit
 * entry) and returns e; otherwise it changes nothing and returns NULL
 * (the caller then calls mmusim_tlb_lookup). A TLB holds at most one
 * entry matching a lookup (fills replace the entry with the same tag),
 * so the entry found is the one a search would find.
 */
const mmusim_tlb_entry *mmusim__tlb_hit(mmusim_tlb *t, const mmusim_tlb_entry *e, uint64_t addr,
                                        uint16_t asid, uint16_t vmid, unsigned regime,
                                        unsigned access);

/* Marks the maintenance that follows as a context-switch policy's (on) or
 * not: the translations it removes are remembered, and a later miss on
 * one counts in mmusim_tlb_stats.switch_misses. */
void mmusim__tlb_track_policy(mmusim_tlb *t, int on);

#endif
