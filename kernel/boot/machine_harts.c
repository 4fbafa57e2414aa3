// SPDX-License-Identifier: MIT
/*
 * Harts from /cpus: which can run the kernel (S-mode, an MMU), their
 * ISA extensions, interrupt controllers and the timebase.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

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

/* Appends text to the string in buf (size bytes), cutting it short. */
static void append(char *buf, size_t size, const char *text)
{
	size_t n = strnlen(buf, size);

	if (n + 1 < size)
		strlcpy(buf + n, text, size - n);
}

/*
 * Newer trees (the riscv cpus binding since 2023) may give only
 * riscv,isa-base ("rv64i") and riscv,isa-extensions ("i", "m", ...,
 * "zicsr", "sstc"). For the log, spell them as a riscv,isa string would:
 * the base, its single-letter extensions, then "_" and each longer one.
 */
static void isa_from_extensions(const struct fdt *f, int cpu, char *buf,
				size_t size)
{
	const char *base = fdt_prop_str(f, cpu, "riscv,isa-base"), *e;
	const char *letters; /* after "rv64" */
	unsigned i, pass;

	if (!base)
		return;
	letters = base + (strlen(base) > 4 ? 4 : strlen(base));
	strlcpy(buf, base, size);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; (e = fdt_stringlist_item(
				     f, cpu, "riscv,isa-extensions", i));
		     i++) {
			bool letter = e[0] != '\0' && e[1] == '\0';

			/* The base already names i (or e). */
			if (letter != (pass == 0) ||
			    (letter && strchr(letters, e[0])))
				continue;
			if (!letter)
				append(buf, size, "_");
			append(buf, size, e);
		}
	}
}

