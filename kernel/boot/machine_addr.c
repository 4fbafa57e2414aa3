// SPDX-License-Identifier: MIT
/*
 * Device-tree addresses: #address-cells/#size-cells, reg entries,
 * and their translation through each bus's ranges up to CPU addresses.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* Reads #address-cells or #size-cells of bus into *out (dflt if absent). */
int scan_cells_prop(const struct scan *s, int bus, const char *name,
		    uint32_t dflt, bool zero_ok, uint32_t *out)
{
	bool addr = strcmp(name, "#address-cells") == 0;
	uint32_t len, v;

	if (!fdt_getprop(s->f, bus, name, &len)) {
		*out = dflt;
		return 0;
	}
	if (!fdt_prop_u32(s->f, bus, name, &v))
		return scan_fail(s, E_FORMAT, bus,
				 addr ? "#address-cells is not one cell"
				      : "#size-cells is not one cell");
	if (v == 1 || v == 2 || (v == 0 && zero_ok)) {
		*out = v;
		return 0;
	}
	return scan_fail(s, E_FORMAT, bus,
			 addr ? "#address-cells is not 1 or 2 (unsupported)"
			      : "#size-cells is not 1 or 2 (unsupported)");
}

/* The address and size cell counts of bus (spec defaults: 2 and 1). */
static int bus_cells(const struct scan *s, int bus, uint32_t *ac, uint32_t *sc)
{
	int rc = scan_cells_prop(s, bus, "#address-cells", 2, false, ac);

	return rc ? rc : scan_cells_prop(s, bus, "#size-cells", 1, false, sc);
}

/* True if [base, base+size) wraps past the top of the address space. */
bool scan_wraps(uint64_t base, uint64_t size)
{
	return base + size < base;
}

/*
 * Translates *base (a range of size bytes in the address space of bus, the
 * parent of node) up to the root. Empty or absent "ranges" is identity;
 * otherwise the (child, parent, size) triplet covering the range is used.
 * The walk is bounded by the tree depth.
 */
static int translate(const struct scan *s, int node, int bus, uint64_t *base,
		     uint64_t size)
{
	uint32_t len, cac, csc, pac, psc, stride, i;
	uint64_t cb, pb, sz, off;
	const uint8_t *r;
	int up, hops, rc;

	for (hops = 0; hops < FDT_MAX_DEPTH; hops++) {
		up = fdt_parent(s->f, bus);
		if (up < 0)
			return 0; /* bus is the root: CPU addresses */
		r = fdt_getprop(s->f, bus, "ranges", &len);
		if (!r || len == 0) {
			bus = up;
			continue;
		}
		rc = bus_cells(s, bus, &cac, &csc);
		if (!rc)
			rc = bus_cells(s, up, &pac, &psc);
		if (rc)
			return rc;
		stride = (cac + pac + csc) * 4;
		if (len % stride)
			return scan_fail(
				s, E_FORMAT, bus,
				"ranges is not a list of (child, parent, "
				"size) entries");
		for (i = 0; i < len; i += stride) {
			cb = fdt_read_cells(r + i, cac);
			pb = fdt_read_cells(r + i + cac * 4, pac);
			sz = fdt_read_cells(r + i + (cac + pac) * 4, csc);
			if (*base < cb || *base - cb >= sz)
				continue;
			off = *base - cb;
			if (size > sz - off || scan_wraps(pb + off, size))
				continue;
			*base = pb + off;
			break;
		}
		if (i == len)
			return scan_fail(
				s, E_FORMAT, node,
				"reg lies outside the parent bus's ranges");
		bus = up;
	}
	return scan_fail(s, E_FORMAT, node, "address translation too deep");
}

/*
 * Entry idx of node's reg, decoded with the parent's cells and translated
 * to a CPU address. Returns 0, E_NOENT if there is no such entry (or no
 * reg at all) without touching err, or another negative code with err set.
 */
int scan_node_reg(const struct scan *s, int node, uint32_t idx, uint64_t *base,
		  uint64_t *size)
{
	uint32_t ac, sc, len, stride;
	const uint8_t *reg;
	int bus, rc;

	reg = fdt_getprop(s->f, node, "reg", &len);
	if (!reg)
		return E_NOENT;
	bus = fdt_parent(s->f, node);
	if (bus < 0)
		return scan_fail(s, E_FORMAT, node, "reg on the root node");
	rc = bus_cells(s, bus, &ac, &sc);
	if (rc)
		return rc;
	stride = (ac + sc) * 4;
	if (len % stride)
		return scan_fail(s, E_FORMAT, node,
				 "reg length is not a multiple of the parent's "
				 "#address-cells + #size-cells");
	if (idx >= len / stride)
		return E_NOENT;
	*base = fdt_read_cells(reg + idx * stride, ac);
	*size = fdt_read_cells(reg + idx * stride + ac * 4, sc);
	if (scan_wraps(*base, *size))
		return scan_fail(s, E_FORMAT, node,
				 "reg range wraps past the end of the address "
				 "space");
	return translate(s, node, bus, base, *size);
}
