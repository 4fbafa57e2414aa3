/* SPDX-License-Identifier: MIT */
/*
 * The blocking layer of <rivet/channel.h> wired to the kernel's wait and
 * notify. Kept apart from channel.c so that the host tests build the
 * queues without system calls.
 */
#include <rivet/channel.h>
#include <rivet/libos.h>

/*
 * Waits for the channel's event bit or the end of any domain (the kernel
 * sets PEER_EXIT). chan_block calls it only after finding the ring not
 * ready with its flag set, so a peer already gone will never make it
 * ready: E_NOENT at once. A peer that ends during the wait may have left
 * a last message, so the ring is re-checked, unless the shared page went
 * with the peer (it was the peer's frame). A page revoked between this
 * check and the re-check still faults the domain (as in conin.c).
 */
static int rivet_chan_wait(void *arg)
{
	struct chan_rivet_peer *p = arg;

	if (!rivet_domain_alive(p->peer))
		return E_NOENT;
	sys2_wait(p->bit | RIVET_EVENT_PEER_EXIT);
	if (p->va && !rivet_pte(p->va))
		return E_NOENT;
	return 0;
}

/* Wakes the peer through the notification capability the caller named
 * (a `notify =` line's, or one granted): ids carry no authority. */
static int rivet_chan_notify(void *arg)
{
	struct chan_rivet_peer *p = arg;

	return (int)sys_notify_cap(p->slot, p->bit);
}

/* The configured channel's wait: as above, with the kernel's word on
 * the peer (channels[i].state) instead of the registry. */
static int rivet_chan_conf_wait(void *arg)
{
	struct chan_rivet_peer *p = arg;
	const struct rivet_info *in = rivet_info();

	if (in->channels[p->chan].state != RIVET_CHAN_UP)
		return E_NOENT;
	sys2_wait(p->bit | RIVET_EVENT_CHANNEL);
	if (!rivet_pte(p->va))
		return E_NOENT;
	return 0;
}

/* Through the channel's notification capability: no domain id. */
static int rivet_chan_conf_notify(void *arg)
{
	struct chan_rivet_peer *p = arg;

	return (int)sys_notify_cap(p->slot, 0);
}

int chan_hooks_rivet_conf(struct chan_hooks *h, struct chan_rivet_peer *p,
			  unsigned i)
{
	const struct rivet_info *in = rivet_info();

	if (i >= in->nchannels || i >= RIVET_CHAN_MAX ||
	    in->channels[i].state != RIVET_CHAN_UP)
		return E_NOENT;
	p->peer = 0;
	p->slot = in->channels[i].notify_slot;
	p->chan = i;
	p->bit = 1UL << in->channels[i].bit;
	p->va = in->channels[i].va;
	h->wait = rivet_chan_conf_wait;
	h->notify = rivet_chan_conf_notify;
	h->arg = p;
	h->spin = 64;
	/* Kept current by the kernel (sched_add): the adaptive spin's
	 * "which hart do I run on". */
	h->hart = &in->hart_id;
	h->spin_max = 0; /* CHAN_SPIN_MAX */
	return 0;
}

void chan_hooks_rivet(struct chan_hooks *h, struct chan_rivet_peer *p,
		      long peer, unsigned long slot, unsigned long bit,
		      unsigned long va)
{
	p->peer = peer;
	p->slot = slot;
	p->bit = bit;
	p->va = va;
	p->chan = -1;
	h->wait = rivet_chan_wait;
	h->notify = rivet_chan_notify;
	h->arg = p;
	h->spin = 64;
	h->hart = &rivet_info()->hart_id;
	h->spin_max = 0; /* CHAN_SPIN_MAX */
}
