/* SPDX-License-Identifier: MIT */
/*
 * The virtual-memory manager: demand-paged regions over frame
 * capabilities, the page-fault handler that fills them, and the
 * bookkeeping that notices when a frame is taken away. <rivet/vm.h> is the
 * API, docs/libos-vm.md the guide.
 *
 * The handler runs with in_upcall set, where a fault kills the domain, so
 * everything it touches is either in .bss (mapped by the loader) or in
 * pages this file mapped itself with SYS_map before using them. It never
 * mallocs: malloc's heap is one of its regions.
 *
 * Which slot backs which page is kept in an open-addressing hash table
 * keyed by page number. It starts as a one-page table in .bss and doubles
 * into frames of its own (a contiguous run mapped in [VM_META_BASE,
 * VM_META_TOP)) when it is three quarters full, up to VM_TABLE_MAX
 * entries: more than a domain can have slots (each page costs one).
 * A region made with one page (vm_mmap of a page, the common case) keeps
 * its page's entry in its own record instead: no hash insert on its
 * fault, no hash delete on its unmap.
 */
#include <stdbool.h>
#include <stdio.h>

#include <rivet/vm.h>

#include "vm_barrier.h"

#define PAGE_SIZE 4096UL
#define PAGE_MASK (PAGE_SIZE - 1)

#define EXC_INSN_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

/* ----------------------------------------------------------- regions --- */

/* st.frames and st.regions are not kept: frames is st.pages less the
 * adopted pages (no frame of ours behind them), counted apart, so a fault
 * and an unmap of our own frame count one thing, not two; regions is
 * nreg. vm_stats fills them in. */
static struct vm_stats st;
static unsigned long adopted_pages; /* pages backed now by vm_adopt */

struct vm_region {
	/*
	 * own: made with one page, whose entry is page (below: VE_HERE
	 * set while the page has one), never in the hash table. A one-page
	 * region is never cut (vm_munmap removes it whole), so own stays
	 * true for its life; a region cut down to one page keeps its page
	 * in the table. 32 bits, 0 or 1: own and page are one word
	 * (own_untouched, and one store in vm_mmap), first, where the
	 * record's own address reaches it.
	 */
	uint32_t own;
	uint32_t page;
	uintptr_t start, end; /* [start, end), page-aligned; end 0: free */
	unsigned rights;
	enum vm_policy policy;
	vm_pager_fn pager; /* NULL: SYS_frame_alloc(RIVET_FRAME_ANY, 1, 1) */
	void *arg;
} __attribute__((aligned(64))); /* 64 bytes: an index is one shift */

_Static_assert(__builtin_offsetof(struct vm_region, page) ==
			       __builtin_offsetof(struct vm_region, own) + 4 &&
		       __builtin_offsetof(struct vm_region, own) % 8 == 0,
	       "own and page: one aligned word, own the low half");

/* A one-page region whose page has no entry yet (own, page 0): one load
 * and one compare, where the two fields took two of each. */
static inline bool own_untouched(const struct vm_region *r)
{
	uint64_t w;

	__builtin_memcpy(&w, &r->own, sizeof(w));
	return w == 1;
}

/* Makes r own_untouched: own 1, page 0, as one store. */
static inline void own_set_untouched(struct vm_region *r)
{
	uint64_t w = 1;

	__builtin_memcpy(&r->own, &w, sizeof(w));
}

/*
 * The regions, sorted by start, in regions[0 .. nreg): they never
 * overlap, so their ends are sorted too. A lookup is a binary search
 * (after a look at the region found last, which a fault right after its
 * vm_mmap hits), and vm_mmap's first fit, vm_region_add's overlap test
 * and vm_munmap visit only the regions next to their range, where a
 * linear scan of every entry cost about 900 instructions per
 * mmap + touch + munmap.
 */
static struct vm_region regions[VM_REGIONS_MAX];
static unsigned long nreg;	 /* long: no zero-extension where it indexes */
static unsigned long last_found; /* an index below nreg, or any */

