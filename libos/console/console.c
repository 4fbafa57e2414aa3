/* SPDX-License-Identifier: MIT */
/*
 * console: the domain that drives the UART. The boot configuration grants
 * it the UART (`device = serial0` or a node path): a device capability
 * for the registers and an interrupt capability for its PLIC source. Once
 * it maps the registers of the UART the kernel logs to, the kernel stops
 * writing there and hands its log over (logrelay.c); the console prints
 * that log, echoes what is typed, and passes each line entered to its
 * reader, the domain of its first `peer =` line (input.c, reader.c), or
 * reports it without one. It exits, after printing the last of the log, when it is the
 * only live domain left, so that a boot still ends by itself. Without a
 * UART it can drive it stays too, relaying into the kernel log
 * (nodevice.c): its channel peers' rings are its memory.
 *
 * docs/console.md is the guide.
 */
#include <stdio.h>

#include <rivet/libos.h>

#include "input.h"
#include "logrelay.h"
#include "nodevice.h"
#include "peers.h"
#include "reader.h"
#include "relay.h"
#include "txq.h"
#include "uart.h"

#define UART_VA	 0x20000000UL /* where the registers are mapped */
#define IRQ_BIT	 0	      /* event bit of the UART's interrupt */
#define TICK_BIT 1	      /* event bit of the polling timer */
#define POLL_HZ	 100	      /* polling rate without an interrupt */
#define POLL_HZ_UART                                                           \
	1000	       /* for a polled driver: 16 bytes a tick is
			   * 16 KB/s, above 115200 baud's 11.5 KB/s */
#define EXIT_DRAIN_S 5 /* at most this long to send the rest */

static const struct uart_driver *uart;
static long irq_slot = -1; /* -1: no interrupt, poll on a timer */

/*
 * Handles the UART until it is quiet: takes every received byte, relays
 * log text while the transmit queue has room, and refills the
 * transmitter. The caller acks the interrupt afterwards.
 */
static void service(void)
{
	int c, got;

	do {
		got = 0;
		while ((c = uart->rx_byte()) >= 0) {
			input_byte((uint8_t)c);
			got = 1;
		}
		relay_run();
		txq_pump();
	} while (got);
}

/* How often the console polls: faster for a driver that only polls. */
static unsigned poll_hz(void)
{
	return uart && uart->polled ? POLL_HZ_UART : POLL_HZ;
}

static void arm_tick(void)
{
	sys_timer_event(rivet_now() + rivet_info()->timebase_hz / poll_hz(),
			TICK_BIT);
}

/* The last peer is gone: print the rest of the log and exit. */
static __attribute__((noreturn)) void finish(void)
{
	uint64_t deadline =
		rivet_now() + EXIT_DRAIN_S * rivet_info()->timebase_hz;

	/* Through the log, so that it is the last line relayed. */
	printf("console: no other domain left; %lu log lines and %lu channel "
	       "lines relayed so far, %lu waits for the transmitter; "
	       "exiting\n",
	       logrelay_lines(), peers_lines(), txq_stalls());
	logrelay_kick();
	do {
		relay_run();
		txq_drain(deadline);
	} while (relay_pending() && rivet_now() < deadline);
	relay_flush();
	relay_run();
	/* The kernel writes next: leave it a fresh line. */
	input_hide();
	txq_drain(deadline);
	uart->shutdown(deadline);
	if (irq_slot < 0)
		sys_timer_event(0, TICK_BIT);
	rivet_exit(0);
}

