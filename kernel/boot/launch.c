// SPDX-License-Identifier: MIT
/*
 * From the initramfs to runnable domains: the boot configuration is
 * parsed and validated as a whole first (like Hubris's app.toml); then
 * each valid domain's image is found, checked as an ELF and loaded. A
 * broken domain is reported and skipped; the others still start.
 */
#include "kernel/boot/launch.h"

#include "kernel/arch.h"
#include "kernel/boot/bootargs.h"
#include "kernel/boot/bootconf.h"
#include "kernel/boot/cpu.h"
#include "kernel/boot/cpio.h"
#include "kernel/sched/domain.h"
#include "kernel/boot/elf.h"
#include "kernel/boot/initramfs_map.h"
#include "kernel/cap/channel.h"
#include "kernel/cap/notify_conf.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/placement.h"
#include "kernel/sched/sched.h"
#include "kernel/cap/spawn.h"
#include "kernel/lib/vsnprintf.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

#define CONF_PATH     "/etc/rivet.conf" /* unless rivet.conf= says */
#define CONF_PATH_MAX 63		/* characters */

static struct bootconf conf; /* large: keep it off the stack */
static char conf_file[64];   /* its path, for messages */

static const struct bootconf_defaults defaults = {
	.slice_us = CONFIG_SLICE_DEFAULT_US,
	.slots = CONFIG_CAP_SLOTS_DEFAULT,
	.strikes = 3,
	.grace_us = 1000,
};

/* ELF segments must end below the page-table view and what lies above. */
#define USER_IMAGE_TOP RIVET_MAP_TOP

/*
 * The configuration file: rivet.conf=PATH in the boot arguments names
 * another file of the initramfs (a board image can carry several), else
 * CONF_PATH. False, after saying why, if the argument is unusable.
 */
static bool config_path(const struct machine *m, char *path, size_t size)
{
	if (!bootargs_get(m->bootargs, "rivet.conf", path, size)) {
		strlcpy(path, CONF_PATH, size);
		return true;
	}
	if (path[0] != '/' || strlen(path) > CONF_PATH_MAX) {
		pr_err("launch: bootargs rivet.conf=%s%s: expected an absolute "
		       "path in the initramfs of at most %u characters; "
		       "nothing to run\n",
		       path, strlen(path) > CONF_PATH_MAX ? "..." : "",
		       CONF_PATH_MAX);
		return false;
	}
	pr_info("launch: configuration %s (rivet.conf= in bootargs)\n", path);
	return true;
}

static int read_config(const struct initramfs *fs, const struct machine *m)
{
	static char path[CONF_PATH_MAX + 2]; /* one more shows a longer one */
	struct cpio_entry e;
	struct cpio_error err = { 0 };
	unsigned i;
	int rc;

	if (!config_path(m, path, sizeof(path)))
		return E_INVAL;
	rc = cpio_find(fs->data, fs->size, path, &e, &err);
	if (rc == E_NOENT) {
		pr_err("launch: no %s in the initramfs; nothing to run\n",
		       path);
		return rc;
	}
	if (rc) {
		pr_err("launch: initramfs is corrupt at byte %zu: %s; nothing "
		       "to run\n",
		       err.offset, err.what ? err.what : "?");
		return rc;
	}
	strlcpy(conf_file, path, sizeof(conf_file));
	bootconf_parse(&conf, path, (const char *)e.data, e.size, &defaults);
	for (i = 0; i < conf.nerrors; i++)
		pr_err("config: %s\n", conf.errors[i].msg);
	if (conf.nerrors_all > conf.nerrors)
		pr_err("config: ... and %u more errors\n",
		       conf.nerrors_all - conf.nerrors);
	if (!conf.usable) {
		pr_err("config: %s is unusable; no domain will start\n", path);
		return E_FORMAT;
	}
	return 0;
}

/* bytes as a configuration size: 1G, 4M or 344K (exact). */
static const char *size_text(char *buf, size_t n, uint64_t bytes)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		ksnprintf(buf, n, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		ksnprintf(buf, n, "%lluM", (unsigned long long)(bytes >> 20));
	else
		ksnprintf(buf, n, "%lluK", (unsigned long long)(bytes >> 10));
	return buf;
}

