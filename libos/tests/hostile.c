/* SPDX-License-Identifier: MIT */
/*
 * A hostile libOS: the attacks of issue 11 that broke the kernel from
 * U-mode, each kept as a regression test (tests/qemu/test_hostile.py).
 *
 *   device pointers   - a device's registers passed as a system call's
 *                       buffer (the kernel copied through them)
 *   log owner killed  - the console owner killed while it waits for log
 *                       text (the kill message woke the dying domain)
 *   log ownership     - the log stayed readable after the UART mapping
 *                       that granted it went away
 *   a1                - a failing call handing back kernel stack in a1
 *   W^X per frame     - one frame mapped writable and executable at once
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"

#define DEV_VA	0x50000000UL /* a device's registers */
#define UART_VA 0x50100000UL /* the console UART (device = stdout) */
#define RAM_VA	0x50200000UL /* a RAM page */

#define EV_SLOT	 0xffffUL /* a peer passes a slot + 1 in these bits */
#define EV_DONE	 (1UL << 40)
#define EV_GO	 (1UL << 41)
#define EV_DONE2 (1UL << 42)
#define EV_END	 (1UL << 43)

/* An ecall with a0..a3 set, returning both result registers. */
static struct rivet_ret call4(long nr, long a0, long a1, long a2, long a3)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r7 __asm__("a7") = nr;
	struct rivet_ret r;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r7)
			 :
			 : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
			   "a4", "a5", "a6");
	r.rc = r0;
	r.val = (unsigned long)r1;
	return r;
}

/* ------------------------------------------------- device pointers --- */

/*
 * A device capability's registers handed to calls that read user memory:
 * the kernel must refuse them as it refuses unmapped memory (it used to
 * copy through the direct map, which has no entry there: a kernel fault).
 */
static void role_dev_uaccess(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev = in->devices[0].slot;
	unsigned long ram = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	struct rivet_ret r;

	EXPECT_EQ("hostile_device_maps", sys_map(dev, DEV_VA, 3), 0);
	EXPECT_EQ("debug_write_from_device_registers_refused",
		  sys_debug_write((const char *)DEV_VA, 8), E_RANGE);
	EXPECT_EQ("lookup_name_in_device_registers_refused",
		  sys2_domain_lookup((const char *)DEV_VA, 5).rc, E_RANGE);
	r = sys2_map_batch((const void *)DEV_VA, 1);
	report("map_batch_entries_in_device_registers_refused",
	       r.rc == E_RANGE && r.val == 0, "rc %ld, a1 %ld", r.rc,
	       (long)r.val);
	/* RAM right below the registers: a buffer running from one into
	 * the other is refused whole. */
	sys_map(ram, DEV_VA - 0x1000, 3);
	memcpy((char *)DEV_VA - 4, "ok\n", 4);
	EXPECT_EQ("debug_write_from_ram_into_device_refused",
		  sys_debug_write((const char *)DEV_VA - 4, 8), E_RANGE);
	EXPECT_EQ("debug_write_from_ram_next_to_device",
		  sys_debug_write((const char *)DEV_VA - 4, 3), 0);
	printf("TEST kernel_survives_device_pointers: PASS\n");
}

/*
 * The console UART itself (device = stdout): mapping it makes this domain
 * the log owner. Reading its registers for debug_write, or writing log
 * text into them for log_read, would act on the device for the caller.
 * Results are printed only once the mapping is gone (the kernel has the
 * console back), so none of them sits in the log this domain could read.
 */
static void role_uart_uaccess(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev = in->devices[0].slot;
	const char *regs = (const char *)(UART_VA + in->devices[0].mmio_offset);
	long map, dw, lr, own;

	map = sys_map(dev, UART_VA, 3);
	sys_debug_write("something to read\n", 18); /* into the log ring */
	dw = sys_debug_write(regs, 8);
	lr = sys2_log_read((char *)regs, 16).rc;
	own = sys2_log_read((char *)0, 0).rc;
	sys_unmap(dev, UART_VA);
	EXPECT_EQ("uart_maps_and_owns_the_log", map | own, 0);
	EXPECT_EQ("debug_write_from_uart_registers_refused", dw, E_RANGE);
	EXPECT_EQ("log_read_into_uart_registers_refused", lr, E_RANGE);
}

