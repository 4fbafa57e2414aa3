/* SPDX-License-Identifier: MIT */
/*
 * The in-QEMU test suite. One image plays every role; the domain's name
 * (from the boot configuration) picks the role, so a test configuration
 * is just a list of [domain t_...] sections (tests/qemu/test_domains.py).
 *
 * Every case prints exactly one line the harness checks:
 *   TEST <case>: PASS
 *   TEST <case>: FAIL <what went wrong>
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/conin.h>
#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "tests.h"

int failures;

void report(const char *name, int ok, const char *fmt, long a, long b)
{
	if (!rivet_test_report("", name, ok, fmt, a, b))
		failures++;
}

long raw_syscall(long nr, long a0, long a1)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1), "+r"(r7)
			 :
			 : "memory", RIVET_SYSCALL_CLOBBERS);
	return r0;
}

long set_slice_entry(const char *entry)
{
	extern char rivet_exc_light_entry[], rivet_upcall_resume[],
		rivet_upcall_resume_end[];

	return sys_upcall_set((unsigned long)rivet_exc_light_entry,
			      (unsigned long)entry,
			      (unsigned long)rivet_upcall_resume,
			      (unsigned long)rivet_upcall_resume_end);
}

void check_stretch(const char *name)
{
	long s = (long)sys2_kstat(KSTAT_STRETCH_MAX).val;

	printf("STRETCH %s %ld\n", name, s);
	report(name, s > 0 && s <= STRETCH_MAX,
	       "%ld instructions in one entry, bound %ld", s, STRETCH_MAX);
}

unsigned long insn_len(unsigned long pc)
{
	return (*(const uint16_t *)pc & 3) == 3 ? 4 : 2;
}

/* ------------------------------------------------------- system calls --- */

static int skip_count;

static int skip_insn(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	skip_count++;
	u->epc += insn_len(u->epc);
	return 0;
}

static void role_syscall(void)
{
	char text[5000] = { 0 }; /* on the stack: docs/testing.md */
	struct rivet_ret r;

	EXPECT_EQ("syscall_bad_number", raw_syscall(999, 0, 0), E_NOSYS);
	EXPECT_EQ("syscall_number_past_table", raw_syscall(SYS_COUNT, 0, 0),
		  E_NOSYS);
	EXPECT_EQ("debug_write_kernel_pointer",
		  sys_debug_write((const char *)0xffffffff80000000UL, 4),
		  E_RANGE);
	EXPECT_EQ("debug_write_unmapped_pointer",
		  sys_debug_write((const char *)0x1000, 4), E_RANGE);
	EXPECT_EQ("debug_write_past_user_top",
		  sys_debug_write((const char *)(RIVET_USER_TOP - 2), 4),
		  E_RANGE);
	EXPECT_EQ("debug_write_wraps_around",
		  sys_debug_write((const char *)0x10000, -1UL), E_TOOBIG);
	EXPECT_EQ("debug_write_too_long", sys_debug_write(text, sizeof(text)),
		  E_TOOBIG);
	EXPECT_EQ("debug_write_runs_off_stack",
		  sys_debug_write((const char *)(RIVET_STACK_TOP - 2), 4),
		  E_RANGE);
	EXPECT_EQ("debug_write_empty", sys_debug_write(text, 0), 0);
	/* The id-based yield (2) and notify (4) are retired: ids carry no
	 * authority (docs/channels.md). */
	EXPECT_EQ("yield_by_id_is_retired", raw_syscall(2, 999, 0), E_NOSYS);
	EXPECT_EQ("yield_to_own_id_is_retired",
		  raw_syscall(2, rivet_info()->domain_id, 0), E_NOSYS);
	EXPECT_EQ("notify_by_id_is_retired",
		  raw_syscall(4, rivet_info()->domain_id, 1), E_NOSYS);
	EXPECT_EQ("yield_cap_any", sys_yield_cap(RIVET_YIELD_ANY), 0);
	EXPECT_EQ("yield_cap_domain_capability", sys_yield_cap(RIVET_SLOT_SELF),
		  E_INVAL);
	EXPECT_EQ("notify_cap_domain_capability",
		  sys_notify_cap(RIVET_SLOT_SELF, 1), E_INVAL);
	EXPECT_EQ("wait_empty_mask", sys_wait(0), E_INVAL);
	r = sys2_domain_lookup((const char *)0x2000, 5);
	EXPECT_EQ("lookup_unmapped_name", r.rc, E_RANGE);
	EXPECT_EQ("lookup_unknown_name", sys2_domain_lookup("nobody", 6).rc,
		  E_NOENT);
	EXPECT_EQ("lookup_overlong_name", sys2_domain_lookup(text, 100).rc,
		  E_NOENT);
	r = sys2_domain_lookup("t_syscall", 9);
	report("lookup_self", r.rc == 0 && r.val == rivet_info()->domain_id,
	       "rc %ld, id %ld", r.rc, (long)r.val);
	EXPECT_EQ("kstat_unknown_counter", sys2_kstat(99).rc, E_INVAL);

	/* A refused upcall_set must change nothing (decode, then invoke). */
	EXPECT_EQ("upcall_set_unmapped_entry", sys_upcall_set(0x3000, 0, 0, 0),
		  E_RANGE);
	EXPECT_EQ("upcall_set_data_entry",
		  sys_upcall_set((unsigned long)text, 0, 0, 0), E_RANGE);
	EXPECT_EQ("upcall_set_reversed_range",
		  sys_upcall_set(0, 0, 0x10010, 0x10000), E_INVAL);
	rivet_exc_register(3, skip_insn, 0);
	__asm__ volatile("ebreak");
	EXPECT_EQ("upcall_set_refused_keeps_entries", skip_count, 1);
}

/* ----------------------------------------------------- directed yield --- */

static void step(const char *what)
{
	printf("ORDER %s\n", what);
}

static void role_order_a(void)
{
	long rc;

	step("a1");
	rc = rivet_yield_to_name("t_order_c");
	step("a2");
	rc |= rivet_yield_to_name("t_order_b");
	step("a3");
	EXPECT_EQ("yield_directed_returns_zero", rc, 0);
}

static void role_order_b(void)
{
	step("b1");
	rivet_yield_to_name("t_order_a");
	step("b2");
}

static void role_order_c(void)
{
	step("c1");
	rivet_yield_to_name("t_order_b");
	step("c2");
}

/* ---------------------------------------------------------- wait/wake --- */

static void role_waiter(void)
{
	struct rivet_ret r = sys2_wait(0x4);

	report("wait_wakes_with_its_bits", r.rc == 0 && r.val == 0x4,
	       "rc %ld, bits 0x%lx", r.rc, (long)r.val);
	report("wait_leaves_other_bits_pending",
	       (rivet_info()->pending & 0x2) != 0, "pending 0x%lx",
	       (long)rivet_info()->pending, 0);
	r = sys2_wait(0x2);
	report("wait_returns_pending_bits_at_once", r.rc == 0 && r.val == 0x2,
	       "rc %ld, bits 0x%lx", r.rc, (long)r.val);
	/* Only the bits taken; the kernel may have posted its own since. */
	EXPECT_EQ("wait_cleared_taken_bits",
		  rivet_info()->pending & ~RIVET_EVENT_KERNEL_MASK, 0);
}

