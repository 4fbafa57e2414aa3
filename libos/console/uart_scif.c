/* SPDX-License-Identifier: MIT */
/*
 * Renesas SCIF, RZ/G2L family (RZ/Five, RZ/G2L): 8- and 16-bit registers
 * at fixed offsets (include/rivet/uart_scif.h), a 16-byte FIFO each way
 * whose fill levels SCFDR gives.
 *
 * Polled: the SCIF raises receive, transmit, error and break on separate
 * PLIC sources (the tree lists eri, rxi, txi, bri, ...), and the console
 * binds one interrupt per device, so it reads this UART on its timer
 * instead. The firmware's line settings and baud rate are kept.
 */
#include <rivet/libos.h>
#include <rivet/uart_scif.h>

#include "uart.h"

#define RX_ERRORS (SCFSR_ER | SCFSR_BRK | SCFSR_FER | SCFSR_PER)

static volatile uint8_t *regs;

static uint16_t rd16(unsigned off)
{
	return *(volatile uint16_t *)(regs + off);
}

static void wr16(unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(regs + off) = v;
}

/* Clears the SCFSR flags in mask (write 0 to them, 1 to the rest). */
static void clear_flags(uint16_t mask)
{
	wr16(SCIF_SCFSR, (uint16_t)~mask);
}

static int uart_scif_init(volatile uint8_t *base, unsigned shift,
			  unsigned width, unsigned quirks)
{
	uint16_t scr;

	(void)quirks; /* none for this family */
	(void)shift;  /* fixed offsets and widths */
	(void)width;
	regs = base;
	scr = rd16(SCIF_SCSCR);
	if (scr == 0xffff)
		return E_NOENT;
	/* The transmitter must be set up already: the baud rate is kept. */
	if (!(scr & SCSCR_TE))
		return E_NOTSUP;
	wr16(SCIF_SCSCR, (uint16_t)((scr | SCSCR_RE) &
				    ~(SCSCR_TIE | SCSCR_RIE | SCSCR_REIE)));
	return 0;
}

/* At most a FIFO's worth of damaged bytes is dropped per call, so a
 * device stuck reporting errors cannot hold the console here. */
static int uart_scif_rx_byte(void)
{
	uint16_t sr;
	unsigned tries;
	uint8_t c;

	for (tries = 0; tries < SCIF_FIFO; tries++) {
		sr = rd16(SCIF_SCFSR);
		if (rd16(SCIF_SCLSR) & SCLSR_ORER)
			wr16(SCIF_SCLSR, 0);
		if (!SCFDR_RX(rd16(SCIF_SCFDR))) {
			if (sr & RX_ERRORS)
				clear_flags(RX_ERRORS);
			return -1;
		}
		c = regs[SCIF_SCFRDR];
		clear_flags(SCFSR_RDF | SCFSR_DR | (sr & RX_ERRORS));
		/* A break or a damaged byte is not input: drop it. */
		if (!(sr & RX_ERRORS))
			return c;
	}
	return -1;
}

static unsigned uart_scif_tx_room(void)
{
	return SCIF_FIFO - SCFDR_TX(rd16(SCIF_SCFDR));
}

static void uart_scif_tx_byte(uint8_t c)
{
	regs[SCIF_SCFTDR] = c;
}

static void uart_scif_tx_irq(bool on)
{
	(void)on; /* polled */
}

static void uart_scif_shutdown(uint64_t deadline)
{
	while (!(rd16(SCIF_SCFSR) & SCFSR_TEND) && rivet_now() < deadline)
		;
}

const struct uart_driver uart_scif_driver = {
	.name = "scif",
	.family = "scif",
	.polled = true,
	.init = uart_scif_init,
	.rx_byte = uart_scif_rx_byte,
	.tx_room = uart_scif_tx_room,
	.tx_byte = uart_scif_tx_byte,
	.tx_irq = uart_scif_tx_irq,
	.shutdown = uart_scif_shutdown,
};