/* ------------------------------------------------- log owner killed --- */

/*
 * Takes the console, drains the log, then waits for log text only: the
 * deadlock breaker kills it, and the kill message (a log line) must not
 * wake it again halfway through its teardown.
 */
static void role_log_waiter(void)
{
	const struct rivet_info *in = rivet_info();
	static char buf[256];

	printf("TEST log_waiter_started: PASS\n"); /* before the take-over */
	sys_map(in->devices[0].slot, UART_VA, 3);
	for (;;) {
		while (sys2_log_read(buf, sizeof(buf)).val)
			; /* dropped: the kernel prints what is left at the end */
		sys2_wait(RIVET_EVENT_LOG);
	}
}

/* Waits for a peer's end only: the log owner's kill must wake this one,
 * and this one alone must run next. */
static void role_exit_watcher(void)
{
	struct rivet_ret r = sys2_wait(RIVET_EVENT_PEER_EXIT);

	report("peer_runs_after_the_log_owner_is_killed",
	       r.rc == 0 && (r.val & RIVET_EVENT_PEER_EXIT), "rc %ld, 0x%lx",
	       r.rc, (long)r.val);
}

/* -------------------------------------------------- log ownership --- */

/*
 * Log access lasts as long as a mapping of the UART: unmap, delete of the
 * capability mapped, revocation of it, and the last of two mappings each
 * end it. log_read of 0 bytes asks "am I the owner?" without taking text.
 */
static void role_log_owner(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev = in->devices[0].slot, copy;
	long r[12];

	r[0] = sys_map(dev, UART_VA, 3) | sys2_log_read((char *)0, 0).rc;
	sys_unmap(dev, UART_VA);
	r[1] = sys2_log_read((char *)0, 0).rc;

	copy = sys2_cap_derive(dev, -1UL, RIVET_CAP_R | RIVET_CAP_W, 0).val;
	r[2] = sys_map(copy, UART_VA, 3) | sys2_log_read((char *)0, 0).rc;
	sys_cap_delete(copy);
	r[3] = sys2_log_read((char *)0, 0).rc;

	copy = sys2_cap_derive(dev, -1UL, RIVET_CAP_R | RIVET_CAP_W, 0).val;
	r[4] = sys_map(copy, UART_VA, 3) | sys2_log_read((char *)0, 0).rc;
	r[5] = sys2_cap_revoke(dev).rc;
	r[6] = sys2_log_read((char *)0, 0).rc;

	r[7] = sys_map(dev, UART_VA, 3) | sys_map(dev, UART_VA + 0x1000, 3);
	sys_unmap(dev, UART_VA);
	r[8] = sys2_log_read((char *)0, 0).rc;
	sys_unmap(dev, UART_VA + 0x1000);
	r[9] = sys2_log_read((char *)0, 0).rc;

	EXPECT_EQ("log_owner_while_mapped", r[0], 0);
	EXPECT_EQ("log_access_ends_with_unmap", r[1], E_PERM);
	EXPECT_EQ("log_owner_through_a_copy", r[2], 0);
	EXPECT_EQ("log_access_ends_with_delete", r[3], E_PERM);
	EXPECT_EQ("log_owner_through_a_second_copy", r[4] | r[5], 0);
	EXPECT_EQ("log_access_ends_with_revoke", r[6], E_PERM);
	EXPECT_EQ("log_owner_with_two_mappings", r[7], 0);
	EXPECT_EQ("log_access_lasts_while_one_mapping_is_left", r[8], 0);
	EXPECT_EQ("log_access_ends_with_the_last_mapping", r[9], E_PERM);
}

/* The notification capability for this role's peer: its configuration's
 * one `notify =` line (ids carry no authority: docs/channels.md). */
static unsigned long peer_notify(void)
{
	return rivet_info()->notify[0].slot;
}

/* Grants its UART capability to its peer and revokes it later. */
static void role_log_grantor(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev = in->devices[0].slot;
	unsigned long peer = peer_notify();
	struct rivet_ret r;

	r = sys2_cap_derive(dev, RIVET_SLOT_PEER0, RIVET_CAP_R | RIVET_CAP_W,
			    0);
	EXPECT_EQ("uart_granted_to_peer", r.rc, 0);
	sys_notify_cap(peer, r.val + 1);
	sys2_wait(EV_DONE); /* the peer mapped it and read the log */
	EXPECT_EQ("grantor_revokes_the_uart", sys2_cap_revoke(dev).rc, 0);
	sys2_wait(EV_DONE2);
}

