// SPDX-License-Identifier: MIT
/*
 * Unit tests for kernel/boot/fdt.c and kernel/boot/machine.c.
 *
 * Three kinds of checks:
 *  - the reader against libfdt, node by node and property by property, on
 *    every tree in $RIVET_DTB_DIR (QEMU's own trees and the fixtures);
 *  - the machine description against values computed independently with
 *    libfdt (QEMU trees) or known by construction (fixtures);
 *  - corrupt and hostile input: truncations, mutated headers, handmade
 *    structure blocks and libfdt-edited trees, each expecting one precise
 *    error code and a non-empty explanation.
 *
 * Our reader is linked under the names tests/unit/fdt_shim.c gives it where
 * libfdt has a function of the same name: rivet_fdt_getprop,
 * rivet_fdt_next_node and rivet_fdt_get_path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fdt_getprop   rivet_fdt_getprop
#define fdt_next_node rivet_fdt_next_node
#define fdt_get_path  rivet_fdt_get_path
#include "kernel/boot/fdt.h"
#include "kernel/boot/machine.h"
#undef fdt_getprop
#undef fdt_next_node
#undef fdt_get_path
#undef FDT_MAGIC /* libfdt's fdt.h defines the same value again */

#include <libfdt.h>
#include <rivet/errno.h>

#define MAX_TREES 64
#define MIB	  (1024ull * 1024)

struct tree {
	char name[256];
	uint8_t *blob;
	size_t len;
};

static struct tree trees[MAX_TREES];
static int ntrees;

/* ------------------------------------------------------------ helpers --- */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct tree *)a)->name,
		      ((const struct tree *)b)->name);
}

/* Loads every *.dtb of dir; returns the number loaded or -1. */
static int load_trees(const char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)) && ntrees < MAX_TREES) {
		size_t n = strlen(de->d_name);
		struct tree *t = &trees[ntrees];
		FILE *fp;
		long size;

		if (n < 5 || strcmp(de->d_name + n - 4, ".dtb") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fp = fopen(path, "rb");
		if (!fp)
			continue;
		fseek(fp, 0, SEEK_END);
		size = ftell(fp);
		rewind(fp);
		t->blob = malloc(size > 0 ? (size_t)size : 1);
		t->len = fread(t->blob, 1, (size_t)size, fp);
		fclose(fp);
		snprintf(t->name, sizeof(t->name), "%s", de->d_name);
		ntrees++;
	}
	closedir(d);
	qsort(trees, (size_t)ntrees, sizeof(trees[0]), by_name);
	return ntrees;
}

static const struct tree *tree(const char *name)
{
	int i;

	for (i = 0; i < ntrees; i++) {
		if (strcmp(trees[i].name, name) == 0)
			return &trees[i];
	}
	fail_msg("tree %s not in RIVET_DTB_DIR (make dtbs)", name);
	return NULL;
}

static bool is_qemu(const struct tree *t)
{
	return strncmp(t->name, "qemu-", 5) == 0;
}

/* Machine, hart count and RAM size a QEMU dump was made with. */
static void qemu_params(const struct tree *t, char *mach, unsigned *smp,
			uint64_t *ram)
{
	unsigned mem;
	char unit;

	assert_int_equal(sscanf(t->name, "qemu-%31[a-z_]-smp%u-%u%c", mach, smp,
				&mem, &unit),
			 4);
	*ram = (uint64_t)mem * MIB * (unit == 'G' ? 1024 : 1);
}

/* A private copy of blob with room bytes to spare, for libfdt edits. */
static uint8_t *editable(const char *name, int room)
{
	const struct tree *t = tree(name);
	int size = (int)fdt_totalsize(t->blob) + room;
	uint8_t *buf = malloc((size_t)size);

	assert_non_null(buf);
	assert_int_equal(fdt_open_into(t->blob, buf, size), 0);
	return buf;
}

/* A private copy of exactly the totalsize bytes of a tree. */
static uint8_t *copy_of(const struct tree *t, size_t *len)
{
	uint8_t *buf;

	*len = fdt_totalsize(t->blob);
	buf = malloc(*len);
	assert_non_null(buf);
	memcpy(buf, t->blob, *len);
	return buf;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Opens blob expecting failure with rc; checks the error report. */
static void expect_open_fails(const void *blob, size_t len, int rc)
{
	struct fdt f;
	struct fdt_error err;

	assert_int_equal(fdt_open(&f, blob, len, &err), rc);
	assert_int_equal(err.rc, rc);
	assert_non_null(err.what);
	assert_true(err.what[0] != '\0');
	/* A failed open leaves a handle every accessor refuses. */
	assert_true(fdt_root(&f) < 0);
	assert_null(rivet_fdt_getprop(&f, 0, "compatible", NULL));
}

static struct machine *new_machine(void)
{
	struct machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

/* Describes blob, expecting success. */
static struct machine *describe(const void *blob, size_t len)
{
	struct machine *m = new_machine();
	struct fdt_error err;
	int rc = machine_from_fdt(m, blob, len, &err);

	if (rc)
		fail_msg("machine_from_fdt: %d %s: %s at 0x%x", rc, err.node,
			 err.what, err.offset);
	return m;
}

static struct machine *describe_tree(const char *name)
{
	const struct tree *t = tree(name);

	return describe(t->blob, t->len);
}

/*
 * Describes blob, expecting rc; checks the report names a node containing
 * node_part (if given) and says what is wrong.
 */
static void expect_machine_fails(const void *blob, size_t len, int rc,
				 const char *node_part)
{
	struct machine *m = new_machine();
	struct fdt_error err;

	assert_int_equal(machine_from_fdt(m, blob, len, &err), rc);
	assert_int_equal(err.rc, rc);
	assert_non_null(err.what);
	assert_true(err.what[0] != '\0');
	if (node_part && !strstr(err.node, node_part))
		fail_msg("error names node '%s', expected '%s' (%s)", err.node,
			 node_part, err.what);
	free(m);
}

static int ref_node(const void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);

	assert_true(n >= 0);
	return n;
}

/* -------------------------------------------- the reader vs. libfdt --- */

static void fdt_open_accepts_every_tree(void **state)
{
	struct fdt_error err;
	struct fdt f;
	int i;

	(void)state;
	assert_true(ntrees >= 18);
	for (i = 0; i < ntrees; i++) {
		const struct tree *t = &trees[i];

		assert_int_equal(fdt_check_full(t->blob, t->len), 0);
		if (fdt_open(&f, t->blob, t->len, &err))
			fail_msg("%s: %s", t->name, err.what);
		assert_int_equal(f.size, fdt_totalsize(t->blob));
		assert_int_equal(f.version, fdt_version(t->blob));
		assert_int_equal(f.off_struct, fdt_off_dt_struct(t->blob));
		assert_int_equal(f.size_struct, fdt_size_dt_struct(t->blob));
		assert_int_equal(fdt_root(&f), 0);
	}
}

/* Compares one node's properties, in order, with libfdt's view. */
static void compare_props(const struct fdt *f, const void *fdt, int node)
{
	struct fdt_prop p;
	uint32_t cookie = 0, len;
	int off, rlen;

	fdt_for_each_property_offset(off, fdt, node)
	{
		const char *rname;
		const void *rval =
			fdt_getprop_by_offset(fdt, off, &rname, &rlen);

		assert_int_equal(fdt_next_prop(f, node, &cookie, &p), 1);
		assert_string_equal(p.name, rname);
		assert_int_equal(p.len, rlen);
		assert_memory_equal(p.value, rval, (size_t)rlen);
		/* Lookup by name finds the very same bytes. */
		assert_ptr_equal(rivet_fdt_getprop(f, node, rname, &len),
				 fdt_getprop(fdt, node, rname, &rlen));
		assert_int_equal(len, rlen);
	}
	assert_int_equal(fdt_next_prop(f, node, &cookie, &p), 0);
	assert_int_equal(fdt_next_prop(f, node, &cookie, &p), 0);
	assert_null(rivet_fdt_getprop(f, node, "no-such-property", NULL));
}

static void fdt_walk_matches_libfdt_nodes_props_and_paths(void **state)
{
	char path[512], rpath[512];
	struct fdt f;
	int i;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const void *fdt = trees[i].blob;
		int n, r, d = 0, rd = 0, count = 0;

		assert_int_equal(fdt_open(&f, fdt, trees[i].len, NULL), 0);
		/* libfdt signals the end of the root by a negative depth. */
		for (n = fdt_root(&f), r = 0; r >= 0 && rd >= 0;
		     n = rivet_fdt_next_node(&f, n, &d),
		    r = fdt_next_node(fdt, r, &rd)) {
			int rparent = fdt_parent_offset(fdt, r);
			int rchild = fdt_first_subnode(fdt, r);
			int rsib = fdt_next_subnode(fdt, r);

			if (n != r || d != rd)
				fail_msg("%s: node %d depth %d, libfdt %d %d",
					 trees[i].name, n, d, r, rd);
			assert_string_equal(fdt_name(&f, n),
					    fdt_get_name(fdt, r, NULL));
			assert_int_equal(
				rivet_fdt_get_path(&f, n, path, sizeof(path)),
				0);
			assert_int_equal(
				fdt_get_path(fdt, r, rpath, sizeof(rpath)), 0);
			assert_string_equal(path, rpath);
			if (fdt_path(&f, path) != r)
				fail_msg("%s: fdt_path(%s) = %d, want %d",
					 trees[i].name, path,
					 fdt_path(&f, path), r);
			assert_int_equal(fdt_path_offset(fdt, path), r);
			assert_int_equal(fdt_parent(&f, n),
					 rparent >= 0 ? rparent : E_NOENT);
			assert_int_equal(fdt_first_child(&f, n),
					 rchild >= 0 ? rchild : E_NOENT);
			if (n != fdt_root(&f))
				assert_int_equal(fdt_next_sibling(&f, n),
						 rsib >= 0 ? rsib : E_NOENT);
			if (rparent >= 0)
				assert_int_equal(
					fdt_subnode(&f, rparent,
						    fdt_name(&f, n)),
					fdt_subnode_offset(fdt, rparent,
							   fdt_name(&f, n)));
			compare_props(&f, fdt, n);
			count++;
		}
		assert_int_equal(n, E_NOENT);
		assert_true(count > 3);
	}
}

static void fdt_phandle_lookup_matches_libfdt(void **state)
{
	struct fdt f;
	int i, n;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const void *fdt = trees[i].blob;
		int found = 0;

		assert_int_equal(fdt_open(&f, fdt, trees[i].len, NULL), 0);
		for (n = 0; n >= 0; n = fdt_next_node(fdt, n, NULL)) {
			uint32_t ph = fdt_get_phandle(fdt, n);

			if (ph == 0)
				continue;
			assert_int_equal(fdt_node_by_phandle(&f, ph),
					 fdt_node_offset_by_phandle(fdt, ph));
			assert_int_equal(fdt_node_by_phandle(&f, ph), n);
			found++;
		}
		assert_int_equal(fdt_node_by_phandle(&f, 0), E_NOENT);
		assert_int_equal(fdt_node_by_phandle(&f, 0xffffffffu), E_NOENT);
		assert_int_equal(fdt_node_by_phandle(&f, 0x7fff1234), E_NOENT);
		if (strstr(trees[i].name, "virt") ||
		    strstr(trees[i].name, "sifive"))
			assert_true(found > 0);
	}
}

static void fdt_memreserve_matches_libfdt(void **state)
{
	uint64_t base, size, rbase, rsize;
	struct fdt f;
	int i, j;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const void *fdt = trees[i].blob;
		int n = fdt_num_mem_rsv(fdt);

		assert_int_equal(fdt_open(&f, fdt, trees[i].len, NULL), 0);
		for (j = 0; j < n; j++) {
			assert_true(
				fdt_memreserve(&f, (unsigned)j, &base, &size));
			assert_int_equal(
				fdt_get_mem_rsv(fdt, j, &rbase, &rsize), 0);
			assert_int_equal(base, rbase);
			assert_int_equal(size, rsize);
		}
		assert_false(fdt_memreserve(&f, (unsigned)n, &base, &size));
		assert_false(fdt_memreserve(&f, (unsigned)n + 7, &base, &size));
	}
	/* The fixture really has one, so the loop above was not vacuous. */
	assert_int_equal(
		fdt_num_mem_rsv(tree("sifive-after-opensbi.dtb")->blob), 1);
}

static void fdt_compatible_and_status_match_libfdt(void **state)
{
	struct fdt f;
	int i, n, k;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const void *fdt = trees[i].blob;

		assert_int_equal(fdt_open(&f, fdt, trees[i].len, NULL), 0);
		for (n = 0; n >= 0; n = fdt_next_node(fdt, n, NULL)) {
			int count = fdt_stringlist_count(fdt, n, "compatible");
			const char *st;
			int len;

			for (k = 0; k < count; k++) {
				const char *c = fdt_stringlist_get(
					fdt, n, "compatible", k, NULL);

				assert_string_equal(
					fdt_stringlist_item(&f, n, "compatible",
							    (unsigned)k),
					c);
				assert_true(fdt_is_compatible(&f, n, c));
			}
			assert_null(fdt_stringlist_item(
				&f, n, "compatible",
				(unsigned)(count > 0 ? count : 0)));
			assert_false(fdt_is_compatible(&f, n, "rivet,none"));
			st = fdt_getprop(fdt, n, "status", &len);
			assert_int_equal(fdt_is_enabled(&f, n),
					 !st || strcmp(st, "okay") == 0 ||
						 strcmp(st, "ok") == 0);
		}
	}
}

static void fdt_subnode_and_path_accept_names_without_unit_address(void **state)
{
	const struct tree *t = tree("qemu-virt-smp4-2G.dtb");
	struct fdt f;

	(void)state;
	assert_int_equal(fdt_open(&f, t->blob, t->len, NULL), 0);
	assert_int_equal(fdt_subnode(&f, 0, "memory"),
			 ref_node(t->blob, "/memory@80000000"));
	assert_int_equal(fdt_path(&f, "/soc/serial"),
			 ref_node(t->blob, "/soc/serial@10000000"));
	assert_int_equal(fdt_path(&f, "//soc//plic@c000000/"),
			 ref_node(t->blob, "/soc/plic@c000000"));
	assert_int_equal(fdt_path(&f, "/"), 0);
	/* A unit address in the query must match exactly. */
	assert_int_equal(fdt_path(&f, "/soc/serial@1"), E_NOENT);
	assert_int_equal(fdt_path(&f, "/soc/seria"), E_NOENT);
	assert_int_equal(fdt_path(&f, "soc"), E_NOENT);
	assert_int_equal(fdt_path(&f, NULL), E_NOENT);
	assert_int_equal(fdt_subnode(&f, 0, "nosuch"), E_NOENT);
}

static void fdt_property_readers_check_lengths(void **state)
{
	const struct tree *t = tree("sifive-after-opensbi.dtb");
	static const uint8_t two[8] = { 0, 0, 0, 1, 0x80, 0, 0, 2 };
	const char *s;
	uint64_t v64;
	uint32_t v32;
	struct fdt f;
	int chosen, cpus;

	(void)state;
	assert_int_equal(fdt_open(&f, t->blob, t->len, NULL), 0);
	chosen = fdt_path(&f, "/chosen");
	cpus = fdt_path(&f, "/cpus");
	assert_true(fdt_prop_u32(&f, cpus, "timebase-frequency", &v32));
	assert_int_equal(v32, 1000000);
	assert_true(fdt_prop_u64_by_len(&f, cpus, "timebase-frequency", &v64));
	assert_int_equal(v64, 1000000);
	/* Two cells: a u64 by length, not a u32. */
	assert_false(fdt_prop_u32(&f, chosen, "linux,initrd-start", &v32));
	assert_true(
		fdt_prop_u64_by_len(&f, chosen, "linux,initrd-start", &v64));
	assert_int_equal(v64, 0x84000000);
	/* A string is neither. */
	assert_false(fdt_prop_u64_by_len(&f, chosen, "bootargs", &v64));
	assert_false(fdt_prop_u32(&f, chosen, "absent", &v32));
	s = fdt_prop_str(&f, chosen, "bootargs");
	assert_non_null(s);
	assert_string_equal(s, "console=hvc0 rivet.debug");
	/* The empty no-map property is present but not a string. */
	assert_null(fdt_prop_str(
		&f, fdt_path(&f, "/reserved-memory/mmode_resv0@80000000"),
		"no-map"));
	assert_int_equal(fdt_read_cells(two, 1), 1);
	assert_int_equal(fdt_read_cells(two, 2), 0x0000000180000002ull);
	assert_int_equal(fdt_read_cells(two, 3), 0);
	assert_int_equal(fdt_read_cells(NULL, 1), 0);
}

