/* SPDX-License-Identifier: MIT */
/*
 * The machine as the kernel sees it, extracted from the device tree.
 *
 * machine_from_fdt() is pure (no allocation, no I/O): the kernel calls it at
 * boot and the host tool rivet-dtinfo calls the very same code, so what the
 * tool prints is what the kernel will believe.
 */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "fdt.h"

#define MACHINE_MAX_MEM	  16
#define MACHINE_MAX_RESV  32
#define MACHINE_MAX_HARTS 64
#define MACHINE_MAX_UARTS 8
#define MACHINE_NAME_LEN  48
#define MACHINE_PATH_LEN  256

struct mem_range {
	uint64_t base, size;
};

/* Where a range to avoid came from. */
enum resv_kind {
	RESV_MEMRESERVE, /* the header's /memreserve/ block */
	RESV_NODE,	 /* a /reserved-memory child with reg */
};

struct resv_range {
	uint64_t base, size;
	enum resv_kind kind;
	bool no_map; /* "no-map": must not even be in the direct map */
	char name[MACHINE_NAME_LEN];
};

/* Why a hart is not used; HART_USABLE means it will be. */
enum hart_state {
	HART_USABLE,
	HART_DISABLED,	/* status is neither "okay" nor absent */
	HART_NO_MMU,	/* no mmu-type, or "riscv,none" */
	HART_NO_SV39,	/* an MMU Rivet does not drive (sv32) */
	HART_BAD_NODE,	/* reg missing or malformed */
	HART_OVERFLOW,	/* more harts than MACHINE_MAX_HARTS */
	HART_DUPLICATE, /* an earlier cpu node has the same hart id */
};

struct hart {
	uint32_t hartid;
	enum hart_state state;
	char isa[64];  /* riscv,isa, truncated if longer */
	char mmu[16];  /* mmu-type, "" if absent */
	bool has_sstc; /* "sstc" appears in the ISA string */
	uint32_t
		intc_phandle; /* of its interrupt-controller child, 0 if none */
	int32_t plic_sctx;    /* PLIC S-mode context, -1 if none */
};

/* A UART node Rivet has a driver for (matched by compatible). */
struct uart {
	char compat[MACHINE_NAME_LEN]; /* the compatible string that matched */
	char path[MACHINE_PATH_LEN];
	uint64_t base, size;
	uint32_t reg_shift;    /* 0 if absent */
	uint32_t reg_io_width; /* 1 if absent */
	uint32_t clock_hz; /* 0: no clock-frequency, keep firmware divisor */
	uint32_t baud;	   /* current-speed, 0 if absent */
	uint32_t irq;	   /* PLIC source, 0 if none or not on the PLIC */
};

struct plic {
	bool present;
	char compat[MACHINE_NAME_LEN];
	char path[MACHINE_PATH_LEN];
	uint64_t base, size;
	uint32_t ndev; /* riscv,ndev: number of sources */
	/*
	 * T-Head C9xx and Andes PLICs: an edge-triggered source that fires
	 * again while claimed (before complete) loses that edge.
	 */
	bool edge_lost;
	/*
	 * No PLIC, but a RISC-V AIA controller (riscv,aplic or
	 * riscv,imsics): its compatible, so the log can say why there are
	 * no external interrupts. "" otherwise.
	 */
	char aia[MACHINE_NAME_LEN];
};

struct machine {
	char model[MACHINE_NAME_LEN];
	uint32_t fdt_size;

	struct mem_range mem[MACHINE_MAX_MEM];
	unsigned nmem;
	struct resv_range resv[MACHINE_MAX_RESV];
	unsigned nresv;

	struct hart harts[MACHINE_MAX_HARTS];
	unsigned nharts; /* entries filled, usable or not */
	/*
	 * cpu nodes after the first MACHINE_MAX_HARTS, counted but not
	 * described (their harts are never started). nharts + harts_dropped
	 * is the number of cpu nodes in the tree.
	 */
	unsigned harts_dropped;
	/* Hart ids of the first and last dropped cpu node (tree order). */
	uint32_t dropped_first, dropped_last;
	uint64_t timebase_hz;
	/*
	 * A cpu node is a T-Head C9xx core (thead,c906, c908, c910, c920):
	 * one that may take memory types from its PTEs (XTheadMae). The
	 * tree cannot say whether that is on (a firmware setting; no
	 * riscv,isa-extensions string names it): arch_memtype_init() asks
	 * the hart (docs/porting.md, "Page attributes").
	 */
	bool thead_c9xx;

	char bootargs[256];
	/*
	 * The tree's bootargs were longer than bootargs holds: they were cut
	 * at the last space that fits, so no word is read half.
	 */
	bool bootargs_cut;
	/* options (":115200n8") stripped, an alias resolved via /aliases */
	char stdout_path[MACHINE_PATH_LEN];
	/* The tree has no stdout-path: stdout_path and console are its
	 * first UART with a driver (OpenSBI's choice too). */
	bool stdout_guessed;
	bool has_initrd;
	uint64_t initrd_start, initrd_end;

