/* SPDX-License-Identifier: MIT */
/*
 * The configuration's `notify = NAME [BITS]` lines: a notification
 * capability without a channel (docs/boot-config.md).
 */
#ifndef KERNEL_NOTIFY_CONF_H
#define KERNEL_NOTIFY_CONF_H

#include "kernel/boot/bootconf.h"

struct domain;

/*
 * Gives d, once every configured domain exists, an original notification
 * capability for each domain its `notify =` lines name, badged with the
 * line's bits (no handoff), and lists each in d's info page (notify[]).
 * A target that did not start, or a full space, is reported in the boot
 * log and leaves that entry's slot 0.
 */
void notify_conf_grant(struct domain *d, const struct bootconf_domain *c);

#endif
