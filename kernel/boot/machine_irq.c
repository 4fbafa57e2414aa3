// SPDX-License-Identifier: MIT
/*
 * The PLIC and interrupt-parent walks: which node is the PLIC, its
 * S-mode context for each hart, and how many sources it has.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/*
 * PLICs with the register map of the RISC-V PLIC specification (priority
 * at 4*s, enables at 0x2000 + 0x80*c, threshold and claim at
 * 0x200000 + 0x1000*c), so one driver takes them all. Differences:
 * - thead,c900-plic (T-Head C906/C910/C920: Allwinner D1, TH1520,
 *   CV18xx, SG2042): a PLIC_CTRL register at 0x1ffffc, M-mode only, whose
 *   bit 0 (S_PER) must be set before S-mode may touch any PLIC register;
 *   firmware (OpenSBI's PLIC code) sets it. An edge-triggered source that
 *   fires again before its claim is completed is lost, not held pending.
 * - andestech,nceplic100 (Andes, RZ/Five): the same edge-triggered
 *   behaviour; nothing for the kernel to set.
 * Both trees give #interrupt-cells = <2> (source, trigger type): the
 * source is the first cell, as with one cell.
 */
static const struct plic_variant plic_variants[] = {
	{ "sifive,plic-1.0.0", false },
	{ "riscv,plic0", false },
	{ "thead,c900-plic", true },
	{ "andestech,nceplic100", true },
};

#define NVARIANTS (sizeof(plic_variants) / sizeof(plic_variants[0]))

/* The variant whose compatible string is compat, or NULL. */
static const struct plic_variant *plic_variant(const char *compat)
{
	size_t i;

	for (i = 0; compat && i < NVARIANTS; i++)
		if (strcmp(compat, plic_variants[i].compat) == 0)
			return &plic_variants[i];
	return NULL;
}

/*
 * The PLIC Rivet uses: the first enabled node, in tree order, compatible
 * with one of the PLIC variants (machine_irq.c). Returns it (*compat: the
 * string that matched)
 * or E_NOENT.
 */
int scan_find_plic(const struct fdt *f, const char **compat)
{
	const char *c;
	unsigned i;
	int n;

	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		for (i = 0; (c = fdt_stringlist_item(f, n, "compatible", i));
		     i++) {
			if (plic_variant(c) && fdt_is_enabled(f, n)) {
				*compat = c;
				return n;
			}
		}
	}
	*compat = NULL;
	return E_NOENT;
}

/* The first enabled PLIC in tree order: base, size, number of sources. */
/*
 * A tree without a PLIC may have the Advanced Interrupt Architecture's
 * controllers instead (QEMU virt,aia=..., newer SoCs): Rivet does not
 * drive them, and says so by name. The first enabled one is noted.
 */
static void note_aia(const struct fdt *f, struct plic *p)
{
	static const char *const aia[] = { "riscv,aplic", "riscv,imsics" };
	unsigned i;
	int n;

	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		for (i = 0; i < sizeof(aia) / sizeof(aia[0]); i++) {
			if (fdt_is_compatible(f, n, aia[i]) &&
			    fdt_is_enabled(f, n)) {
				strlcpy(p->aia, aia[i], sizeof(p->aia));
				return;
			}
		}
	}
}

int scan_plic(struct scan *s)
{
	const struct fdt *f = s->f;
	struct plic *p = &s->m->plic;
	const char *compat = NULL;
	int n, rc;

	s->plic = E_NOENT;
	n = scan_find_plic(f, &compat);
	if (n < 0) {
		note_aia(f, p);
		return 0;
	}

	s->plic = n;
	p->present = true;
	strlcpy(p->compat, compat, sizeof(p->compat));
	p->edge_lost = plic_variant(compat)->edge_lost;
	fdt_get_path(f, n, p->path, sizeof(p->path));
	rc = scan_node_reg(s, n, 0, &p->base, &p->size);
	if (rc == E_NOENT)
		return scan_fail(s, E_FORMAT, n, "PLIC without reg");
	if (rc)
		return rc;
	return scan_plic_sources(s, &p->ndev);
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
 * The one reader of riscv,ndev, the number of sources of the PLIC (s->plic):
 * 0 with *ndev, or E_FORMAT (err set) if it is missing, not one cell or
 * above the 1023 sources the PLIC's register map has room for.
 */
int scan_plic_sources(const struct scan *s, uint32_t *ndev)
{
	if (!fdt_prop_u32(s->f, s->plic, "riscv,ndev", ndev))
		return scan_fail(s, E_FORMAT, s->plic,
				 "PLIC without a one-cell riscv,ndev");
	if (*ndev > PLIC_MAX_SOURCES)
		return scan_fail(s, E_FORMAT, s->plic,
				 "riscv,ndev is above the PLIC's 1023 sources");
	return 0;
}
