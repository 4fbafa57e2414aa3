/* SPDX-License-Identifier: MIT */
/*
 * The submission ring (docs/libos-vm.md, "The submission ring"): kernel
 * calls queued in the domain's own memory and run by one ring_submit.
 *
 * The ring is RIVET_RING_BYTES(n) bytes of the domain's RAM, page-aligned,
 * n a power of two up to RIVET_RING_MAX, named to the kernel by
 * ring_setup. It holds a header, n entries and n completions. The libOS
 * writes entry number t (a free-running count) at index t % n and then
 * sq_tail = t + 1; ring_submit runs entries from the kernel's own count of
 * those consumed (sq_head, which it also writes back into the header) up
 * to sq_tail, and posts each one's result in the completion at the same
 * index. Every word here is untrusted to the kernel: it reads each entry
 * once, into its own memory, before it checks it.
 */
#ifndef RIVET_RING_H
#define RIVET_RING_H

#define RIVET_RING_MAX 256

#ifndef __ASSEMBLY__
/* A call: its number (SYS_*) and arguments (a0..a3 of a direct call). */
struct rivet_ring_entry {
	unsigned long nr;
	unsigned long args[4];
};

/* Its result: rc (a0) and val (a1), as the direct call returns them. */
struct rivet_ring_done {
	long rc;
	unsigned long val;
};

struct rivet_ring_head {
	unsigned long sq_tail; /* libOS: entries queued since ring_setup */
	unsigned long sq_head; /* kernel: entries it has consumed */
	unsigned long reserved[6];
};

#define RIVET_RING_ENTRIES_OFF ((unsigned long)sizeof(struct rivet_ring_head))
#define RIVET_RING_DONE_OFF(n)                                                 \
	(RIVET_RING_ENTRIES_OFF +                                              \
	 (unsigned long)(n) * sizeof(struct rivet_ring_entry))
#define RIVET_RING_BYTES(n)                                                    \
	(RIVET_RING_DONE_OFF(n) +                                              \
	 (unsigned long)(n) * sizeof(struct rivet_ring_done))
#endif

#endif
