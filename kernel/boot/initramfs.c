// SPDX-License-Identifier: MIT
/* Locating the initramfs; parsing it is kernel/boot/cpio.c's job. */
#include "kernel/boot/initramfs.h"

#include "kernel/arch.h"
#include "kernel/boot/bootlayout.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include <rivet/errno.h>

int initramfs_init(const struct machine *m, struct initramfs *out)
{
	uint64_t start = m->initrd_start, end = m->initrd_end;

	if (!m->has_initrd) {
		pr_warn("initramfs: none (the boot loader passed no "
			"linux,initrd-start)\n");
		return E_NOENT;
	}
	if (end <= start || !bootlayout_in_ram(m, start, end - start) ||
	    end > DIRECT_MAX_PA) {
		pr_err("initramfs: 0x%llx-0x%llx is not inside RAM; ignored\n",
		       (unsigned long long)start, (unsigned long long)end);
		return E_RANGE;
	}
	out->data = phys_to_virt(start);
	out->size = (size_t)(end - start);
	if (out->size < 6 || memcmp(out->data, "070701", 6)) {
		pr_err("initramfs: at 0x%llx, %zu bytes, is not a cpio newc "
		       "archive (no 070701 magic)\n",
		       (unsigned long long)start, out->size);
		return E_FORMAT;
	}
	pr_info("initramfs: 0x%llx-0x%llx, %zu bytes, cpio newc\n",
		(unsigned long long)start, (unsigned long long)end - 1,
		out->size);
	return 0;
}
