/* SPDX-License-Identifier: MIT */
/*
 * The cross-hart benchmarks (docs/smp.md, "Measuring with several harts";
 * scripts/bench-smp boots this image and counts). Nothing here reads a
 * counter: QEMU logs every instruction each hart executes, and the
 * script counts between the marker functions below, whose addresses it
 * takes from this ELF. Each marker is a function of its own
 * (noinline): the ecall inside it, or its first instruction, is the mark.
 *
 * Roles, by domain name (libos/benchsmp/rivet.conf):
 *   smpb_a        hart 0: the measurer. notify_remote_wake: notifies
 *                 smpb_b (hart 1) once smpb_b is waiting, SMPB_WAKES
 *                 times; shootdown_page: grants a frame to smpb_b, _c, _d
 *                 (harts 1-3), each maps it and reads it, then revokes
 *                 it, SMPB_SHOOTS times.
 *   smpb_b/_c/_d  the peers: wait, answer, map, read.
 *   smpb_w*       throughput boots: one CPU-bound job each (smpb_work).
 * Every role first sleeps SMPB_SETTLE_US, in which the script turns
 * QEMU's log on (waiting harts sleep in wfi and log nothing).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/libos.h>

#define SMPB_WAKES	50
#define SMPB_SHOOTS	20
#define SMPB_PEERS	3
#define SMPB_VA		0x40000000UL
#define SMPB_SETTLE_US	2000000
#define SMPB_WORK_UNITS 50000
#define SMPB_SLEEP_SPIN 20000

/* One per channel page, shared by smpb_a and one peer. */
struct smpb_ctl {
	uint64_t acks; /* peer: wake-ups answered */
	uint64_t
		round; /* smpb_a: a grant for this shootdown round is in slot */
	uint64_t slot; /* the peer's slot of the grant */
	uint64_t mapped; /* peer: the round whose grant it mapped and read */
	uint64_t done;	 /* smpb_a: every round is over */
};

static struct smpb_ctl *ctl(unsigned ch)
{
	return (struct smpb_ctl *)rivet_info()->channels[ch].va;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Markers: the script counts from the ecall in each. */
__attribute__((noinline)) void smpb_notify(unsigned long slot)
{
	sys_notify_cap(slot, 0);
}

__attribute__((noinline)) uint64_t smpb_wait(uint64_t mask)
{
	return (uint64_t)sys2_wait(mask).val;
}

__attribute__((noinline)) long smpb_revoke(unsigned long slot)
{
	return sys2_cap_revoke(slot).rc;
}

/* The throughput job: SMPB_WORK_UNITS rounds of integer work. */
__attribute__((noinline)) uint64_t smpb_work(uint64_t seed)
{
	uint64_t x = seed;

	for (unsigned i = 0; i < SMPB_WORK_UNITS; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

__attribute__((noinline)) void smpb_work_done(void)
{
	__asm__ volatile("" ::: "memory");
}

static void bench_remote_wake(long peer)
{
	unsigned long slot = rivet_info()->channels[0].notify_slot;
	struct smpb_ctl *c = ctl(0);

	for (uint64_t i = 1; i <= SMPB_WAKES; i++) {
		while (rivet_domain_state(peer) != RIVET_DOMAIN_WAITING)
			;
		/* WAITING is published before its hart reaches wfi: let it
		 * get there, so that the notify wakes a sleeping hart */
		for (unsigned k = 0; k < SMPB_SLEEP_SPIN; k++)
			__asm__ volatile("" ::: "memory");
		smpb_notify(slot);
		while (load(&c->acks) != i)
			;
	}
}

static void bench_shootdown(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1), r;
	unsigned p;
	long bad = f.rc;

	for (p = 0; p < SMPB_PEERS; p++) /* wake _c and _d: shootdowns begin */
		smpb_notify(rivet_info()->channels[p].notify_slot);
	for (uint64_t round = 1; round <= SMPB_SHOOTS && !bad; round++) {
		for (p = 0; p < SMPB_PEERS; p++) {
			r = sys2_cap_derive(f.val, RIVET_SLOT_PEER0 + p,
					    RIVET_CAP_R, 0);
			bad |= r.rc;
			store(&ctl(p)->slot, r.val);
			store(&ctl(p)->round, round);
		}
		for (p = 0; p < SMPB_PEERS; p++)
			while (load(&ctl(p)->mapped) != round)
				;
		bad |= smpb_revoke(f.val);
	}
	for (p = 0; p < SMPB_PEERS; p++)
		store(&ctl(p)->done, 1);
	if (bad)
		printf("benchsmp: shootdown failed: %ld\n", bad);
}

static void role_a(void)
{
	long b = rivet_domain_lookup("smpb_b");

	printf("benchsmp: settle\n");
	rivet_sleep_us(SMPB_SETTLE_US);
	printf("benchsmp: remote wake\n");
	bench_remote_wake(b);
	printf("benchsmp: shootdown\n");
	bench_shootdown();
	printf("benchsmp: done\n");
}

/* A peer: smpb_b answers the wake-ups first; then every peer maps and
 * reads each round's grant (its hart's TLB then holds the page). */
static void role_peer(int answers)
{
	uint64_t bit = 1UL << rivet_info()->channels[0].bit;
	struct smpb_ctl *c = ctl(0);
	uint64_t round = 0;
	volatile uint64_t sink;

	for (int i = 0; i < (answers ? SMPB_WAKES : 0); i++) {
		smpb_wait(bit);
		store(&c->acks, (uint64_t)i + 1);
	}
	smpb_wait(bit); /* the shootdowns begin */
	while (!load(&c->done)) {
		if (load(&c->round) == round)
			continue;
		round = load(&c->round);
		if (sys_map(load(&c->slot), SMPB_VA, 1) == 0)
			sink = *(volatile uint64_t *)SMPB_VA;
		store(&c->mapped, round);
	}
	(void)sink;
}

static void role_worker(void)
{
	uint64_t x;

	printf("benchsmp: settle\n");
	rivet_sleep_us(SMPB_SETTLE_US);
	x = smpb_work(rivet_info()->hart_id);
	smpb_work_done();
	printf("benchsmp: %s worked on hart %lu (%lx)\n", rivet_info()->name,
	       (unsigned long)rivet_info()->hart_id, (unsigned long)(x & 0xf));
}

int main(void)
{
	const char *me = rivet_info()->name;

	if (!strcmp(me, "smpb_a"))
		role_a();
	else if (!strncmp(me, "smpb_w", 6))
		role_worker();
	else
		role_peer(!strcmp(me, "smpb_b"));
	return 0;
}
