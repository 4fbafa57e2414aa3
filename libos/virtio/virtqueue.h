/* SPDX-License-Identifier: MIT */
/*
 * A split virtqueue (VIRTIO 1.x, section 2.7) in memory the device reaches
 * by physical address: the descriptor table, the available ring the driver
 * fills and the used ring the device fills. The layout is the legacy one
 * (one contiguous, page-aligned block, used ring on its own page), which
 * a modern device accepts as well, so one layout serves both transports.
 */
#ifndef LIBOS_VIRTIO_VIRTQUEUE_H
#define LIBOS_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VQ_DESC_F_NEXT	1 /* the chain continues at .next */
#define VQ_DESC_F_WRITE 2 /* the device writes this buffer */

#define VQ_AVAIL_F_NO_INTERRUPT 1 /* driver: do not interrupt on use */
#define VQ_USED_F_NO_NOTIFY	1 /* device: no need to notify me */

struct vq_desc {
	uint64_t addr; /* physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vq_avail {
	uint16_t flags;
	uint16_t idx; /* where the driver puts the next entry (mod num) */
	uint16_t ring[];
	/* then uint16_t used_event, unused without VIRTIO_F_EVENT_IDX */
};

struct vq_used_elem {
	uint32_t id;  /* head of the chain that was used */
	uint32_t len; /* bytes the device wrote into it */
};

struct vq_used {
	uint16_t flags;
	uint16_t idx; /* where the device puts the next entry (mod num) */
	struct vq_used_elem ring[];
	/* then uint16_t avail_event */
};

_Static_assert(sizeof(struct vq_desc) == 16, "descriptor is 16 bytes");
_Static_assert(sizeof(struct vq_used_elem) == 8, "used element is 8 bytes");

/* One buffer of a request, as vq_add takes it. */
struct vq_buf {
	uint64_t pa;
	uint32_t len;
	bool device_writes;
};

struct virtqueue {
	uint16_t num; /* entries: a power of two */
	struct vq_desc *desc;
	struct vq_avail *avail;
	volatile struct vq_used *used;
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t free_head; /* first free descriptor, chained by .next */
	uint16_t nfree;
	uint16_t last_used; /* next used entry to look at */
};

/* Bytes (whole pages) a queue of num entries needs. */
size_t vq_bytes(uint16_t num);

/*
 * Lays out a queue of num entries (a power of two) in mem, which is
 * vq_bytes(num) zeroed bytes at physical address pa, page-aligned, and
 * puts every descriptor on the free list.
 */
void vq_init(struct virtqueue *vq, uint16_t num, void *mem, uint64_t pa);

/*
 * Puts a chain of n buffers on the available ring (it is not notified:
 * that is the transport's job). Returns the chain's head id, the id the
 * used ring gives back; E_BUSY if fewer than n descriptors are free;
 * E_INVAL for n == 0.
 */
int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n);

/*
 * Takes the next entry of the used ring, if the device has put one
 * there, and frees its chain. Returns the head id and sets *len; E_NOENT
 * when nothing new is used; E_FORMAT if the device named no chain.
 */
int vq_get_used(struct virtqueue *vq, uint32_t *len);

/* The head id the next vq_add will return, so a caller can place per-
 * request data (a header, a status byte) by it before adding. */
static inline uint16_t vq_next_head(const struct virtqueue *vq)
{
	return vq->free_head;
}

/*
 * Does the device want to be notified of what was just added? False
 * while it says it is already looking (VQ_USED_F_NO_NOTIFY in the used
 * ring, virtio 1.x 2.7.10): a notify then is a wasted register write,
 * which under QEMU is an exit to the emulator. Call after vq_add.
 */
bool vq_wants_notify(struct virtqueue *vq);

/* Asks the device not to interrupt on used buffers (polling), or to. */
void vq_set_interrupts(struct virtqueue *vq, bool on);

#endif
