/* SPDX-License-Identifier: MIT */
/*
 * The console's UART driver table: one driver per register family. Which
 * compatible string belongs to which family is the table the kernel uses
 * too (include/rivet/uart_compat.h).
 */
#include <string.h>

#include <rivet/uart_compat.h>

#include "uart.h"

static const struct uart_driver *const uart_drivers[] = {
	&uart_16550_driver,
	&uart_sifive_driver,
	&uart_scif_driver,
};

unsigned uart_quirks(const char *compatible)
{
	return rivet_uart_quirks(compatible);
}

const struct uart_driver *uart_find(const char *compatible)
{
	const char *family = rivet_uart_family(compatible);
	unsigned i;

	for (i = 0;
	     family && i < sizeof(uart_drivers) / sizeof(uart_drivers[0]); i++)
		if (!strcmp(uart_drivers[i]->family, family))
			return uart_drivers[i];
	return NULL;
}
