// SPDX-License-Identifier: MIT
/*
 * The cooperative scheduler's run queue and the calls behind yield, wait,
 * notify and exit; see sched.h. The other concerns are in sched_*.c
 * (sched_core.h lists them).
 */
#include "kernel/sched/sched.h"

#include "kernel/cap/abort.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/sched_core.h"
#include "kernel/test_hooks.h"
#include <rivet/errno.h>
#include <rivet/syscall.h>

#ifdef CONFIG_TRACE
#define TRACE_ON 1
#else
#define TRACE_ON 0
#endif

struct hart_sched sched_harts[CONFIG_NR_HARTS];

/* uvm_hart_bit (arch/riscv/uvm.h) reads the bit as the record's third
 * word. */
_Static_assert(__builtin_offsetof(struct arch_hart_self, bit) == 8,
	       "arch_hart_self.bit moved");
_Static_assert(CONFIG_NR_HARTS <= 64, "a hart mask is 64 bits");

static unsigned harts_online; /* sched_hart_init'ed: they run domains */
static unsigned harts_done;   /* stopped: every domain had ended */
static bool sched_running;    /* sched_start has begun: secondaries go */

void sched_hart_enter(unsigned index)
{
	sched_harts[index].self.index = index;
	sched_harts[index].self.bit = 1UL << index;
	arch_hart_set(&sched_harts[index]);
}

void sched_hart_init(unsigned index, uint32_t hartid, uint64_t stack_top)
{
	struct hart_sched *h = &sched_harts[index];

	h->self.hartid = hartid;
	h->self.index = index;
	h->self.bit = 1UL << index;
	uvm_hart_online(index, hartid);
	h->stack_top = stack_top;
	if (!h->online)
		harts_online++;
	h->online = true;
}

struct domain *sched_current(void)
{
	return this_hart()->current;
}

/* The record of the online hart hartid (placement chose an online one;
 * the boot hart's if none matches). */
static struct hart_sched *hart_of(uint32_t hartid)
{
	unsigned i;

	for (i = 0; i < CONFIG_NR_HARTS; i++)
		if (sched_harts[i].online &&
		    sched_harts[i].self.hartid == hartid)
			return &sched_harts[i];
	return &sched_harts[0];
}

/* Asks h to look at its domains (one made runnable, or ended, by this
 * hart): an IPI, taken in U-mode or by the idle loop, sent once this hart
 * has let the lock go (sched_unlock). wake is stored with release order:
 * what this hart wrote for h before (a woken domain's a0/a1) is seen by
 * h once it sees wake. */
void sched_kick(struct hart_sched *h)
{
	struct hart_sched *me = this_hart();

	__atomic_store_n(&h->wake, true, __ATOMIC_RELEASE);
	if (h != me)
		me->kicks |= 1ULL << h->self.index;
}

