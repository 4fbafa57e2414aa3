/* SPDX-License-Identifier: MIT */
/*
 * The abort protocol: a domain holding a control capability for another
 * asks it to give back N frames by a deadline. The asked domain chooses
 * which (it deletes original frame capabilities); if it has not returned
 * enough by the deadline, the kernel deletes its original frame
 * capabilities itself, newest slot first, and the domain is told which
 * through its revocation ring. Either way the asker gets the outcome in
 * its info page (abort_result) and the RIVET_EVENT_ABORT_DONE bit.
 * Success is measured against the frames the asked domain held when asked:
 * frames it allocates afterwards count against it too.
 */
#ifndef KERNEL_ABORT_H
#define KERNEL_ABORT_H

#include <stdint.h>

struct domain;

/* SYS_frame_reclaim: decode (the count of what t can give goes in
 * restartable pieces, SYSCALL_RESTART), then record the request and
 * tell t. */
long abort_request(struct domain *req, uint64_t slot, uint64_t nframes,
		   uint64_t timeout_us);

/* t deleted capabilities: has it given back enough? */
void abort_check(struct domain *t);

/* Forces every request whose deadline is at or before now. */
void abort_expire(uint64_t now);

/* The earliest pending deadline, or ~0 if none. */
uint64_t abort_next_deadline(void);

/* r is ending: requests it made are called off. */
void abort_requester_gone(struct domain *r);

/* t is ending: its pending request is answered with what it returned. */
void abort_target_gone(struct domain *t);

#endif
