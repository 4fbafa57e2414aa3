// SPDX-License-Identifier: MIT
/*
 * RAM and reserved memory from the device tree: /memory nodes,
 * /reserved-memory and the blob's memory-reservation block.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* A node is RAM if it says device_type = "memory". */
static bool is_memory(const struct fdt *f, int node)
{
	const char *t = fdt_prop_str(f, node, "device_type");

	return t && strcmp(t, "memory") == 0;
}

/* Collects every enabled memory node's non-empty reg ranges. */
int scan_memory(struct scan *s)
{
	const struct fdt *f = s->f;
	struct machine *m = s->m;
	uint64_t base, size;
	uint32_t i;
	int n, rc;

	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		if (!is_memory(f, n) || !fdt_is_enabled(f, n))
			continue;
		if (!fdt_getprop(f, n, "reg", NULL))
			return scan_fail(s, E_FORMAT, n,
					 "memory node without reg");
		for (i = 0; (rc = scan_node_reg(s, n, i, &base, &size)) == 0;
		     i++) {
			if (size == 0)
				continue;
			if (m->nmem == MACHINE_MAX_MEM)
				return scan_fail(s, E_TOOBIG, n,
						 "more RAM ranges than "
						 "MACHINE_MAX_MEM");
			m->mem[m->nmem].base = base;
			m->mem[m->nmem].size = size;
			m->nmem++;
		}
		if (rc != E_NOENT)
			return rc;
	}
	if (m->nmem == 0)
		return scan_fail(s, E_NOENT, fdt_root(f),
				 "no RAM: no memory node with a non-empty reg");
	return 0;
}

uint64_t machine_ram_total(const struct machine *m)
{
	struct mem_range r[MACHINE_MAX_MEM];
	uint64_t total = 0, end = 0, e;
	unsigned i, j,
		n = m->nmem < MACHINE_MAX_MEM ? m->nmem : MACHINE_MAX_MEM;

	/* In address order (insertion sort: at most MACHINE_MAX_MEM). */
	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && r[j - 1].base > m->mem[i].base; j--)
			r[j] = r[j - 1];
		r[j] = m->mem[i];
	}
	/* Each byte once: a range counts only past the end seen so far. */
	for (i = 0; i < n; i++) {
		e = r[i].base + r[i].size;
		if (e > end) {
			total += e - (r[i].base > end ? r[i].base : end);
			end = e;
		}
	}
	return total;
}

/* Appends one reserved range; name may be NULL for "memreserve". */
static int add_resv(struct scan *s, int node, uint64_t base, uint64_t size,
		    enum resv_kind kind, const char *name, bool no_map)
{
	struct machine *m = s->m;
	struct resv_range *r;

	if (m->nresv == MACHINE_MAX_RESV)
		return scan_fail(s, E_TOOBIG, node,
				 "more reserved ranges than MACHINE_MAX_RESV");
	r = &m->resv[m->nresv++];
	r->base = base;
	r->size = size;
	r->kind = kind;
	r->no_map = no_map;
	strlcpy(r->name, name ? name : "memreserve", sizeof(r->name));
	return 0;
}

/* /memreserve/ entries, then /reserved-memory children that have reg. */
int scan_reserved(struct scan *s)
{
	const struct fdt *f = s->f;
	uint64_t base, size;
	int rm, c, rc;
	unsigned i;
	uint32_t j;

	for (i = 0; fdt_memreserve(f, i, &base, &size); i++) {
		if (size == 0)
			continue;
		if (scan_wraps(base, size))
			return scan_fail(
				s, E_FORMAT, -1,
				"/memreserve/ entry wraps past the end of "
				"the address space");
		rc = add_resv(s, -1, base, size, RESV_MEMRESERVE, NULL, false);
		if (rc)
			return rc;
	}

	rm = fdt_path(f, "/reserved-memory");
	if (rm < 0)
		return 0;
	for (c = fdt_first_child(f, rm); c >= 0; c = fdt_next_sibling(f, c)) {
		/* Children without reg are dynamic pools: not fixed ranges. */
		if (!fdt_is_enabled(f, c))
			continue;
		for (j = 0; (rc = scan_node_reg(s, c, j, &base, &size)) == 0;
		     j++) {
			if (size == 0)
				continue;
			rc = add_resv(s, c, base, size, RESV_NODE,
				      fdt_name(f, c),
				      fdt_getprop(f, c, "no-map", NULL));
			if (rc)
				return rc;
		}
		if (rc != E_NOENT)
			return rc;
	}
	return 0;
}
