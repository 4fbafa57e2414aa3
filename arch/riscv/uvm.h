/* SPDX-License-Identifier: MIT */
/*
 * Domain address spaces (Sv39). The kernel half of every root table points
 * at the kernel's own tables, so traps run on the domain's satp. Every page
 * a domain can reach, tables included, is a frame charged to it.
 */
#ifndef ARCH_RISCV_UVM_H
#define ARCH_RISCV_UVM_H

#include <stdbool.h>
#include <stdint.h>

#include <rivet/errno.h>

/*
 * Where an address space's frames come from and go back to: the kernel
 * passes its allocator in (kernel/sched/domain.c charges each frame to the
 * domain), so this layer never calls up into the domain table.
 */
struct uvm_frame_source {
	int (*alloc)(void *ctx, uint64_t *pa); /* 0, or E_NOMEM */
	void (*free)(void *ctx, uint64_t pa);
	void *ctx;
};

/*
 * One user address space: the root table, its ASID, the satp value that
 * selects it (notify_fast.S's yield_cap switches with it), the frame source its
 * tables and view pages come from, and the page-table view's cache
 * (ptview.c): kernel addresses of the bitmap pages and of the view page
 * used last.
 */
struct uvm_space {
	uint64_t root_pa;
	uint64_t satp; /* root_pa and asid as satp takes them: uvm_activate */
	uint16_t asid;
	struct uvm_frame_source frames;
	uint64_t *ptview_dir[4];
	uint64_t *ptview_last;
	uint64_t ptview_last_n;
	/* The hart mask (docs/smp.md, "TLB shootdown"): bit i is set once
	 * the hart of dense index i may hold TLB entries of this space (it
	 * is placed there, uvm_set_hart, or switched satp to it,
	 * arch_switch_as). Set with an atomic OR; read under the BKL, and
	 * cleared there after a fence (uvm_fence_others), except for home:
	 * the bit of the hart it is placed on, which is never cleared. */
	uint64_t harts;
	uint64_t home;
	/* Its domain is ending (uvm_space_ending): fences go to home only
	 * until the one at the end of its teardown (uvm_fence_everywhere). */
	bool ending;
};

/*
 * This hart's bit in a hart mask, which the kernel's per-hart record (tp
 * in the kernel) holds made, as its third word (struct arch_hart_self,
 * smp.h; kept in step by a static assert in kernel/sched/sched.c): one
 * load, where the index and the shift took four instructions.
 */
static inline uint64_t uvm_hart_bit(void)
{
	uint64_t bit;

	__asm__ volatile("ld %0, 8(tp)" : "=r"(bit));
	return bit;
}

/* Marks s as run on this hart: the OR only the first time, so that a
 * switch to a space this hart already ran writes no shared line. */
static inline void uvm_mark_hart(struct uvm_space *s, uint64_t bit)
{
	if (!(__atomic_load_n(&s->harts, __ATOMIC_RELAXED) & bit))
		__atomic_fetch_or(&s->harts, bit, __ATOMIC_SEQ_CST);
}

/* s is placed on the hart of dense index index (its run queue): the
 * assembly yields switch to it there without C, so its bit is set now,
 * for good (its home: no fence clears it). */
static inline void uvm_set_hart(struct uvm_space *s, unsigned index)
{
	s->home = 1UL << index;
	uvm_mark_hart(s, 1UL << index);
}

/* The hart of dense index index has id hartid: what an SBI fence names. */
void uvm_hart_online(unsigned index, uint32_t hartid);

/*
 * Drops s's TLB entries on every hart of its mask but this one: one SBI
 * RFENCE remote_sfence_vma_asid for all of them (one per 64 hart ids,
 * hart_window.h), synchronous: they are gone when it returns. Those
 * harts then leave the mask, all but s's home (docs/smp.md, "TLB
 * shootdown"), so the next fence targets only harts that ran s since.
 * Nothing is sent when the mask holds only this hart; with
 * CONFIG_DEBUG_NO_REMOTE_FENCE nothing is sent at all (a debug kernel
 * that shows the revoke-under-use test can fail). Under the BKL.
 *
 * Inside a batch (uvm_fence_batch_begin) the fence is only gathered: the
 * batch's end sends one call for the harts of every space fenced in it
 * (by ASID if they share one, else of every ASID on those harts), so
 * their waits in the firmware overlap. The caller must end the batch
 * before it lets the lock go or returns to U-mode, and must not hand out
 * a frame it unmapped before then: until the end, other harts may still
 * reach what was unmapped.
 */