static void fdt_get_path_reports_small_buffer(void **state)
{
	const struct tree *t = tree("qemu-virt-smp1-128M.dtb");
	char buf[8];
	struct fdt f;
	int n;

	(void)state;
	assert_int_equal(fdt_open(&f, t->blob, t->len, NULL), 0);
	n = fdt_path(&f, "/soc/serial@10000000");
	assert_true(n > 0);
	assert_int_equal(rivet_fdt_get_path(&f, n, buf, sizeof(buf)), E_TOOBIG);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_memory_equal(buf, "/soc/se", 8);
	assert_int_equal(rivet_fdt_get_path(&f, n, buf, 0), E_TOOBIG);
	assert_int_equal(rivet_fdt_get_path(&f, 0, buf, 2), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(rivet_fdt_get_path(&f, 0, buf, 1), E_TOOBIG);
}

static void fdt_accessors_reject_handles_that_are_not_nodes(void **state)
{
	const struct tree *t = tree("qemu-virt-smp1-128M.dtb");
	struct fdt_prop p;
	uint32_t cookie = 0;
	struct fdt f, closed;
	char buf[64];
	int bad[] = { -1,	 E_NOENT, 2,
		      8,	 12,	  (int)fdt_size_dt_struct(t->blob),
		      0x7ffffff0 };
	size_t i;

	(void)state;
	assert_int_equal(fdt_open(&f, t->blob, t->len, NULL), 0);
	/* 8 and 12 are inside the root node: its properties, not nodes. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = bad[i];

		assert_true(rivet_fdt_next_node(&f, n, NULL) < 0);
		assert_true(fdt_first_child(&f, n) < 0);
		assert_true(fdt_next_sibling(&f, n) < 0);
		assert_true(fdt_parent(&f, n) < 0);
		assert_null(fdt_name(&f, n));
		assert_true(fdt_subnode(&f, n, "cpus") < 0);
		assert_true(rivet_fdt_get_path(&f, n, buf, sizeof(buf)) < 0);
		assert_null(rivet_fdt_getprop(&f, n, "model", NULL));
		assert_true(fdt_next_prop(&f, n, &cookie, &p) < 0);
		assert_false(fdt_is_compatible(&f, n, "riscv-virtio"));
		assert_false(fdt_is_enabled(&f, n));
	}
	/* A cookie that does not follow the node is refused. */
	cookie = 4;
	assert_int_equal(fdt_next_prop(&f, fdt_path(&f, "/soc"), &cookie, &p),
			 E_INVAL);
	/* One that points between tokens fails cleanly. */
	assert_true(fdt_next_prop(&f, 0, &cookie, &p) < 0);

	/* A handle that was never opened successfully is refused. */
	memset(&closed, 0, sizeof(closed));
	assert_true(fdt_root(&closed) < 0);
	assert_true(fdt_path(&closed, "/") < 0);
	assert_true(fdt_node_by_phandle(&closed, 1) < 0);
	assert_false(
		fdt_memreserve(&closed, 0, &(uint64_t){ 0 }, &(uint64_t){ 0 }));
	assert_int_equal(fdt_open(&closed, NULL, 100, NULL), E_INVAL);
}

/* ------------------------------------- the machine vs. libfdt (QEMU) --- */

/* Hart ids of the usable cpus (mmu-type, not disabled) seen by libfdt. */
static unsigned ref_harts(const void *fdt, unsigned *usable)
{
	int cpus = ref_node(fdt, "/cpus"), c;
	unsigned n = 0;

	*usable = 0;
	fdt_for_each_subnode(c, fdt, cpus)
	{
		const char *t = fdt_getprop(fdt, c, "device_type", NULL);
		const char *st = fdt_getprop(fdt, c, "status", NULL);

		if (!t || strcmp(t, "cpu") != 0)
			continue;
		n++;
		if (fdt_getprop(fdt, c, "mmu-type", NULL) &&
		    (!st || strcmp(st, "okay") == 0))
			(*usable)++;
	}
	return n;
}

/*
 * The PLIC S-mode context of hartid, computed only with libfdt: walk
 * interrupts-extended, and for each S-external entry look at the reg of
 * the cpu node that owns the referenced interrupt controller.
 */
static int ref_plic_sctx(const void *fdt, uint32_t hartid)
{
	int plic = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	const fdt32_t *cells;
	int len, i, ctx = 0;

	if (plic < 0)
		plic = fdt_node_offset_by_compatible(fdt, -1,
						     "sifive,plic-1.0.0");
	assert_true(plic >= 0);
	cells = fdt_getprop(fdt, plic, "interrupts-extended", &len);
	assert_non_null(cells);
	for (i = 0; i < len / 4; ctx++) {
		uint32_t ph = fdt32_ld(&cells[i++]), irq;
		int intc = -1, ncells = 1;

		if (ph != 0xffffffffu) {
			const fdt32_t *nc;

			intc = fdt_node_offset_by_phandle(fdt, ph);
			assert_true(intc >= 0);
			nc = fdt_getprop(fdt, intc, "#interrupt-cells", NULL);
			assert_non_null(nc);
			ncells = (int)fdt32_ld(nc);
		}
		irq = fdt32_ld(&cells[i]);
		i += ncells;
		if (intc >= 0 && irq == 9) {
			int cpu = fdt_parent_offset(fdt, intc);
			const fdt32_t *reg = fdt_getprop(fdt, cpu, "reg", NULL);

			if (reg && fdt32_ld(reg) == hartid)
				return ctx;
		}
	}
	return -1;
}

/* The reg base of the node stdout-path names, via libfdt. */
static uint64_t ref_stdout_base(const void *fdt)
{
	const char *p =
		fdt_getprop(fdt, ref_node(fdt, "/chosen"), "stdout-path", NULL);
	const fdt32_t *reg;
	int n;

	assert_non_null(p);
	n = fdt_path_offset_namelen(fdt, p, (int)strcspn(p, ":"));
	assert_true(n >= 0);
	reg = fdt_getprop(fdt, n, "reg", NULL);
	assert_non_null(reg);
	return (uint64_t)fdt32_ld(&reg[0]) << 32 | fdt32_ld(&reg[1]);
}

static void machine_matches_qemu_command_line_and_libfdt(void **state)
{
	int i, checked = 0;
	unsigned h;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const struct tree *t = &trees[i];
		const void *fdt = t->blob;
		unsigned smp, ref_usable, usable = 0;
		uint64_t ram, total = 0;
		struct machine *m;
		char mach[32];
		bool virt;
		unsigned k;

		if (!is_qemu(t))
			continue;
		qemu_params(t, mach, &smp, &ram);
		virt = strcmp(mach, "virt") == 0;
		m = describe(t->blob, t->len);

		assert_int_equal(m->fdt_size, fdt_totalsize(fdt));
		for (k = 0; k < m->nmem; k++)
			total += m->mem[k].size;
		assert_int_equal(total, ram);
		assert_int_equal(m->mem[0].base, 0x80000000);

		assert_int_equal(m->nharts, smp);
		assert_int_equal(m->harts_dropped, 0);
		assert_int_equal(ref_harts(fdt, &ref_usable), smp);
		for (h = 0; h < m->nharts; h++) {
			const struct hart *hp = &m->harts[h];

			assert_int_equal(hp->hartid, h);
			usable += hp->state == HART_USABLE;
			assert_int_equal(hp->plic_sctx,
					 ref_plic_sctx(fdt, hp->hartid));
			assert_true(hp->intc_phandle != 0);
			assert_int_equal(hp->has_sstc, virt);
		}
		assert_int_equal(usable, ref_usable);
		assert_int_equal(usable, virt ? smp : smp - 1);
		if (!virt) {
			assert_int_equal(m->harts[0].state, HART_NO_MMU);
			assert_int_equal(m->harts[0].plic_sctx, -1);
		}
		assert_int_equal(m->timebase_hz, virt ? 10000000 : 1000000);

		assert_true(m->console >= 0);
		assert_int_equal(m->uarts[m->console].base,
				 ref_stdout_base(fdt));
		assert_string_equal(m->uarts[m->console].compat,
				    virt ? "ns16550a" : "sifive,uart0");
		assert_int_equal(m->uarts[m->console].irq, virt ? 10 : 4);
		assert_int_equal(m->uarts[m->console].clock_hz,
				 virt ? 3686400 : 0);
		assert_string_equal(
			machine_uart_driver(m->uarts[m->console].compat),
			virt ? "8250" : "sifive");
		assert_int_equal(m->nuarts, virt ? 1 : 2);

		assert_true(m->plic.present);
		assert_int_equal(m->plic.base, 0xc000000);
		assert_int_equal(
			m->plic.ndev,
			fdt32_ld(fdt_getprop(fdt,
					     fdt_node_offset_by_compatible(
						     fdt, -1, "riscv,plic0"),
					     "riscv,ndev", NULL)));
		assert_false(m->has_initrd);
		assert_int_equal(m->nresv, 0);
		free(m);
		checked++;
	}
	assert_int_equal(checked, 6);
}

/* ------------------------------------------ the machine vs. fixtures --- */

static void machine_reads_sifive_tree_after_opensbi(void **state)
{
	struct machine *m = describe_tree("sifive-after-opensbi.dtb");
	unsigned h;

	(void)state;
	assert_string_equal(m->model, "Rivet fixture: sifive_u after OpenSBI");
	assert_int_equal(m->nmem, 1);
	assert_int_equal(m->mem[0].size, 1024 * MIB);

	assert_int_equal(m->nresv, 3);
	assert_int_equal(m->resv[0].kind, RESV_MEMRESERVE);
	assert_string_equal(m->resv[0].name, "memreserve");
	assert_int_equal(m->resv[0].base, 0x8f000000);
	assert_int_equal(m->resv[0].size, 0x1000);
	assert_int_equal(m->resv[1].kind, RESV_NODE);
	assert_string_equal(m->resv[1].name, "mmode_resv0@80000000");
	assert_int_equal(m->resv[1].base, 0x80000000);
	assert_int_equal(m->resv[1].size, 0x40000);
	assert_true(m->resv[1].no_map);
	assert_string_equal(m->resv[2].name, "mmode_resv1@80040000");
	assert_false(m->resv[2].no_map);

	/* The disabled E51 is skipped for being disabled. */
	assert_int_equal(m->nharts, 5);
	assert_int_equal(m->harts[0].state, HART_DISABLED);
	assert_string_equal(hart_state_name(m->harts[0].state), "disabled");
	assert_string_equal(m->harts[0].mmu, "");
	for (h = 1; h < 5; h++) {
		assert_int_equal(m->harts[h].state, HART_USABLE);
		assert_int_equal(m->harts[h].plic_sctx, 2 * h);
		assert_string_equal(m->harts[h].mmu, "riscv,sv39");
		assert_false(m->harts[h].has_sstc);
	}
	assert_int_equal(m->harts[0].plic_sctx, -1);
	assert_int_equal(m->timebase_hz, 1000000);

	assert_string_equal(m->bootargs, "console=hvc0 rivet.debug");
	assert_string_equal(m->stdout_path, "/soc/serial@10010000");
	assert_int_equal(m->console, 0);
	assert_int_equal(m->uarts[0].base, 0x10010000);
	/*
	 * The node lists "sifive,fu540-c000-uart" first; since the shared
	 * table has it, that is the string that matched (and the one the
	 * console libOS is given, the node's first), not "sifive,uart0".
	 */
	assert_string_equal(m->uarts[0].compat, "sifive,fu540-c000-uart");
	assert_string_equal(machine_uart_driver(m->uarts[0].compat), "sifive");
	assert_int_equal(m->uarts[0].irq, 4);
	assert_int_equal(m->uarts[1].irq, 5);

	assert_true(m->has_initrd);
	assert_int_equal(m->initrd_start, 0x84000000);
	assert_int_equal(m->initrd_end, 0x84123456);

	assert_string_equal(m->plic.compat, "sifive,plic-1.0.0");
	assert_int_equal(m->plic.ndev, 53);
	free(m);
}

static void machine_reads_visionfive2_like_tree(void **state)
{
	struct machine *m = describe_tree("visionfive2-like.dtb");
	const struct uart *u;
	unsigned h;

	(void)state;
	assert_int_equal(m->nmem, 1);
	assert_int_equal(m->mem[0].base, 0x40000000);
	assert_int_equal(m->mem[0].size, 4096 * MIB);

	/* The S7 says "okay" but has no MMU. */
	assert_int_equal(m->nharts, 5);
	assert_int_equal(m->harts[0].state, HART_NO_MMU);
	assert_string_equal(hart_state_name(HART_NO_MMU), "no MMU");
	for (h = 1; h < 5; h++) {
		assert_int_equal(m->harts[h].state, HART_USABLE);
		assert_int_equal(m->harts[h].hartid, h);
		assert_int_equal(m->harts[h].plic_sctx, 2 * h);
		assert_false(m->harts[h].has_sstc);
	}
	assert_int_equal(m->timebase_hz, 4000000);

	assert_int_equal(m->nuarts, 1); /* the disabled one is not there */
	assert_int_equal(m->console, 0);
	u = &m->uarts[0];
	assert_string_equal(u->compat, "snps,dw-apb-uart");
	assert_string_equal(machine_uart_driver(u->compat), "8250");
	assert_string_equal(u->path, "/soc/serial@10000000");
	assert_int_equal(u->base, 0x10000000);
	assert_int_equal(u->size, 0x10000);
	assert_int_equal(u->reg_shift, 2);
	assert_int_equal(u->reg_io_width, 4);
	assert_int_equal(u->clock_hz, 24000000);
	assert_int_equal(u->baud, 115200);
	/* interrupt-parent inherited from /soc. */
	assert_int_equal(u->irq, 32);

	assert_int_equal(m->plic.ndev, 136);
	assert_true(m->has_initrd);
	assert_int_equal(m->initrd_start, 0x46100000);
	assert_int_equal(m->initrd_end, 0x46300000);
	free(m);
}

