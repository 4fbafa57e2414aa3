// SPDX-License-Identifier: MIT
/* The lazy FP switch: FP registers move only for domains that use FP. */
#include "kernel/sched/sched_core.h"

__attribute__((noinline)) void fpu_switch(struct domain *prev,
					  struct domain *next)
{
	if (prev && arch_fp_dirty(&prev->ctx))
		arch_fp_save(&prev->ctx, prev->fp);
	if (next && next != prev && arch_fp_used(&next->ctx))
		arch_fp_restore(next->fp);
}
