/* SPDX-License-Identifier: MIT */
/*
 * Where the loaders put the boot inputs (kernel image, device tree,
 * initramfs) against RAM, the firmware's reserved regions and each other.
 * A loader that places two of them on top of each other leaves one
 * overwritten (QEMU's initrd under fw_jump's fixed tree address at 64M),
 * so the kernel checks the layout before it reads any of them beyond the
 * tree's header. Pure, host-testable.
 */
#ifndef KERNEL_BOOTLAYOUT_H
#define KERNEL_BOOTLAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/boot/machine.h"

struct boot_input {
	const char *what; /* "kernel image", "device tree", ... */
	uint64_t base, size;
};

enum bootlayout_kind {
	BOOTLAYOUT_OUTSIDE_RAM, /* a is not wholly inside RAM */
	BOOTLAYOUT_OVERLAP,	/* a and b share bytes */
};

struct bootlayout_problem {
	enum bootlayout_kind kind;
	struct boot_input a, b; /* b: the other input or reserved region */
};

#define BOOTLAYOUT_MAX_PROBLEMS 8

/*
 * Checks the inputs (n of them; a size of 0 means absent) against m's RAM
 * and reserved ranges and against each other. A /reserved-memory node
 * (firmware's own memory) may not overlap an input at all; a
 * /memreserve/ entry may cover an input whole (U-Boot reserves the
 * initrd that way) but not cut through one. Fills out[] with up to max
 * problems and returns how many there were (possibly more than max).
 */
/*
 * True if every byte of [base, base + size) is RAM: inside m's ranges
 * taken together (adjacent or overlapping ranges join; a hole does not).
 */
bool bootlayout_in_ram(const struct machine *m, uint64_t base, uint64_t size);

unsigned bootlayout_check(const struct machine *m, const struct boot_input *in,
			  unsigned n, struct bootlayout_problem *out,
			  unsigned max);

#endif
