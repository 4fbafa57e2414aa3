// SPDX-License-Identifier: MIT
/*
 * System call dispatch. The table is built from RIVET_SYSCALLS in
 * <rivet/syscall.h>, the single list of numbers. Each handler decodes
 * (checks every argument) before it changes anything; arguments are in
 * a0..a5 of the saved context, the result goes to a0 and a value to a1.
 */
#include "kernel/syscall.h"

#include "kernel/arch.h"
#include "kernel/cap/abort.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/sched/domain.h"
#include "kernel/cap/frame_alloc_map.h"
#include "kernel/cap/frame_step.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/cap/frame_delete.h"
#include "kernel/cap/irq_cap.h"
#include "kernel/cap/map_batch.h"
#include "kernel/boot/domain_view.h"
#include "kernel/cap/notify_cap.h"
#include "kernel/cap/ring.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/frame_zero.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/protect.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/trace.h"
#include "kernel/cap/spawn.h"
#include "kernel/mm/uaccess.h"
#include <rivet/errno.h>
#include <rivet/syscall.h>

#define DEBUG_WRITE_MAX 4096

static uint64_t stretch_max; /* KSTAT_STRETCH_MAX */

void syscall_note_stretch(uint64_t start)
{
	uint64_t spent = arch_instret() - start;

	if (spent > stretch_max)
		stretch_max = spent;
}

/* Records a call of d's stopped part-way and points d's calls at the
 * path that ends or takes up the record (syscall_route). */
static void restart_set(struct domain *d, uint64_t nr, uint64_t arg)
{
	d->restart_pc = d->ctx.sepc;
	d->restart_nr = nr;
	d->restart_arg = arg;
	syscall_route(d);
}

uint64_t syscall_restart_take(struct domain *d, uint64_t arg)
{
	uint64_t done = 0;

	if (d->restart_pc == d->ctx.sepc && d->restart_nr == d->ctx.x[REG_A7] &&
	    d->restart_arg == arg)
		done = d->restart_done;
	d->restart_done = 0;
	return done;
}

void syscall_restart_keep(struct domain *d, uint64_t arg, uint64_t done)
{
	restart_set(d, d->ctx.x[REG_A7], arg);
	d->restart_done = done;
}

/* A result with a value: a1 is 0 when the call failed. */
static inline sysret_t sysret(long rc, uint64_t val)
{
	if (rc)
		val = 0;
	return sysret_pack(rc, val);
}

static sysret_t ksys_nosys(SYSCALL_PARAMS)
{
	return sysret_pack(E_NOSYS, 0);
}

static sysret_t ksys_null(SYSCALL_PARAMS)
{
	return sysret_pack(0, 0);
}

/*
 * Writing to the console costs about 90 instructions a byte (4 KiB: about
 * 370,000), so a long write goes in restartable pieces of whole 256-byte
 * chunks, DEBUG_WRITE_INSNS a piece; the restart record holds how much
 * is written. The whole buffer is checked before anything is written;
 * each chunk again before it is copied, since the caller's slice-end
 * handler runs between pieces and may unmap the rest (E_RANGE then, after
 * what was written).
 */
#define DEBUG_WRITE_INSNS 25000

static sysret_t ksys_debug_write(SYSCALL_PARAMS)
{
	char buf[257];
	uint64_t uva = a0, len = a1, start = arch_instret();
	uint64_t done = syscall_restart_take(d, uva);

	if (len > DEBUG_WRITE_MAX)
		return sysret(E_TOOBIG, 0);
	/* Check the whole buffer first (page by page, nothing copied): all
	 * or nothing. */
	if (!done && user_readable(d, uva, len))
		return sysret(E_RANGE, 0);
	while (done < len) {
		uint64_t n = len - done < 256 ? len - done : 256;

		if (copy_from_user(d, buf, uva + done, n))
			return sysret(E_RANGE, 0);
		buf[n] = '\0';
		printk(LOG_NOTICE, "%s", buf);
		done += n;
		if (done < len && arch_instret() - start >= DEBUG_WRITE_INSNS) {
			syscall_restart_keep(d, uva, done);
			syscall_note_stretch(start);
			return sysret(SYSCALL_RESTART, 0);
		}
	}
	syscall_note_stretch(start);
	return sysret(0, 0);
}

