// SPDX-License-Identifier: MIT
/*
 * 8250-family UART console (ns16550a on QEMU virt, snps,dw-apb-uart on the
 * StarFive JH7110, intel,xscale-uart on the SpacemiT K1). Register i lives
 * at base + (i << reg-shift) and is accessed reg-io-width bytes wide, as
 * the device tree says. The XScale UART transmits only with IER.UUE set
 * (include/rivet/uart_compat.h): the "all interrupts off" IER value keeps
 * that bit.
 */
#include <stdint.h>

#include "kernel/drivers/console.h"
#include "kernel/boot/machine.h"
#include <rivet/errno.h>
#include <rivet/uart_compat.h>

#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLL 0 /* divisor latch low, with LCR.DLAB */
#define UART_DLM 1 /* divisor latch high, with LCR.DLAB */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_LSR 5 /* line status */

#define LCR_DLAB 0x80
#define LCR_8N1	 0x03
#define LSR_THRE 0x20

static volatile uint8_t *regs;
static uint32_t shift, width;

static uint32_t reg_read(unsigned r)
{
	volatile uint8_t *p = regs + (r << shift);

	if (width == 4)
		return *(volatile uint32_t *)p;
	return *p;
}

static void reg_write(unsigned r, uint32_t v)
{
	volatile uint8_t *p = regs + (r << shift);

	if (width == 4)
		*(volatile uint32_t *)p = v;
	else
		*p = (uint8_t)v;
}

static int uart_8250_init(const struct uart *u, uintptr_t base)
{
	uint32_t divisor;

	if (u->reg_io_width != 1 && u->reg_io_width != 4)
		return E_NOTSUP;
	if (u->reg_shift > 4)
		return E_NOTSUP;
	regs = (volatile uint8_t *)base;
	shift = u->reg_shift;
	width = u->reg_io_width;

	/* The kernel polls: no interrupt, but the XScale unit stays on. */
	reg_write(UART_IER, rivet_uart_quirks(u->compat) & RIVET_UART_XSCALE
				    ? RIVET_UART_IER_UUE
				    : 0);
	/*
	 * Without clock-frequency and current-speed we cannot compute a
	 * divisor; the firmware has already set one, so keep it.
	 */
	if (u->clock_hz && u->baud) {
		divisor = u->clock_hz / (16 * u->baud);
		if (!divisor)
			divisor = 1;
		reg_write(UART_LCR, LCR_DLAB);
		reg_write(UART_DLL, divisor & 0xff);
		reg_write(UART_DLM, (divisor >> 8) & 0xff);
		reg_write(UART_LCR, LCR_8N1);
		reg_write(UART_FCR, 0x07); /* enable and clear the FIFOs */
	}
	return 0;
}

static void uart_8250_putc(char c)
{
	while (!(reg_read(UART_LSR) & LSR_THRE))
		;
	reg_write(UART_THR, (uint8_t)c);
}

const struct uart_driver uart_8250_driver = {
	.name = "8250",
	.init = uart_8250_init,
	.putc = uart_8250_putc,
};
