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
#include "kernel/cap/frame_cap.h"
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
#include "kernel/lib/printk.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/trace.h"
#include "kernel/cap/spawn.h"
#include "kernel/mm/uaccess.h"
#include <rivet/errno.h>
#include <rivet/syscall.h>

#define DEBUG_WRITE_MAX 4096

typedef long (*syscall_fn)(struct domain *d, const uint64_t *a, uint64_t *val);

static uint64_t stretch_max; /* KSTAT_STRETCH_MAX */

void syscall_note_stretch(uint64_t start)
{
	uint64_t spent = arch_instret() - start;

	if (spent > stretch_max)
		stretch_max = spent;
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
	d->restart_pc = d->ctx.sepc;
	d->restart_nr = d->ctx.x[REG_A7];
	d->restart_arg = arg;
	d->restart_done = done;
}

static long ksys_null(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return 0;
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

static long ksys_debug_write(struct domain *d, const uint64_t *a, uint64_t *val)
{
	char buf[257];
	uint64_t uva = a[0], len = a[1], start = arch_instret();
	uint64_t done = syscall_restart_take(d, uva);

	if (len > DEBUG_WRITE_MAX)
		return E_TOOBIG;
	/* Check the whole buffer first (page by page, nothing copied): all
	 * or nothing. */
	if (!done && user_readable(d, uva, len))
		return E_RANGE;
	while (done < len) {
		uint64_t n = len - done < 256 ? len - done : 256;

		if (copy_from_user(d, buf, uva + done, n))
			return E_RANGE;
		buf[n] = '\0';
		printk(LOG_NOTICE, "%s", buf);
		done += n;
		if (done < len && arch_instret() - start >= DEBUG_WRITE_INSNS) {
			syscall_restart_keep(d, uva, done);
			syscall_note_stretch(start);
			return SYSCALL_RESTART;
		}
	}
	syscall_note_stretch(start);
	return 0;
}

static long ksys_wait(struct domain *d, const uint64_t *a, uint64_t *val)
{
	/* The bits taken reach a1 from the scheduler, now or at wake-up. */
	return sched_wait(d, a[0]);
}

static long ksys_exit(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return cap_sys_exit(d, a[0]);
}

/* Is va the start of user-executable memory of d? */
static bool user_exec(const struct domain *d, uint64_t va)
{
	uint64_t pa, perm;

	return !uvm_lookup(&d->as, va, &pa, &perm) && (perm & PTE_X);
}

static long ksys_upcall_set(struct domain *d, const uint64_t *a, uint64_t *val)
{
	uint64_t exc = a[0], slice = a[1], lo = a[2], hi = a[3];

	if ((exc && !user_exec(d, exc)) || (slice && !user_exec(d, slice)))
		return E_RANGE;
	if (lo > hi || (lo != hi && !user_exec(d, lo)))
		return E_INVAL;
	d->ctx.exc_entry = exc;
	d->slice_entry = slice;
	d->resume_lo = lo;
	d->resume_hi = hi;
	return 0;
}

static long ksys_domain_lookup(struct domain *d, const uint64_t *a,
			       uint64_t *val)
{
	char name[BOOTCONF_NAME_LEN];
	struct domain *t;

	if (a[1] == 0 || a[1] >= sizeof(name))
		return E_NOENT;
	if (copy_from_user(d, name, a[0], a[1]))
		return E_RANGE;
	t = domain_by_name(name, a[1]);
	/* Only a domain the caller's configuration names (or its own,
	 * its children, its spawner) is answered; the rest look absent. */
	if (!t || !domain_view_sees(d, t))
		return E_NOENT;
	*val = t->id;
	return 0;
}

/*
 * Turns FP on for the caller with every FP register zero: the registers
 * may still hold the previous domain's values (FP state is only switched
 * for domains that use it), so they are cleared here, on the one way in.
 */
static long ksys_fp_enable(struct domain *d, const uint64_t *a, uint64_t *val)
{
	if (arch_fp_used(&d->ctx))
		return 0;
	memset(d->fp, 0, sizeof(d->fp));
	arch_fp_restore(d->fp);
	arch_fp_enable(&d->ctx); /* Initial: registers are zero */
	return 0;
}

static long ksys_kstat(struct domain *d, const uint64_t *a, uint64_t *val)
{
	switch (a[0]) {
	case KSTAT_FREE_FRAMES:
		/* With the frames another hart's idle loop is zeroing: the
		 * count does not flicker with the refill (kernel/mm). */
		*val = mem_frames()->nfree + mem_frames()->nzeroing;
		return 0;
	case KSTAT_MY_FRAMES:
		*val = d->used_frames;
		return 0;
	case KSTAT_LIVE_DOMAINS:
		*val = domain_live_count();
		return 0;
	case KSTAT_MY_STRIKES:
		*val = d->strikes;
		return 0;
	case KSTAT_MY_SLOTS:
		*val = d->cs.used;
		return 0;
	case KSTAT_MY_MAPPINGS:
		*val = d->nmappings;
		return 0;
	case KSTAT_STRETCH_MAX:
		*val = stretch_max;
		return 0;
	case KSTAT_MY_QUOTA:
		*val = d->quota_frames;
		return 0;
	case KSTAT_FREE_SLOTS:
		*val = d->cs.nslots - d->cs.used - d->cs.lent;
		return 0;
	case KSTAT_ASIDS:
		*val = domain_asids_in_use();
		return 0;
	case KSTAT_PT_PAGES:
		*val = uvm_table_pages;
		return 0;
	case KSTAT_ALL_SLOTS:
	case KSTAT_ALL_FRAMES:
		*val = domain_usage(a[0] == KSTAT_ALL_SLOTS);
		return 0;
	case KSTAT_ZEROED_FRAMES:
		*val = frame_zero_pooled();
		return 0;
	case KSTAT_IDLE_ZERO_INSNS:
		*val = frame_zero_idle_insns();
		return 0;
	case KSTAT_IDLE_ZERO_FRAMES:
		*val = frame_zero_idle_frames();
		return 0;
	case KSTAT_HART_IRQ_CLAIMS:
		*val = irq_claims_on(d->hart ? d->hart->self.index : 0);
		return 0;
	default:
		return E_INVAL;
	}
}

static long ksys_frame_alloc(struct domain *d, const uint64_t *a, uint64_t *val)
{
	uint32_t slot;
	long rc = frame_cap_alloc(d, a[0], a[1], a[2], &slot);

	if (!rc)
		*val = slot;
	return rc;
}

static long ksys_map(struct domain *d, const uint64_t *a, uint64_t *val)
{
	if (!cap_slot_valid(a[0]) || a[2] > 0xff)
		return E_INVAL;
	return frame_cap_map_some(d, (uint32_t)a[0], a[1], (unsigned)a[2], 0,
				  MAP_INSNS, true);
}

static long ksys_unmap(struct domain *d, const uint64_t *a, uint64_t *val)
{
	if (!cap_slot_valid(a[0]))
		return E_INVAL;
	return frame_cap_unmap(d, (uint32_t)a[0], a[1]);
}

static long ksys_map_batch(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return map_batch_sys(d, a[0], a[1], val);
}

static long ksys_cap_derive(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return cap_sys_derive(d, a[0], a[1], a[2], a[3], val);
}

static long ksys_cap_delete(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return cap_sys_delete(d, a[0]);
}

static long ksys_cap_revoke(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return cap_sys_revoke(d, a[0], val);
}

static long ksys_cap_info(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return cap_sys_info(d, a[0], a[1], val);
}

static long ksys_frame_reclaim(struct domain *d, const uint64_t *a,
			       uint64_t *val)
{
	return abort_request(d, a[0], a[1], a[2]);
}

static long ksys_irq_bind(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return irq_cap_bind(d, a[0], a[1]);
}

static long ksys_irq_ack(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return irq_cap_ack(d, a[0]);
}

static long ksys_timer_event(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return sched_timer_event(d, a[0], a[1]);
}

static long ksys_spawn(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return spawn_sys(d, a[0], val);
}

static long ksys_kill(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return spawn_kill(d, a[0]);
}

static long ksys_log_read(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return klog_read(d, a[0], a[1], val);
}

static long ksys_notify_cap(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return notify_cap_notify(d, a[0], a[1]);
}

static long ksys_yield_cap(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return notify_cap_yield(d, a[0]);
}

static long ksys_notify_wait(struct domain *d, const uint64_t *a, uint64_t *val)
{
	long rc = notify_cap_notify_wait(d, a[0], a[1], a[2]);

	/* A wait that sleeps does not come back here; one that returned at
	 * once wrote the bits it took to a1, which dispatch writes back. */
	if (!rc)
		*val = d->ctx.x[REG_A1];
	return rc;
}

static long ksys_protect(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return protect_sys(d, a[0], a[1], a[2]);
}

static long ksys_frame_alloc_map(struct domain *d, const uint64_t *a,
				 uint64_t *val)
{
	return frame_alloc_map_sys(d, a[0], a[1], val);
}

static long ksys_ring_setup(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return ring_setup_sys(d, a[0], a[1]);
}

static long ksys_ring_submit(struct domain *d, const uint64_t *a, uint64_t *val)
{
	return ring_submit_sys(d, a[0], val);
}

static const syscall_fn syscall_table[SYS_COUNT] = {
#define SYSCALL_ENTRY(num, name, params, errors) [num] = ksys_##name,
	RIVET_SYSCALLS(SYSCALL_ENTRY)
#undef SYSCALL_ENTRY
};

long syscall_run(struct domain *d, uint64_t nr, const uint64_t *a,
		 uint64_t *val)
{
	return syscall_table[nr](d, a, val);
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
	uint64_t nr = d->ctx.x[REG_A7], val = 0;
	syscall_fn fn;
	long rc;

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
	rc = fn(d, &d->ctx.x[REG_A0], &val);
	/* The call may have ended d (exit) or switched away from it (yield);
	 * its context still takes the result for when it resumes. A wait
	 * that sleeps does not come back here (sched_wait). */
	if (d->state == DOMAIN_EXITED || d->state == DOMAIN_KILLED)
		return false;
	if (rc == SYSCALL_RESTART) {
		/* The same ecall, coming back, keeps its records. */
		d->restart_pc = d->ctx.sepc;
		d->restart_nr = nr;
		d->restart_arg = d->ctx.x[REG_A0];
		d->ctx.sepc -= 4; /* the ecall again, with a0..a7 as left */
		return true;
	}
	if (d->restart_pc && !is_yield(nr))
		restart_end(d); /* the call is over */
	d->ctx.x[REG_A0] = (uint64_t)rc;
	if (rc && !a1_on_error(nr))
		d->ctx.x[REG_A1] = 0;
	else if (nr != SYS_wait) /* a wait that succeeded wrote a1 */
		d->ctx.x[REG_A1] = val;
	return true;
}

void syscall_dispatch(struct domain *d)
{
	dispatch(d);
}

/*
 * ---------------------------------------------------------------------
 * The ordinary system call path (CONFIG_FAST_SYSCALL,
 * arch/riscv/syscall_entry.S): only the registers the C calling
 * convention does not preserve are in d's context when the call runs; the
 * others are still live in the CPU, kept by the C code, and the entry
 * writes them out only when the answer below says the caller has ended.
 *
 * The calls in SYSCALL_FULL_FRAME_MASK (kernel/arch.h) never come
 * here: they can leave their caller alive but not running, for the
 * scheduler to resume later from its context, so the entry saves the
 * full frame for them first, as for any trap. Every other call returns
 * to its caller, or ends it.
 * ---------------------------------------------------------------------
 */
struct entry_fast_ret entry_syscall_fast(struct uctx *u)
{
	struct domain *d = (struct domain *)u;
	struct entry_fast_ret r = { u, 0 };

	bkl_lock();	     /* docs/smp.md: every C entry holds it */
	if (!domain_live(d)) /* another hart ended d while it ran */
		sched_remove(d);
	else if (dispatch(d))
		goto out;
	r = (struct entry_fast_ret){ &sched_current()->ctx, u };
out:
	bkl_unlock();
	return r;
}
