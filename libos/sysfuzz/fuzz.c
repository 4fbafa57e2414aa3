// SPDX-License-Identifier: MIT
/*
 * The fuzzer: args.calls system calls, each number and argument drawn
 * from a seeded generator (the same seed makes the same calls, under
 * QEMU -icount the same run). Arguments come from classes chosen to hit
 * the kernel's checks: kernel, unaligned, unmapped, wrapping, read-only,
 * device-mapped (devptr=1) and code pointers; slots in range, empty,
 * stale (of capabilities since deleted), just past the end and beyond 32
 * bits; ids of live, ended and never-existing domains; sizes at and
 * around every limit.
 *
 * Every result must be 0 or one of the codes of <rivet/errno.h> (E_NOSYS
 * for unknown numbers); the kernel must not stop. The victim and the
 * observer (guards.c) check what the fuzzer must not be able to change.
 *
 * Calls that would legitimately end or cripple the fuzzer are shaped, not
 * made as drawn:
 *  - exit is never called (the fuzzer ends by returning from main);
 *  - wait always includes the fuzzer's own timer bit, armed just before,
 *    so it cannot sleep for ever;
 *  - upcall_set always gets a non-executable slice-end entry, so it is
 *    refused and the fuzzer's upcall entries stay;
 *  - cap_delete and unmap never take the slots the fuzzer held before
 *    its first call (its heap, stack-adjacent runtime, devices, the
 *    victim's page, the spawn capability), so it keeps them; a
 *    cap_delete is preceded by a kill through the same slot, so that
 *    no child outlives the fuzzer's last capability for it (it would
 *    keep its lent frames and its domain entry to the end);
 *  - debug_write prints only from a buffer of printable text when its
 *    pointer is valid (other memory would be binary noise on the console);
 *  - with devptr=0, no argument reaches device registers (see
 *    no_device_pointers): issue 11's finding 1 faults the kernel on it.
 * Every 8192 calls the fuzzer kills its children and deletes every slot
 * it did not hold at start, so a long run keeps finding quota and slots.
 * The fuzzer never calls malloc after start-up, so a heap page it lost
 * could not hurt it anyway.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/libos.h>

#include "sysfuzz.h"

#define DEV_VA	  0x31000000UL /* the devices' registers, one after another */
#define SLOTS_MAX 1024	       /* slots of the fuzzer's space considered */
#define RING	  16
/*
 * Where most mappings go: 64 MiB. Page-table pages (and page-table view
 * pages) stay until the domain ends, charged to it, so mappings spread
 * over the whole address space would spend the fuzzer's quota on them
 * within a few million calls and every later frame_alloc would fail.
 */
#define MAP_WINDOW 0x2000000000UL

static struct fuzz_args args;
static uint64_t rng;
static char text[8192]; /* printable: debug_write's valid source */
static struct rivet_map_entry batch[RIVET_MAP_BATCH_MAX + 8];
static struct rivet_spawn sreq;

static unsigned long nslots;
static uint8_t protect[SLOTS_MAX / 8];
static unsigned long special[16]; /* slots worth aiming at */
static unsigned nspecial;
static unsigned long recent[RING]; /* slots calls returned: live or stale */
static unsigned nrecent, recent_at;
static long ids[3];		 /* self, victim, observer */
static unsigned long kids[RING]; /* ids of spawned domains, some ended */
static unsigned nkids, kids_at;
static uint64_t dev_va[4];
static unsigned ndev;
static uint64_t dev_pa[4], dev_end[4]; /* the devices' register frames */
static long spawn_slot = -1;

static unsigned long ok_calls[SYS_COUNT], err_calls[SYS_COUNT];
static uint64_t longest[SYS_COUNT]; /* rdtime ticks, within one slice */

static uint64_t r(void)
{
	return fuzz_rand(&rng);
}

static uint64_t pick(uint64_t n)
{
	return r() % n;
}

static bool is_protected(uint64_t s)
{
	return s < SLOTS_MAX && (protect[s / 8] >> (s % 8) & 1);
}

