/* SPDX-License-Identifier: MIT */
/*
 * Bounded reader for flattened device trees (DTB, version 17).
 *
 * The tree comes from firmware and is untrusted. fdt_open() validates the
 * header and walks the whole structure block once (token alignment, nesting
 * depth, property lengths, string offsets, termination), so that later
 * accessors can never read outside the blob. Every accessor still checks its
 * own bounds and fails with a negative code from <rivet/errno.h>.
 *
 * Nodes are named by their byte offset in the structure block (as in libfdt),
 * so a node "handle" is a plain int; negative values are errors.
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC     0xd00dfeedu
#define FDT_MAX_DEPTH 64 /* as Linux; deeper nesting is treated as corrupt */
#define FDT_MAX_SIZE  (4u << 20) /* larger trees are refused */

struct fdt {
	const uint8_t *blob;
	uint32_t size; /* totalsize from the header, checked against avail */
	uint32_t off_struct, size_struct;
	uint32_t off_strings, size_strings;
	uint32_t off_rsvmap;
	uint32_t version;
};

/* What went wrong, for a boot error a person can act on. */
struct fdt_error {
	int rc;		  /* negative code from <rivet/errno.h> */
	uint32_t offset;  /* byte offset in the blob where it was noticed */
	const char *what; /* static text: "property length runs past ..." */
	char node[96];	  /* path or name of the node involved, may be "" */
};

/*
 * Validates the blob (at most avail bytes are readable at blob) and fills f.
 * Returns 0, or a negative code with err (if non-NULL) describing the fault.
 */
int fdt_open(struct fdt *f, const void *blob, size_t avail,
	     struct fdt_error *err);

/* Root node offset (always valid after fdt_open). */
int fdt_root(const struct fdt *f);

/*
 * Depth-first iteration: returns the node after node (any depth), or
 * E_NOENT at the end. *depth (may be NULL) is updated relative to node.
 */
int fdt_next_node(const struct fdt *f, int node, int *depth);

/* First child of node / next sibling of node, or E_NOENT. */
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);

/* Parent of node (linear walk from the root), or E_NOENT for the root. */
int fdt_parent(const struct fdt *f, int node);

/*
 * Node name including unit address ("serial@10000000"); root is "".
 * NULL if node is not a node handle of f.
 */
const char *fdt_name(const struct fdt *f, int node);

/*
 * Child of parent called name; name may omit the unit address, in which
 * case "memory" matches "memory@80000000" (first match wins).
 */
int fdt_subnode(const struct fdt *f, int parent, const char *name);

/* Node at an absolute path ("/soc/plic@c000000"), or E_NOENT. */
int fdt_path(const struct fdt *f, const char *path);

/*
 * The same for the first len bytes of path (it need not be terminated
 * there: a stdout-path before its ":options", a property value).
 */
int fdt_path_n(const struct fdt *f, const char *path, size_t len);

/* Writes node's full path into buf (always terminated); returns 0 or E_TOOBIG. */
int fdt_get_path(const struct fdt *f, int node, char *buf, size_t size);

/*
 * Property value of node, or NULL if absent. *len (may be NULL) receives
 * the value's length in bytes; the value lies wholly inside the blob.
 */
const void *fdt_getprop(const struct fdt *f, int node, const char *name,
			uint32_t *len);

/*
 * Property iteration: cookie starts at 0; returns 1 with *out filled while
 * there are more, 0 after the last one, a negative code for a bad node.
 */
struct fdt_prop {
	const char *name;
	const void *value;
	uint32_t len;
};
int fdt_next_prop(const struct fdt *f, int node, uint32_t *cookie,
		  struct fdt_prop *out);

/*
 * Value of a string property, or NULL if absent, empty or not
 * NUL-terminated inside its length (so the result is always safe to use).
 */
const char *fdt_prop_str(const struct fdt *f, int node, const char *name);

/*
 * idx-th string of a string-list property ("compatible"), or NULL past the
 * end; a final piece not NUL-terminated inside the value is not returned.
 */
const char *fdt_stringlist_item(const struct fdt *f, int node, const char *name,
				unsigned idx);

/* Single big-endian cell / u64 property readers; false if absent or wrong size. */
bool fdt_prop_u32(const struct fdt *f, int node, const char *name,
		  uint32_t *out);
/* Reads a 4- or 8-byte property (QEMU writes some as one cell, U-Boot two). */
bool fdt_prop_u64_by_len(const struct fdt *f, int node, const char *name,
			 uint64_t *out);

/* True if the string list property "compatible" contains compat. */
bool fdt_is_compatible(const struct fdt *f, int node, const char *compat);

/* Is the node enabled ("okay"/"ok" or no status property)? */
bool fdt_is_enabled(const struct fdt *f, int node);

/* Node whose "phandle" (or "linux,phandle") equals ph, or E_NOENT. */
int fdt_node_by_phandle(const struct fdt *f, uint32_t ph);

/* Reads a big-endian number of ncells (1 or 2) cells at p. */
uint64_t fdt_read_cells(const void *p, uint32_t ncells);

/* /memreserve/ entries: i-th entry into base/size; false past the end. */
bool fdt_memreserve(const struct fdt *f, unsigned i, uint64_t *base,
		    uint64_t *size);

#endif