/* The index of the first region ending above va (nreg: none). */
static unsigned region_after(uintptr_t va)
{
	unsigned lo = 0, hi = nreg;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (regions[mid].end > va)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* region_find when va is not in the region found last. */
static struct vm_region *region_find_slow(uintptr_t va)
{
	unsigned i = region_after(va);

	if (i == nreg || va < regions[i].start)
		return NULL;
	last_found = i;
	return &regions[i];
}

/* The region holding va, or NULL. */
static inline struct vm_region *region_find(uintptr_t va)
{
	unsigned i = last_found;

	if (i < nreg && va >= regions[i].start && va < regions[i].end)
		return &regions[i];
	return region_find_slow(va);
}

/* Puts r at index i (its place in start order), the ones after moved up;
 * the caller checked there is room. */
static __attribute__((noinline)) void region_insert(unsigned i,
						    const struct vm_region *r)
{
	unsigned k;

	for (k = nreg; k > i; k--)
		regions[k] = regions[k - 1];
	regions[i] = *r;
	nreg++;
}

/* Takes out the region at index i, the ones after moved down (none for
 * the last, vm_mmap's usual place). */
static inline void region_remove(unsigned i)
{
	for (nreg--; i < nreg; i++)
		regions[i] = regions[i + 1];
	regions[nreg].end = 0;
}

/* ------------------------------------------------------- page table --- */

/*
 * One entry: key = page number + 1 (0 marks an empty entry), val = the
 * backing slot and flags. A VM_DEMAND_STRICT page whose frame was revoked
 * keeps its entry with VE_REVOKED set, so the next touch can be refused.
 */
struct vm_entry {
	uint32_t key;
	uint32_t val;
};

#define VE_SLOT	   0x00ffffffu
#define VE_HERE	   (1u << 28) /* a region's own entry: in use */
#define VE_MARK	   (1u << 29) /* scratch: revoked, not yet dealt with */
#define VE_ADOPTED (1u << 30) /* granted by someone else, not our frame */
#define VE_REVOKED (1u << 31) /* strict tombstone: no frame behind it */

#define VM_TABLE_MIN (PAGE_SIZE / sizeof(struct vm_entry)) /* 512 */
#define VM_TABLE_MAX (1u << 17)				   /* 1 MiB */
#define VM_META_HALF 0x200000UL

_Static_assert(VM_TABLE_MAX * sizeof(struct vm_entry) <= VM_META_HALF,
	       "a table generation fits its half of the meta area");
_Static_assert(RIVET_MAP_TOP >= VM_META_TOP, "the meta area is mappable");

static struct vm_entry table0[VM_TABLE_MIN] __attribute__((aligned(4096)));

static struct {
	struct vm_entry *e;
	uint32_t mask;	/* entries - 1 */
	uint32_t shift; /* 32 - log2(entries), for the hash */
	uint32_t count; /* entries in use, tombstones included */
	long slot;	/* the frames' capability; -1 for table0 */
	unsigned gen;	/* which half of the meta area it is in */
} tab = { .e = table0, .mask = VM_TABLE_MIN - 1, .shift = 32 - 9, .slot = -1 };

static uint32_t page_key(uintptr_t page)
{
	return (uint32_t)(page / PAGE_SIZE) + 1;
}

static uintptr_t key_page(uint32_t key)
{
	return (uintptr_t)(key - 1) * PAGE_SIZE;
}

/* Fibonacci hashing: neighbouring pages land far apart. */
static uint32_t home(uint32_t key)
{
	return (key * 0x9e3779b1u) >> tab.shift;
}

/* The index of key, or -1. */
static long table_find(uint32_t key)
{
	uint32_t i;

	for (i = home(key); tab.e[i].key; i = (i + 1) & tab.mask)
		if (tab.e[i].key == key)
			return i;
	return -1;
}

/* Adds key (not present) to the table e[0..mask], which has room. */
static void table_put(struct vm_entry *e, uint32_t mask, uint32_t shift,
		      uint32_t key, uint32_t val)
{
	uint32_t i = (key * 0x9e3779b1u) >> shift;

	while (e[i].key)
		i = (i + 1) & mask;
	e[i].key = key;
	e[i].val = val;
}

/*
 * Removes entry i by shifting later members of its probe run back, so
 * lookups never need tombstones. An entry may move from after i (in probe
 * order) to i; none moves from before i to after it.
 */
static void table_del_at(uint32_t i)
{
	uint32_t j = i, k;

	for (;;) {
		j = (j + 1) & tab.mask;
		if (!tab.e[j].key)
			break;
		k = home(tab.e[j].key);
		/* Leave entry j if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		tab.e[i] = tab.e[j];
		i = j;
	}
	tab.e[i].key = 0;
	tab.e[i].val = 0;
	tab.count--;
}

/*
 * Moves the table into twice as many entries in fresh frames. Returns 0 or
 * the error of the allocation or mapping; the old table is kept then.
 */
static int table_grow(void)
{
	uint32_t n = (tab.mask + 1) * 2, i;
	unsigned pages = n * sizeof(struct vm_entry) / PAGE_SIZE;
	uintptr_t va = VM_META_BASE + ((tab.gen + 1) & 1) * VM_META_HALF;
	struct rivet_ret r;
	struct vm_entry *e = (struct vm_entry *)va;
	uint32_t shift = tab.shift - 1;
	long rc;

	if (n > VM_TABLE_MAX)
		return E_TOOBIG;
	r = sys2_frame_alloc(RIVET_FRAME_ANY, pages, 1);
	if (r.rc)
		return (int)r.rc;
	rc = sys_map(r.val, va, RIVET_CAP_R | RIVET_CAP_W);
	if (rc) {
		sys_cap_delete(r.val);
		return (int)rc;
	}
	/* The frames come zeroed: every entry starts empty. */
	for (i = 0; i <= tab.mask; i++)
		if (tab.e[i].key)
			table_put(e, n - 1, shift, tab.e[i].key, tab.e[i].val);
	if (tab.slot >= 0)
		sys_cap_delete(tab.slot); /* unmaps and frees the old run */
	tab.e = e;
	tab.mask = n - 1;
	tab.shift = shift;
	tab.slot = (long)r.val;
	tab.gen++;
	st.table_frames = pages;
	return 0;
}

/*
 * Makes room for one more entry: grows at 3/4 full; if growing fails,
 * carries on in the old table up to 15/16 full. Returns 0 or E_NOMEM.
 */
static int table_reserve_slow(void)
{
	uint32_t n = tab.mask + 1;

	if (!table_grow())
		return 0;
	return (tab.count + 1) * 16 <= n * 15 ? 0 : E_NOMEM;
}

static inline int table_reserve(void)
{
	if ((tab.count + 1) * 4 <= (tab.mask + 1) * 3)
		return 0; /* room: every fault but a few */
	return table_reserve_slow();
}

static void table_insert(uintptr_t page, uint32_t val)
{
	table_put(tab.e, tab.mask, tab.shift, page_key(page), val);
	tab.count++;
}

/*
 * The two calls of the common mmap, touch and munmap made in place
 * (libos.h: a0, a1 and a7 as operands, the rest of what a call may change
 * clobbered) instead of through their stubs: the same ecall, without the
 * stub's call and return, and the fault's and munmap's common cases stay
 * leaf functions that save no register.
 */
static inline struct rivet_ret ecall_frame_alloc_map(uintptr_t va, long rights)
{
	register long a0 __asm__("a0") = (long)va;
	register long a1 __asm__("a1") = rights;
	register long a7 __asm__("a7") = SYS_frame_alloc_map;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a7)
			 :
			 : "memory", RIVET_SYSCALL_CLOBBERS);
	return (struct rivet_ret){ a0, (unsigned long)a1 };
}

static inline void ecall_cap_delete(unsigned long slot)
{
	register long a0 __asm__("a0") = (long)slot;
	register long a1 __asm__("a1");
	register long a7 __asm__("a7") = SYS_cap_delete;

	__asm__ volatile("ecall"
			 : "+r"(a0), "=r"(a1), "+r"(a7)
			 :
			 : "memory", RIVET_SYSCALL_CLOBBERS);
}

/* Lets go of the page of entry value v: deletes its capability (which
 * unmaps the page and, for a frame we allocated, frees it) unless it has
 * none any more. */
static inline void entry_release(uint32_t v)
{
	if (!(v & VE_REVOKED)) {
		st.pages--;
		if (v & VE_ADOPTED)
			adopted_pages--;
		ecall_cap_delete(v & VE_SLOT); /* last: nothing kept across */
	}
}

/* Drops entry i of the table. */
static void table_drop_at(uint32_t i)
{
	entry_release(tab.e[i].val);
	table_del_at(i);
}

/*
 * Drops every page of [lo, hi). Looks each page up when the range is
 * smaller than the table, else walks the table once: an entry that
 * table_del_at moves into the current index is examined next, and none
 * moves past it, so nothing in the range is missed.
 */
static void table_drop_range(uintptr_t lo, uintptr_t hi)
{
	uint32_t lok = page_key(lo), hik = page_key(hi), i;
	uintptr_t page;
	long j;

	if ((hi - lo) / PAGE_SIZE <= tab.mask + 1) {
		for (page = lo; page < hi; page += PAGE_SIZE)
			if ((j = table_find(page_key(page))) >= 0)
				table_drop_at((uint32_t)j);
		return;
	}
	for (i = 0; i <= tab.mask;) {
		if (tab.e[i].key >= lok && tab.e[i].key < hik)
			table_drop_at(i);
		else
			i++;
	}
}

/* The entry of page (in r), or NULL: r's own for a one-page region,
 * else the table's. */
static inline uint32_t *entry_of(struct vm_region *r, uintptr_t page)
{
	long i;

	if (r->own)
		return r->page & VE_HERE ? &r->page : NULL;
	i = table_find(page_key(page));
	return i < 0 ? NULL : &tab.e[i].val;
}

/* Room for one more entry in r (entry_of said none): 0 or E_NOMEM. */
static inline int entry_reserve(const struct vm_region *r)
{
	return r->own ? 0 : table_reserve();
}

/* Adds page's entry (none yet; entry_reserve made room). */
static void entry_add(struct vm_region *r, uintptr_t page, uint32_t val)
{
	if (r->own)
		r->page = VE_HERE | val;
	else
		table_insert(page, val);
}

/* Drops the pages of r in [lo, hi), which overlaps it. */
static void region_drop_pages(struct vm_region *r, uintptr_t lo, uintptr_t hi)
{
	if (r->own) {
		if (r->page & VE_HERE)
			entry_release(r->page);
		r->page = 0;
		return;
	}
	table_drop_range(lo > r->start ? lo : r->start,
			 hi < r->end ? hi : r->end);
}

/* -------------------------------------------------------- revocation --- */

static uint64_t revoked_seen; /* ring entries read so far */

/* Counts the page of entry value v (marked) as lost to revocation. */
static void count_revoked(uint32_t v)
{
	st.revoked++;
	st.pages--;
	if (v & VE_ADOPTED)
		adopted_pages--;
}

/*
 * Forgets the pages marked VE_MARK: a refault page loses its entry, a
 * strict one becomes a tombstone. Their capabilities are already gone.
 * Returns how many.
 */
static int forget_marked(void)
{
	struct vm_region *r;
	uint32_t i, v;
	int n = 0;

	for (i = 0; i <= tab.mask;) {
		v = tab.e[i].val;
		if (!tab.e[i].key || !(v & VE_MARK)) {
			i++;
			continue;
		}
		n++;
		count_revoked(v);
		r = region_find(key_page(tab.e[i].key));
		if (r && r->policy == VM_DEMAND_STRICT) {
			tab.e[i].val = VE_REVOKED | (v & VE_SLOT);
			i++;
		} else {
			table_del_at(i); /* a later entry may move to i */
		}
	}
	for (i = 0; i < nreg; i++) {
		r = &regions[i];
		v = r->page;
		if (!r->own || !(v & VE_HERE) || !(v & VE_MARK))
			continue;
		n++;
		count_revoked(v);
		r->page = r->policy == VM_DEMAND_STRICT
				  ? VE_HERE | VE_REVOKED | (v & VE_SLOT)
				  : 0;
	}
	return n;
}

/* Whether slot s went away: it is among the ring's slots[0 .. ns), or,
 * with entries lost, the kernel says it is not there (a slot reused
 * since is caught at its next fault instead: see vm_fault). */
static bool slot_revoked(uint32_t s, const uint32_t *slots, unsigned ns,
			 bool lost)
{
	unsigned m;

	for (m = 0; m < ns && slots[m] != s; m++)
		;
	return m < ns || (lost && sys2_cap_info(s, RIVET_CAPINFO_TYPE).rc != 0);
}

/* The ring's count, read once: the info page is at a fixed address
 * (rivet_info()), which every fault and unmap would otherwise call for. */
static uint64_t revoked_count(void)
{
	return ((const volatile struct rivet_info *)RIVET_INFO_VA)
		->revoked_count;
}

/* vm_handle_revocations with no entry since the last: the common case,
 * inline in the fault and unmap paths. */
static inline int revocations_check(void)
{
	return revoked_count() == revoked_seen ? 0 : vm_handle_revocations();
}

int vm_handle_revocations(void)
{
	const volatile struct rivet_info *in =
		(const volatile struct rivet_info *)RIVET_INFO_VA;
	uint32_t slots[RIVET_REVOKED_RING], i, v;
	uint64_t n = in->revoked_count, k, now;
	unsigned ns = 0;
	bool lost = false;

	if (n == revoked_seen)
		return 0;
	/* Pairs with the kernel writing an entry before counting it. */
	__asm__ volatile("fence r, r" ::: "memory");
	if (n - revoked_seen > RIVET_REVOKED_RING) {
		st.lost_events += n - revoked_seen - RIVET_REVOKED_RING;
		revoked_seen = n - RIVET_REVOKED_RING;
		lost = true;
	}
	for (k = revoked_seen; k < n; k++) {
		unsigned idx = (unsigned)(k % RIVET_REVOKED_RING);

		if (in->revoked[idx].type == RIVET_CAP_FRAME)
			slots[ns++] = in->revoked[idx].slot;
	}
	/* Entries overwritten while we copied them (another hart) are lost. */
	__asm__ volatile("fence r, r" ::: "memory");
	now = in->revoked_count;
	if (now - revoked_seen > RIVET_REVOKED_RING)
		lost = true;
	revoked_seen = n;

	for (i = 0; i <= tab.mask; i++) {
		v = tab.e[i].val;
		if (tab.e[i].key && !(v & VE_REVOKED) &&
		    slot_revoked(v & VE_SLOT, slots, ns, lost))
			tab.e[i].val = v | VE_MARK;
	}
	for (i = 0; i < nreg; i++) {
		v = regions[i].page;
		if (regions[i].own && (v & VE_HERE) && !(v & VE_REVOKED) &&
		    slot_revoked(v & VE_SLOT, slots, ns, lost))
			regions[i].page = v | VE_MARK;
	}
	return forget_marked();
}

/* ------------------------------------------------------- faulting in --- */

static bool vm_ready;

/* Out of line: once, in a constructor; vm_mmap's fast path keeps only
 * the test of vm_ready. */
static __attribute__((noinline)) void vm_init(void)
{
	if (vm_ready)
		return;
	vm_ready = true;
	vm_fault_install();
}

/*
 * Installed before main (and before other constructors, which may
 * malloc), so an application's own handler registered later wins: it can
 * chain to vm_fault.
 */
__attribute__((constructor(101))) static void vm_constructor(void)
{
	vm_init();
}

/*
 * Backs page (in region r) with a new frame and maps it. faulted: the
 * page was touched with an access r permits, so if it is in the table its
 * frame went away without our seeing the ring entry. Returns 0, E_PERM (a
 * revoked page of a strict region), or the error of the table, the pager
 * or SYS_map.
 */
static inline __attribute__((always_inline)) int
fault_in(struct vm_region *r, uintptr_t page, bool faulted)
{
	uint32_t *e = entry_of(r, page);
	long rc, slot;

	if (e) {
		uint32_t v = *e;

		if (v & VE_REVOKED)
			return E_PERM;
		if (!faulted)
			return 0;
		*e = v | VE_MARK;
		forget_marked();
		if (r->policy == VM_DEMAND_STRICT)
			return E_PERM;
	}
	rc = entry_reserve(r);
	if (rc)
		return (int)rc;
	if (r->pager) {
		slot = r->pager(page, r->arg);
		rc = slot < 0 || slot > (long)VE_SLOT
			     ? 0
			     : sys_map(slot, page, r->rights);
	} else {
		/* A fresh frame, mapped in the same kernel entry. */
		struct rivet_ret ret = sys2_frame_alloc_map(page, r->rights);

		slot = ret.rc ? ret.rc : (long)ret.val;
		rc = 0;
	}
	if (slot < 0)
		return (int)slot;
	if (slot > (long)VE_SLOT || rc) {
		sys_cap_delete(slot);
		return rc ? (int)rc : E_TOOBIG;
	}
	entry_add(r, page, (uint32_t)slot);
	st.faults++;
	st.pages++;
	return 0;
}

static const char *fault_reason(int rc)
{
	switch (rc) {
	case E_PERM:
		return "its frame was revoked and the region is strict";
	case E_NOMEM:
		return "no frame: memory quota or capability slots used up";
	case E_EXIST:
		return "the page is mapped already, not by the VM manager";
	default:
		return "the pager or SYS_map failed";
	}
}

/* vm_fault's answer when fault_in failed with rc: said on the console,
 * and the fault stays unhandled. Out of line: the fault path keeps no
 * register for it. */
static __attribute__((noinline)) int fault_failed(uintptr_t page, int rc)
{
	rivet_console_flush();
	printf("%s: vm: page %#lx: %s (%d)\n", rivet_info()->name,
	       (unsigned long)page, fault_reason(rc), rc);
	return 1;
}

/* vm_fault in general: any cause, region, entry or pager. */
static __attribute__((noinline)) int fault_any(uintptr_t va, uint64_t cause)
{
	uintptr_t page = va & ~PAGE_MASK;
	struct vm_region *r;
	unsigned need;
	int rc;

	switch (cause) {
	case EXC_INSN_PAGE_FAULT:
		need = RIVET_CAP_X;
		break;
	case EXC_LOAD_PAGE_FAULT:
		need = RIVET_CAP_R;
		break;
	case EXC_STORE_PAGE_FAULT:
		/* A write barrier's page (vmprotect.c) first. */
		if (vm_barrier_covers(va) && !vm_barrier_fault(va))
			return 0;
		need = RIVET_CAP_W;
		break;
	default:
		return 1;
	}
	revocations_check();
	r = region_find(va);
	if (!r || !(r->rights & need))
		return 1; /* not ours, or not allowed: stays unhandled */
	rc = fault_in(r, page, true);
	return rc ? fault_failed(page, rc) : 0;
}

/*
 * The common case, vm_mmap's page touched: a load or a store (not a
 * barrier's) in the one-page region found last (by vm_mmap), which has
 * no entry yet and no pager, with nothing revoked unseen. Its region, or
 * NULL for any other fault (fault_any's). Reads only: vm_fault and
 * vm_fault_leaf both start here.
 */
static inline __attribute__((always_inline)) struct vm_region *
onepage_region(unsigned long cause, uintptr_t va)
{
	unsigned long i = last_found;
	struct vm_region *r = &regions[i];
	unsigned need;

	/* A store first (a barrier's is the general handler's), the usual
	 * first touch. */
	if (__builtin_expect(cause == EXC_STORE_PAGE_FAULT, 1)) {
		if (vm_barrier_covers(va))
			return NULL;
		need = RIVET_CAP_W;
	} else if (cause == EXC_LOAD_PAGE_FAULT) {
		need = RIVET_CAP_R;
	} else {
		return NULL;
	}
	if (i >= nreg || va - r->start >= PAGE_SIZE || !own_untouched(r) ||
	    r->pager || !(r->rights & need) || revoked_count() != revoked_seen)
		return NULL;
	return r;
}

/* vm_fault's common case when frame_alloc_map failed (ret.rc) or gave a
 * slot too high for an entry: out of line, so the common case saves
 * nothing. */
static __attribute__((noinline)) int fault_alloc_failed(struct rivet_ret ret)
{
	uintptr_t page = regions[last_found].start;

	if (ret.rc)
		return fault_failed(page, (int)ret.rc);
	sys_cap_delete(ret.val);
	return fault_failed(page, E_TOOBIG);
}

/* The common case (onepage_region) first: fault_in's work without its
 * lookups, one frame_alloc_map and the region's own entry. Anything
 * else goes to fault_any. */
int vm_fault(struct rivet_upcall *u, void *arg)
{
	unsigned long cause = u->cause;
	uintptr_t va = u->tval;
	struct vm_region *r = onepage_region(cause, va);
	struct rivet_ret ret;

	(void)arg;
	if (!r)
		return fault_any(va, cause);
	/* (int): the lw's sign extension, no zero extension; the kernel
	 * checks the rights anyway. */
	ret = ecall_frame_alloc_map(r->start, (int)r->rights);
	if (ret.rc || ret.val > VE_SLOT)
		return fault_alloc_failed(ret);
	r->page = VE_HERE | (uint32_t)ret.val;
	st.faults++;
	st.pages++;
	return 0; /* the runtime retries the instruction */
}

/*
 * The region vm_fault_leaf found, kept across its system call in the
 * upcall area's save[0] (no entry uses it) and read back through gp,
 * which holds the area through a leaf and its call (the leaf's contract,
 * rivet_exc_register_leaf): a leaf has no callee-saved register to keep
 * it in, and one load is cheaper than finding it again.
 */
static inline struct vm_region *leaf_region_kept(void)
{
	struct vm_region *r;

	__asm__ volatile("ld %0, %1(gp)"
			 : "=r"(r)
			 : "i"(UPCALL_SAVE)
			 : "memory");
	return r;
}

/*
 * vm_fault's common case as the light entry's leaf handler
 * (rivet_exc_register_leaf, libos/lib/upcall_entry.S): it may change
 * only ra, t0, t1 and a0-a7, so the entry saves only those, on no
 * stack. This file is built without t2-t6 (-ffixed-*, libos/libos.mk),
 * the function calls nothing and keeps nothing in a register across its
 * system call (the region: leaf_region_kept), so it needs neither a
 * callee-saved register nor the stack; scripts/check-exc-leaf checks
 * the code the compiler made. 0: handled; 1: not this case, or the
 * kernel refused, with nothing changed: the entry then runs vm_fault,
 * which does it all again and reports a refusal.
 */
static int vm_fault_leaf(struct rivet_upcall *u)
{
	struct vm_region *r = onepage_region(u->cause, u->tval);
	struct rivet_ret ret;

	if (!r)
		return 1;
	u->save[0] = (uintptr_t)r;
	ret = ecall_frame_alloc_map(r->start, (int)r->rights);
	if (ret.rc)
		return 1;
	if (ret.val > VE_SLOT) {
		ecall_cap_delete(ret.val); /* as if never made */
		return 1;
	}
	leaf_region_kept()->page = VE_HERE | (uint32_t)ret.val;
	st.faults++;
	st.pages++;
	return 0;
}

void vm_fault_install(void)
{
	/* vm_fault reads cause and tval only: the light entry, with the
	 * leaf in front for the two causes of the common case. */
	rivet_exc_register_light(EXC_INSN_PAGE_FAULT, vm_fault, NULL);
	rivet_exc_register_light(EXC_LOAD_PAGE_FAULT, vm_fault, NULL);
	rivet_exc_register_light(EXC_STORE_PAGE_FAULT, vm_fault, NULL);
	rivet_exc_register_leaf(EXC_LOAD_PAGE_FAULT, vm_fault_leaf);
	rivet_exc_register_leaf(EXC_STORE_PAGE_FAULT, vm_fault_leaf);
}

/* ---------------------------------------------------------------- API --- */

/* rights_ok's answer for each of the eight values of R, W and X. */
#define VALID_RIGHTS                                                           \
	(1u << RIVET_CAP_R | 1u << (RIVET_CAP_R | RIVET_CAP_W) |               \
	 1u << (RIVET_CAP_R | RIVET_CAP_X))

static bool rights_ok(unsigned rights)
{
	if (rights & ~(unsigned)(RIVET_CAP_R | RIVET_CAP_W | RIVET_CAP_X))
		return false;
	if (!(rights & RIVET_CAP_R))
		return false;
	return !((rights & RIVET_CAP_W) && (rights & RIVET_CAP_X));
}

/* Adds [va, va + size) at index i, its place in start order, where it
 * overlaps nothing: what vm_region_add and vm_mmap end with. */
static inline __attribute__((always_inline)) int
region_add_at(unsigned i, uintptr_t va, size_t size, unsigned rights,
	      enum vm_policy policy)
{
	if (nreg == VM_REGIONS_MAX)
		return E_NOMEM;
	if (i == nreg) { /* at the end, vm_mmap's case: nothing moves */
		regions[nreg].start = va;
		regions[nreg].end = va + size;
		regions[nreg].rights = rights;
		regions[nreg].policy = policy;
		regions[nreg].pager = NULL;
		regions[nreg].arg = NULL;
		regions[nreg].own = size == PAGE_SIZE;
		regions[nreg].page = 0;
		nreg++;
	} else {
		region_insert(i,
			      &(struct vm_region){ .start = va,
						   .end = va + size,
						   .rights = rights,
						   .policy = policy,
						   .own = size == PAGE_SIZE });
	}
	last_found = i;
	return 0;
}

int vm_region_add(uintptr_t va, size_t size, unsigned rights,
		  enum vm_policy policy)
{
	unsigned i;

	vm_init();
	if ((va | size) & PAGE_MASK || !size || !rights_ok(rights) ||
	    (policy != VM_DEMAND_REFAULT && policy != VM_DEMAND_STRICT))
		return E_INVAL;
	if (va >= RIVET_MAP_TOP || size > RIVET_MAP_TOP - va)
		return E_RANGE;
	if (va < VM_META_TOP && va + size > VM_META_BASE)
		return E_RANGE;
	i = region_after(va);
	if (i < nreg && regions[i].start < va + size)
		return E_EXIST;
	return region_add_at(i, va, size, rights, policy);
}

int vm_region_set_pager(uintptr_t va, vm_pager_fn fn, void *arg)
{
	struct vm_region *r = region_find(va);

	if (!r || r->start != va)
		return E_NOENT;
	r->pager = fn;
	r->arg = arg;
	return 0;
}

/* vm_mmap's first fit of size (page-rounded) bytes, in general. */
static __attribute__((noinline)) void *mmap_fit(size_t size, unsigned rights)
{
	uintptr_t va = VM_MMAP_BASE;
	unsigned i;

	/* First fit, one unmapped page clear of every region on both sides:
	 * in start order, move past each region in the way; one pass, since
	 * a region past va's new place starts after the ones before. */
	for (i = region_after(va - PAGE_SIZE); i < nreg; i++) {
		if (va + size + PAGE_SIZE <= regions[i].start)
			break;
		va = regions[i].end + PAGE_SIZE;
	}
	if (va + size > VM_MMAP_TOP)
		return NULL;
	if (!vm_ready)
		vm_init();
	/* At its place: i, the first region past it (found by the fit). */
	region_add_at(i, va, size, rights, VM_DEMAND_REFAULT);
	return (void *)va;
}

/* vm_mmap of more than a page (or of 0 bytes), its rights and room
 * checked: the size checked and rounded, then the end or the fit. */
static __attribute__((noinline)) void *mmap_pages(size_t size, unsigned rights)
{
	unsigned long n = nreg;

	if (size - 1 >= VM_MMAP_TOP - VM_MMAP_BASE)
		return NULL;
	size = (size + PAGE_MASK) & ~PAGE_MASK;
	if (!vm_ready || (n && regions[n - 1].end > VM_MMAP_BASE - PAGE_SIZE))
		return mmap_fit(size, rights);
	region_add_at((unsigned)n, VM_MMAP_BASE, size, rights,
		      VM_DEMAND_REFAULT);
	return (void *)VM_MMAP_BASE;
}

void *vm_mmap(size_t size, unsigned rights)
{
	unsigned long n = nreg;
	struct vm_region *r = &regions[n];
	uintptr_t base = VM_MMAP_BASE;

	/* vm_region_add's checks of rights and room first (rights_ok as one
	 * bit test: R, R|W and R|X are the valid ones); the fit keeps the
	 * region clear of every other, in the mmap area. */
	if (rights >= 8 || !((VALID_RIGHTS >> rights) & 1) ||
	    n == VM_REGIONS_MAX)
		return NULL;
	if (size - 1 >= PAGE_SIZE) /* 0, or more than a page */
		return mmap_pages(size, rights);
	/* One page. No region reaches the area's first guard page (the
	 * state a program's mmaps all given back leave): the fit is the
	 * area's start, the region goes at the end (index n), no search.
	 * Ends are page-aligned: one past the guard page's start is the
	 * area's start (one constant for the test and the start). */
	__asm__("" : "+r"(base)); /* made once, in a register, for all three */
	if (!vm_ready || (n && r[-1].end >= base))
		return mmap_fit(PAGE_SIZE, rights);
	r->start = base;
	r->end = base + PAGE_SIZE;
	r->rights = rights;
	r->policy = VM_DEMAND_REFAULT;
	r->pager = NULL;
	r->arg = NULL;
	own_set_untouched(r);
	nreg = n + 1;
	last_found = n;
	return (void *)base;
}

/* Page-aligned [*lo, *hi) for p, size; false if p is misaligned, size is
 * 0 or the range wraps. */
static bool page_range(void *p, size_t size, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t va = (uintptr_t)p;

	if (va & PAGE_MASK || !size || size > UINTPTR_MAX - PAGE_MASK - va)
		return false;
	*lo = va;
	*hi = va + ((size + PAGE_MASK) & ~PAGE_MASK);
	return true;
}

/* vm_munmap of [lo, hi) in general: any regions, cut where needed. */
static __attribute__((noinline)) int munmap_range(uintptr_t lo, uintptr_t hi)
{
	struct vm_region *r;
	unsigned i;

	/* Decode: a region cut in two needs a second entry. */
	i = region_after(lo);
	if (i < nreg && regions[i].start < lo && regions[i].end > hi &&
	    nreg == VM_REGIONS_MAX)
		return E_NOMEM;
	/* Revoked slots first: never delete a slot that is not ours now. */
	revocations_check();
	/* The regions from i on that start below hi overlap [lo, hi): their
	 * pages there dropped (pages are only ever in regions), then the
	 * region removed or cut. */
	while (i < nreg && regions[i].start < hi) {
		r = &regions[i];
		region_drop_pages(r, lo, hi);
		if (r->start >= lo && r->end <= hi) {
			region_remove(i);
			continue;
		}
		if (r->start >= lo) {
			r->start = hi;
		} else if (r->end <= hi) {
			r->end = lo;
		} else {
			struct vm_region tail = *r;

			tail.start = hi;
			r->end = lo;
			region_insert(i + 1, &tail);
		}
		i++;
	}
	return 0;
}

/* vm_munmap but for its common case: the range checked, then the
 * general code. */
static __attribute__((noinline)) int munmap_checked(void *p, size_t size)
{
	uintptr_t lo, hi;

	if (!page_range(p, size, &lo, &hi))
		return E_INVAL;
	return munmap_range(lo, hi);
}

int vm_munmap(void *p, size_t size)
{
	unsigned long n = nreg;
	struct vm_region *r = &regions[n - 1]; /* read only if n > 0 */
	uint32_t v;

	/* The common case, vm_mmap's page given back: exactly the last
	 * region (the highest, where vm_mmap puts one when nothing else is
	 * mapped there), of one page, nothing revoked unseen. No search,
	 * nothing cut or moved, no table, no call but the deletion. A
	 * one-page region (own) is [start, start + PAGE_SIZE) for its life
	 * and its start is page-aligned: p == start and a size of 1 to
	 * PAGE_SIZE are that range exactly, with no rounding and no wrap to
	 * check. */
	if (!n || size - 1 >= PAGE_SIZE || r->start != (uintptr_t)p ||
	    !r->own || revoked_count() != revoked_seen)
		return munmap_checked(p, size);
	v = r->page;
	r->end = 0;
	nreg = n - 1;
	/* A page of ours faulted in (VE_HERE, none of the flags above it:
	 * not adopted, not revoked): entry_release's work with one test. */
	if (__builtin_expect(v >> 28 == VE_HERE >> 28, 1)) {
		st.pages--;
		ecall_cap_delete(v & VE_SLOT);
		return 0;
	}
	if (v & VE_HERE)
		entry_release(v);
	return 0;
}

int vm_discard(void *p, size_t size)
{
	uintptr_t lo, hi;
	unsigned i;

	if (!page_range(p, size, &lo, &hi))
		return E_INVAL;
	vm_handle_revocations();
	for (i = region_after(lo); i < nreg && regions[i].start < hi; i++)
		region_drop_pages(&regions[i], lo, hi);
	return 0;
}

int vm_populate(void *p, size_t size)
{
	uintptr_t page = (uintptr_t)p & ~PAGE_MASK, end = (uintptr_t)p + size;
	struct vm_region *r;
	int rc;

	if (end < (uintptr_t)p)
		return E_RANGE;
	vm_handle_revocations();
	for (; page < end; page += PAGE_SIZE) {
		r = region_find(page);
		if (!r)
			return E_RANGE;
		rc = fault_in(r, page, false);
		if (rc)
			return rc;
	}
	return 0;
}

int vm_adopt(uintptr_t va, unsigned long slot)
{
	uintptr_t page = va & ~PAGE_MASK;
	struct vm_region *r;
	uint32_t *e;
	long rc;

	vm_handle_revocations();
	r = region_find(page);
	if (!r)
		return E_RANGE;
	if (slot > VE_SLOT)
		return E_INVAL;
	e = entry_of(r, page);
	if (e && !(*e & VE_REVOKED))
		return E_EXIST;
	if (!e) {
		rc = entry_reserve(r);
		if (rc)
			return (int)rc;
	}
	rc = sys_map(slot, page, r->rights);
	if (rc)
		return (int)rc;
	/* Re-backing a strict tombstone is a deliberate act: allowed. */
	if (e)
		*e = (*e & VE_HERE) | (uint32_t)slot | VE_ADOPTED;
	else
		entry_add(r, page, (uint32_t)slot | VE_ADOPTED);
	st.pages++;
	adopted_pages++;
	return 0;
}

long vm_page_slot(uintptr_t va)
{
	struct vm_region *r = region_find(va);
	uint32_t *e;

	if (!r)
		return E_RANGE;
	e = entry_of(r, va & ~PAGE_MASK);
	if (!e)
		return E_NOENT;
	if (*e & VE_REVOKED)
		return E_PERM;
	return *e & VE_SLOT;
}

void vm_stats(struct vm_stats *s)
{
	*s = st;
	s->frames = st.pages - adopted_pages;
	s->regions = nreg;
}
