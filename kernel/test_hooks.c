// SPDX-License-Identifier: MIT
/*
 * Test hooks (CONFIG_TEST_HOOKS): rivet.test=fault makes the kernel store
 * to an unmapped address, rivet.test=assert fails an assertion, so the
 * boot tests can check the fault report end to end; rivet.test=hart-silent
 * keeps the secondary harts from reporting in and rivet.test=hart-start-bad
 * has the firmware refuse to start them, rivet.test=hart-wrong-door starts
 * them first at the image's entry (kernel/boot/hart_start.c).
 */
#include "kernel/test_hooks.h"

#include "kernel/lib/assert.h"
#include "kernel/boot/bootargs.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"

/* Not static and not inlined: the backtrace must show these names. */
__attribute__((noinline)) void test_hook_fault(volatile int *where)
{
	*where = 0x5a;
}

__attribute__((noinline)) void test_hook_assert(int value)
{
	assert(value == 2);
}

static bool hart_silent, hart_start_bad, hart_wrong_door;

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
	else if (!strcmp(what, "hart-silent"))
		hart_silent = true;
	else if (!strcmp(what, "hart-start-bad"))
		hart_start_bad = true;
	else if (!strcmp(what, "hart-wrong-door"))
		hart_wrong_door = true;
	else
		pr_warn("test: unknown test hook '%s'\n", what);
}