static void remember(unsigned long *ring, unsigned *n, unsigned *at,
		     unsigned long v)
{
	ring[*at] = v;
	*at = (*at + 1) % RING;
	if (*n < RING)
		(*n)++;
}

/* ------------------------------------------------- argument classes --- */

/* A pointer; binary = false keeps readable ones inside text[]. */
static uint64_t uptr(bool binary)
{
	static const uint64_t shared[] = { RIVET_INFO_VA, RIVET_UPCALL_VA,
					   RIVET_REGISTRY_VA, RIVET_PTVIEW_VA };
	unsigned c = (unsigned)pick(12);

	if (!binary && (c == 6 || c == 8 || c == 9))
		c = 7;
	switch (c) {
	case 0:
		return 0;
	case 1: /* the kernel's half */
		return 0xffffffc000000000UL + (r() & 0x3fffffffffUL);
	case 2: /* unaligned, in valid memory */
		return (uint64_t)text + 1 + pick(sizeof(text) - 1);
	case 3: /* user addresses nothing is mapped at (unless fuzz did) */
		return 0x2000000000UL + (r() & 0xfffffffffUL);
	case 4: /* device registers, or low unmapped addresses */
		if (args.devptr && ndev)
			return dev_va[pick(ndev)] + pick(4096);
		return 0x1000 + pick(0xf000);
	case 5: /* running off the top of user space */
		return RIVET_USER_TOP - pick(64);
	case 6: /* the victim's page, read-only here */
		return SECRET_VA + pick(4096);
	case 7:
		return (uint64_t)text + 8 * pick(sizeof(text) / 8);
	case 8: /* kernel-shared pages */
		return shared[pick(4)] + pick(4096);
	case 9: /* code */
		return (uint64_t)&fuzz_main + pick(64);
	case 10:
		return r();
	default: /* wrapping around */
		return ~0UL - pick(4096);
	}
}

static uint64_t slot(void)
{
	switch (pick(8)) {
	case 0:
	case 1:
	case 2:
		return pick(nslots);
	case 3:
		return nrecent ? recent[pick(nrecent)] : pick(nslots);
	case 4:
		return nspecial ? special[pick(nspecial)] : 0;
	case 5:
		return nslots + pick(4);
	case 6:
		return (1UL << 32) + pick(nslots);
	default:
		return r();
	}
}

/* A slot the fuzzer may lose: never one it held at start. */
static uint64_t loseable_slot(void)
{
	uint64_t s = slot();

	return is_protected(s) ? (nrecent ? recent[pick(nrecent)] : nslots) : s;
}

static long id(void)
{
	switch (pick(6)) {
	case 0:
		return ids[pick(3)];
	case 1:
		return nkids ? (long)kids[pick(nkids)] : 17;
	case 2:
		return (long)pick(20);
	case 3:
		return -1 - (long)pick(3);
	default:
		return (long)r();
	}
}

static uint64_t size(void)
{
	switch (pick(6)) {
	case 0:
		return 0;
	case 1:
		return pick(16);
	case 2:
		return pick(4097);
	case 3:
		return 4096 + pick(2);
	case 4:
		return r();
	default:
		return ~0UL - pick(16);
	}
}

static uint64_t count(void)
{
	static const uint64_t edges[] = { 0, 1, 2, 511, 512, 513, 65536 };

	switch (pick(4)) {
	case 0:
		return edges[pick(7)];
	case 1:
		return pick(8);
	case 2:
		return r();
	default:
		return 1;
	}
}

static uint64_t rights(void)
{
	return pick(4) ? pick(16) : r();
}

static uint64_t bits(void)
{
	return pick(2) ? 1UL << pick(64) : r();
}

static uint64_t when(void)
{
	switch (pick(4)) {
	case 0:
		return 0;
	case 1:
		return r();
	default:
		return rivet_now() + pick(200000);
	}
}

