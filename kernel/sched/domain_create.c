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
#include "kernel/syscall.h"
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
	syscall_route(d); /* its system calls' path (kernel/syscall.c) */
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

/*
 * A build goes in steps, each of which can stop after any page or chunk
 * and go on from domain_build_of(d)->next in a later piece (a spawn's restartable
 * call: one build of a 65,536-slot space took millions of instructions
 * in one entry). Each step leaves d as the reaper can take it back
 * (kernel/sched/domain_reap.c): the slot run is held in d->run until it
 * is whole, then in slots_pa; frames are mapped or freed before a step
 * gives up. A step that ran out of memory can be done again: what it
 * did before failing is kept or was undone.
 */
enum build_step {
	BUILD_SLOTS_FIND,   /* a run of frames for the slot array */
	BUILD_SLOTS_ZERO,   /* its pages zeroed */
	BUILD_SLOTS_THREAD, /* slots and mapping records on free lists */
	BUILD_SPACE,	    /* the root table, the page-table view */
	BUILD_IMAGE,	    /* the image, page by page */
	BUILD_RUNTIME,	    /* stack, upcall area, info page, registry */
	BUILD_DONE,
};

/* Slot-array pages zeroed, slots threaded, image pages loaded between
 * two looks at the clock (a few thousand instructions each). */
#define ZERO_PAGES_PER_LOOK 4
#define SLOTS_PER_LOOK	    512
/* Run-search steps (a table entry looked at, a frame taken: about 50
 * instructions) a look. */
#define SEARCH_STEPS 128
/* What loading one image page may cost (a frame zeroed, 4 KiB copied,
 * the page mapped: about 21,000 measured): a page is begun only if that
 * much is left, the first of a piece excepted. */
#define LOAD_PAGE_INSNS 24000

static bool build_over(uint64_t start, uint64_t limit)
{
	return arch_instret() - start >= limit;
}

