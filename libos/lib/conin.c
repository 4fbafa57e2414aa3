/* SPDX-License-Identifier: MIT */
/* Console input, the reader's side; see <rivet/conin.h>. */
#include <stddef.h>
#include <string.h>

#include <rivet/conin.h>
#include <rivet/errno.h>
#include <rivet/libos.h>

#define PAGE_SIZE   4096UL
#define MAX_SLOTS   1024
#define TIMEOUT_BIT 18 /* attach's wait, on the domain's timer */

static struct rivet_conin *page;
static struct bytering ring;
static char pending[256]; /* bytes taken from the ring, not yet a line */
static size_t npending;

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
	long slot = find_page(), rc;

	if (slot < 0 && wait_ms) {
		sys_timer_event(rivet_now() +
					wait_ms * info->timebase_hz / 1000,
				TIMEOUT_BIT);
		while (slot < 0 &&
		       !(sys2_wait(RIVET_CONIN_EV_INPUT | 1UL << TIMEOUT_BIT)
				 .val &
			 1UL << TIMEOUT_BIT))
			slot = find_page();
		sys_timer_event(0, TIMEOUT_BIT);
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
	bytering_init(&ring, &page->lines,
		      PAGE_SIZE - offsetof(struct rivet_conin, lines), false);
	/* Take the console's "page granted" event: readline waits only for
	 * lines (it looks at the ring before waiting, so none is missed). */
	if (info->pending & RIVET_CONIN_EV_INPUT)
		sys2_wait(RIVET_CONIN_EV_INPUT);
	return 0;
}

/* Has the console gone, taking the page with it? */
static bool console_gone(void)
{
	return rivet_pte(RIVET_CONIN_VA) == 0 ||
	       !rivet_domain_alive(page->console_id);
}

/* Moves a whole line out of pending into buf; its length, or -1. */
static long take_line(char *buf, unsigned long size)
{
	char *nl = memchr(pending, '\n', npending);
	size_t n, keep;

	if (!nl) {
		if (npending < sizeof(pending))
			return -1;
		nl = &pending[npending - 1]; /* no '\n' in 256: a line */
	}
	n = (size_t)(nl - pending);
	keep = n < size ? n : size - 1;
	memcpy(buf, pending, keep);
	buf[keep] = '\0';
	npending -= n + 1;
	memmove(pending, nl + 1, npending);
	return (long)keep;
}

long rivet_readline(const char *prompt, char *buf, unsigned long size)
{
	long n;

	if (!page || !size)
		return E_INVAL;
	/* A line typed ahead is taken without a prompt. */
	npending += bytering_get(&ring, pending + npending,
				 sizeof(pending) - npending);
	n = take_line(buf, size);
	if (n >= 0)
		return n;
	if (console_gone())
		return E_NOENT;
	strncpy(page->prompt, prompt, RIVET_CONIN_PROMPT - 1);
	page->prompt[RIVET_CONIN_PROMPT - 1] = '\0';
	__atomic_fetch_add(&page->asks, 1, __ATOMIC_RELEASE);
	sys_notify(page->console_id, RIVET_CONIN_EV_ASK);
	for (;;) {
		npending += bytering_get(&ring, pending + npending,
					 sizeof(pending) - npending);
		n = take_line(buf, size);
		if (n >= 0)
			return n;
		if (__atomic_load_n(&page->eof, __ATOMIC_ACQUIRE) ||
		    bytering_corrupt(&ring))
			return E_NOENT;
		sys2_wait(RIVET_CONIN_EV_INPUT | RIVET_EVENT_REVOKED);
		if (console_gone())
			return E_NOENT;
	}
}