void sched_send_kicks(struct hart_sched *h)
{
	uint64_t kicks = h->kicks;
	struct hart_sched *t;

	h->kicks = 0;
	/* What was written for them, before their IPIs (the firmware's
	 * write to the interrupt controller is not ordered by itself). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (t = sched_harts; kicks; t++, kicks >>= 1)
		if (kicks & 1) {
			if (arch_send_ipi(t->self.hartid) == 0)
				h->ipis_sent++;
		}
}

/*
 * Queues this hart's domains that another hart made runnable (h->wake),
 * all but skip (the domain running in U-mode when the IPI came).
 */
void sched_take_wakeups(struct domain *skip)
{
	struct hart_sched *h = this_hart();
	struct domain *d;
	unsigned i;

	h->wake = false;
	/* the table itself, not domain_at: this is the cross-hart wake-up's
	 * path (notify_remote_wake, docs/smp.md) */
	for (i = 0, d = domains; i < ndomains; i++, d++)
		if (d->hart == h && d != skip && !d->queued_on &&
		    d->state == DOMAIN_RUNNABLE)
			runq_push(d);
}

/*
 * rivet.test=hart-stray-bit: d's space also gets the bit of the online
 * hart with the highest id but h, as if d had run there once (a domain
 * that moved, docs/smp.md "TLB shootdown"), whichever hart booted: the
 * mask's reset is tested with it (tests/qemu/test_smp_mask.py).
 */
static void mark_stray_hart(struct domain *d, const struct hart_sched *h)
{
	int stray = -1;
	unsigned i;

	for (i = 0; i < CONFIG_NR_HARTS; i++)
		if (sched_harts[i].online && &sched_harts[i] != h &&
		    (stray < 0 || sched_harts[i].self.hartid >
					  sched_harts[stray].self.hartid))
			stray = (int)i;
	if (stray >= 0)
		uvm_mark_hart(&d->as, 1UL << stray);
}

/*
 * d joins the scheduler on the hart it is placed on (d->placed_hartid):
 * its run queue, its kernel stack for d's traps, and that hart's bit in
 * its address space's hart mask (remote fences, uvm.h). Its satp
 * value is worked out once here, so that a switch, in C or in
 * notify_fast.S's yield_cap, is a single CSR write.
 */
void sched_add(struct domain *d)
{
	struct hart_sched *h = hart_of(d->placed_hartid);

	d->hart = h;
	d->info->hart_id = h->self.hartid;
	d->ctx.kernel_sp = h->stack_top;
	uvm_set_hart(&d->as, h->self.index);
	if (test_hook_hart_stray_bit && test_hook_hart_stray_bit())
		mark_stray_hart(d, h);
	arch_as_activate(&d->as);
	if (h == this_hart())
		runq_push(d);
	else
		sched_kick(h); /* the owner queues it (sched_take_wakeups) */
}

/*
 * This hart's current domain has ended (another hart killed it): it is
 * not current any more, and the hart leaves its address space, which its
 * reaper is about to free.
 */
void sched_drop_ended(void)
{
	struct hart_sched *h = this_hart();

	if (!h->current || domain_live(h->current))
		return;
	h->current = 0;
	vm_activate();
}

/*
 * Every domain has ended. This hart returns what its own ended domains
 * held and stops; the last hart to get here prints the summary and
 * powers the machine off.
 */
static __attribute__((noreturn)) void hart_finish(void)
{
	struct hart_sched *h = this_hart();
	unsigned i;

	h->current = 0;
	domain_reap_all(); /* everything back before the summary */
	h->done = true;
	if (++harts_done < harts_online) {
		for (i = 0; i < CONFIG_NR_HARTS; i++)
			if (sched_harts[i].online && !sched_harts[i].done)
				sched_kick(&sched_harts[i]);
		sched_unlock();
		arch_hart_park();
	}
	pr_notice("rivet: all domains have ended\n");
	domain_summary();
	machine_power_off();
}

void schedule_next(void)
{
	struct hart_sched *h = this_hart();
	struct domain *d;

	domain_reap_step(); /* one piece of an ended domain's teardown */
	if (h->wake)
		sched_take_wakeups(0);
	d = runq_pop();

	while (!d) {
		if (!domain_live_count())
			hart_finish();
		if (!sched_idle())
			sched_break_deadlock();
		d = runq_pop();
	}
	fresh_slice(d);
}

__attribute__((noreturn)) void sched_start(void)
{
	unsigned i;

	bkl_lock();
	domain_registry_update();
	__atomic_store_n(&sched_running, true, __ATOMIC_RELEASE);
	for (i = 1; i < CONFIG_NR_HARTS; i++)
		if (sched_harts[i].online)
			sched_kick(&sched_harts[i]);
	schedule_next();
	sched_leave(this_hart()->current);
}

bool sched_started(void)
{
	return __atomic_load_n(&sched_running, __ATOMIC_ACQUIRE);
}

__attribute__((noreturn)) void sched_secondary(void)
{
	bkl_lock();
	schedule_next();
	sched_leave(this_hart()->current);
}

/*
 * Is d, the running domain, past the end of its slice (in the grace
 * period of a slice-end notice)? Then a directed yield or a handoff has
 * nothing to give: t would start with a slice already over, be told at
 * once and get a grace period of its own, and two domains handing the
 * CPU to each other from their slice-end upcalls would keep it from
 * every other domain for good (tests/qemu/test_pair_starve.py). The
 * CPU goes to the run queue's head instead. The assembly paths never
 * see such a d: its timer is armed at the grace step, not at the slice
 * end they check.
 */
static bool slice_over(const struct domain *d)
{
	return d->grace_end != 0;
}

/*
 * Hands the rest of d's slice to t (runnable, not d): the directed yield.
 * notify_fast.S does all of this itself in the common case (no FP state
 * to move, timer already at d's deadline) for yield_cap and notify_cap's
 * handoff: keep the two in step.
 */
static void yield_to(struct domain *d, struct domain *t)
{
	d->told = false;
	if (slice_over(d)) {
		runq_push(d); /* t stays where it is queued */
		schedule_next();
		return;
	}
	runq_remove(t);
	runq_push(d);
	t->slices_used++;
	t->info->slices_used = t->slices_used;
	switch_to(t, d->slice_end);
}

long sched_yield(struct domain *d, long target)
{
	struct domain *t;

	/* told is cleared only where the CPU is really given up (a yield
	 * to itself or to no one live gives up nothing): yield_to, and
	 * here. */
	if (target == -1) {
		d->told = false;
		runq_push(d);
		schedule_next();
		return 0;
	}
	t = domain_by_id(target);
	if (!domain_live(t))
		return E_NOENT;
	if (t == d)
		return 0;
	if (t->state == DOMAIN_WAITING)
		return E_BUSY;
	if (t->hart != d->hart) {
		/* A hart runs only the domains placed on it (docs/smp.md):
		 * t runs on its own hart anyway, d's slice ends as yield(-1). */
		d->told = false;
		runq_push(d);
		schedule_next();
		return 0;
	}
	yield_to(d, t);
	return 0;
}

long sched_wait(struct domain *d, uint64_t mask)
{
	uint64_t got = d->info->pending & mask;

	if (!mask)
		return E_INVAL;
	if (got) { /* gives up nothing: told stands */
		__atomic_fetch_and(&d->info->pending, ~got, __ATOMIC_ACQ_REL);
		d->ctx.x[REG_A1] = got;
		return 0;
	}
	d->told = false;
	d->state = DOMAIN_WAITING;
	d->wait_mask = mask;
	domain_registry_state(d);
	d->ctx.x[REG_A0] = 0;	 /* what wait returns once woken */
	d->ctx.x[REG_A1] = 0;	 /* the bits, never 0 once woken */
	this_hart()->waiter = d; /* for the idle loop's in-place resume */
	schedule_next();
	this_hart()->waiter = 0;
	/*
	 * Nothing up the call chain has more to do for a wait that slept:
	 * sepc is past the ecall and a0/a1 are written at the wake-up. Go
	 * straight to whoever runs now (the trap entry reloads the kernel
	 * stack, so the frames left behind are simply dropped). It saves the
	 * way back through the dispatch on the interrupt-to-driver path.
	 */
	sched_leave(this_hart()->current);
}

/*
 * wait with pending bits, without the big kernel lock (docs/smp.md): d,
 * whose call is a wait (the caller, entry_syscall, tested the number),
 * takes the bits of its mask that are pending, with an atomic AND (the
 * senders OR theirs in atomically, on any hart), and goes on. Anything
 * else (nothing pending, a restart record, a traced kernel, d ended
 * meanwhile) is left to the locked path: false, nothing changed.
 */
bool sched_wait_ready(struct domain *d)
{
	uint64_t got;

	if (TRACE_ON || d->restart_pc || !domain_live(d))
		return false;
	got = __atomic_load_n(&d->info->pending, __ATOMIC_ACQUIRE) &
	      d->ctx.x[REG_A0];
	if (!got)
		return false;
	__atomic_fetch_and(&d->info->pending, ~got, __ATOMIC_ACQ_REL);
	d->ctx.sepc += 4; /* past the ecall */
	d->ctx.x[REG_A0] = 0;
	d->ctx.x[REG_A1] = got;
	return true;
}

void sched_wait_handoff(struct domain *d, uint64_t mask, struct domain *t)
{
	/* sched_wait's sleep, then yield_to's switch without the push of
	 * d: it waits. arch/riscv/notify_fast.S does all of this itself in
	 * the common case (CONFIG_FAST_NOTIFY): keep the two in step. */
	if (slice_over(d))
		return; /* nothing to hand over: the caller's sched_wait */
	d->told = false;
	d->state = DOMAIN_WAITING;
	d->wait_mask = mask;
	domain_registry_state(d);
	d->ctx.x[REG_A0] = 0; /* what wait returns once woken */
	runq_remove(t);
	t->slices_used++;
	t->info->slices_used = t->slices_used;
	switch_to(t, d->slice_end);
	sched_leave(t); /* gives up the big kernel lock */
}

long sched_notify(struct domain *t, uint64_t bits)
{
	uint64_t got, mask;

	if (!bits)
		return E_INVAL;
	/* A teardown logs, revokes and tells peers, each of which may try
	 * to wake the dying domain (the log owner is woken by any log
	 * line): it must stay off the run queue. */
	if (!domain_live(t))
		return E_NOENT;
	trace_notify(t, this_hart()->current, bits);
	/*
	 * Atomic: t may be taking bits in sched_wait_ready meanwhile, on its
	 * own hart and without the lock, and the notify fast path there
	 * sets them without it too. Sequentially consistent: the OR comes
	 * before the look at t's state, as the fast path's sleep publishes
	 * WAITING before it looks at its bits again (a Dekker pair: one of
	 * the two sees the other, no wake-up is lost).
	 */
	__atomic_fetch_or(&t->info->pending, bits, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != DOMAIN_WAITING)
		return 0;
	mask = t->wait_mask;
	if (!(__atomic_load_n(&t->info->pending, __ATOMIC_RELAXED) & mask) ||
	    !claim_wakeup(t))
		return 0;
	got = __atomic_fetch_and(&t->info->pending, ~mask, __ATOMIC_ACQ_REL) &
	      mask;
	t->ctx.x[REG_A0] = 0;
	domain_registry_state(t);
	/* Last, with release order: t's idle hart resumes t without the
	 * lock once it sees these bits (sched_idle.c), a0 and the registry
	 * written before them. */
	__atomic_store_n(&t->ctx.x[REG_A1], got, __ATOMIC_RELEASE);
	/* Only its own hart changes a run queue (notify_fast.S's yield_cap does
	 * so without the lock): a domain of another hart is queued there. */
	if (t->hart == this_hart())
		runq_push(t);
	else
		sched_kick(t->hart);
	return 0;
}

void sched_exit(struct domain *d, long status)
{
	d->exit_status = status;
	pr_info("domain %s (id %u) exited with status %ld\n", d->name, d->id,
		status);
	domain_destroy(d, DOMAIN_EXITED);
	sched_remove(d);
}

void sched_rearm(void)
{
	struct domain *d = this_hart()->current;

	if (d)
		arm_timer(d);
}

/* On another hart, d stays on its run queue or current until that hart
 * drops it (runq_pop, sched_drop_ended, the entries' check in entry.c):
 * only that hart changes its queue, and only it reaps d. */
void sched_forget(struct domain *d)
{
	struct hart_sched *h = d->hart;

	if (d->queued_on == this_hart())
		runq_remove(d);
	if (!h)
		return; /* never scheduled */
	if (h->waiter == d)
		h->waiter = 0;
	if (h != this_hart())
		sched_kick(h);
}

void sched_remove(struct domain *d)
{
	if (d->queued_on == this_hart())
		runq_remove(d);
	if (this_hart()->current == d) {
		this_hart()->current = 0;
		/* Off its address space: this hart's reaper frees it. */
		vm_activate();
		schedule_next();
	}
}
