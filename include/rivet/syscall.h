/* SPDX-License-Identifier: MIT */
/*
 * The Rivet system call table: the single source for call numbers. The
 * kernel's dispatch table (kernel/syscall.c), the libOS stubs
 * (libos/lib/syscall_stubs.S) and the declarations below are all built
 * from RIVET_SYSCALLS; docs/syscalls.md describes each call.
 *
 * Convention: ecall with the number in a7 and arguments in a0..a5; the
 * result comes back in a0 (0 or a negative code from <rivet/errno.h>) and,
 * for calls that return a value, a1. The ecall is a function call: it
 * keeps ra, sp, gp, tp and s0-s11 and may change t0-t6 and a0-a7
 * (docs/syscalls.md, "Convention"). a1 is 0 whenever a call fails (but
 * for map_batch's count) and when a call has no value. Every argument is
 * untrusted; user buffers must be RAM the caller has mapped (device
 * registers are refused like unmapped memory, E_RANGE).
 *
 * Retired numbers answer E_NOSYS, like numbers never used: 2 (yield to a
 * domain id) and 4 (notify a domain id). Ids carry no authority: a domain
 * signals or yields to another only through a notification capability
 * (notify_cap, yield_cap; docs/channels.md).
 *
 * X(number, name, parameters, errors)
 */
#ifndef RIVET_SYSCALL_H
#define RIVET_SYSCALL_H