static void role_log_grantee(void)
{
	unsigned long grantor = peer_notify();
	unsigned long slot = sys2_wait(EV_SLOT).val - 1;
	long mapped, before, after;

	mapped = sys_map(slot, UART_VA, 3);
	before = sys2_log_read((char *)0, 0).rc;
	sys_notify_cap(grantor, EV_DONE);
	sys2_wait(RIVET_EVENT_REVOKED);
	after = sys2_log_read((char *)0, 0).rc;
	EXPECT_EQ("grantee_owns_the_log_through_the_grant", mapped | before, 0);
	EXPECT_EQ("revoked_grantee_loses_the_log", after, E_PERM);
	sys_notify_cap(grantor, EV_DONE2);
}

/* --------------------------------------------------------------- a1 --- */

#define A1_MARK 0x5a5a5a5a5aL

static unsigned long a1_sprayer; /* a notification capability for it */
static char key_name[] = "KEYKEYKEYKEYKEYKEYKEYKEYKEYKEYK"; /* 31 bytes */

/* Puts a name on the kernel stack twice: through the sprayer domain's
 * lookup, then our own. Both fail (no such domain). */
static void spray(void)
{
	sys_yield_cap(a1_sprayer);
	sys2_domain_lookup(key_name, sizeof(key_name) - 1);
}

/* One failing call, right after a spray: want is its error, and a1 must
 * be 0 (for map_batch, the count of entries mapped: 0 here too). */
static void a1_case(const char *name, long nr, long a0, long a1, long a2,
		    long a3, long want)
{
	struct rivet_ret r;

	spray();
	r = call4(nr, a0, a1, a2, a3);
	report(name, r.rc == want && r.val == 0, "rc %ld, a1 0x%lx", r.rc,
	       (long)r.val);
}

static void role_a1_sprayer(void)
{
	/* Until the checker ends (the yield then fails). */
	do
		sys2_domain_lookup(key_name, sizeof(key_name) - 1);
	while (rivet_yield_to_name("t_a1_check") == 0);
}