static void machine_names_why_each_hart_is_skipped(void **state)
{
	struct machine *m = describe_tree("edge-harts.dtb");
	static const enum hart_state want[] = {
		HART_USABLE,   HART_NO_SV39, HART_NO_MMU, HART_DISABLED,
		HART_BAD_NODE, HART_USABLE,  HART_USABLE,
	};
	static const bool sstc[] = { true,  false, false, false,
				     false, false, true };
	unsigned h;

	(void)state;
	assert_int_equal(m->nharts, 7);
	for (h = 0; h < 7; h++) {
		assert_int_equal(m->harts[h].state, want[h]);
		assert_int_equal(m->harts[h].has_sstc, sstc[h]);
		assert_int_equal(m->harts[h].intc_phandle, 0);
		assert_int_equal(m->harts[h].plic_sctx, -1);
		assert_true(hart_state_name(m->harts[h].state)[0] != '\0');
	}
	assert_string_equal(m->harts[0].mmu, "riscv,sv57");
	assert_string_equal(m->harts[1].mmu, "riscv,sv32");
	assert_int_equal(m->harts[6].hartid, 6);
	/* The ISA string was truncated, but Sstc at its end was seen. */
	assert_int_equal(strlen(m->harts[6].isa), sizeof(m->harts[6].isa) - 1);

	/* Timebase from the first cpu node, two cells. */
	assert_int_equal(m->timebase_hz, 25000000);

	/* Three ranges: the empty one and the disabled node are left out. */
	assert_int_equal(m->nmem, 3);
	assert_int_equal(m->mem[1].base, 0xa0000000);
	assert_int_equal(m->mem[2].base, 0xc0000000);

	/* An alias that /aliases does not have: kept as written, no console. */
	assert_string_equal(m->stdout_path, "serial0");
	assert_int_equal(m->console, -1);
	assert_false(m->plic.present);
	assert_int_equal(m->nuarts, 1);
	assert_int_equal(m->uarts[0].irq, 0);
	free(m);
}

static void machine_counts_harts_beyond_the_limit(void **state)
{
	struct machine *m = describe_tree("edge-many-harts.dtb");
	unsigned h;

	(void)state;
	assert_int_equal(m->nharts, MACHINE_MAX_HARTS);
	assert_int_equal(m->harts_dropped, 70 - MACHINE_MAX_HARTS);
	for (h = 0; h < m->nharts; h++) {
		assert_int_equal(m->harts[h].hartid, h);
		assert_int_equal(m->harts[h].state, HART_USABLE);
	}
	assert_int_equal(m->harts[0].plic_sctx, 1);
	free(m);
}

/*
 * Past the limit, the boot hart's node is still described: it takes the
 * last entry (that node is dropped instead), with its PLIC context. The
 * dropped nodes' first and last hart ids are kept for the log.
 */
static void machine_keeps_the_boot_hart_past_the_limit(void **state)
{
	const struct tree *t = tree("edge-many-harts.dtb");
	struct machine *m = new_machine();
	struct fdt_error err;
	unsigned h;

	(void)state;
	assert_int_equal(machine_from_fdt_boot(m, t->blob, t->len, 67, &err),
			 0);
	assert_int_equal(m->nharts, MACHINE_MAX_HARTS);
	assert_int_equal(m->harts_dropped, 70 - MACHINE_MAX_HARTS);
	for (h = 0; h + 1 < m->nharts; h++)
		assert_int_equal(m->harts[h].hartid, h);
	assert_int_equal(m->harts[63].hartid, 67);
	assert_int_equal(m->harts[63].state, HART_USABLE);
	/* 63 went out in its place; 64..69 but 67 were never read. */
	assert_int_equal(m->dropped_first, 63);
	assert_int_equal(m->dropped_last, 69);

	/* A boot hart among the first 64 changes nothing. */
	assert_int_equal(machine_from_fdt_boot(m, t->blob, t->len, 5, &err), 0);
	assert_int_equal(m->harts[63].hartid, 63);
	assert_int_equal(m->dropped_first, 64);
	assert_int_equal(m->dropped_last, 69);

	/* The boot hart's node the last of all: the one given up is first,
	 * the last dropped is the node before the boot hart's. */
	assert_int_equal(machine_from_fdt_boot(m, t->blob, t->len, 69, &err),
			 0);
	assert_int_equal(m->harts[63].hartid, 69);
	assert_int_equal(m->harts_dropped, 70 - MACHINE_MAX_HARTS);
	assert_int_equal(m->dropped_first, 63);
	assert_int_equal(m->dropped_last, 68);

	/* Nor does one the tree does not have. */
	assert_int_equal(machine_from_fdt_boot(m, t->blob, t->len, 500, &err),
			 0);
	assert_int_equal(m->dropped_first, 64);
	assert_int_equal(m->harts[63].hartid, 63);
	free(m);
}

/* An SG2042-class tree: 64 harts, every one described with its context. */
static void machine_reads_64_harts(void **state)
{
	struct machine *m = describe_tree("sg2042-like.dtb");
	unsigned h;

	(void)state;
	assert_int_equal(MACHINE_MAX_HARTS, 64);
	assert_int_equal(m->nharts, 64);
	assert_int_equal(m->harts_dropped, 0);
	for (h = 0; h < m->nharts; h++) {
		assert_int_equal(m->harts[h].hartid, h);
		assert_int_equal(m->harts[h].state, HART_USABLE);
		assert_int_equal(m->harts[h].plic_sctx, 2 * (int)h + 1);
	}
	free(m);
}

static void machine_keeps_console_among_too_many_uarts(void **state)
{
	struct machine *m = describe_tree("edge-uarts.dtb");
	unsigned i;

	(void)state;
	assert_int_equal(m->nuarts, MACHINE_MAX_UARTS);
	assert_int_equal(m->uarts_dropped, 2);
	assert_int_equal(m->console, MACHINE_MAX_UARTS - 1);
	assert_string_equal(m->uarts[m->console].path, "/soc/serial@10009000");
	assert_int_equal(m->uarts[m->console].irq, 29);
	assert_string_equal(m->stdout_path, "/soc/serial@10009000");
	/* The most specific compatible Rivet knows is the one recorded. */
	assert_string_equal(m->uarts[1].compat, "sifive,fu740-c000-uart");
	assert_string_equal(machine_uart_driver(m->uarts[1].compat), "sifive");
	assert_int_equal(m->uarts[1].irq, 39);
	/* Wired to a GPIO controller, not the PLIC: no PLIC source. */
	assert_string_equal(m->uarts[2].path, "/soc/serial@10002000");
	assert_int_equal(m->uarts[2].irq, 0);
	for (i = 0; i < m->nuarts; i++)
		assert_true(strcmp(m->uarts[i].path, "/soc/serial@1000f000"));
	free(m);
}

static void machine_reads_plic_contexts_not_a_formula(void **state)
{
	struct machine *m = describe_tree("edge-plic-contexts.dtb");

	(void)state;
	assert_int_equal(m->nharts, 2);
	assert_int_equal(m->harts[0].plic_sctx, 1);
	assert_int_equal(m->harts[1].plic_sctx, 4);
	free(m);
}

static void machine_translates_bus_ranges(void **state)
{
	struct machine *m = describe_tree("edge-ranges.dtb");

	(void)state;
	assert_int_equal(m->nuarts, 2);
	assert_int_equal(m->console, 1);
	assert_int_equal(m->uarts[1].base, 0x20001100);
	assert_int_equal(m->uarts[1].size, 0x20);
	assert_int_equal(m->uarts[1].irq, 7);
	free(m);
}

static void machine_rejects_reg_outside_bus_ranges(void **state)
{
	const struct tree *t = tree("edge-ranges-uncovered.dtb");

	(void)state;
	expect_machine_fails(t->blob, t->len, E_FORMAT, "serial@2000");
}

static void machine_rejects_tree_without_memory(void **state)
{
	const struct tree *t = tree("edge-no-memory.dtb");

	(void)state;
	expect_machine_fails(t->blob, t->len, E_NOENT, "/");
}

/*
 * Upstream trees of the D1 and SG2042 have no /memory: the firmware adds
 * one to the tree it passes (U-Boot's fdt_fixup_memory_banks writes a
 * "memory" node with device_type and reg). The kernel takes that RAM, two
 * banks included, and nothing else: the same tree without it is refused.
 */
static void machine_takes_memory_the_firmware_adds(void **state)
{
	/* two banks, as U-Boot writes them: one reg, two entries */
	static const uint32_t cells[] = { 0,	0x80000000, 0, 0x10000000,
					  0x10, 0x40000000, 0, 0x20000000 };
	fdt32_t reg[8];
	unsigned i;
	uint8_t *b = editable("edge-no-memory.dtb", 256);
	struct machine *m;
	int node;

	(void)state;
	for (i = 0; i < 8; i++)
		reg[i] = cpu_to_fdt32(cells[i]);
	expect_machine_fails(b, fdt_totalsize(b), E_NOENT, "/");
	node = fdt_add_subnode(b, 0, "memory");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_string(b, node, "device_type", "memory"),
			 0);
	assert_int_equal(fdt_setprop(b, node, "reg", reg, sizeof(reg)), 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->nmem, 2);
	assert_int_equal(m->mem[0].base, 0x80000000);
	assert_int_equal(m->mem[0].size, 0x10000000);
	assert_int_equal(m->mem[1].base, 0x1040000000ULL);
	assert_int_equal(m->mem[1].size, 0x20000000);
	free(m);
	free(b);
}

static void machine_stops_on_self_referential_interrupt_parent(void **state)
{
	const struct tree *t = tree("edge-irq-parent-self.dtb");

	(void)state;
	expect_machine_fails(t->blob, t->len, E_FORMAT, "serial@10000000");
}

static void machine_stops_on_interrupt_parent_cycle(void **state)
{
	const struct tree *t = tree("edge-irq-parent-cycle.dtb");

	(void)state;
	expect_machine_fails(t->blob, t->len, E_FORMAT, "serial@10000000");
}

/* ---------------------------- the machine vs. libfdt-edited base tree --- */

#define BASE "edge-base.dtb"

static int base_node(const uint8_t *b, const char *path)
{
	return ref_node(b, path);
}

static void set_u32(uint8_t *b, const char *path, const char *prop, uint32_t v)
{
	assert_int_equal(fdt_setprop_u32(b, base_node(b, path), prop, v), 0);
}

static void set_cells(uint8_t *b, const char *path, const char *prop,
		      const uint32_t *cells, int n)
{
	fdt32_t be[16];
	int i;

	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	assert_int_equal(fdt_setprop(b, base_node(b, path), prop, be,
				     n * (int)sizeof(fdt32_t)),
			 0);
}

static void machine_accepts_the_base_tree(void **state)
{
	struct machine *m = describe_tree(BASE);

	(void)state;
	assert_int_equal(m->nmem, 1);
	assert_int_equal(m->nharts, 1);
	assert_int_equal(m->harts[0].plic_sctx, 1);
	assert_true(m->harts[0].has_sstc);
	assert_int_equal(m->console, 0);
	assert_false(m->has_initrd);
	free(m);
}

static void machine_rejects_missing_cpus(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	assert_int_equal(
		fdt_delprop(b,
			    base_node(b, "/soc/interrupt-controller@c000000"),
			    "interrupts-extended"),
		0);
	assert_int_equal(fdt_del_node(b, base_node(b, "/cpus")), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_NOENT, "/");
	free(b);
}

static void machine_rejects_cpus_without_cpu_nodes(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	assert_int_equal(fdt_setprop_string(b, base_node(b, "/cpus/cpu@0"),
					    "device_type", "cpu-ish"),
			 0);
	expect_machine_fails(b, fdt_totalsize(b), E_NOENT, "/cpus");
	free(b);
}

static void machine_rejects_missing_or_zero_timebase(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	set_u32(b, "/cpus", "timebase-frequency", 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/cpus");
	assert_int_equal(
		fdt_delprop(b, base_node(b, "/cpus"), "timebase-frequency"), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_NOENT, "/cpus");
	assert_int_equal(fdt_setprop(b, base_node(b, "/cpus"),
				     "timebase-frequency", "abc", 3),
			 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/cpus");
	free(b);
}

/* No timebase on /cpus nor on the first cpu (a monitor hart's node):
 * the next cpu node that has one gives it. */
static void machine_takes_timebase_from_a_later_cpu(void **state)
{
	uint8_t *b = editable(BASE, 512);
	struct machine *m;
	int cpu;

	(void)state;
	assert_int_equal(
		fdt_delprop(b, base_node(b, "/cpus"), "timebase-frequency"), 0);
	/* libfdt adds cpu@1 before cpu@0: make cpu@0 the one with it. */
	cpu = fdt_add_subnode(b, base_node(b, "/cpus"), "cpu@1");
	assert_true(cpu >= 0);
	assert_int_equal(fdt_setprop_string(b, cpu, "device_type", "cpu"), 0);
	assert_int_equal(fdt_setprop_u32(b, cpu, "reg", 1), 0);
	set_u32(b, "/cpus/cpu@0", "timebase-frequency", 4000000);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->harts[0].hartid, 1);
	assert_int_equal(m->timebase_hz, 4000000);
	free(m);
	free(b);
}

static void machine_rejects_unsupported_cell_counts(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	set_u32(b, "/", "#address-cells", 3);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/");
	set_u32(b, "/", "#address-cells", 2);
	set_u32(b, "/", "#size-cells", 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/");
	free(b);
	b = editable(BASE, 256);
	set_u32(b, "/cpus", "#address-cells", 4);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/cpus");
	free(b);
}

static void machine_uses_default_cells_when_absent(void **state)
{
	uint8_t *b = editable(BASE, 256);
	struct machine *m;

	(void)state;
	/* Defaults 2 and 1: the 4-cell reg must become 3 cells. */
	assert_int_equal(fdt_delprop(b, 0, "#size-cells"), 0);
	set_cells(b, "/memory@80000000", "reg",
		  (const uint32_t[]){ 0, 0x80000000, 0x1000000 }, 3);
	assert_int_equal(
		fdt_setprop_u32(b, base_node(b, "/soc"), "#size-cells", 2), 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->mem[0].size, 16 * MIB);
	free(m);
	free(b);
}

static void machine_rejects_reg_not_a_multiple_of_cells(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	set_cells(b, "/memory@80000000", "reg",
		  (const uint32_t[]){ 0, 0x80000000, 0 }, 3);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "memory@80000000");
	free(b);
}

static void machine_rejects_memory_that_wraps(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	set_cells(b, "/memory@80000000", "reg",
		  (const uint32_t[]){ 0xffffffff, 0xfffff000, 0, 0x2000 }, 4);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "memory@80000000");
	free(b);
}

static void machine_rejects_memory_node_without_reg(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	assert_int_equal(
		fdt_delprop(b, base_node(b, "/memory@80000000"), "reg"), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "memory@80000000");
	free(b);
}

static void machine_rejects_more_ram_ranges_than_it_holds(void **state)
{
	uint8_t *b = editable(BASE, 1024);
	int i, node;
	fdt32_t be[4 * (MACHINE_MAX_MEM + 1)];

	(void)state;
	for (i = 0; i < MACHINE_MAX_MEM + 1; i++) {
		be[4 * i] = 0;
		be[4 * i + 1] =
			cpu_to_fdt32(0x80000000u + (uint32_t)i * 0x100000);
		be[4 * i + 2] = 0;
		be[4 * i + 3] = cpu_to_fdt32(0x1000);
	}
	node = base_node(b, "/memory@80000000");
	assert_int_equal(fdt_setprop(b, node, "reg", be, sizeof(be)), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_TOOBIG, "memory@80000000");
	/* One fewer fits. */
	assert_int_equal(fdt_setprop(b, node, "reg", be, sizeof(be) - 16), 0);
	free(describe(b, fdt_totalsize(b)));
	free(b);
}

static void machine_rejects_memreserve_that_wraps(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	assert_int_equal(fdt_add_mem_rsv(b, 0xfffffffffffff000ull, 0x2000), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, NULL);
	free(b);
}

static void machine_reads_initrd_by_length(void **state)
{
	uint8_t *b = editable(BASE, 256);
	int chosen = base_node(b, "/chosen");
	struct machine *m;

	(void)state;
	/* One cell start, two cells end: each read by its own length. */
	assert_int_equal(
		fdt_setprop_u32(b, chosen, "linux,initrd-start", 0x88000000),
		0);
	assert_int_equal(
		fdt_setprop_u64(b, chosen, "linux,initrd-end", 0x88001000), 0);
	m = describe(b, fdt_totalsize(b));
	assert_true(m->has_initrd);
	assert_int_equal(m->initrd_start, 0x88000000);
	assert_int_equal(m->initrd_end, 0x88001000);
	free(m);

	/* Only one of the two: no initrd, not an error. */
	chosen = base_node(b, "/chosen");
	assert_int_equal(fdt_delprop(b, chosen, "linux,initrd-end"), 0);
	m = describe(b, fdt_totalsize(b));
	assert_false(m->has_initrd);
	free(m);
	free(b);
}

