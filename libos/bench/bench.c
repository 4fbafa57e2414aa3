/* SPDX-License-Identifier: MIT */
/*
 * The benchmark libOS (make bench). Run under QEMU with
 * -icount shift=0,sleep=off -seed 1 -smp 1, where rdinstret counts one per
 * guest instruction in every mode (U, S and the M-mode firmware), so each
 * figure is a deterministic instruction count.
 *
 * Each figure is (instructions for N operations in a loop - the same loop
 * with the operation replaced by a no-op of the same size) / N, printed as
 *   BENCH <name> <value> <unit>
 *
 * Two roles, by domain name: "bench" measures, "bench_peer" is the other
 * side of yield_pair.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/channel.h>
#include <rivet/libos.h>
#include <rivet/uthread.h>
#include <rivet/testreport.h>

#include "bench.h"

void bench_print_n(const char *name, int64_t total, int64_t n, const char *unit)
{
	int64_t tenths = total * 10 / n;

	if (tenths < 0)
		tenths = 0;
	printf("BENCH %s %ld.%ld %s\n", name, (long)(tenths / 10),
	       (long)(tenths % 10), unit);
}

static void bench_print(const char *name, int64_t total, const char *unit)
{
	bench_print_n(name, total, N, unit);
}

/*
 * A minimal exception handler: skip the 4-byte faulting instruction and
 * resume, in the protocol of include/rivet/abi.h. It is what a libOS that
 * cares about a particular exception would install; the runtime's generic
 * entry (which saves every register and calls C) is measured separately.
 */
__asm__(".pushsection .text\n"
	".balign 4\n"
	".globl bench_exc_entry\n"
	"bench_exc_entry:\n"
	"	li	gp, 0x3fffffe000\n" /* RIVET_UPCALL_VA */
	"	ld	t0, 0x10(gp)\n"	    /* epc */
	"	addi	t0, t0, 4\n"
	"	sd	t0, 0x10(gp)\n"
	"	ld	t0, 0x20(gp)\n" /* the user's t0, t1 */
	"	ld	t1, 0x28(gp)\n"
	".globl bench_resume_lo\n"
	"bench_resume_lo:\n"
	"	sd	zero, 0(gp)\n" /* in_upcall = 0 */
	"	ld	gp, 0x10(gp)\n"
	"	jr	gp\n"
	".globl bench_resume_hi\n"
	"bench_resume_hi:\n"
	".popsection\n");
extern char bench_exc_entry[], bench_resume_lo[], bench_resume_hi[];
extern char rivet_exc_light_entry[], rivet_slice_entry[];
extern char rivet_upcall_resume[], rivet_upcall_resume_end[];

/* Loops of N operations; every body is 4-byte instructions (norvc). */
#define LOOP(body)                                                             \
	({                                                                     \
		uint64_t t0_ = rivet_instret();                                \
		for (int i_ = 0; i_ < N; i_++)                                 \
			__asm__ volatile(".option push\n.option norvc\n" body  \
					 "\n.option pop" ::                    \
						 : "memory");                  \
		rivet_instret() - t0_;                                         \
	})

/* The same for a body that makes a system call: the registers a call may
 * change (docs/syscalls.md: ra, t0-t6, a0-a7) are clobbered, in the
 * loop with the ecall and in the one without it alike. */
#define SYSCALL_LOOP(body)                                                     \
	({                                                                     \
		uint64_t t0_ = rivet_instret();                                \
		for (int i_ = 0; i_ < N; i_++)                                 \
			__asm__ volatile(".option push\n.option norvc\n" body  \
					 "\n.option pop" ::                    \
						 : "memory", "a0", "a1", "a7", \
						   RIVET_SYSCALL_CLOBBERS);    \
		rivet_instret() - t0_;                                         \
	})

static uint64_t baseline_nop(void)
{
	return LOOP("nop");
}

static volatile uint32_t misaligned_words[4];

/* The same work as bench_exc_entry, as a C handler behind the runtime. */
static int skip4(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	u->epc += 4;
	return 0;
}

