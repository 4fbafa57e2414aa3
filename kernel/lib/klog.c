// SPDX-License-Identifier: MIT
/* The handed-over kernel log; see klog.h. */
#include "kernel/lib/klog.h"

#include "kernel/drivers/console.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/uaccess.h"
#include "kernel/lib/vsnprintf.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

static char ring[KLOG_SIZE];
static uint64_t head, tail; /* bytes written / read since the start */
static uint64_t dropped;
static struct domain *owner;
static uint32_t owner_maps; /* the owner's mappings of the UART */

bool klog_active(void)
{
	return owner != 0;
}

void klog_append(const char *s)
{
	size_t n = strlen(s), i;

	if (KLOG_SIZE - (head - tail) < n) {
		dropped += n; /* keep what is there whole; count the loss */
		return;
	}
	for (i = 0; i < n; i++)
		ring[(head + i) % KLOG_SIZE] = s[i];
	head += n;
	/* An owner being torn down is not woken (sched_notify refuses). */
	if (domain_live(owner) && !(owner->info->pending & RIVET_EVENT_LOG))
		sched_notify(owner, RIVET_EVENT_LOG);
}

bool klog_uart_mapped(struct domain *d)
{
	if (owner && owner != d)
		return false;
	if (!owner) {
		pr_notice("console: handed over to domain %s; the kernel log "
			  "goes through it from now on\n",
			  d->name);
		owner = d;
	}
	owner_maps++;
	return true;
}

void klog_uart_unmapped(struct domain *d)
{
	if (d != owner || !owner_maps)
		return;
	if (!--owner_maps)
		klog_owner_gone(d);
}

void klog_emergency(void)
{
	if (owner)
		klog_owner_gone(owner);
}

void klog_owner_gone(struct domain *d)
{
	char note[64];

	if (!d || owner != d)
		return;
	owner = 0;
	owner_maps = 0;
	/* Straight to the UART again: what the owner did not print. */
	while (tail < head) {
		char c[2] = { ring[tail % KLOG_SIZE], 0 };

		console_write(c);
		tail++;
	}
	if (dropped) {
		ksnprintf(note, sizeof(note),
			  "[klog: %llu bytes dropped, buffer full]\n",
			  (unsigned long long)dropped);
		console_write(note);
		dropped = 0;
	}
	pr_notice("console: taken back from domain %s\n", d->name);
}

long klog_read(struct domain *d, uint64_t buf, uint64_t len, uint64_t *got)
{
	char chunk[256];
	uint64_t n = 0;

	*got = 0;
	if (d != owner)
		return E_PERM;
	while (n < len && tail < head) {
		uint64_t k = head - tail, i;

		if (k > sizeof(chunk))
			k = sizeof(chunk);
		if (k > len - n)
			k = len - n;
		for (i = 0; i < k; i++)
			chunk[i] = ring[(tail + i) % KLOG_SIZE];
		if (copy_to_user(d, buf + n, chunk, k))
			return n ? 0 : E_RANGE;
		tail += k;
		n += k;
		*got = n;
	}
	return 0;
}
