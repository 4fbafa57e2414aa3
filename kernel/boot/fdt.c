// SPDX-License-Identifier: MIT
/*
 * Bounded flattened-device-tree reader; the contract is in fdt.h.
 *
 * Blob layout (Devicetree Specification, chapter 5): a big-endian header,
 * the memory reservation block (pairs of u64 ended by a 0,0 pair), the
 * structure block (a stream of 4-byte aligned tokens) and the strings block
 * (NUL-terminated property names that PROP tokens refer to by offset).
 *
 * Everything here reads the blob bytewise: firmware may hand us a tree at
 * any address, and the kernel must not take a misaligned-load trap on it.
 * Every walk moves forward through the structure block only, so each loop
 * ends after at most size_struct / 4 steps whatever the blob contains.
 */
#include "kernel/boot/fdt.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* Structure block tokens. */
#define TOK_BEGIN_NODE 1u
#define TOK_END_NODE   2u
#define TOK_PROP       3u
#define TOK_NOP	       4u
#define TOK_END	       9u

/* Header field offsets and sizes. size_dt_struct exists from version 17. */
#define HDR_MAGIC	 0
#define HDR_TOTALSIZE	 4
#define HDR_OFF_STRUCT	 8
#define HDR_OFF_STRINGS	 12
#define HDR_OFF_RSVMAP	 16
#define HDR_VERSION	 20
#define HDR_LAST_COMP	 24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT	 36
#define HDR_LEN_V16	 36
#define HDR_LEN_V17	 40

#define RSV_ENTRY_LEN 16

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static uint32_t align4(uint32_t x)
{
	return (x + 3u) & ~3u;
}

static const uint8_t *struct_block(const struct fdt *f)
{
	return f->blob + f->off_struct;
}

/*
 * Decodes the token at structure offset off and sets *next to the offset
 * after it. Returns the token, or a negative code with *what set. Never
 * reads outside the structure block, whatever off is.
 */
static int tag_at(const struct fdt *f, uint32_t off, uint32_t *next,
		  const char **what)
{
	const uint8_t *s = struct_block(f);
	uint32_t tok, left, len;
	const uint8_t *nul;

	if (off & 3u) {
		*what = "misaligned structure token";
		return E_FORMAT;
	}
	if (off > f->size_struct || f->size_struct - off < 4) {
		*what = "token runs past the end of the structure block";
		return E_TRUNC;
	}
	tok = be32(s + off);
	left = f->size_struct - off - 4;
	switch (tok) {
	case TOK_BEGIN_NODE:
		nul = memchr(s + off + 4, 0, left);
		if (!nul) {
			*what = "node name not terminated inside the structure "
				"block";
			return E_TRUNC;
		}
		*next = align4(off + 4 + (uint32_t)(nul - (s + off + 4)) + 1);
		return (int)tok;
	case TOK_PROP:
		if (left < 8) {
			*what = "property header runs past the end of the "
				"structure block";
			return E_TRUNC;
		}
		len = be32(s + off + 4);
		if (len > left - 8) {
			*what = "property value runs past the end of the "
				"structure block";
			return E_TRUNC;
		}
		*next = align4(off + 12 + len);
		return (int)tok;
	case TOK_END_NODE:
	case TOK_NOP:
	case TOK_END:
		*next = off + 4;
		return (int)tok;
	default:
		*what = "unknown structure block token";
		return E_FORMAT;
	}
}

/* Property name at nameoff, or NULL if outside or unterminated. */
static const char *string_at(const struct fdt *f, uint32_t nameoff)
{
	const char *s = (const char *)f->blob + f->off_strings;

	if (nameoff >= f->size_strings)
		return NULL;
	if (!memchr(s + nameoff, 0, f->size_strings - nameoff))
		return NULL;
	return s + nameoff;
}

/* Records a fault for the caller of fdt_open; returns rc. */
static int open_fail(struct fdt_error *err, int rc, uint32_t offset,
		     const char *what)
{
	if (err) {
		err->rc = rc;
		err->offset = offset;
		err->what = what;
	}
	return rc;
}