#define RIVET_SYSCALLS(X)                                                      \
	X(0, null, (void), "none")                                             \
	X(1, debug_write, (const char *buf, unsigned long len),                \
	  "E_RANGE buffer not in the caller's memory; E_TOOBIG len > 4096")    \
	X(3, wait, (unsigned long mask),                                       \
	  "E_INVAL mask is 0; a1 = the pending bits of mask, now cleared")     \
	X(5, exit, (long status), "does not return")                           \
	X(6, upcall_set,                                                       \
	  (unsigned long exc_entry, unsigned long slice_entry,                 \
	   unsigned long resume_lo, unsigned long resume_hi),                  \
	  "E_RANGE an entry is not in an executable segment; E_INVAL lo > hi") \
	X(7, domain_lookup, (const char *name, unsigned long len),             \
	  "E_RANGE name not readable; E_NOENT no such domain, or one the "     \
	  "caller may not see (its own, its children and spawner, and what "   \
	  "its configuration names: peer, notify, channel); a1 = id")          \
	X(8, fp_enable, (void), "none: FP state becomes Initial")              \
	X(9, kstat, (unsigned long what),                                      \
	  "E_INVAL unknown counter; a1 = the counter's value")                 \
	X(10, frame_alloc,                                                     \
	  (unsigned long paddr, unsigned long npages, unsigned long align),    \
	  "E_INVAL bad count or alignment; E_RANGE not RAM; E_BUSY a frame "   \
	  "is not free; E_NOMEM quota, slots or no free run; a1 = slot; a "    \
	  "run is searched for, taken and zeroed in pieces the kernel "        \
	  "restarts at the ecall (docs/performance.md); paddr "                \
	  "RIVET_FRAME_REUSE: one of the caller's own last frees, unzeroed "   \
	  "(docs/libos-vm.md)")                                                \
	X(11, map,                                                             \
	  (unsigned long slot, unsigned long vaddr, unsigned long rights),     \
	  "E_INVAL bad slot or rights (W needs R, never W and X); E_NOENT "    \
	  "empty slot; E_PERM the capability lacks a right; E_RANGE vaddr "    \
	  "misaligned or outside the mappable range; E_EXIST already mapped; " \
	  "E_BUSY W^X per frame: a frame is mapped executable (for W) or "     \
	  "writable (for X) somewhere, or the capability is below one whose "  \
	  "revoke is in progress; E_NOMEM quota; a large capability is "       \
	  "mapped in pieces the kernel restarts at the ecall, and one that "   \
	  "fails part-way unmaps what it mapped first (docs/capabilities.md)") \
	X(12, unmap, (unsigned long slot, unsigned long vaddr),                \
	  "E_INVAL/E_NOENT bad slot; E_NOENT no such mapping; the search "     \
	  "for it and a large one go in pieces the kernel restarts at the "    \
	  "ecall")                                                             \
	X(13, map_batch, (const void *entries, unsigned long count),           \
	  "as map, for the first entry that fails; E_RANGE entries not "       \
	  "readable; E_TOOBIG count > 512; a1 = entries mapped; runs in "      \
	  "pieces the kernel restarts at the ecall (docs/performance.md)")     \
	X(14, cap_derive,                                                      \
	  (unsigned long slot, unsigned long dest, unsigned long rights,       \
	   unsigned long badge),                                               \
	  "dest -1: own space, else a domain capability with the grant "       \
	  "right; E_INVAL/E_NOENT bad slot; E_BUSY a revoke of what the "      \
	  "source names is in progress (docs/capabilities.md); E_PERM no "     \
	  "grant right, or the target accepts no grant from the caller; "      \
	  "E_NOENT dead target; "                                              \
	  "E_NOMEM target space full or the caller's budget there spent; "     \
	  "a1 = new slot")                                                     \
	X(15, cap_delete, (unsigned long slot),                                \
	  "E_INVAL/E_NOENT bad slot; children move up to its parent; an "      \
	  "original's copies are revoked first, restartably (see cap_revoke)") \
	X(16, cap_revoke, (unsigned long slot),                                \
	  "E_INVAL/E_NOENT bad slot; a1 = descendants deleted; runs in "       \
	  "pieces the kernel restarts at the ecall (docs/performance.md)")     \
	X(17, cap_info, (unsigned long slot, unsigned long what),              \
	  "E_INVAL/E_NOENT bad slot or what; a1 = the field")                  \
	X(18, frame_reclaim,                                                   \
	  (unsigned long slot, unsigned long nframes,                          \
	   unsigned long timeout_us),                                          \
	  "slot: a domain capability with the control (W) right; E_PERM "      \
	  "without it; E_NOENT dead target; E_INVAL 0 frames or itself; "      \
	  "E_RANGE more than it could return (counted over its space in "      \
	  "pieces the kernel restarts at the ecall); E_BUSY a request is "     \
	  "pending")                                                           \
	X(19, irq_bind, (unsigned long slot, unsigned long bit),               \
	  "an interrupt capability: each claim of its source sets event bit "  \
	  "bit (0..55) and masks the source until irq_ack; E_INVAL/E_NOENT "   \
	  "bad slot or bit; E_BUSY the source is bound elsewhere")             \
	X(20, irq_ack, (unsigned long slot),                                   \
	  "unmask the source after handling it; E_INVAL/E_NOENT bad slot; "    \
	  "E_INVAL not bound by the caller")                                   \
	X(21, timer_event, (unsigned long when, unsigned long bit),            \
	  "one event bit (0..55) at rdtime >= when; when 0 cancels; E_INVAL "  \
	  "bad bit")                                                           \
	X(22, log_read, (char *buf, unsigned long len),                        \
	  "kernel log text, for the domain whose mapping of the console UART " \
	  "holds the log; E_PERM any other; E_RANGE buf not writable RAM; "    \
	  "a1 = bytes copied")                                                 \
	X(23, spawn, (const struct rivet_spawn *req),                          \
	  "starts a domain from an initramfs image through a spawn "           \
	  "capability (struct rivet_spawn); E_RANGE req or a name not "        \
	  "readable; E_INVAL/E_NOENT bad spawn slot or passed slot; E_PERM "   \
	  "image not allowed by the spawn capability, or a passed capability " \
	  "lacks the grant right; E_BUSY a passed capability's object is "     \
	  "being revoked; E_INVAL bad name or counts; E_EXIST a live "         \
	  "domain, or one being built, has that name; E_NOENT no "             \
	  "such image; E_FORMAT "                                              \
	  "not a libOS ELF; E_NOMEM more frames or slots than the caller has " \
	  "free, no free domain, or the quota cannot hold the image; a1 = "    \
	  "slot of a domain capability for the child; the child is built in "  \
	  "pieces the kernel restarts at the ecall (registry STARTING), "      \
	  "given up by any other call there (docs/capabilities.md)")           \
	X(24, kill, (unsigned long slot),                                      \
	  "ends a domain the caller spawned, named by a domain capability; "   \
	  "its frames and slots return to the caller's quota; "                \
	  "E_INVAL/E_NOENT bad slot; E_NOENT the domain has ended; E_PERM "    \
	  "the caller did not spawn it")                                       \
	X(25, notify_cap, (unsigned long slot, unsigned long bits),            \
	  "sets bits (0: the capability's badge) in the target's events "      \
	  "through a notification capability (W right); E_INVAL/E_NOENT bad "  \
	  "or empty slot, E_INVAL not a notification capability; E_PERM no W " \
	  "right or bits outside the badge; E_NOENT the target ended; with "   \
	  "handoff a woken target runs at once")                               \
	X(26, yield_cap, (unsigned long slot),                                 \
	  "directed yield to a notification capability's target (W right); "   \
	  "errors as notify_cap; E_BUSY the target is waiting; slot "          \
	  "RIVET_YIELD_ANY (-1): the rest of the slice to the run queue, no "  \
	  "capability needed")                                                 \
	X(27, notify_wait,                                                     \
	  (unsigned long slot, unsigned long bits, unsigned long mask),        \
	  "notify_cap, then wait(mask) in the same kernel entry (a request "   \
	  "and the wait for its reply); errors as notify_cap (nothing "        \
	  "waited) or wait; a1 = the bits of mask taken; with handoff a "      \
	  "caller that sleeps gives the rest of its slice to the target it "   \
	  "woke")                                                              \
	X(28, protect,                                                         \
	  (unsigned long vaddr, unsigned long npages, unsigned long rights),   \
	  "sets the rights of the caller's own 4 KiB mappings [vaddr, vaddr "  \
	  "+ npages pages) to rights (RIVET_CAP_R/W/X as for map, or 0: no "   \
	  "access), each at most the rights it was mapped with; all pages "    \
	  "or none; E_INVAL bad rights, vaddr not page-aligned or npages 0; "  \
	  "E_TOOBIG npages > RIVET_PROTECT_MAX; E_RANGE a page not mapped "    \
	  "by map or map_batch, or mapped as part of a megapage; E_PERM "      \
	  "rights above a page's mapping")                                     \
	X(29, frame_alloc_map, (unsigned long vaddr, unsigned long rights),    \
	  "frame_alloc of one page then map at vaddr, in one call; the "       \
	  "errors of both (E_NOMEM quota or slots; E_INVAL bad rights; "       \
	  "E_RANGE vaddr; E_EXIST already mapped; E_NOMEM view or table "      \
	  "pages), and on any error no frame, slot or mapping stays (table "   \
	  "and view pages made before the quota ran out stay, as after map, "  \
	  "and serve the next mapping there); a1 = slot")                      \
	X(30, ring_setup, (struct rivet_ring_head * ring, unsigned long n),    \
	  "names the caller's submission ring (<rivet/ring.h>): n entries, "   \
	  "a power of two up to RIVET_RING_MAX, at ring, page-aligned, "       \
	  "RIVET_RING_BYTES(n) bytes of its readable RAM with a writable "     \
	  "header (zeroed); ring 0 and n 0: none; E_INVAL bad n; E_RANGE "     \
	  "ring misaligned or not the caller's memory")                        \
	X(31, ring_submit, (unsigned long max),                                \
	  "runs up to max queued ring entries, each posting the direct "       \
	  "call's rc and a1 (E_NOSYS no such call, E_NOTSUP a call the ring "  \
	  "does not run); E_NOENT no ring; E_INVAL max 0; E_RANGE sq_tail "    \
	  "behind or more than n past the kernel's head (nothing run; in a "   \
	  "restarted piece the call ends instead, a1 = what ran before), or "  \
	  "the ring not readable or writable (entries run before it stay "     \
	  "consumed: sq_head); a1 = entries consumed; runs in pieces the "     \
	  "kernel restarts at the ecall")

