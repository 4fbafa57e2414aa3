/* SPDX-License-Identifier: MIT */
/*
 * A virtio block driver (VIRTIO 1.x, section 5.2) over virtio-mmio: one
 * request queue, one request in flight, completion by interrupt (or by
 * polling when the domain holds no interrupt capability for the device).
 */
#ifndef BLK_BLK_H
#define BLK_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include <virtio/iomem.h>
#include <virtio/virtio_attach.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtqueue.h>

#define VIRTIO_ID_BLOCK 2

#define BLK_SECTOR 512

/* Request types and status values of the block device. */
#define VIRTIO_BLK_T_IN	    0 /* read: device writes the data */
#define VIRTIO_BLK_T_OUT    1 /* write: device reads the data */
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

/* Feature bit: the device refuses writes. */
#define VIRTIO_BLK_F_RO 5

/*
 * The device reported an I/O error (VIRTIO_BLK_S_IOERR), or did not
 * finish a request in time (it is then reset and every later request
 * fails so). The kernel's errno.h has no I/O error, and this code never
 * crosses the kernel: it is the driver's own, below every E_* value.
 */
#define BLK_E_IO (-64)

/* The request header the device reads first. */
struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_dev {
	struct virtio_grant grant; /* name, registers, interrupts */
	struct vmmio mmio;
	struct virtqueue vq;
	struct dma_buf ring; /* the virtqueue */
	struct dma_buf reqs; /* headers and status bytes, by chain head */
	uint64_t capacity;   /* in 512-byte sectors */
	uint64_t offered;    /* the device's feature bits */
	uint64_t taken;	     /* those the driver accepted */
	bool read_only;
	long irq_slot;		/* the bound interrupt; -1: polling */
	unsigned irq_bit;	/* its event bit */
	unsigned timer_bit;	/* the event bit of the timeout tick */
	bool dead;		/* a request timed out: the device was reset */
	unsigned long nreqs;	/* requests the device completed */
	unsigned long nirqs;	/* interrupts taken */
	unsigned long nblocked; /* requests that had to wait */
	unsigned long nticks;	/* ticks that brought no interrupt */
	uint64_t blocked_insns; /* rdinstret counted while asleep (wait_used) */
	uint64_t wait_insns;	/* rdinstret counted in wait_used, all of it */
};

/*
 * Finds the first virtio-mmio device granted to this domain whose device
 * id is block, brings it up (reset, handshake, no optional features, one
 * queue) and binds its interrupt to event bit irq_bit. While a request is
 * waiting the driver owns the domain's timer event (SYS_timer_event), on
 * timer_bit: it is the request timeout's tick. Returns 0; E_NOENT if no
 * granted device is a virtio block device; E_NOTSUP if the device
 * refused the features; E_NOMEM or a system call's error otherwise.
 */
int blk_open(struct blk_dev *d, unsigned irq_bit, unsigned timer_bit);

/*
 * Reads (blk_read) or writes (blk_write) len bytes, a multiple of
 * BLK_SECTOR, from or to sector, into or out of buf at byte off, and
 * returns when the device has finished. Returns 0; E_INVAL for a length
 * that is 0 or not whole sectors, or a range outside buf; E_RANGE past
 * the end of the disk; E_PERM writing to a read-only device; BLK_E_IO,
 * E_NOTSUP or E_FORMAT from the device (blk_request).
 */
int blk_read(struct blk_dev *d, uint64_t sector, const struct dma_buf *buf,
	     size_t off, uint32_t len);
int blk_write(struct blk_dev *d, uint64_t sector, const struct dma_buf *buf,
	      size_t off, uint32_t len);

/*
 * Sends one request of any type as it is, unchecked against the disk's
 * size, with len bytes of buf at off as its data (none when len is 0;
 * device-written for VIRTIO_BLK_T_IN, device-read otherwise), and waits
 * for it. Returns 0 for VIRTIO_BLK_S_OK, BLK_E_IO for IOERR, E_NOTSUP for
 * UNSUPP, E_FORMAT for anything else (a status the device never wrote);
 * E_INVAL as blk_read for the buffer.
 */
int blk_request(struct blk_dev *d, uint32_t type, uint64_t sector,
		const struct dma_buf *buf, size_t off, uint32_t len);

/* Resets the device, so it stops touching this domain's memory, and
 * gives back what blk_open took. */
void blk_close(struct blk_dev *d);

#endif
