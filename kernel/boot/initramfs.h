/* SPDX-License-Identifier: MIT */
/* The initramfs the boot loader placed in RAM (cpio newc). */
#ifndef KERNEL_INITRAMFS_H
#define KERNEL_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/boot/machine.h"

struct initramfs {
	const uint8_t *data; /* through the direct map */
	size_t size;
};

/*
 * Finds the initramfs from /chosen, checks that it lies in RAM and starts
 * with a cpio newc header, and logs where it is. Returns 0, E_NOENT when
 * there is none, or E_RANGE / E_FORMAT with the reason logged.
 */
int initramfs_init(const struct machine *m, struct initramfs *out);

#endif
