/* SPDX-License-Identifier: MIT */
/*
 * blk: drives the virtio block device its configuration grants. It reads
 * the whole disk in 4 KiB requests and prints its size and an FNV-1a
 * checksum of its content (the host test computes the same over the
 * image), measures that read, then writes a pattern and reads it back.
 * Results are `TEST blk_<case>: PASS` lines; exit status 0 if all pass.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "blk.h"

#define IRQ_BIT	  0 /* the event bit the device's interrupt sets */
#define TIMER_BIT 1 /* the driver's timeout tick */
#define CHUNK	  4096u

static int failures;

static void result(const char *name, int ok, long got)
{
	if (!rivet_test_report("blk_", name, ok, "(got %ld)", got))
		failures++;
}

/* FNV-1a, 32 bits: the checksum tests/qemu/test_blk.py recomputes. */
static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x01000193u;
	}
	return h;
}

/*
 * The pattern the write test puts on disk: byte i of sector s. The host
 * test checks the image for it after the run (docs/devices-blk.md).
 */
static uint8_t pattern(uint64_t sector, unsigned i)
{
	return (uint8_t)(sector * 131 + i * 7 + 0x3c);
}

static void fill(const struct dma_buf *b, uint64_t sector, uint32_t len)
{
	uint8_t *p = b->va;
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(sector + i / BLK_SECTOR, i % BLK_SECTOR);
}

static int matches(const struct dma_buf *b, uint64_t sector, uint32_t len)
{
	const uint8_t *p = b->va;
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern(sector + i / BLK_SECTOR, i % BLK_SECTOR))
			return 0;
	return 1;
}

/* Instructions spent on requests: those that found their answer at once
 * ([0]) and those that had to wait for the interrupt ([1]); and the
 * fewest any whole CHUNK request spent outside waiting for the device. */
struct read_cost {
	uint64_t insns[2];
	unsigned long n[2];
	uint64_t driver_min; /* 0: no whole request */
};

/*
 * Reads the whole disk once, in CHUNK requests (the last may be
 * shorter), checksumming as it goes. Counts the instructions of each
 * request, less what was counted while the domain was asleep waiting
 * for the device (under -icount that is idle time, and depends on the
 * host's disk: docs/devices-blk.md), and not the checksum. Returns 0 or
 * the first error.
 */
static int read_all(struct blk_dev *d, const struct dma_buf *buf, uint32_t *sum,
		    struct read_cost *cost)
{
	const uint64_t per = CHUNK / BLK_SECTOR;
	uint64_t s, t, b0, w0;
	unsigned long n0;
	uint32_t h = 0x811c9dc5u, len;
	int rc, waited;

	memset(cost, 0, sizeof(*cost));
	for (s = 0; s < d->capacity; s += per) {
		len = (uint32_t)((d->capacity - s < per ? d->capacity - s
							: per) *
				 BLK_SECTOR);
		b0 = d->blocked_insns;
		w0 = d->wait_insns;
		n0 = d->nblocked;
		t = rivet_instret();
		rc = blk_read(d, s, buf, 0, len);
		t = rivet_instret() - t;
		if (rc)
			return rc;
		waited = d->nblocked != n0;
		cost->insns[waited] += t - (d->blocked_insns - b0);
		cost->n[waited]++;
		t -= d->wait_insns - w0;
		if (len == CHUNK &&
		    (cost->driver_min == 0 || t < cost->driver_min))
			cost->driver_min = t;
		h = fnv1a(h, buf->va, len);
	}
	*sum = h;
	return 0;
}

/*
 * Prints the cost of the read. Which requests wait depends on how QEMU's
 * disk thread races the guest, so the averages change from run to run;
 * they are printed as information. The BENCH figure, blk_read_seq, is
 * the driver's own cost per KiB: the fewest instructions a 4 KiB read
 * spent outside waiting for the device (checks, header, three
 * descriptors, notify, status), which are the same whether the answer
 * was there at once or came with an interrupt, so the figure depends
 * only on the build, as make bench's figures must. The wait itself (the
 * used-ring checks, SYS_wait, the interrupt's acknowledgement) is left
 * out: make bench measures the interrupt path as irq_to_handler and
 * irq_ack (docs/devices-blk.md).
 */
static void print_cost(const struct read_cost *c, uint64_t bytes)
{
	static const char *const kind[2] = { "ready", "waited" };
	uint64_t tenths = c->driver_min * 10 / (CHUNK / 1024); /* per KiB */
	int i;

	printf("blk: read in %lu requests, %lu of them waited\n",
	       c->n[0] + c->n[1], c->n[1]);
	printf("blk: whole read %llu insns/KiB on average\n",
	       (unsigned long long)((c->insns[0] + c->insns[1]) /
				    (bytes / 1024)));
	for (i = 0; i < 2; i++)
		if (c->n[i])
			printf("blk: 4 KiB %s: %llu insns on average\n",
			       kind[i],
			       (unsigned long long)(c->insns[i] / c->n[i]));
	if (c->driver_min) {
		printf("blk: 4 KiB outside the wait: %llu insns at least\n",
		       (unsigned long long)c->driver_min);
		printf("BENCH blk_read_seq %llu.%llu insns/KiB\n",
		       (unsigned long long)(tenths / 10),
		       (unsigned long long)(tenths % 10));
	}
}