static void bench_syscall(void)
{
	uint64_t with, without;

	with = SYSCALL_LOOP("li a7, 0\n ecall");
	without = SYSCALL_LOOP("li a7, 0\n nop");
	bench_print("null_syscall", (int64_t)(with - without), "insns/op");
	with = SYSCALL_LOOP("li a7, 9\n li a0, 1\n ecall");
	without = SYSCALL_LOOP("li a7, 9\n li a0, 1\n nop");
	bench_print("kstat_syscall", (int64_t)(with - without), "insns/op");
}

static void bench_exceptions(void)
{
	uint64_t base = baseline_nop();
	char *odd = (char *)misaligned_words + 2;

	sys_upcall_set((unsigned long)bench_exc_entry, 0,
		       (unsigned long)bench_resume_lo,
		       (unsigned long)bench_resume_hi);
	bench_print("exc_breakpoint", (int64_t)(LOOP("ebreak") - base),
		    "insns/op");
	bench_print("exc_illegal", (int64_t)(LOOP("unimp") - base), "insns/op");
	bench_print("exc_pagefault",
		    (int64_t)(LOOP("lw zero, 0x100(zero)") - base), "insns/op");
	{
		uint64_t t0 = rivet_instret(), t;

		for (int i = 0; i < N; i++)
			__asm__ volatile(".option push\n.option norvc\n"
					 "amoadd.w zero, zero, (%0)\n"
					 ".option pop" ::"r"(odd)
					 : "memory");
		t = rivet_instret() - t0;
		t0 = rivet_instret();
		for (int i = 0; i < N; i++)
			__asm__ volatile(".option push\n.option norvc\n"
					 "nop\n.option pop" ::"r"(odd)
					 : "memory");
		bench_print("exc_misaligned",
			    (int64_t)(t - (rivet_instret() - t0)), "insns/op");
	}
	/* The runtime's generic path: every register saved, C dispatch
	 * (through the light entry's check for a light handler first). */
	sys_upcall_set((unsigned long)rivet_exc_light_entry,
		       (unsigned long)rivet_slice_entry,
		       (unsigned long)rivet_upcall_resume,
		       (unsigned long)rivet_upcall_resume_end);
	rivet_exc_register(3, skip4, 0);
	bench_print("exc_breakpoint_generic", (int64_t)(LOOP("ebreak") - base),
		    "insns/op");
}

static long peer_id;

__attribute__((noinline)) long empty_call(long x)
{
	__asm__ volatile("" ::: "memory");
	return x;
}

/* Each side yields to the other through the notification capability
 * of their channel (yield_cap): there is no yield by id. */
static void bench_yield_pair(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;
	uint64_t t0, with, without;
	int i;

	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys_yield_cap(ns);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		empty_call((long)ns);
	without = rivet_instret() - t0;
	/* One round trip: bench -> peer -> bench, both yields included,
	 * and the peer's own loop around its yield. */
	bench_print("yield_pair", (int64_t)(with - without), "insns/roundtrip");
}

static volatile int stop_worker;

static void *worker(void *arg)
{
	(void)arg;
	while (!stop_worker)
		uthread_yield();
	return 0;
}

static void bench_uthread(void)
{
	struct uthread *w = uthread_create(worker, 0, 8192);
	uint64_t t0, with, loop;
	int i;

	uthread_yield(); /* let the worker start */
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		uthread_yield(); /* main -> worker -> main: two switches */
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		empty_call(i);
	loop = rivet_instret() - t0;
	stop_worker = 1;
	uthread_join(w, 0);
	bench_print("uthread_switch", (int64_t)(with - loop) / 2, "insns/op");
}

/*
 * The channel between bench and bench_peer ([channel] in rivet.conf): its
 * first words say what the peer does once bench yields to it with a mode
 * set, and carry notify_wake's stamps.
 */
enum {
	PEER_YIELD,
	PEER_ECHO,
	PEER_STAMP,
	PEER_STOP
};
struct peer_page {
	volatile uint64_t mode;
	volatile uint64_t t0;  /* rdinstret just before bench's notify */
	volatile uint64_t sum; /* the peer's rdinstret at wake-up - t0 */
};

static struct peer_page *peer_page(void)
{
	return (struct peer_page *)(uintptr_t)rivet_info()->channels[0].va;
}

static unsigned long chan_bit(void)
{
	return 1UL << rivet_info()->channels[0].bit;
}

/* Answers each request at once: a notify_wait per round trip. The first
 * also wakes bench, which waits in peer_mode. */
