// SPDX-License-Identifier: MIT
/* The kernel log: level filter, time stamps, output through the console. */
#include "kernel/printk.h"

#include <stdbool.h>

#include "arch/riscv/csr.h"
#include "kernel/console.h"
#include "kernel/vsnprintf.h"

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

static void emit_stamp(void)
{
	char stamp[32];
	unsigned long t, sec, usec;

	if (!timebase_hz)
		return;
	t = csr_read(time);
	sec = t / timebase_hz;
	usec = (t % timebase_hz) * 1000000UL / timebase_hz;
	ksnprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ", sec, usec);
	console_write(stamp);
}

/* Writes text, stamping each new line. */
static void emit(const char *text)
{
	char line[2] = { 0, 0 };

	for (; *text; text++) {
		if (at_line_start)
			emit_stamp();
		line[0] = *text;
		console_write(line);
		at_line_start = *text == '\n';
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
