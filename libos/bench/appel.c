// SPDX-License-Identifier: MIT
/*
 * Appel & Li's primitives of user-level virtual memory ("Virtual memory
 * primitives for user programs", ASPLOS 1991), as a libOS does them on
 * Rivet: SYS_protect and a page-fault handler registered with the
 * runtime's light entry (rivet_exc_register_light, as the VM manager's
 * write barrier does: only what a C call does not keep is saved). Per
 * operation:
 *   appel_prot1   protect one page read-only
 *   appel_protN   protect 100 pages read-only in one call, per page
 *   appel_unprot  give one page its write right back
 *   appel_trap    a store to a read-only page: fault, the handler
 *                 unprotects the page, the store is retried
 *   appel_trap_prot1_unprot  (appel1) a store to a protected page; the
 *                 handler protects another page and unprotects this one
 *   appel_protN_trap_unprot  (appel2) protect 100 pages, then a store to
 *                 each, the handler unprotecting it; per page
 * Linux's figures for the same (mprotect, SIGSEGV) on the same QEMU are
 * in scripts/bench-targets.tsv.
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "bench.h"

#define APPEL_VA    0xa0000000UL
#define APPEL_PAGES 100
#define R	    RIVET_CAP_R
#define RW	    (RIVET_CAP_R | RIVET_CAP_W)

static volatile uintptr_t
	other_page; /* appel1: the page the handler protects */
static uint64_t scratch[APPEL_PAGES]; /* stores that never fault */

/* A store fault on a protected page: give the page its write right back. */
static int unprotect_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	return sys_protect(u->tval & ~0xfffUL, 1, RW) ? 1 : 0;
}

/* appel1's handler: protect another page, then unprotect this one. */
static int prot1_unprot_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	if (sys_protect(other_page, 1, R))
		return 1;
	return sys_protect(u->tval & ~0xfffUL, 1, RW) ? 1 : 0;
}

static uintptr_t page(int i)
{
	return APPEL_VA + (uintptr_t)(i % APPEL_PAGES) * 0x1000;
}

/* Maps the APPEL_PAGES pages read-write. */
static int appel_map(void)
{
	int i;

	for (i = 0; i < APPEL_PAGES; i++) {
		unsigned long slot =
			sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;

		if (sys_map(slot, page(i), RW))
			return -1;
	}
	return 0;
}

static uint64_t empty_loop(void)
{
	uint64_t t0 = rivet_instret();
	int i;

	for (i = 0; i < N; i++)
		empty_call(i);
	return rivet_instret() - t0;
}

static void bench_prot(void)
{
	uint64_t t0, prot, unprot, protn, base = empty_loop();
	int i;

	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys_protect(page(i), 1, R);
	prot = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys_protect(page(i), 1, RW);
	unprot = rivet_instret() - t0;
	bench_print_n("appel_prot1", (int64_t)(prot - base), N, "insns/page");
	bench_print_n("appel_unprot", (int64_t)(unprot - base), N,
		      "insns/page");
	t0 = rivet_instret();
	for (i = 0; i < N / 10; i++)
		sys_protect(APPEL_VA, APPEL_PAGES, i & 1 ? RW : R);
	protn = rivet_instret() - t0;
	bench_print_n("appel_protN", (int64_t)(protn - base / 10),
		      (int64_t)(N / 10) * APPEL_PAGES, "insns/page");
	sys_protect(APPEL_VA, APPEL_PAGES, RW);
}

static void bench_trap(void)
{
	uint64_t t0, with, without;
	int i;

	rivet_exc_register_light(15, unprotect_fault, 0);
	/* appel_trap: protect, store (fault, unprotect, retry); minus the
	 * protect alone. */
	t0 = rivet_instret();
	for (i = 0; i < N; i++) {
		sys_protect(page(i), 1, R);
		*(volatile uint64_t *)page(i) = (uint64_t)i;
	}
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys_protect(page(i), 1, R);
	without = rivet_instret() - t0;
	sys_protect(APPEL_VA, APPEL_PAGES, RW);
	bench_print_n("appel_trap", (int64_t)(with - without), N, "insns/op");

	/* appel1: every page protected but one; a store to the protected
	 * page i faults, the handler protects page i - 1 and unprotects i. */
	rivet_exc_register_light(15, prot1_unprot_fault, 0);
	sys_protect(APPEL_VA, APPEL_PAGES, R);
	sys_protect(page(0), 1, RW);
	t0 = rivet_instret();
	for (i = 1; i <= N; i++) {
		other_page = page(i - 1);
		*(volatile uint64_t *)page(i) = (uint64_t)i;
	}
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 1; i <= N; i++) {
		other_page = page(i - 1);
		scratch[i % APPEL_PAGES] = (uint64_t)i;
	}
	without = rivet_instret() - t0;
	bench_print_n("appel_trap_prot1_unprot", (int64_t)(with - without), N,
		      "insns/op");

	/* appel2: protect all 100 pages in one call, then a store to each
	 * (fault, the handler unprotects it); per page. */
	rivet_exc_register_light(15, unprotect_fault, 0);
	sys_protect(APPEL_VA, APPEL_PAGES, RW);
	t0 = rivet_instret();
	for (i = 0; i < N; i++) {
		if (i % APPEL_PAGES == 0)
			sys_protect(APPEL_VA, APPEL_PAGES, R);
		*(volatile uint64_t *)page(i) = (uint64_t)i;
	}
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++) {
		if (i % APPEL_PAGES == 0)
			empty_call(i);
		*(volatile uint64_t *)page(i) = (uint64_t)i;
	}
	without = rivet_instret() - t0;
	bench_print_n("appel_protN_trap_unprot", (int64_t)(with - without), N,
		      "insns/page");
}

void bench_appel(void)
{
	if (appel_map())
		return;
	bench_prot();
	bench_trap();
}
