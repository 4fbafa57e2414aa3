/* SPDX-License-Identifier: MIT */
/*
 * Domains at run time. A spawn capability, granted by the boot
 * configuration (`spawn = PATH`), lets its holder start a domain from an
 * image of the initramfs (SYS_spawn) with a quota lent from its own: the
 * child's frames come out of the spawner's frame quota and its slots out
 * of the spawner's free slots, and both come back when the child ends. The
 * spawner gets a domain capability for the child, and may end it
 * (SYS_kill); nobody else may. A spawner outlives its children: when it
 * ends, they end first. Creation goes through launch_begin() and the
 * build the boot configuration's domains take (domain_create.c), here in
 * restartable pieces: the child is BUILDING meanwhile, never run, and a
 * build given up (another call at the spawn's ecall, the spawner's end)
 * is taken back by the reaper.
 */
#ifndef KERNEL_SPAWN_H
#define KERNEL_SPAWN_H

#include <stdint.h>

#include "kernel/boot/bootconf.h"

struct domain;

/* At boot: a spawn capability per `spawn =` line of d's configuration, in
 * the slots after its peers and devices. */
void spawn_grant(struct domain *d, const struct bootconf_domain *conf);

/*
 * SYS_spawn: decodes the struct rivet_spawn at uva completely, then
 * builds the child in restartable pieces (SYSCALL_RESTART) and schedules
 * it. Returns 0 with *slot (a domain capability for the child, with the
 * grant and control rights, in d's space), or the errors listed in
 * <rivet/syscall.h>; a build that fails is taken back before the error
 * is returned.
 */
long spawn_sys(struct domain *d, uint64_t uva, uint64_t *slot);

/* d's spawn in progress is given up (its restart record ends): the child
 * being built goes to the reaper. */
void spawn_give_up(struct domain *d);

/* SYS_kill: ends the domain that d's domain capability in slot names, if
 * d spawned it. 0, E_INVAL/E_NOENT (bad slot), E_NOENT (ended), E_PERM. */
long spawn_kill(struct domain *d, uint64_t slot);

/* From domain_destroy(d), first: ends every live domain d spawned, and
 * gives up the one it builds. */
void spawn_children_end(struct domain *d);

/* From the reaper, once all d held is freed: gives d's quota back to its
 * spawner. */
void spawn_return_quota(struct domain *d);

#endif