static void role_waker(void)
{
	long id = rivet_domain_lookup("t_waiter");

	report("waiter_is_waiting",
	       rivet_domain_state(id) == RIVET_DOMAIN_WAITING,
	       "id %ld, state %ld", id, (long)rivet_domain_state(id));
	EXPECT_EQ("notify_waiting_domain", rivet_notify_name("t_waiter", 0x6),
		  0);
}

/* ------------------------------------------------- slices and strikes --- */

/* Busy work that only a slice end can interrupt. */
static void spin_until_slices(uint64_t n)
{
	volatile uint64_t sink = 0;

	while (rivet_info()->slices_used < n)
		sink++;
}

static void role_polite(void)
{
	uint64_t start = rivet_info()->slices_used;

	/* The runtime's slice-end entry yields each time it is told. */
	spin_until_slices(start + 5);
	report("slice_end_upcall_yields_without_strikes",
	       rivet_info()->strikes == 0 &&
		       sys2_kstat(KSTAT_MY_STRIKES).val == 0,
	       "strikes %ld", (long)rivet_info()->strikes, 0);
}

/*
 * A reader that breaks the console's input page: a tail the console never
 * wrote and a prompt full of control bytes. The console must go on (the
 * harness types a line and checks that it is dropped, with a message) and
 * show the prompt without the control bytes.
 */
static void role_conin_scribble(void)
{
	struct rivet_conin *page = (struct rivet_conin *)RIVET_CONIN_VA;
	uint64_t got;

	EXPECT_EQ("conin_attach_finds_the_console_page",
		  rivet_conin_attach(1000), 0);
	/* A prompt full of control bytes: the console must filter it. */
	strcpy(page->prompt, "\x1b[2Jevil\a> ");
	page->asks++;
	/* Through its `notify = console` line, found by the page's id. */
	sys_notify_cap((unsigned long)rivet_notify_slot_of(page->console_id),
		       RIVET_CONIN_EV_ASK);
	got = sys2_wait(RIVET_CONIN_EV_INPUT).val; /* the harness types */
	report("conin_line_arrives", (got & RIVET_CONIN_EV_INPUT) != 0,
	       "events %#lx", (long)got, 0);
	/* Now a tail the console never gave: it must refuse the next line
	 * and still tell us. (No timer as a limit: under -icount sleep=off
	 * an idle machine reaches it at once; the harness times out.) */
	page->lines.tail = 0x7fffffff;
	printf("TEST conin_scribbled: PASS\n");
	got = sys2_wait(RIVET_CONIN_EV_INPUT).val;
	report("conin_console_notifies_after_scribbling",
	       (got & RIVET_CONIN_EV_INPUT) != 0, "events %#lx", (long)got, 0);
}

/*
 * A console that grants its input page to its peer (slot 1) as the real
 * one does, lets the peer attach, and ends before the peer first asks for
 * a line: the reader must see the end (E_NOENT), not fault on the page
 * that went with it.
 */
static void role_conin_console(void)
{
	struct rivet_conin *page = (struct rivet_conin *)0x20100000UL;
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);

	EXPECT_EQ("conin_console_frame", r.rc, 0);
	EXPECT_EQ(
		"conin_console_map",
		sys_map(r.val, (unsigned long)page, RIVET_CAP_R | RIVET_CAP_W),
		0);
	page->console_id = rivet_info()->domain_id;
	page->magic = RIVET_CONIN_MAGIC;
	EXPECT_EQ("conin_console_grant",
		  sys2_cap_derive(r.val, RIVET_SLOT_PEER0,
				  RIVET_CAP_R | RIVET_CAP_W, RIVET_CONIN_BADGE)
			  .rc,
		  0);
	rivet_notify_name("shell", RIVET_CONIN_EV_INPUT);
	/* The peer attaches, then yields back while we are runnable. */
	EXPECT_EQ("conin_console_yields_to_reader",
		  rivet_yield_to_name("shell"), 0);
	report("conin_console_reader_attached", page->asks == 0, "asks %ld",
	       (long)page->asks, 0);
}

/* A slice-end entry that ignores the upcall: it never yields. */
__asm__(".pushsection .text\n"
	".globl ignore_slice_end\n"
	"ignore_slice_end:\n"
	"1:	j 1b\n"
	".popsection\n");
extern char ignore_slice_end[];
extern char rivet_exc_light_entry[], rivet_upcall_resume[],
	rivet_upcall_resume_end[];

static void role_spinner(void)
{
	sys_upcall_set((unsigned long)rivet_exc_light_entry,
		       (unsigned long)ignore_slice_end,
		       (unsigned long)rivet_upcall_resume,
		       (unsigned long)rivet_upcall_resume_end);
	for (;;)
		;
}

/* --------------------------------------------------------- exceptions --- */

/* Written by handlers behind the compiler's back: volatile. */
static volatile struct {
	unsigned long cause, tval, epc;
	int hits;
} seen;

static int record_and_skip(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	seen.cause = u->cause;
	seen.tval = u->tval;
	seen.epc = u->epc;
	seen.hits++;
	u->epc += insn_len(u->epc);
	return 0;
}

/* For a jump to nowhere: resume at the caller's return address. */
static int return_to_caller(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	seen.cause = u->cause;
	seen.tval = u->tval;
	seen.hits++;
	u->epc = u->save[1];
	return 0;
}

static void check_exc(const char *name, unsigned long cause, int hits_before,
		      unsigned long tval, int check_tval)
{
	int ok = seen.hits == hits_before + 1 && seen.cause == cause &&
		 (!check_tval || seen.tval == tval);

	report(name, ok, "cause %ld, tval 0x%lx", (long)seen.cause,
	       (long)seen.tval);
}