/* Writes "/a/b" from the names of the open nodes (names[0] is the root). */
static void names_to_path(char *buf, size_t size, const char *const *names,
			  int depth)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	if (depth <= 0)
		return;
	if (depth == 1) {
		strlcpy(buf, "/", size);
		return;
	}
	for (i = 1; i < depth && used + 1 < size; i++) {
		buf[used++] = '/';
		buf[used] = '\0';
		used += strlcpy(buf + used, names[i], size - used);
		if (used >= size)
			used = size - 1;
	}
}

/*
 * Walks the whole structure block once and checks that it is one well
 * formed tree. Afterwards every property name resolves, every node is
 * closed and FDT_END is reachable, which the accessors rely on for
 * meaningful (not merely safe) answers.
 */
static int check_struct(const struct fdt *f, struct fdt_error *err)
{
	const char *names[FDT_MAX_DEPTH];
	const uint8_t *s = struct_block(f);
	uint32_t off = 0, next = 0;
	int depth = 0, roots = 0, rc = 0, tok;
	bool after_child = false;
	const char *what = "";

	for (;;) {
		if (off >= f->size_struct) {
			rc = E_TRUNC;
			what = "structure block ends before FDT_END";
			break;
		}
		tok = tag_at(f, off, &next, &what);
		if (tok < 0) {
			rc = tok;
			break;
		}
		if (tok == (int)TOK_BEGIN_NODE) {
			const char *name = (const char *)s + off + 4;

			if (depth == 0 && roots++ > 0) {
				rc = E_FORMAT;
				what = "more than one root node";
				break;
			}
			if (depth == 0 && name[0] != '\0') {
				rc = E_FORMAT;
				what = "root node name is not empty";
				break;
			}
			if (depth == FDT_MAX_DEPTH) {
				rc = E_TOOBIG;
				what = "nodes nested deeper than FDT_MAX_DEPTH";
				break;
			}
			names[depth++] = name;
			after_child = false;
		} else if (tok == (int)TOK_END_NODE) {
			if (depth == 0) {
				rc = E_FORMAT;
				what = "END_NODE without a matching BEGIN_NODE";
				break;
			}
			depth--;
			after_child = true;
		} else if (tok == (int)TOK_PROP) {
			uint32_t nameoff = be32(s + off + 8);

			if (depth == 0) {
				rc = E_FORMAT;
				what = "property outside any node";
				break;
			}
			if (after_child) {
				rc = E_FORMAT;
				what = "property after a child node";
				break;
			}
			if (nameoff >= f->size_strings) {
				rc = E_FORMAT;
				what = "property name offset outside the "
				       "strings "
				       "block";
				break;
			}
			if (!string_at(f, nameoff)) {
				rc = E_FORMAT;
				what = "property name not terminated inside "
				       "the "
				       "strings block";
				break;
			}
		} else if (tok == (int)TOK_END) {
			if (depth != 0) {
				rc = E_FORMAT;
				what = "FDT_END inside an unclosed node";
				break;
			}
			if (roots == 0) {
				rc = E_FORMAT;
				what = "no root node";
				break;
			}
			return 0;
		}
		off = next;
	}
	if (err)
		names_to_path(err->node, sizeof(err->node), names, depth);
	return open_fail(err, rc, f->off_struct + off, what);
}

/* Checks that block [off, off+size) lies after the header and inside total. */
static bool block_inside(uint32_t off, uint32_t size, uint32_t hdr,
			 uint32_t total)
{
	return off >= hdr && off <= total && size <= total - off;
}

/* Checks the header against avail and itself, and fills t from it. */
static int check_header(struct fdt *t, const uint8_t *b, size_t avail,
			struct fdt_error *err)
{
	uint32_t hdr, total, off;

