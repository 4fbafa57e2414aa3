// SPDX-License-Identifier: MIT
/*
 * Symbol lookup for backtraces. The table is generated from pass 1 of the
 * link (scripts/gen-ksyms): entries sorted by address, each an address and
 * an offset into a string blob that follows the entries.
 */
#include "kernel/lib/ksyms.h"

struct ksym {
	uint64_t addr;
	uint32_t name; /* offset into ksyms_names */
	uint32_t pad;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[] __attribute__((weak));
extern char _etext[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (!hi || addr < ksyms_table[0].addr || addr >= (uintptr_t)_etext)
		return 0;
	/* Binary search for the last entry at or below addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_table[lo].addr;
	return &ksyms_names[ksyms_table[lo].name];
}
