/* SPDX-License-Identifier: MIT */
/*
 * Domains: one libOS instance each, created from the boot configuration.
 * A domain owns an address space, its frames (charged against its quota),
 * an upcall area and a read-only info page; it runs in U-mode.
 */
#ifndef KERNEL_DOMAIN_H
#define KERNEL_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/boot/bootconf.h"
#include "kernel/cap/cap.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/boot/elf.h"
#include "kernel/mm/frame.h"
#include <rivet/abi.h>
#include <rivet/syscall.h>

#define DOMAIN_MAX BOOTCONF_MAX_DOMAINS

enum domain_state {
	DOMAIN_FREE = 0,
	DOMAIN_RUNNABLE = RIVET_DOMAIN_RUNNABLE,
	DOMAIN_WAITING = RIVET_DOMAIN_WAITING,
	DOMAIN_EXITED = RIVET_DOMAIN_EXITED,
	DOMAIN_KILLED = RIVET_DOMAIN_KILLED,
	/* Being built in pieces (a spawn): not live, never run, its entry
	 * taken (kernel/sched/domain_create.c). */
	DOMAIN_BUILDING = RIVET_DOMAIN_STARTING,
};

/*
 * A domain's build, in restartable pieces (kernel/sched/domain_create.c):
 * the step it is at and where in it, the image it loads, and the quota
 * it had if it ran out of memory and goes on without one to count what
 * it needs (counting).
 */
struct domain_build {
	uint8_t step;
	bool counting;
	uint32_t nslots;
	uint32_t seg;	/* the image segment being loaded */
	uint64_t next;	/* the slot page, slot or address to do next */
	uint64_t quota; /* its quota, while counting */
	struct elf_image img;
	const uint8_t *elf;
	char image[BOOTCONF_PATH_LEN]; /* its path, for the log */
	/* A spawn's: the request, and the spawn capability's object. */
	struct rivet_spawn req;
	uint64_t grant;
};

/* How many of its last freed frames a domain may ask back unzeroed. */
#define DOMAIN_FREED_MAX 16

struct domain {
	struct uctx ctx; /* first: sscratch points here in U-mode */
	uint32_t id;	 /* 1-based; also the ASID and the frame owner */
	uint32_t gen;	 /* incarnation of the id: reused ids count up */
	uint32_t *registry_state; /* its state word in the registry page */
	enum domain_state state;
	char name[BOOTCONF_NAME_LEN];
	long exit_status;
	char kill_reason[96];

	struct uvm_space as; /* address space (arch/riscv/uvm.h) */
	uint64_t quota_frames, used_frames;
	bool reserved; /* quota_frames set aside for it (kernel/mm/quota.c) */
	struct rivet_info *info;     /* kernel view of the info page */
	struct rivet_upcall *upcall; /* kernel view of the upcall area */

	uint64_t slice_ticks, grace_ticks;
	uint64_t slice_end; /* absolute rdtime of this slice's end */
	/* The grace period after a slice-end notice (kernel/sched/sched_strike.c): it
	 * runs while grace_end is not 0, in steps that end at grace_end. */
	uint64_t grace_end;   /* end of the current step; 0: no grace */
	uint64_t grace_left;  /* ticks still to count once this step ends */
	uint64_t grace_step;  /* the current step's length */
	uint64_t grace_pc;    /* the pc when the current step began */
	uint8_t grace_stalls; /* steps not counted: the domain did not run */
	bool told; /* had a slice-end upcall, has not given up the CPU since */
	uint32_t strikes, max_strikes;
	uint64_t slices_used;

	uint64_t wait_mask;   /* bits wait() blocks on, when WAITING */
	uint64_t slice_entry; /* user slice-end entry, 0 if none */
	uint64_t resume_lo, resume_hi;

	uint64_t fp[33]; /* f0..f31 and fcsr, when FP is on */