/*
 * Does c's memory fit in the free RAM no started domain has reserved?
 * True for an overcommitted domain (nothing to reserve). Else says which
 * domains hold what, so the configuration can be fixed, and is false.
 */
static bool reservation_fits(const struct bootconf_domain *c)
{
	static char held[240]; /* the whole line must fit printk's 512 */
	char a[24], b[24];
	size_t n = 0;
	unsigned i;

	if (c->overcommit || c->memory / PAGE_SIZE <= quota_unreserved())
		return true;
	for (i = 0; i < ndomains && n < sizeof(held); i++) {
		const struct domain *d = domain_at(i);

		if (d->reserved)
			n += (size_t)ksnprintf(
				held + n, sizeof(held) - n, "%s%s %s",
				n ? ", " : "", d->name,
				size_text(a, sizeof(a),
					  d->quota_frames * PAGE_SIZE));
	}
	if (n >= sizeof(held))
		strlcpy(held + sizeof(held) - 4, "...", 4);
	pr_err("launch: %s:%u: domain %s refused: memory = %s does not fit "
	       "in the %s of free RAM left unreserved (reserved: %s); "
	       "expected the memory of all domains to fit in free RAM, or "
	       "overcommit = yes in [domain %s]\n",
	       conf_file, c->memory_line, c->name,
	       size_text(a, sizeof(a), c->memory),
	       size_text(b, sizeof(b), quota_unreserved() * PAGE_SIZE),
	       n ? held : "none", c->name);
	return false;
}

/* The initramfs, kept for domains started at run time (kernel/cap/spawn.c). */
static const struct initramfs *launch_fs;

const struct bootconf_defaults *launch_defaults(void)
{
	return &defaults;
}

const struct bootconf *launch_conf(void)
{
	return &conf;
}

/* Finds c->image in the initramfs and checks it as a libOS ELF: 0 with
 * *img and *elf (the file, which stays in memory), else E_NOENT or
 * E_FORMAT with *why. */
static int find_image(const struct bootconf_domain *c, struct elf_image *img,
		      const uint8_t **elf, const char **why)
{
	static char msg[192];
	struct cpio_entry e;
	struct cpio_error cerr = { 0 };
	struct elf_error eerr = { 0 };
	int rc;

	*why = msg;
	rc = launch_fs && launch_fs->data
		     ? cpio_find(launch_fs->data, launch_fs->size, c->image, &e,
				 &cerr)
		     : E_NOENT;
	if (rc) {
		ksnprintf(msg, sizeof(msg), "image %s %s", c->image,
			  rc == E_NOENT ? "is not in the initramfs"
					: "cannot be read from the initramfs");
		return rc == E_NOENT ? E_NOENT : E_FORMAT;
	}
	/* No quota here: the build checks it against everything the
	 * domain needs, and says how much that is, which a refusal of the
	 * image for its size alone could not. */
	rc = elf_parse(e.data, e.size, USER_IMAGE_TOP, ~0ULL, img, &eerr);
	if (rc) {
		ksnprintf(msg, sizeof(msg),
			  "image %s is not a valid libOS ELF: %s", c->image,
			  eerr.what ? eerr.what : "?");
		return E_FORMAT;
	}
	*elf = e.data;
	return 0;
}

int launch_create(const struct bootconf_domain *c, struct domain **out,
		  const char **why)
{
	static struct elf_image img;
	const uint8_t *elf;
	int rc = find_image(c, &img, &elf, why);

	if (rc)
		return rc;
	*out = domain_create(c, &img, elf, 0, why);
	return *out ? 0 : E_NOMEM;
}

int launch_begin(const struct bootconf_domain *c, struct domain **out,
		 const char **why)
{
	static struct elf_image img;
	const uint8_t *elf;
	int rc = find_image(c, &img, &elf, why);

	if (rc)
		return rc;
	*out = domain_build_begin(c, &img, elf, why);
	return *out ? 0 : E_NOMEM;
}

