/* SPDX-License-Identifier: MIT */
/*
 * What the domain files (domain.c, domain_create.c, domain_reap.c) share
 * and nothing else calls.
 */
#ifndef KERNEL_DOMAIN_INTERNAL_H
#define KERNEL_DOMAIN_INTERNAL_H

#include "kernel/sched/domain.h"

/* Maps the shared registry page read-only into d (made on first use). */
int domain_map_registry(struct domain *d);
/* Takes it out again, before d's address space goes. */
void domain_unmap_registry(struct domain *d);

/* A table entry to create a domain in, or NULL (domain.c says which). */
struct domain *domain_free_entry(void);

#endif
