/* SPDX-License-Identifier: MIT */
/*
 * The in-QEMU test suite's shared pieces: the result reporter, the role
 * table type, and small helpers every test file uses. A test file defines
 * its roles in a table NAME_roles[] ending with { 0 } and adds it to
 * role_tables[] in tests.c.
 */
#ifndef LIBOS_TESTS_TESTS_H
#define LIBOS_TESTS_TESTS_H

#include <stdint.h>

extern int failures;

/* Prints "TEST name: PASS" or "TEST name: FAIL <fmt with a, b>". */
void report(const char *name, int ok, const char *fmt, long a, long b);

/* Evaluates got once: it is often a system call. */
#define EXPECT_EQ(name, got, want)                                             \
	do {                                                                   \
		long got_ = (long)(got), want_ = (long)(want);                 \
		report(name, got_ == want_, "got %ld, want %ld", got_, want_); \
	} while (0)

/* An ecall with any number, for numbers the stubs do not have. */
long raw_syscall(long nr, long a0, long a1);

/* Makes entry the slice-end upcall entry, the runtime's others kept
 * (rivet_slice_entry puts the runtime's back). */
long set_slice_entry(const char *entry);

/* The longest kernel entry make test allows, the system call or trap
 * path included (docs/performance.md, "Kernel time per entry"). */
#define STRETCH_MAX 95000

/* Reports name: KSTAT_STRETCH_MAX, the longest restartable-call entry or
 * reaper piece since boot, is within STRETCH_MAX (and printed). */
void check_stretch(const char *name);

/* Length of the instruction at pc: 2 if compressed, else 4. */
unsigned long insn_len(unsigned long pc);

/* fault_count.c: pf_skip, registered for the page-fault causes, counts
 * each fault in pf_count, keeps its address in pf_addr and skips the
 * instruction; pf_load_faults / pf_store_faults: does one access to va
 * fault, once, at va? */
struct rivet_upcall;
extern volatile long pf_count;
extern volatile unsigned long pf_addr;
int pf_skip(struct rivet_upcall *u, void *arg);
int pf_load_faults(unsigned long va);
int pf_store_faults(unsigned long va, uint64_t v);

/* zero_pool.c: waits (a second at most) until the idle loop has put 32
 * frames in the zeroed-frame pool and reports name; does every word of
 * the page at va read zero? */
void fill_zeroed_pool(const char *name);
int page_reads_zero(unsigned long va);

/*
 * System call nr with a0 = arg, a1 = arg1, a2 = CALLREGS_A2 and every
 * other register but sp and gp loaded with a value of its own
 * (callregs_ecall.S). Returns the registers that changed (bit n: xn);
 * *ret gets a0 and a1.
 */
long callregs_ecall(long nr, long arg, long *ret, long arg1);
#define CALLREGS_A2 (0x5a5a0000L + 12 * 0x111)
/* ra, tp, s0-s11: what a call keeps (a yield's ecall is a call). */
#define CALLREGS_CALLEE_SAVED                                                  \
	((1L << 1) | (1L << 4) | (1L << 8) | (1L << 9) | (0x3ffL << 18))

/* QEMU virt's goldfish RTC, mapped at RTC_VA by the interrupt tests: an
 * alarm in the past raises its interrupt (source 11), which stays
 * asserted until CLEAR_INTERRUPT. */
#define RTC_VA		0x50000000UL
#define RTC_TIME_LOW	0x00
#define RTC_TIME_HIGH	0x04
#define RTC_ALARM_LOW	0x08
#define RTC_ALARM_HIGH	0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_CLEAR_INT	0x1c
#define EV_RTC		(1UL << 5)
#define EV_TIMER	(1UL << 7)

void rtc_write(unsigned long off, uint32_t v);
/* An alarm at the RTC's current time: its interrupt rises at once. */
void rtc_raise(void);

struct role {
	const char *name;
	void (*run)(void);
};

