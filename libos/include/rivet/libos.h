/* SPDX-License-Identifier: MIT */
/*
 * The Rivet library OS: system call stubs and the runtime every libOS
 * image links with (libos/lib, built as librivet.a). docs/libos.md is the
 * guide.
 *
 * System calls. For every entry X(num, name, (params), errors) of
 * RIVET_SYSCALLS, libos/lib/syscall_stubs.S defines one stub under two
 * names, both declared below from the same table:
 *
 *   long sys_NAME(params);              the result code from a0
 *   struct rivet_ret sys2_NAME(params); a0 and a1 together
 *
 * The stub itself is the same code: load the number into a7, ecall,
 * return. The RISC-V calling convention returns a struct of two words in
 * a0 and a1, so declaring the second name with a struct return is how C
 * gets at a1. Use sys2_ for calls that return a value (wait,
 * domain_lookup, kstat); sys_ for the rest.
 */
#ifndef RIVET_LIBOS_H
#define RIVET_LIBOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/syscall.h>

/* Both result registers of a system call. */
struct rivet_ret {
	long rc;	   /* a0: 0 or a negative E_* code */
	unsigned long val; /* a1: the value, for calls that return one */
};

/*
 * A system call is a function call (docs/syscalls.md, "Convention"): it
 * keeps ra, sp, gp, tp and s0-s11 and may change t0-t6 and a0-a7 (each
 * comes back as it was, zero, or a result). The stubs are functions, so
 * C code calling them needs nothing more; inline assembly around an
 * ecall names a0, a1 and a7 as "+r" operands and these as clobbers.
 */
#define RIVET_SYSCALL_CLOBBERS                                                 \
	"t0", "t1", "t2", "t3", "t4", "t5", "t6", "a2", "a3", "a4", "a5", "a6"

#define RIVET_SYS_DECLARE(num, name, params, errors)                           \
	long sys_##name params;                                                \
	struct rivet_ret sys2_##name params;
RIVET_SYSCALLS(RIVET_SYS_DECLARE)
#undef RIVET_SYS_DECLARE

/* ------------------------------------------------------------ runtime --- */

/* The shared info page the kernel keeps for this domain (read-only). */
const struct rivet_info *rivet_info(void);

/* The registry of domains (read-only, one page shared by all domains):
 * names, ids and states, entry i for id i + 1. */
const struct rivet_registry *rivet_registry(void);

/* Entries valid in rivet_registry()->domains[] (never more than it holds). */
uint32_t rivet_registry_count(void);

/* The state of domain id (RIVET_DOMAIN_*), or 0 if there is no such id. */
uint32_t rivet_domain_state(long id);

/* Is domain id runnable or waiting (not ended, not unknown)? */
static inline bool rivet_domain_alive(long id)
{
	uint32_t s = rivet_domain_state(id);

	return s == RIVET_DOMAIN_RUNNABLE || s == RIVET_DOMAIN_WAITING;
}

/* The rdtime counter: rivet_info()->timebase_hz ticks per second. */
uint64_t rivet_now(void);

/*
 * The event bit librivet uses with the domain's one timer
 * (SYS_timer_event): rivet_sleep_us and rivet_conin_attach's wait.
 */
#define RIVET_TIMER_BIT 18

/*
 * Blocks the whole domain (every uthread: it waits in the kernel) for at
 * least us microseconds of the machine's time, on the domain's one timer
 * with event bit RIVET_TIMER_BIT; a timer the caller had set is replaced.
 * Other events that arrive meanwhile stay pending for the next wait.
 * Returns 0 (at once for 0), or the error of SYS_timer_event / SYS_wait.
 */
long rivet_sleep_us(uint64_t us);

/*
 * The id of the domain called name, from the registry in the info page or,
 * failing that, SYS_domain_lookup. Returns the id (>= 0) or E_NOENT.
 */
long rivet_domain_lookup(const char *name);

/*
 * The slot of a notification capability for the domain called name: the
 * one a `notify =` line gave, else a configured channel's to that peer
 * (libos/lib/notify_name.c). E_NOENT when this domain holds none.
 */
long rivet_notify_slot(const char *name);

/* The same for the domain with this id (a configured line's or channel's
 * capability whose target it is): for a peer known by id only, such as a
 * granted page's owner. E_NOENT when this domain holds none. */
long rivet_notify_slot_of(long id);

/* SYS_notify_cap through rivet_notify_slot(name): bits (0: the whole
 * badge) in that domain's events. Its errors, or E_NOENT. */
long rivet_notify_name(const char *name, unsigned long bits);

/*
 * Gives the rest of the slice to the domain called name, through
 * rivet_notify_slot(name) (SYS_yield_cap). Returns when this domain runs
 * again: 0; or E_NOENT with no capability for it or if it ended, E_BUSY
 * if it waits.
 */
long rivet_yield_to_name(const char *name);

