/* SPDX-License-Identifier: MIT */
/* The reader of typed lines; see reader.h and <rivet/conin.h>. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rivet/conchan.h>
#include <rivet/conin.h>
#include <rivet/libos.h>

#include "input.h"
#include "peers.h"
#include "reader.h"

#define CONIN_VA  0x20100000UL /* where the shared page is mapped */
#define PAGE_SIZE 4096UL

static struct rivet_conin *page;
static struct bytering ring;
static uint32_t reader_id; /* 0: no reader */
static char reader_name[32];
static uint32_t answered; /* page->asks when the last line left */
static unsigned long dropped;
/* The reader over a configured channel ([channel console shell]):
 * channels[chan] of the info page, its ring of typed lines and hooks
 * (peers.c); -1: the page was granted instead. */
static long chan = -1;
static struct chan_spsc *in_ring;
static const struct chan_hooks *in_hooks;
static uint32_t sent; /* lines put in the ring */

/* Wakes the reader of the granted page, through the notification
 * capability a `notify =` line gave for it (the page comes with none);
 * without one the reader finds lines only when it looks. */
static void wake_reader(void)
{
	rivet_notify_name(reader_name, RIVET_CONIN_EV_INPUT);
}

/* Lays the page out in zeroed memory at va (eof, asks and the prompt
 * start empty) for a region of size bytes. */
static void page_init(unsigned long va, size_t size)
{
	page = (struct rivet_conin *)va;
	page->console_id = rivet_info()->domain_id;
	bytering_init(&ring, &page->lines,
		      size - offsetof(struct rivet_conin, lines), true);
	page->magic = RIVET_CONIN_MAGIC;
}

/* The first configured channel, if peers.c opened it: typed lines go to
 * its other end (the console must be named first: the region is its
 * memory). */
static int channel_setup(void)
{
	const struct rivet_info *in = rivet_info();

	in_ring = peers_in(0, &in_hooks);
	if (!in_ring) {
		printf("console: typed lines stay here\n");
		return 1;
	}
	chan = 0;
	snprintf(reader_name, sizeof(reader_name), "%.31s",
		 in->channels[0].peer);
	printf("console: typed lines go to domain %s over a channel\n",
	       reader_name);
	return 0;
}

/* The first `peer =` line's slot if it holds a domain capability we may
 * grant into (a peer that did not start leaves one without rights), or
 * -1. Never a later peer: input goes to the first one or nowhere. */
static long first_peer(void)
{
	struct rivet_ret r =
		sys2_cap_info(RIVET_SLOT_PEER0, RIVET_CAPINFO_TYPE);

	if (r.rc || (r.val & 0xff) != RIVET_CAP_DOMAIN ||
	    !((r.val >> 8) & RIVET_CAP_GRANT))
		return -1;
	return RIVET_SLOT_PEER0;
}

static void name_of(uint32_t id, char *out, size_t size)
{
	if (rivet_domain_state(id))
		snprintf(out, size, "%.31s",
			 rivet_registry()->domains[id - 1].name);
	else
		snprintf(out, size, "%u", id);
}

int reader_setup(void)
{
	long peer = first_peer();
	struct rivet_ret r;
	long frame, rc;

	if (rivet_info()->nchannels)
		return channel_setup();
	if (peer < 0)
		return 0;
	r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	if (r.rc) {
		printf("console: no frame for the input page (%ld); typed "
		       "lines stay here\n",
		       r.rc);
		return 1;
	}
	frame = (long)r.val;
	rc = sys_map(frame, CONIN_VA, RIVET_CAP_R | RIVET_CAP_W);
	if (rc) {
		printf("console: cannot map the input page (%ld)\n", rc);
		sys_cap_delete(frame);
		return 1;
	}
	page_init(CONIN_VA, PAGE_SIZE); /* frames come zeroed */
	r = sys2_cap_info(peer, RIVET_CAPINFO_OBJECT);
	if (r.rc)
		return 1; /* cannot be: the slot was just looked at */
	reader_id = (uint32_t)r.val;
	name_of(reader_id, reader_name, sizeof(reader_name));
	r = sys2_cap_derive(frame, peer, RIVET_CAP_R | RIVET_CAP_W,
			    RIVET_CONIN_BADGE);
	if (r.rc) {
		printf("console: cannot grant the input page to %s (%ld); "
		       "typed lines stay here\n",
		       reader_name, r.rc);
		reader_id = 0;
		return 1;
	}
	wake_reader();
	printf("console: typed lines go to domain %s (id %u)\n", reader_name,
	       reader_id);
	return 0;
}

