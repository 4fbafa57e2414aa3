/* SPDX-License-Identifier: MIT */
/*
 * UART drivers of the console domain. Each driver is one file
 * (uart_16550.c, uart_sifive.c, uart_scif.c) and drives one UART whose
 * registers the domain has mapped; uart.c lists them and matches the
 * device's compatible string through the table shared with the kernel
 * (include/rivet/uart_compat.h). Drivers keep the line settings and divisor the
 * firmware programmed: the console never changes the baud rate.
 *
 * Receive and transmit are both interrupt-driven. The receive interrupt
 * is always on; the transmit interrupt ("the transmitter has room") is on
 * only while the console has bytes queued (txq.c turns it on and off).
 */
#ifndef CONSOLE_UART_H
#define CONSOLE_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_driver {
	const char *name;   /* for messages: "16550", "sifive", "scif" */
	const char *family; /* its family in include/rivet/uart_compat.h */
	/*
	 * The UART's receive and transmit interrupts are separate PLIC
	 * sources (SCIF): the console polls on a timer instead of binding
	 * the device's first interrupt.
	 */
	bool polled;
	/*
	 * Takes over the UART whose registers start at regs, register i at
	 * regs + (i << shift), accessed width bytes wide (the node's
	 * reg-shift and reg-io-width, from the info page): every interrupt
	 * off, FIFOs on, then the receive interrupt on. quirks are the
	 * RIVET_UART_* bits of the device's compatible string
	 * (include/rivet/uart_compat.h, uart_quirks()). Returns 0, or a
	 * negative E_* code if the device does not answer as expected or
	 * the layout is not one the driver handles.
	 */
	int (*init)(volatile uint8_t *regs, unsigned shift, unsigned width,
		    unsigned quirks);
	/* The next received byte, or -1 if there is none. */
	int (*rx_byte)(void);
	/* How many bytes tx_byte may write now without waiting (0: full). */
	unsigned (*tx_room)(void);
	/* Writes c; only after tx_room said there was room. */
	void (*tx_byte)(uint8_t c);
	/* The transmit interrupt (raised while there is room) on or off. */
	void (*tx_irq)(bool on);
	/*
	 * Every interrupt off, then waits (at most about until deadline, an
	 * rdtime value) for the transmitter to send what it holds. Called
	 * before the domain exits and the kernel takes the UART back.
	 */
	void (*shutdown)(uint64_t deadline);
};

extern const struct uart_driver uart_16550_driver;
extern const struct uart_driver uart_sifive_driver;
extern const struct uart_driver uart_scif_driver;

/* The driver for a device with this compatible string, or NULL. */
const struct uart_driver *uart_find(const char *compatible);
/* The quirks its driver applies for this compatible string (RIVET_UART_*). */
unsigned uart_quirks(const char *compatible);

#endif
