// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the device-tree reader and the machine description.
 *
 * The bytes are a would-be DTB. fdt_open() must either reject them with a
 * reason or accept them; if it accepts, every accessor is run over every
 * node and must stay inside the buffer (ASan watches) and agree with the
 * tree's shape. Accessors are also fed handles taken from the input, which
 * need not be nodes. Finally machine_from_fdt() runs on the same bytes.
 * Any broken invariant traps, so libFuzzer reports it as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/boot/fdt.h"
#include "kernel/boot/machine.h"
#include <rivet/errno.h>

/* Quadratic checks (parent, path) run on this many nodes at most. */
#define DEEP_CHECKED_NODES 64

#define check(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static const uint8_t *g_data;
static size_t g_size;
static volatile uint32_t sink; /* keeps the reads of values alive */

static void check_inside(const void *p, size_t len)
{
	const uint8_t *b = p;

	check(b >= g_data && len <= g_size &&
	      (size_t)(b - g_data) <= g_size - len);
}

/* Touches every byte of a property value so ASan sees any overrun. */
static void touch(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t i, sum = 0;

	check_inside(p, len);
	for (i = 0; i < len; i++)
		sum += b[i];
	sink += sum;
}

static void exercise_props(const struct fdt *f, int node)
{
	static const char *const names[] = {
		"compatible",	  "reg",
		"status",	  "phandle",
		"#address-cells", "#size-cells",
		"interrupts",	  "interrupts-extended",
		"ranges",
	};
	struct fdt_prop p;
	uint32_t cookie = 0, len, v32;
	uint64_t v64;
	const char *s;
	unsigned i;
	int rc;

	while ((rc = fdt_next_prop(f, node, &cookie, &p)) == 1) {
		check_inside(p.name, strlen(p.name) + 1);
		touch(p.value, p.len);
		check(fdt_getprop(f, node, p.name, &len) != NULL);
	}
	check(rc == 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const void *v = fdt_getprop(f, node, names[i], &len);

		if (v)
			touch(v, len);
		fdt_prop_u32(f, node, names[i], &v32);
		fdt_prop_u64_by_len(f, node, names[i], &v64);
		s = fdt_prop_str(f, node, names[i]);
		if (s)
			check_inside(s, strlen(s) + 1);
	}
	for (i = 0; (s = fdt_stringlist_item(f, node, "compatible", i)); i++)
		check_inside(s, strlen(s) + 1);
	fdt_is_compatible(f, node, "riscv,plic0");
	fdt_is_enabled(f, node);
}

static void exercise_node(const struct fdt *f, int node, bool deep)
{
	char path[160];
	const char *name = fdt_name(f, node);
	int c, n;

	check(name != NULL);
	check_inside(name, strlen(name) + 1);
	exercise_props(f, node);
	fdt_subnode(f, node, "cpu");
	fdt_subnode(f, node, name);
	for (c = fdt_first_child(f, node); c >= 0; c = fdt_next_sibling(f, c)) {
		check(c > node);
		if (deep)
			check(fdt_parent(f, c) == node);
	}
	if (!deep)
		return;
	n = fdt_get_path(f, node, path, sizeof(path));
	check(n == 0 || n == E_TOOBIG);
	check(strlen(path) < sizeof(path));
	if (n == 0)
		fdt_path(f, path);
}

/* Accessors on handles that may be anything, e.g. bytes of the input. */
static void exercise_bad_handles(const struct fdt *f, const uint8_t *data,
				 size_t size)
{
	struct fdt_prop p;
	uint32_t cookie;
	char buf[32];
	size_t i;
	int h, d = 0;

	for (i = 0; i + 4 <= size && i < 32; i += 4) {
		memcpy(&h, data + i, sizeof(h));
		h &= 0xffff; /* small enough to land inside the blob often */
		fdt_name(f, h);
		fdt_next_node(f, h, &d);
		fdt_first_child(f, h);
		fdt_next_sibling(f, h);
		fdt_parent(f, h);
		fdt_get_path(f, h, buf, sizeof(buf));
		fdt_getprop(f, h, "reg", NULL);
		cookie = (uint32_t)h + 4;
		while (fdt_next_prop(f, 0, &cookie, &p) == 1)
			touch(p.value, p.len);
		fdt_node_by_phandle(f, (uint32_t)h);
	}
}