#ifndef __ASSEMBLY__
struct rivet_ring_head;
/* Numbers, as an enum so the compiler rejects duplicates in switches. */
enum rivet_syscall_number {
#define RIVET_SYSCALL_ENUM(num, name, params, errors) SYS_##name = num,
	RIVET_SYSCALLS(RIVET_SYSCALL_ENUM)
#undef RIVET_SYSCALL_ENUM
	SYS_COUNT
};
#endif

/* kstat counters. */
#define KSTAT_FREE_FRAMES  0 /* free frames in the whole machine */
#define KSTAT_MY_FRAMES	   1 /* frames the caller owns */
#define KSTAT_LIVE_DOMAINS 2 /* domains not yet exited or killed */
#define KSTAT_MY_STRIKES   3 /* slice overruns charged to the caller */
#define KSTAT_MY_SLOTS	   4 /* capability slots the caller uses */
#define KSTAT_MY_MAPPINGS  5 /* mapping records the caller uses */
/* The most instructions one kernel entry of cap_revoke, cap_delete or
 * map_batch has spent in the call since boot, any domain (rdinstret:
 * exact under -icount). Those calls are restarted rather than run long. */
#define KSTAT_STRETCH_MAX 6
#define KSTAT_MY_QUOTA	  7  /* the caller's frame quota (less what it lent) */
#define KSTAT_FREE_SLOTS  8  /* slots the caller can still fill or lend */
#define KSTAT_ASIDS	  9  /* ASIDs in use: domains with an address space */
#define KSTAT_PT_PAGES	  10 /* page-table pages of every domain */
#define KSTAT_ALL_SLOTS	  11 /* slots in use in every capability space */
#define KSTAT_ALL_FRAMES  12 /* frames owned by every domain */

