/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_LAUNCH_H
#define KERNEL_LAUNCH_H

#include "kernel/boot/bootconf.h"
#include "kernel/boot/initramfs.h"

struct domain;

/*
 * Reads /etc/rivet.conf from the initramfs and creates every domain it
 * declares, in order, reporting each one it refuses and why. Returns the
 * number of domains created (0 when nothing can run). blob is the device
 * tree, for the devices the configuration grants.
 */
unsigned launch_domains(const struct initramfs *fs, const struct machine *m,
			const void *blob);

/*
 * The one way a domain is made, at boot and at run time (kernel/cap/spawn.c):
 * finds c->image in the initramfs, checks it as a libOS ELF that fits
 * c->memory, and creates the domain (not yet scheduled). Returns 0 with
 * *out, or E_NOENT (no such image), E_FORMAT (unreadable, or not a libOS
 * ELF), E_NOMEM (no free domain, or the quota or the machine cannot hold
 * it); *why is a static reason for the log.
 */
int launch_create(const struct bootconf_domain *c, struct domain **out,
		  const char **why);

/* The same for a build in restartable pieces (a spawn): the image is
 * found and checked, and the domain's build begun (domain_build_begin,
 * kernel/sched/domain.h); the same errors. */
int launch_begin(const struct bootconf_domain *c, struct domain **out,
		 const char **why);

/* The slice, grace and strikes a domain gets when nothing says otherwise. */
const struct bootconf_defaults *launch_defaults(void);

/* The boot configuration as parsed (empty before launch_domains). */
const struct bootconf *launch_conf(void);

#endif
