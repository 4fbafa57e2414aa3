// SPDX-License-Identifier: MIT
/*
 * /chosen: bootargs, stdout-path (aliases resolved) and the initrd.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

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
			scan_copy_str(m->stdout_path, sizeof(m->stdout_path),
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
		return scan_fail(
			s, E_FORMAT, chosen,
			"linux,initrd-start/-end is neither 4 nor 8 bytes");
	return 0;
}

/* /chosen: bootargs, stdout-path and the initrd. All optional. */
int scan_chosen(struct scan *s)
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
		scan_copy_str(m->bootargs, sizeof(m->bootargs), v, len);

	v = fdt_getprop(f, chosen, "stdout-path", &len);
	if (!v)
		v = fdt_getprop(f, chosen, "linux,stdout-path", &len);
	if (v) {
		scan_copy_str(m->stdout_path, sizeof(m->stdout_path), v, len);
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
			return scan_fail(s, E_FORMAT, chosen,
					 "linux,initrd-end is below "
					 "linux,initrd-start");
		m->has_initrd = true;
	} else {
		m->initrd_start = m->initrd_end = 0;
	}
	return 0;
}
