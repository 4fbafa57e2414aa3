// SPDX-License-Identifier: MIT
/*
 * map_batch against map, its reference (tests/qemu/test_map_batch.py):
 * every refusal map gives, met in the middle of a batch after entries the
 * one-page path took, stops the batch there with map's error and count,
 * leaves the entries before it mapped as map would have and the ones
 * after it unmapped; mixed entries (a run of pages, a 2 MiB boundary,
 * one frame twice) map as map does, with the same PTEs in the view and
 * the same records (a delete unmaps every one of them).
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define BVA   0x60000000UL /* batches here, a fresh 64 KiB per case */
#define OTHER 0x6f000000UL /* mappings made with map */
#define PG    4096UL

static unsigned long frame(void)
{
	return sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
}

static uint64_t mappings(void)
{
	return sys2_kstat(KSTAT_MY_MAPPINGS).val;
}

/*
 * [good, good, bad, good] at the case's own addresses: the batch stops at
 * the bad entry with map's error for it (want), a1 = 2, the first two
 * mapped read-write, the last not mapped; then map of the bad entry
 * alone gives the same error.
 */
static void stops_like_map(const char *name, unsigned n, unsigned long slot,
			   unsigned long va, unsigned long rights, long want)
{
	struct rivet_map_entry b[4];
	unsigned long base = BVA + n * 16 * PG;
	struct rivet_ret r;
	uint64_t before = mappings();
	unsigned i;
	int ok;

	for (i = 0; i < 4; i++) {
		b[i].slot = frame();
		b[i].vaddr = base + i * PG;
		b[i].rights = RIVET_CAP_R | RIVET_CAP_W;
	}
	b[2].slot = slot;
	b[2].vaddr = va ? va : base + 2 * PG;
	b[2].rights = rights;
	r = sys2_map_batch(b, 4);
	ok = r.rc == want && r.val == 2 && (rivet_pte(base) & 0xf) == 0x7 &&
	     (rivet_pte(base + PG) & 0xf) == 0x7 && !rivet_pte(base + 3 * PG) &&
	     mappings() == before + 2;
	if (ok)
		ok = sys_map(b[2].slot, b[2].vaddr, b[2].rights) == want;
	report(name, ok, "rc %ld count %ld", r.rc, (long)r.val);
}

static void role_map_batch_twin(void)
{
	unsigned long ro, xf, two, f, g;
	struct rivet_map_entry b[8];
	struct rivet_ret r;
	uint64_t before, pte_map, pte_batch;
	unsigned i, n = 0;

	stops_like_map("batch_slot_past_space", n++, 1UL << 40, 0, 3, E_INVAL);
	stops_like_map("batch_slot_past_table", n++, 70000, 0, 3, E_INVAL);
	stops_like_map("batch_empty_slot", n++, 900, 0, 3, E_NOENT);
	stops_like_map("batch_domain_slot", n++, RIVET_SLOT_SELF, 0, 1,
		       E_INVAL);
	stops_like_map("batch_rights_zero", n++, frame(), 0, 0, E_INVAL);
	stops_like_map("batch_rights_write_only", n++, frame(), 0, 2, E_INVAL);
	stops_like_map("batch_rights_write_execute", n++, frame(), 0, 7,
		       E_INVAL);
	stops_like_map("batch_rights_past_byte", n++, frame(), 0, 0x103,
		       E_INVAL);
	stops_like_map("batch_rights_grant_bit", n++, frame(), 0, 0x9, E_INVAL);
	ro = sys2_cap_derive(frame(), RIVET_SLOT_SELF, RIVET_CAP_R, 0).val;
	stops_like_map("batch_above_capability", n++, ro, 0, 3, E_PERM);
	stops_like_map("batch_unaligned", n++, frame(), BVA + 0x100, 3,
		       E_RANGE);
	stops_like_map("batch_past_map_top", n++, frame(), RIVET_MAP_TOP, 3,
		       E_RANGE);
	stops_like_map("batch_kernel_half", n++, frame(), 0xffffffc000000000UL,
		       3, E_RANGE);
	/* The first entry of this very case's batch. */
	stops_like_map("batch_va_taken", n, frame(), BVA + n * 16 * PG, 3,
		       E_EXIST);
	n++;
	/* W^X per frame: executable elsewhere, so never writable here. */
	xf = frame();
	sys_map(xf, OTHER, RIVET_CAP_R | RIVET_CAP_X);
	stops_like_map("batch_writable_while_executable", n++, xf, 0, 3,
		       E_BUSY);

	/* Mixed entries: a run of two pages (the general path) between
	 * one-page ones, across a 2 MiB boundary, one frame twice. */
	before = mappings();
	two = sys2_frame_alloc(RIVET_FRAME_ANY, 2, 1).val;
	f = frame();
	g = frame();
	b[0] = (struct rivet_map_entry){ f, 0x611fe000UL, 3 };
	b[1] = (struct rivet_map_entry){ g, 0x611ff000UL, 3 };
	b[2] = (struct rivet_map_entry){ two, 0x61200000UL, 3 };
	b[3] = (struct rivet_map_entry){ f, 0x61202000UL, 3 };
	b[4] = (struct rivet_map_entry){ g, 0x61203000UL, 1 };
	b[5] = (struct rivet_map_entry){ xf, 0x61204000UL, 5 };
	r = sys2_map_batch(b, 6);
	report("batch_mixed_entries_all_mapped", r.rc == 0 && r.val == 6,
	       "rc %ld count %ld", r.rc, (long)r.val);
	EXPECT_EQ("batch_mixed_records", mappings(), before + 6);
	*(volatile uint64_t *)0x611fe008UL = 0x1234;
	EXPECT_EQ("batch_same_frame_twice_shares",
		  *(volatile uint64_t *)0x61202008UL, 0x1234);
	*(volatile uint64_t *)0x61201008UL = 77; /* the run's second page */
	EXPECT_EQ("batch_run_writable", *(volatile uint64_t *)0x61201008UL, 77);
	EXPECT_EQ("batch_read_only_entry", rivet_pte(0x61203000UL) & 0xe, 0x2);
	/* The same PTE, view bits included, as map makes for that frame. */
	pte_batch = rivet_pte(0x611ff000UL);
	sys_map(g, OTHER + PG, 3);
	pte_map = rivet_pte(OTHER + PG);
	EXPECT_EQ("batch_pte_equals_map_pte", pte_batch, pte_map);
	/* The records are exact: deleting f unmaps both of its entries. */
	EXPECT_EQ("batch_delete_ok", sys_cap_delete(f), 0);
	report("batch_delete_unmaps_both",
	       !rivet_pte(0x611fe000UL) && !rivet_pte(0x61202000UL) &&
		       rivet_pte(0x611ff000UL),
	       "pte 0x%lx", (long)rivet_pte(0x611fe000UL), 0);
	EXPECT_EQ("batch_delete_records", mappings(), before + 6 - 2 + 1);
	/* Once g is read-only at 0x61203000 (above), it may not go X. */
	b[0] = (struct rivet_map_entry){ g, 0x61205000UL, 5 };
	r = sys2_map_batch(b, 1);
	EXPECT_EQ("batch_executable_while_writable", r.rc, E_BUSY);
	for (i = 0; i < 2; i++)
		sys_unmap(g, i ? 0x611ff000UL : OTHER + PG);
	r = sys2_map_batch(b, 1);
	EXPECT_EQ("batch_executable_once_not_writable", r.rc, 0);
}

const struct role mapbatch_roles[] = {
	{ "t_map_batch_twin", role_map_batch_twin },
	{ 0 },
};