static void role_a1_check(void)
{
	static struct rivet_map_entry bad[2] = { { 200, 0x60000000UL, 1 },
						 { 200, 0x60001000UL, 1 } };
	static struct rivet_map_entry good[2] = { { 0, 0x61000000UL, 1 },
						  { 200, 0x61001000UL, 1 } };
	unsigned long self = (unsigned long)rivet_notify_slot("t_a1_check");
	struct rivet_ret r;

	a1_sprayer = (unsigned long)rivet_notify_slot("t_a1_sprayer");
	/* Only the other domain's lookup on the stack (the directed yields
	 * both ways take the assembly path, which leaves the stack alone). */
	sys_yield_cap(a1_sprayer);
	r = call4(SYS_frame_alloc, 0x1000, 1, 1, 0);
	report("a1_frame_alloc_after_another_domains_lookup",
	       r.rc == E_RANGE && r.val == 0, "rc %ld, a1 0x%lx", r.rc,
	       (long)r.val);
	a1_case("a1_no_such_call", 999, 0, A1_MARK, 0, 0, E_NOSYS);
	a1_case("a1_wait_empty_mask", SYS_wait, 0, A1_MARK, 0, 0, E_INVAL);
	a1_case("a1_lookup_unmapped_name", SYS_domain_lookup, 0x2000, 5, 0, 0,
		E_RANGE);
	a1_case("a1_lookup_unknown_name", SYS_domain_lookup, (long)"nobody", 6,
		0, 0, E_NOENT);
	a1_case("a1_lookup_empty_name", SYS_domain_lookup, (long)"x", 0, 0, 0,
		E_NOENT);
	a1_case("a1_kstat_unknown", SYS_kstat, 99, A1_MARK, 0, 0, E_INVAL);
	a1_case("a1_frame_alloc_zero_pages", SYS_frame_alloc,
		(long)RIVET_FRAME_ANY, 0, 1, 0, E_INVAL);
	a1_case("a1_frame_alloc_not_ram", SYS_frame_alloc, 0x1000, 1, 1, 0,
		E_RANGE);
	a1_case("a1_frame_alloc_kernel_frame", SYS_frame_alloc, 0x80200000L, 1,
		1, 0, E_BUSY);
	a1_case("a1_frame_alloc_over_quota", SYS_frame_alloc,
		(long)RIVET_FRAME_ANY, 1L << 17, 1, 0, E_NOMEM);
	a1_case("a1_map_batch_too_many", SYS_map_batch, (long)bad,
		RIVET_MAP_BATCH_MAX + 1, 0, 0, E_TOOBIG);
	a1_case("a1_map_batch_unreadable", SYS_map_batch, 0x2000, 1, 0, 0,
		E_RANGE);
	a1_case("a1_map_batch_first_entry_fails", SYS_map_batch, (long)bad, 2,
		0, 0, E_NOENT);
	a1_case("a1_cap_derive_empty_slot", SYS_cap_derive, 200, -1L,
		RIVET_CAP_R, 0, E_NOENT);
	a1_case("a1_cap_derive_bad_rights", SYS_cap_derive, 0, -1L, 0x100, 0,
		E_INVAL);
	a1_case("a1_cap_derive_bad_dest", SYS_cap_derive, 0, 1L << 40,
		RIVET_CAP_R, 0, E_INVAL);
	a1_case("a1_cap_revoke_slot_out_of_range", SYS_cap_revoke, 100000,
		A1_MARK, 0, 0, E_INVAL);
	a1_case("a1_cap_revoke_empty_slot", SYS_cap_revoke, 200, A1_MARK, 0, 0,
		E_NOENT);
	a1_case("a1_cap_info_bad_what", SYS_cap_info, 0, 99, 0, 0, E_INVAL);
	a1_case("a1_cap_info_empty_slot", SYS_cap_info, 200, 0, 0, 0, E_NOENT);
	a1_case("a1_log_read_not_owner", SYS_log_read, 0, 8, 0, 0, E_PERM);
	a1_case("a1_cap_info_slot_out_of_range", SYS_cap_info, 100000, 0, 0, 0,
		E_INVAL);
	/* A domain capability without the grant right as the destination. */
	r = sys2_cap_derive(RIVET_SLOT_SELF, -1UL, RIVET_CAP_R, 0);
	a1_case("a1_cap_derive_dest_without_grant_right", SYS_cap_derive,
		RIVET_SLOT_SELF, (long)r.val, RIVET_CAP_R, 0, E_PERM);
	/* map_batch's a1 on failure is the count mapped: one here. */
	r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	good[0].slot = r.val;
	spray();
	r = call4(SYS_map_batch, (long)good, 2, 0, 0);
	report("a1_map_batch_counts_entries_before_the_failure",
	       r.rc == E_NOENT && r.val == 1, "rc %ld, a1 0x%lx", r.rc,
	       (long)r.val);
	/* Calls with no value: a1 is defined (0) on their failures too. */
	a1_case("a1_debug_write_unmapped", SYS_debug_write, 0x1000, 4, 0, 0,
		E_RANGE);
	a1_case("a1_yield_cap_empty_slot", SYS_yield_cap, 200, A1_MARK, 0, 0,
		E_NOENT);
	a1_case("a1_notify_cap_empty_slot", SYS_notify_cap, 200, 1, 0, 0,
		E_NOENT);
	a1_case("a1_retired_yield", 2, 999, A1_MARK, 0, 0, E_NOSYS);
	a1_case("a1_retired_notify", 4, 999, 1, 0, 0, E_NOSYS);
	a1_case("a1_upcall_set_unmapped", SYS_upcall_set, 0x3000, 0, 0, 0,
		E_RANGE);
	a1_case("a1_map_empty_slot", SYS_map, 200, 0x60000000L, 1, 0, E_NOENT);
	a1_case("a1_unmap_empty_slot", SYS_unmap, 200, 0x60000000L, 0, 0,
		E_NOENT);
	a1_case("a1_cap_delete_empty_slot", SYS_cap_delete, 200, A1_MARK, 0, 0,
		E_NOENT);
	a1_case("a1_frame_reclaim_self", SYS_frame_reclaim, 0, 1, 1000, 0,
		E_INVAL);
	a1_case("a1_irq_bind_empty_slot", SYS_irq_bind, 200, 3, 0, 0, E_NOENT);
	a1_case("a1_irq_ack_empty_slot", SYS_irq_ack, 200, A1_MARK, 0, 0,
		E_NOENT);
	a1_case("a1_timer_event_kernel_bit", SYS_timer_event, 0, 60, 0, 0,
		E_INVAL);
	/* A full capability space. */
	while (sys2_cap_derive(RIVET_SLOT_SELF, -1UL, 0, 0).rc == 0)
		;
	a1_case("a1_cap_derive_space_full", SYS_cap_derive, RIVET_SLOT_SELF,
		-1L, 0, 0, E_NOMEM);
	a1_case("a1_frame_alloc_no_slot_left", SYS_frame_alloc,
		(long)RIVET_FRAME_ANY, 1, 1, 0, E_NOMEM);
	/* The assembly fast paths: null and a directed yield. */
	r = call4(SYS_null, 0, A1_MARK, 0, 0);
	report("a1_null_call", r.rc == 0 && r.val == 0, "rc %ld, a1 0x%lx",
	       r.rc, (long)r.val);
	r = call4(SYS_yield_cap, (long)a1_sprayer, A1_MARK, 0, 0);
	report("a1_directed_yield", r.rc == 0 && r.val == 0, "rc %ld, a1 0x%lx",
	       r.rc, (long)r.val);
	r = call4(SYS_yield_cap, (long)self, A1_MARK, 0, 0);
	report("a1_yield_to_self", r.rc == 0 && r.val == 0, "rc %ld, a1 0x%lx",
	       r.rc, (long)r.val);
}

