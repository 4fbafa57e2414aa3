// SPDX-License-Identifier: MIT
/* The big kernel lock's word (bkl.h), at the start of a cache line. */
#include "kernel/sched/bkl.h"

struct bkl bkl __attribute__((aligned(64)));
