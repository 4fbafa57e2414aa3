/* SPDX-License-Identifier: MIT */
/*
 * assert(): with CONFIG_ASSERT a false condition prints the expression,
 * its place and a backtrace, then stops the machine. Without it the
 * condition is not evaluated.
 */
#ifndef KERNEL_ASSERT_H
#define KERNEL_ASSERT_H

__attribute__((noreturn)) void assert_fail(const char *expr, const char *file,
					   int line, const char *func);

#ifdef CONFIG_ASSERT
#define assert(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			assert_fail(#cond, __FILE__, __LINE__, __func__);      \
	} while (0)
#else
#define assert(cond) ((void)sizeof(cond))
#endif

#endif
