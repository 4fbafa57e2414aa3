// SPDX-License-Identifier: MIT
/*
 * Domain creation: the capability space, the address space with the
 * image, stack, upcall area, info page and registry, all within the
 * domain's quota.
 *
 * A domain's frames are recorded in the frame table with its id as owner
 * and counted against its quota, so teardown (domain_reap.c) can free
 * exactly what it held: every frame mapped in its user half plus the
 * table pages, after which its count must be zero.
 */
#include "kernel/sched/domain.h"

#include "kernel/arch.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsnprintf.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/frame_zero.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/domain_internal.h"
#include <rivet/errno.h>

int domain_frame_alloc(struct domain *d, uint64_t *pa)
{
	int rc = quota_check(d, 1);

	if (rc)
		return rc;
	rc = frame_alloc_zeroed(d->id, pa);
	if (rc)
		return rc;
	quota_charge(d, 1);
	return 0;
}

void domain_frame_free(struct domain *d, uint64_t pa)
{
	struct frame_table *ft = mem_frames();

	/* Only frames this domain owns; anything else is left alone. */
	if (frame_state_of(ft, pa) != FRAME_ALLOCATED ||
	    frame_entry(ft, pa)->owner != d->id)
		return;
	frame_free(ft, pa);
	quota_uncharge(d, 1);
	d->freed[d->nfreed++ % DOMAIN_FREED_MAX] = pa; /* the oldest goes */
}

int domain_frame_reuse(struct domain *d, uint64_t *pa)
{
	struct frame_table *ft = mem_frames();
	unsigned n;

	/* Newest first (likeliest still free, and in the cache); each one
	 * looked at is used up, so a call looks at DOMAIN_FREED_MAX at most. */
	for (n = 0; n < DOMAIN_FREED_MAX && d->nfreed; n++) {
		uint64_t p = d->freed[--d->nfreed % DOMAIN_FREED_MAX];

		if (!frame_reuse(ft, p, d->id)) {
			*pa = p;
			return 0;
		}
	}
	return E_NOENT;
}

/* Allocates, fills and maps one page of segment s at va. */
static int load_page(struct domain *d, const struct elf_segment *s, uint64_t va,
		     const uint8_t *elf)
{
	uint64_t pa, perm = PTE_R, copy_lo, copy_hi;
	int rc = domain_frame_alloc(d, &pa);

	if (rc)
		return rc;
	/* The file bytes [file_vaddr, file_vaddr+filesz) that fall here. */
	copy_lo = va > s->file_vaddr ? va : s->file_vaddr;
	copy_hi = va + PAGE_SIZE < s->file_vaddr + s->filesz
			  ? va + PAGE_SIZE
			  : s->file_vaddr + s->filesz;
	if (copy_lo < copy_hi)
		memcpy((uint8_t *)phys_to_virt(pa) + (copy_lo - va),
		       elf + s->offset + (copy_lo - s->file_vaddr),
		       copy_hi - copy_lo);
	if (s->flags & ELF_SEG_W)
		perm |= PTE_W;
	if (s->flags & ELF_SEG_X)
		perm |= PTE_X;
	rc = ptview_prepare(&d->as, va, 1);
	if (!rc)
		rc = uvm_map(&d->as, va, pa, perm);
	if (rc) {
		domain_frame_free(d, pa); /* in no page table: free it here */
		return rc;
	}
	ptview_set(&d->as, va, 1, pte_leaf(pa, perm | PTE_U));
	return 0;
}

