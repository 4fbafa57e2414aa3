/* SPDX-License-Identifier: MIT */
/*
 * Channels from the boot configuration ([channel A B]): shared frames
 * mapped into both ends and a notification capability each way, set up
 * once every domain exists; and the event an end gets when its peer ends.
 * docs/channels.md describes what each end sees.
 */
#ifndef KERNEL_CHANNEL_H
#define KERNEL_CHANNEL_H

struct bootconf;
struct domain;

/* Sets up every channel of conf whose two ends are running; a channel
 * with an end missing, or that cannot be set up, is logged and marked
 * RIVET_CHAN_FAILED in the info page of the end that runs. */
void channel_launch(const struct bootconf *conf);

/* d is ending: the other end of each of its channels learns it
 * (RIVET_CHAN_PEER_DEAD, RIVET_EVENT_CHANNEL). */
void channel_domain_gone(const struct domain *d);

#endif
