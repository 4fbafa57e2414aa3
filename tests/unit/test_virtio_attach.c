// SPDX-License-Identifier: MIT
/*
 * Finding and sizing a virtio device (libos/virtio/virtio_attach.c), the
 * code the block and network drivers share: which grant is taken, that
 * every other one is left unmapped, what a failed mapping or a missing
 * queue gives, and the queue sizes chosen. The "devices" are register
 * pages in memory; the system calls are stubs that record what was
 * mapped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/libos.h>

#include "../../libos/virtio/virtio_attach.h"

#define PAGE	4096
#define NSLOTS	8
#define NO_SLOT 99 /* a slot the stub refuses to map */

/* Two pages per slot, so a grant's registers can sit at an offset. */
static _Alignas(PAGE) uint8_t pages[NSLOTS][2 * PAGE];
static int mapped[NSLOTS]; /* mappings held, per slot */
static int map_calls[NSLOTS];
static struct rivet_info info;
static uint64_t next_pa;

const struct rivet_info *rivet_info(void)
{
	return &info;
}

int iomem_map_device(unsigned long slot, volatile void **regs)
{
	if (slot >= NSLOTS)
		return E_NOMEM;
	map_calls[slot]++;
	mapped[slot]++;
	*regs = pages[slot];
	return 0;
}

void iomem_unmap_device(unsigned long slot, volatile void *regs)
{
	assert_true(slot < NSLOTS);
	assert_ptr_equal(regs, pages[slot]);
	assert_true(mapped[slot] > 0);
	mapped[slot]--;
}

int iomem_dma_alloc(struct dma_buf *b, unsigned long npages)
{
	b->va = aligned_alloc(PAGE, npages * PAGE);
	assert_non_null(b->va);
	memset(b->va, 0, npages * PAGE);
	/* A page frame number that fits a legacy device's 32-bit PFN. */
	b->pa = next_pa;
	next_pa += npages * PAGE;
	b->size = npages * PAGE;
	return 0;
}

static void reg_set(uint8_t *regs, unsigned off, uint32_t v)
{
	memcpy(regs + off, &v, sizeof(v));
}

static uint32_t reg_get(const uint8_t *regs, unsigned off)
{
	uint32_t v;

	memcpy(&v, regs + off, sizeof(v));
	return v;
}

/* Grant i: slot, compatible string, registers at offset off holding a
 * virtio-mmio device of version 1 and id device_id (no device: 0). */
static void grant(unsigned i, unsigned slot, const char *compat, uint32_t off,
		  uint32_t device_id)
{
	uint8_t *regs = pages[slot] + off;

	snprintf(info.devices[i].name, sizeof(info.devices[i].name), "dev%u",
		 i);
	snprintf(info.devices[i].compat, sizeof(info.devices[i].compat), "%s",
		 compat);
	info.devices[i].slot = slot;
	info.devices[i].mmio_offset = off;
	info.devices[i].first_irq_slot = 40 + i;
	info.devices[i].nirqs = 1;
	reg_set(regs, VMMIO_MAGIC, VMMIO_MAGIC_VALUE);
	reg_set(regs, VMMIO_VERSION, 1);
	reg_set(regs, VMMIO_DEVICE_ID, device_id);
	reg_set(regs, VMMIO_QUEUE_NUM_MAX, 256);
	if (i >= info.ndevices)
		info.ndevices = i + 1;
}

static int setup(void **state)
{
	(void)state;
	memset(pages, 0, sizeof(pages));
	memset(mapped, 0, sizeof(mapped));
	memset(map_calls, 0, sizeof(map_calls));
	memset(&info, 0, sizeof(info));
	next_pa = 0x80000000;
	return 0;
}

static int held(void)
{
	int n = 0;

	for (int i = 0; i < NSLOTS; i++)
		n += mapped[i];
	return n;
}

/* A UART, a block device, then the network device at an offset in its
 * page: the network one is taken, the block one mapped and let go, the
 * UART never mapped. */
static void test_attach_takes_the_first_of_its_type(void **state)
{
	struct vmmio m;
	struct virtio_grant g;

	(void)state;
	grant(0, 1, "ns16550a", 0, 1);
	grant(1, 2, "virtio,mmio", 0, 2);
	grant(2, 3, "virtio,mmio", 0x200, 1);
	grant(3, 4, "virtio,mmio", 0, 1);
	assert_int_equal(virtio_attach(1, &m, &g), 0);
	assert_string_equal(g.name, "dev2");
	assert_int_equal(g.slot, 3);
	assert_ptr_equal(g.regs, pages[3]);
	assert_ptr_equal(m.regs, pages[3] + 0x200);
	assert_int_equal(m.device_id, 1);
	assert_int_equal(m.version, 1);
	assert_int_equal(g.first_irq_slot, 42);
	assert_int_equal(g.nirqs, 1);
	assert_int_equal(map_calls[1], 0);
	assert_int_equal(map_calls[2], 1);
	assert_int_equal(mapped[2], 0);
	assert_int_equal(mapped[3], 1);
	assert_int_equal(map_calls[4], 0);
}

/* No device of the type: E_NOENT and nothing mapped, whatever the others
 * were (another type, an empty transport, not virtio at all, a version
 * this code does not know). */
