/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_LAUNCH_H
#define KERNEL_LAUNCH_H

#include "kernel/initramfs.h"

/*
 * Reads /etc/rivet.conf from the initramfs and creates every domain it
 * declares, in order, reporting each one it refuses and why. Returns the
 * number of domains created (0 when nothing can run). blob is the device
 * tree, for the devices the configuration grants.
 */
unsigned launch_domains(const struct initramfs *fs, const struct machine *m,
			const void *blob);

#endif