/* Maps the device, starts its driver and binds its interrupt. */
static int setup(void)
{
	const struct rivet_info *info = rivet_info();
	uint64_t base, source = 0;
	volatile uint8_t *regs;
	char how[32];
	long rc;

	if (!info->ndevices) {
		printf("console: no device granted; expected a `device = "
		       "serial0` (or a node path) line in [domain %s]\n",
		       info->name);
		return 1;
	}
	uart = uart_find(info->devices[0].compat);
	if (!uart) {
		printf("console: device %s is \"%s\", which no driver here "
		       "takes (the list is include/rivet/uart_compat.h)\n",
		       info->devices[0].name, info->devices[0].compat);
		return 1;
	}
	/* From here on the kernel log comes to us, if this is its UART. */
	rc = sys_map(info->devices[0].slot, UART_VA, RIVET_CAP_R | RIVET_CAP_W);
	if (rc) {
		printf("console: cannot map device %s (slot %u): error %ld\n",
		       info->devices[0].name, info->devices[0].slot, rc);
		return 1;
	}
	base = sys2_cap_info(info->devices[0].slot, RIVET_CAPINFO_OBJECT).val +
	       info->devices[0].mmio_offset;
	regs = (volatile uint8_t *)(UART_VA + info->devices[0].mmio_offset);
	rc = uart->init(regs, info->devices[0].reg_shift,
			info->devices[0].reg_io_width,
			uart_quirks(info->devices[0].compat));
	if (rc == E_NOTSUP) {
		printf("console: %s UART at %#lx: reg-shift %u, reg-io-width "
		       "%u "
		       "is a register layout this driver does not handle\n",
		       uart->name, (unsigned long)base,
		       info->devices[0].reg_shift,
		       info->devices[0].reg_io_width);
	}
	if (rc && rc != E_NOTSUP)
		printf("console: %s UART at %#lx does not answer (%ld)\n",
		       uart->name, (unsigned long)base, rc);
	if (rc) {
		/* Give the kernel its log back: it writes to the UART as
		 * before, and the channels' lines go there too (nodevice.c). */
		sys_unmap(info->devices[0].slot, UART_VA);
		return 1;
	}
	txq_init(uart);
	if (info->devices[0].nirqs && !uart->polled) {
		rc = sys_irq_bind(info->devices[0].first_irq_slot, IRQ_BIT);
		if (!rc) {
			irq_slot = info->devices[0].first_irq_slot;
			source = sys2_cap_info(irq_slot, RIVET_CAPINFO_OBJECT)
					 .val;
		} else {
			printf("console: cannot bind the interrupt of %s "
			       "(%ld); polling instead\n",
			       info->devices[0].name, rc);
		}
	}
	if (irq_slot >= 0) {
		snprintf(how, sizeof(how), "irq %lu", (unsigned long)source);
	} else {
		arm_tick();
		snprintf(how, sizeof(how), "polled at %u Hz", poll_hz());
	}
	/* Through the log: it comes back to the UART like any line. */
	printf("console: ready on %s (%s at %#lx, driver %s, %s)\n",
	       info->devices[0].name, info->devices[0].compat,
	       (unsigned long)base, uart->name, how);
	return 0;
}

/*
 * The reader's prompt goes up once its output before it is printed. The
 * reader writes that output to the kernel log and then asks; the log
 * event for it may still be pending here, unseen, when this domain was
 * preempted after handing the line over and the reader ran its command
 * meanwhile. So the ask is read first, then the pending event: any output
 * written before the ask is announced by then, and the prompt waits for
 * it (the next wait returns at once with RIVET_EVENT_LOG).
 */
static void show_prompt(void)
{
	char prompt[RIVET_CONIN_PROMPT];
	bool asked = reader_prompt(prompt, sizeof(prompt));

	if (logrelay_pending() || (rivet_info()->pending & RIVET_EVENT_LOG))
		return;
	if (asked)
		input_prompt(prompt);
	else if (!reader_live())
		input_prompt(NULL);
	txq_pump();
}

int main(void)
{
	uint64_t mask = RIVET_EVENT_LOG | RIVET_EVENT_PEER_EXIT;
	struct rivet_ret r;
	int rc = setup();

	if (rc)
		nodevice_run(rc);
	peers_setup();
	reader_setup();
	mask |= irq_slot >= 0 ? 1UL << IRQ_BIT : 1UL << TICK_BIT;
	mask |= reader_events() | peers_events();
	/* There is always our own "ready" line to print first. */
	logrelay_kick();
	for (;;) {
		service();
		if (!others_alive())
			finish();
		show_prompt();
		if (peers_arm())
			continue; /* a line came: relay it before sleeping */
		r = sys2_wait(mask);
		peers_disarm();
		if (r.rc)
			continue; /* cannot happen: mask is not 0 */
		if (r.val & RIVET_EVENT_LOG)
			logrelay_kick();
		if (r.val & (1UL << TICK_BIT))
			arm_tick();
		if (r.val & (1UL << IRQ_BIT)) {
			service();
			sys_irq_ack(irq_slot);
		}
	}
}
