/* SPDX-License-Identifier: MIT */
/* Functions shared between librivet's own files; not part of the API. */
#ifndef LIBOS_INTERNAL_H
#define LIBOS_INTERNAL_H

#include <rivet/abi.h>

/* Called once by crt0 with the addresses the kernel passed in a0/a1. */
void rivet_libos_init(const struct rivet_info *info, struct rivet_upcall *u);

/* Installs the default handlers and registers the upcall entries. */
void rivet_upcall_init(void);

/* The C half of the exception entry (upcall_entry.S calls it). */
void rivet_upcall_dispatch(struct rivet_upcall *u);

#endif
