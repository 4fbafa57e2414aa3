/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

struct domain;

/*
 * What a handler returns (never a result: results are 0 or negative) when
 * it stopped part-way to keep the kernel's time per entry bounded: the
 * caller goes back to its ecall with a0..a7 as they were, or as the
 * handler rewrote them to say what is left (map_batch), takes whatever
 * interrupt is pending there, and makes the call again when it next runs.
 * A handler keeps anything else it needs in the domain (restart_*).
 */
#define SYSCALL_RESTART 1

#include <stdint.h>

/*
 * The work a restarted call of d did before, if this call is it coming
 * back: the same ecall (d's pc), the same call number (a7) and the same
 * first argument. Any other call starts from nothing: syscall_dispatch
 * ends the record when any other call (a yield aside) is made, and when
 * the call completes. Either way the record is used up.
 */
uint64_t syscall_restart_take(struct domain *d, uint64_t arg);
/* Records the work done before returning SYSCALL_RESTART. */
void syscall_restart_keep(struct domain *d, uint64_t arg, uint64_t done);

/* KSTAT_STRETCH_MAX: notes the instructions (rdinstret) a restartable
 * call's entry spent since start, if the most yet. */
void syscall_note_stretch(uint64_t start);

/*
 * Runs call nr (an existing call) with arguments a[0..5] for d, from
 * somewhere other than d's ecall (the submission ring, kernel/cap/ring.c):
 * the handler's result and *val, nothing written to d's context. Only for
 * calls that neither switch away from d nor restart.
 */
long syscall_run(struct domain *d, uint64_t nr, const uint64_t *a,
		 uint64_t *val);

/* Runs the call in d's saved a7 with a0..a5; results go to a0/a1. */
void syscall_dispatch(struct domain *d);

#endif
