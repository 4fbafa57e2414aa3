/* SPDX-License-Identifier: MIT */
/*
 * The virtio network driver: find the device among the domain's grants,
 * bring it up, keep the receive queue full of buffers, and copy frames
 * through fixed buffers. Descriptor i of either queue always covers
 * buffer i of that queue, so a buffer is found from the id the used ring
 * gives back, and the device is only ever told addresses inside the two
 * buffer blocks this driver allocated.
 */
#include <string.h>

#include <rivet/libos.h>

#include "virtio_net.h"

/* Entries per queue (QEMU offers 256): one frame per descriptor. 256
 * transmit buffers hold the send windows of 8 connections answering
 * 16 KiB at once, which 64 did not: frames were dropped and waited for
 * TCP's retransmission timeout (docs/net.md). */
#define VNET_QUEUE_WANT 256

/* Sets up queue idx with its ring and num buffers of VNET_BUF bytes. */
static int queue_init(struct vnet_dev *d, unsigned idx, struct virtqueue *vq,
		      struct dma_buf *ring, struct dma_buf *bufs)
{
	int rc = virtio_attach_queue(&d->mmio, idx, VNET_QUEUE_WANT, vq, ring);

	if (rc)
		return rc;
	return iomem_dma_alloc(bufs, (unsigned long)vq->num * VNET_BUF / 4096);
}

/* Puts the buffer of the next free receive descriptor on the ring. The
 * head is known before the add, so the descriptor covers its own
 * buffer. */
static void rx_post(struct vnet_dev *d)
{
	uint16_t head = vq_next_head(&d->rxq);
	struct vq_buf b = { d->rxbufs.pa + (uint64_t)head * VNET_BUF, VNET_BUF,
			    true };

	vq_add(&d->rxq, &b, 1);
}

int vnet_open(struct vnet_dev *d, unsigned irq_bit)
{
	unsigned k;
	int rc;

	memset(d, 0, sizeof(*d));
	d->irq_slot = -1;
	d->irq_bit = irq_bit;
	rc = virtio_attach(VIRTIO_ID_NET, &d->mmio, &d->grant);
	if (rc)
		return rc;

	/* Only the MAC: no checksum offload, no merged buffers, no GSO, so
	 * every frame is whole in one buffer and the header is all zeroes
	 * on transmit. */
	rc = vmmio_negotiate(&d->mmio, 1ULL << VIRTIO_NET_F_MAC, &d->offered,
			     &d->taken);
	if (rc)
		return rc;
	/* The header has num_buffers (2 more bytes) whenever VERSION_1 is
	 * negotiated, merged buffers or not (virtio 1.x, 5.1.6). */
	d->hdr_len = d->mmio.version >= 2 ? 12 : 10;
	if (d->grant.nirqs &&
	    sys_irq_bind(d->grant.first_irq_slot, irq_bit) == 0)
		d->irq_slot = (long)d->grant.first_irq_slot;
	rc = queue_init(d, VNET_RXQ, &d->rxq, &d->rxring, &d->rxbufs);
	if (!rc)
		rc = queue_init(d, VNET_TXQ, &d->txq, &d->txring, &d->txbufs);
	if (rc) {
		vmmio_fail(&d->mmio);
		return rc;
	}
	/* Transmit completions are collected when convenient, never by
	 * interrupt. */
	vq_set_interrupts(&d->txq, false);
	vnet_irq_enable(d, d->irq_slot >= 0);
	for (k = 0; k < d->rxq.num; k++)
		rx_post(d);
	vmmio_driver_ok(&d->mmio);
	vmmio_notify(&d->mmio, VNET_RXQ);

	if (d->taken & (1ULL << VIRTIO_NET_F_MAC)) {
		for (k = 0; k < 6; k++)
			d->mac[k] = vmmio_config8(&d->mmio, k);
	} else {
		/* A locally administered address from the clock. */
		uint64_t t = rivet_now();

		d->mac[0] = 0x02;
		for (k = 1; k < 6; k++)
			d->mac[k] = (uint8_t)(t >> (8 * k));
	}
	return 0;
}

int vnet_rx_next(struct vnet_dev *d, const uint8_t **frame, uint32_t *len)
{
	uint32_t n;
	int id = vq_get_used(&d->rxq, &n);

	if (id < 0)
		return id == E_NOENT ? E_NOENT : VNET_E_DEVICE;
	if (n < d->hdr_len || n > VNET_BUF) {
		d->rx_bad++;
		vnet_rx_release(d, id);
		return VNET_E_DEVICE;
	}
	*frame = (const uint8_t *)d->rxbufs.va + (size_t)id * VNET_BUF +
		 d->hdr_len;
	*len = n - d->hdr_len;
	d->rx_frames++;
	return id;
}

void vnet_rx_release(struct vnet_dev *d, int id)
{
	(void)id; /* any free descriptor covers its own buffer */
	rx_post(d);
	d->rx_unkicked = true;
}

void vnet_rx_kick(struct vnet_dev *d)
{
	if (!d->rx_unkicked)
		return;
	d->rx_unkicked = false;
	if (vq_wants_notify(&d->rxq)) {
		vmmio_notify(&d->mmio, VNET_RXQ);
		d->notifies++;
	}
}

void vnet_tx_kick(struct vnet_dev *d)
{
	if (!d->tx_unkicked)
		return;
	d->tx_unkicked = false;
	if (vq_wants_notify(&d->txq)) {
		vmmio_notify(&d->mmio, VNET_TXQ);
		d->notifies++;
	}
}

bool vnet_rx_pending(struct vnet_dev *d)
{
	return d->rxq.used->idx != d->rxq.last_used;
}

void vnet_tx_reclaim(struct vnet_dev *d)
{
	uint32_t len;

	while (vq_get_used(&d->txq, &len) >= 0)
		;
}

int vnet_tx_buf(struct vnet_dev *d, uint8_t **frame)
{
	uint16_t head;

	if (d->txq.nfree == 0)
		vnet_tx_reclaim(d);
	if (d->txq.nfree == 0) {
		d->tx_full++;
		return E_BUSY;
	}
	head = vq_next_head(&d->txq);
	*frame = (uint8_t *)d->txbufs.va + (size_t)head * VNET_BUF + d->hdr_len;
	return head;
}

void vnet_tx_send(struct vnet_dev *d, int id, uint32_t len)
{
	uint8_t *buf = (uint8_t *)d->txbufs.va + (size_t)id * VNET_BUF;
	struct vq_buf b = { d->txbufs.pa + (uint64_t)id * VNET_BUF,
			    d->hdr_len + len, false };

	/* No offloads were negotiated: an all-zero header says "a whole,
	 * checksummed frame". */
	memset(buf, 0, d->hdr_len);
	vq_add(&d->txq, &b, 1);
	d->tx_unkicked = true;
	d->tx_frames++;
}

void vnet_irq_enable(struct vnet_dev *d, bool on)
{
	d->irq_on = on && d->irq_slot >= 0;
	vq_set_interrupts(&d->rxq, d->irq_on);
}

void vnet_irq_done(struct vnet_dev *d)
{
	vmmio_irq_take(&d->mmio);
	d->irqs++;
	if (d->irq_slot >= 0)
		sys_irq_ack((unsigned long)d->irq_slot);
}

void vnet_close(struct vnet_dev *d)
{
	virtio_detach(&d->mmio, &d->grant);
}
