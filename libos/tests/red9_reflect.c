// SPDX-License-Identifier: MIT
/*
 * A hostile libOS against exception reflection and the upcall entries
 * (tests/qemu/test_red9_reflect.py; docs/isolation.md). The kernel
 * checks an entry only when it is set (SYS_upcall_set: mapped,
 * executable), so these roles change what lies there afterwards, lie in
 * sp and tp, and fault from inside their own handler:
 *
 *   t_red9_upcall       entries the kernel must refuse (kernel half,
 *                       past the user half, readable or writable but not
 *                       executable, the resume range in the kernel), a
 *                       fault and calls with sp and tp pointing into the
 *                       kernel, and a handler that clears in_upcall and
 *                       faults again 100,000 times;
 *   t_red9_handler_gone its handler's page deleted after upcall_set, then
 *                       a fault: killed (no handler to run), nobody else;
 *   t_red9_handler_rw   the same page mapped again writable, holding
 *                       code: killed, the code never runs;
 *   t_red9_slice_gone   its slice-end entry's page deleted, then a spin
 *                       to the slice end: killed;
 *   t_red9_bystander    runs on meanwhile and sees the three go.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define GONE_VA 0x64000000UL	     /* the handler page the killed roles use */
#define WILD	0xffffffc000000000UL /* sp and tp: a kernel address */
#define NOWHERE 0x64100000UL	     /* never mapped */

long red9_wild_regs(unsigned long bad, unsigned long fault_va, long nr,
		    long arg);
long red9_storm(void);
extern char red9_storm_entry[];

extern char rivet_exc_light_entry[], rivet_slice_entry[];
extern char rivet_upcall_resume[], rivet_upcall_resume_end[];

/* upcall_set with the runtime's resume range. */
static long set_entries(unsigned long exc, unsigned long slice)
{
	return sys_upcall_set(exc, slice, (unsigned long)rivet_upcall_resume,
			      (unsigned long)rivet_upcall_resume_end);
}

/* The runtime's entries back (what rivet_upcall_init set). */
static long runtime_entries(void)
{
	return set_entries((unsigned long)rivet_exc_light_entry,
			   (unsigned long)rivet_slice_entry);
}

/* Does a load at NOWHERE still reach the runtime's handler (pf_skip)? */
static int handler_kept(void)
{
	return pf_load_faults(NOWHERE);
}

static void refused(const char *name, unsigned long exc, unsigned long slice,
		    unsigned long lo, unsigned long hi, long err)
{
	long rc = sys_upcall_set(exc, slice, lo, hi);

	report(name, rc == err && handler_kept(), "rc %ld kept %ld", rc,
	       pf_count);
}

static void bad_entries(void)
{
	unsigned long rw = sys2_frame_alloc_map(GONE_VA,
						RIVET_CAP_R | RIVET_CAP_W)
				   .val,
		      text = (unsigned long)rivet_exc_light_entry;

	refused("red9_exc_kernel_half", WILD, 0, 0, 0, E_RANGE);
	refused("red9_exc_kernel_text", 0xffffffff80200000UL, 0, 0, 0, E_RANGE);
	refused("red9_exc_past_user_half", 1UL << 38, 0, 0, 0, E_RANGE);
	refused("red9_exc_upcall_area", RIVET_UPCALL_VA, 0, 0, 0, E_RANGE);
	refused("red9_exc_info_page", RIVET_INFO_VA, 0, 0, 0, E_RANGE);
	refused("red9_exc_writable_page", GONE_VA, 0, 0, 0, E_RANGE);
	refused("red9_slice_kernel_half", text, WILD, 0, 0, E_RANGE);
	refused("red9_slice_writable_page", text, GONE_VA, 0, 0, E_RANGE);
	refused("red9_resume_lo_kernel", text, 0, WILD, WILD + 16, E_INVAL);
	refused("red9_resume_lo_writable", text, 0, GONE_VA, GONE_VA + 16,
		E_INVAL);
	sys_cap_delete(rw);
	/* An executable page, deleted: refused from then on. */
	rw = sys2_frame_alloc_map(GONE_VA, RIVET_CAP_X).val;
	EXPECT_EQ("red9_exc_exec_page_accepted", set_entries(GONE_VA, 0), 0);
	runtime_entries();
	sys_cap_delete(rw);
	refused("red9_exc_deleted_page", GONE_VA, 0, 0, 0, E_RANGE);
}

/* sp and tp pointing into the kernel across a reflected fault, a call
 * through the ordinary path and the null call: each works, and gives the
 * user's sp and tp back unchanged. */
static void wild_sp_tp(void)
{
	long before = pf_count, frames = (long)sys2_kstat(KSTAT_MY_FRAMES).val;
	long got;

	/* No slice-end upcall meanwhile: the runtime's entry calls C. */
	set_entries((unsigned long)rivet_exc_light_entry, 0);
	got = red9_wild_regs(WILD, NOWHERE, SYS_kstat, KSTAT_MY_FRAMES);
	runtime_entries();
	report("red9_wild_sp_tp_fault_and_calls",
	       got == frames && pf_count == before + 1, "got %ld want %ld", got,
	       frames);
	got = red9_wild_regs(0, NOWHERE, SYS_kstat, KSTAT_MY_FRAMES);
	report("red9_zero_sp_tp_fault_and_calls",
	       got == frames && pf_count == before + 2, "got %ld want %ld", got,
	       frames);
}