/* One write of len bytes at sector from a patterned buffer, read back
 * into the zeroed buffer back. Returns 0, an error, or 1 on mismatch. */
static int write_read_back(struct blk_dev *d, const struct dma_buf *out,
			   const struct dma_buf *back, uint64_t sector,
			   uint32_t len)
{
	int rc;

	fill(out, sector, len);
	rc = blk_write(d, sector, out, 0, len);
	if (rc)
		return rc;
	memset(back->va, 0, back->size);
	rc = blk_read(d, sector, back, 0, len);
	if (rc)
		return rc;
	return matches(back, sector, len) ? 0 : 1;
}

/* Writes: a whole page at the end, one odd sector near the start, and
 * two pages at once from a two-page buffer. */
static void test_write_read_back(struct blk_dev *d, const struct dma_buf *b1,
				 const struct dma_buf *b2)
{
	struct dma_buf out;
	int rc = 0;

	if (d->capacity < 40) {
		result("write_read_back", 0, (long)d->capacity);
		return;
	}
	if (iomem_dma_alloc(&out, 2) != 0) {
		result("write_read_back", 0, E_NOMEM);
		return;
	}
	rc = write_read_back(d, &out, b1, d->capacity - 8, 4096);
	if (!rc)
		rc = write_read_back(d, &out, b1, 1, BLK_SECTOR);
	if (!rc)
		rc = write_read_back(d, &out, b2, 16, 8192);
	sys_cap_delete(out.slot);
	result("write_read_back", rc == 0, rc);
}

static void test_errors(struct blk_dev *d, const struct dma_buf *b)
{
	unsigned long before = d->nreqs;
	int rc;

	rc = blk_read(d, d->capacity, b, 0, BLK_SECTOR);
	result("read_past_end_refused", rc == E_RANGE && d->nreqs == before,
	       rc);
	rc = blk_read(d, d->capacity - 1, b, 0, 2 * BLK_SECTOR);
	result("read_across_end_refused", rc == E_RANGE, rc);
	rc = blk_read(d, 0, b, 0, 100);
	result("partial_sector_refused", rc == E_INVAL, rc);
	rc = blk_read(d, 0, b, 512, 4096);
	result("range_outside_buffer_refused", rc == E_INVAL, rc);
	rc = blk_request(d, VIRTIO_BLK_T_IN, d->capacity, b, 0, BLK_SECTOR);
	result("device_past_end_is_io_error", rc == BLK_E_IO, rc);
	rc = blk_request(d, 0x100, 0, NULL, 0, 0);
	result("device_unknown_type_unsupported", rc == E_NOTSUP, rc);
	rc = blk_read(d, 0, b, 0, BLK_SECTOR);
	result("device_works_after_errors", rc == 0, rc);
}

int main(void)
{
	struct dma_buf b1, b2;
	struct blk_dev d;
	struct read_cost cost;
	uint64_t bytes;
	uint32_t sum = 0;
	int rc;

	rc = blk_open(&d, IRQ_BIT, TIMER_BIT);
	if (rc) {
		printf("blk: no usable virtio block device (%d)\n", rc);
		return 2;
	}
	printf("blk: %s: virtio-mmio version %u (%s), queue %u, %s\n",
	       d.grant.name, (unsigned)d.mmio.version,
	       d.mmio.version == 1 ? "legacy" : "modern", (unsigned)d.vq.num,
	       d.irq_slot >= 0 ? "interrupts" : "polling");
	printf("blk: capacity %llu sectors%s\n", (unsigned long long)d.capacity,
	       d.read_only ? " (read-only)" : "");
	if (iomem_dma_alloc(&b1, 1) || iomem_dma_alloc(&b2, 2)) {
		printf("blk: no DMA buffers\n");
		return 2;
	}

	rc = read_all(&d, &b1, &sum, &cost);
	bytes = d.capacity * BLK_SECTOR;
	result("read_whole_disk", rc == 0, rc);
	printf("blk: checksum 0x%08x over %llu bytes\n", (unsigned)sum,
	       (unsigned long long)bytes);
	if (rc == 0 && bytes >= 1024)
		print_cost(&cost, bytes);

	if (d.read_only) {
		rc = blk_write(&d, 0, &b1, 0, BLK_SECTOR);
		result("read_only_write_refused", rc == E_PERM, rc);
	} else {
		test_write_read_back(&d, &b1, &b2);
	}
	test_errors(&d, &b1);
	printf("blk: %lu requests, %lu waited, %lu interrupts, %lu ticks\n",
	       d.nreqs, d.nblocked, d.nirqs, d.nticks);
	blk_close(&d);
	return failures ? 1 : 0;
}