static sysret_t ksys_wait(SYSCALL_PARAMS)
{
	/* The bits taken reach a1 from the scheduler, now or at wake-up. */
	return sysret(sched_wait(d, a0), 0);
}

static sysret_t ksys_exit(SYSCALL_PARAMS)
{
	return sysret(cap_sys_exit(d, a0), 0);
}

/* Is va the start of user-executable memory of d? */
static bool user_exec(const struct domain *d, uint64_t va)
{
	uint64_t pa, perm;

	return !uvm_lookup(&d->as, va, &pa, &perm) && (perm & PTE_X);
}

static sysret_t ksys_upcall_set(SYSCALL_PARAMS)
{
	uint64_t exc = a0, slice = a1, lo = a2, hi = a3;

	if ((exc && !user_exec(d, exc)) || (slice && !user_exec(d, slice)))
		return sysret(E_RANGE, 0);
	if (lo > hi || (lo != hi && !user_exec(d, lo)))
		return sysret(E_INVAL, 0);
	d->ctx.exc_entry = exc;
	d->slice_entry = slice;
	d->resume_lo = lo;
	d->resume_hi = hi;
	return sysret(0, 0);
}

static sysret_t ksys_domain_lookup(SYSCALL_PARAMS)
{
	char name[BOOTCONF_NAME_LEN];
	struct domain *t;

	if (a1 == 0 || a1 >= sizeof(name))
		return sysret(E_NOENT, 0);
	if (copy_from_user(d, name, a0, a1))
		return sysret(E_RANGE, 0);
	t = domain_by_name(name, a1);
	/* Only a domain the caller's configuration names (or its own,
	 * its children, its spawner) is answered; the rest look absent. */
	if (!t || !domain_view_sees(d, t))
		return sysret(E_NOENT, 0);
	return sysret(0, t->id);
}

/*
 * Turns FP on for the caller with every FP register zero: the registers
 * may still hold the previous domain's values (FP state is only switched
 * for domains that use it), so they are cleared here, on the one way in.
 */
static sysret_t ksys_fp_enable(SYSCALL_PARAMS)
{
	if (arch_fp_used(&d->ctx))
		return sysret(0, 0);
	memset(d->fp, 0, sizeof(d->fp));
	arch_fp_restore(d->fp);
	arch_fp_enable(&d->ctx); /* Initial: registers are zero */
	return sysret(0, 0);
}

/* The kstat counters that cost more than a load (kernel/mm, the domain
 * table); E_INVAL for an unknown one. */
static __attribute__((noinline)) sysret_t kstat_counted(uint64_t what,
							struct domain *d)
{
	switch (what) {
	case KSTAT_FREE_FRAMES:
		/* With the frames another hart's idle loop is zeroing: the
		 * count does not flicker with the refill (kernel/mm). */
		return sysret(0, mem_frames()->nfree + mem_frames()->nzeroing);
	case KSTAT_LIVE_DOMAINS:
		return sysret(0, domain_live_count());
	case KSTAT_ASIDS:
		return sysret(0, domain_asids_in_use());
	case KSTAT_ALL_SLOTS:
	case KSTAT_ALL_FRAMES:
		return sysret(0, domain_usage(what == KSTAT_ALL_SLOTS));
	case KSTAT_ZEROED_FRAMES:
		return sysret(0, frame_zero_pooled());
	case KSTAT_IDLE_ZERO_INSNS:
		return sysret(0, frame_zero_idle_insns());
	case KSTAT_IDLE_ZERO_FRAMES:
		return sysret(0, frame_zero_idle_frames());
	case KSTAT_HART_IRQ_CLAIMS:
		return sysret(0,
			      irq_claims_on(d->hart ? d->hart->self.index : 0));
	case KSTAT_REMOTE_FENCES:
		return sysret(0, uvm_fence_calls);
	case KSTAT_REMOTE_FENCE_HARTS:
		return sysret(0, uvm_fence_harts);
	case KSTAT_HART_IDLE_RESUMES:
		return sysret(0, d->hart ? d->hart->idle_resumes : 0);
	case KSTAT_HART_TICKS:
		return sysret(0, d->hart ? d->hart->ticks : 0);
	case KSTAT_HART_IPIS:
		return sysret(0, d->hart ? d->hart->ipis : 0);
	case KSTAT_HART_IPIS_SENT:
		return sysret(0, d->hart ? d->hart->ipis_sent : 0);
	case KSTAT_HART_TICK_WAKES:
		return sysret(0, d->hart ? d->hart->tick_wakes : 0);
#ifdef CONFIG_FAST_CAP_DELETE
	case KSTAT_MY_ONE_STEP_DELETES:
		return sysret(0, d->one_step_deletes);
#endif
#ifdef CONFIG_FAST_ALLOC_MAP
	case KSTAT_MY_ONE_STEP_ALLOC_MAPS:
		return sysret(0, d->one_step_alloc_maps);
#endif
#ifdef CONFIG_FAST_MAP_STEP
	case KSTAT_MY_ONE_STEP_ALLOCS:
		return sysret(0, d->one_step_allocs);
	case KSTAT_MY_ONE_STEP_MAPS:
		return sysret(0, d->one_step_maps);
#endif
	default:
		return sysret(E_INVAL, 0);
	}
}

