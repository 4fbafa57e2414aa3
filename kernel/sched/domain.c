// SPDX-License-Identifier: MIT
/*
 * The domain table, its lookups and the registry page every domain reads.
 * Creation is in domain_create.c, the end of a domain in domain_reap.c.
 */
#include "kernel/sched/domain.h"

#include "kernel/arch.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include "kernel/sched/domain_internal.h"
#include "kernel/sched/sched.h"
#include <rivet/errno.h>

struct domain domains[DOMAIN_MAX];
unsigned ndomains;
struct cap_system domain_caps;

/* The registry page (struct rivet_registry), shared read-only by every
 * domain; a kernel frame, made at the first domain's start. */
struct rivet_registry *domain_registry;
static uint64_t registry_pa;

int domain_registry_init(void)
{
	int rc;

	if (domain_registry)
		return 0;
	rc = frame_alloc(mem_frames(), 0, &registry_pa);
	if (rc)
		return rc;
	domain_registry = phys_to_virt(registry_pa);
	memset(domain_registry, 0, PAGE_SIZE);
	return 0;
}

int domain_map_registry(struct domain *d)
{
	int rc = domain_registry_init();

	if (rc)
		return rc;
	d->registry_state = &domain_registry->domains[d->id - 1].state;
	return uvm_map(&d->as, RIVET_REGISTRY_VA, registry_pa, PTE_R);
}

_Static_assert(sizeof(struct rivet_registry) <= PAGE_SIZE,
	       "the registry is one page");
_Static_assert(DOMAIN_MAX <=
		       sizeof(((struct rivet_registry *)0)->domains) /
			       sizeof(((struct rivet_registry *)0)->domains[0]),
	       "the registry has an entry for every domain");

/* Before the address space goes. (Teardown would skip the frame anyway:
 * it frees only frames the domain owns, and this one is the kernel's.) */
void domain_unmap_registry(struct domain *d)
{
	uint64_t pa, perm;

	if (domain_registry && d->as.root_pa &&
	    !uvm_lookup(&d->as, RIVET_REGISTRY_VA, &pa, &perm) &&
	    pa == registry_pa)
		uvm_unmap(&d->as, RIVET_REGISTRY_VA, PAGE_SIZE);
}

void domain_post_revoked(struct domain *d, uint32_t slot, unsigned type,
			 uint64_t object)
{
	struct rivet_info *in = d->info;
	unsigned i;

	if (!in || !domain_live(d))
		return;
	i = (unsigned)(in->revoked_count % RIVET_REVOKED_RING);
	in->revoked[i].slot = slot;
	in->revoked[i].type = type;
	in->revoked[i].object = object;
	/* The entry before the count, for a reader on another hart. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	in->revoked_count++;
	sched_notify(d, RIVET_EVENT_REVOKED);
}

/* An entry no domain lives in and none is being reaped in: first one a spawned domain has ended in,
 * then a fresh one, and only then one a boot domain ended in, so that the
 * summary keeps the boot domains' records as long as it can. */
struct domain *domain_free_entry(void)
{
	unsigned i;

	for (i = 0; i < ndomains; i++)
		if (domains[i].spawned && domain_gone(&domains[i]))
			return &domains[i];
	if (ndomains < DOMAIN_MAX)
		return &domains[ndomains];
	for (i = 0; i < ndomains; i++)
		if (domain_gone(&domains[i]) && !domains[i].as.root_pa)
			return &domains[i];
	return 0;
}

bool domain_slot_free(void)
{
	return domain_free_entry() != 0;
}

unsigned domain_asids_in_use(void)
{
	unsigned i, n = 0;

	for (i = 0; i < ndomains; i++)
		n += domains[i].as.root_pa != 0;
	return n;
}

uint64_t domain_usage(bool slots)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < ndomains; i++)
		n += slots ? (domains[i].cs.live ? domains[i].cs.used : 0)
			   : domains[i].used_frames;
	return n;
}

struct domain *domain_by_name(const char *name, unsigned long len)
{
	struct domain *ended = 0;
	unsigned i;

	/* A name may come back (a spawned "hello" after the boot one
	 * ended): the live one is meant. */
	for (i = 0; i < ndomains; i++)
		if (strlen(domains[i].name) == len &&
		    !memcmp(domains[i].name, name, len)) {
			if (domain_live(&domains[i]))
				return &domains[i];
			ended = &domains[i];
		}
	return ended;
}

unsigned domain_live_count(void)
{
	unsigned i, n = 0;

	for (i = 0; i < ndomains; i++)
		n += domain_live(&domains[i]);
	return n;
}

struct domain *domain_at(unsigned index)
{
	return index < ndomains ? &domains[index] : 0;
}

void domain_registry_update(void)
{
	unsigned i;

	if (!domain_registry)
		return;
	domain_registry->ndomains = ndomains;
	for (i = 0; i < ndomains; i++) {
		strlcpy(domain_registry->domains[i].name, domains[i].name,
			sizeof(domain_registry->domains[i].name));
		domain_registry->domains[i].id = domains[i].id;
		domain_registry->domains[i].state =
			domain_registry_value(&domains[i]);
	}
}

void domain_summary(void)
{
	unsigned i;

	pr_notice("summary: %u domains\n", ndomains);
	for (i = 0; i < ndomains; i++) {
		struct domain *d = &domains[i];

		if (d->state == DOMAIN_FREE)
			continue; /* a spawn that failed in a reused entry */
		if (d->state == DOMAIN_EXITED)
			pr_notice("summary: %-12s id %u exited, status %ld, "
				  "slices %llu, strikes %u, faults %u\n",
				  d->name, d->id, d->exit_status,
				  (unsigned long long)d->slices_used,
				  d->strikes, (unsigned)d->ctx.faults);
		else
			pr_notice("summary: %-12s id %u killed (%s), slices "
				  "%llu, strikes %u, faults %u\n",
				  d->name, d->id, d->kill_reason,
				  (unsigned long long)d->slices_used,
				  d->strikes, (unsigned)d->ctx.faults);
	}
}
