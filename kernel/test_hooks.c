// SPDX-License-Identifier: MIT
/*
 * Test hooks (CONFIG_TEST_HOOKS): rivet.test=fault makes the kernel store
 * to an unmapped address, rivet.test=assert fails an assertion, so the
 * boot tests can check the fault report end to end. rivet.test=mmio-window
 * checks the MMIO window (device registers above the direct map) on a
 * page of RAM, the only memory QEMU puts where the test can see it;
 * rivet.test=hart-silent
 * keeps the secondary harts from reporting in and rivet.test=hart-start-bad
 * has the firmware refuse to start them, rivet.test=hart-wrong-door starts
 * them first at the image's entry (kernel/boot/hart_start.c), and
 * rivet.test=hart-stray-bit gives every address space a stray hart bit
 * (kernel/sched/sched.c).
 */
#include "kernel/test_hooks.h"

#include "kernel/lib/assert.h"
#include "kernel/boot/bootargs.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include "kernel/arch.h"
#include "kernel/mm/mem.h"

/* Not static and not inlined: the backtrace must show these names. */
__attribute__((noinline)) void test_hook_fault(volatile int *where)
{
	*where = 0x5a;
}

__attribute__((noinline)) void test_hook_assert(int value)
{
	assert(value == 2);
}

/*
 * A RAM page mapped through the window reads and writes the same memory
 * as its direct-map address; mapping it (or part of it) again gives the
 * same address; another page gets another; a range past the top of the
 * address space is refused.
 */
static void test_hook_mmio_window(void)
{
	uint64_t pa, pa2;
	uintptr_t va, again, part, other;
	volatile uint32_t *direct;
	int ok;

	if (mem_alloc_page(&pa) || mem_alloc_page(&pa2)) {
		pr_err("test: mmio-window: no page\n");
		return;
	}
	direct = phys_to_virt(pa);
	*direct = 0;
	ok = !vm_map_mmio_window(pa, PAGE_SIZE, &va) &&
	     !vm_map_mmio_window(pa, 4, &again) &&
	     !vm_map_mmio_window(pa + 0x80, 8, &part) &&
	     !vm_map_mmio_window(pa2, PAGE_SIZE, &other);
	if (ok) {
		*(volatile uint32_t *)va = 0x5a5aa5a5u;
		ok = *direct == 0x5a5aa5a5u && again == va &&
		     part == va + 0x80 && other == va + PAGE_SIZE &&
		     va >= MMIO_WINDOW_BASE &&
		     vm_map_mmio_window(~0ULL - 8, 16, &va) == E_RANGE;
	}
	pr_notice("test: mmio-window %s\n", ok ? "ok" : "FAILED");
}

static bool hart_silent, hart_start_bad, hart_wrong_door, hart_stray_bit;

bool test_hook_hart_stray_bit(void)
{
	return hart_stray_bit;
}

bool test_hook_hart_silent(void)
{
	return hart_silent;
}

bool test_hook_hart_start_bad(void)
{
	return hart_start_bad;
}

bool test_hook_hart_wrong_door(void)
{
	return hart_wrong_door;
}

void test_hooks_run(const char *bootargs)
{
	char what[16];

	if (!bootargs_get(bootargs, "rivet.test", what, sizeof(what)))
		return;
	pr_notice("test: running test hook '%s'\n", what);
	if (!strcmp(what, "fault"))
		test_hook_fault((volatile int *)0x10);
	else if (!strcmp(what, "assert"))
		test_hook_assert(1);
	else if (!strcmp(what, "mmio-window"))
		test_hook_mmio_window();
	else if (!strcmp(what, "hart-silent"))
		hart_silent = true;
	else if (!strcmp(what, "hart-start-bad"))
		hart_start_bad = true;
	else if (!strcmp(what, "hart-wrong-door"))
		hart_wrong_door = true;
	else if (!strcmp(what, "hart-stray-bit"))
		hart_stray_bit = true;
	else
		pr_warn("test: unknown test hook '%s'\n", what);
}