	if (avail < 4)
		return open_fail(err, E_TRUNC, 0,
				 "blob shorter than the magic");
	if (be32(b + HDR_MAGIC) != FDT_MAGIC)
		return open_fail(err, E_FORMAT, HDR_MAGIC,
				 "bad magic (not a flattened device tree)");
	if (avail < HDR_LEN_V16)
		return open_fail(err, E_TRUNC, 0,
				 "blob shorter than the header");
	t->version = be32(b + HDR_VERSION);
	if (t->version < 16)
		return open_fail(err, E_FORMAT, HDR_VERSION,
				 "version older than 16");
	if (be32(b + HDR_LAST_COMP) > 17)
		return open_fail(err, E_FORMAT, HDR_LAST_COMP,
				 "last compatible version newer than 17");
	hdr = t->version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;
	if (avail < hdr)
		return open_fail(err, E_TRUNC, 0,
				 "blob shorter than the header");

	total = be32(b + HDR_TOTALSIZE);
	if (total < hdr)
		return open_fail(err, E_FORMAT, HDR_TOTALSIZE,
				 "totalsize smaller than the header");
	if (total > FDT_MAX_SIZE)
		return open_fail(err, E_TOOBIG, HDR_TOTALSIZE,
				 "totalsize larger than FDT_MAX_SIZE");
	if (total > avail)
		return open_fail(err, E_TRUNC, HDR_TOTALSIZE,
				 "totalsize runs past the end of the blob");
	t->size = total;

	t->off_struct = be32(b + HDR_OFF_STRUCT);
	if (t->off_struct & 3u)
		return open_fail(err, E_FORMAT, HDR_OFF_STRUCT,
				 "structure block not 4-byte aligned");
	if (!block_inside(t->off_struct, 0, hdr, total))
		return open_fail(err, E_FORMAT, HDR_OFF_STRUCT,
				 "structure block outside totalsize");
	/* Before v17 the block size is unknown: FDT_END bounds it. */
	t->size_struct = t->version >= 17 ? be32(b + HDR_SIZE_STRUCT)
					  : total - t->off_struct;
	if (!block_inside(t->off_struct, t->size_struct, hdr, total))
		return open_fail(err, E_FORMAT, HDR_SIZE_STRUCT,
				 "structure block outside totalsize");

	t->off_strings = be32(b + HDR_OFF_STRINGS);
	t->size_strings = be32(b + HDR_SIZE_STRINGS);
	if (!block_inside(t->off_strings, 0, hdr, total))
		return open_fail(err, E_FORMAT, HDR_OFF_STRINGS,
				 "strings block outside totalsize");
	if (!block_inside(t->off_strings, t->size_strings, hdr, total))
		return open_fail(err, E_FORMAT, HDR_SIZE_STRINGS,
				 "strings block outside totalsize");

	t->off_rsvmap = be32(b + HDR_OFF_RSVMAP);
	if (t->off_rsvmap & 7u)
		return open_fail(err, E_FORMAT, HDR_OFF_RSVMAP,
				 "memory reservation map not 8-byte aligned");
	if (!block_inside(t->off_rsvmap, 0, hdr, total))
		return open_fail(err, E_FORMAT, HDR_OFF_RSVMAP,
				 "memory reservation map outside totalsize");
	for (off = t->off_rsvmap;; off += RSV_ENTRY_LEN) {
		if (total - off < RSV_ENTRY_LEN)
			return open_fail(err, E_TRUNC, off,
					 "memory reservation map not "
					 "terminated inside totalsize");
		if (be64(b + off) == 0 && be64(b + off + 8) == 0)
			break;
	}
	return 0;
}

int fdt_open(struct fdt *f, const void *blob, size_t avail,
	     struct fdt_error *err)
{
	struct fdt t;
	int rc;

	if (err) {
		err->rc = 0;
		err->offset = 0;
		err->what = "";
		err->node[0] = '\0';
	}
	memset(&t, 0, sizeof(t));
	if (f)
		memset(f, 0, sizeof(*f));
	if (!f || !blob)
		return open_fail(err, E_INVAL, 0, "no device tree given");

