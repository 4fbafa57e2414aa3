/* SPDX-License-Identifier: MIT */
/* Console input, the reader's side; see <rivet/conin.h>. */
#include <stddef.h>
#include <string.h>

#include <rivet/conin.h>
#include <rivet/errno.h>
#include <rivet/libos.h>

#define PAGE_SIZE   4096UL
#define MAX_SLOTS   1024
#define TIMEOUT_BIT RIVET_TIMER_BIT /* attach's wait */

static struct rivet_conin *page;
static struct bytering ring;
static char pending[256]; /* bytes taken from the ring, not yet a line */
static size_t npending;
static bool skipping;	    /* dropping the rest of an overlong line */
static uint32_t console_id; /* from the page, once: whom to notify */
/* Attached over a configured channel: its index in the info page, and
 * the event bit the console's notifies set; -1 for a granted page. */
static long chan = -1;
static unsigned long input_bit = RIVET_CONIN_EV_INPUT;

/*
 * The configuration's channel to the console, or -1: the one whose other
 * end is the domain named RIVET_CONIN_CONSOLE, named first (the region
 * is the console's memory: this end does not own it). Chosen by the
 * configuration, never by what a region holds: a peer that writes the
 * console's magic into its own region is not the console.
 */
static long console_channel(void)
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

/* The console's channel once it is up and the console has laid the page
 * out (its magic written, which it does before its first notify), or -1. */
static long find_channel(void)
{
	const struct rivet_info *in = rivet_info();
	long i = console_channel();

	if (i < 0 || in->channels[i].state != RIVET_CHAN_UP ||
	    ((const volatile struct rivet_conin *)(uintptr_t)in->channels[i].va)
			    ->magic != RIVET_CONIN_MAGIC)
		return -1;
	return i;
}

/* What a console's first notify may set: the page granted, or the
 * console channel's bit. */
static unsigned long attach_events(void)
{
	long i = console_channel();

	return RIVET_CONIN_EV_INPUT |
	       (i < 0 ? 0 : 1UL << rivet_info()->channels[i].bit);
}

/* Attaches to channel i's region: the kernel mapped it already. */
static long attach_channel(long i)
{
	const struct rivet_info *in = rivet_info();

	chan = i;
	input_bit = 1UL << in->channels[i].bit;
	page = (struct rivet_conin *)(uintptr_t)in->channels[i].va;
	bytering_init(&ring, &page->lines,
		      in->channels[i].size -
			      offsetof(struct rivet_conin, lines),
		      false);
	if (in->pending & input_bit)
		sys2_wait(input_bit); /* the console's "page ready" */
	return 0;
}

/* The slot of the console's badged frame, or E_NOENT. */
static long find_page(void)
{
	struct rivet_ret r;
	long slot;

	for (slot = 0; slot < MAX_SLOTS; slot++) {
		r = sys2_cap_info(slot, RIVET_CAPINFO_TYPE);
		if (r.rc == E_INVAL)
			break; /* past the last slot */
		if (r.rc || (r.val & 0xff) != RIVET_CAP_FRAME)
			continue;
		r = sys2_cap_info(slot, RIVET_CAPINFO_BADGE);
		if (!r.rc && r.val == RIVET_CONIN_BADGE)
			return slot;
	}
	return E_NOENT;
}

long rivet_conin_attach(unsigned long wait_ms)
{
	const struct rivet_info *info = rivet_info();
	long ch = find_channel(), slot = ch < 0 ? find_page() : -1, rc;

	if (ch < 0 && slot < 0 && wait_ms) {
		sys_timer_event(rivet_now() +
					wait_ms * info->timebase_hz / 1000,
				TIMEOUT_BIT);
		while (ch < 0 && slot < 0 &&
		       !(sys2_wait(attach_events() | 1UL << TIMEOUT_BIT).val &
			 1UL << TIMEOUT_BIT)) {
			ch = find_channel();
			slot = ch < 0 ? find_page() : -1;
		}
		sys_timer_event(0, TIMEOUT_BIT);
		if (info->pending & 1UL << TIMEOUT_BIT)
			sys2_wait(1UL
				  << TIMEOUT_BIT); /* leave nothing behind */
		if (ch < 0 && slot < 0) { /* it and the timeout in one wake */
			ch = find_channel();
			slot = ch < 0 ? find_page() : -1;
		}
	}
	if (ch >= 0)
		return attach_channel(ch);
	if (slot < 0)
		return E_NOENT;
	rc = sys_map(slot, RIVET_CONIN_VA, RIVET_CAP_R | RIVET_CAP_W);
	if (rc)
		return rc;
	page = (struct rivet_conin *)RIVET_CONIN_VA;
	if (page->magic != RIVET_CONIN_MAGIC) {
		sys_unmap(slot, RIVET_CONIN_VA);
		page = NULL;
		return E_NOENT;
	}
	/* Kept here: the console could rewrite the page's copy. */
	console_id = page->console_id;
	bytering_init(&ring, &page->lines,
		      PAGE_SIZE - offsetof(struct rivet_conin, lines), false);
	/* Take the console's "page granted" event: readline waits only for
	 * lines (it looks at the ring before waiting, so none is missed). */
	if (info->pending & RIVET_CONIN_EV_INPUT)
		sys2_wait(RIVET_CONIN_EV_INPUT);
	return 0;
}

