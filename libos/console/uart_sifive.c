/* SPDX-License-Identifier: MIT */
/*
 * SiFive UART (sifive,uart0 on the HiFive Unleashed and QEMU sifive_u,
 * sifive,fu740-c000-uart on the Unmatched): 32-bit registers, an 8-entry
 * FIFO each way, and two watermark interrupts.
 *
 * rxwm is pending while the receive FIFO holds more than rxcnt entries;
 * rxcnt = 0 makes every byte raise it. txwm is pending while the transmit
 * FIFO holds fewer than txcnt entries; txcnt = 4 asks for more bytes while
 * half the FIFO is still to go, and it is enabled only while bytes are
 * queued. The FIFO fill level cannot be read, only "full" (txdata bit 31),
 * so the console writes one byte per check.
 */
#include <rivet/libos.h>

#include "uart.h"

#define SIFIVE_TXDATA 0x00
#define SIFIVE_RXDATA 0x04
#define SIFIVE_TXCTRL 0x08
#define SIFIVE_RXCTRL 0x0c
#define SIFIVE_IE     0x10
#define SIFIVE_IP     0x14

#define TXDATA_FULL   (1u << 31)
#define RXDATA_EMPTY  (1u << 31)
#define CTRL_EN	      1u		    /* txen / rxen */
#define CTRL_CNT(n)   ((uint32_t)(n) << 16) /* txcnt / rxcnt: bits 18:16 */
#define CTRL_CNT_MASK CTRL_CNT(7)
#define IE_TXWM	      1u
#define IE_RXWM	      2u

#define TX_WATERMARK 4 /* room for 4 more bytes when txwm fires */

static volatile uint32_t *regs;

static uint32_t rd(unsigned off)
{
	return regs[off / 4];
}

static void wr(unsigned off, uint32_t v)
{
	regs[off / 4] = v;
}

static int uart_sifive_init(volatile uint8_t *base, unsigned shift,
			    unsigned width, unsigned quirks)
{
	(void)shift; /* fixed 32-bit registers, 4 bytes apart */
	(void)width;
	(void)quirks; /* none for this family */
	regs = (volatile uint32_t *)base;
	if (rd(SIFIVE_IE) == 0xffffffffu)
		return E_NOENT;
	wr(SIFIVE_IE, 0);
	/* Keep the stop bits the firmware chose; set enable and watermark. */
	wr(SIFIVE_TXCTRL, (rd(SIFIVE_TXCTRL) & ~CTRL_CNT_MASK) | CTRL_EN |
				  CTRL_CNT(TX_WATERMARK));
	wr(SIFIVE_RXCTRL, (rd(SIFIVE_RXCTRL) & ~CTRL_CNT_MASK) | CTRL_EN);
	wr(SIFIVE_IE, IE_RXWM);
	return 0;
}

static int uart_sifive_rx_byte(void)
{
	uint32_t v = rd(SIFIVE_RXDATA); /* reading pops the FIFO */

	return v & RXDATA_EMPTY ? -1 : (int)(v & 0xff);
}

static unsigned uart_sifive_tx_room(void)
{
	return rd(SIFIVE_TXDATA) & TXDATA_FULL ? 0 : 1;
}

static void uart_sifive_tx_byte(uint8_t c)
{
	wr(SIFIVE_TXDATA, c);
}

static void uart_sifive_tx_irq(bool on)
{
	wr(SIFIVE_IE, on ? IE_RXWM | IE_TXWM : IE_RXWM);
}

static void uart_sifive_shutdown(uint64_t deadline)
{
	wr(SIFIVE_IE, 0);
	/* With txcnt = 1, txwm is pending exactly when the FIFO is empty. */
	wr(SIFIVE_TXCTRL,
	   (rd(SIFIVE_TXCTRL) & ~CTRL_CNT_MASK) | CTRL_EN | CTRL_CNT(1));
	while (!(rd(SIFIVE_IP) & IE_TXWM) && rivet_now() < deadline)
		;
}

const struct uart_driver uart_sifive_driver = {
	.name = "sifive",
	.family = "sifive",
	.init = uart_sifive_init,
	.rx_byte = uart_sifive_rx_byte,
	.tx_room = uart_sifive_tx_room,
	.tx_byte = uart_sifive_tx_byte,
	.tx_irq = uart_sifive_tx_irq,
	.shutdown = uart_sifive_shutdown,
};
