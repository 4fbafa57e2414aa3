/* SPDX-License-Identifier: MIT */
/*
 * The blocking layer of <rivet/channel.h> wired to the kernel's wait and
 * notify. Kept apart from channel.c so that the host tests build the
 * queues without system calls.
 */
#include <rivet/channel.h>
#include <rivet/libos.h>

/* Waits for the channel's event bit or the end of any domain (the kernel
 * sets PEER_EXIT); the caller re-checks the ring either way. */
static int rivet_chan_wait(void *arg)
{
	struct chan_rivet_peer *p = arg;

	sys2_wait(p->bit | RIVET_EVENT_PEER_EXIT);
	return rivet_domain_alive(p->peer) ? 0 : E_NOENT;
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
		      long peer, unsigned long bit)
{
	p->peer = peer;
	p->bit = bit;
	h->wait = rivet_chan_wait;
	h->notify = rivet_chan_notify;
	h->arg = p;
	h->spin = 64;
}
