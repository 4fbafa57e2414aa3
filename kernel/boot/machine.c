// SPDX-License-Identifier: MIT
/*
 * The machine description: what the kernel needs from the device tree,
 * extracted once at boot into a plain struct (see machine.h).
 *
 * Policy: a property Rivet relies on that is present but malformed is an
 * error naming the node, because guessing would hand a libOS the wrong
 * frames or interrupts. Things that are merely absent get their documented
 * defaults. Each lookup that follows phandles is bounded, so a cyclic tree
 * costs a bounded amount of work and yields E_FORMAT.
 */
#include "kernel/boot/machine.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* Interrupt-cause numbers in a riscv,cpu-intc specifier. */
#define IRQ_S_EXT 9

#define PLIC_MAX_SOURCES  1023	/* the PLIC register map has room for these */
#define PLIC_MAX_CONTEXTS 15872 /* ... and for this many contexts */
#define MAX_IRQ_CELLS	  4	/* larger #interrupt-cells: corrupt tree */
#define MAX_IRQ_HOPS	  64	/* interrupt-parent links followed at most */

struct uart_match {
	const char *compat;
	const char *driver;
};

/* The one table of UARTs the kernel can drive; see machine_uart_driver(). */
static const struct uart_match uart_table[] = {
	{ "ns16550a", "8250" },		{ "ns16550", "8250" },
	{ "snps,dw-apb-uart", "8250" }, { "sifive,fu740-c000-uart", "sifive" },
	{ "sifive,uart0", "sifive" },
};

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

static const char *const plic_compats[] = {
	"sifive,plic-1.0.0",
	"riscv,plic0",
};

/* What the scan passes carry between them. */
struct scan {
	const struct fdt *f;
	struct fdt_error *err;
	struct machine *m;
	int plic;		     /* PLIC node, or negative */
	int stdout_node;	     /* node stdout-path names, or negative */
	int intc[MACHINE_MAX_HARTS]; /* each hart's cpu-intc node, or negative */
};

/* Records what went wrong at node (negative: no node) and returns rc. */
static int fail(const struct scan *s, int rc, int node, const char *what)
{
	struct fdt_error *err = s->err;

	if (!err)
		return rc;
	err->rc = rc;
	err->what = what;
	err->offset = node >= 0 ? s->f->off_struct + (uint32_t)node : 0;
	err->node[0] = '\0';
	if (node >= 0)
		fdt_get_path(s->f, node, err->node, sizeof(err->node));
	return rc;
}

/* Copies a property value of len bytes as a string, truncating safely. */
static void copy_str(char *dst, size_t size, const void *val, uint32_t len)
{
	size_t n = val ? strnlen(val, len) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, val, n);
	dst[n] = '\0';
}

/* Reads #address-cells or #size-cells of bus into *out (dflt if absent). */
static int cells_prop(const struct scan *s, int bus, const char *name,
		      uint32_t dflt, bool zero_ok, uint32_t *out)
{
	bool addr = strcmp(name, "#address-cells") == 0;
	uint32_t len, v;

	if (!fdt_getprop(s->f, bus, name, &len)) {
		*out = dflt;
		return 0;
	}
	if (!fdt_prop_u32(s->f, bus, name, &v))
		return fail(s, E_FORMAT, bus,
			    addr ? "#address-cells is not one cell"
				 : "#size-cells is not one cell");
	if (v == 1 || v == 2 || (v == 0 && zero_ok)) {
		*out = v;
		return 0;
	}
	return fail(s, E_FORMAT, bus,
		    addr ? "#address-cells is not 1 or 2 (unsupported)"
			 : "#size-cells is not 1 or 2 (unsupported)");
}

/* The address and size cell counts of bus (spec defaults: 2 and 1). */
static int bus_cells(const struct scan *s, int bus, uint32_t *ac, uint32_t *sc)
{
	int rc = cells_prop(s, bus, "#address-cells", 2, false, ac);

	return rc ? rc : cells_prop(s, bus, "#size-cells", 1, false, sc);
}

