// SPDX-License-Identifier: MIT
/* The kernel log: level filter, time stamps, output through the console. */
#include "kernel/lib/printk.h"

#include <stdbool.h>

#include "kernel/arch.h"
#include "kernel/drivers/console.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/vsnprintf.h"

static int loglevel = CONFIG_LOGLEVEL_DEFAULT;
static unsigned long timebase_hz;
static bool at_line_start = true;

void printk_set_loglevel(int level)
{
	loglevel = level < 0 ? 0 : level > LOG_DEBUG ? LOG_DEBUG : level;
}

int printk_loglevel(void)
{
	return loglevel;
}

void printk_set_timebase(unsigned long hz)
{
	timebase_hz = hz;
}

/* Where output goes: the UART (or SBI), or the handed-over log ring. */
static void out(const char *s)
{
	if (klog_active())
		klog_append(s);
	else
		console_write(s);
}

/* Writes "[seconds.micros] " into buf (at least 32 bytes); its length. */
static size_t format_stamp(char *buf)
{
	unsigned long t, sec, usec;

	if (!timebase_hz)
		return 0;
	t = arch_time();
	sec = t / timebase_hz;
	usec = (t % timebase_hz) * 1000000UL / timebase_hz;
	return (size_t)ksnprintf(buf, 32, "[%5lu.%06lu] ", sec, usec);
}

/*
 * Writes text, stamping each new line. A line goes out in one piece with
 * its stamp, so the log ring (which drops whole writes when full) never
 * keeps a stamp without its line.
 */
static void emit(const char *text)
{
	char line[192];
	size_t n = 0;

	for (; *text; text++) {
		if (at_line_start) {
			if (n) {
				line[n] = 0;
				out(line);
			}
			n = format_stamp(line);
		}
		line[n++] = *text;
		at_line_start = *text == '\n';
		if (n == sizeof(line) - 1) {
			line[n] = 0;
			out(line);
			n = 0;
		}
	}
	if (n) {
		line[n] = 0;
		out(line);
	}
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];

	if (level > loglevel)
		return;
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	emit(buf);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
