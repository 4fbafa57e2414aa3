/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport (VIRTIO 1.x, section 4.2), legacy (version 1)
 * and modern (version 2): register layout, the status handshake, feature
 * negotiation and queue setup. Written from the specification; see
 * docs/devices-blk.md.
 */
#ifndef LIBOS_VIRTIO_MMIO_H
#define LIBOS_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets. "legacy" ones exist only in version 1. */
#define VMMIO_MAGIC		  0x000 /* "virt", little-endian */
#define VMMIO_VERSION		  0x004 /* 1 legacy, 2 modern */
#define VMMIO_DEVICE_ID		  0x008 /* 0: nothing in this slot */
#define VMMIO_VENDOR_ID		  0x00c
#define VMMIO_DEVICE_FEATURES	  0x010
#define VMMIO_DEVICE_FEATURES_SEL 0x014
#define VMMIO_DRIVER_FEATURES	  0x020
#define VMMIO_DRIVER_FEATURES_SEL 0x024
#define VMMIO_GUEST_PAGE_SIZE	  0x028 /* legacy */
#define VMMIO_QUEUE_SEL		  0x030
#define VMMIO_QUEUE_NUM_MAX	  0x034
#define VMMIO_QUEUE_NUM		  0x038
#define VMMIO_QUEUE_ALIGN	  0x03c /* legacy */
#define VMMIO_QUEUE_PFN		  0x040 /* legacy */
#define VMMIO_QUEUE_READY	  0x044 /* modern */
#define VMMIO_QUEUE_NOTIFY	  0x050
#define VMMIO_INTERRUPT_STATUS	  0x060
#define VMMIO_INTERRUPT_ACK	  0x064
#define VMMIO_STATUS		  0x070
#define VMMIO_QUEUE_DESC_LOW	  0x080 /* modern, as are the five below */
#define VMMIO_QUEUE_DESC_HIGH	  0x084
#define VMMIO_QUEUE_DRIVER_LOW	  0x090
#define VMMIO_QUEUE_DRIVER_HIGH	  0x094
#define VMMIO_QUEUE_DEVICE_LOW	  0x0a0
#define VMMIO_QUEUE_DEVICE_HIGH	  0x0a4
#define VMMIO_CONFIG_GENERATION	  0x0fc /* modern */
#define VMMIO_CONFIG		  0x100 /* device-specific configuration */

#define VMMIO_MAGIC_VALUE 0x74726976u /* 'v' 'i' 'r' 't' */

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER	  2
#define VIRTIO_STATUS_DRIVER_OK	  4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED	  128

/* InterruptStatus bits. */
#define VMMIO_INT_USED_RING 1 /* a queue has new used buffers */
#define VMMIO_INT_CONFIG    2 /* the configuration changed */

/* Feature bits common to every device type. */
#define VIRTIO_F_VERSION_1 32 /* offered by modern devices, must be taken */

/* Legacy: the page size the driver tells the device, and the alignment
 * of the used ring within a queue (both in bytes). */
#define VMMIO_LEGACY_PAGE 4096u

/* One virtio-mmio device, as mapped into this domain. */
struct vmmio {
	volatile uint8_t *regs; /* the register page, mapped R|W */
	uint32_t version;	/* 1 legacy, 2 modern */
	uint32_t device_id;
};

/*
 * Checks the registers at regs: magic, version 1 or 2, and a device there.
 * Fills d and returns 0; E_FORMAT if this is not virtio-mmio (or a
 * version we do not know), E_NOENT if the slot holds no device.
 */
int vmmio_probe(struct vmmio *d, volatile void *regs);

/*
 * Resets the device and walks the status handshake up to feature
 * negotiation: ACKNOWLEDGE, DRIVER, then takes the features of want the
 * device offers (plus VIRTIO_F_VERSION_1 on a modern device) and, on a
 * modern device, sets FEATURES_OK and checks the device kept it. *offered
 * gets the device's feature bits, *taken the ones accepted. Returns 0, or
 * E_NOTSUP (device refused; FAILED is set).
 */
int vmmio_negotiate(struct vmmio *d, uint64_t want, uint64_t *offered,
		    uint64_t *taken);

/* The largest size queue idx may have; 0 if the queue does not exist. */
uint32_t vmmio_queue_num_max(struct vmmio *d, unsigned idx);

/*
 * Gives the device queue idx of num entries whose three parts are at the
 * physical addresses desc, avail and used. A legacy device takes only
 * one page frame number: the parts must then be laid out as one
 * contiguous vring (virtqueue.c does) starting page-aligned at desc.
 * Returns 0; E_BUSY if the queue is already live; E_INVAL if num is
 * beyond QueueNumMax or the layout cannot be expressed to this device.
 */
int vmmio_queue_setup(struct vmmio *d, unsigned idx, uint32_t num,
		      uint64_t desc, uint64_t avail, uint64_t used);

/* Sets DRIVER_OK: the device is live from here on. */
void vmmio_driver_ok(struct vmmio *d);

/* Writes FAILED (the driver gave up) and leaves the device alone. */
void vmmio_fail(struct vmmio *d);

/* Resets the device: it forgets its queues and stops touching memory. */
void vmmio_reset(struct vmmio *d);

/* Tells the device queue idx has new available buffers. */
void vmmio_notify(struct vmmio *d, unsigned idx);

/* Reads InterruptStatus and acknowledges exactly those bits. */
uint32_t vmmio_irq_take(struct vmmio *d);

/* A byte of the device configuration at off (a field that cannot tear,
 * such as one byte of a MAC address). */
uint8_t vmmio_config8(struct vmmio *d, unsigned off);

/* A 64-bit field of the device configuration at off, read consistently
 * (a modern device's generation counter guards against a torn read). */
uint64_t vmmio_config64(struct vmmio *d, unsigned off);

#endif
