/* SPDX-License-Identifier: MIT */
/*
 * The split virtqueue: descriptor allocation and the two rings. The device
 * reads what the driver wrote only after it is told (a notify, a
 * published idx), and the driver reads what the device wrote only after
 * it sees used->idx move; the fences below are those two hand-overs.
 */
#include <rivet/errno.h>

#include "virtqueue.h"
#include "barrier.h"
#include "virtio_mmio.h"

static size_t page_up(size_t n)
{
	return (n + VMMIO_LEGACY_PAGE - 1) & ~(size_t)(VMMIO_LEGACY_PAGE - 1);
}

/* Descriptor table, then the available ring (flags, idx, ring, the unused
 * used_event); the used ring (flags, idx, ring, avail_event) starts on
 * the next page. This is the legacy vring, QueueAlign = one page. */
static size_t avail_end(uint16_t num)
{
	return 16u * num + 6 + 2u * num;
}

size_t vq_bytes(uint16_t num)
{
	return page_up(avail_end(num)) + page_up(6 + 8u * num);
}

void vq_init(struct virtqueue *vq, uint16_t num, void *mem, uint64_t pa)
{
	size_t used_off = page_up(avail_end(num));
	uint16_t i;

	vq->num = num;
	vq->desc = mem;
	vq->desc_pa = pa;
	vq->avail = (struct vq_avail *)((char *)mem + 16u * num);
	vq->avail_pa = pa + 16u * num;
	vq->used = (volatile struct vq_used *)((char *)mem + used_off);
	vq->used_pa = pa + used_off;
	for (i = 0; i < num; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nfree = num;
	vq->last_used = 0;
}

int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n)
{
	uint16_t head = vq->free_head, id = head;
	unsigned i;

	if (n == 0)
		return E_INVAL;
	if (n > vq->nfree)
		return E_BUSY;
	for (i = 0; i < n; i++) {
		struct vq_desc *d = &vq->desc[id];

		d->addr = bufs[i].pa;
		d->len = bufs[i].len;
		d->flags = (uint16_t)((bufs[i].device_writes ? VQ_DESC_F_WRITE
							     : 0) |
				      (i + 1 < n ? VQ_DESC_F_NEXT : 0));
		id = d->next; /* the free list's link is the chain's link */
	}
	vq->free_head = id;
	vq->nfree = (uint16_t)(vq->nfree - n);

	vq->avail->ring[vq->avail->idx & (vq->num - 1)] = head;
	/* The descriptors and the ring entry before the index that
	 * publishes them. */
	vio_fence("w,w");
	vq->avail->idx = (uint16_t)(vq->avail->idx + 1);
	return head;
}

int vq_get_used(struct virtqueue *vq, uint32_t *len)
{
	volatile struct vq_used_elem *e;
	uint16_t head, id, n = 1;

	if (vq->used->idx == vq->last_used)
		return E_NOENT;
	/* The entry and the data it covers after the index that said so. */
	vio_fence("r,r");
	e = &vq->used->ring[vq->last_used & (vq->num - 1)];
	if (e->id >= vq->num)
		return E_FORMAT; /* a device bug: leave the ring alone */
	head = (uint16_t)e->id;
	*len = e->len;
	vq->last_used++;

	/* Give the chain back: its tail links to the old free list. */
	id = head;
	while (vq->desc[id].flags & VQ_DESC_F_NEXT) {
		id = vq->desc[id].next;
		n++;
	}
	vq->desc[id].next = vq->free_head;
	vq->free_head = head;
	vq->nfree = (uint16_t)(vq->nfree + n);
	return head;
}

bool vq_wants_notify(struct virtqueue *vq)
{
	/* The new avail->idx must be visible before the flag is read, or
	 * the device could stop looking in between and never see it. */
	vio_fence("rw,rw");
	return !(vq->used->flags & VQ_USED_F_NO_NOTIFY);
}

void vq_set_interrupts(struct virtqueue *vq, bool on)
{
	vq->avail->flags = on ? 0 : VQ_AVAIL_F_NO_INTERRUPT;
}
