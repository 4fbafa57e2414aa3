// SPDX-License-Identifier: MIT
/*
 * /chosen: bootargs, stdout-path (aliases resolved) and the initrd.
 */
#include "kernel/boot/machine_scan.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* Length of a stdout-path (or alias) value before its ":options". */
static uint32_t path_len(const char *v, uint32_t len)
{
	uint32_t n = 0;

	while (n < len && v[n] != '\0' && v[n] != ':')
		n++;
	return n;
}

/*
 * The value of the alias called name (n bytes) in /aliases, or NULL.
 */
static const char *alias_value(const struct scan *s, const char *name,
			       uint32_t n, uint32_t *len)
{
	struct fdt_prop p;
	uint32_t cookie = 0;
	int aliases;

	aliases = fdt_path(s->f, "/aliases");
	if (aliases < 0)
		return NULL;
	while (fdt_next_prop(s->f, aliases, &cookie, &p) == 1) {
		if (strlen(p.name) == n && memcmp(p.name, name, n) == 0) {
			*len = p.len;
			return p.value;
		}
	}
	return NULL;
}

/*
 * stdout-path (or linux,stdout-path): "path[:options]" or
 * "alias[:options]". The node is looked up from the property itself, not
 * from m->stdout_path, which is only a copy for the log and may be cut
 * short: a long path must still find its UART.
 */
static void read_stdout_path(struct scan *s, int chosen)
{
	struct machine *m = s->m;
	const char *v, *a;
	uint32_t len, alen;

	v = fdt_getprop(s->f, chosen, "stdout-path", &len);
	if (!v)
		v = fdt_getprop(s->f, chosen, "linux,stdout-path", &len);
	if (!v)
		return;
	len = path_len(v, len);
	if (len > 0 && v[0] != '/') {
		a = alias_value(s, v, len, &alen);
		if (a) {
			v = a;
			len = path_len(a, alen);
		}
	}
	scan_copy_str(m->stdout_path, sizeof(m->stdout_path), v, len);
	if (len > 0 && v[0] == '/')
		s->stdout_node = fdt_path_n(s->f, v, len);
}

/*
 * Copies bootargs; if they do not fit, cuts them at the last space that
 * does, so a word past the limit is dropped whole, never read as a
 * shorter word ("rivet.conf=/etc/lon" for "rivet.conf=/etc/long.conf").
 */
static void read_bootargs(struct machine *m, const char *v, uint32_t len)
{
	size_t n = sizeof(m->bootargs) - 1;

	scan_copy_str(m->bootargs, sizeof(m->bootargs), v, len);
	if (strnlen(v, len) <= n)
		return;
	m->bootargs_cut = true;
	/* v[n] is the first character left out: a space ends a word. */
	if (v[n] == ' ')
		return;
	while (n > 0 && m->bootargs[n - 1] != ' ')
		n--;
	m->bootargs[n] = '\0';
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
		read_bootargs(m, v, len);

	read_stdout_path(s, chosen);

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
