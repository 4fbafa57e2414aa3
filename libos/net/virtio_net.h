/* SPDX-License-Identifier: MIT */
/*
 * A virtio network driver (VIRTIO 1.x, section 5.1) over virtio-mmio:
 * one receive queue and one transmit queue, each descriptor owning one
 * fixed 2 KiB buffer in frames the driver allocated by physical address.
 * Frames are copied in and out of those buffers; the device never sees
 * any other address (docs/net.md).
 */
#ifndef LIBOS_NET_VIRTIO_NET_H
#define LIBOS_NET_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <virtio/iomem.h>
#include <virtio/virtio_attach.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtqueue.h>

#define VIRTIO_ID_NET 1

/* Feature bit: the device has a MAC address in its configuration. */
#define VIRTIO_NET_F_MAC 5

#define VNET_RXQ 0
#define VNET_TXQ 1

/* One buffer per descriptor: the virtio-net header and a whole Ethernet
 * frame (1514 bytes without the FCS) fit. */
#define VNET_BUF       2048u
#define VNET_FRAME_MAX 1514u

/* The driver's own error: the device handed back a descriptor it was
 * never given or a length beyond its buffer. Below every E_* value. */
#define VNET_E_DEVICE (-65)

struct vnet_dev {
	struct virtio_grant grant; /* name, registers, interrupts */
	struct vmmio mmio;
	struct virtqueue rxq, txq;
	struct dma_buf rxring, txring; /* the two virtqueues */
	struct dma_buf rxbufs, txbufs; /* VNET_BUF per descriptor */
	unsigned hdr_len;	       /* 10 on legacy, 12 on modern devices */
	uint8_t mac[6];
	uint64_t offered, taken;
	long irq_slot; /* the bound interrupt; -1: none (poll) */
	unsigned irq_bit;
	bool irq_on; /* the receive queue asks for interrupts */
	bool rx_unkicked, tx_unkicked; /* buffers added, device not told */
	/* counters */
	unsigned long rx_frames, tx_frames, rx_bad, tx_full, irqs;
	unsigned long notifies; /* QueueNotify writes made */
};

/*
 * Finds the first virtio-mmio device granted to this domain whose device
 * id is network, brings it up (features: MAC only), fills the receive
 * queue and binds the device's interrupt to event bit irq_bit. Returns
 * 0; E_NOENT if no granted device is a network device; E_NOTSUP if the
 * device refused the features; E_NOMEM or a system call's error.
 */
int vnet_open(struct vnet_dev *d, unsigned irq_bit);

/*
 * The next frame the device received, if any: *frame points into its
 * buffer (valid until vnet_rx_release), *len is its length. Returns the
 * buffer's id (>= 0); E_NOENT when nothing new arrived; VNET_E_DEVICE
 * for a used entry that names no buffer or an impossible length (the
 * buffer, if any, is already given back).
 */
int vnet_rx_next(struct vnet_dev *d, const uint8_t **frame, uint32_t *len);

/* Gives a received frame's buffer back to the device (id from
 * vnet_rx_next). Does not notify: vnet_rx_kick does, once per batch. */
void vnet_rx_release(struct vnet_dev *d, int id);

/* Tells the device the receive queue has buffers again, if it gained
 * any since the last kick. */
void vnet_rx_kick(struct vnet_dev *d);

/* Is a received frame waiting (without taking it)? */
bool vnet_rx_pending(struct vnet_dev *d);

/*
 * A transmit buffer for a frame of up to VNET_FRAME_MAX bytes: returns
 * its id and sets *frame; E_BUSY when every buffer is still with the
 * device (vnet_tx_reclaim first).
 */
int vnet_tx_buf(struct vnet_dev *d, uint8_t **frame);

/* Hands the frame in buffer id (len bytes) to the device. It is not
 * notified: vnet_tx_kick does, once for a batch of frames. */
void vnet_tx_send(struct vnet_dev *d, int id, uint32_t len);

/* Notifies the device of the frames sent since the last kick, unless it
 * said it is looking at the queue anyway. */
void vnet_tx_kick(struct vnet_dev *d);

/* Takes back the transmit buffers the device has finished with. */
void vnet_tx_reclaim(struct vnet_dev *d);

/* Asks the device to interrupt when it receives (on), or not (polling). */
void vnet_irq_enable(struct vnet_dev *d, bool on);

/* After the interrupt's event: reads and acknowledges the device's
 * interrupt status, then unmasks the source at the PLIC. */
void vnet_irq_done(struct vnet_dev *d);

/* Resets the device, so it stops touching this domain's memory. */
void vnet_close(struct vnet_dev *d);

#endif
