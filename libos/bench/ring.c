// SPDX-License-Identifier: MIT
/*
 * ring_map_page: 256 maps of one-page frame capabilities queued in the
 * submission ring and run by one ring_submit, per map: the same frames at
 * the same addresses as map_batch_page just before (bench.c), so the two
 * compare. As there, the entries are written before the clock starts;
 * what is measured is the submit (every piece of it) and nothing else.
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/ring.h>
#include <rivet/testreport.h>

#include "bench.h"

#define RING_N 256

static _Alignas(4096) unsigned char ringmem[4 * 4096];

void bench_ring(const unsigned long *slots, unsigned long va, int n)
{
	struct rivet_ring_head *h = (struct rivet_ring_head *)ringmem;
	struct rivet_ring_entry *e =
		(struct rivet_ring_entry *)(ringmem + RIVET_RING_ENTRIES_OFF);
	struct rivet_ret r;
	uint64_t t0, with;
	int i;

	if (n > RING_N || sys_ring_setup(h, RING_N))
		return;
	for (i = 0; i < n; i++) {
		e[i].nr = SYS_map;
		e[i].args[0] = slots[i];
		e[i].args[1] = va + i * 0x1000UL;
		e[i].args[2] = RIVET_CAP_R | RIVET_CAP_W;
	}
	h->sq_tail = (unsigned long)n;
	t0 = rivet_instret();
	r = sys2_ring_submit((unsigned long)n);
	with = rivet_instret() - t0;
	if (r.rc || r.val != (unsigned long)n)
		return; /* no figure: test_bench.py notices */
	bench_print_n("ring_map_page", (int64_t)with, n, "insns/page");
}
