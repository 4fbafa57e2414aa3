/* SPDX-License-Identifier: MIT */
/*
 * void uthread_switch(struct uthread_ctx *from, const struct uthread_ctx *to)
 *
 * An ordinary call as far as the compiler knows, so only the callee-saved
 * registers need keeping: the caller has already saved the rest. "ret"
 * returns into the thread being switched to: to the call of
 * uthread_switch it made when it was suspended, or, for a new thread, to
 * the start function uthread.c put in its ra.
 */
#include "uthread_ctx.h"

	.section .text.uthread_switch, "ax"
	.globl	uthread_switch
	.type	uthread_switch, @function
uthread_switch:
	sd	ra, UCTX_RA(a0)
	sd	sp, UCTX_SP(a0)
	sd	s0, UCTX_S(0)(a0)
	sd	s1, UCTX_S(1)(a0)
	sd	s2, UCTX_S(2)(a0)
	sd	s3, UCTX_S(3)(a0)
	sd	s4, UCTX_S(4)(a0)
	sd	s5, UCTX_S(5)(a0)
	sd	s6, UCTX_S(6)(a0)
	sd	s7, UCTX_S(7)(a0)
	sd	s8, UCTX_S(8)(a0)
	sd	s9, UCTX_S(9)(a0)
	sd	s10, UCTX_S(10)(a0)
	sd	s11, UCTX_S(11)(a0)

	ld	ra, UCTX_RA(a1)
	ld	sp, UCTX_SP(a1)
	ld	s0, UCTX_S(0)(a1)
	ld	s1, UCTX_S(1)(a1)
	ld	s2, UCTX_S(2)(a1)
	ld	s3, UCTX_S(3)(a1)
	ld	s4, UCTX_S(4)(a1)
	ld	s5, UCTX_S(5)(a1)
	ld	s6, UCTX_S(6)(a1)
	ld	s7, UCTX_S(7)(a1)
	ld	s8, UCTX_S(8)(a1)
	ld	s9, UCTX_S(9)(a1)
	ld	s10, UCTX_S(10)(a1)
	ld	s11, UCTX_S(11)(a1)
	ret
	.size	uthread_switch, . - uthread_switch