/* The online harts, index order, and how many domains each was given. */
static struct placement_hart placed[CONFIG_NR_HARTS];
static unsigned nplaced;

static void placement_init(void)
{
	unsigned i;

	nplaced = 0;
	for (i = 0; i < cpu_count() && i < CONFIG_NR_HARTS; i++)
		if (cpu_get(i)->state == CPU_ONLINE)
			placed[nplaced++] = (struct placement_hart){
				.hartid = cpu_get(i)->hartid,
			};
}

/*
 * The online hart c may be placed on (docs/smp.md, Placement), or -1
 * after logging why none: a "hart =" or "harts =" line that names no
 * online hart refuses the domain, with the file and line.
 */
static int place(const struct bootconf_domain *c)
{
	int i = placement_pick(placed, nplaced, c->hart_mask);

	if (i < 0)
		pr_err("launch: domain %s refused: %s:%u: %s names no online "
		       "hart\n",
		       c->name, conf_file, c->hart_line,
		       c->hart_pinned ? "hart" : "harts");
	return i;
}

/* Loads one configured domain; false (after logging why) if refused. */
static bool launch_one(const struct bootconf_domain *c)
{
	struct domain *d;
	const char *why = "";
	int hart;

	if (!c->valid) {
		pr_err("launch: domain %s refused: configuration error at "
		       "line %u\n",
		       c->name, c->error.line);
		return false;
	}
	hart = place(c);
	if (hart < 0)
		return false;
	if (!reservation_fits(c))
		return false;
	if (launch_create(c, &d, &why)) {
		pr_err("launch: domain %s refused: %s\n", c->name, why);
		return false;
	}
	placed[hart].load++;
	d->placed_hartid = placed[hart].hartid;
	pr_info("launch: domain %s placed on hart %u (%s)\n", d->name,
		d->placed_hartid,
		c->hart_pinned ? "hart ="
		: c->hart_mask ? "harts ="
			       : "spread");
	pr_info("launch: domain %s (id %u): %s, %llu KiB quota%s, %llu KiB "
		"used, slice %u us, entry 0x%llx\n",
		d->name, d->id, c->image, (unsigned long long)(c->memory >> 10),
		d->reserved ? "" : " (overcommitted: a limit, not reserved)",
		(unsigned long long)(d->used_frames * PAGE_SIZE >> 10),
		c->slice_us, (unsigned long long)d->ctx.sepc);
	sched_add(d);
	return true;
}

_Static_assert(DEVICE_RISK_DMA == BOOTCONF_TRUST_DMA &&
		       DEVICE_RISK_MACHINE == BOOTCONF_TRUST_MACHINE,
	       "a device line's words name the risks they accept");
_Static_assert(DEVICE_RISK_DMA << 1 == CAPF_DEVICE_DMA &&
		       DEVICE_RISK_MACHINE << 1 == CAPF_DEVICE_MACHINE,
	       "a device capability's flags record its risks");

/*
 * A device that can do DMA or control the machine is granted only if its
 * `device =` line names each risk. False, after saying what the line
 * must say, if it does not.
 */
static bool device_trusted(const struct domain *d,
			   const struct bootconf_domain *c, unsigned i,
			   const struct device_desc *dev)
{
	unsigned missing = dev->risk & ~c->device_trust[i];

	if (!missing)
		return true;
	pr_err("launch: %s:%u: domain %s: device %s (%s) refused: %s; "
	       "expected device = %s%s%s to grant it\n",
	       conf_file, c->device_line[i], d->name, c->devices[i],
	       dev->compat[0] ? dev->compat : "no compatible",
	       dev->risk == (DEVICE_RISK_DMA | DEVICE_RISK_MACHINE)
		       ? "the kernel does not know it, so it may do DMA to "
			 "any memory and control the machine"
	       : missing & DEVICE_RISK_DMA
		       ? "it can do DMA to any memory"
		       : "it controls the machine (power, reset)",
	       c->devices[i], dev->risk & DEVICE_RISK_DMA ? " dma" : "",
	       dev->risk & DEVICE_RISK_MACHINE ? " machine" : "");
	return false;
}

