/* SPDX-License-Identifier: MIT */
/*
 * Internal to kernel/boot/machine*.c: the state the device-tree scan passes
 * share, and the helpers more than one of them uses. Not for other files;
 * they use machine.h.
 */
#ifndef KERNEL_BOOT_MACHINE_SCAN_H
#define KERNEL_BOOT_MACHINE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/boot/machine.h"

/* Interrupt-cause numbers in a riscv,cpu-intc specifier. */
#define IRQ_S_EXT 9

#define PLIC_MAX_SOURCES  1023	/* the PLIC register map has room for these */
#define PLIC_MAX_CONTEXTS 15872 /* ... and for this many contexts */
#define MAX_IRQ_CELLS	  4	/* larger #interrupt-cells: corrupt tree */
#define MAX_IRQ_HOPS	  64	/* interrupt-parent links followed at most */

/* A PLIC compatible string Rivet drives, and how that variant differs. */
struct plic_variant {
	const char *compat;
	bool edge_lost; /* see struct plic */
};

/* What the scan passes carry between them. */
struct scan {
	const struct fdt *f;
	struct fdt_error *err;
	struct machine *m;
	int plic;		     /* PLIC node, or negative */
	int stdout_node;	     /* node stdout-path names, or negative */
	int intc[MACHINE_MAX_HARTS]; /* each hart's cpu-intc node, or negative */
	uint64_t boot_hartid;	     /* MACHINE_ANY_HART if not known */
};

/* machine.c */
/* Copies a property value of len bytes as a string, truncating safely. */
void scan_copy_str(char *dst, size_t size, const void *val, uint32_t len);
/* Records what went wrong at node (negative: no node) and returns rc. */
int scan_fail(const struct scan *s, int rc, int node, const char *what);
/* phandle of node ("phandle", else the older "linux,phandle"), 0 if none. */
uint32_t scan_phandle(const struct fdt *f, int node);
/* Optional one-cell property: dflt if absent, E_FORMAT if malformed. */
int scan_opt_u32(const struct scan *s, int node, const char *name,
		 uint32_t dflt, uint32_t *out);

/* machine_addr.c */
/* Reads #address-cells or #size-cells of bus into *out (dflt if absent). */
int scan_cells_prop(const struct scan *s, int bus, const char *name,
		    uint32_t dflt, bool zero_ok, uint32_t *out);
/*
 * Entry idx of node's reg, decoded with the parent's cells and translated
 * to a CPU address. Returns 0, E_NOENT if there is no such entry (or no
 * reg at all) without touching err, or another negative code with err set.
 */
int scan_node_reg(const struct scan *s, int node, uint32_t idx, uint64_t *base,
		  uint64_t *size);
/* True if [base, base+size) wraps past the top of the address space. */
bool scan_wraps(uint64_t base, uint64_t size);

/* machine_chosen.c */
/* /chosen: bootargs, stdout-path and the initrd. All optional. */
int scan_chosen(struct scan *s);

/* machine_harts.c */
/* The harts under /cpus and the timebase. */
int scan_harts(struct scan *s);

/* machine_irq.c */
/* #interrupt-cells of the interrupt controller ctrl, at most MAX_IRQ_CELLS. */
int scan_ctrl_cells(const struct scan *s, int ctrl, uint32_t *cells);
/*
 * The PLIC Rivet uses: the first enabled node, in tree order, compatible
 * with one of the PLIC variants (machine_irq.c). Returns it (*compat: the
 * string that matched)
 * or E_NOENT.
 */
int scan_find_plic(const struct fdt *f, const char **compat);
/*
 * The interrupt controller node's interrupts are delivered to: its own
 * interrupt-parent, else the nearest ancestor's, following links through
 * nodes that are not controllers. Returns E_NOENT if there is none; a
 * chain longer than MAX_IRQ_HOPS (a cycle) is E_FORMAT.
 */
int scan_irq_parent(const struct scan *s, int node, int *out);
/*
 * The one reader of riscv,ndev, the number of sources of the PLIC (s->plic):
 * 0 with *ndev, or E_FORMAT (err set) if it is missing, not one cell or
 * above the 1023 sources the PLIC's register map has room for.
 */
int scan_plic_sources(const struct scan *s, uint32_t *ndev);
/* The first enabled PLIC in tree order: base, size, number of sources. */
int scan_plic(struct scan *s);
/*
 * Gives each hart its PLIC S-mode context. The i-th (phandle, specifier)
 * entry of the PLIC's interrupts-extended is context i; an entry whose
 * specifier is S-external (9) and whose phandle is a hart's cpu-intc is
 * that hart's S-mode context. Firmware marks the entries it keeps for
 * itself with 0xffffffff (OpenSBI rewrites the specifier; we also accept
 * a rewritten phandle), so the numbering must be read, never computed.
 */
int scan_plic_contexts(struct scan *s);

/* machine_mem.c */
/* Collects every enabled memory node's non-empty reg ranges. */
int scan_memory(struct scan *s);
/* /memreserve/ entries, then /reserved-memory children that have reg. */
int scan_reserved(struct scan *s);

/* machine_uart.c */
/* reg-shift and reg-io-width of a register block (0 and 1 if absent). */
int scan_reg_layout(struct scan *s, int node, uint32_t *shift, uint32_t *width);
/* reg-offset: the registers start that far into [*base, *base + *size). */
int scan_reg_offset(struct scan *s, int node, uint64_t *base, uint64_t *size);
/* Every enabled UART Rivet can drive, and which of them is the console. */
int scan_uarts(struct scan *s);

#endif
