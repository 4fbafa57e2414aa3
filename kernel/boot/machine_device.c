// SPDX-License-Identifier: MIT
/*
 * Device lookup for grants: a node by path or alias, its registers
 * and interrupts, and what granting it risks.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/*
 * Devices by what granting them risks (machine_device_risk). A string on
 * no list makes its node unknown, which counts as every risk.
 */
struct risk_match {
	const char *compat;
	unsigned risk;
};

static const struct risk_match risk_table[] = {
	/* Known harmless: registers and an interrupt, nothing more. The
	 * UARTs of uart_table count here too. */
	{ "google,goldfish-rtc", 0 },
	/* Bus masters: they read and write memory by physical address. */
	{ "virtio,mmio", DEVICE_RISK_DMA },
	{ "qemu,fw-cfg-mmio", DEVICE_RISK_DMA },
	/* Machine control: power off, reset, clocks of everything. */
	{ "sifive,test0", DEVICE_RISK_MACHINE },
	{ "sifive,test1", DEVICE_RISK_MACHINE },
	{ "syscon", DEVICE_RISK_MACHINE },
	{ "syscon-poweroff", DEVICE_RISK_MACHINE },
	{ "syscon-reboot", DEVICE_RISK_MACHINE },
	{ "sifive,clint0", DEVICE_RISK_MACHINE }, /* M-mode timer and IPIs */
	{ "riscv,clint0", DEVICE_RISK_MACHINE },
	{ "sifive,fu540-c000-prci", DEVICE_RISK_MACHINE },
	{ "sifive,fu740-c000-prci", DEVICE_RISK_MACHINE },
	{ "starfive,jh7110-syscrg", DEVICE_RISK_MACHINE },
	{ "starfive,jh7110-aoncrg", DEVICE_RISK_MACHINE },
};

/*
 * The node name designates: an absolute path, or an alias from /aliases
 * whose value is one (an alias naming another alias is not followed).
 * Returns the node, or E_NOENT with err naming name.
 */
static int device_lookup(const struct scan *s, const char *name)
{
	const char *path = name;
	const char *what = "no node at that path";
	int aliases, node = E_NOENT;

	if (name[0] != '/') {
		what = "no such alias in /aliases";
		aliases = fdt_path(s->f, "/aliases");
		path = NULL;
		if (aliases >= 0 && name[0] != '\0')
			path = fdt_prop_str(s->f, aliases, name);
		if (path)
			what = "the alias names a path that does not exist";
	}
	if (path)
		node = fdt_path(s->f, path);
	if (node >= 0)
		return node;
	scan_fail(s, E_NOENT, -1, what);
	if (s->err)
		strlcpy(s->err->node, name, sizeof(s->err->node));
	return E_NOENT;
}

/* Every reg entry of node, translated to CPU addresses, into out->regs. */
static int device_regs(const struct scan *s, int node, struct device_desc *out)
{
	uint64_t base, size;
	uint32_t i;
	int rc;

	for (i = 0; (rc = scan_node_reg(s, node, i, &base, &size)) == 0; i++) {
		if (i == DEVICE_MAX_REGS)
			return scan_fail(
				s, E_TOOBIG, node,
				"more reg entries than DEVICE_MAX_REGS");
		out->regs[i].base = base;
		out->regs[i].size = size;
		out->nregs++;
	}
	return rc == E_NOENT ? 0 : rc;
}

/*
 * Is a PLIC specifier of cells cells at spec edge-triggered? Only a
 * two-cell one says: its second cell is the trigger type, whose low two
 * bits are the edges (1 rising, 2 falling; 4 and 8 are the levels).
 */
static bool spec_is_edge(const uint8_t *spec, uint32_t cells)
{
	return cells >= 2 && (fdt_read_cells(spec + 4, 1) & 3) != 0;
}

/* Appends PLIC source irq, the first cell of one of node's specifiers,
 * and whether it is edge-triggered. */
static int device_add_irq(const struct scan *s, int node, uint32_t irq,
			  bool edge, struct device_desc *out)
{
	uint32_t ndev;
	int rc = scan_plic_sources(s, &ndev);

	if (rc)
		return rc;
	/* Source 0 is the PLIC's "no interrupt": granting it means nothing. */
	if (irq == 0 || irq > ndev)
		return scan_fail(s, E_FORMAT, node,
				 "interrupt is not a source the PLIC has");
	if (out->nirqs == DEVICE_MAX_IRQS)
		return scan_fail(s, E_TOOBIG, node,
				 "more PLIC interrupts than DEVICE_MAX_IRQS");
	if (edge)
		out->edge_mask |= 1u << out->nirqs;
	out->irqs[out->nirqs++] = irq;
	return 0;
}

/*
 * The PLIC entries of node's interrupts-extended (v, len bytes). Each entry
 * is a phandle and as many cells as that controller's #interrupt-cells;
 * entries for other controllers are skipped. A phandle of 0 or 0xffffffff
 * is firmware's placeholder with one cell, as in the PLIC's own list.
 */
static int device_irqs_extended(const struct scan *s, int node,
				const uint8_t *v, uint32_t len,
				struct device_desc *out)
{
	uint32_t n = len / 4, i = 0, ph, cells;
	int ctrl, rc;

