/* SPDX-License-Identifier: MIT */
/* The kernel's embedded table of text symbols (scripts/gen-ksyms). */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

/* Name of the function holding addr and the offset into it, or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

#endif
