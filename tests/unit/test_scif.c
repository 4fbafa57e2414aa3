// SPDX-License-Identifier: MIT
/*
 * The kernel's SCIF console driver (kernel/drivers/uart_scif.c) on a fake
 * register block: it refuses a transmitter the firmware left off, turns
 * every interrupt off and keeps the rest of SCSCR, writes each byte to
 * SCFTDR, and waits while the transmit FIFO is full.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include <rivet/errno.h>
#include <rivet/uart_compat.h>

#include "kernel/boot/machine.h"
#include "kernel/drivers/console.h"
#include "tests/unit/scif_fake.h"

extern const struct uart_driver uart_scif_driver;

static struct uart desc; /* the driver takes no field from it */

static void init_refuses_a_transmitter_left_off(void **state)
{
	(void)state;
	scif_reset(SCSCR_RE | SCSCR_RIE);
	assert_int_equal(uart_scif_driver.init(&desc, (uintptr_t)scif),
			 E_NOTSUP);
	assert_int_equal(scif_rd16(SCIF_SCSCR), SCSCR_RE | SCSCR_RIE);
}

static void init_turns_interrupts_off_and_keeps_the_rest(void **state)
{
	(void)state;
	/* CKE (bits 1:0) = 2: the firmware's clock choice stays. */
	scif_reset(SCSCR_TIE | SCSCR_RIE | SCSCR_TE | SCSCR_RE | SCSCR_REIE |
		   2);
	scif_wr16(SCIF_SCSMR, 0x1234);
	scif[SCIF_SCBRR] = 0x56;
	assert_int_equal(uart_scif_driver.init(&desc, (uintptr_t)scif), 0);
	assert_int_equal(scif_rd16(SCIF_SCSCR), SCSCR_TE | SCSCR_RE | 2);
	/* Line settings and baud rate are the firmware's. */
	assert_int_equal(scif_rd16(SCIF_SCSMR), 0x1234);
	assert_int_equal(scif[SCIF_SCBRR], 0x56);
	assert_string_equal(uart_scif_driver.name, "scif");
	assert_string_equal(rivet_uart_family("renesas,scif-r9a07g043"),
			    uart_scif_driver.name);
}

static void putc_writes_the_transmit_fifo(void **state)
{
	(void)state;
	scif_reset(SCSCR_TE);
	assert_int_equal(uart_scif_driver.init(&desc, (uintptr_t)scif), 0);
	scif_wr16(SCIF_SCFDR, 15 << 8); /* one place left */
	uart_scif_driver.putc('R');
	assert_int_equal(scif[SCIF_SCFTDR], 'R');
	/* Nothing else written: no status flag cleared by accident. */
	assert_int_equal(scif_rd16(SCIF_SCFSR), 0);
	assert_int_equal(scif_rd16(SCIF_SCFDR), 15 << 8);
}

static volatile int drained;

/* The "hardware": sends one byte from a full FIFO a little later. */
static void *drain_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	drained = 1;
	scif_wr16(SCIF_SCFDR, 15 << 8);
	return NULL;
}

static void putc_waits_while_the_fifo_is_full(void **state)
{
	pthread_t t;

	(void)state;
	scif_reset(SCSCR_TE);
	assert_int_equal(uart_scif_driver.init(&desc, (uintptr_t)scif), 0);
	scif_wr16(SCIF_SCFDR, SCIF_FIFO << 8);
	drained = 0;
	assert_int_equal(pthread_create(&t, NULL, drain_later, NULL), 0);
	uart_scif_driver.putc('x');
	assert_true(drained); /* it did not write into a full FIFO */
	assert_int_equal(scif[SCIF_SCFTDR], 'x');
	pthread_join(t, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_refuses_a_transmitter_left_off),
		cmocka_unit_test(init_turns_interrupts_off_and_keeps_the_rest),
		cmocka_unit_test(putc_writes_the_transmit_fifo),
		cmocka_unit_test(putc_waits_while_the_fifo_is_full),
	};

	return cmocka_run_group_tests_name("scif", tests, NULL, NULL);
}
