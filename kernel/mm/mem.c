// SPDX-License-Identifier: MIT
/*
 * Kernel memory setup, in the order the boot needs it:
 *
 *  1. usable = RAM - (reserved-memory, /memreserve/, kernel, tree, initrd)
 *  2. a boot allocator hands out pages from usable RAM inside the gigabyte
 *     the early page table maps (the kernel's own), for the first tables;
 *  3. vm_init() maps the image W^X and the direct map of all RAM but the
 *     no-map regions, and switches to it;
 *  4. the frame table is carved from usable RAM and filled; from then on
 *     page-table pages come from the frame allocator.
 */
#include "kernel/mm/mem.h"

#include "kernel/arch.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame_zero.h"
#include "kernel/mm/memmap.h"
#include "kernel/lib/printk.h"
#include <rivet/errno.h>

extern char _start[], _end[];

static struct memmap usable;
struct frame_table mem_frame_table;
static int frames_ready;

/* What the boot allocator handed out, to be marked kernel-owned later. */
#define BOOT_ALLOCS 8
static struct mem_range boot_allocs[BOOT_ALLOCS];
static unsigned nboot_allocs;
static uint64_t boot_lo, boot_hi; /* window the boot allocator may use */

uint64_t mem_kernel_size(void)
{
	return (uint64_t)(_end - _start);
}

static void note_boot_alloc(uint64_t pa, uint64_t size)
{
	struct mem_range *last =
		nboot_allocs ? &boot_allocs[nboot_allocs - 1] : NULL;

	if (last && last->base + last->size == pa) {
		last->size += size;
		return;
	}
	if (nboot_allocs < BOOT_ALLOCS)
		boot_allocs[nboot_allocs++] = (struct mem_range){ pa, size };
}

/*
 * Takes size bytes (a page multiple, aligned to align) of usable RAM inside
 * [boot_lo, boot_hi), zeroed, and removes them from usable.
 */
static int bootmem_alloc(uint64_t size, uint64_t align, uint64_t *pa)
{
	unsigned i;

	for (i = 0; i < usable.n; i++) {
		uint64_t lo = usable.r[i].base, hi = lo + usable.r[i].size;
		uint64_t base;

		lo = lo > boot_lo ? lo : boot_lo;
		hi = hi < boot_hi ? hi : boot_hi;
		base = (lo + align - 1) & ~(align - 1);
		if (base < lo || base >= hi || hi - base < size)
			continue;
		if (memmap_remove(&usable, base, base + size))
			return E_NOMEM;
		note_boot_alloc(base, size);
		memset(phys_to_virt(base), 0, size);
		*pa = base;
		return 0;
	}
	return E_NOMEM;
}

int mem_alloc_page(uint64_t *pa)
{
	int rc;

	if (!frames_ready)
		return bootmem_alloc(PAGE_SIZE, PAGE_SIZE, pa);
	rc = frame_alloc_zeroed(0, pa);
	if (rc)
		return rc;
	frame_mark(&mem_frame_table, *pa, PAGE_SIZE, FRAME_KERNEL);
	return 0;
}

static void log_range(const char *what, uint64_t base, uint64_t size,
		      const char *name, const char *extra)
{
	if (size >= (1ULL << 20))
		pr_info("mem: %-9s 0x%016llx-0x%016llx %6llu MiB %s%s\n", what,
			(unsigned long long)base,
			(unsigned long long)(base + size - 1),
			(unsigned long long)(size >> 20), name, extra);
	else
		pr_info("mem: %-9s 0x%016llx-0x%016llx %6llu KiB %s%s\n", what,
			(unsigned long long)base,
			(unsigned long long)(base + size - 1),
			(unsigned long long)((size + 1023) >> 10), name, extra);
}

/* Fills avoid[] with every range the kernel must not hand out. */
static unsigned collect_avoid(const struct machine *m, uint64_t load_pa,
			      uint64_t dtb_pa, struct mem_range *avoid)
{
	unsigned i, n = 0;

	for (i = 0; i < m->nresv; i++) {
		avoid[n++] =
			(struct mem_range){ m->resv[i].base, m->resv[i].size };
		log_range("reserved", m->resv[i].base, m->resv[i].size,
			  m->resv[i].name,
			  m->resv[i].no_map ? " (no-map)" : "");
	}
	avoid[n++] = (struct mem_range){ load_pa, mem_kernel_size() };
	log_range("kernel", load_pa, mem_kernel_size(), "rivet", "");
	avoid[n++] = (struct mem_range){ dtb_pa, m->fdt_size };
	log_range("fdt", dtb_pa, m->fdt_size, "device tree", "");
	if (m->has_initrd && m->initrd_end > m->initrd_start) {
		avoid[n++] =
			(struct mem_range){ m->initrd_start,
					    m->initrd_end - m->initrd_start };
		log_range("initrd", m->initrd_start,
			  m->initrd_end - m->initrd_start, "initramfs", "");
	}
	return n;
}

/* RAM minus the no-map regions: what the direct map may cover. */
static int direct_ranges(const struct machine *m, struct memmap *direct)
{
	struct mem_range nomap[MACHINE_MAX_RESV];
	unsigned i, n = 0;

	for (i = 0; i < m->nresv; i++)
		if (m->resv[i].no_map)
			nomap[n++] = (struct mem_range){ m->resv[i].base,
							 m->resv[i].size };
	return memmap_subtract(direct, m->mem, m->nmem, nomap, n);
}

/* Marks the whole pages of [base, base+size) below hi as state. */
static int mark_clipped(uint64_t base, uint64_t size, uint64_t hi,
			enum frame_state state)
{
	uint64_t b = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t e = (base + size) & ~(PAGE_SIZE - 1);

