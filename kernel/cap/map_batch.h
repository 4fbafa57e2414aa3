/* SPDX-License-Identifier: MIT */
/* SYS_map_batch: many maps in one system call; see map_batch.c. */
#ifndef KERNEL_CAP_MAP_BATCH_H
#define KERNEL_CAP_MAP_BATCH_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct frame;
struct rivet_ring_entry;
struct rivet_ring_done;

/*
 * What the one-page path keeps from one entry to the next, within one
 * kernel entry: the 2 MiB it mapped in last, what the last rights seen
 * make of an entry, and the first RAM bank's frame table entries.
 */
struct batch_cursor {
	uint64_t region; /* va >> 21, or ~0: none */
	/* Its last-level table and view page, less (region << 12): va's
	 * entry in each is at (va >> 9) from these. */
	uintptr_t leaf, view;
	uint64_t rights;  /* ~0: none yet */
	uint64_t capmask; /* of the slot's type and rights halfword */
	uint64_t kind;	  /* FRAME_WX_W, FRAME_WX_X or 0 */
	uint64_t perm;	  /* pte_leaf(0, the rights' PTE bits) */
	uint64_t recword; /* the mapping record's next and flags word */
	struct frame *frames;
	uint64_t bank_base, bank_frames;
	bool mapped; /* an entry was set without a fence */
};

/* A cursor with nothing cached yet; map_cursor_end fences what was
 * mapped through it (once, before d runs again). */
struct batch_cursor map_cursor_start(void);
void map_cursor_end(struct domain *d, struct batch_cursor *k);

/*
 * Maps ring entries from e on, at most n, in order, while each is a
 * SYS_map (args[0..2]: slot, vaddr, rights) of a one-page frame
 * capability that frame_cap_map would map as it is (the common case;
 * none of its errors): how many, each with its completion { 0, 0 } in
 * out[i]. The entry it stops at is not run. e and out may be the
 * domain's own memory (read in place, each word once: user_page_kva).
 * 0 on a kernel without CONFIG_FAST_MAP_BATCH.
 */
uint64_t map_run_ring(struct domain *d, struct batch_cursor *k,
		      const volatile struct rivet_ring_entry *e, uint64_t n,
		      struct rivet_ring_done *out);

/*
 * Maps count entries (struct rivet_map_entry) read from d's memory at
 * uva, in order, until one fails: its error (E_TOOBIG for more than
 * RIVET_MAP_BATCH_MAX entries, E_RANGE for an unreadable array, else
 * frame_cap_map's), with *val entries done, which stay mapped. May
 * return SYSCALL_RESTART (bounded kernel time).
 */
long map_batch_sys(struct domain *d, uint64_t uva, uint64_t count,
		   uint64_t *val);

/*
 * Maps each of n ring entries (SYS_map: args[0..2] are slot, vaddr and
 * rights), from kernel memory, on its own, in order, as frame_cap_map
 * would one by one (one refused stops none of the others): each one's
 * result in out[i] (rc, and val 0). One TLB fence at the end, before d
 * runs again. For the submission ring's runs of maps
 * (kernel/cap/ring.c), which it reads where the ring's copy has them.
 * Bounded: an entry of a large capability maps as much as the run's one
 * piece allows and says E_BUSY if it did not finish (mapping the same
 * again goes on, kernel/cap/frame_cap.h).
 */
void map_batch_each(struct domain *d, const struct rivet_ring_entry *e,
		    uint64_t n, struct rivet_ring_done *out);

#endif