	struct cspace cs;  /* capability space; its id is the domain id */
	uint64_t slots_pa; /* the slot array's frames (charged to d) */
	uint64_t slots_pages;
	uint32_t nmappings;	    /* mapping records in use */
	struct frame_mapping *maps; /* pool, one record per slot */
	uint32_t maps_free;

	/* A system call stopped part-way (SYSCALL_RESTART): the pc past its
	 * ecall, its number (a7), an argument that names it, and the work
	 * done so far, which the call takes up again if it comes back from
	 * that same ecall as that same call. */
	uint64_t restart_pc, restart_nr, restart_arg, restart_done;
	/* Which table ctx.syscalls holds a copy of (kernel/syscall.c,
	 * syscall_route). */
	const void *syscall_route;

	uint64_t timer_at; /* SYS_timer_event deadline, 0 if none */
	uint8_t timer_bit;

	/* A pending abort-protocol request to this domain (kernel/cap/abort.c). */
	uint64_t abort_want, abort_base, abort_deadline;
	struct domain *abort_from;
	/* The domain that spawned this one (kernel/cap/spawn.c), NULL for one
	 * from the boot configuration. A spawner outlives its children. */
	struct domain *spawner;
	bool spawned; /* started at run time (its entry is reused first) */
	struct domain *next, *prev; /* run queue links */
	/* The run queue d is on, NULL if none: notify_fast.S's yield_cap
	 * takes t only if it is queued on the caller's hart. */
	struct hart_sched *queued_on;
	/* The hart d is placed on (docs/smp.md): its run queue and timer. */
	struct hart_sched *hart;
	/* The hart id placement chose (launch.c, docs/smp.md); until the
	 * secondaries dispatch domains, d->hart is still the boot hart's. */
	uint32_t placed_hartid;

	/* Its end, in pieces (kernel/sched/domain_reap.c): the phase (0:
	 * nothing left to return), where in it to go on, and what the
	 * pieces cost so far (instructions, pieces, the longest). */
	uint8_t reap_phase;
	uint64_t reap_next;
	uint64_t reap_insns, reap_pieces, reap_longest;
	/* A run of frames a frame_alloc still looks for, takes or zeroes,
	 * in restartable pieces (kernel/cap/frame_cap.c): the frames held
	 * (run.held from run.first) are charged to d, in no capability yet.
	 * Last, with the reaper's: the fields the fast paths use stay within
	 * a load's 12-bit offset. */
	struct frame_run run;
	uint64_t run_zeroed;
	/* An abort request past its deadline (kernel/cap/abort.c): the
	 * kernel takes frames in pieces, from slot abort_slot down;
	 * abort_forced counts what it took, abort_pieces the pieces. Last
	 * too, for the same reason. */
	bool abort_forcing;
	uint32_t abort_slot, abort_pieces;
	uint64_t abort_forced;
	/* Its submission ring (kernel/cap/ring.c): where, how many entries
	 * (0: none), and the entries consumed, the kernel's own count. */
	uint64_t ring_va, ring_size, ring_head;
	/* For a spawner, the child a spawn of its builds (NULL if none;
	 * kernel/cap/spawn.c). Last, for the same reason; the build itself
	 * is kept apart (domain_build_of), so that the entry stays small
	 * enough for its size to be one instruction's immediate. */
	struct domain *spawning;
	int spawn_error; /* the failed build's, returned once it is back */
	/* Counts d's mapping records given back: an unmap's search stopped
	 * part-way goes on from where it was only if none was
	 * (kernel/cap/frame_cap.c). Last, for the same reason. */
	uint32_t maps_gen;
	/* The frames it freed last, the newest at freed[(nfreed - 1) %
	 * DOMAIN_FREED_MAX]: where frame_alloc(RIVET_FRAME_REUSE) looks
	 * (domain_frame_reuse), each one taken only if still as it left it. */
	uint64_t freed[DOMAIN_FREED_MAX];
	uint32_t nfreed;
	/* Its cap_deletes done in one step (kernel/cap/frame_delete.c):
	 * KSTAT_MY_ONE_STEP_DELETES, for the tests to tell the paths apart. */
	uint32_t one_step_deletes;
	/* Its frame_alloc_maps done in one step (kernel/cap/
	 * frame_alloc_map_step.c): KSTAT_MY_ONE_STEP_ALLOC_MAPS. */
	uint32_t one_step_alloc_maps;
	/* Its frame_allocs and maps done in one step (kernel/cap/
	 * frame_alloc_step.c, map_step.c): KSTAT_MY_ONE_STEP_ALLOCS and
	 * KSTAT_MY_ONE_STEP_MAPS. */
	uint32_t one_step_allocs, one_step_maps;
	/* The last-level table the step last walked to, for (vaddr >> 21)
	 * + 1 = step_leaf_key (0: none; below 2^18 for a vaddr below
	 * RIVET_MAP_TOP). Valid for d's whole life: such a table goes only
	 * with the space (uvm_destroy_some, once d ended) and is never
	 * replaced (pt_map maps smaller pages under a table it finds), and
	 * domain_init clears both. 32 bits: DOMAIN_SIZE stays below 2048,
	 * one li (notify_fast.S). */
	uint32_t step_leaf_key;
	uint64_t *step_leaf;
};