	if (e > hi)
		e = hi;
	if (b >= e)
		return 0;
	return frame_mark(&mem_frame_table, b, e - b, state);
}

/*
 * The frame table's banks: the RAM ranges, page-aligned, below hi, sorted
 * and merged where they overlap or touch. Only RAM gets table entries, so
 * banks far apart (PolarFire SoC) cost nothing for the hole between.
 * Returns the number of spans (0: no whole page of RAM).
 */
static unsigned ram_spans(const struct machine *m, uint64_t hi,
			  struct frame_span *out)
{
	unsigned i, j, n = 0;

	for (i = 0; i < m->nmem; i++) {
		uint64_t b =
			(m->mem[i].base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t e =
			(m->mem[i].base + m->mem[i].size) & ~(PAGE_SIZE - 1);

		if (e > hi)
			e = hi;
		if (b >= e)
			continue;
		/* Insertion in address order (at most MACHINE_MAX_MEM). */
		for (j = n; j > 0 && out[j - 1].lo > b; j--)
			out[j] = out[j - 1];
		out[j] = (struct frame_span){ b, e };
		n++;
	}
	for (i = 1, j = 0; i < n; i++) {
		if (out[i].lo <= out[j].hi) {
			if (out[i].hi > out[j].hi)
				out[j].hi = out[i].hi;
		} else {
			out[++j] = out[i];
		}
	}
	return n ? j + 1 : 0;
}

static int frames_init(const struct machine *m, uint64_t load_pa)
{
	struct frame_span spans[MACHINE_MAX_MEM];
	uint64_t hi = DIRECT_MAX_PA, table_pa;
	unsigned i, nspans;
	int rc;

	nspans = ram_spans(m, hi, spans);
	boot_lo = 0;
	boot_hi = ~0ULL; /* the direct map now covers all RAM */
	rc = bootmem_alloc((frame_table_bytes_spans(spans, nspans) + PAGE_SIZE -
			    1) & ~(PAGE_SIZE - 1),
			   PAGE_SIZE, &table_pa);
	if (rc)
		return rc;
	rc = frame_table_init_spans(&mem_frame_table, phys_to_virt(table_pa),
				    spans, nspans);
	/* All RAM starts reserved; usable RAM then becomes free. */
	for (i = 0; !rc && i < m->nmem; i++)
		rc = mark_clipped(m->mem[i].base, m->mem[i].size, hi,
				  FRAME_RESERVED);
	for (i = 0; !rc && i < usable.n; i++) {
		pr_debug("mem: free      0x%016llx-0x%016llx %6llu KiB\n",
			 (unsigned long long)usable.r[i].base,
			 (unsigned long long)(usable.r[i].base +
					      usable.r[i].size - 1),
			 (unsigned long long)(usable.r[i].size >> 10));
		rc = mark_clipped(usable.r[i].base, usable.r[i].size, hi,
				  FRAME_FREE);
	}
	if (!rc)
		rc = frame_mark(&mem_frame_table, load_pa, mem_kernel_size(),
				FRAME_KERNEL);
	for (i = 0; !rc && i < nboot_allocs; i++) {
		pr_debug(
			"mem: boot      0x%016llx-0x%016llx %6llu KiB page tables, frame table\n",
			(unsigned long long)boot_allocs[i].base,
			(unsigned long long)(boot_allocs[i].base +
					     boot_allocs[i].size - 1),
			(unsigned long long)(boot_allocs[i].size >> 10));
		rc = frame_mark(&mem_frame_table, boot_allocs[i].base,
				boot_allocs[i].size, FRAME_KERNEL);
	}
	if (!rc)
		frames_ready = 1;
	return rc;
}

int mem_init(const struct machine *m, uint64_t load_pa, uint64_t dtb_pa)
{
	struct mem_range avoid[MACHINE_MAX_RESV + 3];
	struct memmap direct;
	unsigned i, navoid;
	int rc;

	for (i = 0; i < m->nmem; i++)
		log_range("ram", m->mem[i].base, m->mem[i].size, "", "");
	pr_info("mem: total RAM %llu MiB\n",
		(unsigned long long)(machine_ram_total(m) >> 20));

	navoid = collect_avoid(m, load_pa, dtb_pa, avoid);
	rc = memmap_subtract(&usable, m->mem, m->nmem, avoid, navoid);
	if (!rc)
		rc = direct_ranges(m, &direct);
	if (rc) {
		pr_err("mem: cannot work out usable RAM: error %d\n", rc);
		return rc;
	}

	/* Until vm_init(), only the kernel's gigabyte is in the direct map. */
	boot_lo = load_pa & ~(GIGA_SIZE - 1);
	boot_hi = boot_lo + GIGA_SIZE;
	rc = vm_init(load_pa, mem_alloc_page);
	for (i = 0; !rc && i < direct.n; i++)
		rc = vm_map_direct(direct.r[i].base, direct.r[i].size);
	if (!rc)
		vm_activate();
	if (rc) {
		pr_err("mem: cannot build the kernel page table: error %d\n",
		       rc);
		return rc;
	}
	rc = frames_init(m, load_pa);
	if (rc) {
		pr_err("mem: cannot set up the frame table: error %d\n", rc);
		return rc;
	}
	pr_info("mem: usable %llu KiB, %u frames free, frame table %llu KiB\n",
		(unsigned long long)(mem_frame_table.nfree *
				     (FRAME_SIZE >> 10)),
		mem_frame_table.nfree,
		(unsigned long long)(((uint64_t)mem_frame_table.nframes *
				      sizeof(struct frame)) >>
				     10));
	return 0;
}