/* True if [base, base+size) wraps past the top of the address space. */
static bool wraps(uint64_t base, uint64_t size)
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
			return fail(s, E_FORMAT, bus,
				    "ranges is not a list of (child, parent, "
				    "size) entries");
		for (i = 0; i < len; i += stride) {
			cb = fdt_read_cells(r + i, cac);
			pb = fdt_read_cells(r + i + cac * 4, pac);
			sz = fdt_read_cells(r + i + (cac + pac) * 4, csc);
			if (*base < cb || *base - cb >= sz)
				continue;
			off = *base - cb;
			if (size > sz - off || wraps(pb + off, size))
				continue;
			*base = pb + off;
			break;
		}
		if (i == len)
			return fail(s, E_FORMAT, node,
				    "reg lies outside the parent bus's ranges");
		bus = up;
	}
	return fail(s, E_FORMAT, node, "address translation too deep");
}

/*
 * Entry idx of node's reg, decoded with the parent's cells and translated
 * to a CPU address. Returns 0, E_NOENT if there is no such entry (or no
 * reg at all) without touching err, or another negative code with err set.
 */
static int node_reg(const struct scan *s, int node, uint32_t idx,
		    uint64_t *base, uint64_t *size)
{
	uint32_t ac, sc, len, stride;
	const uint8_t *reg;
	int bus, rc;

	reg = fdt_getprop(s->f, node, "reg", &len);
	if (!reg)
		return E_NOENT;
	bus = fdt_parent(s->f, node);
	if (bus < 0)
		return fail(s, E_FORMAT, node, "reg on the root node");
	rc = bus_cells(s, bus, &ac, &sc);
	if (rc)
		return rc;
	stride = (ac + sc) * 4;
	if (len % stride)
		return fail(s, E_FORMAT, node,
			    "reg length is not a multiple of the parent's "
			    "#address-cells + #size-cells");
	if (idx >= len / stride)
		return E_NOENT;
	*base = fdt_read_cells(reg + idx * stride, ac);
	*size = fdt_read_cells(reg + idx * stride + ac * 4, sc);
	if (wraps(*base, *size))
		return fail(s, E_FORMAT, node,
			    "reg range wraps past the end of the address "
			    "space");
	return translate(s, node, bus, base, *size);
}

/* A node is RAM if it says device_type = "memory". */
static bool is_memory(const struct fdt *f, int node)
{
	const char *t = fdt_prop_str(f, node, "device_type");

	return t && strcmp(t, "memory") == 0;
}