/*
 * The counters that are one word each: the caller's own, and two kernel
 * totals. Each word is written whole (under the lock, by whichever hart
 * changes it), so a read without the lock gives a value it held
 * (kstat_word_unlocked). False: not one of them.
 */
static inline __attribute__((always_inline)) bool
kstat_word(uint64_t what, const struct domain *d, uint64_t *val)
{
	switch (what) {
	case KSTAT_MY_FRAMES:
		*val = d->used_frames;
		return true;
	case KSTAT_MY_STRIKES:
		*val = d->strikes;
		return true;
	case KSTAT_MY_SLOTS:
		*val = d->cs.used;
		return true;
	case KSTAT_MY_MAPPINGS:
		*val = d->nmappings;
		return true;
	case KSTAT_STRETCH_MAX:
		*val = stretch_max;
		return true;
	case KSTAT_MY_QUOTA:
		*val = d->quota_frames;
		return true;
	case KSTAT_PT_PAGES:
		*val = uvm_table_pages;
		return true;
	default:
		return false;
	}
}

static sysret_t ksys_kstat(SYSCALL_PARAMS)
{
	uint64_t val;

	/* The caller's own counters are one load each (a leaf: no frame). */
	if (kstat_word(a0, d, &val))
		return sysret_pack(0, val);
	if (a0 == KSTAT_FREE_SLOTS) /* three words: under the lock */
		return sysret_pack(0, d->cs.nslots - d->cs.used - d->cs.lent);
	return kstat_counted(a0, d);
}

/* frame_alloc and map the general way: with CONFIG_FAST_MAP_STEP, what
 * their one steps fall back to, as a tail call (kernel/syscall.h). */
sysret_t ksys_frame_alloc(SYSCALL_PARAMS)
{
	uint32_t slot = 0;
	long rc = frame_cap_alloc(d, a0, a1, a2, &slot);

	return sysret(rc, slot);
}

sysret_t ksys_map(SYSCALL_PARAMS)
{
	if (!cap_slot_valid(a0) || a2 > 0xff)
		return sysret(E_INVAL, 0);
	return sysret(frame_cap_map_some(d, (uint32_t)a0, a1, (unsigned)a2, 0,
					 MAP_INSNS, true),
		      0);
}

static sysret_t ksys_unmap(SYSCALL_PARAMS)
{
	if (!cap_slot_valid(a0))
		return sysret(E_INVAL, 0);
	return sysret(frame_cap_unmap(d, (uint32_t)a0, a1), 0);
}

/* a1 is the count mapped, failure or not. */
static sysret_t ksys_map_batch(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = map_batch_sys(d, a0, a1, &val);

	return sysret_pack(rc, val);
}

static sysret_t ksys_cap_derive(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = cap_sys_derive(d, a0, a1, a2, a3, &val);

	return sysret(rc, val);
}

static sysret_t ksys_cap_delete(SYSCALL_PARAMS)
{
	return sysret(cap_sys_delete(d, a0), 0);
}

static sysret_t ksys_cap_revoke(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = cap_sys_revoke(d, a0, &val);

	return sysret(rc, val);
}

static sysret_t ksys_cap_info(SYSCALL_PARAMS)
{
	uint64_t val = 0; /* cap_sys_info sets it only on success */
	long rc = cap_sys_info(d, a0, a1, &val);

	return sysret_pack(rc, val);
}