/* ---------------------------------------------------- W^X per frame --- */

#define VA_W 0x60000000UL
#define VA_X 0x60100000UL
#define VA_R 0x60200000UL

/* addi a0, zero, 42; ret */
static const uint32_t code42[2] = { 0x02a00513, 0x00008067 };

static long run_at(unsigned long va)
{
	__asm__ volatile("fence.i" ::: "memory");
	return ((long (*)(void))va)();
}

static void role_wx(void)
{
	unsigned long slot = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long copy;
	long rc;

	EXPECT_EQ("wx_map_writable", sys_map(slot, VA_W, 3), 0);
	memcpy((void *)VA_W, code42, sizeof(code42));
	rc = sys_map(slot, VA_X, RIVET_CAP_R | RIVET_CAP_X);
	EXPECT_EQ("wx_executable_refused_while_writable", rc, E_BUSY);
	if (!rc) /* what the refusal prevents: written code running */
		report("wx_written_code_must_not_run", run_at(VA_X) != 42,
		       "it ran", 0, 0);
	sys_unmap(slot, VA_X);
	copy = sys2_cap_derive(slot, -1UL, RIVET_CAP_R | RIVET_CAP_X, 0).val;
	EXPECT_EQ("wx_executable_refused_through_a_copy",
		  sys_map(copy, VA_X, RIVET_CAP_R | RIVET_CAP_X), E_BUSY);
	EXPECT_EQ("wx_read_only_beside_writable", sys_map(copy, VA_R, 1), 0);
	/* The loader's way: write, unmap, then map executable. */
	sys_unmap(slot, VA_W);
	EXPECT_EQ("wx_executable_once_not_writable",
		  sys_map(copy, VA_X, RIVET_CAP_R | RIVET_CAP_X), 0);
	EXPECT_EQ("wx_code_runs", run_at(VA_X), 42);
	/* The other order: executable first, then writable. */
	EXPECT_EQ("wx_writable_refused_while_executable",
		  sys_map(slot, VA_W, 3), E_BUSY);
	EXPECT_EQ("wx_second_executable_mapping",
		  sys_map(slot, VA_X + 0x1000, RIVET_CAP_R | RIVET_CAP_X), 0);
	sys_unmap(copy, VA_X);
	EXPECT_EQ("wx_writable_refused_while_one_executable_left",
		  sys_map(slot, VA_W, 3), E_BUSY);
	sys_unmap(slot, VA_X + 0x1000);
	EXPECT_EQ("wx_writable_once_not_executable", sys_map(slot, VA_W, 3), 0);
	/* Deleting the capability a mapping was made through releases it. */
	sys_cap_delete(copy);
	sys_unmap(slot, VA_W);
	copy = sys2_cap_derive(slot, -1UL,
			       RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X, 0)
		       .val;
	sys_map(copy, VA_W, 3);
	sys_cap_delete(copy);
	EXPECT_EQ("wx_delete_releases_the_writable_mapping",
		  sys_map(slot, VA_X, RIVET_CAP_R | RIVET_CAP_X), 0);
}