static uint64_t vaddr(void)
{
	switch (pick(5)) {
	case 0:
		return uptr(true);
	case 1:
		return MAP_WINDOW + (pick(1UL << 14) << 12);
	case 2:
		return RIVET_MAP_TOP - 4096 * pick(4);
	case 3:
		return DEV_VA + 4096 * pick(8);
	default: /* anywhere, now and then */
		return pick(1024) ? MAP_WINDOW + (pick(1UL << 14) << 12)
				  : pick(1UL << 26) << 12;
	}
}

static uint64_t paddr(void)
{
	switch (pick(6)) {
	case 0:
	case 1:
		return RIVET_FRAME_ANY;
	case 2: /* somewhere in QEMU virt's RAM: free, the kernel's, ... */
		return 0x80000000UL + (pick(1UL << 16) << 12);
	case 3:
		return 0x80000000UL + pick(1UL << 28);
	case 4: /* devices */
		return 0x10000000UL + (pick(16) << 12);
	default:
		return r();
	}
}

/* ------------------------------------------------------ set-up, calls --- */

static void setup(void)
{
	const struct rivet_info *in = rivet_info();
	struct rivet_ret c;
	unsigned long s;
	unsigned i;

	for (i = 0; i < sizeof(text); i++)
		text[i] = i % 64 == 63 ? '\n' : "fuzz."[i % 5];
	ids[0] = in->domain_id;
	ids[1] = rivet_domain_lookup("victim");
	ids[2] = rivet_domain_lookup("observer");
	for (i = 0; i < in->ndevices && i < 4; i++) {
		uint64_t pages =
			sys2_cap_info(in->devices[i].slot, RIVET_CAPINFO_SIZE)
				.val;

		uint64_t va = DEV_VA + ((uint64_t)ndev << 16);

		dev_pa[i] =
			sys2_cap_info(in->devices[i].slot, RIVET_CAPINFO_OBJECT)
				.val;
		dev_end[i] = dev_pa[i] + pages * 4096;
		if (pages && !sys_map(in->devices[i].slot, va,
				      RIVET_CAP_R | RIVET_CAP_W))
			dev_va[ndev++] = va;
	}
	/* The victim's page, read-only: wait for it (at most 100 ms). */
	for (i = 0; i < 100; i++) {
		long sh = -1;

		for (s = 0; sys2_cap_info(s, RIVET_CAPINFO_TYPE).rc != E_INVAL;
		     s++)
			if (sys2_cap_info(s, RIVET_CAPINFO_BADGE).val ==
			    SECRET_BADGE)
				sh = (long)s;
		if (sh >= 0) {
			sys_map(sh, SECRET_VA, RIVET_CAP_R);
			break;
		}
		fuzz_sleep(1000, EV_SECRET_READY);
	}
	spawn_slot = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	/* Everything held now is kept; the interesting ones are aimed at. */
	for (s = 0;; s++) {
		c = sys2_cap_info(s, RIVET_CAPINFO_TYPE);
		if (c.rc == E_INVAL)
			break;
		if (c.rc || s >= SLOTS_MAX)
			continue;
		protect[s / 8] |= 1 << (s % 8);
		if (nspecial < 16)
			special[nspecial++] = s;
	}
	nslots = s;
}

/*
 * With devptr=0, no pointer the kernel reads or writes may lead it into
 * device registers: the fuzzer can map its device capabilities anywhere
 * (map, map_batch), so the buffer arguments of the calls that copy user
 * memory (debug_write, domain_lookup, log_read, map_batch, spawn and the
 * spawn request's names) are looked up in the page-table view first, and
 * one that reaches a device frame becomes a kernel address (refused
 * without a copy). Other arguments are left alone: a device mapped at
 * address 0 must not turn every small count into something else.
 */
static bool device_page(uint64_t va)
{
	uint64_t pte, pa;
	unsigned p, d;

	for (p = 0; p < 4; p++) {
		pte = rivet_pte(va + p * 4096);
		pa = (pte >> 10) << 12;
		for (d = 0; pte && d < 4; d++)
			if (pa >= dev_pa[d] && pa < dev_end[d])
				return true;
	}
	return false;
}

