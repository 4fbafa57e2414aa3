/* SPDX-License-Identifier: MIT */
/*
 * A fake 8250 register block for the 8250-family driver tests: plain
 * memory, eight registers 4 bytes apart and 32 bits wide (reg-shift 2,
 * reg-io-width 4, the layout of the SpacemiT K1 and JH7110 UARTs). A
 * register that hardware splits by direction (RBR/THR, IIR/FCR) reads
 * back what the driver last wrote.
 */
#ifndef TESTS_UNIT_UART_8250_FAKE_H
#define TESTS_UNIT_UART_8250_FAKE_H

#include <stdint.h>
#include <string.h>

enum {
	R_DATA,
	R_IER,
	R_FCR,
	R_LCR,
	R_MCR,
	R_LSR,
	R_MSR,
	R_SCR
};

#define LSR_THRE_TEMT 0x60 /* transmitter empty */

static _Alignas(8) volatile uint32_t uart8250[8];

/* Every register 0, then LSR = lsr. */
static inline void uart8250_reset(uint32_t lsr)
{
	memset((void *)uart8250, 0, sizeof(uart8250));
	uart8250[R_LSR] = lsr;
}

#endif