/* Sets /chosen/bootargs of b to n characters: words of word letters. */
static void set_bootargs(uint8_t *b, size_t n, size_t word)
{
	char v[600];
	size_t i;

	assert_true(n < sizeof(v));
	for (i = 0; i < n; i++)
		v[i] = (i + 1) % (word + 1) == 0 ? ' ' : 'a';
	v[n] = '\0';
	assert_int_equal(
		fdt_setprop_string(b, base_node(b, "/chosen"), "bootargs", v),
		0);
}

/*
 * bootargs longer than the machine holds (255 characters) are cut at a
 * word boundary and flagged, so no word is read shortened.
 */
static void machine_cuts_long_bootargs_between_words(void **state)
{
	uint8_t *b = editable(BASE, 1024);
	struct machine *m;

	(void)state;
	set_bootargs(b, 255, 9); /* fits exactly */
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(strlen(m->bootargs), 255);
	assert_false(m->bootargs_cut);
	free(m);

	/* 9-letter words and spaces: the 256th character (index 255) is a
	 * letter of the 26th word, which goes whole. */
	set_bootargs(b, 500, 9);
	m = describe(b, fdt_totalsize(b));
	assert_true(m->bootargs_cut);
	assert_int_equal(strlen(m->bootargs), 250);
	assert_int_equal(m->bootargs[249], ' ');
	free(m);

	/* The first character left out is a space: nothing more to cut. */
	set_bootargs(b, 500, 255);
	m = describe(b, fdt_totalsize(b));
	assert_true(m->bootargs_cut);
	assert_int_equal(strlen(m->bootargs), 255);
	free(m);

	/* One word longer than the limit: nothing of it is kept. */
	set_bootargs(b, 400, 399);
	m = describe(b, fdt_totalsize(b));
	assert_true(m->bootargs_cut);
	assert_string_equal(m->bootargs, "");
	free(m);
	free(b);
}

/* No PLIC but an AIA controller: named, so the log can say why. */
static void machine_names_an_aia_controller_without_plic(void **state)
{
	static const char aplic[] = "qemu,aplic\0riscv,aplic";
	const char *plic = "/soc/interrupt-controller@c000000";
	uint8_t *b = editable(BASE, 256);
	struct machine *m;

	(void)state;
	m = describe(b, fdt_totalsize(b));
	assert_true(m->plic.present);
	assert_string_equal(m->plic.aia, "");
	free(m);
	assert_int_equal(fdt_setprop(b, base_node(b, plic), "compatible", aplic,
				     sizeof(aplic)),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_false(m->plic.present);
	assert_string_equal(m->plic.aia, "riscv,aplic");
	free(m);
	/* A disabled one is not the tree's controller. */
	assert_int_equal(
		fdt_setprop_string(b, base_node(b, plic), "status", "disabled"),
		0);
	m = describe(b, fdt_totalsize(b));
	assert_string_equal(m->plic.aia, "");
	free(m);
	free(b);
}

/* The fixture of valid trees beyond the corpus, read whole. */
static void machine_reads_the_newer_trees_fixture(void **state)
{
	struct machine *m = describe_tree("edge-newer-trees.dtb");

	(void)state;
	assert_int_equal(m->nharts, 3);
	assert_string_equal(m->harts[1].isa, "rv64imafdc_zicsr_zifencei_sstc");
	assert_true(m->harts[1].has_sstc);
	assert_int_equal(m->harts[1].plic_sctx, 3);
	assert_int_equal(m->harts[2].hartid, 1);
	assert_int_equal(m->harts[2].state, HART_DUPLICATE);
	assert_true(m->console >= 0);
	assert_int_equal(m->uarts[m->console].base, 0x10001020);
	assert_int_equal(m->uarts[m->console].size, 0xfe0);
	assert_int_equal(m->uarts[m->console].reg_shift, 2);
	assert_int_equal(m->uarts[m->console].irq, 11);
	free(m);
}

/* cpu nodes without device_type are still cpus, by name (as in Linux). */
static void machine_takes_cpu_nodes_without_device_type(void **state)
{
	uint8_t *b = editable(BASE, 256);
	struct machine *m;
	int n;

	(void)state;
	assert_int_equal(
		fdt_delprop(b, base_node(b, "/cpus/cpu@0"), "device_type"), 0);
	n = fdt_add_subnode(b, base_node(b, "/cpus"), "cpu-map");
	assert_true(n >= 0);
	n = fdt_add_subnode(b, base_node(b, "/cpus"), "cpufreq");
	assert_true(n >= 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->nharts, 1);
	assert_int_equal(m->harts[0].state, HART_USABLE);
	assert_int_equal(m->harts[0].plic_sctx, 1);
	free(m);
	/* A device_type that is not "cpu" still rules the node out. */
	assert_int_equal(fdt_setprop_string(b, base_node(b, "/cpus/cpu@0"),
					    "device_type", "not-a-cpu"),
			 0);
	expect_machine_fails(b, fdt_totalsize(b), E_NOENT, "cpus");
	free(b);
}

/*
 * No stdout-path at all: the first UART with a driver is the console (as
 * OpenSBI picks it). One naming something unknown still means none.
 */
static void machine_takes_the_first_uart_without_stdout_path(void **state)
{
	uint8_t *b = editable(BASE, 256);
	struct machine *m;

	(void)state;
	assert_int_equal(fdt_delprop(b, base_node(b, "/chosen"), "stdout-path"),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->console, 0);
	assert_true(m->stdout_guessed);
	assert_string_equal(m->stdout_path, "/soc/serial@10000000");
	free(m);

	assert_int_equal(fdt_setprop_string(b, base_node(b, "/chosen"),
					    "stdout-path", "serial3:115200"),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->console, -1);
	assert_false(m->stdout_guessed);
	free(m);

	/* No UART Rivet drives: nothing to guess. */
	assert_int_equal(fdt_delprop(b, base_node(b, "/chosen"), "stdout-path"),
			 0);
	set_cells(b, "/soc/serial@10000000", "compatible", NULL, 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->console, -1);
	assert_false(m->stdout_guessed);
	assert_string_equal(m->stdout_path, "");
	free(m);
	free(b);
}

static void machine_rejects_backwards_initrd(void **state)
{
	uint8_t *b = editable(BASE, 256);
	int chosen = base_node(b, "/chosen");

	(void)state;
	assert_int_equal(
		fdt_setprop_u32(b, chosen, "linux,initrd-start", 0x88002000),
		0);
	assert_int_equal(
		fdt_setprop_u32(b, chosen, "linux,initrd-end", 0x88001000), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/chosen");
	free(b);
}

static void machine_rejects_initrd_of_odd_length(void **state)
{
	uint8_t *b = editable(BASE, 256);
	int chosen = base_node(b, "/chosen");

	(void)state;
	assert_int_equal(fdt_setprop_u32(b, chosen, "linux,initrd-start", 1),
			 0);
	assert_int_equal(fdt_setprop(b, chosen, "linux,initrd-end",
				     "\0\0\0\0\0\0\0\0\0\0\0\2", 12),
			 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "/chosen");
	free(b);
}

static void machine_rejects_malformed_uart_properties(void **state)
{
	static const char *const props[] = { "reg-io-width", "reg-shift" };
	static const uint32_t bad[] = { 3, 7 };
	const char *uart = "/soc/serial@10000000";
	uint8_t *b;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		b = editable(BASE, 256);
		set_u32(b, uart, props[i], bad[i]);
		expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, uart);
		free(b);
	}
	b = editable(BASE, 256);
	assert_int_equal(
		fdt_setprop(b, base_node(b, uart), "reg-shift", "x", 1), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, uart);
	free(b);
	b = editable(BASE, 256);
	assert_int_equal(fdt_delprop(b, base_node(b, uart), "reg"), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, uart);
	free(b);
}

static void machine_rejects_dangling_interrupt_parent(void **state)
{
	uint8_t *b = editable(BASE, 256);

	(void)state;
	set_u32(b, "/soc/serial@10000000", "interrupt-parent", 0x4242);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, "serial@10000000");
	free(b);
}

static void machine_rejects_bad_plic_interrupts_extended(void **state)
{
	const char *plic = "/soc/interrupt-controller@c000000";
	uint8_t *b = editable(BASE, 256);
	uint32_t ph;

	(void)state;
	ph = fdt_get_phandle(b,
			     base_node(b, "/cpus/cpu@0/interrupt-controller"));
	assert_true(ph != 0);
	/* A phandle nobody has. */
	set_cells(b, plic, "interrupts-extended",
		  (const uint32_t[]){ ph, 11, 0x4242, 9 }, 4);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, plic);
	/* Ends inside an entry. */
	set_cells(b, plic, "interrupts-extended",
		  (const uint32_t[]){ ph, 11, ph }, 3);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, plic);
	free(b);
}

static void expect_device_fails(const void *blob, size_t len, const char *name,
				int rc, const char *node_part);

static void machine_rejects_plic_ndev_out_of_range(void **state)
{
	const char *plic = "/soc/interrupt-controller@c000000";
	uint8_t *b = editable(BASE, 256);

	(void)state;
	set_u32(b, plic, "riscv,ndev", 1024);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, plic);
	/* One reader of riscv,ndev: a device's interrupts see the same. */
	expect_device_fails(b, fdt_totalsize(b), "/soc/serial@10000000",
			    E_FORMAT, plic);
	assert_int_equal(fdt_delprop(b, base_node(b, plic), "riscv,ndev"), 0);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, plic);
	expect_device_fails(b, fdt_totalsize(b), "/soc/serial@10000000",
			    E_FORMAT, plic);
	free(b);
}

static void machine_reads_two_cell_hartids(void **state)
{
	uint8_t *b = editable(BASE, 256);
	struct machine *m;

	(void)state;
	set_u32(b, "/cpus", "#address-cells", 2);
	set_cells(b, "/cpus/cpu@0", "reg", (const uint32_t[]){ 0, 7 }, 2);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->harts[0].hartid, 7);
	assert_int_equal(m->harts[0].state, HART_USABLE);
	free(m);
	/* A hart id above 32 bits is a bad node, not a silent truncation. */
	set_cells(b, "/cpus/cpu@0", "reg", (const uint32_t[]){ 1, 7 }, 2);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->harts[0].state, HART_BAD_NODE);
	free(m);
	free(b);
}

/*
 * Two cpu nodes with one hart id (a firmware fix-up gone wrong, a copied
 * node): the later one is refused, so the hart is started once.
 */
static void machine_refuses_a_second_node_for_one_hart(void **state)
{
	uint8_t *b = editable(BASE, 512);
	struct machine *m;
	int cpu;

	(void)state;
	cpu = fdt_add_subnode(b, base_node(b, "/cpus"), "cpu@1");
	assert_true(cpu >= 0);
	assert_int_equal(fdt_setprop_string(b, cpu, "device_type", "cpu"), 0);
	assert_int_equal(fdt_setprop_u32(b, cpu, "reg", 0), 0);
	assert_int_equal(fdt_setprop_string(b, cpu, "mmu-type", "riscv,sv39"),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->nharts, 2);
	assert_int_equal(m->harts[0].hartid, 0);
	assert_int_equal(m->harts[0].state, HART_USABLE);
	assert_int_equal(m->harts[1].hartid, 0);
	assert_int_equal(m->harts[1].state, HART_DUPLICATE);
	free(m);

	/* A distinct id is an ordinary second hart. */
	set_u32(b, "/cpus/cpu@1", "reg", 1);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->harts[1].state, HART_USABLE);
	free(m);

	/* A bad first node claims no id: the second keeps its own.
	 * (libfdt added cpu@1 as the first child of /cpus.) */
	set_cells(b, "/cpus/cpu@1", "reg", NULL, 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->harts[0].state, HART_BAD_NODE);
	assert_int_equal(m->harts[1].state, HART_USABLE);
	free(m);
	free(b);
}

/*
 * stdout-path longer than the copy the machine keeps for the log
 * (MACHINE_PATH_LEN): the console is still the UART it names, found from
 * the property itself, directly or through an alias, options or not.
 */