/* Does [base, base+size) touch RAM? Device capabilities must not. */
static bool overlaps_ram(const struct machine *m, uint64_t base, uint64_t size)
{
	unsigned i;

	for (i = 0; i < m->nmem; i++)
		if (base < m->mem[i].base + m->mem[i].size &&
		    m->mem[i].base < base + size)
			return true;
	return false;
}

/*
 * The configuration's `device =` lines: a device capability for the
 * node's first MMIO range and an interrupt capability per PLIC source,
 * in the slots after the peers, listed in the info page. A device that
 * cannot be granted is reported and skipped.
 */
static void grant_devices(struct domain *d, const struct bootconf_domain *c,
			  const struct machine *m, const void *blob)
{
	static struct device_desc dev;
	struct fdt_error err = { 0 };
	unsigned i, j, n = 0;

	for (i = 0; i < c->ndevices; i++) {
		const char *name = c->devices[i];
		uint64_t base, pages;
		uint32_t slot, irq_slot = 0;
		int rc;

		/* "stdout": the console UART, whatever the board calls it. */
		if (!strcmp(name, "stdout"))
			name = m->stdout_path[0] ? m->stdout_path : "-";
		rc = machine_device(blob, m->fdt_size, name, &dev, &err);

		if (rc) {
			pr_err("launch: domain %s: device %s: %s\n", d->name,
			       name,
			       rc == E_NOENT ? "no such enabled node or alias"
					     : err.what);
			continue;
		}
		if (dev.is_plic || !dev.nregs) {
			pr_err("launch: domain %s: device %s: %s\n", d->name,
			       name,
			       dev.is_plic ? "the interrupt controller is the "
					     "kernel's"
					   : "has no registers");
			continue;
		}
		if (!device_trusted(d, c, i, &dev))
			continue;
		base = dev.regs[0].base & ~(PAGE_SIZE - 1);
		pages = (dev.regs[0].base + dev.regs[0].size - base +
			 PAGE_SIZE - 1) /
			PAGE_SIZE;
		if (overlaps_ram(m, base, pages * PAGE_SIZE) ||
		    n == sizeof(d->info->devices) /
				    sizeof(d->info->devices[0])) {
			pr_err("launch: domain %s: device %s: %s\n", d->name,
			       name,
			       n ? "too many devices"
				 : "its registers are RAM");
			continue;
		}
		/* A DMA or machine-control device stays with the domain its
		 * line trusted: no grant right, so no grant and no spawn
		 * pass-along, and none on its copies. */
		if (cap_create(&d->cs, CAP_DEVICE,
			       CAP_R | CAP_W | (dev.risk ? 0 : CAP_GRANT), base,
			       pages, &slot))
			goto no_slots;
		d->cs.slots[slot].flags = (uint16_t)(dev.risk << 1);
		pr_debug(
			"cap: domain %s slot %u: device 0x%llx, %llu pages (%s), rights rw%s\n",
			d->name, slot, (unsigned long long)base,
			(unsigned long long)pages, dev.path,
			dev.risk ? "" : "+grant");
		for (j = 0; j < dev.nirqs; j++) {
			uint32_t s;

			if (cap_create(&d->cs, CAP_IRQ, CAP_ALL, dev.irqs[j], 0,
				       &s))
				goto no_slots;
			/* The PLIC's claim order depends on it (plic_src.c). */
			plic_set_trigger(dev.irqs[j], dev.edge_mask >> j & 1,
					 m->plic.edge_lost);
			pr_debug(
				"cap: domain %s slot %u: irq %u (%s), all rights\n",
				d->name, s, dev.irqs[j], dev.path);
			if (!j)
				irq_slot = s;
		}
		strlcpy(d->info->devices[n].name, c->devices[i],
			sizeof(d->info->devices[n].name));
		strlcpy(d->info->devices[n].compat, dev.compat,
			sizeof(d->info->devices[n].compat));
		d->info->devices[n].slot = slot;
		d->info->devices[n].first_irq_slot = irq_slot;
		d->info->devices[n].nirqs = dev.nirqs;
		d->info->devices[n].mmio_offset =
			(uint32_t)(dev.regs[0].base & (PAGE_SIZE - 1));
		d->info->devices[n].reg_shift = dev.reg_shift;
		d->info->devices[n].reg_io_width = dev.reg_io_width;
		d->info->ndevices = ++n;
		pr_info("launch: domain %s: device %s (%s) at 0x%llx, slot %u, "
			"%u interrupt%s\n",
			d->name, dev.path, dev.compat,
			(unsigned long long)dev.regs[0].base, slot, dev.nirqs,
			dev.nirqs == 1 ? "" : "s");
	}
	return;
no_slots:
	pr_err("launch: domain %s: no free slot for its devices (slots too "
	       "few)\n",
	       d->name);
}

