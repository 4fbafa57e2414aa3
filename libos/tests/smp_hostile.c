/* SPDX-License-Identifier: MIT */
/*
 * Hostile work on several harts at once (tests/qemu/test_smp_hostile.py,
 * docs/smp.md "Known races"). t_smp_churn-X spawns and kills children
 * named t_sleeper-X (its own suffix: names of live domains are unique)
 * as fast as it can, args times, while another churn does the same on
 * another hart: domain entries, and with them ASIDs, freed by one hart's
 * reaper are taken by the other hart's next spawn. The resource counts
 * are global, so the kernel's end-of-run accounting checks them, not
 * this role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"

#define CHURN_FRAMES child_frames(0) /* a sleeper: child_quota.h */
#define CHURN_SLOTS  16

static void role_smp_churn(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	unsigned long n = strtoul(rivet_info()->args, 0, 10), i, slot = 0;
	const char *suffix = strchr(rivet_info()->name, '-');
	char child[32];
	long rc;

	if (sp <= 0 || !n || !suffix) {
		printf("TEST smp_churn_setup: FAIL spawn slot %ld, args '%s'\n",
		       sp, rivet_info()->args);
		return;
	}
	snprintf(child, sizeof(child), "t_sleeper%s", suffix);
	for (i = 0; i < n; i++) {
		rc = spawn_child(sp, child, CHURN_FRAMES, CHURN_SLOTS, 0, 0,
				 &slot);
		if (rc) {
			report("smp_churn_spawn", 0, "cycle %ld: %ld", (long)i,
			       rc);
			return;
		}
		if (i % 8 == 7)
			sys_yield_cap(RIVET_YIELD_ANY); /* let the child run */
		rc = sys_kill(slot);
		if (rc) {
			report("smp_churn_kill", 0, "cycle %ld: %ld", (long)i,
			       rc);
			return;
		}
		sys_cap_delete(slot);
	}
	report("smp_churn_cycles", 1, "%ld cycles", (long)n, 0);
}

const struct role smp_hostile_roles[] = {
	{ "t_smp_churn", role_smp_churn },
	{ 0 },
};
