/* SPDX-License-Identifier: MIT */
/* Fatal kernel errors and stopping the machine. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

/* Prints the message and a backtrace, then stops the machine. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
							   ...);

/* Powers off normally (SBI SRST shutdown, then reset as a fallback). */
__attribute__((noreturn)) void machine_power_off(void);

/* Stops after a fatal error: shutdown with reason "system failure". */
__attribute__((noreturn)) void machine_stop_failure(void);

#endif