/*
 * The configuration's `accept =` lines: how many capabilities each named
 * domain may grant into d's space at once (cspace_accept). Grants from a
 * domain d does not name are refused: no peer can fill d's slots.
 */
static void accept_grants(struct domain *d, const struct bootconf_domain *c)
{
	unsigned i;

	for (i = 0; i < c->naccepts; i++) {
		struct domain *g = domain_by_name(c->accept_from[i],
						  strlen(c->accept_from[i]));

		if (domain_live(g))
			cspace_accept(&d->cs, g->id, c->accept_n[i]);
	}
}

/*
 * `initramfs = yes`: the archive, read-only at RIVET_INITRAMFS_VA, and
 * where it is in the info page. A failure is reported and the domain
 * starts without it (its info page then says 0).
 */
static void grant_initramfs(struct domain *d, const struct bootconf_domain *c)
{
	uint64_t va, before = d->used_frames;
	int rc;

	if (!c->initramfs)
		return;
	rc = initramfs_map(launch_fs, &d->as, &va);
	if (rc) {
		pr_err("launch: domain %s: initramfs not mapped: %s\n", d->name,
		       rc == E_NOENT	? "there is none"
		       : rc == E_TOOBIG ? "larger than the window for it"
					: "no memory for its page tables");
		return;
	}
	d->info->initramfs = va;
	d->info->initramfs_size = launch_fs->size;
	pr_info("launch: domain %s: initramfs read-only at 0x%llx, %zu bytes "
		"(page tables %llu KiB of its quota)\n",
		d->name, (unsigned long long)va, launch_fs->size,
		(unsigned long long)((d->used_frames - before) * PAGE_SIZE >>
				     10));
}

unsigned launch_domains(const struct initramfs *fs, const struct machine *m,
			const void *blob)
{
	unsigned i, n = 0;

	launch_fs = fs;
	if (!fs->data || read_config(fs, m))
		return 0;
	/* The one kernel page domains share, before memory is reserved. */
	if (domain_registry_init()) {
		pr_err("launch: no frame for the registry page; nothing to "
		       "run\n");
		return 0;
	}
	pr_info("launch: %llu KiB of free RAM for the domains' memory\n",
		(unsigned long long)(quota_unreserved() * PAGE_SIZE >> 10));
	placement_init();
	for (i = 0; i < conf.ndomains; i++)
		n += launch_one(&conf.domains[i]);
	/* Domain capabilities for peers, now that every domain has an id. */
	for (i = 0; i < conf.ndomains; i++) {
		struct domain *d = domain_by_name(conf.domains[i].name,
						  strlen(conf.domains[i].name));

		if (d && d->state == DOMAIN_RUNNABLE) {
			domain_grant_peers(d, &conf.domains[i]);
			accept_grants(d, &conf.domains[i]);
			grant_devices(d, &conf.domains[i], m, blob);
			spawn_grant(d, &conf.domains[i]);
			grant_initramfs(d, &conf.domains[i]);
			/* Last: the slots of devices and spawn
			 * capabilities stay where they were. */
			notify_conf_grant(d, &conf.domains[i]);
		}
	}
	channel_launch(&conf);
	pr_info("launch: %u of %u configured domains started\n", n,
		conf.ndomains);
	return n;
}