static sysret_t ksys_frame_reclaim(SYSCALL_PARAMS)
{
	return sysret(abort_request(d, a0, a1, a2), 0);
}

static sysret_t ksys_irq_bind(SYSCALL_PARAMS)
{
	return sysret(irq_cap_bind(d, a0, a1), 0);
}

static sysret_t ksys_irq_ack(SYSCALL_PARAMS)
{
	return sysret(irq_cap_ack(d, a0), 0);
}

static sysret_t ksys_timer_event(SYSCALL_PARAMS)
{
	return sysret(sched_timer_event(d, a0, a1), 0);
}

static sysret_t ksys_spawn(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = spawn_sys(d, a0, &val);

	return sysret(rc, val);
}

static sysret_t ksys_kill(SYSCALL_PARAMS)
{
	return sysret(spawn_kill(d, a0), 0);
}

static sysret_t ksys_log_read(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = klog_read(d, a0, a1, &val);

	return sysret(rc, val);
}

static sysret_t ksys_notify_cap(SYSCALL_PARAMS)
{
	return sysret(notify_cap_notify(d, a0, a1), 0);
}

static sysret_t ksys_yield_cap(SYSCALL_PARAMS)
{
	return sysret(notify_cap_yield(d, a0), 0);
}

static sysret_t ksys_notify_wait(SYSCALL_PARAMS)
{
	long rc = notify_cap_notify_wait(d, a0, a1, a2);

	/* A wait that sleeps does not come back here; one that returned at
	 * once wrote the bits it took to a1, which dispatch writes back. */
	return sysret(rc, d->ctx.x[REG_A1]);
}

static sysret_t ksys_protect(SYSCALL_PARAMS)
{
	return sysret(protect_sys(a0, a1, a2, d), 0);
}

static sysret_t ksys_frame_alloc_map(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = frame_alloc_map_sys(d, a0, a1, &val);

	return sysret(rc, val);
}

static sysret_t ksys_ring_setup(SYSCALL_PARAMS)
{
	return sysret(ring_setup_sys(d, a0, a1), 0);
}

static sysret_t ksys_ring_submit(SYSCALL_PARAMS)
{
	uint64_t val = 0;
	long rc = ring_submit_sys(d, a0, &val);

	return sysret(rc, val);
}

/* Every call, by number: the reference table (dispatch, syscall_run). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init" /* the one steps */
static const syscall_fn syscall_table[SYS_COUNT] = {
#define SYSCALL_ENTRY(num, name, params, errors) [num] = ksys_##name,
	RIVET_SYSCALLS(SYSCALL_ENTRY)
#undef SYSCALL_ENTRY
#ifdef CONFIG_FAST_MAP_STEP
		/* Their one step first, else the general way as a tail call. */
		[SYS_frame_alloc] = frame_alloc_sys,
	[SYS_map] = map_sys,
#endif
};
#pragma GCC diagnostic pop

long syscall_run(struct domain *d, uint64_t nr, const uint64_t *a,
		 uint64_t *val)
{
	sysret_t r = syscall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5], d);

	*val = sysret_val(r);
	return sysret_rc(r);
}

/* Ends d's restart record, its revoke in progress and its spawn in
 * progress (a given-up spawn's child is reaped). A revoke in
 * progress is only ever recorded with a restart (cap_revoking_set runs
 * when a call returns SYSCALL_RESTART), so callers test d->restart_pc
 * first: the common case, no record, costs one load. */
static __attribute__((noinline)) void restart_end(struct domain *d)
{
	d->restart_pc = 0;
	d->restart_done = 0;
	cap_revoking_clear(&domain_caps, d->cs.id);
	if (d->spawning) /* a spawn given up: its child goes back */
		spawn_give_up(d);
	syscall_route(d);
}

/* Is this call of d's not the restarted one coming back? (sepc is past
 * the ecall already.) */
static inline bool restart_other_call(const struct domain *d, uint64_t nr)
{
	return d->restart_pc != d->ctx.sepc || d->restart_nr != nr ||
	       d->restart_arg != d->ctx.x[REG_A0];
}

/* A yield, which keeps a restart record: the libOS's slice-end upcall
 * makes one (yield_cap(RIVET_YIELD_ANY)) between a call's pieces. */
static inline bool is_yield(uint64_t nr)
{
	return nr == SYS_yield_cap;
}

