/* SPDX-License-Identifier: MIT */
/* The console channel's layout; see <rivet/conchan.h>. */
#include <string.h>

#include <rivet/conchan.h>
#include <rivet/conin.h>
#include <rivet/libos.h>

int conchan_open(struct chan_spsc *out, struct chan_spsc *in, void *va,
		 unsigned long size, bool console_end)
{
	unsigned long half = size / 2 & ~(unsigned long)(CHAN_CACHE_LINE - 1);
	int rc;

	rc = chan_spsc_init(out, va, half, sizeof(struct conchan_msg),
			    console_end ? CHAN_CONSUMER : CHAN_PRODUCER);
	if (!rc)
		rc = chan_spsc_init(
			in, (char *)va + half, half, sizeof(struct conchan_msg),
			console_end ? CHAN_PRODUCER : CHAN_CONSUMER);
	return rc;
}

long conchan_find(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned i;

	for (i = 0; i < in->nchannels && i < RIVET_CHAN_MAX; i++)
		if (!strncmp(in->channels[i].peer, RIVET_CONIN_CONSOLE,
			     sizeof(in->channels[i].peer)) &&
		    !in->channels[i].owner)
			return i;
	return -1;
}

static struct conchan_end end;
static bool tried, attached;

struct conchan_end *conchan_attach(void)
{
	const struct rivet_info *info = rivet_info();
	long i;

	if (attached && info->channels[end.chan].state != RIVET_CHAN_UP)
		attached = false; /* the console ended: for good */
	if (attached || tried)
		return attached ? &end : NULL;
	tried = true;
	i = conchan_find();
	if (i < 0 || chan_hooks_rivet_conf(&end.hooks, &end.peer, i) ||
	    conchan_open(&end.out, &end.in, (void *)info->channels[i].va,
			 info->channels[i].size, false))
		return NULL;
	end.chan = i;
	attached = true;
	return &end;
}

/* chan_block's test for room. */
static bool writable(void *obj)
{
	return chan_spsc_writable(obj);
}

/*
 * Sends one message, blocking while the ring is full. It is stamped only
 * once there is room, just before it is published: a line that waited
 * for room is not dated before the lines other domains wrote meanwhile.
 */
static long put(struct conchan_end *e, struct conchan_msg *m)
{
	long rc = chan_block(&e->hooks, &e->out.sh->prod_waiting, writable,
			     &e->out);

	if (!rc) {
		m->stamp = rivet_now();
		rc = chan_spsc_send(&e->out, m);
	}
	if (!rc)
		rc = chan_wake(&e->hooks, &e->out.sh->cons_waiting);
	if (rc)
		attached = false; /* never touch the region again */
	return rc;
}

long conchan_write(const char *s, unsigned long n)
{
	struct conchan_end *e = conchan_attach();
	struct conchan_msg m = { .kind = CONCHAN_OUT };
	long rc;

	if (!e)
		return E_NOENT;
	while (n) {
		const char *nl = memchr(s, '\n', n);
		unsigned long len = nl ? (unsigned long)(nl - s) + 1 : n;

		/* A piece ends at its line's '\n': the console drops what
		 * would follow it in the same message. */
		m.len = len < CONCHAN_TEXT ? len : CONCHAN_TEXT;
		memcpy(m.text, s, m.len);
		rc = put(e, &m);
		if (rc)
			return rc;
		s += m.len;
		n -= m.len;
	}
	return 0;
}

long conchan_prompt(const char *prompt, uint32_t taken)
{
	struct conchan_end *e = conchan_attach();
	struct conchan_msg m = { .kind = CONCHAN_PROMPT, .arg = taken };

	if (!e)
		return E_NOENT;
	m.len = strnlen(prompt, CONCHAN_TEXT);
	memcpy(m.text, prompt, m.len);
	return put(e, &m);
}