/*
 * Has the console gone? Its frame then leaves this domain's space with
 * it, so the page is checked before each use. (A console ending while
 * this domain is preempted between the check and the use would still
 * fault it: a libOS with a page-fault handler of its own can catch that.)
 */
static bool console_gone(void)
{
	if (chan >= 0)
		return rivet_info()->channels[chan].state != RIVET_CHAN_UP ||
		       rivet_pte((uintptr_t)page) == 0;
	return rivet_pte(RIVET_CONIN_VA) == 0 ||
	       !rivet_domain_alive(console_id);
}

/* Wakes the console: through the channel's notification capability, or
 * by the id the granted page gave. */
static void wake_console(void)
{
	if (chan >= 0)
		sys_notify_cap(rivet_info()->channels[chan].notify_slot, 0);
	else
		sys_notify(console_id, RIVET_CONIN_EV_ASK);
}

/* Moves what the ring holds into pending; false if the console is gone. */
static bool pull(void)
{
	if (console_gone())
		return false;
	npending += bytering_get(&ring, pending + npending,
				 sizeof(pending) - npending);
	return true;
}

static void drop(size_t n)
{
	npending -= n;
	memmove(pending, pending + n, npending);
}

/*
 * Moves a whole line out of pending into buf, cut to size - 1 bytes;
 * returns its length, or -1 if no whole line is there yet. A run of
 * sizeof(pending) bytes without '\n' (no honest console sends one)
 * counts as a line, and the rest of it up to its '\n' is dropped rather
 * than taken for the next line.
 */
static long take_line(char *buf, unsigned long size)
{
	char *nl;
	size_t n, keep;

	for (;;) {
		nl = memchr(pending, '\n', npending);
		if (skipping) {
			if (!nl) {
				npending = 0;
				return -1;
			}
			drop((size_t)(nl - pending) + 1);
			skipping = false;
			continue;
		}
		if (!nl && npending < sizeof(pending))
			return -1;
		n = nl ? (size_t)(nl - pending) : npending;
		keep = n < size ? n : size - 1;
		memcpy(buf, pending, keep);
		buf[keep] = '\0';
		drop(nl ? n + 1 : n);
		skipping = !nl;
		return (long)keep;
	}
}

static void ask(const char *prompt)
{
	strncpy(page->prompt, prompt, RIVET_CONIN_PROMPT - 1);
	page->prompt[RIVET_CONIN_PROMPT - 1] = '\0';
	__atomic_fetch_add(&page->asks, 1, __ATOMIC_RELEASE);
	wake_console();
}

/* Has input ended? Read after a pull: a line the console put before
 * setting eof is then in pending (eof's release orders it after). */
static bool ended(void)
{
	return __atomic_load_n(&page->eof, __ATOMIC_ACQUIRE) ||
	       bytering_corrupt(&ring);
}

#define NO_LINE (-1000) /* next_line: no whole line yet */

/*
 * The next whole line into buf: its length; NO_LINE if none has come yet;
 * E_NOENT once the console is gone or input has ended (after one more
 * look, so that a line put just before the end is still returned).
 */
static long next_line(char *buf, unsigned long size)
{
	long n;

	if (!pull())
		return E_NOENT;
	n = take_line(buf, size);
	if (n >= 0)
		return n;
	if (!ended())
		return NO_LINE;
	if (!pull())
		return E_NOENT;
	n = take_line(buf, size);
	return n >= 0 ? n : E_NOENT;
}

long rivet_readline(const char *prompt, char *buf, unsigned long size)
{
	long n;

	if (!page || !size)
		return E_INVAL;
	n = next_line(buf, size); /* typed ahead: taken without a prompt */
	if (n != NO_LINE)
		return n;
	ask(prompt);
	/* The console's end wakes us too (PEER_EXIT), not only lines. */
	while ((n = next_line(buf, size)) == NO_LINE)
		sys2_wait(input_bit | RIVET_EVENT_PEER_EXIT |
			  RIVET_EVENT_CHANNEL);
	return n;
}
