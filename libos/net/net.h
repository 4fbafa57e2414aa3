/* SPDX-License-Identifier: MIT */
/*
 * The network libOS's interface: lwIP (raw API, NO_SYS) over the
 * virtio-net driver, with the domain's one loop that receives frames,
 * runs lwIP's timers and sleeps when there is nothing to do. An app
 * calls net_open, sets up its lwIP callbacks, then net_run.
 */
#ifndef LIBOS_NET_NET_H
#define LIBOS_NET_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <lwip/netif.h>

#include "virtio_net.h"

/* Event bits the loop waits on: the device's interrupt and the timer
 * that wakes it for lwIP's next timeout. */
#define NET_IRQ_BIT   0
#define NET_TIMER_BIT 1

/*
 * The polling rule (docs/net.md): the loop sleeps with the device's
 * receive interrupt on while the network is quiet. The first frame
 * switches it to polling: interrupts off, the rings looked at after
 * every round, the CPU yielded between rounds. Once no frame has come
 * for NET_POLL_LINGER_US it turns interrupts back on and sleeps again.
 */
#define NET_POLL_LINGER_US 1000
/* Frames taken per round before lwIP's timers and the app get a turn. */
#define NET_RX_BUDGET 32

struct net {
	struct vnet_dev dev;
	struct netif netif;
	bool lease;	  /* DHCP has configured an address */
	bool polling;	  /* interrupts off, polling (the rule above) */
	uint64_t last_rx; /* rivet_now() when the last frame came */
	/* counters */
	unsigned long rx_nopbuf; /* frames dropped: no pbuf free */
	unsigned long tx_drops;	 /* frames dropped: no transmit buffer */
	unsigned long to_polling, to_interrupts, sleeps;
};

/*
 * Opens the granted virtio-net device, starts lwIP on it and asks for a
 * DHCP lease. Returns 0 or vnet_open's error.
 */
int net_open(struct net *n);

/* lwIP on the already opened n->dev: the interface, up, asking for a
 * DHCP lease (net_open's second half; the fuzz target's first). */
void net_stack_start(struct net *n);

/* Takes up to NET_RX_BUDGET received frames into lwIP; returns how many
 * used entries there were (bad ones included). */
unsigned net_rx(struct net *n);

/*
 * Runs the loop until keep_going(arg) returns false (asked after every
 * round and every wake-up; the loop wakes at least every 100 ms) or,
 * with a non-zero timeout_ms, until that much time has passed. Returns
 * true if keep_going stopped it.
 */
bool net_run(struct net *n, bool (*keep_going)(void *arg), void *arg,
	     uint32_t timeout_ms);

/* Waits up to timeout_ms for the DHCP lease; true once there is one. */
bool net_wait_lease(struct net *n, uint32_t timeout_ms);

/* Resets the device and stops lwIP's use of it. */
void net_close(struct net *n);

#endif
