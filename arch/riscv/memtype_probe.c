// SPDX-License-Identifier: MIT
/*
 * Is XTheadMae on? See memtype.h. The device tree only names the core
 * (no riscv,isa-extensions string of linux-source-6.12's trees, nor of
 * its bindings, names XTheadMae): the firmware's machine ids confirm a
 * T-Head core of the generation that has it, and only then is its
 * custom CSR read (on any other core that read is an illegal
 * instruction).
 */
#include "arch/riscv/memtype.h"

#include "arch/riscv/csr.h"
#include "arch/riscv/sbi.h"
#include "kernel/lib/printk.h"

#define THEAD_MVENDORID 0x5b7
#define SXSTATUS_MAEE	(1UL << 21)

/* SBI base extension: get_mvendorid, get_marchid, get_mimpid. */
#define SBI_BASE_MVENDORID 4
#define SBI_BASE_MARCHID   5
#define SBI_BASE_MIMPID	   6

static unsigned long machine_id(unsigned long fid)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, fid, 0, 0, 0);

	return r.error ? ~0UL : (unsigned long)r.value;
}

enum memtype_mode arch_memtype_init(bool thead_c9xx)
{
	unsigned long vendor, arch, imp;

	memtype_set(MEMTYPE_PMA);
	if (!thead_c9xx)
		return MEMTYPE_PMA;
	vendor = machine_id(SBI_BASE_MVENDORID);
	arch = machine_id(SBI_BASE_MARCHID);
	imp = machine_id(SBI_BASE_MIMPID);
	if (vendor != THEAD_MVENDORID || arch || imp) {
		pr_warn("mm: the tree names T-Head C9xx cores, but the firmware "
			"reports mvendorid 0x%lx marchid 0x%lx mimpid 0x%lx: "
			"XTheadMae not probed, page types from the PMAs\n",
			vendor, arch, imp);
		return MEMTYPE_PMA;
	}
	if (!(csr_read(0x5c0) & SXSTATUS_MAEE)) {
		pr_info("mm: T-Head C9xx with XTheadMae off (sxstatus.MAEE "
			"clear): page types from the PMAs\n");
		return MEMTYPE_PMA;
	}
	memtype_set(MEMTYPE_XTHEADMAE);
	pr_info("mm: T-Head XTheadMae on (sxstatus.MAEE): RAM mapped "
		"C|B|SH, device registers SO|SH (PTE bits 63-59)\n");
	return MEMTYPE_XTHEADMAE;
}
