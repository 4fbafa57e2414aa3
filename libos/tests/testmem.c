// SPDX-License-Identifier: MIT
/*
 * Test buffers in frames taken at run time (testmem.h). Each buffer is one
 * frame run, so it costs one slot whatever its size, and it is mapped with
 * SYS_map at an address of its own in TESTMEM_VA's window, where no role
 * maps anything by hand and the VM manager places nothing (its regions
 * stop at VM_META_TOP): a role's fixed addresses and its vm_mmap regions
 * cannot collide with it. The page after each buffer stays unmapped, so
 * an overrun faults instead of reaching the next one.
 */
#include <stdint.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/vm.h>

#include "tests.h"
#include "testmem.h"

#define PAGE	       4096UL
#define TESTMEM_VA     0x3400000000UL /* 208 GiB */
#define TESTMEM_WINDOW 0x0040000000UL /* 1 GiB of it */

_Static_assert(TESTMEM_VA >= VM_META_TOP, "above the VM manager's areas");
_Static_assert(TESTMEM_VA + TESTMEM_WINDOW <= RIVET_CHAN_VA,
	       "below the channels");

static struct testmem_buf {
	uintptr_t va;	     /* 0: entry free */
	unsigned long slot;  /* the run's capability */
	unsigned long pages; /* in the run */
} bufs[TESTMEM_MAX];

/* Where the next buffer goes: buffers are few and short-lived, so the
 * window is used once from its start, never reused. */
static uintptr_t next_va = TESTMEM_VA;

void *testmem_alloc(const char *what, size_t bytes)
{
	unsigned long pages = (bytes + PAGE - 1) / PAGE;
	struct testmem_buf *b = 0;
	struct rivet_ret r;
	unsigned i;
	long rc;

	for (i = 0; i < TESTMEM_MAX && !b; i++)
		if (!bufs[i].va)
			b = &bufs[i];
	if (!b || !pages ||
	    pages > (TESTMEM_VA + TESTMEM_WINDOW - next_va) / PAGE - 1) {
		report(what, 0, "no room for a buffer of %ld pages (%ld live)",
		       (long)pages, b ? 0 : TESTMEM_MAX);
		return 0;
	}
	r = sys2_frame_alloc(RIVET_FRAME_ANY, pages, 1);
	rc = r.rc ? r.rc : sys_map(r.val, next_va, RIVET_CAP_R | RIVET_CAP_W);
	if (rc) {
		if (!r.rc)
			sys_cap_delete(r.val);
		report(what, 0, "no %ld pages for its buffer: %ld", (long)pages,
		       rc);
		return 0;
	}
	b->va = next_va;
	b->slot = r.val;
	b->pages = pages;
	next_va += (pages + 1) * PAGE;
	return (void *)b->va;
}

long testmem_free(void *p)
{
	unsigned i;
	long rc;

	for (i = 0; i < TESTMEM_MAX; i++) {
		if (!bufs[i].va || bufs[i].va != (uintptr_t)p)
			continue;
		rc = sys_cap_delete(bufs[i].slot); /* unmaps it too */
		bufs[i].va = 0;
		return rc;
	}
	return E_NOENT;
}
