// SPDX-License-Identifier: MIT
/* Locating the initramfs; parsing it is kernel/boot/cpio.c's job. */
#include "kernel/boot/initramfs.h"

#include "kernel/arch.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include <rivet/errno.h>

static int in_ram(const struct machine *m, uint64_t base, uint64_t end)
{
	unsigned i;

	for (i = 0; i < m->nmem; i++)
		if (base >= m->mem[i].base &&
		    end <= m->mem[i].base + m->mem[i].size)
			return 1;
	return 0;
}

int initramfs_init(const struct machine *m, struct initramfs *out)
{
	uint64_t start = m->initrd_start, end = m->initrd_end;

	if (!m->has_initrd) {
		pr_warn("initramfs: none (the boot loader passed no "
			"linux,initrd-start)\n");
		return E_NOENT;
	}
	if (end <= start || !in_ram(m, start, end) || end > DIRECT_MAX_PA) {
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
