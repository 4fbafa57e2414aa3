// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the cpio newc reader. Besides the sanitizers, it
 * checks what the kernel relies on: each entry lies inside the archive,
 * names are terminated there, the offset only moves forward, and errors
 * carry a code and a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rivet/errno.h>

#include "kernel/boot/cpio.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static void check_entry(const uint8_t *data, size_t size,
			const struct cpio_entry *e)
{
	const uint8_t *name = (const uint8_t *)e->name;
	volatile uint8_t sink = 0;

	CHECK(name >= data && name < data + size);
	CHECK(memchr(name, 0, (size_t)(data + size - name)) != NULL);
	CHECK(strlen(e->name) <= CPIO_NAME_MAX);
	CHECK(e->data >= data && e->data <= data + size);
	CHECK(e->size <= (size_t)(data + size - e->data));
	for (size_t i = 0; i < e->size; i++)
		sink ^= e->data[i];
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry e;
	struct cpio_error err;
	size_t off = 0, prev;
	int rc;

	for (;;) {
		prev = off;
		memset(&err, 0, sizeof(err));
		rc = cpio_next(data, size, &off, &e, &err);
		if (rc <= 0)
			break;
		CHECK(off > prev && off <= size && off % 4 == 0);
		check_entry(data, size, &e);
	}
	if (rc == 0) {
		CHECK(off > prev && off <= size);
	} else {
		CHECK(rc == E_TRUNC || rc == E_FORMAT || rc == E_TOOBIG);
		CHECK(err.rc == rc && err.what != NULL);
		CHECK(err.offset == prev);
	}

	rc = cpio_find(data, size, "/etc/rivet.conf", &e, &err);
	if (rc == 0) {
		check_entry(data, size, &e);
		CHECK((e.mode & 0170000) == 0100000);
	}
	return 0;
}
