/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting into a buffer, shared by printk and host tests.
 *
 * Conversions: d i u x X o c s p %, flags - 0 + space #, width and
 * precision (numbers or *), length modifiers hh h l ll z t j. %p prints
 * 0x and 16 hex digits. Unknown conversions are copied through verbatim.
 */
#ifndef KERNEL_VSNPRINTF_H
#define KERNEL_VSNPRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats into buf (size bytes, always NUL-terminated when size > 0).
 * Returns the length the full output would have had, as C99 does.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
