/* SPDX-License-Identifier: MIT */
/*
 * Finding, mapping and sizing a virtio device: the part of bringing one
 * up that does not depend on what the device is (docs/devices-blk.md,
 * docs/net.md).
 */
#include <string.h>

#include <rivet/libos.h>

#include "virtio_attach.h"

/* Maps the grant's registers and probes them; E_NOENT (and nothing left
 * mapped) unless it is a virtio device of type device_id. */
static int try_grant(uint32_t device_id, unsigned long slot,
		     uint32_t mmio_offset, struct vmmio *mmio,
		     volatile void **regs)
{
	int rc = iomem_map_device(slot, regs);

	if (rc)
		return rc;
	rc = vmmio_probe(mmio, (volatile uint8_t *)*regs + mmio_offset);
	if (rc == 0 && mmio->device_id != device_id)
		rc = E_NOENT;
	if (rc) {
		iomem_unmap_device(slot, *regs);
		*regs = NULL;
		return E_NOENT;
	}
	return 0;
}

int virtio_attach(uint32_t device_id, struct vmmio *mmio,
		  struct virtio_grant *g)
{
	const struct rivet_info *info = rivet_info();
	uint32_t i, n = info->ndevices;
	int rc = E_NOENT;

	memset(g, 0, sizeof(*g));
	if (n > sizeof(info->devices) / sizeof(info->devices[0]))
		n = sizeof(info->devices) / sizeof(info->devices[0]);
	for (i = 0; i < n; i++) {
		if (strcmp(info->devices[i].compat, "virtio,mmio") != 0)
			continue;
		rc = try_grant(device_id, info->devices[i].slot,
			       info->devices[i].mmio_offset, mmio, &g->regs);
		if (rc == 0)
			break;
	}
	if (rc)
		return rc;
	g->name = info->devices[i].name;
	g->slot = info->devices[i].slot;
	g->first_irq_slot = info->devices[i].first_irq_slot;
	g->nirqs = info->devices[i].nirqs;
	return 0;
}

void virtio_detach(struct vmmio *mmio, struct virtio_grant *g)
{
	if (!g->regs)
		return;
	vmmio_reset(mmio);
	iomem_unmap_device(g->slot, g->regs);
	g->regs = NULL;
}

/* The largest power of two <= n (n > 0). */
static uint16_t pow2_floor(uint32_t n)
{
	uint32_t p = 1;

	while (p * 2 <= n)
		p *= 2;
	return (uint16_t)p;
}

int virtio_attach_queue(struct vmmio *mmio, unsigned idx, uint16_t want,
			struct virtqueue *vq, struct dma_buf *ring)
{
	uint32_t max = vmmio_queue_num_max(mmio, idx);
	uint16_t num;
	int rc;

	if (want == 0)
		return E_INVAL;
	if (max == 0)
		return E_NOENT;
	num = pow2_floor(max < want ? max : want);
	rc = iomem_dma_alloc(ring, vq_bytes(num) / 4096);
	if (rc)
		return rc;
	vq_init(vq, num, ring->va, ring->pa);
	return vmmio_queue_setup(mmio, idx, num, vq->desc_pa, vq->avail_pa,
				 vq->used_pa);
}
