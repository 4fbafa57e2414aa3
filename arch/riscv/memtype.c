// SPDX-License-Identifier: MIT
/*
 * The memory-type bits of page-table leaves (pte.h): none on standard
 * hardware, the XTheadMae bits on T-Head C9xx cores that have it on.
 * Pure: the probe that decides is memtype_probe.c.
 *
 * XTheadMae's leaf bits 63-59 are SO (strong order), C (cacheable), B
 * (bufferable), SH (shareable), Sec (trustable). RAM gets C|B|SH
 * (weakly ordered, cacheable: the PMA type), device registers SO|SH
 * (strongly ordered, neither cached nor buffered), as T-Head's C906/C910
 * manuals and Linux's T-Head support define them.
 */
#include "arch/riscv/memtype.h"

#include "arch/riscv/pte.h"

#define MAE_SO (1UL << 63)
#define MAE_C  (1UL << 62)
#define MAE_B  (1UL << 61)
#define MAE_SH (1UL << 60)

uint64_t pte_mt_normal, pte_mt_device;
static enum memtype_mode mode;

void memtype_set(enum memtype_mode m)
{
	mode = m;
	if (m == MEMTYPE_XTHEADMAE) {
		pte_mt_normal = MAE_C | MAE_B | MAE_SH;
		pte_mt_device = MAE_SO | MAE_SH;
	} else {
		pte_mt_normal = 0;
		pte_mt_device = 0;
	}
}

enum memtype_mode memtype_mode(void)
{
	return mode;
}
