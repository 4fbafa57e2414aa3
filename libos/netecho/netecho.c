/* SPDX-License-Identifier: MIT */
/*
 * netecho: UDP and TCP echo (RFC 862) on port 7, over lwIP's raw API.
 * The network tests send through QEMU's hostfwd and compare what comes
 * back. A UDP datagram reading exactly "netecho: quit" ends the domain
 * after it prints its counters, so a test run ends by itself.
 */
#include <stdio.h>
#include <string.h>

#include <lwip/tcp.h>
#include <lwip/udp.h>

#include <net/net.h>

#define ECHO_PORT 7
#define QUIT	  "netecho: quit"

/* One TCP connection: what was received and not yet echoed. */
struct echo {
	struct tcp_pcb *pcb;
	struct pbuf *pending;
	bool closing; /* the client closed: close once pending is sent */
};

static struct net net;
static bool quit;
static unsigned long ndatagrams, nconns, nbytes, nlive;

static void udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		     const ip_addr_t *addr, u16_t port)
{
	(void)arg;
	if (p->tot_len == sizeof(QUIT) - 1 &&
	    pbuf_memcmp(p, 0, QUIT, sizeof(QUIT) - 1) == 0)
		quit = true;
	ndatagrams++;
	/* The pbuf still has room for the headers it came with. */
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

static void echo_free(struct echo *e)
{
	if (e->pending)
		pbuf_free(e->pending);
	mem_free(e);
	nlive--;
}

/* Ends the connection; ERR_ABRT if it had to be aborted. */
static err_t echo_close(struct echo *e)
{
	struct tcp_pcb *pcb = e->pcb;

	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	echo_free(e);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	return ERR_OK;
}

/* Sends back as much as TCP takes now; the window opens by as much, so
 * a client that does not read slows down the one that sends. */
static err_t echo_send(struct echo *e)
{
	while (e->pending) {
		struct pbuf *q = e->pending;
		u16_t room = tcp_sndbuf(e->pcb);
		u16_t n = q->len < room ? q->len : room;

		if (n == 0 || tcp_write(e->pcb, q->payload, n,
					TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		tcp_recved(e->pcb, n);
		nbytes += n;
		e->pending = pbuf_free_header(q, n);
	}
	tcp_output(e->pcb);
	if (e->closing && !e->pending)
		return echo_close(e);
	return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct echo *e = arg;

	(void)pcb;
	if (!p || err != ERR_OK) {
		if (p)
			pbuf_free(p);
		e->closing = true;
		return echo_send(e);
	}
	if (e->pending)
		pbuf_cat(e->pending, p);
	else
		e->pending = p;
	return echo_send(e);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	return echo_send(arg);
}

static void on_err(void *arg, err_t err)
{
	(void)err;
	if (arg)
		echo_free(arg);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct echo *e;

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	e = mem_malloc(sizeof(*e));
	if (!e) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	e->pcb = pcb;
	e->pending = NULL;
	e->closing = false;
	nconns++;
	nlive++;
	tcp_arg(pcb, e);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	return ERR_OK;
}

static bool keep_going(void *arg)
{
	(void)arg;
	return !quit;
}

int main(void)
{
	struct udp_pcb *u;
	struct tcp_pcb *t;
	int rc;

	rc = net_open(&net);
	if (rc) {
		printf("netecho: no usable virtio network device (%d)\n", rc);
		return 2;
	}
	u = udp_new();
	t = tcp_new();
	if (!u || !t || udp_bind(u, IP4_ADDR_ANY, ECHO_PORT) != ERR_OK ||
	    tcp_bind(t, IP4_ADDR_ANY, ECHO_PORT) != ERR_OK ||
	    !(t = tcp_listen(t))) {
		printf("netecho: cannot listen on port %d\n", ECHO_PORT);
		return 1;
	}
	udp_recv(u, udp_echo, NULL);
	tcp_accept(t, on_accept);
	if (net_wait_lease(&net, 30000))
		printf("netecho: echo on %s port %d (UDP and TCP)\n",
		       ip4addr_ntoa(netif_ip4_addr(&net.netif)), ECHO_PORT);
	else
		printf("netecho: no DHCP lease\n");
	net_run(&net, keep_going, NULL, 0);
	printf("netecho: %lu datagrams, %lu connections (%lu open), %lu bytes "
	       "echoed; frames rx %lu tx %lu, %lu dropped; polling %lu times, "
	       "%lu interrupts\n",
	       ndatagrams, nconns, nlive, nbytes, net.dev.rx_frames,
	       net.dev.tx_frames, net.rx_nopbuf + net.tx_drops, net.to_polling,
	       net.dev.irqs);
	net_close(&net);
	return 0;
}