	rc = check_header(&t, blob, avail, err);
	if (rc)
		return rc;
	t.blob = blob;
	rc = check_struct(&t, err);
	if (rc)
		return rc;
	*f = t;
	return 0;
}

/*
 * True if node is the offset of a BEGIN_NODE token; *body receives the
 * offset just after it. Rejects handles that are not nodes, including
 * everything when f was never successfully opened.
 */
static bool node_ok(const struct fdt *f, int node, uint32_t *body)
{
	const char *what;

	if (!f || !f->blob || node < 0)
		return false;
	return tag_at(f, (uint32_t)node, body, &what) == (int)TOK_BEGIN_NODE;
}

int fdt_root(const struct fdt *f)
{
	uint32_t off = 0, next;
	const char *what;
	int tok;

	if (!f || !f->blob)
		return E_INVAL;
	for (;;) {
		tok = tag_at(f, off, &next, &what);
		if (tok < 0)
			return tok;
		if (tok == (int)TOK_BEGIN_NODE)
			return (int)off;
		if (tok != (int)TOK_NOP)
			return E_FORMAT;
		off = next;
	}
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	uint32_t off, next;
	const char *what;
	int d = 0, tok;

	if (!node_ok(f, node, &off))
		return E_INVAL;
	for (;;) {
		tok = tag_at(f, off, &next, &what);
		if (tok < 0)
			return tok;
		if (tok == (int)TOK_BEGIN_NODE) {
			if (depth)
				*depth += d + 1;
			return (int)off;
		}
		if (tok == (int)TOK_END_NODE)
			d--;
		else if (tok == (int)TOK_END)
			return E_NOENT;
		off = next;
	}
}

int fdt_first_child(const struct fdt *f, int node)
{
	uint32_t off, next;
	const char *what;
	int tok;

	if (!node_ok(f, node, &off))
		return E_INVAL;
	for (;;) {
		tok = tag_at(f, off, &next, &what);
		if (tok < 0)
			return tok;
		if (tok == (int)TOK_BEGIN_NODE)
			return (int)off;
		if (tok != (int)TOK_PROP && tok != (int)TOK_NOP)
			return E_NOENT;
		off = next;
	}
}

int fdt_next_sibling(const struct fdt *f, int node)
{
	uint32_t off, next;
	const char *what;
	int d = 1, tok; /* we start inside node */

	if (!node_ok(f, node, &off))
		return E_INVAL;
	for (;;) {
		tok = tag_at(f, off, &next, &what);
		if (tok < 0)
			return tok;
		if (tok == (int)TOK_BEGIN_NODE) {
			if (d == 0)
				return (int)off;
			d++;
		} else if (tok == (int)TOK_END_NODE) {
			if (d == 0)
				return E_NOENT; /* the parent closes */
			d--;
		} else if (tok == (int)TOK_END) {
			return E_NOENT;
		}
		off = next;
	}
}

/*
 * Finds node by walking from the root, recording the offsets of the open
 * nodes in stack[0..*depth-1] (stack[0] is the root, the last is node).
 * Returns 0, or E_NOENT if node is not a node of this tree.
 */
static int ancestry(const struct fdt *f, int node, int *stack, int *depth)
{
	uint32_t off, next;
	const char *what;
	int d = 0, tok, root;

	if (!node_ok(f, node, &next))
		return E_INVAL;
	root = fdt_root(f);
	if (root < 0)
		return root;
	for (off = (uint32_t)root;; off = next) {
		tok = tag_at(f, off, &next, &what);
		if (tok < 0)
			return tok;
		if (tok == (int)TOK_BEGIN_NODE) {
			if (d == FDT_MAX_DEPTH)
				return E_FORMAT;
			stack[d++] = (int)off;
			if ((int)off == node) {
				*depth = d;
				return 0;
			}
		} else if (tok == (int)TOK_END_NODE) {
			if (d <= 1)
				return E_NOENT; /* the root closed */
			d--;
		} else if (tok == (int)TOK_END) {
			return E_NOENT;
		}
	}
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH], depth, rc;

	rc = ancestry(f, node, stack, &depth);
	if (rc)
		return rc;
	if (depth < 2)
		return E_NOENT;
	return stack[depth - 2];
}

