/* SPDX-License-Identifier: MIT */
/*
 * What lwIP needs from the system with NO_SYS = 1: a millisecond clock
 * for its timeouts. The time comes from rdtime and the timebase the
 * kernel puts in the info page: no system call.
 */
#include <lwip/sys.h>

#include <rivet/libos.h>

u32_t sys_now(void)
{
	uint64_t hz = rivet_info()->timebase_hz;

	return (u32_t)(rivet_now() / (hz / 1000 ? hz / 1000 : 1));
}