void uvm_fence_others(struct uvm_space *s);
void uvm_fence_batch_begin(void);
void uvm_fence_batch_end(void);

/*
 * s's domain is ending (it called exit, or its reaper has begun): no
 * hart but its home will ever run s again, so the other harts of its
 * mask cannot use their entries of its ASID until that ASID is reused.
 * From now on its unmaps fence this hart and its home only, and
 * uvm_fence_everywhere fences the others once, at the end of its
 * teardown, before the ASID is freed.
 */
static inline void uvm_space_ending(struct uvm_space *s)
{
	s->ending = true;
}

/* s's whole ASID fenced here and on every other hart of its mask (one
 * SBI call, uvm_fence_others): before an ended domain's ASID can be
 * reused by a domain on any hart. */
void uvm_fence_everywhere(struct uvm_space *s);

/* SBI RFENCE calls made since boot and the harts they named, summed
 * (KSTAT_REMOTE_FENCES, KSTAT_REMOTE_FENCE_HARTS). */
extern uint64_t uvm_fence_calls, uvm_fence_harts;

/* Has a hart other than this one run s (uvm_fence_others is needed)? */
static inline bool uvm_others_ran(const struct uvm_space *s)
{
	return s->harts & ~uvm_hart_bit();
}

static inline int uvm_frame_alloc(struct uvm_space *s, uint64_t *pa)
{
	return s->frames.alloc(s->frames.ctx, pa);
}

static inline void uvm_frame_free(struct uvm_space *s, uint64_t pa)
{
	s->frames.free(s->frames.ctx, pa);
}

/*
 * Set when the hart has fewer ASID bits than domains need: every address
 * space switch must then flush the TLB (uvm_probe_asids decides).
 */
extern uint32_t uvm_asid_flush;

/* Page-table pages of every domain's address space (KSTAT_PT_PAGES). */
extern uint64_t uvm_table_pages;

/* Finds how many ASID bits satp implements and logs it; once at boot. */
void uvm_probe_asids(unsigned domains_max);

/* The root table of d's address space (kernel/sched/domain.h has the struct). */
uint64_t uvm_root_pa(const struct uvm_space *d);

/* Creates d's empty address space (root table charged to d). */
int uvm_create(struct uvm_space *d);

/* Maps one user page va -> pa with perm (PTE_R/W/X; U is added). */
int uvm_map(struct uvm_space *d, uint64_t va, uint64_t pa, uint64_t perm);

/*
 * The last-level table that holds va's entry (every va of its 2 MiB
 * shares it), made if absent: its kernel address, or NULL with *rc
 * (E_RANGE past the user half, E_EXIST under a megapage or gigapage,
 * E_NOMEM). For batches of mappings: one walk per 2 MiB, then
 * uvm_leaf_set per page and one uvm_flush_asid at the end. Inline, below:
 * frame_alloc_map walks once per page fault.
 */
static inline uint64_t *uvm_leaf_table(struct uvm_space *d, uint64_t va,
				       int *rc);

/* Makes the missing table under *pte (charged to d): uvm_leaf_table's
 * cold path. */
uint64_t *uvm_new_table(struct uvm_space *d, uint64_t *pte, int *rc);

/* Maps [va, va+size) -> pa with perm (+U), megapages where aligned. */
int uvm_map_range(struct uvm_space *d, uint64_t va, uint64_t pa, uint64_t size,
		  uint64_t perm);

/*
 * Maps one 4 KiB user page va -> pa with perm (+U), walking the tables
 * directly: the hot path of demand paging and map_batch. Returns 0,
 * E_EXIST if va is already mapped (nothing changes), or E_NOMEM.
 */