	if (len % 4)
		return scan_fail(s, E_FORMAT, node,
				 "interrupts-extended is not a list of cells");
	while (i < n) {
		ph = (uint32_t)fdt_read_cells(v + i * 4, 1);
		i++;
		ctrl = E_NOENT;
		cells = 1;
		if (ph != 0 && ph != 0xffffffffu) {
			ctrl = fdt_node_by_phandle(s->f, ph);
			if (ctrl < 0)
				return scan_fail(s, E_FORMAT, node,
						 "interrupts-extended names a "
						 "phandle that does not exist");
			rc = scan_ctrl_cells(s, ctrl, &cells);
			if (rc)
				return rc;
		}
		if (cells > n - i)
			return scan_fail(
				s, E_FORMAT, node,
				"interrupts-extended ends inside an entry");
		if (ctrl >= 0 && ctrl == s->plic) {
			if (cells == 0)
				return scan_fail(
					s, E_FORMAT, ctrl,
					"PLIC with #interrupt-cells 0");
			rc = device_add_irq(
				s, node, (uint32_t)fdt_read_cells(v + i * 4, 1),
				spec_is_edge(v + i * 4, cells), out);
			if (rc)
				return rc;
		}
		i += cells;
	}
	return 0;
}

/*
 * The PLIC sources of node's interrupts: interrupts-extended if present
 * (it takes precedence), else the first cell of each interrupts specifier
 * when the interrupt parent is the PLIC. Another parent, or none, gives
 * no sources and no error.
 */
static int device_irqs(const struct scan *s, int node, struct device_desc *out)
{
	const uint8_t *v;
	uint32_t len, cells, i;
	int parent, rc;

	v = fdt_getprop(s->f, node, "interrupts-extended", &len);
	if (v)
		return device_irqs_extended(s, node, v, len, out);
	v = fdt_getprop(s->f, node, "interrupts", &len);
	if (!v)
		return 0;
	rc = scan_irq_parent(s, node, &parent);
	if (rc == E_NOENT)
		return 0;
	if (rc)
		return rc;
	if (parent != s->plic)
		return 0;
	rc = scan_ctrl_cells(s, parent, &cells);
	if (rc)
		return rc;
	if (cells == 0 || len % (cells * 4))
		return scan_fail(
			s, E_FORMAT, node,
			"interrupts is not a list of specifiers of the "
			"PLIC's #interrupt-cells");
	for (i = 0; i < len; i += cells * 4) {
		rc = device_add_irq(s, node, (uint32_t)fdt_read_cells(v + i, 1),
				    spec_is_edge(v + i, cells), out);
		if (rc)
			return rc;
	}
	return 0;
}

#define RISK_MAX_COMPATS 8 /* compatible strings looked at */

/* machine_device_risk() of node. */
static unsigned device_risk(const struct fdt *f, int node)
{
	const char *c[RISK_MAX_COMPATS];
	unsigned n;
	uint32_t len;

	for (n = 0; n < RISK_MAX_COMPATS; n++) {
		c[n] = fdt_stringlist_item(f, node, "compatible", n);
		if (!c[n])
			break;
	}
	return machine_device_risk(
		c, n,
		fdt_getprop(f, node, "dma-coherent", &len) ||
			fdt_getprop(f, node, "iommus", &len));
}

/*
 * The compatible string a device goes by: for a UART, the first of its
 * strings in the UART table (a SoC's own string usually comes first:
 * "spacemit,k1-uart", "intel,xscale-uart"), so the console libOS finds
 * its driver and quirks by it; else the first one. NULL if none.
 */
static const char *device_compat(const struct fdt *f, int node)
{
	const char *c;
	unsigned i;

	for (i = 0; (c = fdt_stringlist_item(f, node, "compatible", i)); i++)
		if (machine_uart_compatible(c))
			return c;
	return fdt_stringlist_item(f, node, "compatible", 0);
}

int machine_device(const void *blob, size_t avail, const char *name,
		   struct device_desc *out, struct fdt_error *err)
{
	struct fdt f;
	struct scan s;
	const char *compat;
	int node, rc;

	if (!name || !out)
		return E_INVAL;
	memset(out, 0, sizeof(*out));
	rc = fdt_open(&f, blob, avail, err);
	if (rc)
		return rc;
	/* s.m stays NULL: nothing below touches the machine description. */
	memset(&s, 0, sizeof(s));
	s.f = &f;
	s.err = err;
	s.plic = scan_find_plic(&f, &compat);
	s.stdout_node = E_NOENT;

	node = device_lookup(&s, name);
	if (node < 0)
		return node;
	if (!fdt_is_enabled(&f, node))
		return scan_fail(&s, E_NOENT, node,
				 "the device is disabled (status is not okay)");
	if (fdt_get_path(&f, node, out->path, sizeof(out->path)))
		return scan_fail(
			&s, E_TOOBIG, node,
			"the node's path is longer than MACHINE_PATH_LEN");
	compat = device_compat(&f, node);
	if (compat)
		strlcpy(out->compat, compat, sizeof(out->compat));
	out->is_plic = node == s.plic;
	out->risk = device_risk(&f, node);
	rc = device_regs(&s, node, out);
	if (!rc)
		rc = device_irqs(&s, node, out);
	if (!rc && out->nregs)
		rc = scan_reg_offset(&s, node, &out->regs[0].base,
				     &out->regs[0].size);
	if (!rc)
		rc = scan_reg_layout(&s, node, &out->reg_shift,
				     &out->reg_io_width);
	return rc;
}

unsigned machine_device_risk(const char *const *compats, unsigned n,
			     bool dma_marked)
{
	unsigned risk = dma_marked ? DEVICE_RISK_DMA : 0, i;
	bool known = false;
	size_t j;

	for (i = 0; i < n; i++) {
		if (!compats[i])
			continue;
		if (machine_uart_compatible(compats[i]))
			known = true;
		for (j = 0; j < sizeof(risk_table) / sizeof(risk_table[0]); j++)
			if (!strcmp(compats[i], risk_table[j].compat)) {
				known = true;
				risk |= risk_table[j].risk;
			}
	}
	return known ? risk : DEVICE_RISK_DMA | DEVICE_RISK_MACHINE;
}
