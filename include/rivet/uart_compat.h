/* SPDX-License-Identifier: MIT */
/*
 * The one table of UART compatible strings Rivet drives, shared by the
 * kernel (kernel/boot/machine_uart.c: which nodes are UARTs, which console
 * driver takes them) and the console libOS (libos/console/uart.c). Each
 * string names its register family; both sides have one driver per family.
 *
 * - "8250": 16550-compatible (QEMU virt, StarFive, SpacemiT, ...);
 *   reg-shift and reg-io-width give the register spacing and width.
 * - "sifive": the SiFive UART (FU540, FU740, QEMU sifive_u).
 * - "scif": the Renesas SCIF of the RZ/G2L family (RZ/Five, RZ/G2L): 8-
 *   and 16-bit registers at fixed offsets. R-Car's "renesas,scif" has
 *   another register map and is deliberately not here.
 *
 * A node matches through the first string of its compatible list that is
 * in this table (so a node listing "sifive,fu540-c000-uart" before
 * "sifive,uart0" matches by the former).
 */
#ifndef RIVET_UART_COMPAT_H
#define RIVET_UART_COMPAT_H

#include <stddef.h>

struct rivet_uart_compat {
	const char *compat;
	const char *family;
};

static const struct rivet_uart_compat rivet_uart_compats[] = {
	{ "ns16550a", "8250" },
	{ "ns16550", "8250" },
	{ "snps,dw-apb-uart", "8250" },
	{ "sifive,fu740-c000-uart", "sifive" },
	{ "sifive,fu540-c000-uart", "sifive" },
	{ "sifive,uart0", "sifive" },
	{ "renesas,scif-r9a07g043", "scif" },
	{ "renesas,scif-r9a07g044", "scif" },
};

#define RIVET_UART_NCOMPATS                                                    \
	(sizeof(rivet_uart_compats) / sizeof(rivet_uart_compats[0]))

/* Equal strings? (Here so that the header needs no libc: the kernel and
 * the libOSes have different ones.) */
static inline int rivet_uart_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The family of a compatible string, or NULL if Rivet drives no such UART. */
static inline const char *rivet_uart_family(const char *compat)
{
	size_t i;

	for (i = 0; compat && i < RIVET_UART_NCOMPATS; i++)
		if (rivet_uart_streq(compat, rivet_uart_compats[i].compat))
			return rivet_uart_compats[i].family;
	return NULL;
}

#endif
