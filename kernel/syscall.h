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

/*
 * What a handler answers: a0 (0 or a negative error; SYSCALL_RESTART)
 * and a1 (the value; 0 when the call has none or failed, map_batch's
 * count aside), as one 128-bit word, a0 in the low half. The C calling
 * convention returns it in a0 and a1, where the caller of the system
 * call finds them. (A struct of two words is returned there too, but
 * GCC 12 gives every function returning one a stack frame it does not
 * use: two instructions on every call.)
 */
typedef unsigned __int128 sysret_t;

static inline sysret_t sysret_pack(long rc, uint64_t val)
{
	return (sysret_t)val << 64 | (uint64_t)rc;
}

static inline long sysret_rc(sysret_t r)
{
	return (long)(uint64_t)r;
}

static inline uint64_t sysret_val(sysret_t r)
{
	return (uint64_t)(r >> 64);
}

/*
 * A handler's parameters: the call's arguments a0..a5, as the caller
 * left them in those registers, then the caller. The ordinary call path
 * (arch/riscv/syscall_entry.S) calls the handler straight from the trap
 * with a6 = d, so nothing is copied.
 */
#define SYSCALL_PARAMS                                                         \
	uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,       \
		uint64_t a5, struct domain *d
typedef sysret_t (*syscall_fn)(SYSCALL_PARAMS);

/* SYS_frame_alloc's and SYS_map's general handlers (kernel/syscall.c),
 * which their one steps fall back to (kernel/cap/frame_step.h). */
sysret_t ksys_frame_alloc(SYSCALL_PARAMS);
sysret_t ksys_map(SYSCALL_PARAMS);

/*
 * Points d's ordinary call path at the table it must take now
 * (d->ctx.syscalls): the handlers themselves, or syscall_enter_c for every
 * call while the machine has several harts (the big kernel lock) or d
 * has a restart record (the next call must end it or take it up).
 */
void syscall_route(struct domain *d);

/* The handler of every call that goes through the C dispatch (kernel/
 * arch.h says what it answers); a7, the number, comes as nr. */
sysret_t syscall_enter_c(SYSCALL_PARAMS, uint64_t nr);
/* The same for SYS_map and SYS_frame_alloc with their general handlers
 * (ksys_map, ksys_frame_alloc): their one steps' way on from the direct
 * table (kernel/cap/frame_step.h). */
sysret_t syscall_enter_general(SYSCALL_PARAMS, uint64_t nr);

#endif
