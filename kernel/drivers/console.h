/* SPDX-License-Identifier: MIT */
/*
 * The kernel console: the SBI debug console at first, then the UART named
 * by /chosen/stdout-path once a driver for its compatible is built in.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct uart;

/* One console driver; drivers live in kernel/drivers/. */
struct uart_driver {
	const char *name; /* the family machine_uart_driver() returns */
	/* Maps and prepares the UART; returns 0 or a negative error. */
	int (*init)(const struct uart *desc, uintptr_t base);
	void (*putc)(char c);
};

/* Writes a NUL-terminated string, "\n" becoming "\r\n". */
void console_write(const char *s);

/*
 * Switches to the stdout-path UART if possible. Returns 0, or a negative
 * error with the console left on SBI; *why says why in words.
 */
int console_init(const struct machine *m, const char **why);

/* Does [base, base+size) hold the UART the kernel logs to? */
bool console_uart_within(uint64_t base, uint64_t size);

/* Name of the current console backend ("sbi", "8250", "sifive", "scif"). */
const char *console_name(void);

#endif
