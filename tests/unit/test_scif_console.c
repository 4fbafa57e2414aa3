// SPDX-License-Identifier: MIT
/*
 * The console libOS's SCIF driver (libos/console/uart_scif.c) on a fake
 * register block: set-up, what the console's table matches, receive with
 * its flag clearing and error dropping, transmit room from the FIFO
 * count, and the bounded wait at shutdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "libos/console/uart.h"
#include "tests/unit/scif_fake.h"

static uint64_t now;

/* The libOS clock, for shutdown's deadline: each read moves it on. */
uint64_t rivet_now(void)
{
	return now++;
}

static void init_checks_the_firmware_set_it_up(void **state)
{
	(void)state;
	scif_reset(0xffff); /* nothing answers there */
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), E_NOENT);
	scif_reset(SCSCR_RE);
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), E_NOTSUP);
	scif_reset(SCSCR_TE | SCSCR_TIE | SCSCR_RIE | SCSCR_REIE | 1);
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), 0);
	/* Receiver on, every interrupt off (polled), CKE kept. */
	assert_int_equal(scif_rd16(SCIF_SCSCR), SCSCR_TE | SCSCR_RE | 1);
	assert_true(uart_scif_driver.polled);
	assert_string_equal(uart_scif_driver.family, "scif");
}

static void the_shared_table_picks_this_driver(void **state)
{
	(void)state;
	assert_ptr_equal(uart_find("renesas,scif-r9a07g043"),
			 &uart_scif_driver);
	assert_ptr_equal(uart_find("renesas,scif-r9a07g044"),
			 &uart_scif_driver);
	assert_null(uart_find("renesas,scif"));
	assert_ptr_equal(uart_find("sifive,fu540-c000-uart"),
			 &uart_sifive_driver);
	assert_ptr_equal(uart_find("snps,dw-apb-uart"), &uart_16550_driver);
	assert_false(uart_16550_driver.polled);
}

static void rx_reads_a_byte_and_clears_its_flags(void **state)
{
	(void)state;
	scif_reset(SCSCR_TE | SCSCR_RE);
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), 0);
	assert_int_equal(uart_scif_driver.rx_byte(), -1);
	scif_wr16(SCIF_SCFDR, 1);
	scif_wr16(SCIF_SCFSR, SCFSR_DR | SCFSR_TDFE);
	scif[SCIF_SCFRDR] = 'k';
	assert_int_equal(uart_scif_driver.rx_byte(), 'k');
	/* RDF and DR written 0, every other flag 1 (left alone). */
	assert_int_equal(scif_rd16(SCIF_SCFSR),
			 (uint16_t) ~(SCFSR_RDF | SCFSR_DR));
}

static void rx_drops_a_damaged_byte(void **state)
{
	(void)state;
	scif_reset(SCSCR_TE | SCSCR_RE);
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), 0);
	scif_wr16(SCIF_SCFDR, 1);
	scif_wr16(SCIF_SCFSR, SCFSR_FER | SCFSR_ER | SCFSR_DR);
	scif_wr16(SCIF_SCLSR, SCLSR_ORER);
	scif[SCIF_SCFRDR] = 0x55;
	/*
	 * The fake's count never drops and a plain memory SCFSR keeps the 1s
	 * the driver writes to leave flags alone, so every read looks
	 * damaged: each is dropped, and the driver gives up after a FIFO's
	 * worth instead of spinning.
	 */
	assert_int_equal(uart_scif_driver.rx_byte(), -1);
	assert_int_equal(scif_rd16(SCIF_SCLSR), 0); /* overrun cleared */
	assert_int_equal(scif_rd16(SCIF_SCFDR), 1); /* the fake: still 1 */
}

static void tx_room_follows_the_fifo_count(void **state)
{
	(void)state;
	scif_reset(SCSCR_TE | SCSCR_RE);
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), 0);
	scif_wr16(SCIF_SCFDR, 3 << 8 | 5); /* 3 to send, 5 received */
	assert_int_equal(uart_scif_driver.tx_room(), SCIF_FIFO - 3);
	scif_wr16(SCIF_SCFDR, SCIF_FIFO << 8);
	assert_int_equal(uart_scif_driver.tx_room(), 0);
	uart_scif_driver.tx_byte('z');
	assert_int_equal(scif[SCIF_SCFTDR], 'z');
	uart_scif_driver.tx_irq(true); /* polled: nothing to switch */
	assert_int_equal(scif_rd16(SCIF_SCSCR), SCSCR_TE | SCSCR_RE);
}

static void shutdown_waits_for_the_end_or_the_deadline(void **state)
{
	(void)state;
	scif_reset(SCSCR_TE | SCSCR_RE);
	assert_int_equal(uart_scif_driver.init(scif, 0, 1, 0), 0);
	now = 0;
	uart_scif_driver.shutdown(100); /* TEND never comes */
	assert_true(now >= 100 && now < 110);
	scif_wr16(SCIF_SCFSR, SCFSR_TEND);
	now = 0;
	uart_scif_driver.shutdown(100);
	assert_true(now < 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_checks_the_firmware_set_it_up),
		cmocka_unit_test(the_shared_table_picks_this_driver),
		cmocka_unit_test(rx_reads_a_byte_and_clears_its_flags),
		cmocka_unit_test(rx_drops_a_damaged_byte),
		cmocka_unit_test(tx_room_follows_the_fifo_count),
		cmocka_unit_test(shutdown_waits_for_the_end_or_the_deadline),
	};

	return cmocka_run_group_tests_name("scif_console", tests, NULL, NULL);
}
