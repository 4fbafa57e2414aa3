// SPDX-License-Identifier: MIT
/*
 * SiFive UART console (sifive,uart0 on the HiFive Unleashed and QEMU
 * sifive_u, sifive,fu740-c000-uart on the Unmatched). Its clock comes from
 * the PRCI and the tree gives no clock-frequency, so the divisor the
 * firmware programmed is kept unless the tree gives both clock and speed.
 */
#include <stdint.h>

#include "kernel/drivers/console.h"
#include "kernel/boot/machine.h"

#define SIFIVE_TXDATA 0x00
#define SIFIVE_TXCTRL 0x08
#define SIFIVE_IE     0x10
#define SIFIVE_DIV    0x18

#define TXDATA_FULL (1u << 31)
#define TXCTRL_TXEN 1u

static volatile uint32_t *regs;

static int uart_sifive_init(const struct uart *u, uintptr_t base)
{
	regs = (volatile uint32_t *)base;
	regs[SIFIVE_IE / 4] = 0; /* the kernel polls */
	regs[SIFIVE_TXCTRL / 4] |= TXCTRL_TXEN;
	/* The divisor register holds (clock / baud) - 1. */
	if (u->clock_hz && u->baud)
		regs[SIFIVE_DIV / 4] = u->clock_hz / u->baud - 1;
	return 0;
}

static void uart_sifive_putc(char c)
{
	while (regs[SIFIVE_TXDATA / 4] & TXDATA_FULL)
		;
	regs[SIFIVE_TXDATA / 4] = (uint8_t)c;
}

const struct uart_driver uart_sifive_driver = {
	.name = "sifive",
	.init = uart_sifive_init,
	.putc = uart_sifive_putc,
};