static void peer_echo(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;

	do
		sys2_notify_wait(ns, 0, chan_bit());
	while (peer_page()->mode == PEER_ECHO);
}

/* Notes how long each wake-up took to reach it (rdinstret first). */
static void peer_stamp(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;
	struct peer_page *p = peer_page();
	uint64_t now;

	sys2_notify_wait(ns, 0, chan_bit());
	for (;;) {
		now = rivet_instret();
		if (p->mode != PEER_STAMP)
			return;
		p->sum += now - p->t0;
		sys2_wait(chan_bit());
	}
}

/*
 * Gives the slice straight back until "bench" is gone (yield_pair's
 * other side: the loop is the figure's). A yield refused because bench
 * waits means bench wants something: a mode set in the channel page, or
 * nothing (it waits for an interrupt), and then the peer sleeps on the
 * channel until bench notifies it.
 */
static void role_peer(void)
{
	unsigned long me = rivet_info()->channels[0].notify_slot;
	long rc;

	for (;;) {
		while ((rc = sys_yield_cap(me)) == 0)
			;
		if (rc != E_BUSY || !rivet_info()->nchannels)
			return;
		if (peer_page()->mode == PEER_ECHO)
			peer_echo();
		else if (peer_page()->mode == PEER_STAMP)
			peer_stamp();
		else
			sys2_wait(chan_bit());
	}
}

/* Puts the peer in mode and waits until it is there: the peer sees the
 * mode when its yield is refused (bench waits), or when bench wakes it
 * from its sleep on the channel. */
static void peer_mode(uint64_t mode)
{
	peer_page()->mode = mode;
	if (rivet_domain_state(peer_id) == RIVET_DOMAIN_WAITING)
		sys_notify_cap(rivet_info()->channels[0].notify_slot, 0);
	sys2_wait(chan_bit());
}

/*
 * Request and response over the channel, the receiver waiting: each side
 * makes one notify_wait per round trip (the notify wakes the peer, the
 * wait puts the caller to sleep and the peer runs next).
 */
static void bench_ipc_roundtrip(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;
	uint64_t t0, with, without;
	int i;

	peer_mode(PEER_ECHO);
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys2_notify_wait(ns, 0, chan_bit());
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		empty_call(i);
	without = rivet_instret() - t0;
	bench_print("ipc_roundtrip_handoff", (int64_t)(with - without),
		    "insns/roundtrip");
	peer_page()->mode = PEER_YIELD;
	sys_notify_cap(ns, 0); /* the peer leaves its loop */
}

/* notify_cap with handoff to a waiting peer, to the peer's first
 * instruction after its wait (its rdinstret there). */
static void bench_notify_wake(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;
	struct peer_page *p = peer_page();
	int i;

	peer_mode(PEER_STAMP);
	p->sum = 0;
	for (i = 0; i < N; i++) {
		p->t0 = rivet_instret();
		sys_notify_cap(ns, 0);
	}
	bench_print("notify_wake", (int64_t)p->sum, "insns");
	p->mode = PEER_YIELD;
	sys_notify_cap(ns, 0);
}

/* ------------------------------------------------------- capabilities --- */

static void bench_cap_lookup(void)
{
	static const unsigned sizes[] = { 1, 64, 4096, 65536 };
	static const char *const names[] = { "cap_lookup_1", "cap_lookup_64",
					     "cap_lookup_4096",
					     "cap_lookup_65536" };
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long probe = r.val, used;
	uint64_t t0, with, without;
	unsigned k;
	int i;

	for (k = 0; k < 4; k++) {
		/* Fill the space up to sizes[k] capabilities in use. */
		used = sys2_kstat(KSTAT_MY_SLOTS).val;
		while (used < sizes[k] &&
		       sys2_cap_derive(RIVET_SLOT_SELF, -1UL, 0, 0).rc == 0)
			used++;
		t0 = rivet_instret();
		for (i = 0; i < N; i++)
			sys2_cap_info(probe, RIVET_CAPINFO_OBJECT);
		with = rivet_instret() - t0;
		t0 = rivet_instret();
		for (i = 0; i < N; i++)
			empty_call(i);
		without = rivet_instret() - t0;
		bench_print(names[k], (int64_t)(with - without), "insns/op");
	}
}

