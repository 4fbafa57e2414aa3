/* SPDX-License-Identifier: MIT */
/*
 * One line of output on its way to the UART, from one source: the kernel
 * log (logrelay.c) or a domain's console channel (peers.c). The relay
 * (relay.c) takes, of the sources' next lines, the one with the earliest
 * time, so lines from all of them reach the terminal in the order they
 * were written. A line without a stamp of its own gets one as it goes
 * out, in the kernel's format.
 */
#ifndef CONSOLE_OUTLINE_H
#define CONSOLE_OUTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTLINE_MAX 512 /* a longer line is sent in pieces */

struct outline {
	char text[OUTLINE_MAX];
	size_t len;
	bool stamped;	/* text starts with its time stamp (the kernel's) */
	bool whole;	/* complete (its '\n', or full): ready to go */
	bool prompt;	/* a reader's prompt request, text the prompt */
	uint32_t taken; /* the prompt's count of lines the reader took */
	uint64_t usec;	/* when it was written, microseconds since boot */
};

#endif