const char *fdt_name(const struct fdt *f, int node)
{
	uint32_t body;

	if (!node_ok(f, node, &body))
		return NULL;
	return (const char *)struct_block(f) + node + 4;
}

/* True if child name cn matches the len bytes at name (see fdt_subnode). */
static bool name_matches(const char *cn, const char *name, size_t len)
{
	if (strnlen(cn, len + 1) < len || memcmp(cn, name, len) != 0)
		return false;
	if (cn[len] == '\0')
		return true;
	return cn[len] == '@' && !memchr(name, '@', len);
}

/* fdt_subnode() for a name given by pointer and length. */
static int subnode_n(const struct fdt *f, int parent, const char *name,
		     size_t len)
{
	int c;

	for (c = fdt_first_child(f, parent); c >= 0;
	     c = fdt_next_sibling(f, c)) {
		if (name_matches(fdt_name(f, c), name, len))
			return c;
	}
	return c;
}

int fdt_subnode(const struct fdt *f, int parent, const char *name)
{
	if (!name)
		return E_INVAL;
	return subnode_n(f, parent, name, strlen(name));
}

int fdt_path_n(const struct fdt *f, const char *path, size_t len)
{
	const char *p = path, *end = path + len, *q;
	int node;

	if (!path || len == 0 || path[0] != '/')
		return E_NOENT;
	node = fdt_root(f);
	while (node >= 0) {
		while (p < end && *p == '/')
			p++;
		if (p == end || *p == '\0')
			return node;
		for (q = p; q < end && *q != '\0' && *q != '/'; q++)
			;
		node = subnode_n(f, node, p, (size_t)(q - p));
		p = q;
	}
	return E_NOENT;
}

int fdt_path(const struct fdt *f, const char *path)
{
	return path ? fdt_path_n(f, path, strlen(path)) : E_NOENT;
}

int fdt_get_path(const struct fdt *f, int node, char *buf, size_t size)
{
	int stack[FDT_MAX_DEPTH], depth, rc, i;
	size_t used = 0, n;
	const char *name;

	if (!buf || size == 0)
		return E_TOOBIG;
	buf[0] = '\0';
	rc = ancestry(f, node, stack, &depth);
	if (rc)
		return rc;
	if (depth == 1)
		return strlcpy(buf, "/", size) < size ? 0 : E_TOOBIG;
	for (i = 1; i < depth; i++) {
		name = fdt_name(f, stack[i]);
		if (used + 1 >= size)
			return E_TOOBIG;
		buf[used++] = '/';
		buf[used] = '\0';
		n = strlcpy(buf + used, name, size - used);
		if (n >= size - used)
			return E_TOOBIG; /* left truncated but terminated */
		used += n;
	}
	return 0;
}

int fdt_next_prop(const struct fdt *f, int node, uint32_t *cookie,
		  struct fdt_prop *out)
{
	uint32_t off, next;
	const char *what;
	const uint8_t *s;
	int tok;

	if (!node_ok(f, node, &off) || !cookie || !out)
		return E_INVAL;
	if (*cookie != 0) {
		if (*cookie <= (uint32_t)node)
			return E_INVAL;
		off = *cookie;
	}
	s = struct_block(f);
	for (;;) {
		tok = tag_at(f, off, &next, &what);
		if (tok < 0)
			return tok;
		if (tok == (int)TOK_NOP) {
			off = next;
			continue;
		}
		if (tok != (int)TOK_PROP) {
			*cookie = off;
			return 0;
		}
		out->name = string_at(f, be32(s + off + 8));
		if (!out->name)
			return E_FORMAT;
		out->len = be32(s + off + 4);
		out->value = s + off + 12;
		*cookie = next;
		return 1;
	}
}

