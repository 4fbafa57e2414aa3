/* SPDX-License-Identifier: MIT */
/*
 * The kernel log after the console has been handed over. While a domain
 * has the device capability of the UART the kernel logs to mapped, the
 * kernel does not touch that UART: its messages, and every domain's debug
 * output, go to a ring buffer that the console domain drains
 * (SYS_log_read), with RIVET_EVENT_LOG telling it there is text. Only
 * whole writes go in, so nothing interleaves mid-line. If the console
 * domain ends or loses its mapping, the kernel takes the UART back and
 * prints what is left.
 */
#ifndef KERNEL_KLOG_H
#define KERNEL_KLOG_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

#define KLOG_SIZE 16384

/* Is the console handed over (printk must use the ring)? */
bool klog_active(void);
/* Appends text to the ring (dropping what does not fit, and counting). */
void klog_append(const char *s);

/*
 * Log ownership is a property of holding a mapping of the console UART
 * (through a device capability): it starts with the first such mapping
 * while nobody owns the log and ends when the owner's last one goes
 * (unmap, delete or revocation of the capability, or its death), and the
 * kernel then takes the console back. Mappings made while another domain
 * owns the log give nothing.
 */

/* d mapped the console UART. Returns true if that mapping now holds the
 * log (d became or already was the owner): pass it to klog_uart_unmapped
 * when it goes. */
bool klog_uart_mapped(struct domain *d);
/* A mapping that klog_uart_mapped accepted is gone; the owner's last one
 * ends its ownership. */
void klog_uart_unmapped(struct domain *d);
/* d is ending: if it owned the console, the kernel takes it back. */
void klog_owner_gone(struct domain *d);

/*
 * The kernel is about to report a fault or stop: take the UART back now
 * and print what is in the ring, so the report reaches a person.
 */
void klog_emergency(void);

/* SYS_log_read. */
long klog_read(struct domain *d, uint64_t buf, uint64_t len, uint64_t *got);

#endif
