// SPDX-License-Identifier: MIT
/*
 * Renesas SCIF console, RZ/G2L-family register map (RZ/Five
 * "renesas,scif-r9a07g043", RZ/G2L "renesas,scif-r9a07g044"). Register
 * offsets and widths from the RZ/G2L and RZ/Five hardware manuals (SCIFA
 * chapter): SCSCR 0x04 (16-bit), SCFTDR 0x06 (8-bit), SCFDR 0x0e (16-bit;
 * bits 12:8 count the bytes in the 16-byte transmit FIFO). The firmware
 * has set the line and the baud rate (SCSMR, SCBRR, SEMR), which are kept;
 * the tree gives no clock-frequency to recompute them from.
 */
#include <stdint.h>

#include "kernel/drivers/console.h"
#include "kernel/boot/machine.h"
#include <rivet/uart_scif.h>
#include <rivet/errno.h>

static volatile uint8_t *regs;

static uint16_t rd16(unsigned off)
{
	return *(volatile uint16_t *)(regs + off);
}

static void wr16(unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(regs + off) = v;
}

static int uart_scif_init(const struct uart *u, uintptr_t base)
{
	uint16_t scr;

	(void)u; /* fixed offsets and widths: reg-shift does not apply */
	regs = (volatile uint8_t *)base;
	scr = rd16(SCIF_SCSCR);
	/* A transmitter the firmware left off has no baud rate set either. */
	if (!(scr & SCSCR_TE))
		return E_NOTSUP;
	/* The kernel polls: every interrupt of the SCIF off. */
	wr16(SCIF_SCSCR,
	     scr & (uint16_t) ~(SCSCR_TIE | SCSCR_RIE | SCSCR_REIE));
	return 0;
}

static void uart_scif_putc(char c)
{
	while (SCFDR_TX(rd16(SCIF_SCFDR)) >= SCIF_FIFO)
		;
	regs[SCIF_SCFTDR] = (uint8_t)c;
}

const struct uart_driver uart_scif_driver = {
	.name = "scif",
	.init = uart_scif_init,
	.putc = uart_scif_putc,
};
