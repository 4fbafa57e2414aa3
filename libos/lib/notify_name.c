// SPDX-License-Identifier: MIT
/*
 * Signalling and yielding to a domain by name, through the notification
 * capability the configuration gave this domain for it: a `notify =`
 * line's or a configured channel's (the info page lists both). Without
 * one there is no way to signal that domain: ids carry no authority.
 */
#include <stdbool.h>
#include <string.h>

#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/libos.h>

long rivet_notify_slot(const char *name)
{
	const struct rivet_info *in = rivet_info();
	unsigned i;

	for (i = 0; i < in->nnotify && i < RIVET_NOTIFY_MAX; i++)
		if (in->notify[i].slot &&
		    strncmp(in->notify[i].peer, name,
			    sizeof(in->notify[i].peer)) == 0)
			return in->notify[i].slot;
	for (i = 0; i < in->nchannels && i < RIVET_CHAN_MAX; i++)
		if (in->channels[i].notify_slot &&
		    strncmp(in->channels[i].peer, name,
			    sizeof(in->channels[i].peer)) == 0)
			return in->channels[i].notify_slot;
	return E_NOENT;
}

/* Does slot hold a notification capability whose target is domain id? */
static bool names_id(unsigned long slot, long id)
{
	struct rivet_ret t = sys2_cap_info(slot, RIVET_CAPINFO_TYPE);
	struct rivet_ret o = sys2_cap_info(slot, RIVET_CAPINFO_OBJECT);

	return slot && !t.rc && (t.val & 0xff) == RIVET_CAP_NOTIFY && !o.rc &&
	       (long)RIVET_DOMAIN_OBJECT_ID(o.val) == id;
}

long rivet_notify_slot_of(long id)
{
	const struct rivet_info *in = rivet_info();
	unsigned i;

	for (i = 0; i < in->nnotify && i < RIVET_NOTIFY_MAX; i++)
		if (names_id(in->notify[i].slot, id))
			return in->notify[i].slot;
	for (i = 0; i < in->nchannels && i < RIVET_CHAN_MAX; i++)
		if (names_id(in->channels[i].notify_slot, id))
			return in->channels[i].notify_slot;
	return E_NOENT;
}

long rivet_notify_name(const char *name, unsigned long bits)
{
	long slot = rivet_notify_slot(name);

	if (slot < 0)
		return slot;
	return sys_notify_cap((unsigned long)slot, bits);
}

long rivet_yield_to_name(const char *name)
{
	long slot = rivet_notify_slot(name);

	if (slot < 0)
		return slot;
	return sys_yield_cap((unsigned long)slot);
}