static void test_attach_without_its_type_maps_nothing(void **state)
{
	struct vmmio m;
	struct virtio_grant g;

	(void)state;
	grant(0, 1, "virtio,mmio", 0, 2);
	grant(1, 2, "virtio,mmio", 0, 0);
	grant(2, 3, "virtio,mmio", 0, 1);
	reg_set(pages[3], VMMIO_MAGIC, 0x12345678);
	grant(3, 4, "virtio,mmio", 0, 1);
	reg_set(pages[4], VMMIO_VERSION, 3);
	assert_int_equal(virtio_attach(1, &m, &g), E_NOENT);
	assert_int_equal(held(), 0);
	assert_null(g.regs);
	for (int s = 1; s <= 4; s++)
		assert_int_equal(map_calls[s], 1);
}

/* No grants at all, and a count beyond the table (a corrupt info page):
 * E_NOENT, and no entry past the table is read. */
static void test_attach_with_no_or_too_many_grants(void **state)
{
	struct vmmio m;
	struct virtio_grant g;

	(void)state;
	assert_int_equal(virtio_attach(1, &m, &g), E_NOENT);
	grant(0, 1, "virtio,mmio", 0, 2);
	info.ndevices = 1000;
	assert_int_equal(virtio_attach(1, &m, &g), E_NOENT);
	assert_int_equal(held(), 0);
}

/* A grant that cannot be mapped is passed over; when it is the last one
 * tried, its error is the answer. */
static void test_attach_passes_over_a_failed_mapping(void **state)
{
	struct vmmio m;
	struct virtio_grant g;

	(void)state;
	grant(0, 1, "virtio,mmio", 0, 1);
	info.devices[0].slot = NO_SLOT;
	grant(1, 2, "virtio,mmio", 0, 1);
	assert_int_equal(virtio_attach(1, &m, &g), 0);
	assert_int_equal(g.slot, 2);
	virtio_detach(&m, &g);

	info.ndevices = 1;
	assert_int_equal(virtio_attach(1, &m, &g), E_NOMEM);
	assert_int_equal(held(), 0);
}

/* Detach resets the device (status 0) and unmaps it, once. */
static void test_detach_resets_and_unmaps_once(void **state)
{
	struct vmmio m;
	struct virtio_grant g;

	(void)state;
	grant(0, 1, "virtio,mmio", 0, 2);
	assert_int_equal(virtio_attach(2, &m, &g), 0);
	reg_set(pages[1], VMMIO_STATUS, 0x0f);
	virtio_detach(&m, &g);
	assert_int_equal(reg_get(pages[1], VMMIO_STATUS), 0);
	assert_int_equal(held(), 0);
	assert_null(g.regs);
	virtio_detach(&m, &g); /* a second one does nothing */
	assert_int_equal(held(), 0);
}

/* The size given to the device: the largest power of two within both
 * what the driver wants and QueueNumMax. */
static void test_queue_size_is_a_power_of_two_within_both(void **state)
{
	static const struct {
		uint32_t max;
		uint16_t want, num;
	} cases[] = {
		{ 256, 256, 256 }, { 1024, 256, 256 },	    { 256, 64, 64 },
		{ 100, 256, 64 },  { 48, 64, 32 },	    { 1, 64, 1 },
		{ 256, 100, 64 },  { 32768, 32768, 32768 },
	};
	struct vmmio m;
	struct virtio_grant g;

	(void)state;
	grant(0, 1, "virtio,mmio", 0, 2);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct virtqueue vq;
		struct dma_buf ring;

		assert_int_equal(virtio_attach(2, &m, &g), 0);
		reg_set(pages[1], VMMIO_QUEUE_NUM_MAX, cases[i].max);
		reg_set(pages[1], VMMIO_QUEUE_PFN, 0);
		assert_int_equal(
			virtio_attach_queue(&m, 0, cases[i].want, &vq, &ring),
			0);
		assert_int_equal(vq.num, cases[i].num);
		assert_int_equal(reg_get(pages[1], VMMIO_QUEUE_NUM),
				 cases[i].num);
		assert_int_equal(reg_get(pages[1], VMMIO_QUEUE_PFN),
				 ring.pa / PAGE);
		assert_true(vq_bytes(vq.num) <= ring.size);
		free(ring.va);
		virtio_detach(&m, &g);
	}
}

/* A queue the device does not have, and a driver that wants none. */
static void test_queue_missing_or_empty(void **state)
{
	struct vmmio m;
	struct virtio_grant g;
	struct virtqueue vq;
	struct dma_buf ring = { 0 };

	(void)state;
	grant(0, 1, "virtio,mmio", 0, 2);
	assert_int_equal(virtio_attach(2, &m, &g), 0);
	assert_int_equal(virtio_attach_queue(&m, 0, 0, &vq, &ring), E_INVAL);
	reg_set(pages[1], VMMIO_QUEUE_NUM_MAX, 0);
	assert_int_equal(virtio_attach_queue(&m, 0, 64, &vq, &ring), E_NOENT);
	assert_null(ring.va); /* nothing allocated for either */
	virtio_detach(&m, &g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_attach_takes_the_first_of_its_type,
				       setup),
		cmocka_unit_test_setup(
			test_attach_without_its_type_maps_nothing, setup),
		cmocka_unit_test_setup(test_attach_with_no_or_too_many_grants,
				       setup),
		cmocka_unit_test_setup(test_attach_passes_over_a_failed_mapping,
				       setup),
		cmocka_unit_test_setup(test_detach_resets_and_unmaps_once,
				       setup),
		cmocka_unit_test_setup(
			test_queue_size_is_a_power_of_two_within_both, setup),
		cmocka_unit_test_setup(test_queue_missing_or_empty, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
