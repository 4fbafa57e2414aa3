// SPDX-License-Identifier: MIT
/*
 * `notify =` lines (kernel/cap/notify_conf.h). The configuration is the
 * only source of a notification capability for a domain one shares no
 * channel with: holding one is what lets a domain signal or yield to
 * another, and the badge is what it may set there.
 */
#include "kernel/cap/notify_conf.h"

#include "kernel/cap/notify_cap.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/sched/domain.h"
#include <rivet/abi.h>

_Static_assert(BOOTCONF_MAX_NOTIFY == RIVET_NOTIFY_MAX &&
		       BOOTCONF_NOTIFY_BITS == RIVET_CHAN_BIT0,
	       "notify lines: the info page's table and the ordinary bits");

void notify_conf_grant(struct domain *d, const struct bootconf_domain *c)
{
	struct rivet_info *in = d->info;
	unsigned i;

	for (i = 0; i < c->nnotify; i++) {
		const char *name = c->notify_to[i];
		struct domain *t = domain_by_name(name, strlen(name));
		uint32_t slot = 0;

		strlcpy(in->notify[i].peer, name, sizeof(in->notify[i].peer));
		in->notify[i].badge = c->notify_badge[i];
		in->nnotify = i + 1;
		if (!domain_live(t)) {
			pr_warn("launch: domain %s: notify target %s is not "
				"running; no capability\n",
				d->name, name);
			continue;
		}
		if (notify_cap_create(d, t, c->notify_badge[i], 0, &slot)) {
			pr_err("launch: domain %s: no free slot to notify %s "
			       "(slots too few)\n",
			       d->name, name);
			continue;
		}
		in->notify[i].slot = slot;
	}
}