static uint64_t slot_array_pages(uint32_t nslots)
{
	/* The slots, then one mapping record per slot. */
	uint64_t bytes = (uint64_t)nslots *
			 (sizeof(struct cap) + sizeof(struct frame_mapping));

	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Searches for and takes the slot array's run, charged as it comes. */
static int slots_find(struct domain *d, uint64_t start, uint64_t limit)
{
	struct frame_table *ft = mem_frames();
	struct frame_run *r = &d->run;
	uint64_t pages = slot_array_pages(domain_build_of(d)->nslots);
	int rc;

	/* One page (a small space, the common spawn) needs no run: the
	 * search would look at every frame taken below the first free. */
	if (pages == 1 && !r->npages) {
		rc = domain_frame_alloc(d, &d->slots_pa);
		if (!rc)
			d->slots_pages = 1;
		return rc;
	}
	if (!r->npages) {
		rc = frame_run_start(ft, r, (uint32_t)pages, 1, FRAME_RUN_ANY);
		if (rc)
			return rc;
	}
	for (;;) {
		uint32_t before = r->held;

		if (quota_check(d, r->npages - r->held))
			return E_NOMEM; /* what it holds stays in d->run */
		rc = frame_run_search(ft, r, d->id, SEARCH_STEPS);
		if (r->held > before)
			quota_charge(d, r->held - before);
		else
			quota_uncharge(d, before - r->held);
		if (rc != FRAME_RUN_MORE)
			break;
		if (build_over(start, limit))
			return SYSCALL_RESTART;
	}
	if (rc) {
		r->npages = 0; /* anything held goes back with d */
		return rc;
	}
	/* Whole: the slot array's now, freed as such by the reaper. */
	d->slots_pa = frame_run_pa(ft, r);
	d->slots_pages = r->npages;
	*r = (struct frame_run){ 0 };
	return 0;
}

static int slots_zero(struct domain *d, uint64_t start, uint64_t limit)
{
	while (domain_build_of(d)->next < d->slots_pages) {
		memset(phys_to_virt(d->slots_pa +
				    domain_build_of(d)->next * PAGE_SIZE),
		       0, PAGE_SIZE);
		domain_build_of(d)->next++;
		if (domain_build_of(d)->next % ZERO_PAGES_PER_LOOK == 0 &&
		    build_over(start, limit))
			return SYSCALL_RESTART;
	}
	return 0;
}

/* The free lists of slots and mapping records, then the space itself,
 * with a domain capability for d in slot 0. */
static int slots_thread(struct domain *d, uint64_t start, uint64_t limit)
{
	uint32_t n = domain_build_of(d)->nslots, slot;
	struct cap *slots = phys_to_virt(d->slots_pa);
	int rc;

	d->maps = (struct frame_mapping *)(slots + n);
	while (domain_build_of(d)->next < n) {
		uint32_t from = (uint32_t)domain_build_of(d)->next;
		uint32_t to =
			n - from > SLOTS_PER_LOOK ? from + SLOTS_PER_LOOK : n;

		cspace_thread(slots, from, to, n);
		frame_cap_pool_thread(d, from, to, n);
		domain_build_of(d)->next = to;
		if (to < n && build_over(start, limit))
			return SYSCALL_RESTART;
	}
	if (!ndomains && !domain_caps.spaces[0])
		cap_system_init(&domain_caps);
	rc = cspace_adopt(&domain_caps, &d->cs, d->id, slots, n);
	if (rc)
		return rc;
	pr_debug(
		"layout: domain %s: %u capability slots in %llu frames at 0x%llx (kernel only)\n",
		d->name, n, (unsigned long long)d->slots_pages,
		(unsigned long long)d->slots_pa);
	rc = cap_create(&d->cs, CAP_DOMAIN, CAP_ALL, domain_object(d), 0,
			&slot);
	if (!rc)
		pr_debug(
			"cap: domain %s slot %u: domain %u (itself), all rights\n",
			d->name, slot, d->id);
	return rc;
}

static int make_space(struct domain *d)
{
	int rc = d->as.root_pa ? 0 : uvm_create(&d->as);

	/* ptview_init skips the view pages it made before failing. */
	return rc ? rc : ptview_init(&d->as);
}

static int load_image(struct domain *d, uint64_t start, uint64_t limit)
{
	const struct elf_image *img = &domain_build_of(d)->img;
	const struct elf_segment *s;
	unsigned n = 0;
	int rc;

	for (; domain_build_of(d)->seg < img->nseg; domain_build_of(d)->seg++) {
		s = &img->seg[domain_build_of(d)->seg];
		if (!domain_build_of(d)->next) {
			pr_debug(
				"layout: domain %s: 0x%llx-0x%llx %c%c%c image segment, %llu bytes from the file\n",
				d->name, (unsigned long long)s->vaddr,
				(unsigned long long)(s->vaddr + s->memsz - 1),
				'r', s->flags & ELF_SEG_W ? 'w' : '-',
				s->flags & ELF_SEG_X ? 'x' : '-',
				(unsigned long long)s->filesz);
			domain_build_of(d)->next = s->vaddr;
		}
		while (domain_build_of(d)->next < s->vaddr + s->memsz) {
			if (n++ && build_over(start, limit - LOAD_PAGE_INSNS))
				return SYSCALL_RESTART;
			rc = load_page(d, s, domain_build_of(d)->next,
				       domain_build_of(d)->elf);
			if (rc)
				return rc;
			domain_build_of(d)->next += PAGE_SIZE;
		}
		domain_build_of(d)->next = 0;
	}
	return 0;
}

/* The runtime's pages, one a call (build.next says which). */
static int map_runtime_page(struct domain *d, uint64_t k)
{
	if (k < RIVET_STACK_PAGES)
		return map_fresh(d, RIVET_STACK_TOP - (k + 1) * PAGE_SIZE,
				 PTE_R | PTE_W, 0);
	if (k == RIVET_STACK_PAGES)
		return map_fresh(d, RIVET_UPCALL_VA, PTE_R | PTE_W,
				 (void **)&d->upcall);
	if (k == RIVET_STACK_PAGES + 1)
		return map_fresh(d, RIVET_INFO_VA, PTE_R, (void **)&d->info);
	return domain_map_registry(d);
}

static int map_runtime(struct domain *d, uint64_t start, uint64_t limit)
{
	int rc;

	while (domain_build_of(d)->next < RIVET_STACK_PAGES + 3) {
		rc = map_runtime_page(d, domain_build_of(d)->next);
		if (rc)
			return rc;
		if (++domain_build_of(d)->next < RIVET_STACK_PAGES + 3 &&
		    build_over(start, limit))
			return SYSCALL_RESTART;
	}
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

/* The current step, for about limit instructions from start. */
static int build_step(struct domain *d, uint64_t start, uint64_t limit)
{
	switch (domain_build_of(d)->step) {
	case BUILD_SLOTS_FIND:
		return slots_find(d, start, limit);
	case BUILD_SLOTS_ZERO:
		return slots_zero(d, start, limit);
	case BUILD_SLOTS_THREAD:
		return slots_thread(d, start, limit);
	case BUILD_SPACE:
		return make_space(d);
	case BUILD_IMAGE:
		return load_image(d, start, limit);
	case BUILD_RUNTIME:
		return map_runtime(d, start, limit);
	default:
		return 0;
	}
}

/*
 * Out of memory: the quota is the likely cause, but only a number helps
 * the person who set it. The build goes on without a quota (taking only
 * frames nobody was promised) to count what it needs.
 */
static void start_counting(struct domain *d)
{
	domain_build_of(d)->counting = true;
	domain_build_of(d)->quota = d->quota_frames;
	quota_release(d);
	d->quota_frames = ~0ULL;
}

/* What the count found, as a static message; the quota is d's again. */
static const char *counted(struct domain *d, bool built)
{
	static char why[224];
	uint64_t quota_kib = domain_build_of(d)->quota * PAGE_SIZE >> 10;
	uint64_t need = d->used_frames, pages = domain_build_of(d)->img.pages;

	d->quota_frames =
		domain_build_of(d)->quota; /* lent by a spawner: given back */
	if (!built) {
		ksnprintf(why, sizeof(why),
			  "the machine has too little free memory left for it "
			  "(its quota is %llu KiB)",
			  (unsigned long long)quota_kib);
		return why;
	}
	if (need <= domain_build_of(d)->quota) {
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
		  (unsigned long long)(pages * PAGE_SIZE >> 10),
		  (unsigned)(RIVET_STACK_PAGES * PAGE_SIZE >> 10),
		  domain_build_of(d)->nslots,
		  (unsigned long long)(d->slots_pages * PAGE_SIZE >> 10),
		  (unsigned long long)((need - pages - RIVET_STACK_PAGES -
					d->slots_pages) *
					       PAGE_SIZE >>
				       10));
	return why;
}

struct domain_build domain_builds[DOMAIN_MAX];

struct domain *domain_build_begin(const struct bootconf_domain *conf,
				  const struct elf_image *img,
				  const uint8_t *elf, const char **err)
{
	struct domain *d = domain_free_entry();

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
	memset(domain_build_of(d), 0, sizeof(*domain_build_of(d)));
	d->state = DOMAIN_BUILDING;
	d->registry_state = &domain_registry->domains[d->id - 1].state;
	d->cs.nslots = conf->slots; /* what a spawner lent, until built */
	domain_build_of(d)->nslots = conf->slots;
	domain_build_of(d)->img = *img;
	domain_build_of(d)->elf = elf;
	strlcpy(domain_build_of(d)->image, conf->image,
		sizeof(domain_build_of(d)->image));
	if (d == &domains[ndomains])
		ndomains++;
	return d;
}

int domain_build_some(struct domain *d, uint64_t start, uint64_t limit,
		      const char **err)
{
	int rc = 0;

	*err = "its address space could not be built";
	while (domain_build_of(d)->step < BUILD_DONE) {
		rc = build_step(d, start, limit);
		if (rc == E_NOMEM && !domain_build_of(d)->counting) {
			start_counting(d);
			continue; /* the same step again */
		}
		if (rc)
			break;
		domain_build_of(d)->step++;
		domain_build_of(d)->next = 0;
		if (domain_build_of(d)->step < BUILD_DONE &&
		    build_over(start, limit))
			return SYSCALL_RESTART;
	}
	if (rc == SYSCALL_RESTART || !domain_build_of(d)->counting)
		return rc;
	/* The count is over, whatever ended it: the quota is d's again. */
	if (rc && rc != E_NOMEM) {
		counted(d, false);
		return rc;
	}
	*err = counted(d, !rc);
	return E_NOMEM;
}

void domain_build_finish(struct domain *d, const char *args)
{
	uvm_flush_asid(d->as.asid); /* no stale entry for a reused ASID */
	init_info(d);
	strlcpy(d->info->args, args, sizeof(d->info->args));
	init_context(d, domain_build_of(d)->img.entry);
	d->state = DOMAIN_RUNNABLE;
}

struct domain *domain_create(const struct bootconf_domain *conf,
			     const struct elf_image *img, const uint8_t *elf,
			     size_t elf_len, const char **err)
{
	struct domain *d = domain_build_begin(conf, img, elf, err);

	(void)elf_len;
	if (!d)
		return 0;
	/* At boot, in one go: nothing else runs yet. */
	if (domain_build_some(d, arch_instret(), ~0ULL, err)) {
		domain_drop_build(d);
		while (!domain_reap_some(d, arch_instret()))
			;
		return 0;
	}
	domain_build_finish(d, conf->args);
	return d;
}
