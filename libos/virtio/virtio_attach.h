/* SPDX-License-Identifier: MIT */
/*
 * What every virtio driver does first, whatever the device: find the
 * granted virtio-mmio device of its type among the domain's devices, map
 * its registers, and give it queues of a size both sides accept.
 */
#ifndef LIBOS_VIRTIO_ATTACH_H
#define LIBOS_VIRTIO_ATTACH_H

#include <stdint.h>

#include "iomem.h"
#include "virtio_mmio.h"
#include "virtqueue.h"

/* The grant a driver attached to (rivet_info()->devices[i]). */
struct virtio_grant {
	const char *name;	      /* the configuration's device name */
	unsigned long slot;	      /* the device capability */
	volatile void *regs;	      /* its pages, mapped; NULL: detached */
	unsigned long first_irq_slot; /* its interrupt capabilities */
	uint32_t nirqs;
};

/*
 * Maps each granted "virtio,mmio" device in configuration order and
 * keeps the first whose DeviceID is device_id: fills mmio (probed, not
 * reset) and g. Devices of another type are unmapped again. Returns 0;
 * E_NOENT if no granted device has that id (or the last grant's mapping
 * error, if mapping one failed).
 */
int virtio_attach(uint32_t device_id, struct vmmio *mmio,
		  struct virtio_grant *g);

/* Resets the device, so it stops touching memory, and unmaps it. */
void virtio_detach(struct vmmio *mmio, struct virtio_grant *g);

/*
 * Sets up queue idx with the largest power of two of entries that is at
 * most want and the device's QueueNumMax (a split virtqueue's size is a
 * power of two), its ring in frames allocated into ring. Returns 0 with
 * vq ready; E_INVAL if want is 0; E_NOENT if the device has no queue
 * idx; iomem_dma_alloc's or
 * vmmio_queue_setup's error.
 */
int virtio_attach_queue(struct vmmio *mmio, unsigned idx, uint16_t want,
			struct virtqueue *vq, struct dma_buf *ring);

#endif
