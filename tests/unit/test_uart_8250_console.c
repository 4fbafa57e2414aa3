// SPDX-License-Identifier: MIT
/*
 * The console libOS's 16550 driver (libos/console/uart_16550.c) on a fake
 * register block, for a plain 16550 and for the XScale UART of the
 * SpacemiT K1 (intel,xscale-uart): after init, with the transmit
 * interrupt on and off, and after shutdown, IER holds exactly the
 * interrupts asked for, and on the XScale UART also UUE (the unit
 * enable, without which it stops) and, with the receive interrupt,
 * RTOIE (its receive time-out interrupt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <rivet/errno.h>
#include <rivet/uart_compat.h>

#include "libos/console/uart.h"
#include "tests/unit/uart_8250_fake.h"

#define RDI  0x01
#define THRI 0x02
#define UUE  RIVET_UART_IER_UUE
#define RTO  RIVET_UART_IER_RTOIE

static uint64_t now;

/* The libOS clock, for shutdown's deadline: each read moves it on. */
uint64_t rivet_now(void)
{
	return now++;
}

/* Runs the driver through init, tx_irq on/off and shutdown on the fake
 * UART with these quirks; IER after each step in ier[0..3]. */
static void ier_sequence(unsigned quirks, uint32_t ier[4])
{
	const struct uart_driver *d = &uart_16550_driver;

	uart8250_reset(LSR_THRE_TEMT);
	uart8250[R_IER] = 0xff;
	assert_int_equal(d->init((volatile uint8_t *)uart8250, 2, 4, quirks),
			 0);
	ier[0] = uart8250[R_IER];
	d->tx_irq(true);
	ier[1] = uart8250[R_IER];
	d->tx_irq(false);
	ier[2] = uart8250[R_IER];
	now = 0;
	d->shutdown(100);
	ier[3] = uart8250[R_IER];
}

static void a_16550_gets_the_plain_interrupt_bits(void **state)
{
	uint32_t ier[4];

	(void)state;
	ier_sequence(0, ier);
	assert_int_equal(ier[0], RDI);
	assert_int_equal(ier[1], RDI | THRI);
	assert_int_equal(ier[2], RDI);
	assert_int_equal(ier[3], 0);
}

static void the_xscale_uart_keeps_its_unit_enabled(void **state)
{
	uint32_t ier[4];

	(void)state;
	ier_sequence(RIVET_UART_XSCALE, ier);
	assert_int_equal(ier[0], RDI | RTO | UUE);
	assert_int_equal(ier[1], RDI | RTO | UUE | THRI);
	assert_int_equal(ier[2], RDI | RTO | UUE);
	assert_int_equal(ier[3], UUE); /* the kernel logs through it again */
}

static void the_table_gives_the_quirks_by_compatible(void **state)
{
	(void)state;
	assert_ptr_equal(uart_find("intel,xscale-uart"), &uart_16550_driver);
	assert_int_equal(uart_quirks("intel,xscale-uart"), RIVET_UART_XSCALE);
	assert_int_equal(uart_quirks("snps,dw-apb-uart"), 0);
	assert_int_equal(uart_quirks("ns16550a"), 0);
	/* The SoC's own string is not in the table: the node matches by
	 * its second one (machine_device() passes that one on). */
	assert_null(uart_find("spacemit,k1-uart"));
	assert_int_equal(uart_quirks("spacemit,k1-uart"), 0);
	assert_int_equal(uart_quirks(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_16550_gets_the_plain_interrupt_bits),
		cmocka_unit_test(the_xscale_uart_keeps_its_unit_enabled),
		cmocka_unit_test(the_table_gives_the_quirks_by_compatible),
	};

	return cmocka_run_group_tests_name("uart_8250_console", tests, NULL,
					   NULL);
}
