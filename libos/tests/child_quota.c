// SPDX-License-Identifier: MIT
/* Children's frame quotas from the image's size; see child_quota.h. */
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"

extern char __image_start[], __image_end[]; /* libos/lib/libos.ld */

unsigned long image_pages(void)
{
	return ((unsigned long)(__image_end - __image_start) + 4095) / 4096;
}

unsigned long child_frames(unsigned long own)
{
	return image_pages() + CHILD_BASE_PAGES + own;
}

int child_quota_ok(const char *child, unsigned long frames)
{
	if (frames >= child_frames(0))
		return 1;
	printf("TEST child_quota: FAIL %s gets %lu frames, below tests.elf's "
	       "%lu-page image and %u base pages: derive its quota with "
	       "child_frames() (libos/tests/child_quota.h)\n",
	       child, frames, image_pages(), CHILD_BASE_PAGES);
	failures++;
	return 0;
}

long spawn_child(unsigned long sp, const char *name, unsigned long frames,
		 unsigned long slots, const unsigned long *caps,
		 unsigned long ncaps, unsigned long *slot)
{
	if (!child_quota_ok(name, frames))
		return E_NOMEM;
	return rivet_spawn(sp, "/libos/tests.elf", name, frames, slots, caps,
			   ncaps, slot);
}