static void role_exc(void)
{
	volatile uint32_t *info_page = (volatile uint32_t *)RIVET_INFO_VA;
	volatile uint32_t *nowhere = (volatile uint32_t *)0x5000;
	void (*bad_fn)(void) = (void (*)(void))0x7000;
	uint64_t words[2] = { 0, 0 };
	int h;
	unsigned long x = 0x3ff8000000000000UL, y; /* 1.5 */
	long sum;

	for (h = 0; h < 16; h++)
		if (h != 2)
			rivet_exc_register(h, record_and_skip, 0);

	h = seen.hits;
	__asm__ volatile("ebreak" ::: "memory");
	check_exc("exc_breakpoint_resumes", 3, h, 0, 0);

	h = seen.hits;
	rivet_exc_register(2, record_and_skip, 0);
	__asm__ volatile(".word 0xffffffff" ::: "memory"); /* reserved */
	check_exc("exc_illegal_resumes", 2, h, 0, 0);

	h = seen.hits;
	(void)*nowhere;
	check_exc("exc_load_page_fault_resumes", 13, h, 0x5000, 1);

	h = seen.hits;
	*info_page = 1;
	check_exc("exc_store_page_fault_on_readonly_info_page", 15, h,
		  RIVET_INFO_VA, 1);

	h = seen.hits;
	rivet_exc_register(12, return_to_caller, 0);
	bad_fn();
	check_exc("exc_instruction_page_fault_resumes", 12, h, 0x7000, 1);

	/* An AMO on a misaligned address may not be emulated by firmware. */
	h = seen.hits;
	__asm__ volatile("amoadd.w %0, %2, (%1)"
			 : "=r"(sum)
			 : "r"((char *)words + 2), "r"(1L)
			 : "memory");
	/* QEMU raises it as a misaligned (4, 6) or access fault (5, 7),
	 * and OpenSBI, which gets it first, passes it down. */
	report("exc_misaligned_amo_resumes",
	       seen.hits == h + 1 && seen.cause >= 4 && seen.cause <= 7,
	       "cause %ld, hits %ld", (long)seen.cause, seen.hits - h);

	/*
	 * FP starts off: the first FP instruction traps and is enabled
	 * lazily. The libOS is built soft-float, so the operands travel as
	 * bit patterns: 1.5 + 1.5 must give 3.0.
	 */
	rivet_exc_register(2, rivet_fp_lazy_handler, 0);
	__asm__ volatile(".option push\n.option arch, +d\n"
			 "fmv.d.x ft0, %1\n"
			 "fadd.d ft0, ft0, ft0\n"
			 "fmv.x.d %0, ft0\n"
			 ".option pop"
			 : "=r"(y)
			 : "r"(x)
			 : "ft0");
	report("exc_fp_disabled_enables_lazily", y == 0x4008000000000000UL,
	       "bits 0x%lx", (long)y, 0);

	EXPECT_EQ("exc_in_upcall_cleared_after_resume",
		  rivet_upcall_area()->in_upcall, 0);
}

/* Addresses nothing is mapped at, hidden from the compiler's checks. */
static volatile uintptr_t unmapped_addr = 0x18;

static int fault_inside(struct rivet_upcall *u, void *arg)
{
	(void)u;
	(void)arg;
	return *(volatile int *)unmapped_addr; /* faults with in_upcall set */
}

static void role_badhandler(void)
{
	rivet_exc_register(3, fault_inside, 0);
	__asm__ volatile("ebreak");
	printf("TEST badhandler_killed: FAIL still running\n");
}

static void role_nohandler(void)
{
	sys_upcall_set(0, 0, 0, 0);
	(void)*(volatile int *)(unmapped_addr + 0x10);
	printf("TEST nohandler_killed: FAIL still running\n");
}

static void role_survivor(void)
{
	int i;

	for (i = 0; i < 5; i++)
		sys_yield_cap(RIVET_YIELD_ANY);
	EXPECT_EQ("survivor_outlives_killed_peers",
		  sys2_kstat(KSTAT_LIVE_DOMAINS).val, 1);
}

/* ------------------------------------------------------------ reclaim --- */

static void role_reclaim_a(void)
{
	uint64_t before = sys2_kstat(KSTAT_FREE_FRAMES).val, after;
	struct rivet_ret r = sys2_wait(~0UL); /* bits = B's frame count */
	long b = rivet_domain_lookup("t_reclaim_b");

	/* B notified us, then exited; it runs no more before we do. */
	while (rivet_domain_state(b) != RIVET_DOMAIN_EXITED)
		sys_yield_cap(RIVET_YIELD_ANY);
	after = sys2_kstat(KSTAT_FREE_FRAMES).val;
	report("exit_returns_every_frame", r.rc == 0 && after - before == r.val,
	       "freed %ld of %ld frames", (long)(after - before), (long)r.val);
}

static void role_reclaim_b(void)
{
	uint64_t mine = sys2_kstat(KSTAT_MY_FRAMES).val;

	report("domain_owns_frames", mine > 0, "%ld frames", (long)mine, 0);
	rivet_notify_name("t_reclaim_a", mine);
}

/* ----------------------------------- registers across a directed yield --- */

/*
 * Loads s2..s11 with known values, yields through the notification
 * capability in slot target by a raw ecall (so the compiler cannot save
 * them for us) and reports whether all came back.
 */
static long yield_keeps_saved_regs(long target, long seed)
{
	long bad;

	__asm__ volatile("mv	t0, %2\n"
			 "addi	s2, t0, 2\n addi s3, t0, 3\n addi s4, t0, 4\n"
			 "addi	s5, t0, 5\n addi s6, t0, 6\n addi s7, t0, 7\n"
			 "addi	s8, t0, 8\n addi s9, t0, 9\n addi s10, t0, 10\n"
			 "addi	s11, t0, 11\n"
			 "mv	a0, %1\n li a7, %3\n ecall\n"
			 "mv	t0, %2\n li %0, 0\n"
			 "addi	t1, t0, 2\n bne s2, t1, 1f\n"
			 "addi	t1, t0, 3\n bne s3, t1, 1f\n"
			 "addi	t1, t0, 4\n bne s4, t1, 1f\n"
			 "addi	t1, t0, 5\n bne s5, t1, 1f\n"
			 "addi	t1, t0, 6\n bne s6, t1, 1f\n"
			 "addi	t1, t0, 7\n bne s7, t1, 1f\n"
			 "addi	t1, t0, 8\n bne s8, t1, 1f\n"
			 "addi	t1, t0, 9\n bne s9, t1, 1f\n"
			 "addi	t1, t0, 10\n bne s10, t1, 1f\n"
			 "addi	t1, t0, 11\n bne s11, t1, 1f\n"
			 "j	2f\n"
			 "1:	li %0, 1\n"
			 "2:\n"
			 : "=&r"(bad)
			 : "r"(target), "r"(seed), "i"(SYS_yield_cap)
			 : "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0",
			   "t1", "t2", "t3", "t4", "t5", "t6", "s2", "s3", "s4",
			   "s5", "s6", "s7", "s8", "s9", "s10", "s11",
			   "memory");
	return bad;
}

/* Puts bits in fs0 (FP starts off: the runtime enables it lazily). */
static void fs0_set(unsigned long bits)
{
	__asm__ volatile(".option push\n.option arch, +d\n"
			 "fmv.d.x fs0, %0\n.option pop" ::"r"(bits)
			 : "memory");
}

static unsigned long fs0_get(void)
{
	unsigned long bits;

	__asm__ volatile(".option push\n.option arch, +d\n"
			 "fmv.x.d %0, fs0\n.option pop"
			 : "=r"(bits)::"memory");
	return bits;
}

static void role_regs_a(void)
{
	long b = rivet_notify_slot("t_regs_b");

	EXPECT_EQ("yield_directed_keeps_callee_saved",
		  yield_keeps_saved_regs(b, 0x1000), 0);
	fs0_set(0x1234567887654321UL);
	sys_yield_cap((unsigned long)b);
	EXPECT_EQ("yield_directed_keeps_fp_registers", fs0_get(),
		  0x1234567887654321UL);
}

static void role_regs_b(void)
{
	long a = rivet_notify_slot("t_regs_a");

	/* Scribble over the same registers, integer then FP, and go back. */
	yield_keeps_saved_regs(a, 0x7000);
	fs0_set(0xdeadbeefcafef00dUL);
	sys_yield_cap((unsigned long)a);
}

/* ------------------------------------------------------- capabilities --- */

