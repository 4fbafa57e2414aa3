/* SPDX-License-Identifier: MIT */
/*
 * Domain entry. The kernel starts a domain here in U-mode with
 * a0 = RIVET_INFO_VA, a1 = RIVET_UPCALL_VA, sp = RIVET_STACK_TOP and every
 * other register 0. gp stays unused: the libOS ABI reserves it for the
 * upcall resume path (upcall_entry.S), so there is no __global_pointer$.
 */
	.section .text.init.enter, "ax"
	.globl	_start
	.type	_start, @function
_start:
	mv	s0, a0				/* info page */
	mv	s1, a1				/* upcall area */

	/*
	 * .bss and .tbss are not cleared here: the kernel loads every page
	 * of a segment into a fresh zeroed frame, so the bytes past filesz
	 * are zero (an ABI guarantee, docs/libos.md). Clearing the heap
	 * arena again would cost ~70,000 instructions of the first slice.
	 */
	/*
	 * One TLS block, for the main thread and every uthread: picolibc's
	 * errno lives there. RISC-V uses TLS variant I with no TCB, so tp
	 * points at the block itself, which the loader has already filled
	 * (.tdata in place, .tbss zeroed above).
	 */
	la	tp, __tls_base

	mv	a0, s0
	mv	a1, s1
	call	rivet_libos_init		/* upcall entries, handlers */
	call	__libc_init_array		/* constructors */

	li	a0, 0				/* argc */
	li	a1, 0				/* argv */
	call	main
	call	exit				/* atexit, destructors, then */
						/* _exit -> rivet_exit */
	.size	_start, . - _start
