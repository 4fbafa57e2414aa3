/* SPDX-License-Identifier: MIT */
/*
 * lwIP over virtio-net: the netif's input and output, the DHCP lease,
 * and the loop that switches between interrupts and polling (the rule is
 * in net.h). lwIP is single-threaded here (NO_SYS): every callback of
 * every connection runs from net_run, so nothing needs a lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/pbuf.h>
#include <lwip/timeouts.h>
#include <netif/ethernet.h>

#include <rivet/libos.h>

#include <virtio/barrier.h>

#include "net.h"

/* How long a frame waits (reclaiming and yielding) for a transmit buffer
 * the device still holds before it is dropped. QEMU sends from its own
 * thread, which needs the host CPU too; a drop costs TCP a
 * retransmission timeout, far longer than this. */
#define NET_TX_WAIT_US 20000

/* The longest sleep: keep_going is asked at least this often. */
#define NET_SLEEP_MAX_MS 100

static uint64_t ticks_us(uint64_t us)
{
	uint64_t t = rivet_info()->timebase_hz * us / 1000000;

	return t ? t : 1;
}

static err_t net_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net *n = netif->state;
	uint64_t start = 0;
	uint8_t *frame;
	int id;

	if (p->tot_len > VNET_FRAME_MAX)
		return ERR_IF;
	while ((id = vnet_tx_buf(&n->dev, &frame)) < 0) {
		if (!start)
			start = rivet_now();
		else if (rivet_now() - start > ticks_us(NET_TX_WAIT_US)) {
			n->tx_drops++;
			return ERR_MEM;
		}
		vnet_tx_kick(&n->dev); /* the queue is full: it must go */
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	vnet_tx_send(&n->dev, id, p->tot_len);
	return ERR_OK;
}

static err_t net_netif_init(struct netif *netif)
{
	struct net *n = netif->state;

	netif->name[0] = 'v';
	netif->name[1] = 'n';
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, n->dev.mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	netif->output = etharp_output;
	netif->linkoutput = net_linkoutput;
	return ERR_OK;
}

/* lwIP calls this when the address changes: DHCP's lease lands here. */
static void net_status(struct netif *netif)
{
	struct net *n = netif->state;
	char ip[16], mask[16], gw[16];

	if (ip4_addr_isany_val(*netif_ip4_addr(netif)) || n->lease)
		return;
	n->lease = true;
	ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof(ip));
	ip4addr_ntoa_r(netif_ip4_netmask(netif), mask, sizeof(mask));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	printf("net: DHCP lease %s netmask %s gateway %s\n", ip, mask, gw);
}

int net_open(struct net *n)
{
	int rc;

	memset(n, 0, sizeof(*n));
	rc = vnet_open(&n->dev, NET_IRQ_BIT);
	if (rc)
		return rc;
	printf("net: %s: virtio-mmio version %u (%s), MAC "
	       "%02x:%02x:%02x:%02x:%02x:%02x, queues %u+%u, %s\n",
	       n->dev.grant.name, (unsigned)n->dev.mmio.version,
	       n->dev.mmio.version == 1 ? "legacy" : "modern", n->dev.mac[0],
	       n->dev.mac[1], n->dev.mac[2], n->dev.mac[3], n->dev.mac[4],
	       n->dev.mac[5], (unsigned)n->dev.rxq.num,
	       (unsigned)n->dev.txq.num,
	       n->dev.irq_slot >= 0 ? "interrupts" : "polling only");
	net_stack_start(n);
	return 0;
}

void net_stack_start(struct net *n)
{
	srand((unsigned)rivet_now());
	lwip_init();
	netif_add(&n->netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, n,
		  net_netif_init, ethernet_input);
	netif_set_default(&n->netif);
	netif_set_status_callback(&n->netif, net_status);
	netif_set_up(&n->netif);
	dhcp_start(&n->netif);
}

/* Each frame is copied into a pool pbuf and its buffer goes back to the
 * device at once. */
unsigned net_rx(struct net *n)
{
	unsigned got = 0;
	const uint8_t *frame;
	uint32_t len;
	int id;

	while (got < NET_RX_BUDGET) {
		id = vnet_rx_next(&n->dev, &frame, &len);
		if (id == E_NOENT)
			break;
		got++;
		if (id < 0)
			continue; /* counted by the driver, buffer given back */
		struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);

		if (p)
			pbuf_take(p, frame, (u16_t)len);
		vnet_rx_release(&n->dev, id);
		if (!p) {
			n->rx_nopbuf++;
			continue;
		}
		if (n->netif.input(p, &n->netif) != ERR_OK)
			pbuf_free(p);
	}
	if (got)
		vnet_rx_kick(&n->dev);
	return got;
}

/* Sleeps until the device interrupts or lwIP's next timeout is due
 * (at most NET_SLEEP_MAX_MS, and no later than deadline if non-zero). */
static void net_sleep(struct net *n, uint64_t deadline)
{
	const unsigned long irq = 1UL << NET_IRQ_BIT;
	uint32_t ms = sys_timeouts_sleeptime();
	uint64_t when;
	struct rivet_ret r;

	if (ms > NET_SLEEP_MAX_MS)
		ms = NET_SLEEP_MAX_MS;
	when = rivet_now() + ticks_us((uint64_t)ms * 1000);
	if (deadline && when > deadline)
		when = deadline;
	n->sleeps++;
	sys_timer_event(when, NET_TIMER_BIT);
	r = sys2_wait(irq | 1UL << NET_TIMER_BIT);
	if (r.rc == 0 && (r.val & irq))
		vnet_irq_done(&n->dev);
}

bool net_run(struct net *n, bool (*keep_going)(void *arg), void *arg,
	     uint32_t timeout_ms)
{
	const uint64_t linger = ticks_us(NET_POLL_LINGER_US);
	uint64_t deadline = 0, now;

	if (timeout_ms)
		deadline = rivet_now() + ticks_us((uint64_t)timeout_ms * 1000);
	for (;;) {
		unsigned got = net_rx(n);

		vnet_tx_reclaim(&n->dev);
		sys_check_timeouts();
		/* Everything this round sent (answers to what came in, timer
		 * retransmissions) goes to the device with one notify. */
		vnet_tx_kick(&n->dev);
		if (keep_going && !keep_going(arg))
			return true;
		now = rivet_now();
		if (deadline && now >= deadline)
			return false;
		if (got) {
			n->last_rx = now;
			if (!n->polling) {
				n->polling = true;
				n->to_polling++;
				vnet_irq_enable(&n->dev, false);
			}
			continue;
		}
		if (n->polling && now - n->last_rx < linger) {
			sys_yield_cap(RIVET_YIELD_ANY);
			continue;
		}
		if (n->polling) {
			n->polling = false;
			n->to_interrupts++;
			vnet_irq_enable(&n->dev, true);
			/* A frame that came between the last look and the
			 * interrupt being asked for raised none. */
			vio_fence("rw,rw");
			if (vnet_rx_pending(&n->dev))
				continue;
		}
		net_sleep(n, deadline);
	}
}

static bool no_lease(void *arg)
{
	return !((struct net *)arg)->lease;
}

bool net_wait_lease(struct net *n, uint32_t timeout_ms)
{
	return n->lease || net_run(n, no_lease, n, timeout_ms);
}

void net_close(struct net *n)
{
	sys_timer_event(0, NET_TIMER_BIT);
	vnet_close(&n->dev);
}