/* T-Head's C9xx cores (the compatibles of the riscv cpus binding). */
static bool is_thead_c9xx(const struct fdt *f, int cpu)
{
	return fdt_is_compatible(f, cpu, "thead,c906") ||
	       fdt_is_compatible(f, cpu, "thead,c908") ||
	       fdt_is_compatible(f, cpu, "thead,c910") ||
	       fdt_is_compatible(f, cpu, "thead,c920");
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
		scan_copy_str(h->isa, sizeof(h->isa), isa, len);
		/* Search the whole string: the copy may be truncated. */
		h->has_sstc = isa_has_ext(isa, len, "sstc");
	} else {
		isa_from_extensions(f, cpu, h->isa, sizeof(h->isa));
	}
	h->has_sstc = h->has_sstc || isa_ext_listed(f, cpu, "sstc");

	isa = fdt_getprop(f, cpu, "mmu-type", &len);
	if (isa)
		scan_copy_str(h->mmu, sizeof(h->mmu), isa, len);

	for (c = fdt_first_child(f, cpu); c >= 0; c = fdt_next_sibling(f, c)) {
		if (fdt_is_compatible(f, c, "riscv,cpu-intc")) {
			h->intc_phandle = scan_phandle(f, c);
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

/*
 * True if a cpu node before the last one in m->harts has its hart id. Two
 * nodes for one hart would start it twice (and give it two PLIC
 * contexts): the later node is refused, whatever its status.
 */
static bool hartid_taken(const struct machine *m)
{
	const struct hart *last = &m->harts[m->nharts - 1];
	unsigned i;

	for (i = 0; i + 1 < m->nharts; i++)
		if (m->harts[i].state != HART_BAD_NODE &&
		    m->harts[i].hartid == last->hartid)
			return true;
	return false;
}

/* The hart id in cpu's reg, or MACHINE_ANY_HART if it has none. */
static uint64_t reg_hartid(const struct fdt *f, int cpu, uint32_t ac)
{
	const uint8_t *reg;
	uint32_t len;

	reg = fdt_getprop(f, cpu, "reg", &len);
	if (!reg || len < ac * 4)
		return MACHINE_ANY_HART;
	return fdt_read_cells(reg, ac);
}

/* Notes the hart id of a node dropped past MACHINE_MAX_HARTS. */
static void note_dropped(struct machine *m, uint32_t hartid)
{
	if (m->harts_dropped++ == 0)
		m->dropped_first = hartid;
	m->dropped_last = hartid;
}

/*
 * A cpu node past MACHINE_MAX_HARTS: counted, not described, unless it is
 * the boot hart's, which then takes the last entry (and that one is the
 * one dropped): the kernel must find the hart it runs on.
 */
static void drop_hart(struct scan *s, int cpu, uint32_t ac)
{
	struct machine *m = s->m;
	struct hart *last = &m->harts[MACHINE_MAX_HARTS - 1];
	uint64_t id = reg_hartid(s->f, cpu, ac);
	unsigned i;

	if (s->boot_hartid == MACHINE_ANY_HART || id != s->boot_hartid) {
		note_dropped(m, (uint32_t)id);
		return;
	}
	for (i = 0; i < MACHINE_MAX_HARTS; i++) {
		if (m->harts[i].hartid == id &&
		    m->harts[i].state != HART_BAD_NODE) {
			note_dropped(m, (uint32_t)id); /* already described */
			return;
		}
	}
	/* The entry given up comes before every dropped node in the tree. */
	if (m->harts_dropped++ == 0)
		m->dropped_last = last->hartid;
	m->dropped_first = last->hartid;
	memset(last, 0, sizeof(*last));
	read_hart(s, cpu, ac, last, &s->intc[MACHINE_MAX_HARTS - 1]);
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
		return scan_fail(s, E_FORMAT, node,
				 "timebase-frequency is neither 1 nor 2 cells");
	if (*hz == 0)
		return scan_fail(s, E_FORMAT, node, "timebase-frequency is 0");
	return 0;
}

/*
 * A child of /cpus is a cpu if it says device_type = "cpu" or, as Linux
 * also accepts, is named cpu or cpu@<unit>: some trees leave the
 * device_type out. cpu-map, l2-cache and the like are neither.
 */
static bool is_cpu_node(const struct fdt *f, int node)
{
	const char *t = fdt_prop_str(f, node, "device_type");
	const char *name = fdt_name(f, node);

	if (t)
		return strcmp(t, "cpu") == 0;
	return name && strncmp(name, "cpu", 3) == 0 &&
	       (name[3] == '\0' || name[3] == '@');
}

/* The harts under /cpus and the timebase. */
int scan_harts(struct scan *s)
{
	const struct fdt *f = s->f;
	struct machine *m = s->m;
	uint32_t ac, sc;
	int cpus, c, first = -1, rc;
	bool found;

	cpus = fdt_path(f, "/cpus");
	if (cpus < 0)
		return scan_fail(s, E_NOENT, fdt_root(f), "no /cpus node");
	rc = scan_cells_prop(s, cpus, "#address-cells", 2, false, &ac);
	if (!rc)
		rc = scan_cells_prop(s, cpus, "#size-cells", 0, true, &sc);
	if (rc)
		return rc;

	for (c = fdt_first_child(f, cpus); c >= 0; c = fdt_next_sibling(f, c)) {
		if (!is_cpu_node(f, c))
			continue; /* cpu-map and friends */
		if (first < 0)
			first = c;
		if (m->nharts == MACHINE_MAX_HARTS) {
			drop_hart(s, c, ac);
			continue;
		}
		read_hart(s, c, ac, &m->harts[m->nharts], &s->intc[m->nharts]);
		m->nharts++;
		if (m->harts[m->nharts - 1].state != HART_BAD_NODE &&
		    hartid_taken(m))
			m->harts[m->nharts - 1].state = HART_DUPLICATE;
		m->thead_c9xx = m->thead_c9xx || is_thead_c9xx(f, c);
	}
	if (first < 0)
		return scan_fail(s, E_NOENT, cpus, "no cpu nodes under /cpus");

	/* /cpus, else the first cpu node that has it (a monitor hart's
	 * node may lack it where the application harts' have it). */
	rc = read_timebase(s, cpus, &m->timebase_hz, &found);
	for (c = first; !rc && !found && c >= 0; c = fdt_next_sibling(f, c))
		if (is_cpu_node(f, c))
			rc = read_timebase(s, c, &m->timebase_hz, &found);
	if (rc)
		return rc;
	if (!found)
		return scan_fail(s, E_NOENT, cpus,
				 "no timebase-frequency in /cpus or a cpu");
	return 0;
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
	case HART_DUPLICATE:
		return "duplicate hart id";
	}
	return "unknown";
}
