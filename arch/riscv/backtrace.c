// SPDX-License-Identifier: MIT
/*
 * Stack walking. The kernel is built with frame pointers: on entry a
 * function stores ra at fp-8 and the caller's fp at fp-16. A leaf function
 * does not save ra, and stores the caller's fp at fp-8 instead (GCC 12 has
 * no -mno-omit-leaf-frame-pointer for RISC-V); the first frame of a trap
 * is checked for that case.
 */
#include "arch/riscv/backtrace.h"

#include <stdbool.h>

#include "arch/riscv/trap_frame.h"
#include "kernel/lib/ksyms.h"
#include "kernel/lib/printk.h"

#define MAX_FRAMES 32

extern char boot_stack[], boot_stack_top[];
extern char _start[], _etext[];

static bool on_stack(uint64_t p)
{
	return p >= (uintptr_t)boot_stack && p <= (uintptr_t)boot_stack_top &&
	       !(p & 7);
}

static bool in_text(uint64_t p)
{
	return p >= (uintptr_t)_start && p < (uintptr_t)_etext;
}

void backtrace_print_symbol(uint64_t pc)
{
	uint64_t off;
	const char *name = ksym_lookup(pc, &off);

	if (name)
		pr_emerg("%s+0x%llx", name, (unsigned long long)off);
	else
		pr_emerg("?");
}

static void print_frame(unsigned n, uint64_t pc)
{
	pr_emerg("  #%-2u 0x%016llx ", n, (unsigned long long)pc);
	backtrace_print_symbol(pc);
	pr_emerg("\n");
}

static bool same_function(uint64_t a, uint64_t b)
{
	uint64_t off;
	const char *fa = ksym_lookup(a, &off), *fb = ksym_lookup(b, &off);

	return fa && fa == fb;
}

/* Follows saved (ra, fp) pairs from frame pointer fp, printing callers. */
static void walk(uint64_t fp, unsigned n)
{
	for (; n < MAX_FRAMES && on_stack(fp) && fp >= 16; n++) {
		uint64_t ra = ((uint64_t *)fp)[-1];

		if (!in_text(ra))
			break;
		/* ra points after the call; show the call itself. */
		print_frame(n, ra - 4);
		fp = ((uint64_t *)fp)[-2];
	}
}

void backtrace_from_trap(const struct trap_frame *tf)
{
	uint64_t fp = tf->x[8], ra = tf->x[1];
	unsigned n = 1;

	pr_emerg("backtrace:\n");
	print_frame(0, tf->sepc);
	/*
	 * If ra is in another function than epc, the trapping function has
	 * not saved it (a leaf, or in its prologue): ra is its caller. Its
	 * s0 is then either the caller's frame, or its own leaf frame whose
	 * fp-8 slot holds the caller's fp (a stack address, not text).
	 */
	if (in_text(ra) && !same_function(ra, tf->sepc)) {
		print_frame(n++, ra - 4);
		if (on_stack(fp) && fp >= 16 && on_stack(((uint64_t *)fp)[-1]))
			fp = ((uint64_t *)fp)[-1];
	}
	walk(fp, n);
}

void backtrace_here(void)
{
	uint64_t fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);

	pr_emerg("backtrace:\n");
	walk(fp, 0);
}