#define VA_A	0x40000000UL
#define VA_B	0x40100000UL
#define VA_MEGA 0x40200000UL /* 2 MiB aligned */

static volatile int faults_seen;
static volatile unsigned long last_fault_addr;

/* Counts a page fault and skips the faulting instruction. */
static int count_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	faults_seen++;
	last_fault_addr = u->tval;
	u->epc += insn_len(u->epc);
	return 0;
}

static void catch_page_faults(void)
{
	rivet_exc_register(12, count_fault, 0);
	rivet_exc_register(13, count_fault, 0);
	rivet_exc_register(15, count_fault, 0);
}

/* Writes a word, or notes the fault (the handler skips the store). */
static int touch_store_faults(unsigned long va)
{
	int before = faults_seen;

	*(volatile uint32_t *)va = 1;
	return faults_seen == before + 1 && last_fault_addr == va;
}

/* Reads a word, or notes the fault (the handler skips the load). */
static int touch_faults(unsigned long va)
{
	int before = faults_seen;

	(void)*(volatile uint32_t *)va;
	return faults_seen == before + 1 && last_fault_addr == va;
}

static void role_cap_basic(void)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long slot = r.val, pa, ro;
	volatile uint32_t *a = (volatile uint32_t *)VA_A;

	catch_page_faults();
	EXPECT_EQ("frame_alloc_any", r.rc, 0);
	EXPECT_EQ("cap_info_frame_type",
		  sys2_cap_info(slot, RIVET_CAPINFO_TYPE).val,
		  RIVET_CAP_FRAME | 0xf << 8);
	pa = sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val;
	report("cap_info_names_physical_frame", pa && !(pa & 0xfff), "pa 0x%lx",
	       (long)pa, 0);
	EXPECT_EQ("map_frame_rw", sys_map(slot, VA_A, 3), 0);
	*a = 0x1234;
	EXPECT_EQ("mapped_frame_reads_back", *a, 0x1234);
	EXPECT_EQ("map_twice_at_same_va", sys_map(slot, VA_A, 1), E_EXIST);
	EXPECT_EQ("map_write_execute_refused", sys_map(slot, VA_B, 7), E_INVAL);
	EXPECT_EQ("map_write_without_read_refused", sys_map(slot, VA_B, 2),
		  E_INVAL);
	EXPECT_EQ("map_unaligned_va", sys_map(slot, VA_B + 8, 1), E_RANGE);
	EXPECT_EQ("map_above_map_top", sys_map(slot, RIVET_MAP_TOP, 1),
		  E_RANGE);
	EXPECT_EQ("map_kernel_half", sys_map(slot, 0xffffffc000000000UL, 1),
		  E_RANGE);
	EXPECT_EQ("map_over_the_image", sys_map(slot, 0x10000, 1), E_EXIST);
	EXPECT_EQ("map_slot_out_of_range", sys_map(100000, VA_B, 1), E_INVAL);
	EXPECT_EQ("map_empty_slot", sys_map(200, VA_B, 1), E_NOENT);
	EXPECT_EQ("map_domain_cap_as_frame", sys_map(RIVET_SLOT_SELF, VA_B, 1),
		  E_INVAL);

	/* A read-only copy: the kernel refuses a writable mapping of it. */
	r = sys2_cap_derive(slot, -1UL, RIVET_CAP_R, 0);
	ro = r.val;
	EXPECT_EQ("derive_read_only_copy", r.rc, 0);
	EXPECT_EQ("map_without_write_right_fails", sys_map(ro, VA_B, 3),
		  E_PERM);
	EXPECT_EQ("map_read_only_copy", sys_map(ro, VA_B, 1), 0);
	EXPECT_EQ("copy_maps_same_frame", *(volatile uint32_t *)VA_B, 0x1234);
	EXPECT_EQ("unmap_copy", sys_unmap(ro, VA_B), 0);
	report("unmapped_page_faults", touch_faults(VA_B), "faults %ld",
	       faults_seen, 0);
	EXPECT_EQ("unmap_twice", sys_unmap(ro, VA_B), E_NOENT);

	/* Physical names: a frame can be asked for by its address. */
	EXPECT_EQ("frame_alloc_busy_frame", sys2_frame_alloc(pa, 1, 1).rc,
		  E_BUSY);
	EXPECT_EQ("frame_alloc_kernel_frame",
		  sys2_frame_alloc(0x80200000UL, 1, 1).rc, E_BUSY);
	EXPECT_EQ("frame_alloc_not_ram", sys2_frame_alloc(0x1000, 1, 1).rc,
		  E_RANGE);
	EXPECT_EQ("frame_alloc_zero_pages",
		  sys2_frame_alloc(RIVET_FRAME_ANY, 0, 1).rc, E_INVAL);
	EXPECT_EQ("frame_alloc_bad_alignment",
		  sys2_frame_alloc(RIVET_FRAME_ANY, 1, 3).rc, E_INVAL);
	EXPECT_EQ("delete_original_frame", sys_cap_delete(slot), 0);
	report("delete_unmaps_every_copy", touch_faults(VA_A), "faults %ld",
	       faults_seen, 0);
	EXPECT_EQ("copy_went_with_original",
		  sys2_cap_info(ro, RIVET_CAPINFO_TYPE).rc, E_NOENT);
	r = sys2_frame_alloc(pa, 1, 1);
	report("frame_alloc_by_physical_address",
	       r.rc == 0 &&
		       sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val == pa,
	       "rc %ld", r.rc, 0);

	r = sys2_frame_alloc(RIVET_FRAME_ANY, 16, 16);
	pa = sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val;
	report("frame_alloc_aligned_run", r.rc == 0 && !(pa & 0xffff),
	       "rc %ld pa 0x%lx", r.rc, (long)pa);
	r = sys2_frame_alloc(RIVET_FRAME_ANY, 512, 512);
	EXPECT_EQ("frame_alloc_megapage_run", r.rc, 0);
	EXPECT_EQ("map_megapage", sys_map(r.val, VA_MEGA, 3), 0);
	*(volatile uint32_t *)(VA_MEGA + 0x1ffffc) = 7;
	EXPECT_EQ("megapage_last_word",
		  *(volatile uint32_t *)(VA_MEGA + 0x1ffffc), 7);
}

static void role_cap_quota(void)
{
	struct rivet_ret r;
	unsigned long n = 0, slots;

	while ((r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1)).rc == 0)
		n++;
	report("frame_quota_exhaustion_is_nomem", r.rc == E_NOMEM && n > 10,
	       "rc %ld after %ld frames", r.rc, (long)n);
	slots = sys2_kstat(KSTAT_MY_SLOTS).val;
	while ((r = sys2_cap_derive(RIVET_SLOT_SELF, -1UL, 0, 0)).rc == 0)
		slots++;
	report("slot_quota_exhaustion_is_nomem",
	       r.rc == E_NOMEM && slots == sys2_kstat(KSTAT_MY_SLOTS).val &&
		       slots == 300,
	       "rc %ld, %ld slots", r.rc, (long)slots);
}

#define EV_SLOT 0xffffUL
#define EV_DONE (1UL << 40)

