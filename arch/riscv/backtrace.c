// SPDX-License-Identifier: MIT
/*
 * Stack walking. The kernel is built with frame pointers: on entry a
 * function stores ra at fp-8 and the caller's fp at fp-16. A leaf function
 * does not save ra, and stores the caller's fp at fp-8 instead; the first
 * frame of a trap is checked for that case (the word at fp-8 then points
 * into the stack rather than into text).
 */
#include "arch/riscv/backtrace.h"

#include <stdbool.h>

#include "arch/riscv/trap_frame.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"

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

/* Walks from frame pointer fp; pc is the frame's own pc. */
static void walk(uint64_t pc, uint64_t fp, uint64_t leaf_ra, unsigned n)
{
	for (; n < MAX_FRAMES; n++) {
		print_frame(n, pc);
		if (!on_stack(fp) || fp < 16)
			break;
		uint64_t saved_ra = ((uint64_t *)fp)[-1];
		uint64_t saved_fp = ((uint64_t *)fp)[-2];

		if (leaf_ra && on_stack(saved_ra) && !in_text(saved_ra)) {
			/* Leaf: fp-8 holds the caller's fp, ra is live. */
			pc = leaf_ra;
			fp = saved_ra;
		} else {
			pc = saved_ra;
			fp = saved_fp;
		}
		leaf_ra = 0;
		if (!in_text(pc))
			break;
		/* ra points after the call; show the call itself. */
		pc -= 4;
	}
}

void backtrace_from_trap(const struct trap_frame *tf)
{
	pr_emerg("backtrace:\n");
	walk(tf->sepc, tf->x[8], tf->x[1], 0);
}

void backtrace_here(void)
{
	uint64_t fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);

	pr_emerg("backtrace:\n");
	walk((uint64_t)(uintptr_t)&backtrace_here, fp, 0, 0);
}
