/* SPDX-License-Identifier: MIT */
/* Console input, the reader's side; see <rivet/conin.h>. */
#include <stddef.h>
#include <string.h>

#include <rivet/conchan.h>
#include <rivet/conin.h>
#include <rivet/errno.h>
#include <rivet/libos.h>

#define PAGE_SIZE   4096UL
#define MAX_SLOTS   1024
#define TIMEOUT_BIT RIVET_TIMER_BIT /* attach's wait */

static struct rivet_conin *page; /* the granted page */
static struct bytering ring;
/* Over the console channel (<rivet/conchan.h>): its rings, or NULL. */
static struct conchan_end *con;
static bool eof_seen;	  /* the console sent CONCHAN_EOF */
static uint32_t taken;	  /* lines returned, told with each prompt */
static char pending[256]; /* bytes taken from the ring, not yet a line */
static size_t npending;
static bool skipping;	    /* dropping the rest of an overlong line */
static uint32_t console_id; /* from the page, once: whom to notify */
/* The notification capability for it (a `notify =` line naming the
 * console): the page comes without one; E_NOENT: none, so the
 * console learns of a prompt only when it next looks. */
static long console_slot = E_NOENT;

/* What a console's first notify may set: only the granted page's bit
 * (a console channel needs no wake-up to be found: conchan_attach). */
static unsigned long attach_events(void)
{
	return RIVET_CONIN_EV_INPUT;
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
	long slot, rc;

	if (con || page)
		return 0;
	con = conchan_attach();
	if (con)
		return 0; /* the kernel mapped it; its rings start empty */
	slot = find_page();
	if (slot < 0 && wait_ms) {
		sys_timer_event(rivet_now() +
					wait_ms * info->timebase_hz / 1000,
				TIMEOUT_BIT);
		while (slot < 0 &&
		       !(sys2_wait(attach_events() | 1UL << TIMEOUT_BIT).val &
			 1UL << TIMEOUT_BIT))
			slot = find_page();
		sys_timer_event(0, TIMEOUT_BIT);
		if (info->pending & 1UL << TIMEOUT_BIT)
			sys2_wait(1UL
				  << TIMEOUT_BIT); /* leave nothing behind */
		if (slot < 0) /* it and the timeout in one wake */
			slot = find_page();
	}
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
	console_slot = rivet_notify_slot_of(console_id);
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
	if (con)
		return rivet_info()->channels[con->chan].state !=
			       RIVET_CHAN_UP ||
		       rivet_pte(rivet_info()->channels[con->chan].va) == 0;
	return rivet_pte(RIVET_CONIN_VA) == 0 ||
	       !rivet_domain_alive(console_id);
}

/*
 * Moves the channel's messages into pending while a whole one fits; a
 * CONCHAN_EOF ends input (pieces before it are in pending by then, in
 * ring order). Every field is the console's word: the length is cut to
 * the message, unknown kinds are skipped.
 */
static void pull_channel(void)
{
	struct conchan_msg m;
	size_t n;

	while (sizeof(pending) - npending >= CONCHAN_TEXT &&
	       !chan_spsc_recv(&con->in, &m)) {
		if (m.kind == CONCHAN_EOF)
			eof_seen = true;
		if (m.kind != CONCHAN_LINE)
			continue;
		n = m.len < CONCHAN_TEXT ? m.len : CONCHAN_TEXT;
		memcpy(pending + npending, m.text, n);
		npending += n;
	}
}

/* Moves what the ring holds into pending; false if the console is gone. */
static bool pull(void)
{
	if (console_gone())
		return false;
	if (con)
		pull_channel();
	else
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

/* Asks for a line: over the channel, the prompt goes into the output
 * ring after this domain's output so far (stdout flushed first), so the
 * console draws it after that output. */
static void ask(const char *prompt)
{
	if (con) {
		rivet_console_flush();
		conchan_prompt(prompt, taken);
		return;
	}
	strncpy(page->prompt, prompt, RIVET_CONIN_PROMPT - 1);
	page->prompt[RIVET_CONIN_PROMPT - 1] = '\0';
	__atomic_fetch_add(&page->asks, 1, __ATOMIC_RELEASE);
	if (console_slot > 0)
		sys_notify_cap((unsigned long)console_slot, RIVET_CONIN_EV_ASK);
}

/* Has input ended? Read after a pull: a line the console put before
 * setting eof is then in pending (eof's release orders it after). */
static bool ended(void)
{
	if (con)
		return eof_seen || chan_spsc_corrupt(&con->in);
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
		return taken++, n;
	if (!ended())
		return NO_LINE;
	if (!pull())
		return E_NOENT;
	n = take_line(buf, size);
	if (n < 0)
		return E_NOENT;
	taken++;
	return n;
}

/* chan_block's test: a message to take, or the console gone. */
static bool input_ready(void *obj)
{
	return chan_spsc_readable(obj) || console_gone();
}

/* Sleeps until the console may have sent something. */
static void wait_input(void)
{
	if (con) {
		/* Its error (the console gone) is seen by next_line. */
		chan_block(&con->hooks, &con->in.sh->cons_waiting, input_ready,
			   &con->in);
		return;
	}
	/* The console's end wakes us too (PEER_EXIT), not only lines. */
	sys2_wait(RIVET_CONIN_EV_INPUT | RIVET_EVENT_PEER_EXIT);
}

long rivet_readline(const char *prompt, char *buf, unsigned long size)
{
	long n;

	if ((!page && !con) || !size)
		return E_INVAL;
	n = next_line(buf, size); /* typed ahead: taken without a prompt */
	if (n != NO_LINE)
		return n;
	ask(prompt);
	while ((n = next_line(buf, size)) == NO_LINE)
		wait_input();
	return n;
}