/* The zeroed-frame pool (docs/libos-vm.md): free frames zeroed ahead of
 * time now, and the instructions and frames idle harts spent on it since
 * boot. */
#define KSTAT_ZEROED_FRAMES    13
#define KSTAT_IDLE_ZERO_INSNS  14
#define KSTAT_IDLE_ZERO_FRAMES 15
/* External interrupts claimed on the caller's hart since boot: a bound
 * source is taken on its holder's hart (docs/smp.md). */
#define KSTAT_HART_IRQ_CLAIMS 16
/* The caller's cap_deletes done in one step (a one-page original frame
 * capability with no copy: docs/capabilities.md); E_INVAL from a kernel
 * built without CONFIG_FAST_CAP_DELETE. */
#define KSTAT_MY_ONE_STEP_DELETES 17
/* Remote TLB fences (docs/smp.md, "TLB shootdown"), whole machine, since
 * boot: the SBI RFENCE calls the kernel made, and the harts they named
 * (summed over the calls). */
#define KSTAT_REMOTE_FENCES	 18
#define KSTAT_REMOTE_FENCE_HARTS 19
/* Waiting domains the caller's hart resumed from its idle loop without
 * the big kernel lock since boot (docs/smp.md, "The lock-free idle
 * resume"). */
#define KSTAT_HART_IDLE_RESUMES 20
/* The caller's frame_alloc_maps done in one step (the page's tables
 * there, a frame in the zeroed-frame pool: docs/libos-vm.md); E_INVAL
 * from a kernel built without CONFIG_FAST_ALLOC_MAP. */
#define KSTAT_MY_ONE_STEP_ALLOC_MAPS 21
/* The caller's hart since boot (docs/smp.md, "Cross-hart events"): timer
 * interrupts it took (in U-mode or idle), IPIs it took (another hart's
 * kick: a wake-up, a domain placed or ended), IPIs it sent, and idle
 * wake-ups by the tick alone that found a domain another hart had
 * already woken there (a wake-up whose IPI was late or missing). */
#define KSTAT_HART_TICKS      22
#define KSTAT_HART_IPIS	      23
#define KSTAT_HART_IPIS_SENT  24
#define KSTAT_HART_TICK_WAKES 25
/* The caller's frame_allocs (one page anywhere, a frame in the
 * zeroed-frame pool) and maps (a one-page frame capability, the page's
 * tables there) done in one step (docs/libos-vm.md); E_INVAL from a
 * kernel built without CONFIG_FAST_MAP_STEP. */
#define KSTAT_MY_ONE_STEP_ALLOCS 26
#define KSTAT_MY_ONE_STEP_MAPS	 27

/* yield_cap's slot for the undirected yield: whoever is next. */
#define RIVET_YIELD_ANY (-1L)

/* One entry of SYS_map_batch. */
#ifndef __ASSEMBLY__
struct rivet_map_entry {
	unsigned long slot, vaddr, rights;
};
#endif
#define RIVET_MAP_BATCH_MAX 512
/* Pages one protect call may change (2 MiB: its kernel time is bounded). */
#define RIVET_PROTECT_MAX 512

/*
 * SYS_spawn's request. The child gets `frames` frames and `slots` slots,
 * lent from the caller's own quota (KSTAT_MY_QUOTA, KSTAT_FREE_SLOTS)
 * until it ends. Slot 0 of the child is its own domain capability; slots
 * 1 .. ncaps are copies (children in the derivation tree, same rights) of
 * the caller's capabilities caps[0 .. ncaps-1], each needing the grant
 * right. name_len 0 names the child after its image file ("/libos/x.elf"
 * gives "x").
 */
#define RIVET_SPAWN_CAPS_MAX 8
#ifndef __ASSEMBLY__
struct rivet_spawn {
	unsigned long spawn_slot; /* a spawn capability (RIVET_CAP_SPAWN) */
	const char *image;	  /* path in the initramfs */
	unsigned long image_len;
	const char *name; /* [a-z0-9_-], 1..31 bytes; or name_len 0 */
	unsigned long name_len;
	unsigned long frames, slots;
	unsigned long ncaps;
	unsigned long caps[RIVET_SPAWN_CAPS_MAX];
};
#endif

#endif
