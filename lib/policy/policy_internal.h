/* SPDX-License-Identifier: MIT */
/* The policies defined in their own files, for the registry in policy.c. */
#ifndef MMUSIM_POLICY_INTERNAL_H
#define MMUSIM_POLICY_INTERNAL_H

#include "mmusim/policy.h"

extern const mmusim_policy_ops mmusim__policy_fass; /* fass.c */

#endif