/*
 * Calls whose a1 means something when they fail: map_batch says how many
 * entries it mapped before the one that failed. Every other failing call
 * returns a1 = 0, whatever its handler left in val.
 */
static bool a1_on_error(uint64_t nr)
{
	return nr == SYS_map_batch;
}

/*
 * What dispatch does once call nr of d has answered r: both result
 * registers in d's context, or a restart (the ecall again, with a0..a7 as
 * left there), or nothing when d has ended (false).
 */
static inline __attribute__((always_inline)) bool
dispatch_done(struct domain *d, uint64_t nr, sysret_t r)
{
	/* The call may have ended d (exit) or switched away from it (yield);
	 * its context still takes the result for when it resumes. A wait
	 * that sleeps does not come back here (sched_wait). */
	if (d->state == DOMAIN_EXITED || d->state == DOMAIN_KILLED)
		return false;
	if (sysret_rc(r) == SYSCALL_RESTART) {
		/* The same ecall, coming back, keeps its records. */
		restart_set(d, nr, d->ctx.x[REG_A0]);
		d->ctx.sepc -= 4; /* the ecall again, with a0..a7 as left */
		return true;
	}
	if (d->restart_pc && !is_yield(nr))
		restart_end(d); /* the call is over */
	d->ctx.x[REG_A0] = (uint64_t)sysret_rc(r);
	if (sysret_rc(r) && !a1_on_error(nr))
		d->ctx.x[REG_A1] = 0;
	else if (nr != SYS_wait) /* a wait that succeeded wrote a1 */
		d->ctx.x[REG_A1] = sysret_val(r);
	return true;
}

/*
 * Runs the call in d's a7 and writes both result registers, on every
 * path: a0 = the result, a1 = the handler's value on success (0 if it set
 * none) and 0 on failure (a1_on_error excepted), so no handler can hand
 * back a stale kernel value by forgetting to set it. wait writes a1
 * itself when it succeeds (now or at the wake-up); exit and a killed
 * caller get nothing, their context is gone. False when the caller has
 * ended (its context takes nothing more).
 */
static inline __attribute__((always_inline)) bool dispatch(struct domain *d)
{
	uint64_t nr = d->ctx.x[REG_A7], *a = &d->ctx.x[REG_A0];
	sysret_t r;
	syscall_fn fn;

	trace_syscall(d, nr);
	d->ctx.sepc += 4; /* resume after the ecall */
	/* Any call but the one stopped part-way ends its restart record and
	 * its revoke in progress (cap_revoking_set): given up. A yield (the
	 * libOS's slice-end upcall makes one between pieces) leaves both. */
	if (d->restart_pc && !is_yield(nr) && restart_other_call(d, nr))
		restart_end(d);
	fn = nr < SYS_COUNT ? syscall_table[nr] : 0;
	if (!fn) {
		d->ctx.x[REG_A0] = (uint64_t)(long)E_NOSYS;
		d->ctx.x[REG_A1] = 0;
		return true;
	}
	r = fn(a[0], a[1], a[2], a[3], a[4], a[5], d);
	return dispatch_done(d, nr, r);
}

void syscall_dispatch(struct domain *d)
{
	dispatch(d);
}

/*
 * ---------------------------------------------------------------------
 * The ordinary system call path (CONFIG_FAST_SYSCALL,
 * arch/riscv/syscall_entry.S): the entry calls a handler straight from
 * the table in d->ctx.syscalls (a copy of one of the two below), with the call's arguments in a0..a5,
 * d in a6 and the number in a7, and gives the caller its two words; no
 * register is in d's context but the user's sp and tp (and t0/t1, parked
 * by the trap). Two tables:
 *
 *   syscall_direct  on a machine with one usable hart (bkl_alone: no
 *                   lock to take) and while d has no restart record: each
 *                   call's own handler, but for the calls that can stop
 *                   part-way (SYSCALL_VIA_C: their restart needs a0..a7
 *                   and the pc in d's context), which take
 *                   syscall_enter_c;
 *   syscall_several on a machine with several harts, while d has no
 *                   restart record: syscall_enter_c for every call but
 *                   kstat of a one-word counter, which reads it without
 *                   the lock (kstat_word_unlocked);
 *   syscall_via_c   otherwise (a restart record: any other call ends it,
 *                   in dispatch): syscall_enter_c for every call.
 *
 * The calls in SYSCALL_FULL_FRAME_MASK (kernel/arch.h) never come
 * here: they can leave their caller alive but not running, for the
 * scheduler to resume later from its context, so the entry saves the
 * full frame for them first, as for any trap. Their entry in both
 * tables is 0, which is how the entry tells them (one test of the
 * sign: a handler's address is in the kernel's high half).
 * ---------------------------------------------------------------------
 */