/* Across a grant: the holder maps it writable, the grantee executable. */
static void role_wx_a(void)
{
	unsigned long slot = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long b = peer_notify();
	struct rivet_ret r;

	sys_map(slot, VA_W, 3);
	memcpy((void *)VA_W, code42, sizeof(code42));
	r = sys2_cap_derive(slot, RIVET_SLOT_PEER0, RIVET_CAP_R | RIVET_CAP_X,
			    0);
	EXPECT_EQ("wx_grant_rx_copy", r.rc, 0);
	sys_notify_cap(b, r.val + 1);
	sys2_wait(EV_DONE); /* b was refused */
	sys_unmap(slot, VA_W);
	sys_notify_cap(b, EV_GO);
	sys2_wait(EV_DONE2); /* b maps it executable and runs it */
	EXPECT_EQ("wx_holder_refused_writable_while_grantee_executes",
		  sys_map(slot, VA_W, 3), E_BUSY);
	sys_notify_cap(b, EV_END);
	sys2_wait(EV_DONE); /* b unmapped */
	EXPECT_EQ("wx_holder_writable_after_grantee_unmaps",
		  sys_map(slot, VA_W, 3), 0);
}

static void role_wx_b(void)
{
	unsigned long a = peer_notify();
	unsigned long slot = sys2_wait(EV_SLOT).val - 1;
	long rc = sys_map(slot, VA_X, RIVET_CAP_R | RIVET_CAP_X);

	EXPECT_EQ("wx_grantee_executable_refused_while_holder_writes", rc,
		  E_BUSY);
	if (!rc) {
		report("wx_grantee_must_not_run_holders_code",
		       run_at(VA_X) != 42, "it ran", 0, 0);
		sys_unmap(slot, VA_X);
	}
	sys_notify_cap(a, EV_DONE);
	sys2_wait(EV_GO);
	EXPECT_EQ("wx_grantee_executable_once_holder_unmapped",
		  sys_map(slot, VA_X, RIVET_CAP_R | RIVET_CAP_X), 0);
	EXPECT_EQ("wx_grantee_runs_the_code", run_at(VA_X), 42);
	sys_notify_cap(a, EV_DONE2);
	sys2_wait(EV_END);
	sys_unmap(slot, VA_X);
	sys_notify_cap(a, EV_DONE);
}

/* ----------------------------------------------- outrunning a revoke --- */

#define RACE_COPIES 60000	 /* in the revoker's own space: many slices */
#define RACE_VA	    0x50300000UL /* the holder's mapping of its grant */
#define RACE_STRETCH                                                           \
	95000 /* docs/performance.md: under 100,000 instructions per entry */

/*
 * A revoke the holder of a granted copy tries to outrun: it derives new
 * copies in its own space (no grant right needed) while the revoke runs
 * in pieces. The revoke must end, with the holder's copies and mapping
 * gone, and no kernel entry longer than the bound.
 */