static void no_device_pointers(uint64_t nr, uint64_t *a)
{
	const uint64_t kernel = 0xffffffc000000000UL;

	if (args.devptr)
		return;
	if ((nr == SYS_debug_write || nr == SYS_domain_lookup ||
	     nr == SYS_log_read || nr == SYS_map_batch || nr == SYS_spawn) &&
	    device_page(a[0]))
		a[0] = kernel;
	if (nr == SYS_spawn && device_page((uint64_t)sreq.image))
		sreq.image = (const char *)kernel;
	if (nr == SYS_spawn && device_page((uint64_t)sreq.name))
		sreq.name = (const char *)kernel;
}

/* Fills the map_batch entries or the spawn request the call will use. */
static uint64_t batch_arg(void)
{
	unsigned i, n = (unsigned)pick(RIVET_MAP_BATCH_MAX + 8);

	if (!pick(4))
		return uptr(true);
	for (i = 0; i < n; i++) {
		batch[i].slot = slot();
		batch[i].vaddr = vaddr();
		batch[i].rights = rights();
	}
	return (uint64_t)batch;
}

static uint64_t spawn_arg(void)
{
	static const char *const images[] = { "/libos/sysfuzz.elf",
					      "/libos/../etc/rivet.conf",
					      "/etc/rivet.conf",
					      "/libos/nothere.elf" };
	static const char *const names[] = { "fzchild", "fzexit", "Bad!",
					     "fzchild-with-a-name-too-long-x" };
	unsigned i;

	if (!pick(4))
		return uptr(true);
	memset(&sreq, 0, sizeof(sreq));
	sreq.spawn_slot =
		pick(3) && spawn_slot >= 0 ? (uint64_t)spawn_slot : slot();
	sreq.image = pick(3) ? images[0] : images[pick(4)];
	sreq.image_len = pick(8) ? strlen(sreq.image) : size();
	if (!pick(8))
		sreq.image = (const char *)uptr(true);
	if (pick(4)) {
		sreq.name = pick(3) ? names[pick(2)] : names[pick(4)];
		sreq.name_len = strlen(sreq.name);
		if (!pick(8))
			sreq.name = (const char *)uptr(true);
	}
	sreq.frames = pick(4) ? 40 + pick(300) : size();
	sreq.slots = pick(4) ? pick(40) : r();
	sreq.ncaps = pick(4) ? pick(3) : pick(12);
	for (i = 0; i < RIVET_SPAWN_CAPS_MAX; i++)
		sreq.caps[i] = slot();
	return (uint64_t)&sreq;
}

static long ecall6(uint64_t nr, uint64_t *a, uint64_t *val)
{
	register uint64_t a0 __asm__("a0") = a[0];
	register uint64_t a1 __asm__("a1") = a[1];
	register uint64_t a2 __asm__("a2") = a[2];
	register uint64_t a3 __asm__("a3") = a[3];
	register uint64_t a4 __asm__("a4") = a[4];
	register uint64_t a5 __asm__("a5") = a[5];
	register uint64_t a7 __asm__("a7") = nr;

	/* A yield, notify_cap or notify_wait that switches is a call: it
	 * keeps only what a call keeps (docs/syscalls.md). */
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4),
			   "+r"(a5), "+r"(a7)
			 :
			 : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
			   "a6");
	*val = a1;
	return (long)a0;
}

