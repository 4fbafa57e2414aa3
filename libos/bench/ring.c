// SPDX-License-Identifier: MIT
/*
 * ring_map_page: 256 maps of one-page frame capabilities queued in the
 * submission ring and run by one ring_submit, per map. As for
 * map_batch_page, the entries are written before the clock starts; what
 * is measured is the submit (every piece of it) and nothing else.
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/ring.h>
#include <rivet/testreport.h>

#include "bench.h"

#define RING_N	  256
#define RING_MAPS 256
#define RING_VA	  0x88000000UL

static _Alignas(4096) unsigned char ringmem[4 * 4096];

void bench_ring(void)
{
	struct rivet_ring_head *h = (struct rivet_ring_head *)ringmem;
	struct rivet_ring_entry *e =
		(struct rivet_ring_entry *)(ringmem + RIVET_RING_ENTRIES_OFF);
	struct rivet_ret r;
	uint64_t t0, with;
	int i;

	if (sys_ring_setup(h, RING_N))
		return;
	for (i = 0; i < RING_MAPS; i++) {
		e[i].nr = SYS_map;
		e[i].args[0] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
		e[i].args[1] = RING_VA + i * 0x1000UL;
		e[i].args[2] = RIVET_CAP_R | RIVET_CAP_W;
	}
	h->sq_tail = RING_MAPS;
	t0 = rivet_instret();
	r = sys2_ring_submit(RING_MAPS);
	with = rivet_instret() - t0;
	if (r.rc || r.val != RING_MAPS)
		return; /* no figure: test_bench.py notices */
	bench_print_n("ring_map_page", (int64_t)with, RING_MAPS, "insns/page");
}
