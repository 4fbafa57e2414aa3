// SPDX-License-Identifier: MIT
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
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* Records what went wrong at node (negative: no node) and returns rc. */
int scan_fail(const struct scan *s, int rc, int node, const char *what)
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
void scan_copy_str(char *dst, size_t size, const void *val, uint32_t len)
{
	size_t n = val ? strnlen(val, len) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, val, n);
	dst[n] = '\0';
}

/* phandle of node ("phandle", else the older "linux,phandle"), 0 if none. */
uint32_t scan_phandle(const struct fdt *f, int node)
{
	uint32_t ph;

	if (fdt_prop_u32(f, node, "phandle", &ph) ||
	    fdt_prop_u32(f, node, "linux,phandle", &ph))
		return ph;
	return 0;
}

/* Optional one-cell property: dflt if absent, E_FORMAT if malformed. */
int scan_opt_u32(const struct scan *s, int node, const char *name,
		 uint32_t dflt, uint32_t *out)
{
	if (!fdt_getprop(s->f, node, name, NULL)) {
		*out = dflt;
		return 0;
	}
	if (fdt_prop_u32(s->f, node, name, out))
		return 0;
	return scan_fail(
		s, E_FORMAT, node,
		"reg-shift, reg-io-width or current-speed is not one cell");
}

int machine_from_fdt(struct machine *m, const void *blob, size_t avail,
		     struct fdt_error *err)
{
	return machine_from_fdt_boot(m, blob, avail, MACHINE_ANY_HART, err);
}

int machine_from_fdt_boot(struct machine *m, const void *blob, size_t avail,
			  uint64_t boot_hartid, struct fdt_error *err)
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
	s.boot_hartid = boot_hartid;

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