static int load_segments(struct domain *d, const struct elf_image *img,
			 const uint8_t *elf)
{
	unsigned i;
	uint64_t va;
	int rc;

	for (i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		pr_debug(
			"layout: domain %s: 0x%llx-0x%llx %c%c%c image segment, %llu bytes from the file\n",
			d->name, (unsigned long long)s->vaddr,
			(unsigned long long)(s->vaddr + s->memsz - 1), 'r',
			s->flags & ELF_SEG_W ? 'w' : '-',
			s->flags & ELF_SEG_X ? 'x' : '-',
			(unsigned long long)s->filesz);
		for (va = s->vaddr; va < s->vaddr + s->memsz; va += PAGE_SIZE) {
			rc = load_page(d, s, va, elf);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Maps a fresh zeroed page at va and returns its kernel address. */
static int map_fresh(struct domain *d, uint64_t va, uint64_t perm, void **kva)
{
	uint64_t pa;
	int rc = domain_frame_alloc(d, &pa);

	if (rc)
		return rc;
	rc = uvm_map(&d->as, va, pa, perm);
	if (rc) {
		domain_frame_free(d, pa);
		return rc;
	}
	if (kva)
		*kva = phys_to_virt(pa);
	return 0;
}

static int map_runtime_pages(struct domain *d)
{
	unsigned i;
	int rc;

	for (i = 1; i <= RIVET_STACK_PAGES; i++) {
		rc = map_fresh(d, RIVET_STACK_TOP - i * PAGE_SIZE,
			       PTE_R | PTE_W, 0);
		if (rc)
			return rc;
	}
	rc = map_fresh(d, RIVET_UPCALL_VA, PTE_R | PTE_W, (void **)&d->upcall);
	if (!rc)
		rc = map_fresh(d, RIVET_INFO_VA, PTE_R, (void **)&d->info);
	if (!rc)
		rc = domain_map_registry(d);
	if (rc)
		return rc;
	pr_debug("layout: domain %s: 0x%llx-0x%llx rw- stack, %u pages\n",
		 d->name,
		 (unsigned long long)(RIVET_STACK_TOP -
				      RIVET_STACK_PAGES * PAGE_SIZE),
		 (unsigned long long)(RIVET_STACK_TOP - 1), RIVET_STACK_PAGES);
	pr_debug(
		"layout: domain %s: 0x%llx rw- upcall area, 0x%llx r-- info page, 0x%llx r-- registry (shared)\n",
		d->name, (unsigned long long)RIVET_UPCALL_VA,
		(unsigned long long)RIVET_INFO_VA,
		(unsigned long long)RIVET_REGISTRY_VA);
	return 0;
}

static void init_info(struct domain *d)
{
	struct rivet_info *in = d->info;

	in->magic = RIVET_INFO_MAGIC;
	in->domain_id = d->id;
	/* hart_id: the hart it runs on, written by sched_add. */
	in->timebase_hz = timer_hz();
	in->slice_ticks = d->slice_ticks;
	strlcpy(in->name, d->name, sizeof(in->name));
}

static void init_context(struct domain *d, uint64_t entry)
{
	d->ctx.sepc = entry;
	d->ctx.x[REG_SP] = RIVET_STACK_TOP;
	d->ctx.x[REG_A0] = RIVET_INFO_VA;
	d->ctx.x[REG_A1] = RIVET_UPCALL_VA;
	/* U-mode (SPP=0), interrupts on after sret (SPIE), FP off. */
	d->ctx.sstatus = SSTATUS_SPIE;
	/* kernel_sp: the stack of the hart it is placed on (sched_add). */
	d->ctx.upcall_kva = (uintptr_t)d->upcall;
	d->ctx.exc_entry = 0;
}

/*
 * The capability space: a slot array in frames charged to d, and a domain
 * capability for d itself in slot 0.
 */
static int make_cspace(struct domain *d, uint32_t nslots)
{
	/* The slots, then one mapping record per slot. */
	uint64_t bytes = (uint64_t)nslots *
			 (sizeof(struct cap) + sizeof(struct frame_mapping)),
		 i;
	uint32_t slot;
	int rc;

	if (!ndomains && !domain_caps.spaces[0])
		cap_system_init(&domain_caps);
	d->slots_pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	rc = quota_check(d, d->slots_pages);
	if (rc)
		return rc;
	rc = frame_alloc_run(mem_frames(), (uint32_t)d->slots_pages, 1, d->id,
			     &d->slots_pa);
	if (rc)
		return rc;
	quota_charge(d, d->slots_pages);
	for (i = 0; i < d->slots_pages; i++)
		memset(phys_to_virt(d->slots_pa + i * PAGE_SIZE), 0, PAGE_SIZE);
	rc = cspace_init(&domain_caps, &d->cs, d->id, phys_to_virt(d->slots_pa),
			 nslots);
	d->maps =
		(struct frame_mapping *)((char *)phys_to_virt(d->slots_pa) +
					 (uint64_t)nslots * sizeof(struct cap));
	frame_cap_pool_init(d);
	if (rc)
		return rc;
	pr_debug(
		"layout: domain %s: %u capability slots in %llu frames at 0x%llx (kernel only)\n",
		d->name, nslots, (unsigned long long)d->slots_pages,
		(unsigned long long)d->slots_pa);
	rc = cap_create(&d->cs, CAP_DOMAIN, CAP_ALL, domain_object(d), 0,
			&slot);
	if (!rc)
		pr_debug(
			"cap: domain %s slot %u: domain %u (itself), all rights\n",
			d->name, slot, d->id);
	return rc;
}

static void free_cspace(struct domain *d)
{
	uint64_t i;

	if (d->cs.live)
		cspace_destroy(&domain_caps, &d->cs, cap_deleted, 0);
	for (i = 0; i < d->slots_pages; i++)
		domain_frame_free(d, d->slots_pa + i * PAGE_SIZE);
	d->slots_pages = 0;
}

void domain_grant_peers(struct domain *d, const struct bootconf_domain *conf)
{
	unsigned i;
	uint32_t slot;

	for (i = 0; i < conf->npeers; i++) {
		struct domain *p =
			domain_by_name(conf->peers[i], strlen(conf->peers[i]));
		bool ok = domain_live(p);

		/* A peer that did not start still takes its slot, with no
		 * rights, so slot numbers stay as the configuration says. */
		/* W on a domain capability is control: the abort protocol. */
		if (cap_create(&d->cs, CAP_DOMAIN,
			       !ok		       ? 0
			       : conf->peer_control[i] ? CAP_GRANT | CAP_W
						       : CAP_GRANT,
			       ok ? p->id : 0, 0, &slot)) {
			pr_err("launch: domain %s: no free slot for peer %s "
			       "(slots too few)\n",
			       d->name, conf->peers[i]);
			continue;
		}
		if (!ok)
			pr_warn("launch: domain %s: peer %s is not running; "
				"its "
				"slot %u holds no rights\n",
				d->name, conf->peers[i], slot);
		else
			pr_debug(
				"cap: domain %s slot %u: domain %u (peer %s), rights grant%s\n",
				d->name, slot, p->id, conf->peers[i],
				conf->peer_control[i] ? "+control" : "");
	}
}

/* The frame source of d's address space: frames charged to d. */
static int as_frame_alloc(void *d, uint64_t *pa)
{
	return domain_frame_alloc(d, pa);
}

static void as_frame_free(void *d, uint64_t pa)
{
	domain_frame_free(d, pa);
}

/*
 * Clears entry d and sets what the configuration says; no quota yet. A
 * reused entry's id comes back one incarnation later, so that domain
 * capabilities for the ended domain name nobody.
 */
static void domain_init(struct domain *d, const struct bootconf_domain *conf)
{
	uint32_t id = (uint32_t)(d - domains) + 1;
	uint32_t gen = d->id ? d->gen + 1 : 0;

	memset(d, 0, sizeof(*d));
	d->id = id;
	d->gen = gen;
	d->as.asid = (uint16_t)d->id;
	d->as.frames = (struct uvm_frame_source){ .alloc = as_frame_alloc,
						  .free = as_frame_free,
						  .ctx = d };
	strlcpy(d->name, conf->name, sizeof(d->name));
	d->slice_ticks = (uint64_t)conf->slice_us * timer_hz() / 1000000;
	d->grace_ticks = (uint64_t)conf->grace_us * timer_hz() / 1000000;
	d->max_strikes = conf->strikes;
}

/* Takes back what a build of d made (after says after what, for the log
 * line should a frame stay owned: a leak). */
static void domain_unbuild(struct domain *d, const char *after)
{
	free_cspace(d);
	domain_unmap_registry(d);
	uvm_destroy(&d->as);
	if (d->used_frames)
		pr_err("launch: domain %s: %llu frames still owned after %s\n",
		       d->name, (unsigned long long)d->used_frames, after);
}

/*
 * Builds d's capability space and address space within its quota. On
 * failure frees what was built (and logs a frame left behind, a bug).
 */
static int domain_build(struct domain *d, const struct bootconf_domain *conf,
			const struct elf_image *img, const uint8_t *elf)
{
	int rc = make_cspace(d, conf->slots);

	if (!rc)
		rc = uvm_create(&d->as);
	if (!rc)
		rc = ptview_init(&d->as);
	if (!rc)
		rc = load_segments(d, img, elf);
	if (!rc)
		rc = map_runtime_pages(d);
	if (rc)
		domain_unbuild(d, "a failed start");
	return rc;
}

/*
 * Why the build of d ran out of memory, with figures. The quota is the
 * likely cause, but only a number helps the person who wrote it: the
 * domain is built once more without a quota, to count what it needs,
 * and torn down again. If it fails even so, the machine's free memory
 * was the limit. Returns a static message.
 */
static const char *out_of_memory(struct domain *d,
				 const struct bootconf_domain *conf,
				 const struct elf_image *img,
				 const uint8_t *elf)
{
	static char why[224];
	uint64_t quota_kib = conf->memory >> 10, need, slots;
	int rc;

	/* No reservation: the count takes only frames nobody was promised. */
	domain_init(d, conf);
	quota_reserve(d, ~0ULL, true);
	rc = domain_build(d, conf, img, elf);
	if (rc && rc != E_NOMEM)
		return "its address space could not be built";
	if (rc) {
		ksnprintf(why, sizeof(why),
			  "the machine has too little free memory left for it "
			  "(its quota is %llu KiB)",
			  (unsigned long long)quota_kib);
		return why;
	}
	need = d->used_frames;
	slots = d->slots_pages;
	domain_unbuild(d, "counting what it needs");
	if (need * PAGE_SIZE <= conf->memory) {
		ksnprintf(why, sizeof(why),
			  "the machine has too little free memory left for "
			  "the %llu KiB it needs",
			  (unsigned long long)(need * PAGE_SIZE >> 10));
		return why;
	}
	ksnprintf(why, sizeof(why),
		  "memory = %llu KiB is too small: it needs %llu KiB (image "
		  "%llu KiB, stack %u KiB, %u capability slots %llu KiB, "
		  "page tables and shared pages %llu KiB)",
		  (unsigned long long)quota_kib,
		  (unsigned long long)(need * PAGE_SIZE >> 10),
		  (unsigned long long)(img->pages * PAGE_SIZE >> 10),
		  (unsigned)(RIVET_STACK_PAGES * PAGE_SIZE >> 10), conf->slots,
		  (unsigned long long)(slots * PAGE_SIZE >> 10),
		  (unsigned long long)((need - img->pages - RIVET_STACK_PAGES -
					slots) *
					       PAGE_SIZE >>
				       10));
	return why;
}

struct domain *domain_create(const struct bootconf_domain *conf,
			     const struct elf_image *img, const uint8_t *elf,
			     size_t elf_len, const char **err)
{
	struct domain *d = domain_free_entry();
	int rc;

	if (!d) {
		*err = "too many domains";
		return 0;
	}
	domain_init(d, conf);
	if (quota_reserve(d, conf->memory / PAGE_SIZE, conf->overcommit)) {
		*err = "its memory quota does not fit in the free RAM not "
		       "reserved by other domains";
		return 0;
	}
	rc = domain_build(d, conf, img, elf);
	if (rc) {
		quota_release(d); /* before out_of_memory() reuses d */
		*err = rc == E_NOMEM ? out_of_memory(d, conf, img, elf)
				     : "its address space could not be built";
		return 0;
	}
	(void)elf_len;
	uvm_flush_asid(d->as.asid); /* no stale entry for a reused ASID */
	init_info(d);
	strlcpy(d->info->args, conf->args, sizeof(d->info->args));
	init_context(d, img->entry);
	d->state = DOMAIN_RUNNABLE;
	if (d == &domains[ndomains])
		ndomains++;
	return d;
}
