/* SPDX-License-Identifier: MIT */
/* The console without a device; see nodevice.h. */
#include <stdio.h>
#include <string.h>

#include <rivet/libos.h>

#include "nodevice.h"
#include "peers.h"
#include "reader.h"

static unsigned long forwarded; /* channel lines written to the log */

bool others_alive(void)
{
	uint32_t i, n = rivet_registry_count();

	for (i = 1; i <= n; i++)
		if (i != rivet_info()->domain_id && rivet_domain_alive(i))
			return true;
	return false;
}

/* Writes one line to the kernel log, ending it with '\n' if the piece
 * has none (a line cut at OUTLINE_MAX). */
static void log_line(const struct outline *l)
{
	char buf[OUTLINE_MAX + 1];
	size_t n = l->len;

	memcpy(buf, l->text, n);
	if (!n || buf[n - 1] != '\n')
		buf[n++] = '\n';
	sys_debug_write(buf, n);
	forwarded++;
}

/* Takes every whole line from every channel. A prompt is dropped: there
 * is no input to prompt for. */
static void forward(void)
{
	struct outline *l;
	unsigned i;

	for (i = 0; i < RIVET_CHAN_MAX; i++)
		while ((l = peers_line(i))) {
			if (!l->prompt)
				log_line(l);
			peers_taken(i);
		}
}

void nodevice_run(int status)
{
	uint64_t mask = RIVET_EVENT_PEER_EXIT;

	peers_setup();
	/* The reader would wait for typed lines forever. */
	if (!reader_setup())
		reader_eof();
	mask |= peers_events() | reader_events();
	for (;;) {
		forward();
		if (!others_alive())
			break;
		if (peers_arm())
			continue; /* a message came: take it before sleeping */
		sys2_wait(mask);
		peers_disarm();
	}
	peers_flush();
	forward();
	printf("console: no device; %lu channel lines written to the kernel "
	       "log; no other domain left, exiting\n",
	       forwarded);
	rivet_exit(status);
}
