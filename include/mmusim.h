/* SPDX-License-Identifier: MIT */
/* mmusim: the umbrella header of libmmusim, a trace-driven ARM MMU/TLB/cache simulator. */
#ifndef MMUSIM_H
#define MMUSIM_H

#include "mmusim/core.h"
#include "mmusim/mem.h"
#include "mmusim/trace.h"
#include "mmusim/cache.h"
#include "mmusim/config.h"
#include "mmusim/stats.h"
#include "mmusim/xlat.h"
#include "mmusim/build.h"
#include "mmusim/tlb.h"
#include "mmusim/fold.h"
#include "mmusim/cpu.h"
#include "mmusim/policy.h"
#include "mmusim/os.h"
#include "mmusim/gen.h"

#endif
