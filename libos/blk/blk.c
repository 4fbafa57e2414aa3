/* SPDX-License-Identifier: MIT */
/*
 * The virtio block driver: find the device among the domain's grants,
 * bring it up, and run requests of three descriptors each (header, data,
 * status byte) through its one queue.
 */
#include <string.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "blk.h"

/* Queue entries wanted: three per request, a few requests' worth. */
#define BLK_QUEUE_WANT 64

/*
 * A request not done after this long is given up; a blocked wait looks
 * again this often. Under QEMU -icount sleep=off guest time runs ahead
 * of the host's while the hart waits, ~30 times on the development
 * machine, so the timeout is generous (docs/devices-blk.md).
 */
#define BLK_TIMEOUT_S 120
#define BLK_TICK_MS   1

/* Where request headers and status bytes live in d->reqs, by chain head:
 * headers from the start, status bytes from the middle of the page. */
#define REQ_STATUS_OFF 2048

_Static_assert(sizeof(struct blk_req_hdr) == 16, "header is 16 bytes");
_Static_assert(BLK_QUEUE_WANT * sizeof(struct blk_req_hdr) <= REQ_STATUS_OFF,
	       "headers fit below the status bytes");

static struct blk_req_hdr *req_hdr(struct blk_dev *d, uint16_t head)
{
	return (struct blk_req_hdr *)d->reqs.va + head;
}

static volatile uint8_t *req_status(struct blk_dev *d, uint16_t head)
{
	return (volatile uint8_t *)d->reqs.va + REQ_STATUS_OFF + head;
}

/* Binds the device's first interrupt to d->irq_bit; polling without. */
static void bind_irq(struct blk_dev *d, unsigned long irq_slot, uint32_t nirqs)
{
	d->irq_slot = -1;
	if (nirqs == 0 || sys_irq_bind(irq_slot, d->irq_bit) != 0)
		return;
	d->irq_slot = (long)irq_slot;
}

/* Sets up queue 0: ring memory, request page, the transport's
 * registers. */
static int queue_init(struct blk_dev *d)
{
	int rc = iomem_dma_alloc(&d->reqs, 1);

	if (rc)
		return rc;
	rc = virtio_attach_queue(&d->mmio, 0, BLK_QUEUE_WANT, &d->vq, &d->ring);
	if (rc)
		return rc;
	/* In time although the queue is live: no buffer is on it yet. */
	vq_set_interrupts(&d->vq, d->irq_slot >= 0);
	return 0;
}

int blk_open(struct blk_dev *d, unsigned irq_bit, unsigned timer_bit)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->irq_bit = irq_bit;
	d->timer_bit = timer_bit;
	d->irq_slot = -1;
	rc = virtio_attach(VIRTIO_ID_BLOCK, &d->mmio, &d->grant);
	if (rc)
		return rc;

	rc = vmmio_negotiate(&d->mmio, 0, &d->offered, &d->taken);
	if (rc)
		return rc;
	d->read_only = (d->offered >> VIRTIO_BLK_F_RO) & 1;
	bind_irq(d, d->grant.first_irq_slot, d->grant.nirqs);
	rc = queue_init(d);
	if (rc) {
		vmmio_fail(&d->mmio);
		return rc;
	}
	vmmio_driver_ok(&d->mmio);
	d->capacity = vmmio_config64(&d->mmio, 0);
	return 0;
}

/* The instruction counter (under QEMU -icount, also virtual time the
 * hart spent idle: see wait_used). */
/*
 * Sleeps until the interrupt's event bit or the next tick, with a timer
 * event armed for the tick. Returns true if the interrupt came.
 */
static bool wait_event(struct blk_dev *d)
{
	const uint64_t irq = 1UL << d->irq_bit, tick = 1UL << d->timer_bit;
	uint64_t ticks = rivet_info()->timebase_hz * BLK_TICK_MS / 1000;
	struct rivet_ret r;

	sys_timer_event(rivet_now() + (ticks ? ticks : 1), d->timer_bit);
	r = sys2_wait(irq | tick);
	return r.rc == 0 && (r.val & irq);
}

/*
 * Waits until the device has used the chain at head; BLK_E_IO if it has
 * not after BLK_TIMEOUT_S (the device is then reset and given up).
 *
 * With an interrupt: sleep on its event bit, take and acknowledge the
 * device's interrupt status, then unmask the source at the PLIC. The
 * order matters: the device's line must be low before the source is
 * unmasked, or the kernel claims the same interrupt again. A wake-up that
 * brings nothing (an interrupt left pending by a request that finished
 * before its wait, or a tick) goes round again.
 *
 * The tick is the request timeout's clock, and it also keeps a wait from
 * hanging where an interrupt is never seen: QEMU with -icount sleep=off
 * can leave an idle hart asleep past the device's completion until some
 * timer is due (docs/devices-blk.md). Without an interrupt, poll and
 * yield.
 *
 * The instructions counted from going to sleep to the interrupt's
 * wake-up, ticks included, go to d->blocked_insns: under -icount the
 * counter also advances by the virtual time the hart spent idle, which
 * is the host disk's latency, not work.
 */
