// SPDX-License-Identifier: MIT
/*
 * The PLIC and interrupt-parent walks: which node is the PLIC, its
 * S-mode context for each hart, and how many sources it has.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

static const char *const plic_compats[] = {
	"sifive,plic-1.0.0",
	"riscv,plic0",
};

/*
 * The PLIC Rivet uses: the first enabled node, in tree order, compatible
 * with one of plic_compats. Returns it (*compat: the string that matched)
 * or E_NOENT.
 */
int scan_find_plic(const struct fdt *f, const char **compat)
{
	int n;

	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		*compat = scan_first_compat(f, n, plic_compats,
					    sizeof(plic_compats) /
						    sizeof(plic_compats[0]));
		if (*compat && fdt_is_enabled(f, n))
			return n;
	}
	return E_NOENT;
}

/* The first enabled PLIC in tree order: base, size, number of sources. */
int scan_plic(struct scan *s)
{
	const struct fdt *f = s->f;
	struct plic *p = &s->m->plic;
	const char *compat = NULL;
	int n, rc;

	s->plic = E_NOENT;
	n = scan_find_plic(f, &compat);
	if (n < 0)
		return 0;

	s->plic = n;
	p->present = true;
	strlcpy(p->compat, compat, sizeof(p->compat));
	fdt_get_path(f, n, p->path, sizeof(p->path));
	rc = scan_node_reg(s, n, 0, &p->base, &p->size);
	if (rc == E_NOENT)
		return scan_fail(s, E_FORMAT, n, "PLIC without reg");
	if (rc)
		return rc;
	if (!fdt_prop_u32(f, n, "riscv,ndev", &p->ndev))
		return scan_fail(s, E_FORMAT, n,
				 "PLIC without a one-cell riscv,ndev");
	if (p->ndev > PLIC_MAX_SOURCES)
		return scan_fail(s, E_FORMAT, n,
				 "riscv,ndev is above the PLIC's 1023 sources");
	return 0;
}

/* #interrupt-cells of the interrupt controller ctrl, at most MAX_IRQ_CELLS. */
int scan_ctrl_cells(const struct scan *s, int ctrl, uint32_t *cells)
{
	if (!fdt_prop_u32(s->f, ctrl, "#interrupt-cells", cells))
		return scan_fail(
			s, E_FORMAT, ctrl,
			"interrupt controller without #interrupt-cells");
	if (*cells > MAX_IRQ_CELLS)
		return scan_fail(s, E_FORMAT, ctrl,
				 "#interrupt-cells is too large");
	return 0;
}

/* #interrupt-cells of the controller with phandle ph, via a small cache. */
static int irq_cells(struct scan *s, uint32_t ph, uint32_t *cells,
		     uint32_t *memo_ph, uint32_t *memo_cells)
{
	const struct fdt *f = s->f;
	unsigned h;
	int node = E_NOENT, rc;

	if (ph == *memo_ph) {
		*cells = *memo_cells;
		return 0;
	}
	/* Almost every entry points at a hart's intc: skip the tree walk. */
	for (h = 0; h < s->m->nharts && node < 0; h++) {
		if (s->m->harts[h].intc_phandle == ph)
			node = s->intc[h];
	}
	if (node < 0)
		node = fdt_node_by_phandle(f, ph);
	if (node < 0)
		return scan_fail(
			s, E_FORMAT, s->plic,
			"interrupts-extended names a phandle that does "
			"not exist");
	rc = scan_ctrl_cells(s, node, cells);
	if (rc)
		return rc;
	*memo_ph = ph;
	*memo_cells = *cells;
	return 0;
}

/*
 * Gives each hart its PLIC S-mode context. The i-th (phandle, specifier)
 * entry of the PLIC's interrupts-extended is context i; an entry whose
 * specifier is S-external (9) and whose phandle is a hart's cpu-intc is
 * that hart's S-mode context. Firmware marks the entries it keeps for
 * itself with 0xffffffff (OpenSBI rewrites the specifier; we also accept
 * a rewritten phandle), so the numbering must be read, never computed.
 */
