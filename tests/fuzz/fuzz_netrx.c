// SPDX-License-Identifier: MIT
/*
 * Random frames through the network libOS's receive path on the host:
 * the fuzzer plays the virtio-net device. Each record of the input is a
 * frame the "device" writes into the next receive buffer the driver
 * posted, with a used-ring entry that may name a descriptor or a length
 * the driver never gave; then the driver (libos/net/virtio_net.c) and
 * the loop's receive step (net_rx in libos/net/net.c) take the frames
 * into lwIP, whose answers go out through the transmit queue, which
 * the "device" empties. lwIP keeps its state from input to input, as it
 * would on a long-running server: a UDP socket on port 7 and a TCP
 * listener on port 80 that answers every segment give the frames
 * somewhere to go. Built with lwIP's checksum checks off
 * (tests/fuzz/fuzz_netrx.mk) so mutated frames reach past IP.
 *
 * Record: flags (1 byte), length (2 bytes, little-endian), bytes.
 * flags bit 0: the used entry's id is the next byte, raw; bit 1: the
 * used entry's length is the next two bytes, raw.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lwip/tcp.h>
#include <lwip/udp.h>

#include <net/net.h>
#include <rivet/libos.h>

/* ---- the system the libOS would get from the kernel ---- */

static struct rivet_info info = { .timebase_hz = 10000000 };
static uint64_t now;

const struct rivet_info *rivet_info(void)
{
	return &info;
}

uint64_t rivet_now(void)
{
	return now += 1000; /* 100 us a look */
}

long sys_yield_cap(unsigned long slot)
{
	(void)slot;
	return 0;
}

long sys_timer_event(unsigned long when, unsigned long bit)
{
	(void)when;
	(void)bit;
	return 0;
}

long sys_irq_bind(unsigned long slot, unsigned long bit)
{
	(void)slot;
	(void)bit;
	return E_NOTSUP;
}

long sys_irq_ack(unsigned long slot)
{
	(void)slot;
	return 0;
}

struct rivet_ret sys2_wait(unsigned long mask)
{
	return (struct rivet_ret){ 0, mask };
}

/* vnet_open is not run here (the device below is built by hand). */
int iomem_map_device(unsigned long slot, volatile void **regs)
{
	(void)slot;
	(void)regs;
	return E_NOMEM;
}

void iomem_unmap_device(unsigned long slot, volatile void *regs)
{
	(void)slot;
	(void)regs;
}

int iomem_dma_alloc(struct dma_buf *b, unsigned long npages)
{
	(void)b;
	(void)npages;
	return E_NOMEM;
}

/* ---- the "device" ---- */

#define NUM 64

static struct net n;
static uint8_t regs[4096];
static uint16_t rx_seen, tx_seen; /* avail entries the device took */

static void *dma(size_t bytes, uint64_t *pa)
{
	void *p = aligned_alloc(4096, bytes);

	assert(p);
	memset(p, 0, bytes);
	*pa = (uintptr_t)p; /* the host's "physical" address is its own */
	return p;
}

static void queue(struct virtqueue *vq, struct dma_buf *bufs)
{
	uint64_t pa;
	void *ring = dma(vq_bytes(NUM), &pa);

	vq_init(vq, NUM, ring, pa);
	bufs->va = dma(NUM * VNET_BUF, &bufs->pa);
	bufs->size = NUM * VNET_BUF;
}

static err_t on_tcp(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (!p) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK) {
			tcp_abort(pcb);
			return ERR_ABRT;
		}
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	tcp_write(pcb, "ok\r\n", 4, 0);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	tcp_recv(pcb, on_tcp);
	return ERR_OK;
}

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		   const ip_addr_t *addr, u16_t port)
{
	(void)arg;
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

static void setup(void)
{
	ip4_addr_t ip, mask, gw;
	struct tcp_pcb *t;
	struct udp_pcb *u;
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	n.dev.mmio.regs = regs;
	n.dev.mmio.version = 2;
	n.dev.hdr_len = 12;
	n.dev.irq_slot = -1;
	memcpy(n.dev.mac, mac, sizeof(mac));
	queue(&n.dev.rxq, &n.dev.rxbufs);
	queue(&n.dev.txq, &n.dev.txbufs);
	for (int i = 0; i < NUM; i++)
		vnet_rx_release(&n.dev, 0);
	net_stack_start(&n);
	IP4_ADDR(&ip, 10, 0, 2, 15);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 10, 0, 2, 2);
	netif_set_addr(&n.netif, &ip, &mask, &gw);
	u = udp_new();
	udp_bind(u, IP4_ADDR_ANY, 7);
	udp_recv(u, on_udp, NULL);
	t = tcp_new();
	tcp_bind(t, IP4_ADDR_ANY, 80);
	t = tcp_listen(t);
	tcp_accept(t, on_accept);
}

