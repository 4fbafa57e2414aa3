/* SPDX-License-Identifier: MIT */
/*
 * The heap behind picolibc's malloc: sbrk() over a fixed arena in .bss.
 * The loader backs .bss with zeroed frames charged to the domain's memory
 * quota, so the arena costs RIVET_HEAP_SIZE of it whether used or not.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#define RIVET_HEAP_SIZE (256 * 1024)

static char arena[RIVET_HEAP_SIZE] __attribute__((aligned(16)));
static size_t brk_off; /* bytes of the arena handed out */

/*
 * Moves the break by incr bytes. Returns the old break, or (void *)-1 with
 * errno = ENOMEM if the new break would leave the arena.
 */
void *sbrk(ptrdiff_t incr)
{
	char *old = arena + brk_off;

	if ((incr > 0 && (size_t)incr > sizeof(arena) - brk_off) ||
	    (incr < 0 && (size_t)-incr > brk_off)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	brk_off += incr;
	return old;
}
