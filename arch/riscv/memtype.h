/* SPDX-License-Identifier: MIT */
/*
 * Where page-table leaves get their memory type (pte.h, "Memory types"):
 * from the PMAs (standard), or from PTE bits 63-59 (T-Head XTheadMae).
 * Chosen once at boot, before the kernel's page table is built.
 */
#ifndef ARCH_RISCV_MEMTYPE_H
#define ARCH_RISCV_MEMTYPE_H

#include <stdbool.h>

enum memtype_mode {
	MEMTYPE_PMA,	   /* leaves carry no type bits */
	MEMTYPE_XTHEADMAE, /* leaves carry C|B|SH (RAM) or SO|SH (devices) */
};

/* Sets pte_mt_normal and pte_mt_device for mode m. */
void memtype_set(enum memtype_mode m);
enum memtype_mode memtype_mode(void);

/*
 * memtype_probe.c: decides the mode for this machine and sets it, with
 * one log line when it matters. thead_c9xx: the device tree names T-Head
 * C9xx cores (struct machine). Only then is the hart asked: the firmware
 * must report T-Head's mvendorid (0x5b7) with marchid and mimpid 0 (the
 * C906/C910/C920 generation; later cores implement the standard Svpbmt),
 * and then the custom CSR sxstatus (0x5c0) says whether MAEE (bit 21) is
 * on. Returns the mode chosen.
 */
enum memtype_mode arch_memtype_init(bool thead_c9xx);

#endif