/*
 * Creates a domain from its configuration and ELF image in a free entry of
 * the domain table (a fresh one, else one whose domain ended: its id comes
 * back with the next incarnation, and its registry entry is rewritten by
 * domain_registry_update). Address space,
 * segments (W^X), stack, upcall area and info page, all within the memory
 * quota. Returns the domain, or NULL with *err set to a static reason.
 */
struct domain *domain_create(const struct bootconf_domain *conf,
			     const struct elf_image *img, const uint8_t *elf,
			     size_t elf_len, const char **err);

/*
 * The same in restartable pieces (a spawn, kernel/cap/spawn.c).
 * domain_build_begin takes a free entry for conf, marked BUILDING, and
 * sets its quota aside: NULL with *err if there is no entry or the quota
 * does not fit. domain_build_some goes on for about limit instructions
 * from start: SYSCALL_RESTART while there is more, 0 once built, or an
 * error with *err a static reason (then domain_drop_build).
 * domain_build_finish makes a built d runnable, not yet scheduled.
 */
struct domain *domain_build_begin(const struct bootconf_domain *conf,
				  const struct elf_image *img,
				  const uint8_t *elf, const char **err);
int domain_build_some(struct domain *d, uint64_t start, uint64_t limit,
		      const char **err);
void domain_build_finish(struct domain *d, const char *args);
/* Ends a build that failed or was given up: what it took goes back
 * through the reaper, in pieces; then the entry is free (DOMAIN_FREE). */
void domain_drop_build(struct domain *d);

/*
 * Ends d, one way, as state (EXITED/KILLED): it runs no more, nothing
 * wakes it, what it spawned ends too. What it holds comes back later, in
 * bounded pieces (domain_reap_*); until then it stays d's, unusable by
 * anyone else (kernel/sched/domain_reap.c).
 */
void domain_destroy(struct domain *d, enum domain_state state);