static void role_grant_a(void)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long slot = r.val;
	volatile uint32_t *a = (volatile uint32_t *)VA_A;

	sys_map(slot, VA_A, 3);
	*a = 0xc0ffee;
	r = sys2_cap_derive(slot, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
	EXPECT_EQ("grant_into_peer", r.rc, 0);
	EXPECT_EQ("grant_to_self_cap_needs_grant_right",
		  sys2_cap_derive(slot, 7, RIVET_CAP_R, 0).rc, E_NOENT);
	rivet_notify_name("t_grant_b", r.val + 1); /* tell B its slot */
	sys2_wait(EV_DONE);
	r = sys2_cap_revoke(slot);
	report("revoke_counts_descendants", r.rc == 0 && r.val == 1,
	       "rc %ld, %ld", r.rc, (long)r.val);
	EXPECT_EQ("revoke_keeps_holders_own_mapping", *a, 0xc0ffee);
}

static void role_grant_b(void)
{
	struct rivet_ret r = sys2_wait(EV_SLOT);
	unsigned long slot = r.val - 1;
	unsigned long pa = sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val;
	const struct rivet_info *in = rivet_info();

	catch_page_faults();
	EXPECT_EQ("grantee_maps_granted_frame", sys_map(slot, VA_B, 1), 0);
	EXPECT_EQ("grantee_reads_granted_frame", *(volatile uint32_t *)VA_B,
		  0xc0ffee);
	EXPECT_EQ("grantee_cannot_map_writable",
		  sys_map(slot, VA_B + 0x1000, 3), E_PERM);
	EXPECT_EQ("grantee_cannot_regrant_without_grant_right",
		  sys2_cap_derive(slot, RIVET_SLOT_PEER0, RIVET_CAP_R, 0).rc,
		  E_PERM);
	rivet_notify_name("t_grant_a", EV_DONE);
	r = sys2_wait(RIVET_EVENT_REVOKED);
	report("revocation_event_names_slot_and_frame",
	       r.rc == 0 && in->revoked_count == 1 &&
		       in->revoked[0].slot == slot &&
		       in->revoked[0].object == pa &&
		       in->revoked[0].type == RIVET_CAP_FRAME,
	       "count %ld slot %ld", (long)in->revoked_count,
	       (long)in->revoked[0].slot);
	report("revoked_page_faults_in_grantee", touch_faults(VA_B),
	       "faults %ld", faults_seen, 0);
	EXPECT_EQ("revoked_slot_is_empty",
		  sys2_cap_info(slot, RIVET_CAPINFO_TYPE).rc, E_NOENT);
}

static void role_revoke_big(void)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long root = r.val, first = 0, last, base;
	int i, j, ok = 1;

	base = sys2_kstat(KSTAT_MY_SLOTS).val;
	/* 100 children of the root, each heading a chain of 99. */
	for (i = 0; i < 100 && ok; i++) {
		r = sys2_cap_derive(root, -1UL, RIVET_CAP_R, 0);
		ok = r.rc == 0;
		last = r.val;
		if (!i)
			first = last;
		for (j = 0; j < 99 && ok; j++) {
			r = sys2_cap_derive(last, -1UL, RIVET_CAP_R, 0);
			ok = r.rc == 0;
			last = r.val;
		}
	}
	report("build_10000_node_tree", ok, "rc %ld", r.rc, 0);
	r = sys2_cap_revoke(root);
	report("revoke_10000_node_tree", r.rc == 0 && r.val == 10000,
	       "rc %ld count %ld", r.rc, (long)r.val);
	EXPECT_EQ("revoke_frees_every_slot", sys2_kstat(KSTAT_MY_SLOTS).val,
		  base);
	EXPECT_EQ("revoked_child_is_gone",
		  sys2_cap_info(first, RIVET_CAPINFO_TYPE).rc, E_NOENT);
	EXPECT_EQ("revoke_keeps_the_root",
		  sys2_cap_info(root, RIVET_CAPINFO_TYPE).rc, 0);
}

static void role_kill_owner(void)
{
	struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 4, 1);
	sys_map(r.val, VA_A, 3);
	*(volatile uint32_t *)VA_A = 77;
	r = sys2_cap_derive(r.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
	rivet_notify_name("t_watcher", r.val + 1);
	sys2_wait(EV_DONE);
	sys_upcall_set(0, 0, 0, 0);
	(void)*(volatile int *)(unmapped_addr + 0x20); /* killed here */
	printf("TEST kill_owner_killed: FAIL still running\n");
}

static void role_watcher(void)
{
	struct rivet_ret r = sys2_wait(EV_SLOT);
	unsigned long slot = r.val - 1, before;
	long owner = rivet_domain_lookup("t_kill_owner");
	const struct rivet_info *in = rivet_info();

	catch_page_faults();
	EXPECT_EQ("watcher_maps_owners_frames", sys_map(slot, VA_B, 1), 0);
	EXPECT_EQ("watcher_reads_owners_frames", *(volatile uint32_t *)VA_B,
		  77);
	before = sys2_kstat(KSTAT_FREE_FRAMES).val;
	rivet_notify_name("t_kill_owner", EV_DONE);
	while (rivet_domain_state(owner) != RIVET_DOMAIN_KILLED)
		sys_yield_cap(RIVET_YIELD_ANY);
	report("killed_owner_revokes_its_grants",
	       in->revoked_count == 1 && in->revoked[0].slot == slot,
	       "count %ld", (long)in->revoked_count, 0);
	report("killed_owners_frames_unmapped_here", touch_faults(VA_B),
	       "faults %ld", faults_seen, 0);
	report("killed_owners_frames_all_freed",
	       sys2_kstat(KSTAT_FREE_FRAMES).val >= before + 4, "freed %ld",
	       (long)(sys2_kstat(KSTAT_FREE_FRAMES).val - before), 0);
	EXPECT_EQ("watcher_has_no_mapping_left",
		  sys2_kstat(KSTAT_MY_MAPPINGS).val, 0);
}

/* ---------------------------------------------------- abort protocol --- */

#define EV_READY_OK  (1UL << 1)
#define EV_READY_BAD (1UL << 2)

/* Four one-page frames, mapped; their slots in order of allocation. */
static void take_four_frames(unsigned long *slots)
{
	int i;

	for (i = 0; i < 4; i++) {
		slots[i] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
		sys_map(slots[i], VA_A + i * 0x1000UL, 3);
		*(volatile uint32_t *)(VA_A + i * 0x1000UL) = (uint32_t)i;
	}
}

