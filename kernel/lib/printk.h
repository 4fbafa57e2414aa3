/* SPDX-License-Identifier: MIT */
/*
 * Kernel log. A message is printed when its level is at or below the
 * console log level (CONFIG_LOGLEVEL_DEFAULT, or loglevel= at boot).
 * Each line starts with the time since boot when the timebase is known.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>

#define LOG_EMERG   0
#define LOG_ALERT   1
#define LOG_CRIT    2
#define LOG_ERR	    3
#define LOG_WARNING 4
#define LOG_NOTICE  5
#define LOG_INFO    6
#define LOG_DEBUG   7

void printk(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vprintk(int level, const char *fmt, va_list ap);

#define pr_emerg(...)  printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...)    printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)   printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)   printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)  printk(LOG_DEBUG, __VA_ARGS__)

void printk_set_loglevel(int level);
int printk_loglevel(void);
/* Enables "[seconds.micros]" stamps once the timebase is known. */
void printk_set_timebase(unsigned long hz);

#endif