/* Collects every enabled memory node's non-empty reg ranges. */
static int scan_memory(struct scan *s)
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
			return fail(s, E_FORMAT, n, "memory node without reg");
		for (i = 0; (rc = node_reg(s, n, i, &base, &size)) == 0; i++) {
			if (size == 0)
				continue;
			if (m->nmem == MACHINE_MAX_MEM)
				return fail(s, E_TOOBIG, n,
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
		return fail(s, E_NOENT, fdt_root(f),
			    "no RAM: no memory node with a non-empty reg");
	return 0;
}

/* Appends one reserved range; name may be NULL for "memreserve". */
static int add_resv(struct scan *s, int node, uint64_t base, uint64_t size,
		    enum resv_kind kind, const char *name, bool no_map)
{
	struct machine *m = s->m;
	struct resv_range *r;

	if (m->nresv == MACHINE_MAX_RESV)
		return fail(s, E_TOOBIG, node,
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
static int scan_reserved(struct scan *s)
{
	const struct fdt *f = s->f;
	uint64_t base, size;
	int rm, c, rc;
	unsigned i;
	uint32_t j;

	for (i = 0; fdt_memreserve(f, i, &base, &size); i++) {
		if (size == 0)
			continue;
		if (wraps(base, size))
			return fail(s, E_FORMAT, -1,
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
		for (j = 0; (rc = node_reg(s, c, j, &base, &size)) == 0; j++) {
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

/* True if the ISA string (len bytes) lists multi-letter extension ext. */
static bool isa_has_ext(const char *isa, uint32_t len, const char *ext)
{
	size_t n = strnlen(isa, len), elen = strlen(ext), i, start;

	/* The first '_'-separated piece is the base and single letters. */
	for (i = 0; i < n && isa[i] != '_'; i++)
		;
	while (i < n) {
		start = ++i;
		while (i < n && isa[i] != '_')
			i++;
		if (i - start == elen && memcmp(isa + start, ext, elen) == 0)
			return true;
	}
	return false;
}

/* True if a riscv,isa-extensions string list (newer trees) names ext. */
static bool isa_ext_listed(const struct fdt *f, int cpu, const char *ext)
{
	const char *e;
	unsigned i;

	for (i = 0;
	     (e = fdt_stringlist_item(f, cpu, "riscv,isa-extensions", i));
	     i++) {
		if (strcmp(e, ext) == 0)
			return true;
	}
	return false;
}

/* phandle of node ("phandle", else the older "linux,phandle"), 0 if none. */
static uint32_t node_phandle(const struct fdt *f, int node)
{
	uint32_t ph;

	if (fdt_prop_u32(f, node, "phandle", &ph) ||
	    fdt_prop_u32(f, node, "linux,phandle", &ph))
		return ph;
	return 0;
}

/* Why a hart with this mmu-type is (not) usable. */
static enum hart_state mmu_state(const char *mmu)
{
	if (mmu[0] == '\0' || strcmp(mmu, "riscv,none") == 0)
		return HART_NO_MMU;
	/* Sv48 and Sv57 hardware implements Sv39 too. */
	if (strcmp(mmu, "riscv,sv39") == 0 || strcmp(mmu, "riscv,sv48") == 0 ||
	    strcmp(mmu, "riscv,sv57") == 0)
		return HART_USABLE;
	return HART_NO_SV39;
}

/* Describes one cpu node into h; problems become h->state, not errors. */
static void read_hart(struct scan *s, int cpu, uint32_t ac, struct hart *h,
		      int *intc)
{
	const struct fdt *f = s->f;
	const uint8_t *reg;
	const char *isa;
	uint64_t id = 0;
	uint32_t len;
	bool bad = true;
	int c;

	h->plic_sctx = -1;
	*intc = -1;
	reg = fdt_getprop(f, cpu, "reg", &len);
	if (reg && len >= ac * 4) {
		id = fdt_read_cells(reg, ac);
		bad = id > 0xffffffffu;
	}
	h->hartid = (uint32_t)id;

	isa = fdt_getprop(f, cpu, "riscv,isa", &len);
	if (isa) {
		copy_str(h->isa, sizeof(h->isa), isa, len);
		/* Search the whole string: the copy may be truncated. */
		h->has_sstc = isa_has_ext(isa, len, "sstc");
	}
	h->has_sstc = h->has_sstc || isa_ext_listed(f, cpu, "sstc");

	isa = fdt_getprop(f, cpu, "mmu-type", &len);
	if (isa)
		copy_str(h->mmu, sizeof(h->mmu), isa, len);

	for (c = fdt_first_child(f, cpu); c >= 0; c = fdt_next_sibling(f, c)) {
		if (fdt_is_compatible(f, c, "riscv,cpu-intc")) {
			h->intc_phandle = node_phandle(f, c);
			*intc = c;
			break;
		}
	}

	if (bad)
		h->state = HART_BAD_NODE;
	else if (!fdt_is_enabled(f, cpu))
		h->state = HART_DISABLED;
	else
		h->state = mmu_state(h->mmu);
}

/* Reads timebase-frequency (one or two cells) of node into *hz. */
static int read_timebase(const struct scan *s, int node, uint64_t *hz,
			 bool *found)
{
	uint32_t len;

	*found = fdt_getprop(s->f, node, "timebase-frequency", &len) != NULL;
	if (!*found)
		return 0;
	if (!fdt_prop_u64_by_len(s->f, node, "timebase-frequency", hz))
		return fail(s, E_FORMAT, node,
			    "timebase-frequency is neither 1 nor 2 cells");
	if (*hz == 0)
		return fail(s, E_FORMAT, node, "timebase-frequency is 0");
	return 0;
}

/* The harts under /cpus and the timebase. */
static int scan_harts(struct scan *s)
{
	const struct fdt *f = s->f;
	struct machine *m = s->m;
	uint32_t ac, sc;
	int cpus, c, first = -1, rc;
	const char *t;
	bool found;

	cpus = fdt_path(f, "/cpus");
	if (cpus < 0)
		return fail(s, E_NOENT, fdt_root(f), "no /cpus node");
	rc = cells_prop(s, cpus, "#address-cells", 2, false, &ac);
	if (!rc)
		rc = cells_prop(s, cpus, "#size-cells", 0, true, &sc);
	if (rc)
		return rc;

	for (c = fdt_first_child(f, cpus); c >= 0; c = fdt_next_sibling(f, c)) {
		t = fdt_prop_str(f, c, "device_type");
		if (!t || strcmp(t, "cpu") != 0)
			continue; /* cpu-map and friends */
		if (first < 0)
			first = c;
		if (m->nharts == MACHINE_MAX_HARTS) {
			m->harts_dropped++;
			continue;
		}
		read_hart(s, c, ac, &m->harts[m->nharts], &s->intc[m->nharts]);
		m->nharts++;
	}
	if (first < 0)
		return fail(s, E_NOENT, cpus, "no cpu nodes under /cpus");

	rc = read_timebase(s, cpus, &m->timebase_hz, &found);
	if (!rc && !found)
		rc = read_timebase(s, first, &m->timebase_hz, &found);
	if (rc)
		return rc;
	if (!found)
		return fail(s, E_NOENT, cpus,
			    "no timebase-frequency in /cpus or the first cpu");
	return 0;
}

/* Cuts the ":options" part off a stdout-path. */
static void strip_options(char *path)
{
	char *colon = strchr(path, ':');

	if (colon)
		*colon = '\0';
}

/* Replaces an alias name in m->stdout_path by the path /aliases gives. */
static void resolve_alias(struct scan *s)
{
	struct machine *m = s->m;
	struct fdt_prop p;
	uint32_t cookie = 0;
	int aliases;

	aliases = fdt_path(s->f, "/aliases");
	if (aliases < 0)
		return;
	while (fdt_next_prop(s->f, aliases, &cookie, &p) == 1) {
		if (strcmp(p.name, m->stdout_path) == 0) {
			copy_str(m->stdout_path, sizeof(m->stdout_path),
				 p.value, p.len);
			strip_options(m->stdout_path);
			return;
		}
	}
}

/* Reads linux,initrd-start or -end, 4 or 8 bytes long, into *out. */
static int read_initrd_prop(const struct scan *s, int chosen, const char *name,
			    uint64_t *out, bool *found)
{
	*found = fdt_getprop(s->f, chosen, name, NULL) != NULL;
	if (*found && !fdt_prop_u64_by_len(s->f, chosen, name, out))
		return fail(s, E_FORMAT, chosen,
			    "linux,initrd-start/-end is neither 4 nor 8 bytes");
	return 0;
}

/* /chosen: bootargs, stdout-path and the initrd. All optional. */
static int scan_chosen(struct scan *s)
{
	const struct fdt *f = s->f;
	struct machine *m = s->m;
	bool has_start, has_end;
	const char *v;
	uint32_t len;
	int chosen, rc;

	s->stdout_node = E_NOENT;
	chosen = fdt_path(f, "/chosen");
	if (chosen < 0)
		return 0;

	v = fdt_getprop(f, chosen, "bootargs", &len);
	if (v)
		copy_str(m->bootargs, sizeof(m->bootargs), v, len);

	v = fdt_getprop(f, chosen, "stdout-path", &len);
	if (!v)
		v = fdt_getprop(f, chosen, "linux,stdout-path", &len);
	if (v) {
		copy_str(m->stdout_path, sizeof(m->stdout_path), v, len);
		strip_options(m->stdout_path);
		if (m->stdout_path[0] != '/')
			resolve_alias(s);
		/* A truncated path could name another node: match none. */
		if (strlen(m->stdout_path) + 1 < sizeof(m->stdout_path))
			s->stdout_node = fdt_path(f, m->stdout_path);
	}

	rc = read_initrd_prop(s, chosen, "linux,initrd-start", &m->initrd_start,
			      &has_start);
	if (!rc)
		rc = read_initrd_prop(s, chosen, "linux,initrd-end",
				      &m->initrd_end, &has_end);
	if (rc)
		return rc;
	if (has_start && has_end) {
		if (m->initrd_end < m->initrd_start)
			return fail(s, E_FORMAT, chosen,
				    "linux,initrd-end is below "
				    "linux,initrd-start");
		m->has_initrd = true;
	} else {
		m->initrd_start = m->initrd_end = 0;
	}
	return 0;
}

/* The first string of node's compatible list found in table, or NULL. */
static const char *first_compat(const struct fdt *f, int node,
				const char *const *table, size_t n)
{
	const char *c;
	unsigned i;
	size_t j;

	for (i = 0; (c = fdt_stringlist_item(f, node, "compatible", i)); i++) {
		for (j = 0; j < n; j++) {
			if (strcmp(c, table[j]) == 0)
				return c;
		}
	}
	return NULL;
}

/*
 * The PLIC Rivet uses: the first enabled node, in tree order, compatible
 * with one of plic_compats. Returns it (*compat: the string that matched)
 * or E_NOENT.
 */
static int find_plic(const struct fdt *f, const char **compat)
{
	int n;

	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		*compat = first_compat(f, n, plic_compats,
				       sizeof(plic_compats) /
					       sizeof(plic_compats[0]));
		if (*compat && fdt_is_enabled(f, n))
			return n;
	}
	return E_NOENT;
}

/* The first enabled PLIC in tree order: base, size, number of sources. */
static int scan_plic(struct scan *s)
{
	const struct fdt *f = s->f;
	struct plic *p = &s->m->plic;
	const char *compat = NULL;
	int n, rc;

	s->plic = E_NOENT;
	n = find_plic(f, &compat);
	if (n < 0)
		return 0;

	s->plic = n;
	p->present = true;
	strlcpy(p->compat, compat, sizeof(p->compat));
	fdt_get_path(f, n, p->path, sizeof(p->path));
	rc = node_reg(s, n, 0, &p->base, &p->size);
	if (rc == E_NOENT)
		return fail(s, E_FORMAT, n, "PLIC without reg");
	if (rc)
		return rc;
	if (!fdt_prop_u32(f, n, "riscv,ndev", &p->ndev))
		return fail(s, E_FORMAT, n,
			    "PLIC without a one-cell riscv,ndev");
	if (p->ndev > PLIC_MAX_SOURCES)
		return fail(s, E_FORMAT, n,
			    "riscv,ndev is above the PLIC's 1023 sources");
	return 0;
}

/* #interrupt-cells of the interrupt controller ctrl, at most MAX_IRQ_CELLS. */
static int ctrl_cells(const struct scan *s, int ctrl, uint32_t *cells)
{
	if (!fdt_prop_u32(s->f, ctrl, "#interrupt-cells", cells))
		return fail(s, E_FORMAT, ctrl,
			    "interrupt controller without #interrupt-cells");
	if (*cells > MAX_IRQ_CELLS)
		return fail(s, E_FORMAT, ctrl, "#interrupt-cells is too large");
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
		return fail(s, E_FORMAT, s->plic,
			    "interrupts-extended names a phandle that does "
			    "not exist");
	rc = ctrl_cells(s, node, cells);
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
static int scan_plic_contexts(struct scan *s)
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
		return fail(s, E_FORMAT, s->plic,
			    "interrupts-extended is not a list of cells");
	n = len / 4;
	for (i = 0, ctx = 0; i < n; ctx++) {
		if (ctx == PLIC_MAX_CONTEXTS)
			return fail(s, E_FORMAT, s->plic,
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
			return fail(s, E_FORMAT, s->plic,
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
static int irq_parent(const struct scan *s, int node, int *out)
{
	const struct fdt *f = s->f;
	uint32_t ph;
	int cur = node, next, hops;

	for (hops = 0; hops < MAX_IRQ_HOPS; hops++) {
		if (fdt_getprop(f, cur, "interrupt-parent", NULL)) {
			if (!fdt_prop_u32(f, cur, "interrupt-parent", &ph))
				return fail(s, E_FORMAT, cur,
					    "interrupt-parent is not one cell");
			next = fdt_node_by_phandle(f, ph);
			if (next < 0)
				return fail(s, E_FORMAT, cur,
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
	return fail(s, E_FORMAT, node,
		    "interrupt-parent chain loops (or is absurdly long)");
}

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
	rc = irq_parent(s, node, &parent);
	if (rc == E_NOENT)
		return 0;
	if (rc)
		return rc;
	if (parent == s->plic)
		*irq = (uint32_t)fdt_read_cells(v, 1);
	return 0;
}

/* Optional one-cell property: dflt if absent, E_FORMAT if malformed. */
static int opt_u32(const struct scan *s, int node, const char *name,
		   uint32_t dflt, uint32_t *out)
{
	if (!fdt_getprop(s->f, node, name, NULL)) {
		*out = dflt;
		return 0;
	}
	if (fdt_prop_u32(s->f, node, name, out))
		return 0;
	return fail(s, E_FORMAT, node,
		    "reg-shift, reg-io-width or current-speed is not one cell");
}

/* reg-shift and reg-io-width of a register block (0 and 1 if absent). */
static int reg_layout(struct scan *s, int node, uint32_t *shift,
		      uint32_t *width)
{
	int rc = opt_u32(s, node, "reg-shift", 0, shift);

	if (!rc)
		rc = opt_u32(s, node, "reg-io-width", 1, width);
	if (rc)
		return rc;
	if (*shift > 3)
		return fail(s, E_FORMAT, node, "reg-shift is larger than 3");
	if (*width != 1 && *width != 2 && *width != 4)
		return fail(s, E_FORMAT, node, "reg-io-width is not 1, 2 or 4");
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
	rc = node_reg(s, node, 0, &u->base, &u->size);
	if (rc == E_NOENT)
		return fail(s, E_FORMAT, node, "UART without reg");
	if (!rc)
		rc = reg_layout(s, node, &u->reg_shift, &u->reg_io_width);
	if (!rc)
		rc = opt_u32(s, node, "current-speed", 0, &u->baud);
	if (rc)
		return rc;
	if (fdt_getprop(f, node, "clock-frequency", NULL) &&
	    (!fdt_prop_u64_by_len(f, node, "clock-frequency", &clock) ||
	     clock > 0xffffffffu))
		return fail(s, E_FORMAT, node,
			    "clock-frequency is malformed or above 4 GHz");
	u->clock_hz = (uint32_t)clock;
	return uart_irq(s, node, &u->irq);
}

/* Every enabled UART Rivet can drive, and which of them is the console. */
static int scan_uarts(struct scan *s)
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
	return 0;
}

int machine_from_fdt(struct machine *m, const void *blob, size_t avail,
		     struct fdt_error *err)
{
	struct fdt f;
	struct scan s;
	const char *model;
	int rc;

	memset(m, 0, sizeof(*m));
	m->console = -1;
	rc = fdt_open(&f, blob, avail, err);
	if (rc)
		return rc;
	memset(&s, 0, sizeof(s));
	s.f = &f;
	s.err = err;
	s.m = m;
	s.plic = E_NOENT;
	s.stdout_node = E_NOENT;

	m->fdt_size = f.size;
	model = fdt_prop_str(&f, fdt_root(&f), "model");
	if (model)
		strlcpy(m->model, model, sizeof(m->model));

	rc = scan_memory(&s);
	if (!rc)
		rc = scan_reserved(&s);
	if (!rc)
		rc = scan_harts(&s);
	if (!rc)
		rc = scan_chosen(&s);
	if (!rc)
		rc = scan_plic(&s);
	if (!rc)
		rc = scan_plic_contexts(&s);
	if (!rc)
		rc = scan_uarts(&s);
	return rc;
}

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
	fail(s, E_NOENT, -1, what);
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

	for (i = 0; (rc = node_reg(s, node, i, &base, &size)) == 0; i++) {
		if (i == DEVICE_MAX_REGS)
			return fail(s, E_TOOBIG, node,
				    "more reg entries than DEVICE_MAX_REGS");
		out->regs[i].base = base;
		out->regs[i].size = size;
		out->nregs++;
	}
	return rc == E_NOENT ? 0 : rc;
}

/*
 * The number of sources of the PLIC: its riscv,ndev, or the most any PLIC
 * has if that is missing or too large (machine_from_fdt() is the one that
 * rejects such a PLIC; here it only bounds the check below).
 */
static uint32_t plic_sources(const struct scan *s)
{
	uint32_t ndev;

	if (fdt_prop_u32(s->f, s->plic, "riscv,ndev", &ndev) &&
	    ndev <= PLIC_MAX_SOURCES)
		return ndev;
	return PLIC_MAX_SOURCES;
}

/* Appends PLIC source irq, the first cell of one of node's specifiers. */
static int device_add_irq(const struct scan *s, int node, uint32_t irq,
			  struct device_desc *out)
{
	/* Source 0 is the PLIC's "no interrupt": granting it means nothing. */
	if (irq == 0 || irq > plic_sources(s))
		return fail(s, E_FORMAT, node,
			    "interrupt is not a source the PLIC has");
	if (out->nirqs == DEVICE_MAX_IRQS)
		return fail(s, E_TOOBIG, node,
			    "more PLIC interrupts than DEVICE_MAX_IRQS");
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
		return fail(s, E_FORMAT, node,
			    "interrupts-extended is not a list of cells");
	while (i < n) {
		ph = (uint32_t)fdt_read_cells(v + i * 4, 1);
		i++;
		ctrl = E_NOENT;
		cells = 1;
		if (ph != 0 && ph != 0xffffffffu) {
			ctrl = fdt_node_by_phandle(s->f, ph);
			if (ctrl < 0)
				return fail(s, E_FORMAT, node,
					    "interrupts-extended names a "
					    "phandle that does not exist");
			rc = ctrl_cells(s, ctrl, &cells);
			if (rc)
				return rc;
		}
		if (cells > n - i)
			return fail(s, E_FORMAT, node,
				    "interrupts-extended ends inside an entry");
		if (ctrl >= 0 && ctrl == s->plic) {
			if (cells == 0)
				return fail(s, E_FORMAT, ctrl,
					    "PLIC with #interrupt-cells 0");
			rc = device_add_irq(
				s, node, (uint32_t)fdt_read_cells(v + i * 4, 1),
				out);
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
	rc = irq_parent(s, node, &parent);
	if (rc == E_NOENT)
		return 0;
	if (rc)
		return rc;
	if (parent != s->plic)
		return 0;
	rc = ctrl_cells(s, parent, &cells);
	if (rc)
		return rc;
	if (cells == 0 || len % (cells * 4))
		return fail(s, E_FORMAT, node,
			    "interrupts is not a list of specifiers of the "
			    "PLIC's #interrupt-cells");
	for (i = 0; i < len; i += cells * 4) {
		rc = device_add_irq(s, node, (uint32_t)fdt_read_cells(v + i, 1),
				    out);
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
	s.plic = find_plic(&f, &compat);
	s.stdout_node = E_NOENT;

	node = device_lookup(&s, name);
	if (node < 0)
		return node;
	if (!fdt_is_enabled(&f, node))
		return fail(&s, E_NOENT, node,
			    "the device is disabled (status is not okay)");
	if (fdt_get_path(&f, node, out->path, sizeof(out->path)))
		return fail(&s, E_TOOBIG, node,
			    "the node's path is longer than MACHINE_PATH_LEN");
	compat = fdt_stringlist_item(&f, node, "compatible", 0);
	if (compat)
		strlcpy(out->compat, compat, sizeof(out->compat));
	out->is_plic = node == s.plic;
	out->risk = device_risk(&f, node);
	rc = device_regs(&s, node, out);
	if (!rc)
		rc = device_irqs(&s, node, out);
	if (!rc)
		rc = reg_layout(&s, node, &out->reg_shift, &out->reg_io_width);
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

bool machine_uart_compatible(const char *compat)
{
	return machine_uart_driver(compat) != NULL;
}

const char *machine_uart_driver(const char *compat)
{
	size_t i;

	if (!compat)
		return NULL;
	for (i = 0; i < sizeof(uart_table) / sizeof(uart_table[0]); i++) {
		if (strcmp(compat, uart_table[i].compat) == 0)
			return uart_table[i].driver;
	}
	return NULL;
}

const char *hart_state_name(enum hart_state s)
{
	switch (s) {
	case HART_USABLE:
		return "usable";
	case HART_DISABLED:
		return "disabled";
	case HART_NO_MMU:
		return "no MMU";
	case HART_NO_SV39:
		return "MMU without Sv39";
	case HART_BAD_NODE:
		return "bad cpu node";
	case HART_OVERFLOW:
		return "beyond MACHINE_MAX_HARTS";
	}
	return "unknown";
}