/* Ends d after a fault or a broken rule, logging why. */
void domain_kill(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The reaper. One piece (about REAP_INSNS instructions) of returning
 * what ended domains hold, if any: at a scheduling point. Inline: every
 * switch asks, and almost always nothing has ended. */
extern unsigned domain_reaping; /* ended domains not yet returned */
void domain_reap_piece(void);
static inline void domain_reap_step(void)
{
	if (domain_reaping)
		domain_reap_piece();
}
/* Pieces until an interrupt is pending or nothing is left, letting a hart
 * that waits for the big kernel lock in between: while the
 * hart has nobody to run. */
void domain_reap_idle(void);
/* Every piece left: before power-off. */
void domain_reap_all(void);
/* Reaps t (and first what it spawned) for one system call entry that
 * began at start (rdinstret); true once t has been returned entirely. */
bool domain_reap_some(struct domain *t, uint64_t start);

/* A zeroed frame charged to d (E_NOMEM past its quota or the machine's). */
int domain_frame_alloc(struct domain *d, uint64_t *pa);
void domain_frame_free(struct domain *d, uint64_t pa);
/* Takes back, unzeroed and not yet charged to d's quota, the newest of
 * d's last DOMAIN_FREED_MAX freed frames that nobody took since; E_NOENT
 * if none is left (frame_reuse, kernel/mm/frame.h). */
int domain_frame_reuse(struct domain *d, uint64_t *pa);

extern struct domain domains[DOMAIN_MAX];

/* The build of the domain in entry d (meaningful while it is BUILDING). */
extern struct domain_build domain_builds[DOMAIN_MAX];
static inline struct domain_build *domain_build_of(const struct domain *d)
{
	return &domain_builds[d - domains];
}
extern struct cap_system domain_caps; /* every domain's space */
extern unsigned ndomains;

/* Live: neither exited nor killed (NULL is not live). */
static inline bool domain_live(const struct domain *d)
{
	return d && (d->state == DOMAIN_RUNNABLE || d->state == DOMAIN_WAITING);
}

/* Ended and returned entirely: its table entry may be used again. */
static inline bool domain_gone(const struct domain *d)
{
	return !domain_live(d) && !d->reap_phase && d->state != DOMAIN_BUILDING;
}

/* What a domain capability names: the id, and the incarnation above it
 * (0 for every domain the boot configuration started). */
static inline uint64_t domain_object(const struct domain *d)
{
	return d->id | (uint64_t)d->gen << 32;
}

/* The domain with this id, or NULL; inline: every yield and notify asks. */
static inline struct domain *domain_by_id(long id)
{
	if (id < 1 || (unsigned long)id > ndomains)
		return 0;
	return &domains[id - 1];
}
/* The domain a domain capability's object names, or NULL if that id has
 * been reused since (the capability outlived its domain). */
static inline struct domain *domain_by_object(uint64_t object)
{
	struct domain *d = domain_by_id((long)(object & 0xffffffffUL));

	return d && d->gen == object >> 32 ? d : 0;
}

/* Is there room for one more domain (a fresh or an ended one's entry)? */
bool domain_slot_free(void);

/* Domains that hold an address space, hence an ASID (KSTAT_ASIDS). */
unsigned domain_asids_in_use(void);

/* Over every domain: slots in use (slots true) or frames owned. */
uint64_t domain_usage(bool slots);

/* The live domain called name, else the last ended one, else NULL. */
struct domain *domain_by_name(const char *name, unsigned long len);
/* Live = neither exited nor killed. */
unsigned domain_live_count(void);
struct domain *domain_at(unsigned index);

/*
 * Gives d a domain capability for each configured peer (slots 1.. in
 * order, after its own in slot 0). Call once every domain exists.
 */
void domain_grant_peers(struct domain *d, const struct bootconf_domain *conf);

/* Tells d that a capability in slot was taken away from it. */
void domain_post_revoked(struct domain *d, uint32_t slot, unsigned type,
			 uint64_t object);

/* The registry page, made before the first domain (and before any
 * memory is reserved for domains). 0 or E_NOMEM. */
int domain_registry_init(void);

/* Writes every domain's name, id and state into the registry page. */
void domain_registry_update(void);

extern struct rivet_registry *domain_registry; /* the shared page */

/* Writes d's new state into the registry page: what a wait, a wake-up or
 * an exit changes. One store, through the pointer set when d's address
 * space got the page (every created domain has it). */
static inline void domain_registry_state(const struct domain *d)
{
	*d->registry_state = d->state;
}

/* What the registry says of d: RIVET_DOMAIN_ENDING while it is reaped. */
static inline uint32_t domain_registry_value(const struct domain *d)
{
	return d->reap_phase ? RIVET_DOMAIN_ENDING : (uint32_t)d->state;
}

/* Prints one line per domain: status, slices, strikes, faults. */
void domain_summary(void);

#endif