static void machine_finds_console_behind_a_long_stdout_path(void **state)
{
	uint8_t *b = editable(BASE, 2048);
	char name[64], path[400];
	struct machine *m;
	int bus, uart, a;

	(void)state;
	memset(name, 'b', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	bus = base_node(b, "/soc");
	for (a = 0; a < 4; a++) {
		bus = fdt_add_subnode(b, bus, name);
		assert_true(bus >= 0);
		assert_int_equal(fdt_setprop(b, bus, "ranges", NULL, 0), 0);
		assert_int_equal(fdt_setprop_u32(b, bus, "#address-cells", 2),
				 0);
		assert_int_equal(fdt_setprop_u32(b, bus, "#size-cells", 2), 0);
	}
	uart = fdt_add_subnode(b, bus, "serial@10001000");
	assert_true(uart >= 0);
	assert_int_equal(fdt_setprop_string(b, uart, "compatible", "ns16550a"),
			 0);
	assert_int_equal(fdt_appendprop_u64(b, uart, "reg", 0x10001000), 0);
	assert_int_equal(fdt_appendprop_u64(b, uart, "reg", 0x100), 0);
	snprintf(path, sizeof(path), "/soc/%s/%s/%s/%s/serial@10001000", name,
		 name, name, name);
	assert_true(strlen(path) >= MACHINE_PATH_LEN);

	strcat(path, ":115200n8");
	assert_int_equal(fdt_setprop_string(b, base_node(b, "/chosen"),
					    "stdout-path", path),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->nuarts, 2);
	assert_true(m->console >= 0);
	assert_int_equal(m->uarts[m->console].base, 0x10001000);
	/* The log's copy is cut short, never overrun. */
	assert_int_equal(strlen(m->stdout_path), MACHINE_PATH_LEN - 1);
	free(m);

	/* The same UART through an alias, with options on both sides. */
	a = fdt_add_subnode(b, 0, "aliases");
	assert_true(a >= 0);
	assert_int_equal(fdt_setprop_string(b, a, "serial7", path), 0);
	assert_int_equal(fdt_setprop_string(b, base_node(b, "/chosen"),
					    "stdout-path", "serial7:9600"),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_true(m->console >= 0);
	assert_int_equal(m->uarts[m->console].base, 0x10001000);
	free(m);

	/* An alias is matched whole: "serial" is not "serial7". */
	assert_int_equal(fdt_setprop_string(b, base_node(b, "/chosen"),
					    "stdout-path", "serial"),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->console, -1);
	assert_string_equal(m->stdout_path, "serial");
	free(m);
	free(b);
}

/*
 * Newer trees give riscv,isa-base and riscv,isa-extensions only: the log's
 * ISA string is spelt from them (letters first, then "_" and the longer
 * ones), cut short safely, and Sstc is still seen.
 */
static void machine_spells_isa_from_base_and_extensions(void **state)
{
	static const char exts[] = "i\0m\0a\0zicsr\0c\0sstc";
	uint8_t *b = editable(BASE, 1024);
	struct machine *m;
	char many[600];
	unsigned i, n = 0;
	int cpu;

	(void)state;
	cpu = base_node(b, "/cpus/cpu@0");
	assert_int_equal(fdt_delprop(b, cpu, "riscv,isa"), 0);
	m = describe(b, fdt_totalsize(b));
	assert_string_equal(m->harts[0].isa, "");
	assert_false(m->harts[0].has_sstc);
	free(m);

	cpu = base_node(b, "/cpus/cpu@0");
	assert_int_equal(fdt_setprop_string(b, cpu, "riscv,isa-base", "rv64i"),
			 0);
	cpu = base_node(b, "/cpus/cpu@0");
	assert_int_equal(
		fdt_setprop(b, cpu, "riscv,isa-extensions", exts, sizeof(exts)),
		0);
	m = describe(b, fdt_totalsize(b));
	assert_string_equal(m->harts[0].isa, "rv64imac_zicsr_sstc");
	assert_true(m->harts[0].has_sstc);
	free(m);

	/* Far more than the copy holds: cut at its size, terminated. */
	for (i = 0; i < 60; i++)
		n += (unsigned)snprintf(many + n, sizeof(many) - n, "zext%u%c",
					i, '\0');
	cpu = base_node(b, "/cpus/cpu@0");
	assert_int_equal(
		fdt_setprop(b, cpu, "riscv,isa-extensions", many, (int)n), 0);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(strlen(m->harts[0].isa), sizeof(m->harts[0].isa) - 1);
	assert_memory_equal(m->harts[0].isa, "rv64i_zext0_zext1", 17);
	free(m);

	/* A base too short to have letters after "rv64" is read safely. */
	cpu = base_node(b, "/cpus/cpu@0");
	assert_int_equal(fdt_setprop_string(b, cpu, "riscv,isa-base", "rv"), 0);
	m = describe(b, fdt_totalsize(b));
	assert_memory_equal(m->harts[0].isa, "rv_zext0", 8);
	free(m);
	free(b);
}

/* Overlapping or repeated RAM ranges count once in the total. */
static void machine_counts_overlapping_ram_once(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	m->nmem = 4;
	m->mem[0] = (struct mem_range){ 0x88000000, 0x8000000 };
	m->mem[1] = (struct mem_range){ 0x80000000, 0x10000000 };
	m->mem[2] = (struct mem_range){ 0x80000000, 0x1000000 };
	m->mem[3] = (struct mem_range){ 0x200000000, 0x1000 };
	assert_int_equal(machine_ram_total(m), 0x10000000 + 0x1000);
	m->nmem = 1;
	assert_int_equal(machine_ram_total(m), 0x8000000);
	m->nmem = 0;
	assert_int_equal(machine_ram_total(m), 0);
	free(m);
}

static void machine_uart_table_and_state_names(void **state)
{
	(void)state;
	assert_true(machine_uart_compatible("ns16550a"));
	assert_true(machine_uart_compatible("ns16550"));
	assert_true(machine_uart_compatible("snps,dw-apb-uart"));
	assert_true(machine_uart_compatible("sifive,uart0"));
	assert_true(machine_uart_compatible("sifive,fu740-c000-uart"));
	assert_true(machine_uart_compatible("sifive,fu540-c000-uart"));
	assert_string_equal(machine_uart_driver("sifive,fu540-c000-uart"),
			    "sifive");
	assert_string_equal(machine_uart_driver("renesas,scif-r9a07g043"),
			    "scif");
	assert_string_equal(machine_uart_driver("renesas,scif-r9a07g044"),
			    "scif");
	/* R-Car's SCIF puts its registers elsewhere: not this driver's. */
	assert_null(machine_uart_driver("renesas,scif"));
	assert_false(machine_uart_compatible("ns16550a "));
	assert_false(machine_uart_compatible(""));
	assert_false(machine_uart_compatible(NULL));
	assert_null(machine_uart_driver("arm,pl011"));
	assert_string_equal(hart_state_name(HART_OVERFLOW),
			    "beyond MACHINE_MAX_HARTS");
	assert_string_equal(hart_state_name(HART_NO_SV39), "MMU without Sv39");
	assert_string_equal(hart_state_name(HART_BAD_NODE), "bad cpu node");
	assert_string_equal(hart_state_name(HART_DUPLICATE),
			    "duplicate hart id");
}

/* ---------------------------------------------------- machine_device --- */

/* Looks name up in blob, expecting success. */
static struct device_desc device_in(const void *blob, size_t len,
				    const char *name)
{
	struct device_desc d;
	struct fdt_error err;
	int rc = machine_device(blob, len, name, &d, &err);

	if (rc)
		fail_msg("machine_device(%s): %d %s: %s at 0x%x", name, rc,
			 err.node, err.what, err.offset);
	return d;
}

static struct device_desc device(const char *tname, const char *name)
{
	const struct tree *t = tree(tname);

	return device_in(t->blob, t->len, name);
}

/*
 * Looks name up in blob expecting rc, with a report that says what is
 * wrong and names a node containing node_part.
 */
static void expect_device_fails(const void *blob, size_t len, const char *name,
				int rc, const char *node_part)
{
	struct device_desc d;
	struct fdt_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(machine_device(blob, len, name, &d, &err), rc);
	assert_int_equal(err.rc, rc);
	assert_non_null(err.what);
	assert_true(err.what[0] != '\0');
	if (!strstr(err.node, node_part))
		fail_msg("machine_device(%s) names node '%s', expected '%s' "
			 "(%s)",
			 name, err.node, node_part, err.what);
}

static void expect_tree_device_fails(const char *tname, const char *name,
				     int rc, const char *node_part)
{
	const struct tree *t = tree(tname);

	expect_device_fails(t->blob, t->len, name, rc, node_part);
}

static uint64_t be_cells(const fdt32_t *p, int n)
{
	return n == 2 ? (uint64_t)fdt32_ld(p) << 32 | fdt32_ld(p + 1)
		      : fdt32_ld(p);
}

/* Adds a PLIC source to the reference description; false past the limit. */
static bool ref_add_irq(struct device_desc *d, uint32_t irq)
{
	if (d->nirqs == DEVICE_MAX_IRQS)
		return false;
	d->irqs[d->nirqs++] = irq;
	return true;
}

/*
 * What machine_device() must say about node, computed with libfdt alone:
 * reg with the parent's cells (callers skip nodes behind a non-identity
 * ranges), the PLIC entries of interrupts-extended, or each interrupts
 * cell when the nearest interrupt-parent is the PLIC (whose
 * #interrupt-cells is 1 on QEMU). Returns the code expected.
 */
static int ref_device(const void *fdt, int node, int plic,
		      struct device_desc *d)
{
	int parent = fdt_parent_offset(fdt, node), len, ac, sc, i, n;
	uint32_t plic_ph = fdt_get_phandle(fdt, plic);
	const char *st = fdt_getprop(fdt, node, "status", NULL);
	const char *compat = fdt_getprop(fdt, node, "compatible", NULL);
	const fdt32_t *reg, *irq;

	memset(d, 0, sizeof(*d));
	if (st && strcmp(st, "okay") != 0 && strcmp(st, "ok") != 0)
		return E_NOENT;
	assert_int_equal(fdt_get_path(fdt, node, d->path, sizeof(d->path)), 0);
	if (compat)
		snprintf(d->compat, sizeof(d->compat), "%s", compat);
	d->is_plic = node == plic;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (reg) {
		ac = fdt_address_cells(fdt, parent);
		sc = fdt_size_cells(fdt, parent);
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
			return E_FORMAT;
		n = len / (4 * (ac + sc));
		if (n > DEVICE_MAX_REGS)
			return E_TOOBIG;
		for (i = 0; i < n; i++) {
			d->regs[i].base = be_cells(reg + i * (ac + sc), ac);
			d->regs[i].size =
				be_cells(reg + i * (ac + sc) + ac, sc);
		}
		d->nregs = (unsigned)n;
	}

	irq = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (irq) {
		for (i = 0; i < len / 4;) {
			uint32_t ph = fdt32_ld(&irq[i++]);
			int ctrl = fdt_node_offset_by_phandle(fdt, ph);
			const fdt32_t *nc;

			assert_true(ctrl >= 0);
			nc = fdt_getprop(fdt, ctrl, "#interrupt-cells", NULL);
			assert_non_null(nc);
			if (ph == plic_ph && !ref_add_irq(d, fdt32_ld(&irq[i])))
				return E_TOOBIG;
			i += (int)fdt32_ld(nc);
		}
		return 0;
	}
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	for (n = node; irq && n >= 0; n = fdt_parent_offset(fdt, n)) {
		const fdt32_t *ip =
			fdt_getprop(fdt, n, "interrupt-parent", NULL);

		if (!ip)
			continue;
		if (fdt32_ld(ip) != plic_ph)
			break;
		for (i = 0; i < len / 4; i++) {
			if (!ref_add_irq(d, fdt32_ld(&irq[i])))
				return E_TOOBIG;
		}
		break;
	}
	return 0;
}

static void expect_same_device(const struct device_desc *got,
			       const struct device_desc *want)
{
	unsigned i;

	assert_string_equal(got->path, want->path);
	assert_string_equal(got->compat, want->compat);
	assert_int_equal(got->is_plic, want->is_plic);
	assert_int_equal(got->nregs, want->nregs);
	for (i = 0; i < want->nregs; i++) {
		assert_int_equal(got->regs[i].base, want->regs[i].base);
		assert_int_equal(got->regs[i].size, want->regs[i].size);
	}
	assert_int_equal(got->nirqs, want->nirqs);
	for (i = 0; i < want->nirqs; i++)
		assert_int_equal(got->irqs[i], want->irqs[i]);
}

/* True if some bus above node has a non-empty ranges (a translation). */
static bool ref_translated(const void *fdt, int node)
{
	int len;

	for (node = fdt_parent_offset(fdt, node); node >= 0;
	     node = fdt_parent_offset(fdt, node)) {
		if (fdt_getprop(fdt, node, "ranges", &len) && len > 0 &&
		    fdt_parent_offset(fdt, node) >= 0)
			return true;
	}
	return false;
}

static void machine_device_matches_libfdt_on_every_qemu_node(void **state)
{
	int i, node, checked = 0, ok = 0, toobig = 0, format = 0;
	char path[256];

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const struct tree *t = &trees[i];
		const void *fdt = t->blob;
		int plic;

		if (!is_qemu(t))
			continue;
		plic = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
		assert_true(plic >= 0);
		for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
		     node = fdt_next_node(fdt, node, NULL)) {
			struct device_desc want, got;
			struct fdt_error err;
			int rc;

			if (ref_translated(fdt, node))
				continue;
			assert_int_equal(
				fdt_get_path(fdt, node, path, sizeof(path)), 0);
			rc = ref_device(fdt, node, plic, &want);
			assert_int_equal(
				machine_device(fdt, t->len, path, &got, &err),
				rc);
			checked++;
			ok += rc == 0;
			toobig += rc == E_TOOBIG;
			format += rc == E_FORMAT;
			if (rc)
				continue;
			expect_same_device(&got, &want);
		}
	}
	/* Enough of each outcome that the comparison means something. */
	assert_true(ok > 100);
	assert_true(format > 0); /* cpu nodes: #size-cells is 0 */
	assert_true(toobig > 0); /* sifive_u's GPIO: 16 interrupts */
	assert_true(checked > ok);
}

static void machine_device_reads_qemu_virt_devices(void **state)
{
	static const char *const virt[] = {
		"qemu-virt-smp1-128M.dtb",
		"qemu-virt-smp1-2G.dtb",
		"qemu-virt-smp4-128M.dtb",
		"qemu-virt-smp4-2G.dtb",
	};
	struct device_desc d;
	char path[64];
	unsigned i, k;

	(void)state;
	for (i = 0; i < 4; i++) {
		d = device(virt[i], "/soc/serial@10000000");
		assert_string_equal(d.path, "/soc/serial@10000000");
		assert_string_equal(d.compat, "ns16550a");
		assert_int_equal(d.nregs, 1);
		assert_int_equal(d.regs[0].base, 0x10000000);
		assert_int_equal(d.regs[0].size, 0x100);
		assert_int_equal(d.nirqs, 1);
		assert_int_equal(d.irqs[0], 10);
		assert_false(d.is_plic);

		/* virtio_mmio@1000k000 has PLIC source k. */
		for (k = 1; k <= 8; k++) {
			snprintf(path, sizeof(path),
				 "/soc/virtio_mmio@1000%u000", k);
			d = device(virt[i], path);
			assert_string_equal(d.compat, "virtio,mmio");
			assert_int_equal(d.nregs, 1);
			assert_int_equal(d.regs[0].base,
					 0x10000000 + k * 0x1000);
			assert_int_equal(d.regs[0].size, 0x1000);
			assert_int_equal(d.nirqs, 1);
			assert_int_equal(d.irqs[0], k);
		}

		d = device(virt[i], "/soc/plic@c000000");
		assert_true(d.is_plic);
		assert_string_equal(d.compat, "sifive,plic-1.0.0");
		assert_int_equal(d.regs[0].base, 0xc000000);
		assert_int_equal(d.regs[0].size, 0x600000);
		/* Its interrupts-extended goes to the harts, not to itself. */
		assert_int_equal(d.nirqs, 0);

		/* The CLINT: interrupts-extended, no PLIC entry. */
		d = device(virt[i], "/soc/clint@2000000");
		assert_int_equal(d.regs[0].base, 0x2000000);
		assert_int_equal(d.nirqs, 0);
		assert_false(d.is_plic);

		/* Two flash banks: two reg entries. */
		d = device(virt[i], "/flash@20000000");
		assert_int_equal(d.nregs, 2);
		assert_int_equal(d.regs[1].base, 0x22000000);
		assert_int_equal(d.regs[1].size, 0x2000000);

		/* QEMU virt has no /aliases at all: no serial0. */
		assert_true(fdt_path_offset(tree(virt[i])->blob, "/aliases") <
			    0);
		expect_tree_device_fails(virt[i], "serial0", E_NOENT,
					 "serial0");
	}
}

/* What granting each QEMU device risks: the table, all compatible
 * strings of a node, dma-coherent, and unknown nodes as both. */
static void machine_device_classifies_what_a_grant_risks(void **state)
{
	const char *t = "qemu-virt-smp1-128M.dtb";
	const unsigned both = DEVICE_RISK_DMA | DEVICE_RISK_MACHINE;
	static const char *const none[] = { NULL };
	static const char *const uart_later[] = { "vendor,x", "ns16550a" };

	(void)state;
	assert_int_equal(device(t, "/soc/serial@10000000").risk, 0);
	assert_int_equal(device(t, "/soc/rtc@101000").risk, 0);
	assert_int_equal(device(t, "/soc/virtio_mmio@10008000").risk,
			 DEVICE_RISK_DMA);
	/* qemu,fw-cfg-mmio, and marked dma-coherent too. */
	assert_int_equal(device(t, "/fw-cfg@10100000").risk, DEVICE_RISK_DMA);
	/* "sifive,test1", "sifive,test0", "syscon". */
	assert_int_equal(device(t, "/soc/test@100000").risk,
			 DEVICE_RISK_MACHINE);
	assert_int_equal(device(t, "/soc/clint@2000000").risk,
			 DEVICE_RISK_MACHINE);
	assert_int_equal(device(t, "/flash@20000000").risk, both);
	assert_int_equal(device(t, "/soc/pci@30000000").risk, both);
	assert_int_equal(device("qemu-sifive_u-smp2-128M.dtb", "serial0").risk,
			 0);

	assert_int_equal(machine_device_risk(none, 0, false), both);
	assert_int_equal(machine_device_risk(uart_later, 2, false), 0);
	assert_int_equal(machine_device_risk(uart_later, 2, true),
			 DEVICE_RISK_DMA);
}