const void *fdt_getprop(const struct fdt *f, int node, const char *name,
			uint32_t *len)
{
	struct fdt_prop p;
	uint32_t cookie = 0;

	if (!name)
		return NULL;
	while (fdt_next_prop(f, node, &cookie, &p) == 1) {
		if (strcmp(p.name, name) == 0) {
			if (len)
				*len = p.len;
			return p.value;
		}
	}
	return NULL;
}

bool fdt_prop_u32(const struct fdt *f, int node, const char *name,
		  uint32_t *out)
{
	uint32_t len;
	const void *v = fdt_getprop(f, node, name, &len);

	if (!v || len != 4)
		return false;
	*out = be32(v);
	return true;
}

bool fdt_prop_u64_by_len(const struct fdt *f, int node, const char *name,
			 uint64_t *out)
{
	uint32_t len;
	const void *v = fdt_getprop(f, node, name, &len);

	if (!v || (len != 4 && len != 8))
		return false;
	*out = len == 4 ? be32(v) : be64(v);
	return true;
}

const char *fdt_prop_str(const struct fdt *f, int node, const char *name)
{
	uint32_t len;
	const char *v = fdt_getprop(f, node, name, &len);

	if (!v || len == 0 || !memchr(v, 0, len))
		return NULL;
	return v;
}

const char *fdt_stringlist_item(const struct fdt *f, int node, const char *name,
				unsigned idx)
{
	uint32_t len, n;
	const char *v = fdt_getprop(f, node, name, &len);

	while (v) {
		/* A piece without its NUL inside the value does not count. */
		if (len == 0 || !memchr(v, 0, len))
			return NULL;
		if (idx-- == 0)
			return v;
		n = (uint32_t)strlen(v) + 1;
		v += n;
		len -= n;
	}
	return NULL;
}

bool fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
	const char *s;
	unsigned i;

	if (!compat)
		return false;
	for (i = 0; (s = fdt_stringlist_item(f, node, "compatible", i)); i++) {
		if (strcmp(s, compat) == 0)
			return true;
	}
	return false;
}

bool fdt_is_enabled(const struct fdt *f, int node)
{
	uint32_t len;
	const char *s;

	if (!fdt_getprop(f, node, "status", &len))
		return node_ok(f, node, &len);
	/* A status that is not a clean string is not "okay". */
	s = fdt_prop_str(f, node, "status");
	return s && (strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0);
}

int fdt_node_by_phandle(const struct fdt *f, uint32_t ph)
{
	uint32_t v;
	int n;

	/* 0 and ~0 are never valid phandles (OpenSBI uses ~0 as "none"). */
	if (ph == 0 || ph == 0xffffffffu)
		return E_NOENT;
	for (n = fdt_root(f); n >= 0; n = fdt_next_node(f, n, NULL)) {
		if ((fdt_prop_u32(f, n, "phandle", &v) ||
		     fdt_prop_u32(f, n, "linux,phandle", &v)) &&
		    v == ph)
			return n;
	}
	return E_NOENT;
}

uint64_t fdt_read_cells(const void *p, uint32_t ncells)
{
	if (!p)
		return 0;
	if (ncells == 1)
		return be32(p);
	if (ncells == 2)
		return be64(p);
	return 0;
}

bool fdt_memreserve(const struct fdt *f, unsigned i, uint64_t *base,
		    uint64_t *size)
{
	uint64_t off;
	unsigned j;

	if (!f || !f->blob || !base || !size)
		return false;
	/* Entries after the 0,0 terminator do not exist. */
	for (j = 0, off = f->off_rsvmap;; j++, off += RSV_ENTRY_LEN) {
		if (off + RSV_ENTRY_LEN > f->size)
			return false;
		*base = be64(f->blob + off);
		*size = be64(f->blob + off + 8);
		if (*base == 0 && *size == 0)
			return false;
		if (j == i)
			return true;
	}
}