/*
 * The calls that can return SYSCALL_RESTART (or whose handler reads
 * d's context): they go through syscall_enter_c, which puts a0..a7 and
 * the pc in the context first. A handler outside the mask that stops
 * part-way finds the entry's check (syscall_lost_restart).
 */
#define SYSCALL_VIA_C                                                          \
	((1UL << SYS_debug_write) | (1UL << SYS_frame_alloc) |                 \
	 (1UL << SYS_map) | (1UL << SYS_unmap) | (1UL << SYS_map_batch) |      \
	 (1UL << SYS_cap_delete) | (1UL << SYS_cap_revoke) |                   \
	 (1UL << SYS_frame_reclaim) | (1UL << SYS_spawn) | (1UL << SYS_kill) | \
	 (1UL << SYS_ring_submit))

static const syscall_fn syscall_direct[SYS_COUNT];

/* What enter_c and syscall_enter_c answer once dispatch has run: d
 * resumes from its context, or has ended, or takes its two words. */
static inline __attribute__((always_inline)) sysret_t
answer(struct domain *d, bool goes_on, uint64_t pc)
{
	if (!goes_on)
		return sysret_pack(SYSCALL_ANSWER_SWITCH, (uint64_t)d);
	if (d->ctx.sepc == pc) /* stopped part-way: the ecall again */
		return sysret_pack(SYSCALL_ANSWER_CONTEXT, 0);
	return sysret_pack((long)d->ctx.x[REG_A0], d->ctx.x[REG_A1]);
}

/*
 * The C dispatch of d's call, its a0..a7 and pc in d's context: the big
 * kernel lock, then dispatch as on the full path.
 */
static __attribute__((noinline)) sysret_t enter_c(struct domain *d)
{
	uint64_t pc = d->ctx.sepc;
	bool goes_on;

	bkl_lock();		  /* docs/smp.md: every C entry holds it */
	goes_on = domain_live(d); /* another hart may have ended d */
	if (goes_on)
		goes_on = dispatch(d);
	else
		sched_remove(d);
	sched_unlock();
	return answer(d, goes_on, pc);
}

/*
 * Every call through the C dispatch: a0..a7 and the pc into d's context
 * (the user's a6 is gone: the entry passed d there, so the context takes
 * 0, a clobbered register's value). On the direct table (one hart, no
 * restart record: nothing to lock, no record to end) a call that can stop
 * part-way is run here with its arguments as they came, and dispatch_done
 * finishes it; anything else goes to enter_c. The answer is the call's
 * two words, or SYSCALL_ANSWER_CONTEXT when d resumes from its context
 * (a restart), or SYSCALL_ANSWER_SWITCH with d when d has ended.
 */
static inline __attribute__((always_inline)) sysret_t
enter_c_as(SYSCALL_PARAMS, uint64_t nr, bool general)
{
	struct uctx *u = &d->ctx;
	uint64_t pc = arch_trap_pc();
	sysret_t r;

	u->x[REG_A0] = a0;
	u->x[REG_A1] = a1;
	u->x[REG_A2] = a2;
	u->x[REG_A3] = a3;
	u->x[REG_A4] = a4;
	u->x[REG_A5] = a5;
	u->x[REG_A6] = 0;
	u->x[REG_A7] = nr;
	u->sepc = pc;
	if (d->syscall_route != syscall_direct)
		return enter_c(d);
	u->sepc = pc + 4; /* as dispatch leaves it */
	/* Read here, not above: the C path of every call stays as it was. */
	if (general)
		r = (nr == SYS_map ? ksys_map : ksys_frame_alloc)(
			a0, a1, a2, a3, a4, a5, d);
	else
		r = syscall_table[nr](a0, a1, a2, a3, a4, a5, d);
	return answer(d, dispatch_done(d, nr, r), pc);
}

sysret_t syscall_enter_c(SYSCALL_PARAMS, uint64_t nr)
{
	return enter_c_as(a0, a1, a2, a3, a4, a5, d, nr, false);
}