static void machine_device_reads_qemu_sifive_u_aliases(void **state)
{
	static const char *const sifive[] = {
		"qemu-sifive_u-smp2-128M.dtb",
		"qemu-sifive_u-smp5-1G.dtb",
	};
	static const uint32_t dma_irqs[] = { 23, 24, 25, 26, 27, 28, 29, 30 };
	struct device_desc d;
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		d = device(sifive[i], "serial0");
		assert_string_equal(d.path, "/soc/serial@10010000");
		assert_string_equal(d.compat, "sifive,uart0");
		assert_int_equal(d.nregs, 1);
		assert_int_equal(d.regs[0].base, 0x10010000);
		assert_int_equal(d.regs[0].size, 0x1000);
		assert_int_equal(d.nirqs, 1);
		assert_int_equal(d.irqs[0], 4);

		d = device(sifive[i], "serial1");
		assert_string_equal(d.path, "/soc/serial@10011000");
		assert_int_equal(d.irqs[0], 5);

		/* The GEM: control registers and the management block. */
		d = device(sifive[i], "ethernet0");
		assert_string_equal(d.path, "/soc/ethernet@10090000");
		assert_int_equal(d.nregs, 2);
		assert_int_equal(d.regs[0].base, 0x10090000);
		assert_int_equal(d.regs[0].size, 0x2000);
		assert_int_equal(d.regs[1].base, 0x100a0000);
		assert_int_equal(d.regs[1].size, 0x1000);
		assert_int_equal(d.nirqs, 1);
		assert_int_equal(d.irqs[0], 53);

		d = device(sifive[i], "/soc/interrupt-controller@c000000");
		assert_true(d.is_plic);
		assert_int_equal(d.regs[0].size, 0x4000000);

		/* The PDMA has exactly DEVICE_MAX_IRQS sources, in order. */
		d = device(sifive[i], "/soc/dma@3000000");
		assert_int_equal(d.nirqs, DEVICE_MAX_IRQS);
		assert_memory_equal(d.irqs, dma_irqs, sizeof(dma_irqs));

		/* The GPIO block has 16: more than a device_desc holds. */
		expect_tree_device_fails(sifive[i], "/soc/gpio@10060000",
					 E_TOOBIG, "gpio@10060000");
	}
}

static void machine_device_rejects_names_that_lead_nowhere(void **state)
{
	const char *t = "edge-devices.dtb";
	struct device_desc d;

	(void)state;
	expect_tree_device_fails(t, "/soc/serial@20000000", E_NOENT,
				 "/soc/serial@20000000");
	expect_tree_device_fails(t, "/nope", E_NOENT, "/nope");
	expect_tree_device_fails(t, "serial7", E_NOENT, "serial7");
	/* An alias whose path names no node. */
	expect_tree_device_fails(t, "nowhere", E_NOENT, "nowhere");
	/* A node name is not an alias. */
	expect_tree_device_fails(t, "soc", E_NOENT, "soc");
	expect_tree_device_fails(t, "", E_NOENT, "");
	/* No /aliases at all. */
	expect_tree_device_fails(BASE, "serial0", E_NOENT, "serial0");

	d = device(t, "serial0");
	assert_string_equal(d.path, "/soc/serial@10000000");
	assert_int_equal(d.irqs[0], 10);
	/* The root is a node like any other: no reg, no interrupts. */
	d = device(t, "/");
	assert_string_equal(d.path, "/");
	assert_string_equal(d.compat, "rivet,edge-base");
	assert_int_equal(d.nregs, 0);
	assert_int_equal(d.nirqs, 0);

	assert_int_equal(
		machine_device(tree(t)->blob, tree(t)->len, NULL, &d, NULL),
		E_INVAL);
}

static void machine_device_refuses_disabled_nodes(void **state)
{
	const char *t = "edge-devices.dtb";

	(void)state;
	expect_tree_device_fails(t, "/soc/off@10040000", E_NOENT,
				 "off@10040000");
	expect_tree_device_fails(t, "off", E_NOENT, "off@10040000");
	expect_tree_device_fails("edge-uarts.dtb", "/soc/serial@1000f000",
				 E_NOENT, "serial@1000f000");
}

static void
machine_device_keeps_only_plic_entries_of_interrupts_extended(void **state)
{
	struct device_desc d = device("edge-devices.dtb", "mixed");
	static const uint32_t ext9[] = { 21, 22, 23, 24, 25, 26, 27, 28 };

	(void)state;
	assert_string_equal(d.path, "/soc/mixed@10010000");
	assert_string_equal(d.compat, "rivet,mixed");
	assert_int_equal(d.nirqs, 2);
	assert_int_equal(d.irqs[0], 12);
	assert_int_equal(d.irqs[1], 13);
	assert_int_equal(d.nregs, 2);
	assert_int_equal(d.regs[1].base, 0x10011000);
	assert_int_equal(d.regs[1].size, 0x100);

	/* Nine entries, one on the GPIO controller: eight fit. */
	d = device("edge-devices.dtb", "/soc/ext9@10032000");
	assert_int_equal(d.nirqs, DEVICE_MAX_IRQS);
	assert_memory_equal(d.irqs, ext9, sizeof(ext9));
}

/* reg-shift and reg-io-width reach the device description (and from
 * there the info page, for the console's 16550 driver). */
static void machine_device_reads_the_register_layout(void **state)
{
	struct device_desc d;

	(void)state;
	d = device("visionfive2-like.dtb", "serial0");
	assert_string_equal(d.compat, "snps,dw-apb-uart");
	assert_int_equal(d.reg_shift, 2);
	assert_int_equal(d.reg_io_width, 4);
	assert_int_equal(d.nirqs, 1);
	assert_int_equal(d.irqs[0], 32);
	/* Absent: registers one byte apart, byte accesses. */
	d = device("qemu-virt-smp1-128M.dtb", "/soc/serial@10000000");
	assert_int_equal(d.reg_shift, 0);
	assert_int_equal(d.reg_io_width, 1);
	expect_tree_device_fails("edge-devices.dtb", "/soc/shift5@10080000",
				 E_FORMAT, "shift5@10080000");
	expect_tree_device_fails("edge-devices.dtb", "/soc/width3@10090000",
				 E_FORMAT, "width3@10090000");
	expect_tree_device_fails("edge-devices.dtb", "/soc/shift64@100a0000",
				 E_FORMAT, "shift64@100a0000");
}

static void machine_device_translates_every_reg_entry(void **state)
{
	struct device_desc d;
	struct machine *m;

	(void)state;
	d = device("edge-devices.dtb", "/soc/bus@20000000/dma@100");
	assert_int_equal(d.nregs, 2);
	assert_int_equal(d.regs[0].base, 0x20000100);
	assert_int_equal(d.regs[0].size, 0x40);
	assert_int_equal(d.regs[1].base, 0x20080000);
	assert_int_equal(d.regs[1].size, 0x1000);
	assert_int_equal(d.nirqs, 2);
	assert_int_equal(d.irqs[0], 17);
	assert_int_equal(d.irqs[1], 18);

	/* Two levels of ranges, as machine_from_fdt() reads the console. */
	d = device("edge-ranges.dtb", "/soc/bus@20000000/sub@1000/serial@100");
	m = describe_tree("edge-ranges.dtb");
	assert_int_equal(d.regs[0].base, 0x20001100);
	assert_int_equal(d.regs[0].base, m->uarts[1].base);
	assert_int_equal(d.regs[0].size, m->uarts[1].size);
	assert_int_equal(d.irqs[0], m->uarts[1].irq);
	free(m);

	expect_tree_device_fails("edge-ranges-uncovered.dtb",
				 "/soc/bus@20000000/serial@2000", E_FORMAT,
				 "serial@2000");
}

static void machine_device_holds_exactly_its_limits(void **state)
{
	const char *t = "edge-devices.dtb";
	struct device_desc d = device(t, "/soc/full@10020000");
	unsigned i;

	(void)state;
	assert_int_equal(d.nregs, DEVICE_MAX_REGS);
	for (i = 0; i < DEVICE_MAX_REGS; i++) {
		assert_int_equal(d.regs[i].base, 0x10020000 + i * 0x100);
		assert_int_equal(d.regs[i].size, 0x100);
	}
	assert_int_equal(d.nirqs, DEVICE_MAX_IRQS);
	for (i = 0; i < DEVICE_MAX_IRQS; i++)
		assert_int_equal(d.irqs[i], i + 1);

	expect_tree_device_fails(t, "/soc/regs5@10030000", E_TOOBIG,
				 "regs5@10030000");
	expect_tree_device_fails(t, "/soc/irqs9@10031000", E_TOOBIG,
				 "irqs9@10031000");
}

static void machine_device_ignores_interrupts_not_on_the_plic(void **state)
{
	const char *t = "edge-devices.dtb";
	struct device_desc d;

	(void)state;
	d = device(t, "/soc/gpio-only@10050000");
	assert_int_equal(d.nregs, 1);
	assert_int_equal(d.nirqs, 0);
	/* No interrupt parent anywhere above, and no compatible. */
	d = device(t, "/soc/plain@10070000");
	assert_string_equal(d.compat, "");
	assert_int_equal(d.regs[0].base, 0x10070000);
	assert_int_equal(d.nirqs, 0);
	/* The GPIO controller is not the PLIC. */
	d = device(t, "/soc/gpio@10060000");
	assert_false(d.is_plic);
}

static void machine_device_marks_the_plic(void **state)
{
	const char *plic = "/soc/interrupt-controller@c000000";
	struct device_desc d;

	(void)state;
	d = device(BASE, plic);
	assert_true(d.is_plic);
	assert_string_equal(d.compat, "riscv,plic0");
	assert_int_equal(d.regs[0].base, 0xc000000);
	assert_int_equal(d.nirqs, 0);
	/* Placeholder phandles (0xffffffff) in its list are skipped. */
	d = device("edge-plic-contexts.dtb", plic);
	assert_true(d.is_plic);
	assert_int_equal(d.nirqs, 0);
	d = device("sifive-after-opensbi.dtb", "serial0");
	assert_false(d.is_plic);
	assert_int_equal(d.irqs[0], 4);
}

static void machine_device_rejects_malformed_interrupts(void **state)
{
	const char *plic = "/soc/interrupt-controller@c000000";
	const char *uart = "/soc/serial@10000000";
	struct device_desc d;
	uint32_t ph;
	uint8_t *b;

	(void)state;
	b = editable(BASE, 256);
	ph = fdt_get_phandle(b, base_node(b, plic));
	assert_true(ph != 0);

	/* The base PLIC has 31 sources; 0 is "no interrupt". */
	set_cells(b, uart, "interrupts", (const uint32_t[]){ 31 }, 1);
	d = device_in(b, fdt_totalsize(b), uart);
	assert_int_equal(d.irqs[0], 31);
	set_cells(b, uart, "interrupts", (const uint32_t[]){ 32 }, 1);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);
	set_cells(b, uart, "interrupts", (const uint32_t[]){ 0 }, 1);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);
	assert_int_equal(
		fdt_setprop(b, base_node(b, uart), "interrupts", "abc", 3), 0);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);

	/* Two cells per specifier: the first of each is the source. */
	set_u32(b, plic, "#interrupt-cells", 2);
	set_cells(b, uart, "interrupts", (const uint32_t[]){ 10, 4, 11, 4 }, 4);
	d = device_in(b, fdt_totalsize(b), uart);
	assert_int_equal(d.nirqs, 2);
	assert_int_equal(d.irqs[0], 10);
	assert_int_equal(d.irqs[1], 11);
	set_cells(b, uart, "interrupts", (const uint32_t[]){ 10, 4, 11 }, 3);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);
	set_u32(b, plic, "#interrupt-cells", 1);

	/* interrupts-extended wins over interrupts. */
	set_cells(b, uart, "interrupts-extended", (const uint32_t[]){ ph, 5 },
		  2);
	d = device_in(b, fdt_totalsize(b), uart);
	assert_int_equal(d.nirqs, 1);
	assert_int_equal(d.irqs[0], 5);
	/* A phandle nobody has; a list ending inside an entry. */
	set_cells(b, uart, "interrupts-extended",
		  (const uint32_t[]){ ph, 5, 0x4242, 6 }, 4);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);
	set_cells(b, uart, "interrupts-extended",
		  (const uint32_t[]){ ph, 5, ph }, 3);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);
	/* A controller without #interrupt-cells is named. */
	assert_int_equal(fdt_delprop(b, base_node(b, plic), "#interrupt-cells"),
			 0);
	set_cells(b, uart, "interrupts-extended", (const uint32_t[]){ ph, 5 },
		  2);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, plic);
	free(b);

	/* A self-referential interrupt-parent ends, with E_FORMAT. */
	expect_tree_device_fails("edge-irq-parent-self.dtb", uart, E_FORMAT,
				 "serial@10000000");
}

static void machine_device_rejects_bad_reg_and_bad_blobs(void **state)
{
	const char *uart = "/soc/serial@10000000";
	struct device_desc d;
	uint8_t *b = editable(BASE, 256);
	size_t len;

	(void)state;
	set_cells(b, uart, "reg", (const uint32_t[]){ 0, 0x10000000, 0 }, 3);
	expect_device_fails(b, fdt_totalsize(b), uart, E_FORMAT, uart);
	/* No reg at all is fine: nothing to map. */
	assert_int_equal(fdt_delprop(b, base_node(b, uart), "reg"), 0);
	d = device_in(b, fdt_totalsize(b), uart);
	assert_int_equal(d.nregs, 0);
	assert_int_equal(d.irqs[0], 10);
	free(b);

	/* The reader's own checks come first. */
	b = copy_of(tree(BASE), &len);
	put_be32(b, 0xd00dfee0);
	expect_device_fails(b, len, uart, E_FORMAT, "");
	put_be32(b, 0xd00dfeed);
	expect_device_fails(b, len - 1, uart, E_TRUNC, "");
	free(b);
}

/* First cell of a property, read with libfdt (the reference reader). */
static uint32_t libfdt_first_cell(const void *blob, const char *path,
				  const char *prop, int idx)
{
	int node = fdt_path_offset(blob, path), len = 0;
	const fdt32_t *v;

	assert_true(node >= 0);
	v = fdt_getprop(blob, node, prop, &len);
	assert_non_null(v);
	assert_true(len >= (idx + 1) * 4);
	return fdt32_to_cpu(v[idx]);
}

/*
 * A T-Head C9xx PLIC (thead,c900-plic, D1-like) is the PLIC: its
 * #interrupt-cells = <2> specifiers give the source in the first cell,
 * whether inherited from /soc or named through interrupts-extended, and
 * the variant's lost-edge quirk is recorded.
 */
static void machine_reads_thead_plic_with_two_cell_interrupts(void **state)
{
	const struct tree *t = tree("thead-plic-like.dtb");
	struct machine *m = describe_tree("thead-plic-like.dtb");
	struct device_desc d;

	(void)state;
	assert_true(m->plic.present);
	assert_string_equal(m->plic.compat, "thead,c900-plic");
	assert_string_equal(m->plic.path, "/soc/interrupt-controller@10000000");
	assert_true(m->plic.edge_lost);
	assert_int_equal(m->plic.ndev, 175);
	/* cpu@0 is "thead,c906": a core that may have XTheadMae on. */
	assert_true(m->thead_c9xx);
	assert_int_equal(m->harts[0].plic_sctx, 1);
	assert_int_equal(m->console, 0);
	assert_int_equal(m->uarts[0].irq, 18);
	assert_int_equal(
		m->uarts[0].irq,
		libfdt_first_cell(t->blob, m->uarts[0].path, "interrupts", 0));

	d = device("thead-plic-like.dtb", "serial0");
	assert_int_equal(d.nirqs, 1);
	assert_int_equal(d.irqs[0], 18);
	assert_int_equal(d.edge_mask, 0); /* <18 4>: level high */
	/* The string the console's driver table knows, not the SoC's own
	 * first one ("allwinner,sun20i-d1-uart"). */
	assert_string_equal(d.compat, "snps,dw-apb-uart");
	/* Two (phandle, source, type) entries: the types are not sources;
	 * the second is a rising edge (type 1), which the PLIC driver must
	 * know (arch/riscv/plic_src.c). */
	d = device("thead-plic-like.dtb", "/soc/timer@2050000");
	assert_int_equal(d.nirqs, 2);
	assert_int_equal(d.irqs[0], 59);
	assert_int_equal(d.irqs[1], 60);
	assert_int_equal(d.edge_mask, 1u << 1);
	assert_int_equal(d.irqs[1],
			 libfdt_first_cell(t->blob, "/soc/timer@2050000",
					   "interrupts-extended", 4));
	/* The same through interrupts: <85 4>, <86 2> (falling edge). */
	d = device("thead-plic-like.dtb", "/soc/edges@2060000");
	assert_int_equal(d.nirqs, 2);
	assert_int_equal(d.irqs[1], 86);
	assert_int_equal(d.edge_mask, 1u << 1);
	d = device("thead-plic-like.dtb", "/soc/interrupt-controller@10000000");
	assert_true(d.is_plic);
	free(m);
}

