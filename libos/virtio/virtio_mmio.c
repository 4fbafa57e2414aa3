/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport: every access to the device's registers goes
 * through here. Registers are 32 bits wide and little-endian, like the
 * hart, so they are plain loads and stores; the fences order them against
 * the rings in ordinary memory, the way the device sees both.
 */
#include <rivet/errno.h>

#include "barrier.h"
#include "virtio_mmio.h"

/*
 * A write is ordered after every earlier store to memory (fence w,o): the
 * device, woken by a notify, must find the ring entries written before it.
 * A read is ordered before every later load from memory (fence i,r): once
 * InterruptStatus says a buffer is used, the used ring read after it is
 * the one the device wrote.
 */
static void reg_write(struct vmmio *d, unsigned off, uint32_t v)
{
	vio_fence("w,o");
	*(volatile uint32_t *)(d->regs + off) = v;
}

static uint32_t reg_read(struct vmmio *d, unsigned off)
{
	uint32_t v = *(volatile uint32_t *)(d->regs + off);

	vio_fence("i,r");
	return v;
}

int vmmio_probe(struct vmmio *d, volatile void *regs)
{
	d->regs = regs;
	if (reg_read(d, VMMIO_MAGIC) != VMMIO_MAGIC_VALUE)
		return E_FORMAT;
	d->version = reg_read(d, VMMIO_VERSION);
	if (d->version != 1 && d->version != 2)
		return E_FORMAT;
	d->device_id = reg_read(d, VMMIO_DEVICE_ID);
	return d->device_id ? 0 : E_NOENT;
}

void vmmio_reset(struct vmmio *d)
{
	reg_write(d, VMMIO_STATUS, 0);
	/* The spec has the driver wait for the reset to read back as 0. */
	while (reg_read(d, VMMIO_STATUS) != 0)
		;
}

static void status_add(struct vmmio *d, uint32_t bits)
{
	reg_write(d, VMMIO_STATUS, reg_read(d, VMMIO_STATUS) | bits);
}

void vmmio_fail(struct vmmio *d)
{
	status_add(d, VIRTIO_STATUS_FAILED);
}

void vmmio_driver_ok(struct vmmio *d)
{
	status_add(d, VIRTIO_STATUS_DRIVER_OK);
}

/* The device's 64 feature bits, 32 per selector value. A legacy device
 * has only the first word. */
static uint64_t features_read(struct vmmio *d)
{
	uint64_t f;

	reg_write(d, VMMIO_DEVICE_FEATURES_SEL, 0);
	f = reg_read(d, VMMIO_DEVICE_FEATURES);
	if (d->version >= 2) {
		reg_write(d, VMMIO_DEVICE_FEATURES_SEL, 1);
		f |= (uint64_t)reg_read(d, VMMIO_DEVICE_FEATURES) << 32;
	}
	return f;
}