static void bench_cap_grant(void)
{
	unsigned long src = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	uint64_t t0, with, without;
	int i;

	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys2_cap_derive(src, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		empty_call(i);
	without = rivet_instret() - t0;
	bench_print("cap_grant", (int64_t)(with - without), "insns/op");
	sys2_cap_revoke(src); /* give the peer its slots back */
}

static void bench_revoke(void)
{
	unsigned long root = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long last = root;
	uint64_t t0, with;
	struct rivet_ret r;
	int i;

	/* 10,000 nodes: a chain of 100 under each of 100 children. */
	for (i = 0; i < 10000; i++) {
		r = sys2_cap_derive(i % 100 ? last : root, -1UL, RIVET_CAP_R,
				    0);
		last = r.val;
	}
	t0 = rivet_instret();
	r = sys2_cap_revoke(root);
	with = rivet_instret() - t0;
	bench_print_n("revoke_per_node", (int64_t)with, (int64_t)r.val,
		      "insns/node");
}

#define MAP_PAGES 256
#define MAP_VA	  0x80000000UL

static void bench_map(void)
{
	static struct rivet_map_entry batch[MAP_PAGES];
	unsigned long slots[MAP_PAGES];
	uint64_t t0, with, without;
	int i;

	for (i = 0; i < MAP_PAGES; i++)
		slots[i] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		sys_map(slots[i], MAP_VA + i * 0x1000UL, 3);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		empty_call(i);
	without = rivet_instret() - t0;
	bench_print_n("map_page", (int64_t)(with - without), MAP_PAGES,
		      "insns/page");
	for (i = 0; i < MAP_PAGES; i++) {
		sys_unmap(slots[i], MAP_VA + i * 0x1000UL);
		batch[i].slot = slots[i];
		batch[i].vaddr = MAP_VA + i * 0x1000UL;
		batch[i].rights = 3;
	}
	t0 = rivet_instret();
	sys2_map_batch(batch, MAP_PAGES);
	with = rivet_instret() - t0;
	bench_print_n("map_batch_page", (int64_t)with, MAP_PAGES, "insns/page");
	for (i = 0; i < MAP_PAGES; i++)
		sys_unmap(slots[i], MAP_VA + i * 0x1000UL);
	bench_ring(slots, MAP_VA, MAP_PAGES);
}

/* Demand paging in this libOS: fault, allocate a frame, map, resume;
 * the handlers read tval only, on the runtime's light entry, as the VM
 * manager's vm_fault. */
#define PF_VA 0x90000000UL

static int pf_map(struct rivet_upcall *u, void *arg)
{
	unsigned long slot = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;

	(void)arg;
	return sys_map(slot, u->tval & ~0xfffUL, 3) ? 1 : 0;
}

#define PF_VA2 0x98000000UL

static int pf_alloc_map(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	return sys_frame_alloc_map(u->tval & ~0xfffUL, 3) ? 1 : 0;
}

#define PF_VA3	 0x9c000000UL
#define POOL_MAX 4096

#define REUSE_OPS 256

/*
 * A frame the caller overwrites anyway, the pool empty: frame_alloc and
 * cap_delete with the frame zeroed on demand, then with RIVET_FRAME_REUSE
 * (the frame just freed comes back as it was).
 */
static void bench_frame_reuse(void)
{
	uint64_t t0, cold, reuse;
	int i;

	t0 = rivet_instret();
	for (i = 0; i < REUSE_OPS; i++)
		sys_cap_delete(sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val);
	cold = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < REUSE_OPS; i++)
		sys_cap_delete(sys2_frame_alloc(RIVET_FRAME_REUSE, 1, 1).val);
	reuse = rivet_instret() - t0;
	bench_print_n("frame_alloc_delete_cold", (int64_t)cold, REUSE_OPS,
		      "insns/op");
	bench_print_n("frame_alloc_delete_reuse", (int64_t)reuse, REUSE_OPS,
		      "insns/op");
}

/*
 * The figures above take their frames from the zeroed-frame pool, which
 * the idle loop filled while bench_irq waited (docs/performance.md says
 * so). This one empties the pool first: each fault's frame is zeroed on
 * demand, what every fault paid before the pool.
 */
