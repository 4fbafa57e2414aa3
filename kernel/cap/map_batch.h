/* SPDX-License-Identifier: MIT */
/* SYS_map_batch: many maps in one system call; see map_batch.c. */
#ifndef KERNEL_CAP_MAP_BATCH_H
#define KERNEL_CAP_MAP_BATCH_H

#include <stdint.h>

struct domain;

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
struct rivet_ring_entry;
struct rivet_ring_done;
void map_batch_each(struct domain *d, const struct rivet_ring_entry *e,
		    uint64_t n, struct rivet_ring_done *out);

#endif