/*
 * The RZ/Five-like tree: an Andes PLIC (andestech,nceplic100) and the
 * console on an RZ/G2L SCIF, whose six two-cell interrupts all come out,
 * in order, as sources.
 */
static void machine_reads_andes_plic_and_scif_console(void **state)
{
	static const uint32_t want[] = { 412, 414, 415, 413, 416, 416 };
	const struct tree *t = tree("rzfive-like.dtb");
	struct machine *m = describe_tree("rzfive-like.dtb");
	struct device_desc d;
	unsigned i;

	(void)state;
	assert_string_equal(m->plic.compat, "andestech,nceplic100");
	assert_true(m->plic.edge_lost);
	assert_int_equal(m->plic.ndev, 511);
	assert_false(m->thead_c9xx); /* an Andes AX45MP: no XTheadMae */
	assert_int_equal(m->console, 0);
	assert_string_equal(m->uarts[0].compat, "renesas,scif-r9a07g043");
	assert_string_equal(machine_uart_driver(m->uarts[0].compat), "scif");
	assert_int_equal(m->uarts[0].base, 0x1004b800);
	assert_int_equal(m->uarts[0].irq, 412);

	d = device("rzfive-like.dtb", "serial0");
	assert_string_equal(d.compat, "renesas,scif-r9a07g043");
	assert_int_equal(d.risk, 0); /* a UART the kernel drives */
	assert_int_equal(d.nirqs, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(d.irqs[i], want[i]);
		assert_int_equal(d.irqs[i],
				 libfdt_first_cell(t->blob, d.path,
						   "interrupts", 2 * (int)i));
	}
	free(m);
}

/* The SiFive and generic PLICs have no lost-edge quirk. */
static void machine_plic_quirk_only_for_its_variants(void **state)
{
	struct machine *m = describe_tree("sifive-after-opensbi.dtb");

	(void)state;
	assert_false(m->plic.edge_lost);
	free(m);
	m = describe_tree("visionfive2-like.dtb");
	assert_false(m->plic.edge_lost);
	free(m);
}

/*
 * A PLIC whose compatible list only names a variant Rivet does not know is
 * no PLIC: the UART's interrupt is 0, not a misread cell.
 */
static void machine_ignores_unknown_plic_variant(void **state)
{
	const char *plic = "/soc/interrupt-controller@10000000";
	uint8_t *b = editable("thead-plic-like.dtb", 64);
	struct machine *m;

	(void)state;
	assert_int_equal(fdt_setprop_string(b, base_node(b, plic), "compatible",
					    "vendor,other-plic"),
			 0);
	m = describe(b, fdt_totalsize(b));
	assert_false(m->plic.present);
	assert_int_equal(m->uarts[0].irq, 0);
	assert_int_equal(m->harts[0].plic_sctx, -1);
	free(m);
	free(b);
}

/*
 * machine_device() and machine_from_fdt() agree on every UART they see,
 * except that only machine_device() checks a source against the PLIC's
 * riscv,ndev (edge-uarts.dts wires a UART to source 39 of a PLIC with
 * 31).
 */
/*
 * reg-offset (8250 binding; Andes AE350 UARTs): the registers start that
 * far into reg, for the kernel's console and the device a domain gets.
 */
static void machine_honours_uart_reg_offset(void **state)
{
	uint8_t *b = editable(BASE, 256);
	struct device_desc d;
	struct machine *m;
	const char *uart = "serial@10000000";

	(void)state;
	set_u32(b, "/soc/serial@10000000", "reg-offset", 0x20);
	m = describe(b, fdt_totalsize(b));
	assert_int_equal(m->uarts[m->console].base, 0x10000020);
	assert_int_equal(m->uarts[m->console].size, 0xe0);
	free(m);
	d = device_in(b, fdt_totalsize(b), "/soc/serial@10000000");
	assert_int_equal(d.regs[0].base, 0x10000020);
	assert_int_equal(d.regs[0].size, 0xe0);

	/* At or past the end of reg, or not one cell: the node is named. */
	set_u32(b, "/soc/serial@10000000", "reg-offset", 0x100);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, uart);
	expect_device_fails(b, fdt_totalsize(b), "/soc/serial@10000000",
			    E_FORMAT, uart);
	set_cells(b, "/soc/serial@10000000", "reg-offset",
		  (const uint32_t[]){ 0, 0x20 }, 2);
	expect_machine_fails(b, fdt_totalsize(b), E_FORMAT, uart);
	free(b);
}

static void machine_device_agrees_with_machine_on_uarts(void **state)
{
	int i, checked = 0, beyond_ndev = 0;
	unsigned k;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		struct machine *m = new_machine();
		struct fdt_error err;

		if (machine_from_fdt(m, trees[i].blob, trees[i].len, &err)) {
			free(m);
			continue;
		}
		for (k = 0; k < m->nuarts; k++) {
			const struct uart *u = &m->uarts[k];
			struct device_desc d;

			if (u->irq > m->plic.ndev) {
				expect_device_fails(trees[i].blob, trees[i].len,
						    u->path, E_FORMAT, u->path);
				beyond_ndev++;
				continue;
			}
			d = device_in(trees[i].blob, trees[i].len, u->path);
			assert_string_equal(d.path, u->path);
			assert_int_equal(d.regs[0].base, u->base);
			assert_int_equal(d.regs[0].size, u->size);
			assert_int_equal(d.nirqs ? d.irqs[0] : 0, u->irq);
			checked++;
		}
		free(m);
	}
	assert_true(checked >= 20);
	assert_true(beyond_ndev >= 1);
}

/* --------------------------------------------------- corrupt headers --- */

#define H_MAGIC	       0
#define H_TOTALSIZE    4
#define H_OFF_STRUCT   8
#define H_OFF_STRINGS  12
#define H_OFF_RSVMAP   16
#define H_VERSION      20
#define H_LAST_COMP    24
#define H_SIZE_STRINGS 32
#define H_SIZE_STRUCT  36

/* Opens a copy of the virt tree with one header word replaced. */
static void expect_header_word_fails(unsigned field, uint32_t value, int rc)
{
	size_t len;
	uint8_t *b = copy_of(tree("qemu-virt-smp4-2G.dtb"), &len);

	put_be32(b + field, value);
	expect_open_fails(b, len, rc);
	free(b);
}

static void fdt_open_rejects_bad_magic(void **state)
{
	(void)state;
	expect_header_word_fails(H_MAGIC, 0xedfe0dd0, E_FORMAT);
	expect_header_word_fails(H_MAGIC, 0, E_FORMAT);
}

static void fdt_open_rejects_unsupported_versions(void **state)
{
	(void)state;
	expect_header_word_fails(H_VERSION, 15, E_FORMAT);
	expect_header_word_fails(H_VERSION, 1, E_FORMAT);
	expect_header_word_fails(H_LAST_COMP, 18, E_FORMAT);
}

static void fdt_open_accepts_version_16_header(void **state)
{
	const struct tree *t = tree("qemu-virt-smp4-2G.dtb");
	struct machine *m;
	uint8_t *b;
	size_t len;

	(void)state;
	/* v16 has no size_dt_struct: FDT_END must bound the block. */
	b = copy_of(t, &len);
	put_be32(b + H_VERSION, 16);
	put_be32(b + H_SIZE_STRUCT, 0xdeadbeef);
	m = describe(b, len);
	assert_int_equal(m->nharts, 4);
	free(m);
	free(b);
}

static void fdt_open_rejects_bad_totalsize(void **state)
{
	size_t len = fdt_totalsize(tree("qemu-virt-smp4-2G.dtb")->blob);

	(void)state;
	expect_header_word_fails(H_TOTALSIZE, (uint32_t)len + 1, E_TRUNC);
	expect_header_word_fails(H_TOTALSIZE, FDT_MAX_SIZE + 4, E_TOOBIG);
	expect_header_word_fails(H_TOTALSIZE, 0xffffffffu, E_TOOBIG);
	expect_header_word_fails(H_TOTALSIZE, 39, E_FORMAT);
}

static void fdt_open_rejects_blocks_outside_totalsize(void **state)
{
	size_t len = fdt_totalsize(tree("qemu-virt-smp4-2G.dtb")->blob);
	uint32_t end = (uint32_t)len;

	(void)state;
	expect_header_word_fails(H_OFF_STRUCT, end + 8, E_FORMAT);
	expect_header_word_fails(H_OFF_STRUCT, 0xfffffff0u, E_FORMAT);
	expect_header_word_fails(H_OFF_STRUCT, 0, E_FORMAT); /* in the header */
	expect_header_word_fails(H_SIZE_STRUCT, end, E_FORMAT);
	expect_header_word_fails(H_SIZE_STRUCT, 0xffffffffu, E_FORMAT);
	expect_header_word_fails(H_OFF_STRINGS, end + 1, E_FORMAT);
	expect_header_word_fails(H_SIZE_STRINGS, end, E_FORMAT);
	expect_header_word_fails(H_OFF_RSVMAP, end + 8, E_FORMAT);
	expect_header_word_fails(H_OFF_RSVMAP, 8, E_FORMAT);
}

static void fdt_open_rejects_misaligned_blocks(void **state)
{
	const uint8_t *b = tree("qemu-virt-smp4-2G.dtb")->blob;

	(void)state;
	expect_header_word_fails(H_OFF_STRUCT, get_be32(b + H_OFF_STRUCT) + 2,
				 E_FORMAT);
	expect_header_word_fails(H_OFF_RSVMAP, get_be32(b + H_OFF_RSVMAP) + 4,
				 E_FORMAT);
}

static void fdt_open_rejects_unterminated_memreserve_map(void **state)
{
	size_t len = fdt_totalsize(tree("qemu-virt-smp4-2G.dtb")->blob);

	(void)state;
	/* At most 8 bytes left: no room for even the terminating pair. */
	expect_header_word_fails(H_OFF_RSVMAP, (uint32_t)(len - 1) & ~7u,
				 E_TRUNC);
}

static void fdt_open_rejects_short_buffers(void **state)
{
	const struct tree *t = tree("qemu-virt-smp4-2G.dtb");
	size_t n;

	(void)state;
	for (n = 0; n < 40; n++)
		expect_open_fails(t->blob, n, E_TRUNC);
}

/* ------------------------------------------------------- truncations --- */

static bool near(size_t len, uint32_t mark)
{
	return len + 12 >= mark && len <= (size_t)mark + 12;
}

/*
 * Every truncation of src on a coarse grid and every length near a block
 * boundary. As given (totalsize still claims the whole tree) it must fail
 * with E_TRUNC. With totalsize rewritten to the new length it must be
 * accepted exactly when libfdt's fdt_check_full accepts it, and otherwise
 * fail with E_TRUNC or E_FORMAT.
 */
static void check_truncations(const char *name, const uint8_t *src, int *tested,
			      int *accepted)
{
	size_t total = fdt_totalsize(src), len;
	uint32_t marks[] = { 40,
			     fdt_off_mem_rsvmap(src),
			     fdt_off_mem_rsvmap(src) + 16,
			     fdt_off_dt_struct(src),
			     fdt_off_dt_struct(src) + fdt_size_dt_struct(src),
			     fdt_off_dt_strings(src),
			     fdt_off_dt_strings(src) + fdt_size_dt_strings(src),
			     (uint32_t)total };
	uint8_t *b = malloc(total);

	for (len = 0; len < total; len++) {
		struct fdt_error err;
		struct fdt f;
		bool grid = len % (total / 61 + 1) == 0;
		size_t k;
		int rc, ref;

		for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			grid = grid || near(len, marks[k]);
		if (!grid)
			continue;
		(*tested)++;
		memcpy(b, src, len);
		expect_open_fails(b, len, E_TRUNC);
		if (len < 40)
			continue;
		put_be32(b + H_TOTALSIZE, (uint32_t)len);
		ref = fdt_check_full(b, len);
		rc = fdt_open(&f, b, len, &err);
		if (ref == 0) {
			if (rc)
				fail_msg("%s cut to %zu: libfdt accepts, we "
					 "say %s",
					 name, len, err.what);
			(*accepted)++;
		} else if (rc != E_TRUNC && rc != E_FORMAT) {
			fail_msg("%s cut to %zu: rc %d (libfdt %d)", name, len,
				 rc, ref);
		} else {
			assert_true(err.what[0] != '\0');
		}
	}
	free(b);
}

static void fdt_open_rejects_every_truncation(void **state)
{
	int i, tested = 0, accepted = 0;

	(void)state;
	for (i = 0; i < ntrees; i++) {
		const uint8_t *src = trees[i].blob;
		int padded_len = (int)fdt_totalsize(src) + 64;
		uint8_t *padded = malloc((size_t)padded_len);

		check_truncations(trees[i].name, src, &tested, &accepted);
		/* With free space at the end, short cuts leave a valid tree. */
		assert_int_equal(fdt_open_into(src, padded, padded_len), 0);
		check_truncations(trees[i].name, padded, &tested, &accepted);
		free(padded);
	}
	assert_true(tested > 1000);
	assert_true(accepted >= ntrees);
}

/* ------------------------------------------- corrupt structure block --- */

/* First PROP token of the tree in b (structure offset). */
static uint32_t first_prop(const uint8_t *b)
{
	const uint8_t *s = b + fdt_off_dt_struct(b);
	uint32_t off = 0;

	while (get_be32(s + off) != 3)
		off += 4; /* the root name is "" so tokens are 4-aligned */
	return off;
}

static void fdt_open_rejects_bad_property_name_offset(void **state)
{
	size_t len;
	uint8_t *b = copy_of(tree("qemu-virt-smp4-2G.dtb"), &len);
	uint8_t *prop = b + fdt_off_dt_struct(b) + first_prop(b);
	uint32_t ss = fdt_size_dt_strings(b);
	struct fdt_error err;
	struct fdt f;

	(void)state;
	put_be32(prop + 8, ss + 100);
	expect_open_fails(b, len, E_FORMAT);
	put_be32(prop + 8, 0xffffffffu);
	expect_open_fails(b, len, E_FORMAT);
	/* A name that would run off the end of the strings block. */
	put_be32(prop + 8, ss - 1);
	b[fdt_off_dt_strings(b) + ss - 1] = 'x';
	assert_int_equal(fdt_open(&f, b, len, &err), E_FORMAT);
	assert_string_equal(err.node, "/");
	assert_int_equal(err.offset, fdt_off_dt_struct(b) + first_prop(b));
	free(b);
}

static void fdt_open_rejects_property_running_past_struct_block(void **state)
{
	size_t len;
	uint8_t *b = copy_of(tree("qemu-virt-smp4-2G.dtb"), &len);
	uint8_t *prop = b + fdt_off_dt_struct(b) + first_prop(b);

	(void)state;
	/* One byte past the end of the block is already too far. */
	put_be32(prop + 4, fdt_size_dt_struct(b) - first_prop(b) - 12 + 1);
	expect_open_fails(b, len, E_TRUNC);
	put_be32(prop + 4, fdt_size_dt_struct(b));
	expect_open_fails(b, len, E_TRUNC);
	put_be32(prop + 4, 0xfffffffcu);
	expect_open_fails(b, len, E_TRUNC);
	free(b);
}

