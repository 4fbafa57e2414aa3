/* SPDX-License-Identifier: MIT */
/*
 * The initramfs, shared read-only with the domains whose configuration
 * says `initramfs = yes` (docs/boot-config.md). The exokernel way to let a
 * libOS read its files: the kernel exposes the archive's frames, the
 * libOS parses the cpio itself (librivet's rivet_file), and no system
 * call is involved.
 */
#ifndef KERNEL_INITRAMFS_MAP_H
#define KERNEL_INITRAMFS_MAP_H

#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/boot/initramfs.h"

/*
 * Maps fs's pages read-only into as from RIVET_INITRAMFS_VA. Whole pages
 * of the archive are mapped where they lie (frames the kernel reserved at
 * boot and never hands out: no domain is charged for them); a first or
 * last page the archive shares with other memory is a kernel copy that
 * holds only the archive's bytes, made once. Page tables come from as's
 * frame source (the domain's quota). Returns 0 with *va the user address
 * of the archive's first byte; E_NOENT without an initramfs, E_TOOBIG
 * past RIVET_INITRAMFS_MAX, E_NOMEM (nothing is left mapped).
 */
int initramfs_map(const struct initramfs *fs, struct uvm_space *as,
		  uint64_t *va);

#endif
