/* SPDX-License-Identifier: MIT */
/*
 * A suspended uthread's registers, shared by uthread.c and
 * uthread_switch.S: what the calling convention says a callee must
 * preserve (ra, sp, s0-s11). tp is the domain's one TLS block and never
 * changes, so it is not switched.
 */
#ifndef UTHREAD_CTX_H
#define UTHREAD_CTX_H

#define UCTX_RA	  0
#define UCTX_SP	  8
#define UCTX_S(n) (16 + 8 * (n))
#define UCTX_SIZE (16 + 8 * 12)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct uthread_ctx {
	uint64_t ra;
	uint64_t sp;
	uint64_t s[12];
};

/* Saves the caller's registers in from, loads to's and returns into it. */
void uthread_switch(struct uthread_ctx *from, const struct uthread_ctx *to);
#endif

#endif