/* Draws one call: its number and arguments, shaped as the header says. */
static uint64_t draw(uint64_t *a)
{
	uint64_t nr;
	unsigned i;

	for (i = 0; i < 6; i++)
		a[i] = pick(2) ? r() : uptr(true);
	nr = pick(16) ? pick(SYS_COUNT)
		      : (pick(2) ? SYS_COUNT + pick(64) : r());
	switch (nr) {
	case SYS_debug_write:
		a[0] = uptr(false);
		a[1] = pick(8) ? pick(16) : size();
		break;
	case 2: /* the retired yield and notify by id: E_NOSYS, whatever */
	case 4: /* the id (docs/syscalls.md) */
		a[0] = (uint64_t)id();
		a[1] = bits();
		break;
	case SYS_wait:
		sys_timer_event(rivet_now() + pick(2000), EV_TICK_BIT);
		a[0] = (pick(2) ? bits() : 0) | EV_TICK;
		break;
	case SYS_notify_cap: /* the channel's capability is a kept slot */
		a[0] = slot();
		a[1] = pick(2) ? 0 : bits();
		break;
	case SYS_yield_cap:
		a[0] = slot();
		break;
	case SYS_notify_wait: /* as wait: a tick ends a wait that sleeps */
		sys_timer_event(rivet_now() + pick(2000), EV_TICK_BIT);
		a[0] = slot();
		a[1] = pick(2) ? 0 : bits();
		a[2] = (pick(2) ? bits() : 0) | EV_TICK;
		break;
	case SYS_exit:
		nr = SYS_null; /* see the header */
		break;
	case SYS_upcall_set:
		a[0] = uptr(true);
		a[1] = (uint64_t)text; /* not executable: refused */
		a[2] = uptr(true);
		a[3] = uptr(true);
		break;
	case SYS_domain_lookup:
	case SYS_log_read:
		a[0] = uptr(true);
		a[1] = size();
		break;
	case SYS_kstat:
		a[0] = pick(4) ? pick(16) : r();
		break;
	case SYS_frame_alloc:
		a[0] = paddr();
		a[1] = count();
		a[2] = pick(2) ? 1 : (pick(4) ? 1UL << pick(12) : r());
		break;
	case SYS_map:
		a[0] = slot();
		a[1] = vaddr();
		a[2] = rights();
		break;
	case SYS_unmap:
		a[0] = loseable_slot();
		a[1] = vaddr();
		break;
	case SYS_map_batch:
		a[0] = batch_arg();
		a[1] = pick(2) ? pick(RIVET_MAP_BATCH_MAX + 8) : count();
		break;
	case SYS_cap_derive:
		a[0] = slot();
		a[1] = pick(2) ? ~0UL : slot();
		a[2] = rights();
		a[3] = pick(2) ? 0 : r();
		break;
	case SYS_cap_delete:
		a[0] = loseable_slot();
		/* A child whose capability goes lives on with its lent quota
		 * until fuzz ends: end it first (a no-op for other slots). */
		sys_kill(a[0]);
		break;
	case SYS_cap_revoke:
	case SYS_irq_ack:
	case SYS_kill:
		a[0] = slot();
		break;
	case SYS_cap_info:
		a[0] = slot();
		a[1] = pick(4) ? pick(6) : r();
		break;
	case SYS_frame_reclaim:
		a[0] = slot();
		a[1] = count();
		a[2] = pick(2) ? pick(3000) : r();
		break;
	case SYS_irq_bind:
		a[0] = slot();
		a[1] = pick(4) ? pick(64) : r();
		break;
	case SYS_timer_event:
		a[0] = when();
		a[1] = pick(4) ? pick(64) : r();
		break;
	case SYS_spawn:
		a[0] = spawn_arg();
		break;
	case SYS_frame_alloc_map:
		/* Never over the fuzzer's own heap: its pages fault in RW. */
		a[0] = pick(4) ? MAP_WINDOW + (pick(1UL << 14) << 12)
			       : (pick(2) ? RIVET_MAP_TOP - 4096 * pick(4)
					  : r());
		a[1] = rights();
		break;
	case SYS_protect:
		/* Not uptr(): the fuzzer's own memory must stay usable. */
		a[0] = pick(4) ? MAP_WINDOW + (pick(1UL << 14) << 12)
			       : (pick(2) ? RIVET_MAP_TOP - 4096 * pick(4)
					  : r());
		a[1] = count();
		a[2] = pick(4) ? pick(8) : r();
		break;
	default:
		break;
	}
	no_device_pointers(nr, a);
	return nr;
}

/* Remembers what a successful call created: slots, children. */
static void note(uint64_t nr, uint64_t val)
{
	if (nr == SYS_frame_alloc || nr == SYS_cap_derive || nr == SYS_spawn)
		remember(recent, &nrecent, &recent_at, val);
	if (nr == SYS_spawn)
		remember(kids, &nkids, &kids_at,
			 RIVET_DOMAIN_OBJECT_ID(
				 sys2_cap_info(val, RIVET_CAPINFO_OBJECT).val));
}

