/* SPDX-License-Identifier: MIT */
/* Sv39 page-table entry bits and constructors. */
#ifndef ARCH_RISCV_PTE_H
#define ARCH_RISCV_PTE_H

#include <stdint.h>

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

#define PTE_PPN_SHIFT 10
#define PTE_PPN_BITS  44 /* bits 10-53; 54-63 are attributes */
#define PTE_LEAF_MASK (PTE_R | PTE_W | PTE_X)

/*
 * Memory types: the one hook (arch/riscv/memtype.c). Standard hardware
 * takes a page's memory type from the PMAs (with Svpbmt, PBMT 0 means
 * just that), so leaves carry no type bits. T-Head C9xx cores with
 * XTheadMae on (sxstatus.MAEE) take it from PTE bits 63-59 instead (SO
 * strong order, C cacheable, B bufferable, SH shareable, Sec trustable),
 * and a leaf without them is non-cacheable: there normal memory needs
 * C|B|SH and device registers SO|SH. pte_mt_normal and pte_mt_device are
 * the bits every leaf of each kind gets on this machine, 0 until
 * memtype_set() says otherwise. A mapping of device registers asks for
 * the device type with PTE_DEVICE in perm: a request, never stored. It
 * is bit 63 so that the test is one sign check on the path every page
 * mapping takes. Only leaves carry type bits, never table pointers.
 */
#define PTE_DEVICE  (1UL << 63)
#define PTE_MT_MASK (0x1fUL << 59)
extern uint64_t pte_mt_normal, pte_mt_device;

/*
 * A leaf mapping pa with the given permissions (and PTE_DEVICE for
 * device registers). A and D are set up front: hardware without Svadu
 * faults on first access otherwise, and the kernel does not track them.
 */
static inline uint64_t pte_leaf(uint64_t pa, uint64_t perm)
{
	uint64_t pte =
		(pa >> 12) << PTE_PPN_SHIFT | perm | PTE_A | PTE_D | PTE_V;

	if (__builtin_expect((int64_t)perm < 0, 0)) /* PTE_DEVICE */
		return (pte & ~PTE_DEVICE) | pte_mt_device;
	return pte | pte_mt_normal;
}

/* pte_leaf(pa, perm) for a RAM page, from bits = pte_leaf(0, perm) made
 * once: for a loop that maps many pages with the same perm. */
static inline uint64_t pte_leaf_with(uint64_t pa, uint64_t bits)
{
	return (pa >> 12) << PTE_PPN_SHIFT | bits;
}

/*
 * The rights a user mapping was made with, kept in the PTE's two RSW bits
 * (8-9, the hardware ignores them): protect may lower a page's rights and
 * restore them up to these, never above. 0 for the kernel's own mappings
 * of a domain (info page, view, stack...) and for execute-only ones,
 * which protect leaves alone.
 */
#define PTE_CEIL_SHIFT 8
#define PTE_CEIL_MASK  (3UL << PTE_CEIL_SHIFT)

static inline uint64_t pte_ceiling_bits(uint64_t perm)
{
	/* by R/W/X (bits 1-3): R 1, RW 2, RX 3, any other 0 */
	static const uint8_t code[8] = { 0, 1, 0, 2, 0, 3, 0, 0 };

	return (uint64_t)code[(perm >> 1) & 7] << PTE_CEIL_SHIFT;
}

/* The rights (PTE_R/W/X) a leaf may be given back, from its RSW bits. */
static inline uint64_t pte_ceiling(uint64_t pte)
{
	static const uint64_t perm[4] = { 0, PTE_R, PTE_R | PTE_W,
					  PTE_R | PTE_X };

	return perm[(pte & PTE_CEIL_MASK) >> PTE_CEIL_SHIFT];
}

/* A pointer to the next-level table at physical address pa. */
static inline uint64_t pte_table(uint64_t pa)
{
	return (pa >> 12) << PTE_PPN_SHIFT | PTE_V;
}

/* The table a (non-leaf) PTE points at: table pointers carry no type. */
static inline uint64_t pte_pa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << 12;
}

/* The physical address a leaf maps, without its memory-type bits. */
static inline uint64_t pte_leaf_pa(uint64_t pte)
{
	return (pte << (64 - PTE_PPN_SHIFT - PTE_PPN_BITS)) >>
	       (64 - PTE_PPN_BITS) << 12;
}

static inline int pte_is_leaf(uint64_t pte)
{
	return (pte & PTE_V) && (pte & PTE_LEAF_MASK);
}

#endif
