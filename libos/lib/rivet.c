/* SPDX-License-Identifier: MIT */
/*
 * Small runtime helpers: the info page, time, finding and yielding to a
 * domain by name, exit, and the start-up work crt0 asks for.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rivet/libos.h>

#include "libos_internal.h"

const struct rivet_info *rivet_info(void)
{
	return (const struct rivet_info *)RIVET_INFO_VA;
}

uint64_t rivet_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

const struct rivet_registry *rivet_registry(void)
{
	return (const struct rivet_registry *)RIVET_REGISTRY_VA;
}

uint32_t rivet_registry_count(void)
{
	const struct rivet_registry *r = rivet_registry();
	uint32_t n = r->ndomains,
		 max = sizeof(r->domains) / sizeof(r->domains[0]);

	return n < max ? n : max;
}

uint32_t rivet_domain_state(long id)
{
	if (id < 1 || (unsigned long)id > rivet_registry_count())
		return 0;
	return rivet_registry()->domains[id - 1].state;
}

/* The id of name in the registry, or -1. A name can come back (a spawned
 * domain after an ended one of that name): the live one wins. */
static long registry_lookup(const struct rivet_info *info, const char *name)
{
	const struct rivet_registry *r = rivet_registry();
	size_t len = strlen(name);
	uint32_t i, n = rivet_registry_count();
	long ended = -1;

	if (info->magic != RIVET_INFO_MAGIC || len >= sizeof(info->name))
		return -1;
	for (i = 0; i < n; i++) {
		const char *entry = r->domains[i].name;

		if (memcmp(entry, name, len) || entry[len] != '\0')
			continue;
		if (rivet_domain_alive(r->domains[i].id))
			return r->domains[i].id;
		ended = r->domains[i].id;
	}
	return ended;
}

long rivet_domain_lookup(const char *name)
{
	struct rivet_ret r;
	long id = registry_lookup(rivet_info(), name);

	if (id >= 0)
		return id;
	/* The kernel knows best; ask it (no registry, or a newer domain). */
	r = sys2_domain_lookup(name, strlen(name));
	return r.rc ? r.rc : (long)r.val;
}

void rivet_exit(int status)
{
	rivet_console_flush();
	sys_exit(status);
	for (;;) /* SYS_exit does not return */
		;
}

/* picolibc's exit() and abort() end here. */
void _exit(int status)
{
	rivet_exit(status);
}

void rivet_libos_init(const struct rivet_info *info, struct rivet_upcall *u)
{
	/* Everything else uses the fixed addresses: check they agree. */
	if ((uintptr_t)info != RIVET_INFO_VA ||
	    (uintptr_t)u != RIVET_UPCALL_VA ||
	    rivet_info()->magic != RIVET_INFO_MAGIC)
		printf("librivet: unexpected start-up: info %p, upcall area "
		       "%p, "
		       "magic %#lx\n",
		       (const void *)info, (void *)u,
		       (unsigned long)rivet_info()->magic);
	rivet_upcall_init();
}

uint64_t rivet_pte(uintptr_t va)
{
	const volatile uint64_t *dir = (const uint64_t *)RIVET_PTVIEW_DIR_VA;
	const volatile uint64_t *view = (const uint64_t *)RIVET_PTVIEW_VA;
	uint64_t page = va >> 12, vpage = page / 512;

	if (va >= RIVET_MAP_TOP)
		return 0;
	/* A view page exists only once something in its 2 MiB was mapped. */
	if (!(dir[vpage / 64] & (1ULL << (vpage % 64))))
		return 0;
	return view[page];
}