int uvm_map_page(struct uvm_space *d, uint64_t va, uint64_t pa, uint64_t perm);

/*
 * Kernel address of the user page mapped at va (any permission), or NULL:
 * a direct walk for the kernel's own bookkeeping (the page-table view).
 */
static inline void *uvm_kva(const struct uvm_space *d, uint64_t va);

/* Removes the mappings of [va, va+size) and flushes them from the TLB. */
int uvm_unmap(struct uvm_space *d, uint64_t va, uint64_t size);

/*
 * uvm_unmap of one 4 KiB page in one walk, its TLB entry flushed here
 * and on d's other harts: the unmap of a one-page mapping (cap_delete of
 * a demand-paged frame). E_RANGE, with nothing changed, if no 4 KiB
 * leaf maps va (the caller's general path handles larger leaves).
 */
int uvm_unmap_page(struct uvm_space *d, uint64_t va);

/*
 * Translates a user address the way U-mode would see it. Returns 0 with
 * *pa and *perm (PTE bits), or E_RANGE if unmapped or not user-accessible.
 */
int uvm_lookup(const struct uvm_space *d, uint64_t va, uint64_t *pa,
	       uint64_t *perm);

/* Like uvm_lookup, with the leaf PTE and its level (0: 4 KiB). */
int uvm_lookup_leaf(const struct uvm_space *d, uint64_t va, uint64_t *pa,
		    uint64_t *pte, unsigned *level);

/* Frees every frame mapped in d's user half and every table page. */
void uvm_destroy(struct uvm_space *d);

/*
 * The same in pieces: frees what lies at or past *cursor (a user VA, 0 at
 * first), looking at no more than budget page-table entries, and returns
 * true once everything, the root included, is freed (d->root_pa is 0
 * then). Otherwise *cursor says where the next piece goes on; d must not
 * be mapped into meanwhile.
 */
bool uvm_destroy_some(struct uvm_space *d, uint64_t *cursor, uint32_t budget);

/*
 * The satp value that selects an address space. Each domain has its own
 * ASID and its TLB entries are flushed when its mappings change or it
 * ends, so switching domains is only this write (trap_entry.S does it on
 * the directed-yield fast path, from struct uvm_space's satp field).
 */
static inline uint64_t uvm_satp(uint64_t root_pa, uint16_t asid)
{
	return (8UL << 60) | (uint64_t)asid << 44 | root_pa >> 12;
}

/*
 * Sets the rights of the 4 KiB user pages [va, va + npages pages) to perm
 * (PTE_R/W/X, or 0 for no access), each within the rights it was mapped
 * with (pte_ceiling). Checks every page before it changes any: E_RANGE if
 * one is not a 4 KiB leaf with a ceiling (arch/riscv/uprotect.c), E_PERM
 * if perm exceeds one's ceiling. The TLB is the caller's: uvm_flush_range.
 */
int uvm_protect(struct uvm_space *d, uint64_t va, uint64_t npages,
		uint64_t perm);

/* uvm_protect of one page (npages 1), the same checks and errors, and
 * the page's TLB entry flushed too (uvm_flush_range): its own function,
 * so the common case pays for no loop. */
int uvm_protect_page(struct uvm_space *d, uint64_t va, uint64_t perm);

/*
 * Drops this hart's TLB entries for [va, va + npages pages) of d: page by
 * page for a few pages, the whole ASID beyond. The one flush after a
 * change of rights (kernel/mm/protect.c); also on every other hart of
 * d's mask (uvm_fence_others) before it returns.
 */
#define UVM_FLUSH_PAGES_MAX 8
static inline void uvm_flush_range(struct uvm_space *d, uint64_t va,
				   uint64_t npages)
{
	uint64_t i;

	if (uvm_others_ran(d))
		uvm_fence_others(d);
	if (npages > UVM_FLUSH_PAGES_MAX) {
		__asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)d->asid)
				 : "memory");
		return;
	}
	for (i = 0; i < npages; i++)
		__asm__ volatile("sfence.vma %0, %1" ::"r"(va + (i << 12)),
				 "r"((uint64_t)d->asid)
				 : "memory");
}