extern const struct role abort_bounds_roles[];	   /* abort_bounds.c */
extern const struct role allocmap_roles[];	   /* allocmap.c */
extern const struct role allocstep_roles[];	   /* allocmap_step.c */
extern const struct role big_channel_roles[];	   /* big_channel.c */
extern const struct role bigmap_roles[];	   /* bigmap.c */
extern const struct role bootinfo_roles[];	   /* bootinfo.c */
extern const struct role bounds_roles[];	   /* bounds.c */
extern const struct role callregs_roles[];	   /* callregs.c */
extern const struct role capinfo_roles[];	   /* capinfo.c */
extern const struct role sysabi_roles[];	   /* sysabi.c */
extern const struct role testmem_roles[];	   /* testmem_roles.c */
extern const struct role capdelete_roles[];	   /* capdelete.c */
extern const struct role chan_hostile_roles[];	   /* chan_hostile.c */
extern const struct role conin_name_roles[];	   /* conin_name.c */
extern const struct role conout_roles[];	   /* conout.c */
extern const struct role channels_roles[];	   /* channels.c */
extern const struct role fastcall_hostile_roles[]; /* fastcall_hostile.c */
extern const struct role gcbarrier_roles[];	   /* gcbarrier.c */
extern const struct role grants_roles[];	   /* grants.c */
extern const struct role hostile_roles[];	   /* hostile.c */
extern const struct role hostile4_roles[];	   /* hostile4.c */
extern const struct role initramfs_roles[];	   /* initramfs.c */
extern const struct role inplace_roles[];	   /* inplace.c */
extern const struct role lightfault_roles[];	   /* lightfault.c */
extern const struct role mapbatch_roles[];	   /* mapbatch.c */
extern const struct role mapstep_roles[];	   /* map_step.c */
extern const struct role notify_fast_roles[];	   /* notify_fast.c */
extern const struct role notify_conf_roles[];	   /* notify_conf.c */
extern const struct role pair_starve_roles[];	   /* pair_starve.c */
extern const struct role protect_span_roles[];	   /* protect_span.c */
extern const struct role protect_roles[];	   /* protect.c */
extern const struct role ring_roles[];		   /* ring.c */
extern const struct role slices_roles[];	   /* slices.c */
extern const struct role smp_roles[];		   /* smp.c */
extern const struct role smp_revoke_roles[];	   /* smp_revoke.c */
extern const struct role smp_stress_roles[];	   /* smp_stress.c */
extern const struct role smp_hostile_roles[];	   /* smp_hostile.c */
extern const struct role reuse_roles[];		   /* reuse.c */
extern const struct role red9_irq_roles[];	   /* red9_irq.c */
extern const struct role red9_reflect_roles[];	   /* red9_reflect.c */
extern const struct role red9_step_roles[];	   /* red9_step.c */
extern const struct role red10_step_roles[];	   /* red10_step.c */
extern const struct role red10_leaf_roles[];	   /* red10_leaf.c */
extern const struct role red10_spawn_roles[];	   /* red10_spawn.c */
extern const struct role red10_storm_roles[];	   /* red10_storm.c */
extern const struct role spawn_build_roles[];	   /* spawn_build.c */
extern const struct role search_bounds_roles[];	   /* search_bounds.c */
extern const struct role smp_irq_roles[];	   /* smp_irq.c */
extern const struct role smp_notify_roles[];	   /* smp_notify.c */
extern const struct role smp_mask_roles[];	   /* smp_mask.c */
extern const struct role smp_idle_roles[];	   /* smp_idle.c */
extern const struct role ipi_boot_roles[];	   /* ipi_boot.c */
extern const struct role smp_kstat_roles[];	   /* smp_kstat.c */
extern const struct role smp_xwake_roles[];	   /* smp_xwake.c */
extern const struct role zeroed_roles[];	   /* zeroed.c */
extern const struct role vmregions_roles[];	   /* vmregions.c */
extern const struct role vmonepage_roles[];	   /* vmonepage.c */
extern const struct role excleaf_roles[];	   /* excleaf.c */
extern const struct role delstep_roles[];	   /* delstep.c */

/* batch_scribble.c's roles, listed in inplace_roles. */
void role_bs_owner(void);
void role_bs_scribbler(void);

#endif