int scan_plic_contexts(struct scan *s)
{
	const struct fdt *f = s->f;
	struct machine *m = s->m;
	uint32_t len, n, i, ph, cells, irq, ctx;
	uint32_t memo_ph = 0, memo_cells = 0;
	const uint8_t *v;
	unsigned h;
	int rc;

	if (s->plic < 0)
		return 0;
	v = fdt_getprop(f, s->plic, "interrupts-extended", &len);
	if (!v)
		return 0;
	if (len % 4)
		return scan_fail(s, E_FORMAT, s->plic,
				 "interrupts-extended is not a list of cells");
	n = len / 4;
	for (i = 0, ctx = 0; i < n; ctx++) {
		if (ctx == PLIC_MAX_CONTEXTS)
			return scan_fail(
				s, E_FORMAT, s->plic,
				"more PLIC contexts than the PLIC has");
		ph = (uint32_t)fdt_read_cells(v + i * 4, 1);
		i++;
		cells = 1; /* what firmware's placeholder entries keep */
		if (ph != 0 && ph != 0xffffffffu) {
			rc = irq_cells(s, ph, &cells, &memo_ph, &memo_cells);
			if (rc)
				return rc;
		}
		if (cells > n - i)
			return scan_fail(
				s, E_FORMAT, s->plic,
				"interrupts-extended ends inside an entry");
		irq = cells ? (uint32_t)fdt_read_cells(v + i * 4, 1) : 0;
		i += cells;
		if (irq != IRQ_S_EXT || ph == 0 || ph == 0xffffffffu)
			continue;
		for (h = 0; h < m->nharts; h++) {
			if (m->harts[h].intc_phandle == ph &&
			    m->harts[h].plic_sctx < 0)
				m->harts[h].plic_sctx = (int32_t)ctx;
		}
	}
	return 0;
}

/*
 * The interrupt controller node's interrupts are delivered to: its own
 * interrupt-parent, else the nearest ancestor's, following links through
 * nodes that are not controllers. Returns E_NOENT if there is none; a
 * chain longer than MAX_IRQ_HOPS (a cycle) is E_FORMAT.
 */
int scan_irq_parent(const struct scan *s, int node, int *out)
{
	const struct fdt *f = s->f;
	uint32_t ph;
	int cur = node, next, hops;

	for (hops = 0; hops < MAX_IRQ_HOPS; hops++) {
		if (fdt_getprop(f, cur, "interrupt-parent", NULL)) {
			if (!fdt_prop_u32(f, cur, "interrupt-parent", &ph))
				return scan_fail(
					s, E_FORMAT, cur,
					"interrupt-parent is not one cell");
			next = fdt_node_by_phandle(f, ph);
			if (next < 0)
				return scan_fail(
					s, E_FORMAT, cur,
					"interrupt-parent names a phandle "
					"that does not exist");
		} else {
			next = fdt_parent(f, cur);
			if (next < 0)
				return E_NOENT;
		}
		if (fdt_getprop(f, next, "interrupt-controller", NULL) ||
		    fdt_getprop(f, next, "interrupt-map", NULL)) {
			*out = next;
			return 0;
		}
		cur = next;
	}
	return scan_fail(s, E_FORMAT, node,
			 "interrupt-parent chain loops (or is absurdly long)");
}

/*
 * The number of sources of the PLIC: its riscv,ndev, or the most any PLIC
 * has if that is missing or too large (machine_from_fdt() is the one that
 * rejects such a PLIC; here it only bounds the check below).
 */
uint32_t scan_plic_sources(const struct scan *s)
{
	uint32_t ndev;

	if (fdt_prop_u32(s->f, s->plic, "riscv,ndev", &ndev) &&
	    ndev <= PLIC_MAX_SOURCES)
		return ndev;
	return PLIC_MAX_SOURCES;
}
