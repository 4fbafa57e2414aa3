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

/*
 * The one place a channel enters the kernel to wake its peer. Today's
 * notify takes the peer's domain id; once notify takes a capability
 * (issue 13, kernel side) only this call changes.
 */
static int rivet_chan_notify(void *arg)
{
	struct chan_rivet_peer *p = arg;

	return (int)sys_notify(p->peer, p->bit);
}

void chan_hooks_rivet(struct chan_hooks *h, struct chan_rivet_peer *p,
		      long peer, unsigned long bit, unsigned long va)
{
	p->peer = peer;
	p->bit = bit;
	p->va = va;
	h->wait = rivet_chan_wait;
	h->notify = rivet_chan_notify;
	h->arg = p;
	h->spin = 64;
}
