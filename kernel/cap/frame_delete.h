/* SPDX-License-Identifier: MIT */
/*
 * cap_delete of a one-page original frame capability in one bounded step
 * (kernel/cap/frame_delete.c): the demand-paged page given back, munmap's
 * case.
 */
#ifndef KERNEL_FRAME_DELETE_H
#define KERNEL_FRAME_DELETE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/cap.h"
#include "kernel/syscall.h"

struct domain;

/*
 * Deletes d's capability c (in slot) if it is a one-page original frame
 * capability with no copy and at most one mapping, a whole 4 KiB leaf
 * in d's own tables, and no revoke is in progress anywhere: unmaps it,
 * gives the frame back and empties the slot, as cap_delete with its
 * callback would. true once done; false, with nothing changed, for any
 * other capability: the general deletion then.
 */
bool frame_delete_page(struct domain *d, struct cap *c, uint32_t slot);

/*
 * SYS_cap_delete's handler on the direct table (kernel/syscall.c: one
 * hart, no restart record): frame_delete_page straight from the entry,
 * its common case (d ran on this hart alone, the page's view entry in
 * the view page used last) with no call at all, else syscall_enter_c,
 * the call's general way.
 */
sysret_t cap_delete_direct(SYSCALL_PARAMS);

#endif