bool reader_live(void)
{
	if (chan >= 0)
		return rivet_info()->channels[chan].state == RIVET_CHAN_UP;
	return reader_id && rivet_domain_alive(reader_id);
}

uint64_t reader_events(void)
{
	return chan >= 0 ? 0 : RIVET_CONIN_EV_ASK; /* peers.c has the bits */
}

/*
 * Puts one message of kind with n bytes of s (several if longer) into the
 * ring, all or nothing; false if they do not all fit (the reader is not
 * taking its lines).
 */
static bool put_ring(uint8_t kind, const char *s, size_t n)
{
	struct conchan_msg *m;

	do {
		m = chan_spsc_alloc(in_ring);
		if (!m) {
			chan_spsc_cancel(in_ring);
			return false;
		}
		m->stamp = 0;
		m->kind = kind;
		m->len = n < CONCHAN_TEXT ? n : CONCHAN_TEXT;
		memcpy(m->text, s, m->len);
		s += m->len;
		n -= m->len;
	} while (n);
	chan_spsc_publish_wake(in_ring, in_hooks);
	return true;
}

void reader_asked(unsigned from, const char *prompt, uint32_t taken)
{
	/* Only the reader's, and only once it has taken every line sent:
	 * it asked before they came, and asks again once it has run them. */
	if (chan >= 0 && from == (unsigned)chan && taken == sent &&
	    reader_live())
		input_prompt(prompt);
}

bool reader_line(const char *s, size_t n)
{
	char msg[INPUT_MAX + 1];

	if (!reader_live())
		return false;
	if (n > INPUT_MAX)
		n = INPUT_MAX;
	memcpy(msg, s, n);
	msg[n] = '\n';
	if (chan >= 0) {
		if (put_ring(CONCHAN_LINE, msg, n + 1))
			sent++;
		else
			printf("console: %s is not reading; line dropped (%lu "
			       "so far)\n",
			       reader_name, ++dropped);
		return true;
	}
	answered = __atomic_load_n(&page->asks, __ATOMIC_ACQUIRE);
	if (!bytering_put(&ring, msg, n + 1))
		printf("console: %s is not reading; line dropped (%lu so "
		       "far)\n",
		       reader_name, ++dropped);
	wake_reader();
	return true;
}

bool reader_eof(void)
{
	if (!reader_live())
		return false;
	if (chan >= 0) {
		/* Dropped with the ring full: the reader is not reading. */
		put_ring(CONCHAN_EOF, "", 0);
		return true;
	}
	__atomic_store_n(&page->eof, 1, __ATOMIC_RELEASE);
	answered = __atomic_load_n(&page->asks, __ATOMIC_ACQUIRE);
	wake_reader();
	return true;
}

bool reader_prompt(char *out, size_t size)
{
	size_t i, n = 0;
	char c;

	/* Not while the reader has lines it has not taken yet: it asked
	 * before they came, and asks again once it has run them. Over a
	 * channel the prompt comes with the output (reader_asked). */
	if (chan >= 0 || !reader_live() ||
	    __atomic_load_n(&page->asks, __ATOMIC_ACQUIRE) == answered ||
	    bytering_unread(&ring))
		return false;
	for (i = 0; i < RIVET_CONIN_PROMPT && n + 1 < size; i++) {
		/* Each byte read once: the filter below sees what we copy. */
		c = __atomic_load_n(&page->prompt[i], __ATOMIC_RELAXED);
		if (!c)
			break;
		if (c >= 0x20 && c < 0x7f)
			out[n++] = c;
	}
	out[n] = '\0';
	return true;
}