/*
 * The leaf PTE (Sv39 format) that maps va in this domain, read from the
 * kernel's read-only page-table view without a system call; 0 if va is
 * unmapped or outside the view (at or above RIVET_MAP_TOP).
 */
uint64_t rivet_pte(uintptr_t va);

/* Flushes the console and ends the domain with status. No atexit(). */
__attribute__((noreturn)) void rivet_exit(int status);

/* Sends the partial line buffered for stdout, if any. */
void rivet_console_flush(void);

/* ------------------------------------------------- capabilities, spawn --- */

/*
 * The first slot at or after from holding a capability of type
 * (RIVET_CAP_*), found with SYS_cap_info; E_NOENT if there is none.
 */
long rivet_cap_find(unsigned type, unsigned long from);

/*
 * Starts image (a path in the initramfs) as a new domain through the
 * spawn capability in spawn_slot (SYS_spawn), named name (NULL: after
 * the image), with frames frames and slots slots lent from this domain's
 * quota, and copies of caps[0..ncaps-1] in its slots 1... Returns 0 with
 * *slot, a domain capability for the child (end it with sys_kill(*slot),
 * then free the slot with sys_cap_delete), or SYS_spawn's errors.
 */
long rivet_spawn(unsigned long spawn_slot, const char *image, const char *name,
		 unsigned long frames, unsigned long slots,
		 const unsigned long *caps, unsigned long ncaps,
		 unsigned long *slot);

/* ------------------------------------------------------------ upcalls --- */

/*
 * An exception handler. u->save[i] holds register x<i> as it was at the
 * exception (x0 and gp excepted); a handler may change them, and u->epc,
 * before the domain resumes with them. Return 0 to resume at u->epc,
 * anything else to declare the exception unhandled, which ends the domain
 * with status -cause. Handlers run on the exception stack with in_upcall
 * set: a fault inside one kills the domain. They must not use FP.
 */
typedef int (*rivet_exc_handler)(struct rivet_upcall *u, void *arg);

/*
 * Installs h for upcall cause: an exception code 0..15 or one of the
 * kernel's RIVET_UPCALL_* causes (0x101..0x10f); h = NULL removes it.
 * Returns 0, or E_INVAL for any other cause, RIVET_UPCALL_SLICE_END
 * included: the slice-end entry is fixed, in assembly, and yields.
 */
int rivet_exc_register(unsigned long cause, rivet_exc_handler h, void *arg);

/*
 * Installs h for exception code cause (0..15) on the light entry: only
 * the registers a C call does not preserve are saved, and h may read
 * u->cause, u->epc and u->tval and change u->epc, nothing in u->save[]
 * (it holds no register file here). About 60 instructions less per
 * exception than rivet_exc_register, for fault handlers such as the VM
 * manager's. Replaces any handler of cause, light or not (as
 * rivet_exc_register replaces a light one); h = NULL removes it. Returns
 * 0, or E_INVAL for a cause past 15. A non-zero return from h is an
 * unhandled exception, reported and ending the domain as for any other.
 */
int rivet_exc_register_light(unsigned long cause, rivet_exc_handler h,
			     void *arg);

/*
 * A leaf handler: a first look at an exception, before cause's handler,
 * under a narrower contract than a C function's. It is called with every
 * register as the exception left it but gp (the upcall area, also in a0),
 * t0 and t1, and may change only ra, t0, t1 and a0-a7: it must keep sp,
 * tp, gp, s0-s11 and t2-t6, and never touch the stack (sp is the
 * interrupted code's, maybe the faulting page) nor use FP. gp stays the
 * area through the leaf and its system calls, and no entry uses
 * u->save[0]: a leaf may keep a value there across a call. So the entry
 * saves only those ten registers: about 17 instructions less than the
 * light entry's call. It reads u->cause, u->epc and u->tval, may change
 * u->epc, and returns 0 (handled: resume) or non-zero (not its case):
 * then, with nothing changed, the exception goes to cause's handler as if
 * there were no leaf. A C leaf is built so (the VM manager's: -ffixed-t2
 * .. t6, no call, nothing kept across a system call) and checked
 * (scripts/check-exc-leaf).
 */
typedef int (*rivet_exc_leaf)(struct rivet_upcall *u);

/*
 * Installs leaf in front of exception code cause's handler (light, full
 * or none); leaf = NULL removes it, and so does any later registration
 * of a handler for cause (the leaf is that handler's common case).
 * Returns 0, or E_INVAL for a cause past 15.
 */
int rivet_exc_register_leaf(unsigned long cause, rivet_exc_leaf leaf);

/* The default handler for illegal instructions: lazy FP enable. */
int rivet_fp_lazy_handler(struct rivet_upcall *u, void *arg);

/* The upcall area, at its fixed address. */
static inline struct rivet_upcall *rivet_upcall_area(void)
{
	return (struct rivet_upcall *)RIVET_UPCALL_VA;
}

#endif
