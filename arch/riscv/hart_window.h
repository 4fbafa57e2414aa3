/* SPDX-License-Identifier: MIT */
/*
 * Hart masks as the SBI takes them. An SBI call that names harts (IPI,
 * RFENCE) takes hart_mask and hart_mask_base: bit i of the mask is hart
 * id base + i, so one call reaches any harts whose ids lie within 64 of
 * each other. The kernel's masks are of dense hart indices (docs/smp.md,
 * "Which harts"); hart ids may be sparse and far apart. Pure: no SBI call
 * here, so the host unit test (tests/unit/test_hart_window.c) runs it.
 */
#ifndef ARCH_RISCV_HART_WINDOW_H
#define ARCH_RISCV_HART_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

/* One SBI call's harts: ids base + i for each bit i of mask. */
struct hart_window {
	unsigned long mask;
	unsigned long base;
};

/*
 * Takes from *left (a mask of dense hart indices; ids[i] is index i's
 * hart id) the indices of the next window: base is the lowest id still
 * in *left, mask every id of *left within 64 of it. Returns false, with
 * nothing written, once *left is empty. So a mask whose ids span less
 * than 64 is one window; each further window starts past the last.
 */
bool hart_window_next(uint64_t *left, const uint32_t ids[64],
		      struct hart_window *w);

#endif