static void role_abort_req(void)
{
	const struct rivet_info *in = rivet_info();
	long ok = rivet_domain_lookup("t_abort_ok");
	long bad = rivet_domain_lookup("t_abort_bad");
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;

	sys2_wait(EV_READY_OK);
	sys2_wait(EV_READY_BAD);
	EXPECT_EQ("reclaim_from_self_refused",
		  sys_frame_reclaim(RIVET_SLOT_SELF, 1, 1000), E_INVAL);
	EXPECT_EQ("reclaim_without_control_right",
		  sys_frame_reclaim(RIVET_SLOT_PEER0 + 2, 1, 1000), E_PERM);
	EXPECT_EQ("reclaim_more_than_it_holds",
		  sys_frame_reclaim(RIVET_SLOT_PEER0, 100, 1000), E_RANGE);
	EXPECT_EQ("reclaim_asks_complying_domain",
		  sys_frame_reclaim(RIVET_SLOT_PEER0, 2, 20000), 0);
	EXPECT_EQ("reclaim_twice_is_busy",
		  sys_frame_reclaim(RIVET_SLOT_PEER0, 1, 20000), E_BUSY);
	sys2_wait(RIVET_EVENT_ABORT_DONE);
	report("complying_domain_returned_by_itself",
	       in->abort_result.domain == ok &&
		       in->abort_result.returned == 2 &&
		       in->abort_result.forced == 0,
	       "returned %ld forced %ld", (long)in->abort_result.returned,
	       (long)in->abort_result.forced);
	/* What was given back is the asker's to take, not promised to the
	 * target any more. */
	EXPECT_EQ("returned_frames_join_the_askers_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota + 2);
	EXPECT_EQ("reclaim_asks_ignoring_domain",
		  sys_frame_reclaim(RIVET_SLOT_PEER0 + 1, 3, 2000), 0);
	sys2_wait(RIVET_EVENT_ABORT_DONE);
	report("ignoring_domain_loses_frames_by_force",
	       in->abort_result.domain == bad &&
		       in->abort_result.returned == 0 &&
		       in->abort_result.forced == 3,
	       "returned %ld forced %ld", (long)in->abort_result.returned,
	       (long)in->abort_result.forced);
	EXPECT_EQ("forced_frames_join_the_askers_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota + 5);
}

static void role_abort_ok(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long slots[4];
	struct rivet_ret r;
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;

	take_four_frames(slots);
	rivet_notify_name("t_abort_req", EV_READY_OK);
	r = sys2_wait(RIVET_EVENT_ABORT);
	report("asked_domain_sees_request",
	       r.rc == 0 && in->abort_frames == 2 && in->abort_deadline,
	       "frames %ld", (long)in->abort_frames, 0);
	/* It chooses which: the two it needs least. */
	sys_cap_delete(slots[0]);
	sys_cap_delete(slots[3]);
	EXPECT_EQ("complying_domain_keeps_the_rest",
		  *(volatile uint32_t *)(VA_A + 0x1000UL), 1);
	EXPECT_EQ("request_cleared_after_compliance", in->abort_frames, 0);
	EXPECT_EQ("given_frames_leave_the_targets_quota",
		  sys2_kstat(KSTAT_MY_QUOTA).val, quota - 2);
}

static void role_abort_bad(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long slots[4];

	catch_page_faults();
	take_four_frames(slots);
	rivet_notify_name("t_abort_req", EV_READY_BAD);
	/* Ignores the request; the kernel takes frames at the deadline. */
	while (in->revoked_count < 3)
		sys_yield_cap(RIVET_YIELD_ANY);
	report("forced_frames_are_named_newest_first",
	       in->revoked[0].slot == slots[3] &&
		       in->revoked[1].slot == slots[2] &&
		       in->revoked[2].slot == slots[1],
	       "first slot %ld", (long)in->revoked[0].slot, 0);
	report("forced_pages_are_unmapped", touch_faults(VA_A + 0x3000UL),
	       "faults %ld", faults_seen, 0);
	EXPECT_EQ("unforced_page_still_there", *(volatile uint32_t *)VA_A, 0);
}

/* --------------------------------------------------- page-table view --- */

#define PTE_V_ 0x1UL
#define PTE_R_ 0x2UL
#define PTE_W_ 0x4UL
#define PTE_X_ 0x8UL
#define PTE_U_ 0x10UL

static void role_ptview(void)
{
	unsigned long slot = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
	unsigned long pa = sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val;
	uint64_t pte, text = rivet_pte((uintptr_t)&role_ptview);
	struct rivet_ret r;

	catch_page_faults();
	report("view_shows_text_read_execute",
	       (text & 0x1f) == (PTE_V_ | PTE_R_ | PTE_X_ | PTE_U_),
	       "pte 0x%lx", (long)text, 0);
	EXPECT_EQ("view_empty_where_nothing_mapped", rivet_pte(VA_A), 0);
	sys_map(slot, VA_A, 3);
	pte = rivet_pte(VA_A);
	report("view_shows_new_mapping",
	       (pte & 0x1f) == (PTE_V_ | PTE_R_ | PTE_W_ | PTE_U_) &&
		       (pte >> 10) << 12 == pa,
	       "pte 0x%lx", (long)pte, 0);
	sys_unmap(slot, VA_A);
	EXPECT_EQ("view_clears_on_unmap", rivet_pte(VA_A), 0);
	report("view_is_read_only",
	       touch_store_faults(RIVET_PTVIEW_VA + (VA_A >> 12) * 8),
	       "faults %ld", faults_seen, 0);
	r = sys2_frame_alloc(RIVET_FRAME_ANY, 512, 512);
	sys_map(r.val, VA_MEGA, 1);
	pa = sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val;
	pte = rivet_pte(VA_MEGA + 0x1ff000);
	report("view_covers_each_page_of_a_megapage",
	       (pte >> 10) << 12 == pa + 0x1ff000 && (pte & PTE_R_),
	       "pte 0x%lx", (long)pte, 0);
}

/* ------------------------------------------------ review regressions --- */

static void role_fp_victim(void)
{
	fs0_set(0x5ec2e75ec2e75ec2UL); /* FP on, a secret in fs0 */
	rivet_yield_to_name("t_fp_thief");
}

static void role_fp_thief(void)
{
	/* The first FP instruction enables FP lazily: it must see zeros. */
	EXPECT_EQ("fp_enable_starts_with_zeroed_registers", fs0_get(), 0);
}

#define VA_1G_EDGE 0xfffe00000UL /* 2 MiB below 64 GiB */

static void role_map_undo(void)
{
	struct rivet_ret big = sys2_frame_alloc(RIVET_FRAME_ANY, 1024, 512);
	unsigned long singles[16];
	int n = 0, failures_seen = 0, clean = 1;
	long rc;

	catch_page_faults();
	/* Use up the quota, keeping the last frames' slots to give back. */
	for (;;) {
		struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);

		if (r.rc)
			break;
		singles[n++ % 16] = r.val;
	}
	/*
	 * Give back one frame at a time and retry a 4 MiB map across a 1 GiB
	 * line: it needs two view pages and two page tables, so it fails at
	 * every point on the way, once after mapping the first half. Every
	 * failure must leave nothing mapped.
	 */
	while ((rc = sys_map(big.val, VA_1G_EDGE, 3)) == E_NOMEM && n > 0) {
		failures_seen++;
		clean = clean && touch_faults(VA_1G_EDGE) &&
			sys2_kstat(KSTAT_MY_MAPPINGS).val == 0;
		sys_cap_delete(singles[--n % 16]);
	}
	EXPECT_EQ("map_succeeds_once_quota_allows", rc, 0);
	report("failed_maps_leave_nothing_mapped", clean && failures_seen >= 3,
	       "%ld failures seen", failures_seen, 0);
	EXPECT_EQ("map_across_1g_reaches_the_end",
		  (*(volatile uint32_t *)(VA_1G_EDGE + 0x3ffffcUL) = 5,
		   *(volatile uint32_t *)(VA_1G_EDGE + 0x3ffffcUL)),
		  5);
}

static void role_map_left_table(void)
{
	struct rivet_ret one = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	struct rivet_ret big = sys2_frame_alloc(RIVET_FRAME_ANY, 1024, 512);

	catch_page_faults();
	/* Leaves an empty page table at VA_MEGA + 2 MiB. */
	sys_map(one.val, VA_MEGA + 0x200000UL, 3);
	sys_unmap(one.val, VA_MEGA + 0x200000UL);
	EXPECT_EQ("map_over_an_empty_table", sys_map(big.val, VA_MEGA, 3), 0);
	*(volatile uint32_t *)(VA_MEGA + 0x3ffffcUL) = 9;
	EXPECT_EQ("map_over_an_empty_table_reaches_the_end",
		  *(volatile uint32_t *)(VA_MEGA + 0x3ffffcUL), 9);
	sys_cap_delete(big.val);
	report("deleted_run_is_unmapped_everywhere",
	       touch_faults(VA_MEGA) && touch_faults(VA_MEGA + 0x200000UL),
	       "faults %ld", faults_seen, 0);
}

static void role_notify_forger(void)
{
	/* Through its `notify =` line for itself: no badge holds them. */
	EXPECT_EQ("notify_kernel_bits_refused",
		  rivet_notify_name("t_notify_forger", RIVET_EVENT_REVOKED),
		  E_PERM);
}

/* ------------------------------------------ interrupts, devices, time --- */

void rtc_write(unsigned long off, uint32_t v)
{
	*(volatile uint32_t *)(RTC_VA + off) = v;
}

void rtc_raise(void)
{
	uint32_t low = *(volatile uint32_t *)(RTC_VA + RTC_TIME_LOW);
	uint32_t high = *(volatile uint32_t *)(RTC_VA + RTC_TIME_HIGH);

	rtc_write(RTC_IRQ_ENABLED, 1);
	rtc_write(RTC_ALARM_HIGH, high);
	rtc_write(RTC_ALARM_LOW, low);
}

static void role_irq_rtc(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long dev, irq;
	struct rivet_ret r;
	int events = 0;

	report("device_granted_with_irq",
	       in->ndevices == 1 && in->devices[0].nirqs == 1, "%ld devices",
	       (long)in->ndevices, 0);
	dev = in->devices[0].slot;
	irq = in->devices[0].first_irq_slot;
	EXPECT_EQ("irq_cap_names_plic_source",
		  sys2_cap_info(irq, RIVET_CAPINFO_OBJECT).val, 11);
	EXPECT_EQ("device_cap_cannot_be_executable",
		  sys_map(dev, RTC_VA, RIVET_CAP_R | RIVET_CAP_X), E_PERM);
	EXPECT_EQ("device_maps_read_write", sys_map(dev, RTC_VA, 3), 0);
	EXPECT_EQ("bind_needs_an_irq_capability", sys_irq_bind(dev, 5),
		  E_INVAL);
	EXPECT_EQ("bind_refuses_kernel_bits", sys_irq_bind(irq, 60), E_INVAL);
	EXPECT_EQ("irq_bind", sys_irq_bind(irq, 5), 0);
	/* Give the peer a copy; it must not be able to bind it too. */
	r = sys2_cap_derive(irq, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
	rivet_notify_name("t_irq_peer", r.val + 1);

	/* Raise the RTC interrupt: an alarm already due, enabled. */
	rtc_raise();
	r = sys2_wait(EV_RTC);
	events += r.rc == 0 && (r.val & EV_RTC);
	/* Not acked: a second interrupt stays pending, masked. */
	rtc_write(RTC_CLEAR_INT, 1);
	rtc_raise();
	sys_timer_event(rivet_now() + 20000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("one_event_per_claim_until_acked",
	       events == 1 && r.val == EV_TIMER, "events %ld, woke with 0x%lx",
	       events, (long)r.val);
	/* Acked: the pending one comes through. */
	EXPECT_EQ("irq_ack", sys_irq_ack(irq), 0);
	sys_timer_event(rivet_now() + 200000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("ack_lets_the_next_claim_through", r.val & EV_RTC, "0x%lx",
	       (long)r.val, 0);
	sys_timer_event(0, 7);
	rtc_write(RTC_CLEAR_INT, 1);
	rtc_write(RTC_IRQ_ENABLED, 0);
	sys_irq_ack(irq);
	sys_timer_event(rivet_now() + 20000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("cleared_device_raises_nothing_more", r.val == EV_TIMER, "0x%lx",
	       (long)r.val, 0);
	/* Deleting the capability unbinds and masks the source. */
	sys_cap_delete(irq);
	rtc_raise();
	sys_timer_event(rivet_now() + 20000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("deleted_irq_cap_stops_events", r.val == EV_TIMER, "0x%lx",
	       (long)r.val, 0);
	rtc_write(RTC_CLEAR_INT, 1);
}

/* Takes one RTC interrupt and never acknowledges it. */
static void role_irq_hog(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	unsigned i;
	int others = 1;

	sys_map(in->devices[0].slot, RTC_VA, 3);
	sys_irq_bind(irq, 5);
	rtc_raise();
	EXPECT_EQ("hog_took_one_interrupt", sys2_wait(EV_RTC).val, EV_RTC);
	/* Never ack; stay until everyone else is done. */
	while (others) {
		sys2_wait(RIVET_EVENT_PEER_EXIT);
		others = 0;
		for (i = 1; i <= rivet_registry_count(); i++)
			others |= i != in->domain_id && rivet_domain_alive(i);
	}
}

/* The second SiFive UART (QEMU sifive_u's serial1): its transmit
 * watermark interrupt is asserted whenever the FIFO is below the mark. */
#define U1_VA	  0x50100000UL
#define U1_TXCTRL 0x08
#define U1_IE	  0x10

static void u1_write(unsigned long off, uint32_t v)
{
	*(volatile uint32_t *)(U1_VA + off) = v;
}

static void role_irq_uart1(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	struct rivet_ret r;

	EXPECT_EQ("sifive_uart1_irq_is_source_5",
		  sys2_cap_info(irq, RIVET_CAPINFO_OBJECT).val, 5);
	EXPECT_EQ("sifive_uart1_maps", sys_map(in->devices[0].slot, U1_VA, 3),
		  0);
	EXPECT_EQ("sifive_uart1_irq_bind", sys_irq_bind(irq, 5), 0);
	u1_write(U1_TXCTRL, 1 | 1 << 16); /* transmit on, watermark 1 */
	u1_write(U1_IE, 1);		  /* interrupt: FIFO below mark */
	sys_timer_event(rivet_now() + 2000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("sifive_irq_delivers_an_event", r.val & EV_RTC, "0x%lx",
	       (long)r.val, 0);
	/* Not acked: still asserted, but no second event. */
	sys_timer_event(rivet_now() + 2000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("sifive_irq_masked_until_ack", r.val == EV_TIMER, "0x%lx",
	       (long)r.val, 0);
	u1_write(U1_IE, 0);
	EXPECT_EQ("sifive_irq_ack", sys_irq_ack(irq), 0);
	sys_timer_event(rivet_now() + 2000, 7);
	r = sys2_wait(EV_RTC | EV_TIMER);
	report("sifive_quiet_device_raises_nothing", r.val == EV_TIMER, "0x%lx",
	       (long)r.val, 0);
	sys_timer_event(0, 7);
}

/* Binds again while a claim is open: the claim must survive the rebind. */
static void role_irq_rebind(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long irq = in->devices[0].first_irq_slot;
	struct rivet_ret r;

	sys_map(in->devices[0].slot, RTC_VA, 3);
	sys_irq_bind(irq, 5);
	rtc_raise();
	sys2_wait(EV_RTC);
	EXPECT_EQ("rebind_with_open_claim", sys_irq_bind(irq, 4), 0);
	rtc_write(RTC_CLEAR_INT, 1);
	EXPECT_EQ("ack_after_rebind", sys_irq_ack(irq), 0);
	rtc_raise();
	sys_timer_event(rivet_now() + 200000, 7);
	r = sys2_wait((1UL << 4) | EV_TIMER);
	report("source_still_works_after_rebind", r.val & (1UL << 4), "0x%lx",
	       (long)r.val, 0);
	rtc_write(RTC_CLEAR_INT, 1);
	rtc_write(RTC_IRQ_ENABLED, 0);
	sys_irq_ack(irq);
}

static void role_irq_peer(void)
{
	struct rivet_ret r = sys2_wait(EV_SLOT);
	unsigned long slot = r.val - 1;

	EXPECT_EQ("bind_of_source_bound_elsewhere_is_busy",
		  sys_irq_bind(slot, 3), E_BUSY);
	EXPECT_EQ("log_read_needs_the_console", sys2_log_read((char *)0, 0).rc,
		  E_PERM);
}

static void role_timer(void)
{
	uint64_t t0 = rivet_now(), hz = rivet_info()->timebase_hz;
	struct rivet_ret r;

	EXPECT_EQ("timer_event_refuses_kernel_bits",
		  sys_timer_event(t0 + hz, 60), E_INVAL);
	EXPECT_EQ("timer_event_set", sys_timer_event(t0 + hz / 100, 7), 0);
	r = sys2_wait(EV_TIMER); /* nobody else runs: the kernel idles */
	report("timer_event_wakes_at_its_time",
	       r.val == EV_TIMER && rivet_now() >= t0 + hz / 100, "0x%lx",
	       (long)r.val, 0);
	sys_timer_event(rivet_now() + hz / 100, 7);
	sys_timer_event(0, 7); /* cancelled */
	sys_timer_event(rivet_now() + hz / 50, 6);
	r = sys2_wait(EV_TIMER | (1UL << 6));
	EXPECT_EQ("cancelled_timer_event_never_fires", r.val, 1UL << 6);
}

/* ------------------------------------------------------------- roles --- */

static const struct role core_roles[] = {
	{ "t_syscall", role_syscall },
	{ "t_order_a", role_order_a },
	{ "t_order_b", role_order_b },
	{ "t_order_c", role_order_c },
	{ "t_waiter", role_waiter },
	{ "t_waker", role_waker },
	{ "t_polite", role_polite },
	{ "t_conin_scribble", role_conin_scribble },
	{ "t_conin_console", role_conin_console },
	{ "t_spinner", role_spinner },
	{ "t_exc", role_exc },
	{ "t_badhandler", role_badhandler },
	{ "t_nohandler", role_nohandler },
	{ "t_survivor", role_survivor },
	{ "t_reclaim_a", role_reclaim_a },
	{ "t_reclaim_b", role_reclaim_b },
	{ "t_regs_a", role_regs_a },
	{ "t_cap_basic", role_cap_basic },
	{ "t_cap_quota", role_cap_quota },
	{ "t_grant_a", role_grant_a },
	{ "t_grant_b", role_grant_b },
	{ "t_revoke_big", role_revoke_big },
	{ "t_kill_owner", role_kill_owner },
	{ "t_watcher", role_watcher },
	{ "t_abort_req", role_abort_req },
	{ "t_abort_ok", role_abort_ok },
	{ "t_abort_bad", role_abort_bad },
	{ "t_ptview", role_ptview },
	{ "t_fp_victim", role_fp_victim },
	{ "t_fp_thief", role_fp_thief },
	{ "t_map_undo", role_map_undo },
	{ "t_map_left_table", role_map_left_table },
	{ "t_notify_forger", role_notify_forger },
	{ "t_irq_rtc", role_irq_rtc },
	{ "t_irq_peer", role_irq_peer },
	{ "t_timer", role_timer },
	{ "t_irq_hog", role_irq_hog },
	{ "t_irq_uart1", role_irq_uart1 },
	{ "t_irq_rebind", role_irq_rebind },
	{ "t_regs_b", role_regs_b },
	{ 0 },
};

/* Every file's role table; a new test file adds its table here. */
extern const struct role spawn_roles[];

static const struct role *const role_tables[] = {
	core_roles,	    hostile_roles,	grants_roles,
	bootinfo_roles,	    slices_roles,	spawn_roles,
	channels_roles,	    callregs_roles,	protect_roles,
	gcbarrier_roles,    allocmap_roles,	initramfs_roles,
	chan_hostile_roles, bounds_roles,	fastcall_hostile_roles,
	zeroed_roles,	    reuse_roles,	mapbatch_roles,
	notify_fast_roles,  conin_name_roles,	bigmap_roles,
	abort_bounds_roles, smp_roles,		ring_roles,
	lightfault_roles,   pair_starve_roles,	big_channel_roles,
	smp_revoke_roles,   smp_stress_roles,	smp_hostile_roles,
	hostile4_roles,	    spawn_build_roles,	search_bounds_roles,
	conout_roles,	    smp_irq_roles,	smp_notify_roles,
	capdelete_roles,    protect_span_roles, capinfo_roles,
	sysabi_roles,	    vmregions_roles,	notify_conf_roles,
	vmonepage_roles,    inplace_roles,	smp_mask_roles,
	smp_idle_roles,	    smp_kstat_roles,	allocstep_roles,
	smp_xwake_roles,    ipi_boot_roles,	red9_reflect_roles,
	red9_step_roles,    red9_irq_roles,	testmem_roles,
	excleaf_roles,	    delstep_roles,	mapstep_roles,
	red10_step_roles,   red10_leaf_roles,	red10_spawn_roles,
	red10_storm_roles,
};

int main(void)
{
	const char *me = rivet_info()->name;
	/* "role-n" plays role: live domains' names are unique, so domains
	 * playing one role at once are told apart by a suffix. */
	size_t n = strcspn(me, "-");
	const struct role *r;
	unsigned t;

	for (t = 0; t < sizeof(role_tables) / sizeof(role_tables[0]); t++) {
		for (r = role_tables[t]; r->name; r++) {
			if (strlen(r->name) != n || strncmp(me, r->name, n))
				continue;
			r->run();
			return failures;
		}
	}
	printf("TEST role_%s: FAIL no such role\n", me);
	return 1;
}