/*
 * What a one step on the direct table that did not take the call
 * (frame_alloc_direct, map_direct: kernel/cap/frame_step.h) goes on
 * with: syscall_enter_c, but with the call's general handler, which does
 * not try the step a second time.
 */
sysret_t syscall_enter_general(SYSCALL_PARAMS, uint64_t nr)
{
	return enter_c_as(a0, a1, a2, a3, a4, a5, d, nr, true);
}

/*
 * kstat on several harts (syscall_several): a one-word counter is read
 * without the big kernel lock, as on one hart. It reads one word, writes
 * nothing and needs no check that d still lives (another hart that ended
 * d kicks this one, and d's memory stays until this hart reaps it), so
 * like the null call it needs no lock; any other counter reads shared
 * structures whole and takes it (syscall_enter_c).
 */
static sysret_t kstat_word_unlocked(SYSCALL_PARAMS)
{
	uint64_t val;

	if (kstat_word(a0, d, &val))
		return sysret_pack(0, val);
	return syscall_enter_c(a0, a1, a2, a3, a4, a5, d, SYS_kstat);
}

/* syscall_enter_c takes a7 too, which the tables' type does not name: the
 * entry calls it with every argument register set. */
#define ENTER_C ((syscall_fn)(void (*)(void))syscall_enter_c)

/* A full-frame call's entry in both tables: no handler. The entry tests
 * the entry's sign (every kernel address is negative), not a mask. */
#define FULL_FRAME(num) ((SYSCALL_FULL_FRAME_MASK >> (num)) & 1)

#define SYSCALL_DIRECT(num, name, params, errors)                              \
	[num] = FULL_FRAME(num)		       ? 0                             \
		: (SYSCALL_VIA_C >> (num)) & 1 ? ENTER_C                       \
					       : ksys_##name,

#define SYSCALL_VIA(num, name, params, errors)                                 \
	[num] = FULL_FRAME(num) ? 0 : ENTER_C,

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init" /* numbers with no call */
static const syscall_fn syscall_direct[SYS_COUNT] = {
	[0 ... SYS_COUNT - 1] = ksys_nosys,
	RIVET_SYSCALLS(SYSCALL_DIRECT)
#ifdef CONFIG_FAST_CAP_DELETE
		/* Its one step straight from the entry, else syscall_enter_c. */
		[SYS_cap_delete] = cap_delete_direct,
#endif
#ifdef CONFIG_FAST_ALLOC_MAP
	/* Its one step straight from the entry, else the general way. */
	[SYS_frame_alloc_map] = frame_alloc_map_direct,
#endif
#ifdef CONFIG_FAST_MAP_STEP
	/* Their one step straight from the entry, else syscall_enter_c. */
	[SYS_frame_alloc] = frame_alloc_direct,
	[SYS_map] = map_direct,
#endif
};

static const syscall_fn syscall_via_c[SYS_COUNT] = {
	[0 ... SYS_COUNT - 1] = ENTER_C, RIVET_SYSCALLS(SYSCALL_VIA)
};

static const syscall_fn syscall_several[SYS_COUNT] = {
	[0 ... SYS_COUNT - 1] = ENTER_C,
	RIVET_SYSCALLS(SYSCALL_VIA)[SYS_kstat] = kstat_word_unlocked,
};
#pragma GCC diagnostic pop

_Static_assert(SYS_COUNT == UC_NSYSCALLS, "the uctx holds the whole table");

/* The table changes only when a restart record comes or goes (and at a
 * domain's creation): a copy of 256 bytes then, one load less on every
 * call (syscall_entry.S). */
void syscall_route(struct domain *d)
{
	const syscall_fn *t = d->restart_pc ? syscall_via_c
			      : bkl_alone   ? syscall_direct
					    : syscall_several;

	if (d->syscall_route == t)
		return;
	d->syscall_route = t;
	memcpy(d->ctx.syscalls, t, sizeof(d->ctx.syscalls));
}

/* A handler called straight from the entry returned SYSCALL_RESTART: its
 * arguments were never saved, so the call cannot be restarted. A kernel
 * bug (the call belongs in SYSCALL_VIA_C), caught on the way out. */
void syscall_lost_restart(void)
{
	panic("syscall: a handler outside SYSCALL_VIA_C stopped part-way");
}