/* The device sends everything queued for transmit at once. */
static void device_tx(void)
{
	struct virtqueue *vq = &n.dev.txq;

	while (tx_seen != vq->avail->idx) {
		uint16_t id = vq->avail->ring[tx_seen++ % NUM];
		volatile struct vq_used_elem *e =
			&vq->used->ring[vq->used->idx % NUM];

		assert(id < NUM);
		/* Only the driver's own buffers, with a header. */
		assert(vq->desc[id].addr == n.dev.txbufs.pa + id * VNET_BUF);
		assert(vq->desc[id].len >= n.dev.hdr_len &&
		       vq->desc[id].len <= n.dev.hdr_len + VNET_FRAME_MAX);
		e->id = id;
		e->len = 0;
		vq->used->idx++;
	}
}

/* Receives one frame into the next posted buffer; false when the driver
 * has posted none (it would not, after a bad entry: see below). */
static bool device_rx(const uint8_t *frame, size_t len, int raw_id,
		      long raw_len)
{
	struct virtqueue *vq = &n.dev.rxq;
	volatile struct vq_used_elem *e;
	uint16_t id;
	uint8_t *buf;

	if (rx_seen == vq->avail->idx)
		return false;
	id = vq->avail->ring[rx_seen++ % NUM];
	assert(id < NUM);
	assert(vq->desc[id].addr == n.dev.rxbufs.pa + id * VNET_BUF);
	assert(vq->desc[id].len == VNET_BUF);
	if (len > VNET_BUF - n.dev.hdr_len)
		len = VNET_BUF - n.dev.hdr_len;
	buf = (uint8_t *)(uintptr_t)vq->desc[id].addr;
	memset(buf, 0, n.dev.hdr_len);
	memcpy(buf + n.dev.hdr_len, frame, len);
	e = &vq->used->ring[vq->used->idx % NUM];
	e->id = raw_id >= 0 ? (uint32_t)raw_id : id;
	e->len = raw_len >= 0 ? (uint32_t)raw_len
			      : (uint32_t)(n.dev.hdr_len + len);
	vq->used->idx++;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	size_t i = 0;

	if (!ready) {
		setup();
		ready = true;
	}
	while (i + 3 <= size) {
		uint8_t flags = data[i];
		size_t len = data[i + 1] | (size_t)data[i + 2] << 8;
		int raw_id = -1;
		long raw_len = -1;

		i += 3;
		if ((flags & 1) && i < size)
			raw_id = data[i++];
		if ((flags & 2) && i + 2 <= size) {
			raw_len = data[i] | (long)data[i + 1] << 8;
			i += 2;
		}
		if (len > size - i)
			len = size - i;
		/*
		 * A used entry naming an id beyond the queue is a device bug
		 * the driver can only stop at: the virtqueue refuses it and
		 * leaves the ring alone. Let the driver see it, then have
		 * the "device" correct the entry so the queue goes on.
		 */
		if (raw_id >= NUM) {
			volatile struct vq_used_elem *e =
				&n.dev.rxq.used
					 ->ring[n.dev.rxq.used->idx % NUM];
			uint16_t real;

			if (rx_seen == n.dev.rxq.avail->idx)
				break;
			real = n.dev.rxq.avail->ring[rx_seen % NUM];
			device_rx(data + i, len, raw_id, raw_len);
			assert(net_rx(&n) > 0);
			(--e)->id = real; /* the entry just written */
			net_rx(&n);
			i += len;
			device_tx();
			continue;
		}
		if (!device_rx(data + i, len, raw_id, raw_len))
			break;
		i += len;
		net_rx(&n);
		device_tx();
	}
	return 0;
}
