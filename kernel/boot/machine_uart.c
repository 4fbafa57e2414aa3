// SPDX-License-Identifier: MIT
/*
 * UARTs matched by compatible (the table shared with the console libOS,
 * include/rivet/uart_compat.h): the console's registers, register layout
 * and interrupt.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>
#include <rivet/uart_compat.h>

/* The PLIC source of a UART's first interrupt, 0 if not on the PLIC. */
static int uart_irq(const struct scan *s, int node, uint32_t *irq)
{
	const struct fdt *f = s->f;
	const uint8_t *v;
	uint32_t len;
	int parent = E_NOENT, rc;

	*irq = 0;
	v = fdt_getprop(f, node, "interrupts-extended", &len);
	if (v) {
		if (len >= 8 && s->plic >= 0 &&
		    fdt_node_by_phandle(f, (uint32_t)fdt_read_cells(v, 1)) ==
			    s->plic)
			*irq = (uint32_t)fdt_read_cells(v + 4, 1);
		return 0;
	}
	v = fdt_getprop(f, node, "interrupts", &len);
	if (!v || len < 4)
		return 0;
	rc = scan_irq_parent(s, node, &parent);
	if (rc == E_NOENT)
		return 0;
	if (rc)
		return rc;
	if (parent == s->plic)
		*irq = (uint32_t)fdt_read_cells(v, 1);
	return 0;
}

/* reg-shift and reg-io-width of a register block (0 and 1 if absent). */
int scan_reg_layout(struct scan *s, int node, uint32_t *shift, uint32_t *width)
{
	int rc = scan_opt_u32(s, node, "reg-shift", 0, shift);

	if (!rc)
		rc = scan_opt_u32(s, node, "reg-io-width", 1, width);
	if (rc)
		return rc;
	if (*shift > 3)
		return scan_fail(s, E_FORMAT, node,
				 "reg-shift is larger than 3");
	if (*width != 1 && *width != 2 && *width != 4)
		return scan_fail(s, E_FORMAT, node,
				 "reg-io-width is not 1, 2 or 4");
	return 0;
}

/*
 * reg-offset (the 8250 binding; Andes AE350's UARTs have 32): the
 * registers start that far into the first reg range. Moves *base up and
 * shrinks *size; an offset at or past the end of the range is E_FORMAT.
 */
int scan_reg_offset(struct scan *s, int node, uint64_t *base, uint64_t *size)
{
	uint32_t off;
	int rc = scan_opt_u32(s, node, "reg-offset", 0, &off);

	if (rc)
		return rc;
	if (off && off >= *size)
		return scan_fail(s, E_FORMAT, node,
				 "reg-offset is past the end of reg");
	*base += off;
	*size -= off;
	return 0;
}

/* Fills u from the UART node; compat is the string that matched. */
static int read_uart(struct scan *s, int node, const char *compat,
		     struct uart *u)
{
	const struct fdt *f = s->f;
	uint64_t clock = 0;
	int rc;

	memset(u, 0, sizeof(*u));
	strlcpy(u->compat, compat, sizeof(u->compat));
	fdt_get_path(f, node, u->path, sizeof(u->path));
	rc = scan_node_reg(s, node, 0, &u->base, &u->size);
	if (rc == E_NOENT)
		return scan_fail(s, E_FORMAT, node, "UART without reg");
	if (!rc)
		rc = scan_reg_offset(s, node, &u->base, &u->size);
	if (!rc)
		rc = scan_reg_layout(s, node, &u->reg_shift, &u->reg_io_width);
	if (!rc)
		rc = scan_opt_u32(s, node, "current-speed", 0, &u->baud);
	if (rc)
		return rc;
	if (fdt_getprop(f, node, "clock-frequency", NULL) &&
	    (!fdt_prop_u64_by_len(f, node, "clock-frequency", &clock) ||
	     clock > 0xffffffffu))
		return scan_fail(s, E_FORMAT, node,
				 "clock-frequency is malformed or above 4 GHz");
	u->clock_hz = (uint32_t)clock;
	return uart_irq(s, node, &u->irq);
}

/* Every enabled UART Rivet can drive, and which of them is the console. */
int scan_uarts(struct scan *s)
{
	const struct fdt *f = s->f;
	struct machine *m = s->m;
	unsigned slot;
	const char *compat;
	int n, rc;

	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		for (slot = 0;
		     (compat = fdt_stringlist_item(f, n, "compatible", slot));
		     slot++) {
			if (machine_uart_compatible(compat))
				break;
		}
		if (!compat || !fdt_is_enabled(f, n))
			continue;
		slot = m->nuarts;
		if (slot == MACHINE_MAX_UARTS) {
			m->uarts_dropped++;
			/* The console matters more than the last extra UART. */
			if (n != s->stdout_node)
				continue;
			slot--;
		}
		rc = read_uart(s, n, compat, &m->uarts[slot]);
		if (rc)
			return rc;
		if (n == s->stdout_node)
			m->console = (int)slot;
		if (slot == m->nuarts)
			m->nuarts++;
	}
	/*
	 * No stdout-path at all (not one naming something unknown): the
	 * first UART with a driver, the one OpenSBI also picks then, so
	 * the console is where the firmware's banner was.
	 */
	if (m->console < 0 && m->stdout_path[0] == '\0' && m->nuarts > 0) {
		m->console = 0;
		m->stdout_guessed = true;
		strlcpy(m->stdout_path, m->uarts[0].path,
			sizeof(m->stdout_path));
	}
	return 0;
}

bool machine_uart_compatible(const char *compat)
{
	return machine_uart_driver(compat) != NULL;
}

/* The shared table (include/rivet/uart_compat.h) is the one list. */
const char *machine_uart_driver(const char *compat)
{
	return rivet_uart_family(compat);
}
