/* SPDX-License-Identifier: MIT */
/*
 * Frame quotas for children spawned from tests.elf, derived from the
 * image instead of written as numbers (docs/testing.md, "Child
 * quotas"): a child is charged for the whole loaded image before its
 * role runs, so a fixed quota breaks the day the suite grows past it.
 */
#ifndef LIBOS_TESTS_CHILD_QUOTA_H
#define LIBOS_TESTS_CHILD_QUOTA_H

/*
 * What a child needs besides its image before its own work: what the
 * kernel counts for a child of up to 64 slots (stack 16 pages, one page
 * of slots, 15 of page tables and shared pages: 32, from its "it needs"
 * message) and 16 more for the runtime's first heap page, the tables
 * of the addresses a small role maps, and margin.
 */
#define CHILD_BASE_PAGES 48

/* Pages the loader maps for this image (its PT_LOAD segments, from
 * __image_start to __image_end page-rounded): every child pays them. */
unsigned long image_pages(void);

/* The quota of a child of this image whose role needs own frames more. */
unsigned long child_frames(unsigned long own);

/*
 * Is frames enough for child's image and base (image_pages() +
 * CHILD_BASE_PAGES)? If not, prints "TEST child_quota: FAIL" naming the
 * child, its quota and what the image needs, and returns 0: a test
 * that hard-codes a quota learns why at the spawn, not from a child
 * that runs out of memory later.
 */
int child_quota_ok(const char *child, unsigned long frames);

/*
 * rivet_spawn of /libos/tests.elf playing name, after child_quota_ok
 * (E_NOMEM, nothing spawned, if it fails).
 */
long spawn_child(unsigned long sp, const char *name, unsigned long frames,
		 unsigned long slots, const unsigned long *caps,
		 unsigned long ncaps, unsigned long *slot);

#endif
