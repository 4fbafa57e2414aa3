/* SPDX-License-Identifier: MIT */
/* The kernel log as a line source; see logrelay.h. */
#include <rivet/libos.h>

#include "logrelay.h"

#define LOG_CHUNK 256 /* read per SYS_log_read */

static char chunk[LOG_CHUNK];
static size_t cpos, clen; /* bytes of chunk used / read */
static struct outline cur;
static bool pending;
static unsigned long lines;

void logrelay_kick(void)
{
	pending = true;
}

bool logrelay_pending(void)
{
	return pending || cpos < clen;
}

/* The kernel's stamp "[SSSSS.UUUUUU] " at the start of a line, in
 * microseconds; 0 without one. */
static uint64_t stamp_usec(const char *s, size_t n)
{
	uint64_t sec = 0, usec = 0;
	size_t i = 1, digits = 0;

	if (!n || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		sec = sec * 10 + (uint64_t)(s[i] - '0');
	if (i >= n || s[i++] != '.')
		return 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9' && digits < 6; i++, digits++)
		usec = usec * 10 + (uint64_t)(s[i] - '0');
	return digits == 6 ? sec * 1000000 + usec : 0;
}

/* Reads the next chunk of the log; false if it is empty (or not ours). */
static bool read_chunk(void)
{
	struct rivet_ret r;

	/* The kernel's event not taken by a wait yet counts too: a busy
	 * relay that does not sleep would otherwise let the channels'
	 * later lines pass the log's. Taken here (a wait on a pending bit
	 * returns at once), so the kernel sets it again for new text. */
	if (rivet_info()->pending & RIVET_EVENT_LOG) {
		sys2_wait(RIVET_EVENT_LOG);
		pending = true;
	}
	if (!pending)
		return false;
	r = sys2_log_read(chunk, sizeof(chunk));
	if (r.rc || !r.val) {
		/* Empty, or not ours (E_PERM: no console handed over). */
		pending = false;
		return false;
	}
	cpos = 0;
	clen = r.val;
	return true;
}

struct outline *logrelay_line(void)
{
	while (!cur.whole) {
		if (cpos == clen && !read_chunk())
			return NULL;
		while (cpos < clen && !cur.whole) {
			char c = chunk[cpos++];

			cur.text[cur.len++] = c;
			cur.whole = c == '\n' || cur.len == OUTLINE_MAX;
		}
	}
	cur.usec = stamp_usec(cur.text, cur.len);
	cur.stamped = true;
	return &cur;
}

void logrelay_taken(void)
{
	cur.len = 0;
	cur.whole = false;
	lines++;
}

void logrelay_flush(void)
{
	if (cur.len)
		cur.whole = true;
}

unsigned long logrelay_lines(void)
{
	return lines;
}
