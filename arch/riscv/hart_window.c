// SPDX-License-Identifier: MIT
/* Hart-index masks cut into SBI hart_mask windows; see hart_window.h. */
#include "arch/riscv/hart_window.h"

bool hart_window_next(uint64_t *left, const uint32_t ids[64],
		      struct hart_window *w)
{
	uint64_t m = *left, t, taken = 0;
	uint32_t base = UINT32_MAX;
	unsigned i;

	if (!m)
		return false;
	/* Up to the highest index set only: a few steps on a small machine,
	 * where this runs on every remote fence. */
	for (i = 0, t = m; t; i++, t >>= 1)
		if (t & 1 && ids[i] < base)
			base = ids[i];
	w->base = base;
	w->mask = 0;
	for (i = 0, t = m; t; i++, t >>= 1)
		if (t & 1 && ids[i] - base < 64) {
			w->mask |= 1UL << (ids[i] - base);
			taken |= 1UL << i;
		}
	*left = m & ~taken;
	return true;
}