static void features_write(struct vmmio *d, uint64_t f)
{
	reg_write(d, VMMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(d, VMMIO_DRIVER_FEATURES, (uint32_t)f);
	if (d->version >= 2) {
		reg_write(d, VMMIO_DRIVER_FEATURES_SEL, 1);
		reg_write(d, VMMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	}
}

int vmmio_negotiate(struct vmmio *d, uint64_t want, uint64_t *offered,
		    uint64_t *taken)
{
	uint64_t f;

	vmmio_reset(d);
	status_add(d, VIRTIO_STATUS_ACKNOWLEDGE);
	status_add(d, VIRTIO_STATUS_DRIVER);
	f = features_read(d);
	*offered = f;
	/*
	 * A modern device offers VERSION_1 and a driver for the modern
	 * interface must take it. On a legacy device bit 32 cannot even be
	 * expressed: the legacy register is one word.
	 */
	if (d->version >= 2)
		want |= 1ULL << VIRTIO_F_VERSION_1;
	*taken = f & want;
	if (d->version >= 2 && !(f & (1ULL << VIRTIO_F_VERSION_1)))
		goto refused;
	features_write(d, *taken);
	if (d->version < 2)
		return 0; /* legacy has no FEATURES_OK step */
	status_add(d, VIRTIO_STATUS_FEATURES_OK);
	if (!(reg_read(d, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		goto refused;
	return 0;

refused:
	vmmio_fail(d);
	return E_NOTSUP;
}

uint32_t vmmio_queue_num_max(struct vmmio *d, unsigned idx)
{
	reg_write(d, VMMIO_QUEUE_SEL, idx);
	return reg_read(d, VMMIO_QUEUE_NUM_MAX);
}

/* Where a legacy device expects the used ring of a vring at desc: after
 * the descriptor table and the available ring, at the next QueueAlign
 * boundary (virtio 1.x, 2.7 "Legacy Interfaces: Virtqueue Layout"). */
static uint64_t legacy_used(uint64_t desc, uint32_t num)
{
	uint64_t avail_end = desc + 16ULL * num + 6 + 2ULL * num;

	return (avail_end + VMMIO_LEGACY_PAGE - 1) &
	       ~(uint64_t)(VMMIO_LEGACY_PAGE - 1);
}

static int queue_setup_legacy(struct vmmio *d, uint32_t num, uint64_t desc,
			      uint64_t avail, uint64_t used)
{
	if (desc % VMMIO_LEGACY_PAGE || avail != desc + 16ULL * num ||
	    used != legacy_used(desc, num) || (desc / VMMIO_LEGACY_PAGE) >> 32)
		return E_INVAL;
	if (reg_read(d, VMMIO_QUEUE_PFN))
		return E_BUSY;
	reg_write(d, VMMIO_GUEST_PAGE_SIZE, VMMIO_LEGACY_PAGE);
	reg_write(d, VMMIO_QUEUE_NUM, num);
	reg_write(d, VMMIO_QUEUE_ALIGN, VMMIO_LEGACY_PAGE);
	reg_write(d, VMMIO_QUEUE_PFN, (uint32_t)(desc / VMMIO_LEGACY_PAGE));
	return 0;
}

static int queue_setup_modern(struct vmmio *d, uint32_t num, uint64_t desc,
			      uint64_t avail, uint64_t used)
{
	/* The alignments of the split virtqueue (virtio 1.x, 2.7). */
	if (desc % 16 || avail % 2 || used % 4)
		return E_INVAL;
	if (reg_read(d, VMMIO_QUEUE_READY))
		return E_BUSY;
	reg_write(d, VMMIO_QUEUE_NUM, num);
	reg_write(d, VMMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	reg_write(d, VMMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	reg_write(d, VMMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	reg_write(d, VMMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	reg_write(d, VMMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	reg_write(d, VMMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	reg_write(d, VMMIO_QUEUE_READY, 1);
	return 0;
}

int vmmio_queue_setup(struct vmmio *d, unsigned idx, uint32_t num,
		      uint64_t desc, uint64_t avail, uint64_t used)
{
	uint32_t max = vmmio_queue_num_max(d, idx); /* selects idx too */

	if (num == 0 || num > max)
		return E_INVAL;
	if (d->version < 2)
		return queue_setup_legacy(d, num, desc, avail, used);
	return queue_setup_modern(d, num, desc, avail, used);
}

void vmmio_notify(struct vmmio *d, unsigned idx)
{
	reg_write(d, VMMIO_QUEUE_NOTIFY, idx);
}

uint32_t vmmio_irq_take(struct vmmio *d)
{
	uint32_t st = reg_read(d, VMMIO_INTERRUPT_STATUS);

	if (st)
		reg_write(d, VMMIO_INTERRUPT_ACK, st);
	return st;
}

uint8_t vmmio_config8(struct vmmio *d, unsigned off)
{
	uint8_t v = *(volatile uint8_t *)(d->regs + VMMIO_CONFIG + off);

	vio_fence("i,r");
	return v;
}

uint64_t vmmio_config64(struct vmmio *d, unsigned off)
{
	uint32_t gen, lo, hi;

	/* Legacy devices have no generation counter: reading the high
	 * word on both sides of the low one catches a carry instead. */
	do {
		gen = d->version >= 2 ? reg_read(d, VMMIO_CONFIG_GENERATION)
				      : reg_read(d, VMMIO_CONFIG + off + 4);
		lo = reg_read(d, VMMIO_CONFIG + off);
		hi = reg_read(d, VMMIO_CONFIG + off + 4);
	} while (d->version >= 2 ? gen != reg_read(d, VMMIO_CONFIG_GENERATION)
				 : gen != hi);
	return (uint64_t)hi << 32 | lo;
}
