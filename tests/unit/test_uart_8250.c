// SPDX-License-Identifier: MIT
/*
 * The kernel's 8250 console driver (kernel/drivers/uart_8250.c) on a fake
 * register block: interrupts off at init for a 16550, but IER.UUE kept on
 * for the XScale UART (intel,xscale-uart, SpacemiT K1), which transmits
 * nothing without it; the divisor programmed only with a clock and a baud
 * rate; each byte written to THR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>
#include <rivet/uart_compat.h>

#include "kernel/boot/machine.h"
#include "kernel/drivers/console.h"
#include "tests/unit/uart_8250_fake.h"

extern const struct uart_driver uart_8250_driver;

static struct uart k1_uart(const char *compat)
{
	struct uart u;

	memset(&u, 0, sizeof(u));
	strcpy(u.compat, compat);
	u.reg_shift = 2;
	u.reg_io_width = 4;
	return u;
}

static void init_turns_a_16550s_interrupts_off(void **state)
{
	struct uart u = k1_uart("snps,dw-apb-uart");

	(void)state;
	uart8250_reset(LSR_THRE_TEMT);
	uart8250[R_IER] = 0xff;
	assert_int_equal(uart_8250_driver.init(&u, (uintptr_t)uart8250), 0);
	assert_int_equal(uart8250[R_IER], 0);
}

static void init_keeps_the_xscale_unit_enabled(void **state)
{
	struct uart u = k1_uart("intel,xscale-uart");

	(void)state;
	assert_int_equal(rivet_uart_quirks("intel,xscale-uart"),
			 RIVET_UART_XSCALE);
	assert_string_equal(rivet_uart_family("intel,xscale-uart"),
			    uart_8250_driver.name);
	uart8250_reset(LSR_THRE_TEMT);
	uart8250[R_IER] = RIVET_UART_IER_UUE | 0x01;
	assert_int_equal(uart_8250_driver.init(&u, (uintptr_t)uart8250), 0);
	/* No interrupt (the kernel polls), the unit still on. */
	assert_int_equal(uart8250[R_IER], RIVET_UART_IER_UUE);
	/* Without clock-frequency and current-speed: the firmware's line. */
	assert_int_equal(uart8250[R_LCR], 0);
	uart_8250_driver.putc('K');
	assert_int_equal(uart8250[R_DATA], 'K');
	assert_int_equal(uart8250[R_IER], RIVET_UART_IER_UUE);
}

static void init_sets_the_divisor_from_clock_and_baud(void **state)
{
	struct uart u = k1_uart("intel,xscale-uart");

	(void)state;
	u.clock_hz = 14857000; /* the K1's UART clock */
	u.baud = 115200;
	uart8250_reset(LSR_THRE_TEMT);
	assert_int_equal(uart_8250_driver.init(&u, (uintptr_t)uart8250), 0);
	/* 14857000 / (16 * 115200) = 8, written under DLAB over THR/IER;
	 * IER then shows DLM (0): the fake has one cell for both. What is
	 * left: 8N1, FIFOs on and cleared. */
	assert_int_equal(uart8250[R_DATA], 8);
	assert_int_equal(uart8250[R_LCR], 0x03);
	assert_int_equal(uart8250[R_FCR], 0x07);
}

static void init_refuses_a_layout_it_cannot_drive(void **state)
{
	struct uart u = k1_uart("ns16550a");

	(void)state;
	u.reg_io_width = 2;
	assert_int_equal(uart_8250_driver.init(&u, (uintptr_t)uart8250),
			 E_NOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_turns_a_16550s_interrupts_off),
		cmocka_unit_test(init_keeps_the_xscale_unit_enabled),
		cmocka_unit_test(init_sets_the_divisor_from_clock_and_baud),
		cmocka_unit_test(init_refuses_a_layout_it_cannot_drive),
	};

	return cmocka_run_group_tests_name("uart_8250", tests, NULL, NULL);
}