/* A small builder for hand-made structure blocks. */
struct builder {
	uint8_t s[4096];
	uint32_t slen;
	char strings[256];
	uint32_t strlen;
};

static void b_word(struct builder *b, uint32_t v)
{
	put_be32(b->s + b->slen, v);
	b->slen += 4;
}

static void b_begin(struct builder *b, const char *name)
{
	size_t n = strlen(name) + 1;

	b_word(b, 1);
	memcpy(b->s + b->slen, name, n);
	b->slen += (uint32_t)n;
	while (b->slen % 4)
		b->s[b->slen++] = 0;
}

static void b_prop(struct builder *b, const char *name, const void *val,
		   uint32_t len)
{
	b_word(b, 3);
	b_word(b, len);
	b_word(b, b->strlen);
	memcpy(b->strings + b->strlen, name, strlen(name) + 1);
	b->strlen += (uint32_t)strlen(name) + 1;
	memcpy(b->s + b->slen, val, len);
	b->slen += len;
	while (b->slen % 4)
		b->s[b->slen++] = 0;
}

/* Lays out header, empty reservation map, structure and strings. */
static size_t b_finish(const struct builder *b, uint8_t *out)
{
	uint32_t off_struct = 40 + 16, off_strings = off_struct + b->slen;
	uint32_t total = off_strings + b->strlen;

	memset(out, 0, total);
	put_be32(out + H_MAGIC, 0xd00dfeed);
	put_be32(out + H_TOTALSIZE, total);
	put_be32(out + H_OFF_STRUCT, off_struct);
	put_be32(out + H_OFF_STRINGS, off_strings);
	put_be32(out + H_OFF_RSVMAP, 40);
	put_be32(out + H_VERSION, 17);
	put_be32(out + H_LAST_COMP, 16);
	put_be32(out + H_SIZE_STRINGS, b->strlen);
	put_be32(out + H_SIZE_STRUCT, b->slen);
	memcpy(out + off_struct, b->s, b->slen);
	memcpy(out + off_strings, b->strings, b->strlen);
	return total;
}

/* Builds and opens, expecting rc (0: success that libfdt agrees with). */
static void expect_built(const struct builder *b, int rc)
{
	static uint8_t blob[8192];
	size_t len = b_finish(b, blob);

	if (rc == 0) {
		struct fdt f;

		assert_int_equal(fdt_check_full(blob, len), 0);
		assert_int_equal(fdt_open(&f, blob, len, NULL), 0);
	} else {
		expect_open_fails(blob, len, rc);
	}
}

static void fdt_open_accepts_minimal_handmade_tree(void **state)
{
	struct builder b = { 0 };

	(void)state;
	b_word(&b, 4); /* NOPs are allowed anywhere */
	b_begin(&b, "");
	b_prop(&b, "model", "m", 2);
	b_word(&b, 4);
	b_begin(&b, "child@1");
	b_word(&b, 2);
	b_begin(&b, "odd@1@2");
	b_word(&b, 2);
	b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, 0);
}

static void
fdt_subnode_needs_exact_match_when_query_has_unit_address(void **state)
{
	static uint8_t blob[8192];
	struct builder b = { 0 };
	struct fdt f;
	size_t len;

	(void)state;
	b_begin(&b, "");
	b_begin(&b, "odd@1@2");
	b_word(&b, 2);
	b_begin(&b, "child@1");
	b_word(&b, 2);
	b_word(&b, 2);
	b_word(&b, 9);
	len = b_finish(&b, blob);
	assert_int_equal(fdt_open(&f, blob, len, NULL), 0);
	/* "odd" may omit the unit address; "odd@1" names another unit. */
	assert_true(fdt_subnode_offset(blob, 0, "odd@1") < 0);
	assert_int_equal(fdt_subnode(&f, 0, "odd@1"), E_NOENT);
	assert_true(fdt_subnode(&f, 0, "odd") > 0);
	assert_int_equal(fdt_subnode(&f, 0, "child"),
			 fdt_subnode(&f, 0, "child@1"));
	assert_int_equal(fdt_path(&f, "/child@1"),
			 fdt_path_offset(blob, "/child@1"));
}

static void fdt_open_rejects_unterminated_node_name(void **state)
{
	struct builder b = { 0 };

	(void)state;
	b_begin(&b, "");
	b_word(&b, 1);
	memcpy(b.s + b.slen, "abcdefgh", 8); /* no NUL before the end */
	b.slen += 8;
	expect_built(&b, E_TRUNC);
}

static void fdt_open_rejects_missing_fdt_end(void **state)
{
	struct builder b = { 0 };

	(void)state;
	b_begin(&b, "");
	b_word(&b, 2);
	expect_built(&b, E_TRUNC);
	b_word(&b, 4); /* a NOP is not an end either */
	expect_built(&b, E_TRUNC);
}

static void fdt_open_rejects_nesting_deeper_than_max(void **state)
{
	struct builder b = { 0 };
	int i;

	(void)state;
	b_begin(&b, "");
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		b_begin(&b, "n");
	for (i = 0; i < FDT_MAX_DEPTH; i++)
		b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, 0); /* exactly FDT_MAX_DEPTH levels is fine */

	memset(&b, 0, sizeof(b));
	b_begin(&b, "");
	for (i = 0; i < FDT_MAX_DEPTH; i++)
		b_begin(&b, "n");
	for (i = 0; i <= FDT_MAX_DEPTH; i++)
		b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, E_TOOBIG);
}

static void fdt_open_rejects_unbalanced_end_node(void **state)
{
	struct builder b = { 0 };

	(void)state;
	b_begin(&b, "");
	b_word(&b, 2);
	b_word(&b, 2); /* one END_NODE too many */
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	memset(&b, 0, sizeof(b));
	b_begin(&b, "");
	b_begin(&b, "a");
	b_word(&b, 2);
	b_word(&b, 9); /* the root is never closed */
	expect_built(&b, E_FORMAT);
}

static void fdt_open_rejects_malformed_token_streams(void **state)
{
	struct builder b = { 0 };

	(void)state;
	/* Unknown token. */
	b_begin(&b, "");
	b_word(&b, 7);
	b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	/* Two roots. */
	memset(&b, 0, sizeof(b));
	b_begin(&b, "");
	b_word(&b, 2);
	b_begin(&b, "");
	b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	/* No root at all. */
	memset(&b, 0, sizeof(b));
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	/* A root with a name. */
	memset(&b, 0, sizeof(b));
	b_begin(&b, "root");
	b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	/* A property outside any node. */
	memset(&b, 0, sizeof(b));
	b_prop(&b, "x", "", 0);
	b_begin(&b, "");
	b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	/* A property after a child node. */
	memset(&b, 0, sizeof(b));
	b_begin(&b, "");
	b_begin(&b, "a");
	b_word(&b, 2);
	b_prop(&b, "late", "", 0);
	b_word(&b, 2);
	b_word(&b, 9);
	expect_built(&b, E_FORMAT);

	/* A property header cut by the end of the block. */
	memset(&b, 0, sizeof(b));
	b_begin(&b, "");
	b_word(&b, 3);
	b_word(&b, 0);
	expect_built(&b, E_TRUNC);
}

static void fdt_error_names_the_node_and_offset(void **state)
{
	struct builder b = { 0 };
	static uint8_t blob[8192];
	struct fdt_error err;
	struct fdt f;
	size_t len;
	uint32_t at;

	(void)state;
	b_begin(&b, "");
	b_begin(&b, "soc");
	b_begin(&b, "serial@10");
	at = b.slen;
	b_word(&b, 3);
	b_word(&b, 4);
	b_word(&b, 200); /* name offset beyond the strings block */
	b_word(&b, 0);
	b_word(&b, 2);
	b_word(&b, 2);
	b_word(&b, 2);
	b_word(&b, 9);
	len = b_finish(&b, blob);
	assert_int_equal(fdt_open(&f, blob, len, &err), E_FORMAT);
	assert_string_equal(err.node, "/soc/serial@10");
	assert_int_equal(err.offset, 56 + at);
	assert_non_null(strstr(err.what, "strings block"));
}

int main(void)
{
	const char *dir = getenv("RIVET_DTB_DIR");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fdt_open_accepts_every_tree),
		cmocka_unit_test(fdt_walk_matches_libfdt_nodes_props_and_paths),
		cmocka_unit_test(fdt_phandle_lookup_matches_libfdt),
		cmocka_unit_test(fdt_memreserve_matches_libfdt),
		cmocka_unit_test(fdt_compatible_and_status_match_libfdt),
		cmocka_unit_test(
			fdt_subnode_and_path_accept_names_without_unit_address),
		cmocka_unit_test(fdt_property_readers_check_lengths),
		cmocka_unit_test(fdt_get_path_reports_small_buffer),
		cmocka_unit_test(
			fdt_accessors_reject_handles_that_are_not_nodes),
		cmocka_unit_test(machine_matches_qemu_command_line_and_libfdt),
		cmocka_unit_test(machine_reads_sifive_tree_after_opensbi),
		cmocka_unit_test(machine_reads_visionfive2_like_tree),
		cmocka_unit_test(machine_names_why_each_hart_is_skipped),
		cmocka_unit_test(machine_counts_harts_beyond_the_limit),
		cmocka_unit_test(machine_keeps_the_boot_hart_past_the_limit),
		cmocka_unit_test(machine_reads_64_harts),
		cmocka_unit_test(machine_keeps_console_among_too_many_uarts),
		cmocka_unit_test(machine_reads_plic_contexts_not_a_formula),
		cmocka_unit_test(machine_translates_bus_ranges),
		cmocka_unit_test(machine_rejects_reg_outside_bus_ranges),
		cmocka_unit_test(machine_rejects_tree_without_memory),
		cmocka_unit_test(machine_takes_memory_the_firmware_adds),
		cmocka_unit_test(
			machine_stops_on_self_referential_interrupt_parent),
		cmocka_unit_test(machine_stops_on_interrupt_parent_cycle),
		cmocka_unit_test(machine_accepts_the_base_tree),
		cmocka_unit_test(machine_rejects_missing_cpus),
		cmocka_unit_test(machine_rejects_cpus_without_cpu_nodes),
		cmocka_unit_test(machine_rejects_missing_or_zero_timebase),
		cmocka_unit_test(machine_rejects_unsupported_cell_counts),
		cmocka_unit_test(machine_uses_default_cells_when_absent),
		cmocka_unit_test(machine_rejects_reg_not_a_multiple_of_cells),
		cmocka_unit_test(machine_rejects_memory_that_wraps),
		cmocka_unit_test(machine_rejects_memory_node_without_reg),
		cmocka_unit_test(machine_rejects_more_ram_ranges_than_it_holds),
		cmocka_unit_test(machine_rejects_memreserve_that_wraps),
		cmocka_unit_test(machine_reads_initrd_by_length),
		cmocka_unit_test(machine_rejects_backwards_initrd),
		cmocka_unit_test(machine_rejects_initrd_of_odd_length),
		cmocka_unit_test(machine_rejects_malformed_uart_properties),
		cmocka_unit_test(machine_rejects_dangling_interrupt_parent),
		cmocka_unit_test(machine_rejects_bad_plic_interrupts_extended),
		cmocka_unit_test(machine_rejects_plic_ndev_out_of_range),
		cmocka_unit_test(machine_reads_two_cell_hartids),
		cmocka_unit_test(machine_refuses_a_second_node_for_one_hart),
		cmocka_unit_test(
			machine_finds_console_behind_a_long_stdout_path),
		cmocka_unit_test(machine_spells_isa_from_base_and_extensions),
		cmocka_unit_test(machine_counts_overlapping_ram_once),
		cmocka_unit_test(machine_honours_uart_reg_offset),
		cmocka_unit_test(machine_cuts_long_bootargs_between_words),
		cmocka_unit_test(machine_names_an_aia_controller_without_plic),
		cmocka_unit_test(machine_reads_the_newer_trees_fixture),
		cmocka_unit_test(machine_takes_cpu_nodes_without_device_type),
		cmocka_unit_test(machine_takes_timebase_from_a_later_cpu),
		cmocka_unit_test(
			machine_takes_the_first_uart_without_stdout_path),
		cmocka_unit_test(
			machine_reads_thead_plic_with_two_cell_interrupts),
		cmocka_unit_test(machine_reads_andes_plic_and_scif_console),
		cmocka_unit_test(machine_plic_quirk_only_for_its_variants),
		cmocka_unit_test(machine_ignores_unknown_plic_variant),
		cmocka_unit_test(machine_uart_table_and_state_names),
		cmocka_unit_test(
			machine_device_matches_libfdt_on_every_qemu_node),
		cmocka_unit_test(machine_device_reads_qemu_virt_devices),
		cmocka_unit_test(machine_device_classifies_what_a_grant_risks),
		cmocka_unit_test(machine_device_reads_qemu_sifive_u_aliases),
		cmocka_unit_test(
			machine_device_rejects_names_that_lead_nowhere),
		cmocka_unit_test(machine_device_refuses_disabled_nodes),
		cmocka_unit_test(
			machine_device_keeps_only_plic_entries_of_interrupts_extended),
		cmocka_unit_test(machine_device_reads_the_register_layout),
		cmocka_unit_test(machine_device_translates_every_reg_entry),
		cmocka_unit_test(machine_device_holds_exactly_its_limits),
		cmocka_unit_test(
			machine_device_ignores_interrupts_not_on_the_plic),
		cmocka_unit_test(machine_device_marks_the_plic),
		cmocka_unit_test(machine_device_rejects_malformed_interrupts),
		cmocka_unit_test(machine_device_rejects_bad_reg_and_bad_blobs),
		cmocka_unit_test(machine_device_agrees_with_machine_on_uarts),
		cmocka_unit_test(fdt_open_rejects_bad_magic),
		cmocka_unit_test(fdt_open_rejects_unsupported_versions),
		cmocka_unit_test(fdt_open_accepts_version_16_header),
		cmocka_unit_test(fdt_open_rejects_bad_totalsize),
		cmocka_unit_test(fdt_open_rejects_blocks_outside_totalsize),
		cmocka_unit_test(fdt_open_rejects_misaligned_blocks),
		cmocka_unit_test(fdt_open_rejects_unterminated_memreserve_map),
		cmocka_unit_test(fdt_open_rejects_short_buffers),
		cmocka_unit_test(fdt_open_rejects_every_truncation),
		cmocka_unit_test(fdt_open_rejects_bad_property_name_offset),
		cmocka_unit_test(
			fdt_open_rejects_property_running_past_struct_block),
		cmocka_unit_test(fdt_open_accepts_minimal_handmade_tree),
		cmocka_unit_test(
			fdt_subnode_needs_exact_match_when_query_has_unit_address),
		cmocka_unit_test(fdt_open_rejects_unterminated_node_name),
		cmocka_unit_test(fdt_open_rejects_missing_fdt_end),
		cmocka_unit_test(fdt_open_rejects_nesting_deeper_than_max),
		cmocka_unit_test(fdt_open_rejects_unbalanced_end_node),
		cmocka_unit_test(fdt_open_rejects_malformed_token_streams),
		cmocka_unit_test(fdt_error_names_the_node_and_offset),
	};

	if (!dir || !dir[0]) {
		fprintf(stderr, "test_fdt: RIVET_DTB_DIR is not set; run "
				"`make dtbs` and set it to $(O)/dtbs\n");
		return 1;
	}
	if (load_trees(dir) < 18) {
		fprintf(stderr,
			"test_fdt: expected the QEMU dumps and fixtures in %s "
			"(found %d .dtb files); run `make dtbs`\n",
			dir, ntrees);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
