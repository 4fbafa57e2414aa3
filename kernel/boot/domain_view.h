/* SPDX-License-Identifier: MIT */
/*
 * Which domains SYS_domain_lookup answers for: the ones a domain's
 * configuration lets it see (docs/channels.md, "Names and ids").
 */
#ifndef KERNEL_DOMAIN_VIEW_H
#define KERNEL_DOMAIN_VIEW_H

#include <stdbool.h>

struct domain;

/*
 * May d look t up by name? Itself, the domains it spawned and the one
 * that spawned it; and, for a domain of the boot configuration, the boot
 * domains its section names in `peer` or `notify` lines or shares a
 * [channel] with (bootconf_sees). A spawned domain has no section, and a
 * spawned domain that took a boot domain's name is not the one the
 * configuration named.
 */
bool domain_view_sees(const struct domain *d, const struct domain *t);

#endif
