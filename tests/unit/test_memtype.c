// SPDX-License-Identifier: MIT
/*
 * The memory-type bits of page-table leaves per mode (arch/riscv/memtype.c,
 * pte.h): none from the PMAs; with T-Head's XTheadMae, C|B|SH (bits
 * 62,61,60) on RAM and SO|SH (63,60) on device registers, Sec (59) never.
 * PTE_DEVICE is a request (it reaches no PTE in PMA mode), and pte_leaf_pa()
 * reads the address without the type bits, through pagetable.c's walks
 * too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/riscv/memtype.h"
#include "arch/riscv/pagetable.h"
#include "arch/riscv/pte.h"

#define MAE_SO	(1UL << 63)
#define MAE_C	(1UL << 62)
#define MAE_B	(1UL << 61)
#define MAE_SH	(1UL << 60)
#define MAE_SEC (1UL << 59)

#define RAM_PA 0x80200000UL
#define DEV_PA 0x10000000UL
#define FAR_PA 0xffd8000000UL /* the TH1520's PLIC, near 1 TiB */

static uint64_t pages[4][512] __attribute__((aligned(4096)));
static unsigned used;

static int alloc(void *ctx, uint64_t *pa)
{
	(void)ctx;
	if (used == 4)
		return -1;
	memset(pages[used], 0, sizeof(pages[0]));
	*pa = 0x90000000UL + used++ * 4096;
	return 0;
}

static uint64_t *va_of(void *ctx, uint64_t pa)
{
	(void)ctx;
	return pages[(pa - 0x90000000UL) / 4096];
}

static const struct pt_ops ops = { alloc, va_of, NULL };

static void pma_mode_leaves_carry_no_type(void **state)
{
	uint64_t ram, dev;

	(void)state;
	memtype_set(MEMTYPE_PMA);
	assert_int_equal(memtype_mode(), MEMTYPE_PMA);
	ram = pte_leaf(RAM_PA, PTE_R | PTE_W);
	dev = pte_leaf(DEV_PA, PTE_R | PTE_W | PTE_DEVICE);
	assert_int_equal(ram & PTE_MT_MASK, 0);
	assert_int_equal(dev & PTE_MT_MASK, 0);
	assert_int_equal(dev & PTE_DEVICE, 0);
	/* Exactly as before the hook: PPN, rights, A, D, V. */
	assert_int_equal(dev, (DEV_PA >> 12) << 10 | PTE_R | PTE_W | PTE_A |
				      PTE_D | PTE_V);
}

static void xtheadmae_types_ram_and_devices(void **state)
{
	uint64_t ram, dev;

	(void)state;
	memtype_set(MEMTYPE_XTHEADMAE);
	assert_int_equal(memtype_mode(), MEMTYPE_XTHEADMAE);
	ram = pte_leaf(RAM_PA, PTE_R | PTE_X | PTE_U);
	dev = pte_leaf(FAR_PA, PTE_R | PTE_W | PTE_G | PTE_DEVICE);
	assert_int_equal(ram & PTE_MT_MASK, MAE_C | MAE_B | MAE_SH);
	assert_int_equal(dev & PTE_MT_MASK, MAE_SO | MAE_SH);
	assert_int_equal((ram | dev) & MAE_SEC, 0);
	/* (PTE_DEVICE is bit 63, which SO sets here: the type field says
	 * exactly what was stored.) */
	/* The address and the rights come back untouched. */
	assert_int_equal(pte_leaf_pa(ram), RAM_PA);
	assert_int_equal(pte_leaf_pa(dev), FAR_PA);
	assert_int_equal(ram & 0x3ff,
			 PTE_R | PTE_X | PTE_U | PTE_A | PTE_D | PTE_V);
	/* Table pointers never carry types (the hardware ignores them
	 * there; the kernel sets none). */
	assert_int_equal(pte_table(RAM_PA) & PTE_MT_MASK, 0);
	memtype_set(MEMTYPE_PMA);
	assert_int_equal(pte_mt_normal | pte_mt_device, 0);
}

static void pagetable_maps_and_walks_typed_leaves(void **state)
{
	uint64_t root, pa, pte;
	unsigned level;

	(void)state;
	memtype_set(MEMTYPE_XTHEADMAE);
	used = 0;
	assert_int_equal(alloc(NULL, &root), 0);
	/* A 2 MiB page of RAM and a 4 KiB page of registers. */
	assert_int_equal(pt_map(&ops, root, 0x40000000UL, RAM_PA - 0x200000UL,
				0x200000UL, PTE_R | PTE_W),
			 0);
	assert_int_equal(pt_map(&ops, root, 0x7000000UL, DEV_PA, 4096,
				PTE_R | PTE_W | PTE_DEVICE),
			 0);
	assert_int_equal(pt_lookup(&ops, root, 0x40001234UL, &pa, &pte, &level),
			 0);
	assert_int_equal(pa, RAM_PA - 0x200000UL + 0x1234);
	assert_int_equal(level, 1);
	assert_int_equal(pte & PTE_MT_MASK, MAE_C | MAE_B | MAE_SH);
	assert_int_equal(pt_lookup(&ops, root, 0x7000010UL, &pa, &pte, &level),
			 0);
	assert_int_equal(pa, DEV_PA + 0x10);
	assert_int_equal(pte & PTE_MT_MASK, MAE_SO | MAE_SH);
	/* The walk passed through table pages: their pointers untyped. */
	assert_int_equal(pages[0][0] & PTE_MT_MASK, 0);
	assert_int_equal(pt_unmap(&ops, root, 0x7000000UL, 4096), 0);
	memtype_set(MEMTYPE_PMA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pma_mode_leaves_carry_no_type),
		cmocka_unit_test(xtheadmae_types_ram_and_devices),
		cmocka_unit_test(pagetable_maps_and_walks_typed_leaves),
	};

	return cmocka_run_group_tests_name("memtype", tests, NULL, NULL);
}