/* A handler that clears in_upcall and faults again from inside itself:
 * each fault is reflected anew, and the domain goes on afterwards. */
static void fault_storm(void)
{
	long n;

	EXPECT_EQ("red9_storm_entry_set",
		  set_entries((unsigned long)red9_storm_entry, 0), 0);
	n = red9_storm();
	runtime_entries();
	EXPECT_EQ("red9_storm_reflected_every_fault", n, 100000);
	report("red9_storm_then_handler_kept", handler_kept(), "faults %ld",
	       pf_count, 0);
}

/* The kernel's half, as the kernel maps it in every space: its image,
 * the direct map of RAM (here the image's own frames) and the MMIO
 * window. */
static const unsigned long kernel_vas[3] = { 0xffffffff80000000UL,
					     0xffffffc080200000UL,
					     0xffffffffc0000000UL };
static volatile unsigned long exec_faults, exec_tval;

/* An instruction page fault: back to the caller of the jump (ra). */
static int exec_back(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	exec_faults++;
	exec_tval = u->tval;
	u->epc = u->save[1];
	return 0;
}

/* Loads, stores and jumps into the kernel's half from U-mode: each
 * faults at that address, reflected to the domain; nothing is read. */
static void kernel_half_unreachable(void)
{
	unsigned i, bad = 0;

	rivet_exc_register(12, exec_back, 0);
	for (i = 0; i < 3; i++) {
		unsigned long va = kernel_vas[i], before = exec_faults;

		bad += !pf_load_faults(va);
		bad += !pf_store_faults(va, 0x5eed) << 4;
		((void (*)(void))va)();
		bad += (exec_faults != before + 1 || exec_tval != va) << 8;
	}
	report("red9_kernel_half_load_store_exec_fault", bad == 0, "bad 0x%lx",
	       (long)bad, 0);
}

static void role_red9_upcall(void)
{
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	bad_entries();
	wild_sp_tp();
	fault_storm();
	kernel_half_unreachable();
}

/* An executable page at GONE_VA made the exception (or, slice, the
 * slice-end) entry, then deleted. Set and deleted back to back, at the
 * start of a slice (just woken), and reported after: a slice end in
 * between would enter the page while it is still there (zeroes: an
 * illegal instruction). */
static void entry_then_gone(int slice)
{
	unsigned long s = sys2_frame_alloc_map(GONE_VA, RIVET_CAP_X).val;
	long set, del;

	rivet_sleep_us(1000);
	set = slice ? set_entries((unsigned long)rivet_exc_light_entry, GONE_VA)
		    : set_entries(GONE_VA, 0);
	del = sys_cap_delete(s);
	EXPECT_EQ(slice ? "red9_slice_gone_set" : "red9_handler_set", set, 0);
	EXPECT_EQ(slice ? "red9_slice_gone_deleted" : "red9_handler_deleted",
		  del, 0);
}

static void role_red9_handler_gone(void)
{
	entry_then_gone(0);
	(void)*(volatile uint32_t *)NOWHERE;
	report("red9_handler_gone_killed", 0, "went on", 0, 0);
}

/* "j ." and "ret": what would run if the kernel entered the page. */
static const uint32_t spin_code[2] = { 0x0000006f, 0x00008067 };

static void role_red9_handler_rw(void)
{
	unsigned long s;

	entry_then_gone(0);
	s = sys2_frame_alloc_map(GONE_VA, RIVET_CAP_R | RIVET_CAP_W).val;
	report("red9_handler_page_writable_again", s != 0, "slot %ld", s, 0);
	((volatile uint32_t *)GONE_VA)[0] = spin_code[0];
	((volatile uint32_t *)GONE_VA)[1] = spin_code[1];
	__asm__ volatile("fence.i" ::: "memory");
	(void)*(volatile uint32_t *)NOWHERE;
	report("red9_handler_rw_killed", 0, "went on", 0, 0);
}

static void role_red9_slice_gone(void)
{
	entry_then_gone(1);
	for (;;) /* to the slice end: the upcall to the deleted page */
		__asm__ volatile("" ::: "memory");
}

/* Runs while the three above are killed, and after. */
static void role_red9_bystander(void)
{
	/* By index: test_roles.py takes `{ "t_...` for a role table entry. */
	static const char *const gone[] = { [0] = "t_red9_handler_gone",
					    [1] = "t_red9_handler_rw",
					    [2] = "t_red9_slice_gone" };
	unsigned i, n = 0, tries;

	for (i = 0; i < 3; i++) {
		long id = rivet_domain_lookup(gone[i]);

		for (tries = 0; tries < 2000 && rivet_domain_alive(id); tries++)
			rivet_sleep_us(1000);
		n += !rivet_domain_alive(id);
	}
	EXPECT_EQ("red9_bystander_saw_three_go", n, 3);
}

const struct role red9_reflect_roles[] = {
	{ "t_red9_upcall", role_red9_upcall },
	{ "t_red9_handler_gone", role_red9_handler_gone },
	{ "t_red9_handler_rw", role_red9_handler_rw },
	{ "t_red9_slice_gone", role_red9_slice_gone },
	{ "t_red9_bystander", role_red9_bystander },
	{ 0 },
};