static void bench_pagefault_cold(void)
{
	static unsigned long held[POOL_MAX];
	uint64_t t0, with, without;
	unsigned n = 0;
	int i;

	while (n < POOL_MAX && sys2_kstat(KSTAT_ZEROED_FRAMES).val)
		held[n++] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	if (sys2_kstat(KSTAT_ZEROED_FRAMES).val)
		printf("bench: the zeroed-frame pool did not empty\n");
	rivet_exc_register_light(13, pf_alloc_map, 0);
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		(void)*(volatile uint32_t *)(PF_VA3 + i * 0x1000UL);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		(void)*(volatile uint32_t *)(PF_VA3 + i * 0x1000UL);
	without = rivet_instret() - t0;
	bench_print_n("pagefault_alloc_map_cold", (int64_t)(with - without),
		      MAP_PAGES, "insns/op");
	/* Where the warm figures' zeroing went: the idle loop, per frame. */
	bench_print_n("idle_zero_frame",
		      (int64_t)sys2_kstat(KSTAT_IDLE_ZERO_INSNS).val,
		      (int64_t)(sys2_kstat(KSTAT_IDLE_ZERO_FRAMES).val ?: 1),
		      "insns/frame");
	bench_frame_reuse();
	while (n)
		sys_cap_delete(held[--n]);
}

static void bench_pagefault(void)
{
	uint64_t t0, with, without;
	int i;

	rivet_exc_register_light(13, pf_map, 0);
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		(void)*(volatile uint32_t *)(PF_VA + i * 0x1000UL);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		(void)*(volatile uint32_t *)(PF_VA + i * 0x1000UL);
	without = rivet_instret() - t0;
	bench_print_n("pagefault_map_resume", (int64_t)(with - without),
		      MAP_PAGES, "insns/op");

	/* The same with frame_alloc_map: one kernel entry per fault. */
	rivet_exc_register_light(13, pf_alloc_map, 0);
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		(void)*(volatile uint32_t *)(PF_VA2 + i * 0x1000UL);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < MAP_PAGES; i++)
		(void)*(volatile uint32_t *)(PF_VA2 + i * 0x1000UL);
	without = rivet_instret() - t0;
	bench_print_n("pagefault_alloc_map_resume", (int64_t)(with - without),
		      MAP_PAGES, "insns/op");
	bench_pagefault_cold();
}

/* ----------------------------------------------------------- interrupts --- */

#define RTC_VA 0x50000000UL

static void rtc_w(unsigned long off, uint32_t v)
{
	*(volatile uint32_t *)(RTC_VA + off) = v;
}

/*
 * The goldfish RTC (QEMU virt) raises its interrupt at an alarm time in
 * ns: at its current time it fires at once. make bench runs QEMU with
 * -rtc clock=vm, so the RTC follows the instruction clock and an alarm
 * later on fires at a deterministic point.
 */
static void rtc_fire_in(uint64_t ns)
{
	uint64_t now = *(volatile uint32_t *)RTC_VA;

	now |= (uint64_t) * (volatile uint32_t *)(RTC_VA + 4) << 32;
	now += ns;
	rtc_w(0x10, 1);
	rtc_w(0x0c, (uint32_t)(now >> 32));
	rtc_w(0x08, (uint32_t)now);
}

/*
 * Instructions from the kernel's first instruction for an interrupt to
 * the first instruction after this domain's wait returns, over 100
 * interrupts. The alarm is set delay_ns ahead: far enough and the domain
 * already waits when it fires (the kernel idles: the driver's usual
 * case); 0 and it fires while the domain still runs, so the wait that
 * follows returns at once.
 */
static void bench_irq_once(const char *name, unsigned long irq,
			   uint64_t delay_ns)
{
	const struct rivet_info *in = rivet_info();
	unsigned long total = 0;
	int i;

	for (i = 0; i < 100; i++) {
		rtc_fire_in(delay_ns);
		sys2_wait(1UL << 5);
		total += rivet_instret() - in->irq_instret;
		rtc_w(0x1c, 1); /* clear the device */
		sys_irq_ack(irq);
	}
	rtc_w(0x10, 0);
	bench_print_n(name, (int64_t)total, 100, "insns");
}

