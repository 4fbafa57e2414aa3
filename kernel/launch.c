// SPDX-License-Identifier: MIT
/*
 * From the initramfs to runnable domains: the boot configuration is
 * parsed and validated as a whole first (like Hubris's app.toml); then
 * each valid domain's image is found, checked as an ELF and loaded. A
 * broken domain is reported and skipped; the others still start.
 */
#include "kernel/launch.h"

#include "arch/riscv/memlayout.h"
#include "kernel/bootconf.h"
#include "kernel/cpio.h"
#include "kernel/domain.h"
#include "kernel/elf.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

#define CONF_PATH "/etc/rivet.conf"

static struct bootconf conf; /* large: keep it off the stack */

static const struct bootconf_defaults defaults = {
	.slice_us = CONFIG_SLICE_DEFAULT_US,
	.slots = CONFIG_CAP_SLOTS_DEFAULT,
	.strikes = 3,
	.grace_us = 1000,
};

/* Lowest address of the stack region: ELF segments must end below it. */
#define USER_IMAGE_TOP (RIVET_STACK_TOP - (RIVET_STACK_PAGES + 1) * PAGE_SIZE)

static int read_config(const struct initramfs *fs)
{
	struct cpio_entry e;
	struct cpio_error err = { 0 };
	unsigned i;
	int rc;

	rc = cpio_find(fs->data, fs->size, CONF_PATH, &e, &err);
	if (rc == E_NOENT) {
		pr_err("launch: no %s in the initramfs; nothing to run\n",
		       CONF_PATH);
		return rc;
	}
	if (rc) {
		pr_err("launch: initramfs is corrupt at byte %zu: %s; nothing "
		       "to run\n",
		       err.offset, err.what ? err.what : "?");
		return rc;
	}
	bootconf_parse(&conf, CONF_PATH, (const char *)e.data, e.size,
		       &defaults);
	for (i = 0; i < conf.nerrors; i++)
		pr_err("config: %s\n", conf.errors[i].msg);
	if (conf.nerrors_all > conf.nerrors)
		pr_err("config: ... and %u more errors\n",
		       conf.nerrors_all - conf.nerrors);
	if (!conf.usable) {
		pr_err("config: %s is unusable; no domain will start\n",
		       CONF_PATH);
		return E_FORMAT;
	}
	return 0;
}

/* Loads one configured domain; false (after logging why) if refused. */
static bool launch_one(const struct initramfs *fs,
		       const struct bootconf_domain *c)
{
	static struct elf_image img;
	struct cpio_entry e;
	struct cpio_error cerr = { 0 };
	struct elf_error eerr = { 0 };
	struct domain *d;
	const char *why = "";
	int rc;

	if (!c->valid) {
		pr_err("launch: domain %s refused: configuration error at "
		       "line %u\n",
		       c->name, c->error.line);
		return false;
	}
	rc = cpio_find(fs->data, fs->size, c->image, &e, &cerr);
	if (rc) {
		pr_err("launch: domain %s refused: image %s %s\n", c->name,
		       c->image,
		       rc == E_NOENT ? "is not in the initramfs"
				     : "cannot be read from the initramfs");
		return false;
	}
	rc = elf_parse(e.data, e.size, USER_IMAGE_TOP, c->memory, &img, &eerr);
	if (rc) {
		pr_err("launch: domain %s refused: image %s is not a valid "
		       "libOS ELF: %s\n",
		       c->name, c->image, eerr.what ? eerr.what : "?");
		return false;
	}
	d = domain_create(c, &img, e.data, e.size, &why);
	if (!d) {
		pr_err("launch: domain %s refused: %s\n", c->name, why);
		return false;
	}
	pr_info("launch: domain %s (id %u): %s, %llu KiB quota, %llu KiB "
		"used, slice %u us, entry 0x%llx\n",
		d->name, d->id, c->image, (unsigned long long)(c->memory >> 10),
		(unsigned long long)(d->used_frames * PAGE_SIZE >> 10),
		c->slice_us, (unsigned long long)img.entry);
	sched_add(d);
	return true;
}

unsigned launch_domains(const struct initramfs *fs)
{
	unsigned i, n = 0;

	if (!fs->data || read_config(fs))
		return 0;
	for (i = 0; i < conf.ndomains; i++)
		n += launch_one(fs, &conf.domains[i]);
	/* Domain capabilities for peers, now that every domain has an id. */
	for (i = 0; i < conf.ndomains; i++) {
		struct domain *d = domain_by_name(conf.domains[i].name,
						  strlen(conf.domains[i].name));

		if (d && d->state == DOMAIN_RUNNABLE)
			domain_grant_peers(d, &conf.domains[i]);
	}
	pr_info("launch: %u of %u configured domains started\n", n,
		conf.ndomains);
	return n;
}
