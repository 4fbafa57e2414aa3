// SPDX-License-Identifier: MIT
/* The big kernel lock's word (bkl.h), at the start of a cache line. */
#include "kernel/sched/bkl.h"

struct bkl bkl __attribute__((aligned(64)));

uint8_t bkl_alone;

void bkl_init(unsigned harts)
{
#ifdef CONFIG_FAST_BKL_ALONE
	bkl_alone = harts == 1;
#else
	(void)harts;
#endif
}