static void bench_irq(void)
{
	const struct rivet_info *in = rivet_info();
	uint64_t t0, with, without;
	unsigned long irq;
	int i;

	if (!in->ndevices || !in->devices[0].nirqs)
		return;
	irq = in->devices[0].first_irq_slot;
	sys_map(in->devices[0].slot, RTC_VA, 3);
	sys_irq_bind(irq, 5);
	bench_irq_once("irq_to_handler", irq, 100000);
	bench_irq_once("irq_to_handler_running", irq, 0);
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		sys_irq_ack(irq);
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (i = 0; i < N; i++)
		empty_call(i);
	without = rivet_instret() - t0;
	bench_print("irq_ack", (int64_t)(with - without), "insns/op");
}

/*
 * chan_msg_<size>: one message through an SPSC channel ring
 * (<rivet/channel.h>) with both ends busy, in the batched API a
 * streaming end uses: 16 slots taken with chan_spsc_alloc and filled,
 * one chan_spsc_publish; then 16 read through chan_spsc_next, one
 * chan_spsc_consume. No side sleeps and no system call is made. Both
 * ends share the hart here; on two harts the counters' cache lines would
 * also move. (The one-message chan_spsc_send + chan_spsc_recv pair costs
 * about 120 instructions for 8 bytes: docs/channels.md.)
 */
static _Alignas(64) uint8_t chan_mem[32768];

/* region: bytes of chan_mem the ring uses; at least 16 slots must fit
 * (4 KiB for 8 and 64 bytes, as these figures always had; 32 KiB, 16
 * slots, for 1024). */
static void bench_chan_msg(const char *name, size_t size, size_t region)
{
	struct chan_spsc prod, cons;
	uint64_t t0, with, without, sum = 0;
	int rounds = (N + 15) / 16;

	if (region > sizeof(chan_mem) ||
	    chan_spsc_init(&prod, chan_mem, region, size,
			   CHAN_RESET | CHAN_PRODUCER) ||
	    chan_spsc_init(&cons, chan_mem, region, size, CHAN_CONSUMER) ||
	    prod.nslots < 16) {
		printf("bench: %s does not fit\n", name);
		return;
	}
	t0 = rivet_instret();
	for (int i = 0; i < rounds; i++) {
		for (int k = 0; k < 16; k++) {
			uint64_t *m = chan_spsc_alloc(&prod);

			for (size_t w = 0; w < size / 8; w++)
				m[w] = (uint64_t)k;
		}
		chan_spsc_publish(&prod);
		for (int k = 0; k < 16; k++) {
			const uint64_t *m = chan_spsc_next(&cons);

			for (size_t w = 0; w < size / 8; w++)
				sum += m[w];
		}
		chan_spsc_consume(&cons);
	}
	with = rivet_instret() - t0;
	t0 = rivet_instret();
	for (int i = 0; i < rounds; i++) {
		for (int k = 0; k < 16; k++)
			__asm__ volatile("" ::: "memory");
		for (int k = 0; k < 16; k++)
			__asm__ volatile("" ::: "memory");
	}
	without = rivet_instret() - t0;
	if (sum != (uint64_t)rounds * 120 * (size / 8))
		printf("bench: %s lost messages\n", name);
	bench_print_n(name, (int64_t)(with - without), rounds * 16, "insns");
}

int main(void)
{
	if (!strcmp(rivet_info()->name, "bench_peer")) {
		role_peer();
		return 0;
	}
	peer_id = rivet_domain_lookup("bench_peer");
	printf("bench: N = %d per figure, loop overhead subtracted\n", N);
	bench_syscall();
	bench_exceptions();
	if (peer_id > 0 && rivet_info()->nchannels)
		bench_yield_pair();
	bench_uthread();
	bench_irq();
	bench_map();
	bench_pagefault();
	bench_appel();
	bench_mmap();
	if (peer_id > 0)
		bench_cap_grant();
	bench_revoke();
	bench_cap_lookup();
	if (peer_id > 0 && rivet_info()->nchannels) {
		bench_ipc_roundtrip();
		bench_notify_wake();
	}
	bench_chan_msg("chan_msg_8", 8, 4096);
	bench_chan_msg("chan_msg_64", 64, 4096);
	bench_chan_msg("chan_msg_1024", 1024, sizeof(chan_mem));
	return 0;
}