/*
 * Gives back everything the calls took (children killed, every slot not
 * held at start deleted), so that a long run keeps reaching the paths
 * that succeed instead of running out of quota and slots for good.
 */
static void give_back(void)
{
	unsigned long s;

	for (s = 0; s < nslots && s < SLOTS_MAX; s++) {
		if (is_protected(s) || sys2_cap_info(s, RIVET_CAPINFO_TYPE).rc)
			continue;
		sys_kill(s); /* E_INVAL unless a domain capability */
		sys_cap_delete(s);
	}
}

static void print_call(unsigned long i, uint64_t nr, const uint64_t *a)
{
	printf("SYSFUZZ call %lu: nr %lu (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, "
	       "0x%lx)\n",
	       i, (unsigned long)nr, (unsigned long)a[0], (unsigned long)a[1],
	       (unsigned long)a[2], (unsigned long)a[3], (unsigned long)a[4],
	       (unsigned long)a[5]);
	rivet_console_flush();
}

void fuzz_main(const struct fuzz_args *in)
{
	uint64_t a[6], nr, val, slices, t0, t1;
	unsigned long i, bad = 0, ok = 0;
	long rc;

	args = *in;
	rng = args.seed;
	printf("SYSFUZZ seed %lu, %lu calls, device pointers %s\n",
	       (unsigned long)args.seed, args.calls,
	       args.devptr ? "on" : "off");
	setup();
	printf("SYSFUZZ %lu slots, %u devices, %u slots kept, spawn slot "
	       "%ld\n",
	       nslots, ndev, nspecial, spawn_slot);
	for (i = 0; i < args.calls; i++) {
		nr = draw(a);
		if (i >= args.trace)
			print_call(i, nr, a);
		slices = rivet_info()->slices_used;
		t0 = rivet_now();
		rc = ecall6(nr, a, &val);
		t1 = rivet_now();
		/* Time spent in the call, unless another domain ran meanwhile
		 * (a slice ended, or the call yielded or waited). */
		if (nr < SYS_COUNT && rivet_info()->slices_used == slices &&
		    t1 - t0 > longest[nr])
			longest[nr] = t1 - t0;
		if (nr < SYS_COUNT ? rc > 0 || rc <= -E_COUNT : rc != E_NOSYS) {
			if (bad++ < 8) {
				printf("TEST sysfuzz_result: FAIL call %lu "
				       "returned %ld (seed %lu)\n",
				       i, rc, (unsigned long)args.seed);
				print_call(i, nr, a);
			}
			continue;
		}
		if (nr < SYS_COUNT) {
			ok_calls[nr] += !rc;
			err_calls[nr] += rc != 0;
		}
		if (!rc) {
			ok++;
			note(nr, val);
		}
		if (i % 1000000 == 999999)
			printf("SYSFUZZ at call %lu: quota %lu, frames %lu, "
			       "free slots %lu, %lu domains\n",
			       i + 1, sys2_kstat(KSTAT_MY_QUOTA).val,
			       sys2_kstat(KSTAT_MY_FRAMES).val,
			       sys2_kstat(KSTAT_FREE_SLOTS).val,
			       sys2_kstat(KSTAT_LIVE_DOMAINS).val);
		if (i % 8192 == 8191)
			give_back();
	}
	for (nr = 0; nr < SYS_COUNT; nr++)
		printf("SYSFUZZ nr %2lu: %lu succeeded, %lu refused, longest "
		       "%lu ticks\n",
		       (unsigned long)nr, ok_calls[nr], err_calls[nr],
		       (unsigned long)longest[nr]);
	printf("SYSFUZZ done: %lu calls, %lu succeeded, seed %lu\n", args.calls,
	       ok, (unsigned long)args.seed);
	if (!bad)
		printf("TEST sysfuzz_results_valid: PASS\n");
}