static void check_machine(const struct machine *m, int rc,
			  const struct fdt_error *err)
{
	unsigned i;

	if (rc) {
		check(err->rc == rc && err->what && err->what[0]);
		check(strnlen(err->node, sizeof(err->node)) <
		      sizeof(err->node));
		return;
	}
	check(m->nmem >= 1 && m->nmem <= MACHINE_MAX_MEM);
	check(m->nresv <= MACHINE_MAX_RESV);
	check(m->nharts + m->harts_dropped >= 1);
	check(m->nharts <= MACHINE_MAX_HARTS);
	check(m->timebase_hz != 0);
	check(m->nuarts <= MACHINE_MAX_UARTS);
	check(m->console < (int)m->nuarts);
	check(!m->has_initrd || m->initrd_end >= m->initrd_start);
	for (i = 0; i < m->nmem; i++)
		check(m->mem[i].size &&
		      m->mem[i].base + m->mem[i].size > m->mem[i].base);
	for (i = 0; i < m->nharts; i++) {
		check(m->harts[i].plic_sctx >= -1);
		check(strnlen(m->harts[i].isa, sizeof(m->harts[i].isa)) <
		      sizeof(m->harts[i].isa));
		check(hart_state_name(m->harts[i].state) != NULL);
	}
	for (i = 0; i < m->nuarts; i++)
		check(machine_uart_driver(m->uarts[i].compat) != NULL);
	check(strnlen(m->stdout_path, sizeof(m->stdout_path)) <
	      sizeof(m->stdout_path));
	check(strnlen(m->bootargs, sizeof(m->bootargs)) < sizeof(m->bootargs));
}

/* machine_device() on names a configuration could give: aliases, paths,
 * the stdout-path's node; whatever it returns must be within limits. */
static void exercise_devices(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"serial0",
		"/soc/serial@10000000",
		"/soc/rtc@101000",
		"/soc/virtio_mmio@10008000",
		"/soc/plic@c000000",
		"/",
		"",
		"/cpus/cpu@0",
		"ethernet0",
		"/soc",
	};
	static struct device_desc dev;
	struct fdt_error err;
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&dev, 0xa5, sizeof(dev));
		if (machine_device(data, size, names[i], &dev, &err))
			continue;
		check(dev.nregs <= DEVICE_MAX_REGS);
		check(dev.nirqs <= DEVICE_MAX_IRQS);
		check(memchr(dev.path, 0, sizeof(dev.path)) != NULL);
		check(memchr(dev.compat, 0, sizeof(dev.compat)) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine m;
	struct fdt_error err;
	uint64_t base, len;
	struct fdt f;
	int node, depth = 0, count = 0, rc;
	unsigned i;

	g_data = data;
	g_size = size;
	rc = fdt_open(&f, data, size, &err);
	if (rc) {
		check(rc < 0 && err.rc == rc && err.what && err.what[0]);
		check(fdt_root(&f) < 0);
	} else {
		check(f.size <= size);
		for (node = fdt_root(&f); node >= 0;
		     node = fdt_next_node(&f, node, &depth)) {
			check(depth >= 0 && depth < FDT_MAX_DEPTH);
			exercise_node(&f, node, count++ < DEEP_CHECKED_NODES);
		}
		check(node == E_NOENT);
		for (i = 0; fdt_memreserve(&f, i, &base, &len); i++)
			;
		exercise_bad_handles(&f, data, size);
	}

	memset(&m, 0xa5, sizeof(m));
	i = (unsigned)machine_from_fdt(&m, data, size, &err);
	check(!rc || (int)i == rc); /* no tree, no machine */
	check_machine(&m, (int)i, &err);
	/* As the kernel reads it, booted on some hart the tree may list. */
	memset(&m, 0xa5, sizeof(m));
	i = (unsigned)machine_from_fdt_boot(&m, data, size, size % 80, &err);
	check(!rc || (int)i == rc);
	check_machine(&m, (int)i, &err);
	exercise_devices(data, size);
	return 0;
}
