/* SPDX-License-Identifier: MIT */
/*
 * lwIP's configuration for Rivet's network libOS: the raw API (callback)
 * with no operating-system threads, one Ethernet interface, IPv4 with
 * ARP, ICMP, UDP, TCP and a DHCP client. Every option set here differs
 * from lwIP 2.1.3's default in src/include/lwip/opt.h, and the comment
 * says why; the protocols lwIP enables by default are left to it.
 * docs/net.md explains the sizes.
 */
#ifndef LIBOS_NET_LWIPOPTS_H
#define LIBOS_NET_LWIPOPTS_H

/* ---- the environment ---- */

/* No threads, no semaphores: the domain runs lwIP from one loop. */
#define NO_SYS 1
/* Nothing interrupts lwIP (interrupts are events the loop picks up). */
#define SYS_LIGHTWEIGHT_PROT 0
/* The sequential and socket APIs need threads; the raw API is used. */
#define LWIP_NETCONN 0
#define LWIP_SOCKET  0
/* RV64 loads and stores 8 bytes: keep lwIP's heap and pools 8-aligned. */
#define MEM_ALIGNMENT 8

/* ---- memory ---- */

/* lwIP's own heap: TCP segments' headers, copied (TCP_WRITE_FLAG_COPY)
 * data of the echo server and HTTP headers, and UDP replies. 256 KiB
 * holds the send buffers of the connections wrk and the tests keep
 * open at once. */
#define MEM_SIZE (256 * 1024)
/* Receive pbufs: the driver copies each frame into one. 128 of 1.5 KiB
 * hold two full TCP windows of frames waiting for the application. */
#define PBUF_POOL_SIZE 128
/* pbufs that point at data elsewhere: the HTTP server sends file bodies
 * by reference from its image (docs/net.md), one per segment queued. */
#define MEMP_NUM_PBUF 256
/* Connections at once: the tests open and close 1,000 in bursts, wrk
 * keeps 8; closed ones linger in TIME_WAIT for 2 MSL, and lwIP reuses
 * the oldest of those when the pool runs out. */
#define MEMP_NUM_TCP_PCB 64
/* TCP segments queued for sending or out of order, across connections. */
#define MEMP_NUM_TCP_SEG 512

/* ---- protocols ---- */

/* IPv4 with ARP, ICMP, UDP and TCP are lwIP's defaults. The DHCP client
 * is not: QEMU's user network (and most networks) hand out the
 * address. */
#define LWIP_DHCP 1
/* The default probes the offered address with ARP for a second or two
 * before taking it. QEMU's user network (slirp) is the only other host
 * on the link and hands out one address per MAC: the check only delays
 * the lease. */
#define DHCP_DOES_ARP_CHECK 0
/* Nothing here reassembles or sends fragments: TCP keeps segments to the
 * MSS and the echo tests' datagrams fit in one frame. Turning both off
 * removes a reassembly buffer an attacker could fill. */
#define IP_REASSEMBLY 0
#define IP_FRAG	      0

/* ---- TCP ---- */

/* Ethernet's MTU less the IPv4 and TCP headers (the default, 536, is
 * the minimum every IPv4 host must take). */
#define TCP_MSS 1460
/* Window and send buffer of 16 segments: about what one round trip
 * through slirp carries at the speeds QEMU reaches, and below 64 KiB so
 * no window scaling is needed. */
#define TCP_WND	    (16 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
/* Listening sockets keep a backlog of connections not yet accepted, at
 * most 16 (the default, 255, is more than the connection pool). */
#define TCP_LISTEN_BACKLOG	   1
#define TCP_DEFAULT_LISTEN_BACKLOG 16

/* ---- the interface ---- */

/* One interface (virtio-net): lwIP skips its netif-list walks. */
#define LWIP_SINGLE_NETIF 1
/* Tells the application when DHCP has configured an address. */
#define LWIP_NETIF_STATUS_CALLBACK 1

/* ---- checksums ---- */

/* Every Internet checksum lwIP computes goes through chksum_sum
 * (libos/net/chksum.c): the same sum as lwIP's own loop, except that
 * data an application registered as static (httpd's files and
 * headers) is summed from precomputed tables, so a response's payload
 * is never read for its checksum. The fallback is lwIP's loop, which
 * LWIP_CHKSUM_ALGORITHM 2 (its default) keeps compiled. */
#include "chksum.h"
#define LWIP_CHKSUM	      chksum_sum
#define LWIP_CHKSUM_ALGORITHM 2

/* ---- statistics ---- */

/* lwIP keeps its counters by default (LWIP_STATS, MEMP_STATS): the HTTP
 * server reports them (/_rivet/stats) so the tests can see the pools
 * back to their baseline after many connections. */

#endif
