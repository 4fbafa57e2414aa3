/* SPDX-License-Identifier: MIT */
/*
 * 16550-compatible UART: ns16550a on QEMU virt (registers one byte apart,
 * 8-bit accesses), and the DesignWare APB UART of the StarFive JH7110 on
 * the VisionFive 2 (snps,dw-apb-uart: reg-shift 2, reg-io-width 4).
 * Register i lives at base + (i << reg-shift) and is accessed
 * reg-io-width bytes wide, as the node says (the info page carries both).
 * Only the low 8 bits of a wider register mean anything here. The
 * DesignWare UART ignores LCR writes while busy; the console never writes
 * LCR (the firmware's line settings are kept), so that quirk is moot.
 *
 * Interrupts: IER bit 0 (received data available, or the FIFO timeout)
 * stays on; IER bit 1 (transmit holding register empty) is on only while
 * bytes are queued. With the FIFOs on, THRE means the whole 16-byte
 * transmit FIFO is empty, so each THRE lets the console write 16 bytes.
 *
 * The XScale UART (intel,xscale-uart: SpacemiT K1) stops altogether when
 * an IER write clears bit 6 (UUE), and raises its receive FIFO time-out
 * only with bit 4 (RTOIE): with RIVET_UART_XSCALE every IER value below
 * carries UUE, and the receive interrupt carries RTOIE too. Its 64-byte
 * transmit FIFO is still written 16 bytes at a time.
 */
#include <rivet/libos.h>
#include <rivet/uart_compat.h>

#include "uart.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define IER_RDI	 0x01 /* received data available */
#define IER_THRI 0x02 /* transmit holding register empty */

#define IIR_FIFO_ON 0xc0 /* bits 7:6 read 11 when the FIFOs are enabled */

#define FCR_ENABLE 0x01 /* FIFOs on */
#define FCR_TRIG_8 0x80 /* bits 7:6 = 10: receive interrupt at 8 bytes */

#define LCR_DLAB 0x80 /* divisor latch access: hides RBR/THR/IER */

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT2 0x08 /* gates the interrupt line on many boards */
#define MCR_LOOP 0x10

#define LSR_DR	 0x01 /* data ready */
#define LSR_PE	 0x04 /* parity error */
#define LSR_FE	 0x08 /* framing error */
#define LSR_BI	 0x10 /* break */
#define LSR_THRE 0x20 /* transmit holding register (FIFO) empty */
#define LSR_TEMT 0x40 /* and the shift register too */

#define FIFO_DEPTH 16

static volatile uint8_t *regs;
static unsigned reg_shift, reg_width;
static unsigned tx_burst; /* bytes that fit once THRE is set */
static uint8_t ier_off;	  /* IER with every interrupt off (XScale: UUE) */
static uint8_t ier_rx;	  /* IER with the receive interrupt on */

static uint8_t rd(unsigned r)
{
	volatile uint8_t *p = regs + (r << reg_shift);

	if (reg_width == 4)
		return (uint8_t) * (volatile uint32_t *)p;
	if (reg_width == 2)
		return (uint8_t) * (volatile uint16_t *)p;
	return *p;
}

static void wr(unsigned r, uint8_t v)
{
	volatile uint8_t *p = regs + (r << reg_shift);

	if (reg_width == 4)
		*(volatile uint32_t *)p = v;
	else if (reg_width == 2)
		*(volatile uint16_t *)p = v;
	else
		*p = v;
}

/* The IER values for these quirks (include/rivet/uart_compat.h). */
static void set_ier_values(unsigned quirks)
{
	ier_off = 0;
	ier_rx = IER_RDI;
	if (quirks & RIVET_UART_XSCALE) {
		ier_off = RIVET_UART_IER_UUE;
		ier_rx = IER_RDI | RIVET_UART_IER_RTOIE | RIVET_UART_IER_UUE;
	}
}

static int uart_16550_init(volatile uint8_t *base, unsigned shift,
			   unsigned width, unsigned quirks)
{
	uint8_t lcr;

	/* Every register aligned for its access, and no two overlapping. */
	if (shift > 3 || (width != 1 && width != 2 && width != 4) ||
	    width > 1u << shift || (uintptr_t)base % width)
		return E_NOTSUP;
	regs = base;
	reg_shift = shift;
	reg_width = width;
	set_ier_values(quirks);
	/* All ones: nothing answers at this address. */
	if (rd(UART_LSR) == 0xff)
		return E_NOENT;
	wr(UART_IER, ier_off);
	/*
	 * The firmware leaves the line set up (word length, parity, stop
	 * bits, divisor); only make sure the divisor latch is not left in
	 * front of the data registers.
	 */
	lcr = rd(UART_LCR);
	if (lcr & LCR_DLAB)
		wr(UART_LCR, lcr & ~LCR_DLAB);
	/*
	 * FIFOs on, the receive interrupt raised at 8 bytes or when bytes
	 * have waited 4 character times (the FIFO timeout), so a burst of
	 * input costs one interrupt, not one per byte. (QEMU also takes
	 * input from its host side only up to the trigger level until the
	 * guest reads: at a trigger of 1 typing would arrive a byte per
	 * console run.) If the FIFOs were on already this clears nothing:
	 * only turning them on does.
	 */
	wr(UART_FCR, FCR_ENABLE | FCR_TRIG_8);
	tx_burst = (rd(UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON ? FIFO_DEPTH : 1;
	wr(UART_MCR, (rd(UART_MCR) | MCR_DTR | MCR_RTS | MCR_OUT2) & ~MCR_LOOP);
	wr(UART_IER, ier_rx);
	return 0;
}

static int uart_16550_rx_byte(void)
{
	for (;;) {
		uint8_t lsr = rd(UART_LSR), c;

		if (!(lsr & LSR_DR))
			return -1;
		c = rd(UART_RBR);
		/* A break or a damaged byte is not input: drop it. */
		if (!(lsr & (LSR_BI | LSR_FE | LSR_PE)))
			return c;
	}
}

static unsigned uart_16550_tx_room(void)
{
	return rd(UART_LSR) & LSR_THRE ? tx_burst : 0;
}

static void uart_16550_tx_byte(uint8_t c)
{
	wr(UART_THR, c);
}

static void uart_16550_tx_irq(bool on)
{
	/* Turning THRI on while THR is empty raises the interrupt at once. */
	wr(UART_IER, on ? ier_rx | IER_THRI : ier_rx);
}

static void uart_16550_shutdown(uint64_t deadline)
{
	/* The kernel logs through this UART again: the XScale unit stays on. */
	wr(UART_IER, ier_off);
	while (!(rd(UART_LSR) & LSR_TEMT) && rivet_now() < deadline)
		;
}

const struct uart_driver uart_16550_driver = {
	.name = "16550",
	.family = "8250",
	.init = uart_16550_init,
	.rx_byte = uart_16550_rx_byte,
	.tx_room = uart_16550_tx_room,
	.tx_byte = uart_16550_tx_byte,
	.tx_irq = uart_16550_tx_irq,
	.shutdown = uart_16550_shutdown,
};
