// SPDX-License-Identifier: MIT
/*
 * The lookup's view (kernel/boot/domain_view.h). An id carries no
 * authority (every signal and yield takes a capability), so this hides
 * nothing the registry page does not show; it keeps the call itself to
 * what the configuration declared, as the issue asks.
 */
#include "kernel/boot/domain_view.h"

#include "kernel/boot/bootconf.h"
#include "kernel/boot/launch.h"
#include "kernel/sched/domain.h"

bool domain_view_sees(const struct domain *d, const struct domain *t)
{
	if (t == d || t->spawner == d || d->spawner == t)
		return true;
	if (d->spawned || t->spawned)
		return false;
	return bootconf_sees(launch_conf(), d->name, t->name);
}
