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
 *
 * quirks: register behaviour one compatible adds to its family, applied
 * by that family's driver on both sides:
 * - RIVET_UART_XSCALE ("intel,xscale-uart", the PXA-style UART of the
 *   SpacemiT K1): IER bit 6 (UUE, UART unit enable) switches the whole
 *   unit on; a write of IER without it stops the UART, transmitter
 *   included. So every IER write keeps UUE set. Its receive FIFO
 *   time-out interrupt has its own enable, IER bit 4 (RTOIE), set along
 *   with the receive interrupt.
 */
#ifndef RIVET_UART_COMPAT_H
#define RIVET_UART_COMPAT_H

#include <stddef.h>

#define RIVET_UART_XSCALE 0x1u /* keep IER.UUE set; RTOIE with RDI */

/* IER bits of the XScale UART (PXA manual; 16550s ignore them). */
#define RIVET_UART_IER_RTOIE 0x10u /* receiver time-out interrupt */
#define RIVET_UART_IER_UUE   0x40u /* UART unit enable */

struct rivet_uart_compat {
	const char *compat;
	const char *family;
	unsigned quirks; /* RIVET_UART_* */
};

static const struct rivet_uart_compat rivet_uart_compats[] = {
	{ "ns16550a", "8250", 0 },
	{ "ns16550", "8250", 0 },
	{ "snps,dw-apb-uart", "8250", 0 },
	{ "intel,xscale-uart", "8250", RIVET_UART_XSCALE },
	{ "sifive,fu740-c000-uart", "sifive", 0 },
	{ "sifive,fu540-c000-uart", "sifive", 0 },
	{ "sifive,uart0", "sifive", 0 },
	{ "renesas,scif-r9a07g043", "scif", 0 },
	{ "renesas,scif-r9a07g044", "scif", 0 },
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

/* The table entry of a compatible string, or NULL. */
static inline const struct rivet_uart_compat *
rivet_uart_lookup(const char *compat)
{
	size_t i;

	for (i = 0; compat && i < RIVET_UART_NCOMPATS; i++)
		if (rivet_uart_streq(compat, rivet_uart_compats[i].compat))
			return &rivet_uart_compats[i];
	return NULL;
}

/* The family of a compatible string, or NULL if Rivet drives no such UART. */
static inline const char *rivet_uart_family(const char *compat)
{
	const struct rivet_uart_compat *c = rivet_uart_lookup(compat);

	return c ? c->family : NULL;
}

/* The RIVET_UART_* quirks of a compatible string (0 if none or unknown). */
static inline unsigned rivet_uart_quirks(const char *compat)
{
	const struct rivet_uart_compat *c = rivet_uart_lookup(compat);

	return c ? c->quirks : 0;
}

#endif
