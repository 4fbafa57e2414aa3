// SPDX-License-Identifier: MIT
/*
 * Console selection. The driver table below is the one place that lists
 * console drivers. Each entry is a weak reference: a driver that Kconfig
 * leaves out (obj-$(CONFIG_UART_X)) resolves to NULL and is skipped, so no
 * #ifdef is needed here.
 */
#include "kernel/drivers/console.h"

#include "kernel/arch.h"
#include "kernel/lib/string.h"
#include "kernel/boot/machine.h"
#include <rivet/errno.h>

extern const struct uart_driver uart_8250_driver __attribute__((weak));
extern const struct uart_driver uart_sifive_driver __attribute__((weak));
extern const struct uart_driver uart_scif_driver __attribute__((weak));

static const struct uart_driver *const uart_drivers[] = {
	&uart_8250_driver,
	&uart_sifive_driver,
	&uart_scif_driver,
};

static const struct uart_driver *active;
static uint64_t active_base; /* physical address of its registers */

static void console_putc(char c)
{
	if (active)
		active->putc(c);
	else
		sbi_console_putc(c);
}

void console_write(const char *s)
{
	for (; *s; s++) {
		/* The SBI console adds its own \r before \n; a UART needs it. */
		if (*s == '\n' && active)
			active->putc('\r');
		console_putc(*s);
	}
}

const char *console_name(void)
{
	return active ? active->name : "sbi";
}

static const struct uart_driver *find_driver(const char *family)
{
	unsigned i;

	for (i = 0; i < sizeof(uart_drivers) / sizeof(uart_drivers[0]); i++)
		if (uart_drivers[i] && !strcmp(uart_drivers[i]->name, family))
			return uart_drivers[i];
	return NULL;
}

int console_init(const struct machine *m, const char **why)
{
	const struct uart *u;
	const struct uart_driver *drv;
	uintptr_t va;
	int rc;

	if (m->console < 0) {
		*why = "stdout-path names no UART Rivet knows";
		return E_NOENT;
	}
	u = &m->uarts[m->console];
	drv = find_driver(machine_uart_driver(u->compat));
	if (!drv) {
		*why = "its driver is not built in (see make menuconfig)";
		return E_NOTSUP;
	}
	rc = vm_map_mmio(u->base, u->size ? u->size : 0x1000, &va);
	if (rc) {
		*why = "its registers could not be mapped";
		return rc;
	}
	rc = drv->init(u, va);
	if (rc) {
		*why = "the driver refused it";
		return rc;
	}
	active = drv;
	active_base = u->base;
	return 0;
}

bool console_uart_within(uint64_t base, uint64_t size)
{
	return active && active_base >= base && active_base - base < size;
}