static void role_race_revoker(void)
{
	unsigned long peer = peer_notify();
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long root = r.val, last = root, i;
	long stretch;

	r = sys2_cap_derive(root, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
	EXPECT_EQ("race_grant_to_the_holder", r.rc, 0);
	sys_notify_cap(peer, r.val + 1);
	sys2_wait(EV_DONE); /* it mapped its copy */
	for (i = 0; r.rc == 0 && i < RACE_COPIES; i++) {
		r = sys2_cap_derive(i % 64 == 0 ? root : last, -1UL,
				    RIVET_CAP_R, 0);
		last = r.val;
	}
	EXPECT_EQ("race_tree_built", i, RACE_COPIES);
	sys_notify_cap(peer, EV_GO);
	r = sys2_cap_revoke(root);
	EXPECT_EQ("race_revoke_finishes", r.rc, 0);
	stretch = (long)sys2_kstat(KSTAT_STRETCH_MAX).val;
	report("race_revoke_kernel_entries_stay_short",
	       stretch > 0 && stretch <= RACE_STRETCH,
	       "%ld instructions in one entry, bound %ld", stretch,
	       RACE_STRETCH);
	sys_notify_cap(peer, EV_DONE2);
	sys2_wait(EV_END);
}

static void role_race_holder(void)
{
	unsigned long revoker = peer_notify();
	unsigned long slot = sys2_wait(EV_SLOT).val - 1, src = slot;
	long made = 0, busy = 0;
	struct rivet_ret r;

	EXPECT_EQ("race_holder_maps_its_copy", sys_map(slot, RACE_VA, 1), 0);
	sys_notify_cap(revoker, EV_DONE);
	sys2_wait(EV_GO);
	/* Copies of copies, as fast as it can, until the source is gone. */
	for (;;) {
		r = sys2_cap_derive(src, -1UL, RIVET_CAP_R, 0);
		if (r.rc == E_BUSY) {
			busy++;
			continue;
		}
		if (r.rc)
			break;
		made++;
		src = r.val;
	}
	sys2_wait(EV_DONE2);
	report("race_holder_cannot_copy_while_the_revoke_runs", busy > 0,
	       "made %ld copies, refused %ld", made, busy);
	EXPECT_EQ("race_holder_mapping_is_gone",
		  sys2_kstat(KSTAT_MY_MAPPINGS).val, 0);
	EXPECT_EQ("race_holder_copy_is_gone",
		  sys2_cap_info(slot, RIVET_CAPINFO_TYPE).rc, E_NOENT);
	sys_notify_cap(revoker, EV_END);
}

/* ------------------------------------------ DMA devices stay put --- */

/*
 * Holds the virtio transport (a DMA device) its configuration trusted it
 * with: it may use it and copy it in its own space, but neither grant it
 * to an accepting peer nor pass it to a child it spawns.
 */
static void role_dma_holder(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev = in->devices[0].slot, child = 0;
	unsigned long peer = peer_notify();
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0);
	struct rivet_ret r;

	r = sys2_cap_info(dev, RIVET_CAPINFO_TYPE);
	report("dma_device_has_no_grant_right",
	       r.rc == 0 && !((r.val >> 8) & RIVET_CAP_GRANT),
	       "rc %ld, type and rights 0x%lx", r.rc, (long)r.val);
	EXPECT_EQ("dma_device_copied_in_own_space",
		  sys2_cap_derive(dev, -1UL, RIVET_CAP_R, 0).rc, 0);
	EXPECT_EQ("dma_device_grant_to_accepting_peer_refused",
		  sys2_cap_derive(dev, RIVET_SLOT_PEER0,
				  RIVET_CAP_R | RIVET_CAP_W, 0)
			  .rc,
		  E_PERM);
	EXPECT_EQ("dma_device_passed_to_spawned_child_refused",
		  rivet_spawn((unsigned long)sp, "/libos/tests.elf",
			      "t_dma_child", child_frames(0), 16, &dev, 1,
			      &child),
		  E_PERM);
	sys_notify_cap(peer, EV_DONE);
}

static void role_dma_peer(void)
{
	sys2_wait(EV_DONE);
}

static void role_dma_child(void)
{
	printf("TEST dma_child_started: FAIL it holds the DMA device\n");
}

/* ------------------------------------------------------------- roles --- */

const struct role hostile_roles[] = {
	{ "t_dev_uaccess", role_dev_uaccess },
	{ "t_uart_uaccess", role_uart_uaccess },
	{ "t_log_waiter", role_log_waiter },
	{ "t_exit_watcher", role_exit_watcher },
	{ "t_log_owner", role_log_owner },
	{ "t_log_grantor", role_log_grantor },
	{ "t_log_grantee", role_log_grantee },
	{ "t_a1_sprayer", role_a1_sprayer },
	{ "t_a1_check", role_a1_check },
	{ "t_wx", role_wx },
	{ "t_wx_a", role_wx_a },
	{ "t_wx_b", role_wx_b },
	{ "t_race_revoker", role_race_revoker },
	{ "t_race_holder", role_race_holder },
	{ "t_dma_holder", role_dma_holder },
	{ "t_dma_peer", role_dma_peer },
	{ "t_dma_child", role_dma_child },
	{ 0 },
};