static int wait_used(struct blk_dev *d, uint16_t head)
{
	uint64_t limit = rivet_info()->timebase_hz * BLK_TIMEOUT_S;
	uint64_t start = 0, t0 = 0;
	bool waited = false, asleep = false;
	uint32_t len;
	int id;

	for (;;) {
		id = vq_get_used(&d->vq, &len);
		if (id >= 0 && id != head)
			continue; /* not ours: cannot happen, one in flight */
		if (id != E_NOENT || (waited && rivet_now() - start > limit))
			break;
		if (!waited) {
			waited = true;
			d->nblocked++;
			start = rivet_now();
		}
		if (d->irq_slot < 0) {
			sys_yield_cap(RIVET_YIELD_ANY);
			continue;
		}
		if (!asleep) {
			asleep = true;
			t0 = rivet_instret();
		}
		if (!wait_event(d)) {
			d->nticks++;
			continue;
		}
		d->blocked_insns += rivet_instret() - t0;
		asleep = false;
		vmmio_irq_take(&d->mmio);
		d->nirqs++;
		sys_irq_ack((unsigned long)d->irq_slot);
	}
	if (asleep) /* found on a tick */
		d->blocked_insns += rivet_instret() - t0;
	if (id == head)
		return 0;
	if (id == E_NOENT) { /* timed out */
		vmmio_reset(&d->mmio);
		d->dead = true;
		return BLK_E_IO;
	}
	return id;
}

static int check_buf(const struct dma_buf *buf, size_t off, uint32_t len)
{
	if (len % BLK_SECTOR || !buf || off > buf->size ||
	    len > buf->size - off)
		return E_INVAL;
	return 0;
}

int blk_request(struct blk_dev *d, uint32_t type, uint64_t sector,
		const struct dma_buf *buf, size_t off, uint32_t len)
{
	uint16_t head = vq_next_head(&d->vq);
	struct blk_req_hdr *hdr = req_hdr(d, head);
	volatile uint8_t *status = req_status(d, head);
	struct vq_buf bufs[3];
	unsigned n = 0;
	uint64_t t;
	int rc;

	if (d->dead)
		return BLK_E_IO;
	if (len && (rc = check_buf(buf, off, len)) != 0)
		return rc;
	hdr->type = type;
	hdr->reserved = 0;
	hdr->sector = sector;
	*status = 0xff; /* no device status is 0xff */
	bufs[n++] = (struct vq_buf){ d->reqs.pa + (uint64_t)head * sizeof(*hdr),
				     sizeof(*hdr), false };
	if (len)
		bufs[n++] = (struct vq_buf){ buf->pa + off, len,
					     type == VIRTIO_BLK_T_IN };
	bufs[n++] =
		(struct vq_buf){ d->reqs.pa + REQ_STATUS_OFF + head, 1, true };
	rc = vq_add(&d->vq, bufs, n);
	if (rc < 0)
		return rc;
	vmmio_notify(&d->mmio, 0);
	t = rivet_instret();
	rc = wait_used(d, head);
	d->wait_insns += rivet_instret() - t;
	if (rc)
		return rc;
	d->nreqs++;
	switch (*status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_IOERR:
		return BLK_E_IO;
	case VIRTIO_BLK_S_UNSUPP:
		return E_NOTSUP;
	default:
		return E_FORMAT;
	}
}

/* The checks blk_read and blk_write share: whole sectors, inside buf and
 * inside the disk. */
static int check_rw(struct blk_dev *d, uint64_t sector,
		    const struct dma_buf *buf, size_t off, uint32_t len)
{
	uint64_t count = len / BLK_SECTOR;

	if (len == 0)
		return E_INVAL;
	if (check_buf(buf, off, len))
		return E_INVAL;
	if (sector > d->capacity || count > d->capacity - sector)
		return E_RANGE;
	return 0;
}

int blk_read(struct blk_dev *d, uint64_t sector, const struct dma_buf *buf,
	     size_t off, uint32_t len)
{
	int rc = check_rw(d, sector, buf, off, len);

	return rc ? rc : blk_request(d, VIRTIO_BLK_T_IN, sector, buf, off, len);
}

int blk_write(struct blk_dev *d, uint64_t sector, const struct dma_buf *buf,
	      size_t off, uint32_t len)
{
	int rc = check_rw(d, sector, buf, off, len);

	if (rc)
		return rc;
	if (d->read_only)
		return E_PERM;
	return blk_request(d, VIRTIO_BLK_T_OUT, sector, buf, off, len);
}

void blk_close(struct blk_dev *d)
{
	virtio_detach(&d->mmio, &d->grant);
	if (d->irq_slot >= 0)
		sys_timer_event(0, d->timer_bit);
	if (d->ring.va)
		sys_cap_delete(d->ring.slot);
	if (d->reqs.va)
		sys_cap_delete(d->reqs.slot);
}