	struct uart uarts[MACHINE_MAX_UARTS];
	unsigned nuarts;
	/* matching UARTs past MACHINE_MAX_UARTS (the console is always kept) */
	unsigned uarts_dropped;
	int console; /* index into uarts of the stdout-path UART, or -1 */

	struct plic plic;
};

/*
 * Fills m from the tree at blob (at most avail bytes readable). Returns 0,
 * or a negative code with err describing what is wrong and where. Missing
 * optional pieces (no PLIC, no UART, no initrd) are not errors; missing RAM,
 * harts or timebase are.
 */
int machine_from_fdt(struct machine *m, const void *blob, size_t avail,
		     struct fdt_error *err);

/* A boot hart id that names no hart (rivet-dtinfo, the tests). */
#define MACHINE_ANY_HART (~0ULL)

/*
 * machine_from_fdt() for the kernel, which knows the hart it runs on: when
 * the tree has more cpu nodes than MACHINE_MAX_HARTS and boot_hartid's
 * node is past the limit, that node replaces the last one described, so
 * the boot hart is always in m->harts (as the console is in m->uarts).
 */
int machine_from_fdt_boot(struct machine *m, const void *blob, size_t avail,
			  uint64_t boot_hartid, struct fdt_error *err);

/*
 * Bytes of RAM in m->mem, each counted once: firmware may list a range
 * twice or let two memory nodes overlap.
 */
uint64_t machine_ram_total(const struct machine *m);

#define DEVICE_MAX_REGS 4
#define DEVICE_MAX_IRQS 8

/*
 * What granting a device risks beyond its own registers; the boot
 * configuration must accept each risk by name (docs/devices.md).
 */
#define DEVICE_RISK_DMA	    0x1u /* may master the bus: reaches any memory */
#define DEVICE_RISK_MACHINE 0x2u /* controls the machine: power, reset */

/* A device node as a configuration's `device =` names it. */
struct device_desc {
	char path[MACHINE_PATH_LEN]; /* the node's full path */
	/* its first compatible string; for a UART, the first one in the
	 * UART table (include/rivet/uart_compat.h) */
	char compat[MACHINE_NAME_LEN];
	struct mem_range regs[DEVICE_MAX_REGS]; /* translated MMIO ranges */
	unsigned nregs;
	uint32_t irqs[DEVICE_MAX_IRQS]; /* PLIC sources, in order */
	unsigned nirqs;
	/* bit j: irqs[j] is edge-triggered (a two-cell specifier whose
	 * trigger type is an edge); one-cell specifiers say nothing: level */
	uint32_t edge_mask;
	uint32_t reg_shift;    /* register i at base + (i << reg-shift) */
	uint32_t reg_io_width; /* access width in bytes: 1, 2 or 4 */
	bool is_plic;	       /* the interrupt controller itself */
	unsigned risk;	       /* DEVICE_RISK_*: machine_device_risk() */
};

/*
 * Looks up the device called name: a path ("/soc/serial@10000000") or an
 * alias from /aliases ("serial0"). Fills out with its MMIO ranges (reg,
 * translated through the parents' ranges like machine_from_fdt does) and
 * the PLIC sources of its interrupts (interrupts with the PLIC as
 * interrupt parent, or interrupts-extended entries that point at the
 * PLIC), and the register layout (reg-shift, reg-io-width: 0 and 1 when
 * absent). Returns 0, E_NOENT (no such node or alias, or disabled), or
 * E_FORMAT / E_TOOBIG with err filled. Pure; same reader as the rest.
 */
int machine_device(const void *blob, size_t avail, const char *name,
		   struct device_desc *out, struct fdt_error *err);

/*
 * DEVICE_RISK_* for a node from its compatible strings: DMA for
 * virtio-mmio, fw-cfg and any node marked dma-coherent or behind an
 * IOMMU; MACHINE for the test/power-off device, syscon and the clock and
 * reset controllers; both for a device none of whose strings the kernel
 * knows. 0 only for the known harmless ones (the UARTs it has drivers
 * for, the goldfish RTC). One table, in machine.c.
 */
unsigned machine_device_risk(const char *const *compats, unsigned n,
			     bool dma_marked);

/* The matching compatible strings Rivet has a console driver for. */
bool machine_uart_compatible(const char *compat);

/*
 * Name of the Rivet UART driver for a compatible string machine_uart_compatible()
 * accepts ("8250", "sifive" or "scif": its family in the table shared with
 * the console libOS, include/rivet/uart_compat.h), or NULL for any other.
 */
const char *machine_uart_driver(const char *compat);

/* Short text for a hart state ("disabled", "no MMU", ...). */
const char *hart_state_name(enum hart_state s);

#endif
