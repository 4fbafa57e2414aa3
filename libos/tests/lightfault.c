// SPDX-License-Identifier: MIT
/*
 * The runtime's light exception entry (rivet_exc_register_light,
 * tests/qemu/test_lightfault.py): a load and a store fault handled there
 * give every register back (lightfault_regs.S); one cause has one
 * handler, light or not, the last registered; causes past 15 are
 * refused; a light handler's refusal ends the domain as an unhandled
 * exception, reported like any other (role t_light_refuse).
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define LVA 0x63000000UL /* pages the handlers map, 4 KiB apart */
#define PG  4096UL

unsigned long lightfault_regs(unsigned long va, long store);

static int light_runs, generic_runs;

/* A load fault: map a fresh page there. */
static int map_fault(struct rivet_upcall *u, void *arg)
{
	light_runs += arg == (void *)&light_runs;
	return sys_frame_alloc_map(u->tval & ~(PG - 1),
				   RIVET_CAP_R | RIVET_CAP_W)
		       ? 1
		       : 0;
}

/* A store fault on a read-only page: give it its write right back. */
static int open_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	light_runs++;
	return sys_protect(u->tval & ~(PG - 1), 1, RIVET_CAP_R | RIVET_CAP_W)
		       ? 1
		       : 0;
}

static int generic_map_fault(struct rivet_upcall *u, void *arg)
{
	generic_runs++;
	return map_fault(u, arg);
}

static void role_light_fault(void)
{
	unsigned long bad;

	EXPECT_EQ("light_register",
		  rivet_exc_register_light(13, map_fault, &light_runs), 0);
	bad = lightfault_regs(LVA, 0);
	report("light_load_fault_keeps_registers", bad == 0 && light_runs == 1,
	       "changed 0x%lx, runs %ld", (long)bad, light_runs);
	report("light_load_fault_mapped", rivet_pte(LVA) != 0, "pte 0x%lx",
	       (long)rivet_pte(LVA), 0);

	sys_protect(LVA, 1, RIVET_CAP_R);
	EXPECT_EQ("light_register_store",
		  rivet_exc_register_light(15, open_fault, 0), 0);
	bad = lightfault_regs(LVA, 1);
	report("light_store_fault_keeps_registers", bad == 0 && light_runs == 2,
	       "changed 0x%lx, runs %ld", (long)bad, light_runs);
	report("light_store_fault_opened", (rivet_pte(LVA) & 0x6) == 0x6,
	       "pte 0x%lx", (long)rivet_pte(LVA), 0);

	/* The generic registration replaces the light one, and back. */
	rivet_exc_register(13, generic_map_fault, 0);
	bad = lightfault_regs(LVA + PG, 0);
	report("light_replaced_by_generic",
	       bad == 0 && generic_runs == 1 && light_runs == 2,
	       "generic %ld light %ld", generic_runs, light_runs);
	rivet_exc_register_light(13, map_fault, &light_runs);
	bad = lightfault_regs(LVA + 2 * PG, 0);
	report("light_replaces_generic",
	       bad == 0 && generic_runs == 1 && light_runs == 3,
	       "generic %ld light %ld", generic_runs, light_runs);
	EXPECT_EQ("light_cause_past_codes",
		  rivet_exc_register_light(16, map_fault, 0), E_INVAL);
	EXPECT_EQ("light_kernel_cause",
		  rivet_exc_register_light(RIVET_UPCALL_FP_OFF, map_fault, 0),
		  E_INVAL);
	rivet_exc_register_light(13, 0, 0);
	rivet_exc_register_light(15, 0, 0);
}

static int refuse(struct rivet_upcall *u, void *arg)
{
	(void)u;
	(void)arg;
	return 1;
}

/* Ends with "unhandled load page fault" and status -13. */
static void role_light_refuse(void)
{
	rivet_exc_register_light(13, refuse, 0);
	(void)*(volatile uint32_t *)LVA;
	report("light_refuse_not_reached", 0, "resumed", 0, 0);
}

const struct role lightfault_roles[] = {
	{ "t_light_fault", role_light_fault },
	{ "t_light_refuse", role_light_refuse },
	{ 0 },
};
