// SPDX-License-Identifier: MIT
/* The kernel log: level filter, time stamps, output through the console. */
#include "kernel/printk.h"

#include <stdbool.h>

#include "arch/riscv/csr.h"
#include "kernel/console.h"
#include "kernel/klog.h"
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

/* Where output goes: the UART (or SBI), or the handed-over log ring. */
static void out(const char *s)
{
	if (klog_active())
		klog_append(s);
	else
		console_write(s);
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
	out(stamp);
}

/* Writes text, stamping each new line. */
static void emit(const char *text)
{
	char line[160];
	size_t n = 0;

	/* Whole lines at a time: the log ring takes them in one piece. */
	for (; *text; text++) {
		if (at_line_start) {
			line[n] = 0;
			out(line);
			n = 0;
			emit_stamp();
		}
		line[n++] = *text;
		at_line_start = *text == '\n';
		if (n == sizeof(line) - 1) {
			line[n] = 0;
			out(line);
			n = 0;
		}
	}
	line[n] = 0;
	out(line);
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