/* Drops every TLB entry of this ASID (after unmapping, or at the end). */
static inline void uvm_flush_asid(uint16_t asid)
{
	__asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid)
			 : "memory");
}

#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"
#include <rivet/abi.h>

/*
 * Is the 2 MiB block at va (aligned) empty enough for a megapage: no
 * leaf there and no table under it, not even an empty one (pt_map then
 * maps small pages)?
 */
static inline bool uvm_mega_free(const struct uvm_space *d, uint64_t va)
{
	const uint64_t *t = phys_to_virt(uvm_root_pa(d));
	uint64_t e = t[(va >> 30) & 0x1ff];

	if (!(e & PTE_V))
		return true;
	if (pte_is_leaf(e))
		return false;
	t = phys_to_virt(pte_pa(e));
	return !(t[(va >> 21) & 0x1ff] & PTE_V);
}

static inline void *uvm_kva(const struct uvm_space *d, uint64_t va)
{
	const uint64_t *t = phys_to_virt(uvm_root_pa(d));
	uint64_t e;
	int level;

	for (level = 2; level >= 0; level--) {
		e = t[(va >> (12 + 9 * level)) & 0x1ff];
		if (!(e & PTE_V))
			return 0;
		if (pte_is_leaf(e))
			return (char *)phys_to_virt(pte_leaf_pa(e)) +
			       (va & ((1UL << (12 + 9 * level)) - 1) &
				~0xfffUL);
		t = phys_to_virt(pte_pa(e));
	}
	return 0;
}

/* The next-level table under *pte, made if absent. */
static inline __attribute__((always_inline)) uint64_t *
uvm_next_table(struct uvm_space *d, uint64_t *pte, int *rc)
{
	uint64_t e = *pte;

	if (__builtin_expect((e & (PTE_V | PTE_LEAF_MASK)) == PTE_V, 1))
		return phys_to_virt(pte_pa(e));
	if (e & PTE_V) {
		*rc = E_EXIST;
		return 0;
	}
	return uvm_new_table(d, pte, rc);
}

static inline uint64_t *uvm_leaf_table(struct uvm_space *d, uint64_t va,
				       int *rc)
{
	uint64_t *t = phys_to_virt(d->root_pa);

	if (va >= RIVET_USER_TOP) {
		*rc = E_RANGE;
		return 0;
	}
	t = uvm_next_table(d, &t[(va >> 30) & 0x1ff], rc);
	if (t)
		t = uvm_next_table(d, &t[(va >> 21) & 0x1ff], rc);
	return t;
}

/* The entry of va's 4 KiB leaf in d's tables, found in one walk that
 * makes nothing, or NULL if no 4 KiB leaf maps va (nothing there, or a
 * larger leaf). uvm_unmap_page's walk, inline for the one-step
 * cap_delete (kernel/cap/frame_delete.c). */
static inline uint64_t *uvm_page_leaf(const struct uvm_space *d, uint64_t va)
{
	uint64_t *t = phys_to_virt(d->root_pa), e;
	int level;

	if (va >= RIVET_USER_TOP)
		return 0;
	for (level = 2; level > 0; level--) {
		e = t[(va >> (12 + 9 * level)) & 0x1ff];
		if ((e & (PTE_V | PTE_LEAF_MASK)) != PTE_V)
			return 0; /* nothing, or a larger leaf */
		t = phys_to_virt(pte_pa(e));
	}
	t = &t[(va >> 12) & 0x1ff];
	return pte_is_leaf(*t) ? t : 0;
}

/* Sets va's entry in its last-level table leaf (uvm_leaf_table) to pte
 * (a pte_leaf), unless it is valid already: E_EXIST. No fence: the
 * caller flushes the ASID before d runs again. */
static inline int uvm_leaf_set(uint64_t *leaf, uint64_t va, uint64_t pte)
{
	uint64_t *p = &leaf[(va >> 12) & 0x1ff];

	if (*p & PTE_V)
		return E_EXIST;
	*p = pte;
	return 0;
}

#endif
