/* SPDX-License-Identifier: MIT */
/*
 * The console's UART driver table: the one place that says which driver
 * takes which compatible string (each driver lists its own).
 */
#include <string.h>

#include "uart.h"

static const struct uart_driver *const uart_drivers[] = {
	&uart_16550_driver,
	&uart_sifive_driver,
};

const struct uart_driver *uart_find(const char *compatible)
{
	const char *const *c;
	unsigned i;

	for (i = 0; i < sizeof(uart_drivers) / sizeof(uart_drivers[0]); i++)
		for (c = uart_drivers[i]->compatible; *c; c++)
			if (!strcmp(*c, compatible))
				return uart_drivers[i];
	return NULL;
}
