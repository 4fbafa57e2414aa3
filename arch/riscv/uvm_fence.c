// SPDX-License-Identifier: MIT
/*
 * Remote TLB fences of address spaces (docs/smp.md, "TLB shootdown"):
 * one SBI RFENCE call for all the other harts of a space's hart mask (one
 * per 64-id window, hart_window.h), a batch that gathers the fences of
 * several spaces into one call (a revoke that unmaps a frame from domains
 * on several harts), the reset of a mask after its fence, and the counts
 * kstat reports. Called under the big kernel lock (uvm.h says why that
 * matters for the reset).
 */
#include "arch/riscv/uvm.h"

#include "arch/riscv/hart_window.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/smp.h"

/* Hart ids by dense index, for the SBI calls (uvm_hart_online). */
static uint32_t uvm_hartids[64];

uint64_t uvm_fence_calls, uvm_fence_harts;

/* A hart's open batch: the harts to fence when it closes, and the one
 * ASID they need, or UVM_FENCE_ALL_ASIDS once two spaces differ. */
#define UVM_FENCE_ALL_ASIDS (-1L)
struct uvm_fence_batch {
	uint64_t harts;
	long asid;
	uint32_t depth;
};
static struct uvm_fence_batch uvm_batches[64];

void uvm_hart_online(unsigned index, uint32_t hartid)
{
	if (index < 64)
		uvm_hartids[index] = hartid;
}

#ifndef CONFIG_DEBUG_NO_REMOTE_FENCE
static uint64_t bits_set(unsigned long m)
{
	uint64_t n = 0;

	for (; m; m &= m - 1) /* no libgcc popcount in the kernel */
		n++;
	return n;
}
#endif

/* One RFENCE per window of the harts of indices: by asid, or of every
 * ASID (UVM_FENCE_ALL_ASIDS). Synchronous: fenced when it returns. */
static void fence_send(uint64_t indices, long asid)
{
#ifndef CONFIG_DEBUG_NO_REMOTE_FENCE
	struct hart_window w;

	while (hart_window_next(&indices, uvm_hartids, &w)) {
		if (asid == UVM_FENCE_ALL_ASIDS)
			sbi_remote_sfence_vma(w.mask, w.base, 0, ~0UL);
		else
			sbi_remote_sfence_vma_asid(w.mask, w.base, 0, ~0UL,
						   (unsigned long)asid);
		__atomic_fetch_add(&uvm_fence_calls, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&uvm_fence_harts, bits_set(w.mask),
				   __ATOMIC_RELAXED);
	}
#else
	(void)indices;
	(void)asid;
#endif
}

/*
 * The harts of fenced that hold no entry of s any more once their fence
 * is done leave its mask: all but its home (uvm_set_hart), whose hart
 * switches to s without C (yield_cap) and keeps s in satp while idle.
 */
static void forget_harts(struct uvm_space *s, uint64_t fenced)
{
	uint64_t gone = fenced & ~s->home;

	if (gone)
		__atomic_fetch_and(&s->harts, ~gone, __ATOMIC_SEQ_CST);
}

/* uvm_fence_others of the harts of s's mask within which. */
static void fence_others(struct uvm_space *s, uint64_t which)
{
	uint64_t others = s->harts & ~uvm_hart_bit() & which;
	struct uvm_fence_batch *b = &uvm_batches[arch_hart_index()];

	if (!others)
		return;
	if (b->depth) {
		/* Fenced when the batch closes, before the lock goes: no
		 * hart can switch to s in C until then (uvm.h). */
		if (!b->harts)
			b->asid = s->asid;
		else if (b->asid != s->asid)
			b->asid = UVM_FENCE_ALL_ASIDS;
		b->harts |= others;
		forget_harts(s, others);
		return;
	}
	fence_send(others, s->asid);
	forget_harts(s, others);
}

void uvm_fence_others(struct uvm_space *s)
{
	/* An ending space runs on its home hart alone, if anywhere: the
	 * others are fenced once, by uvm_fence_everywhere. */
	fence_others(s, s->ending ? s->home : ~0UL);
}

void uvm_fence_everywhere(struct uvm_space *s)
{
	__asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)s->asid)
			 : "memory");
	fence_others(s, ~0UL);
}

void uvm_fence_batch_begin(void)
{
	uvm_batches[arch_hart_index()].depth++;
}

void uvm_fence_batch_end(void)
{
	struct uvm_fence_batch *b = &uvm_batches[arch_hart_index()];

	if (--b->depth || !b->harts)
		return;
	fence_send(b->harts, b->asid);
	b->harts = 0;
}
