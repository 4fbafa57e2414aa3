/* SPDX-License-Identifier: MIT */
/*
 * httpd: an HTTP/1.1 server on lwIP's raw API. GET and HEAD of the files
 * under /www/ in the initramfs (www.h), keep-alive, Content-Length on every
 * answer, 404, 400 for a malformed request, 431 past the request-size
 * limit, and connections that stall are closed.
 *
 * Specialised around its one workload, the way Cheetah was: each file's
 * 200 header is built once at start-up with the checksum tables of
 * headers and files (no payload byte is read to checksum it), both
 * header and body are handed to TCP by reference (no copy into lwIP's
 * buffers; the driver makes the only copy, into the device's transmit
 * buffer), and the answer carries the ACK of its request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lwip/priv/tcp_priv.h>
#include <lwip/stats.h>
#include <lwip/sys.h>
#include <lwip/tcp.h>

#include <net/chksum.h>
#include <net/net.h>
#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "http_parse.h"
#include "www.h"

#define HTTP_PORT 80
/* Connections served at once; more are refused at accept (lwIP's pcb
 * pool, MEMP_NUM_TCP_PCB, also holds the listener and TIME_WAITs). */
#define MAX_CONNS 48
/* The request-size limit: request line and header fields. */
#define REQ_MAX 4096
/* A request must arrive whole within this long of its first byte, and
 * an idle keep-alive connection is closed after KEEP_IDLE_MS. */
#define REQ_TIMEOUT_MS 10000
#define KEEP_IDLE_MS   30000
/* Send-queue room an answer's header (or a whole error answer, built
 * in conn.scratch) needs. */
#define ANSWER_ROOM 1024
/* The server's counters, for the tests (not a file). */
#define STATS_PATH "/_rivet/stats"
/* lwIP calls the poll callback every 2 coarse ticks: once a second. */
#define POLL_INTERVAL 2
/* Bytes chksum_cost sums: a 16 KiB answer's body (from an odd offset,
 * the harder case for the tables). */
#define CHKSUM_PROBE 16384

struct conn {
	struct tcp_pcb *pcb; /* NULL: the slot is free */
	char req[REQ_MAX];
	size_t req_len;
	u32_t req_start;    /* sys_now() at the request's first byte */
	u32_t last_active;  /* sys_now() at the last byte in or out */
	const uint8_t *out; /* body still to queue, by reference */
	size_t out_left;
	bool close_after;  /* close once the answer is queued */
	char scratch[768]; /* headers and bodies built per request */
};

/* A file's answer, header prebuilt for both connection modes. */
struct served {
	const struct www_file *f;
	const char *hdr[2]; /* [keep_alive], in hdr_pool */
	size_t hdr_len[2];
};

static struct net net;
static struct conn conns[MAX_CONNS];
static struct www_file www_files[64];
static unsigned www_nfiles;
static struct served served[64];
static unsigned nserved, nconns;
/* The prebuilt headers, one block: never changed once built. */
static char hdr_pool[16384];
static size_t hdr_used;
static unsigned long nrequests, naccepted, nrefused;
static long shell_id = -1;

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && strcmp(dot, ".html") == 0)
		return "text/html";
	if (dot && strcmp(dot, ".txt") == 0)
		return "text/plain";
	return "application/octet-stream";
}

/* Appends one 200 header for s to hdr_pool; false when it is full. */
static bool header_build(struct served *s, unsigned keep_alive)
{
	size_t room = sizeof(hdr_pool) - hdr_used;
	int n = snprintf(hdr_pool + hdr_used, room,
			 "HTTP/1.1 200 OK\r\nServer: rivet\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %llu\r\n"
			 "Connection: %s\r\n\r\n",
			 content_type(s->f->path),
			 (unsigned long long)s->f->len,
			 keep_alive ? "keep-alive" : "close");

	if (n < 0 || (size_t)n >= room)
		return false;
	s->hdr[keep_alive] = hdr_pool + hdr_used;
	s->hdr_len[keep_alive] = (size_t)n;
	hdr_used += (size_t)n;
	return true;
}

/*
 * What the tables save, printed once: the instructions to checksum
 * CHKSUM_PROBE bytes of the largest file the plain way and from its
 * table (docs/net.md; meaningful only under QEMU -icount, where
 * rdinstret counts guest instructions).
 */
static void chksum_cost(void)
{
	const struct www_file *big = NULL;
	uint64_t t0, t1, t2;
	uint16_t a, b;
	unsigned i;

	for (i = 0; i < nserved; i++)
		if (!big || served[i].f->len > big->len)
			big = served[i].f;
	if (!big || big->len < CHKSUM_PROBE)
		return;
	t0 = rivet_instret();
	a = lwip_standard_chksum(big->data + 1, CHKSUM_PROBE);
	t1 = rivet_instret();
	b = chksum_sum(big->data + 1, CHKSUM_PROBE);
	t2 = rivet_instret();
	printf("httpd: checksum of %u bytes of %s: %llu insns plain, %llu "
	       "from the table%s\n",
	       CHKSUM_PROBE, big->path, (unsigned long long)(t1 - t0),
	       (unsigned long long)(t2 - t1), a == b ? "" : " (DIFFERENT)");
}

/*
 * The Cheetah precomputation, once at start-up: every file's 200 header
 * in both connection modes, and checksum tables for the headers and the
 * files, so that answering a request formats nothing and lwIP reads no
 * payload byte to checksum it (libos/net/chksum.h). A file whose table
 * cannot be built is still served, its checksum summed as usual.
 */
static void served_init(void)
{
	unsigned i;
	int rc = www_load(www_files, sizeof(www_files) / sizeof(www_files[0]),
			  &www_nfiles);

	if (rc == E_NOENT)
		printf("httpd: no initramfs (initramfs = yes in its "
		       "configuration); nothing to serve\n");
	else if (rc)
		printf("httpd: the initramfs is corrupt (%d); serving the %u "
		       "files before the damage\n",
		       rc, www_nfiles);

	for (i = 0; i < www_nfiles && i < sizeof(served) / sizeof(served[0]);
	     i++) {
		struct served *s = &served[nserved];

		s->f = &www_files[i];
		if (!header_build(s, 0) || !header_build(s, 1))
			break;
		nserved++;
		if (chksum_precompute(s->f->data, (size_t)s->f->len))
			printf("httpd: %s: no checksum table\n", s->f->path);
	}
	if (hdr_used && chksum_precompute(hdr_pool, hdr_used))
		printf("httpd: no checksum table for the headers\n");
	chksum_cost();
}

static const struct served *lookup(const char *path, size_t len)
{
	unsigned i;

	if (len == 1 && path[0] == '/') {
		path = "/index.html";
		len = strlen(path);
	}
	for (i = 0; i < nserved; i++)
		if (strlen(served[i].f->path) == len &&
		    memcmp(served[i].f->path, path, len) == 0)
			return &served[i];
	return NULL;
}

/* Frees the slot and ends the connection. Returns ERR_ABRT if it had to
 * abort the pcb (a callback must then return ERR_ABRT to lwIP). */
static err_t conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	err_t rc = ERR_OK;

	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		rc = ERR_ABRT;
	}
	c->pcb = NULL;
	nconns--;
	return rc;
}

/* Queues as much of the body as TCP takes now, by reference. */
static void send_more(struct conn *c)
{
	while (c->out_left) {
		u16_t room = tcp_sndbuf(c->pcb);
		size_t n = c->out_left < room ? c->out_left : room;

		if (n == 0 || tcp_write(c->pcb, c->out, (u16_t)n, 0) != ERR_OK)
			break;
		c->out += n;
		c->out_left -= n;
	}
	tcp_output(c->pcb);
}

/* Queues an answer built in c->scratch (copied: it is reused). */
static void send_scratch(struct conn *c, int n)
{
	if (n > (int)sizeof(c->scratch))
		n = (int)sizeof(c->scratch);
	tcp_write(c->pcb, c->scratch, (u16_t)n, TCP_WRITE_FLAG_COPY);
}

static void send_status(struct conn *c, int status, const char *reason,
			bool keep, bool head)
{
	int body = (int)strlen(reason) + 1;
	int n = snprintf(c->scratch, sizeof(c->scratch),
			 "HTTP/1.1 %d %s\r\nServer: rivet\r\n"
			 "Content-Type: text/plain\r\nContent-Length: %d\r\n"
			 "Connection: %s\r\n\r\n%s%s",
			 status, reason, body, keep ? "keep-alive" : "close",
			 head ? "" : reason, head ? "" : "\n");

	send_scratch(c, n);
	c->close_after = !keep;
}

static unsigned count_pcbs(struct tcp_pcb *list)
{
	unsigned n = 0;

	for (; list; list = list->next)
		n++;
	return n;
}

/* /_rivet/stats: what the leak test compares before and after. */
static void send_stats(struct conn *c, bool head, bool keep)
{
	char body[512];
	int b = snprintf(
		body, sizeof(body),
		"conns %u\npcbs_active %u\npcbs_time_wait %u\n"
		"pbuf_pool_used %u\npbuf_ref_used %u\nseg_used %u\n"
		"mem_used %u\nrequests %lu\naccepted %lu\nrefused %lu\n"
		"rx_nopbuf %lu\ntx_drops %lu\ntx_full %lu\npolling %lu\n"
		"irqs %lu\nnotifies %lu\nrx_frames %lu\ntx_frames %lu\n"
		"chksum_table_bytes %lu\n",
		nconns, count_pcbs(tcp_active_pcbs), count_pcbs(tcp_tw_pcbs),
		(unsigned)lwip_stats.memp[MEMP_PBUF_POOL]->used,
		(unsigned)lwip_stats.memp[MEMP_PBUF]->used,
		(unsigned)lwip_stats.memp[MEMP_TCP_SEG]->used,
		(unsigned)lwip_stats.mem.used, nrequests, naccepted, nrefused,
		net.rx_nopbuf, net.tx_drops, net.dev.tx_full, net.to_polling,
		net.dev.irqs, net.dev.notifies, net.dev.rx_frames,
		net.dev.tx_frames, chksum_table_bytes);
	int n = snprintf(c->scratch, sizeof(c->scratch),
			 "HTTP/1.1 200 OK\r\nServer: rivet\r\n"
			 "Content-Type: text/plain\r\nContent-Length: %d\r\n"
			 "Connection: %s\r\n\r\n%s",
			 b, keep ? "keep-alive" : "close", head ? "" : body);

	send_scratch(c, n);
	c->close_after = !keep;
}

static void serve(struct conn *c, const struct http_req *r)
{
	bool head = r->method == HTTP_HEAD;
	const struct served *s = lookup(r->path, r->path_len);

	nrequests++;
	if (!s && r->path_len == sizeof(STATS_PATH) - 1 &&
	    memcmp(r->path, STATS_PATH, r->path_len) == 0) {
		send_stats(c, head, r->keep_alive);
		return;
	}
	if (!s) {
		send_status(c, 404, "Not Found", r->keep_alive, head);
		return;
	}
	tcp_write(c->pcb, s->hdr[r->keep_alive],
		  (u16_t)s->hdr_len[r->keep_alive], 0);
	c->close_after = !r->keep_alive;
	if (!head) {
		c->out = s->f->data;
		c->out_left = s->f->len;
	}
}

/* Answers every whole request buffered, one at a time: the next is
 * looked at only once the previous answer is queued. Returns ERR_ABRT
 * if the connection was aborted. */
static err_t process(struct conn *c)
{
	struct http_req r;
	long n;

	for (;;) {
		send_more(c);
		if (c->out_left)
			return ERR_OK; /* the sent callback comes back here */
		if (c->close_after)
			return conn_close(c);
		if (c->req_len == 0)
			return ERR_OK;
		/* An answer's header must go whole into TCP's send queue,
		 * which the previous answer may still fill: wait for the
		 * sent callback rather than lose it. */
		if (tcp_sndbuf(c->pcb) < ANSWER_ROOM ||
		    tcp_sndqueuelen(c->pcb) + 4 > TCP_SND_QUEUELEN)
			return ERR_OK;
		n = http_parse(c->req, c->req_len, REQ_MAX, &r);
		if (n == HTTP_INCOMPLETE)
			return ERR_OK;
		if (n < 0) {
			static const char *const why[] = {
				[0] = "Bad Request",
				[1] = "Request Header Fields Too Large",
				[2] = "Not Implemented",
				[3] = "HTTP Version Not Supported",
			};
			int k = n == HTTP_E_TOO_BIG   ? 1
				: n == HTTP_E_METHOD  ? 2
				: n == HTTP_E_VERSION ? 3
						      : 0;

			nrequests++;
			send_status(c, (int)-n, why[k], false, false);
			c->req_len = 0;
			continue;
		}
		serve(c, &r);
		memmove(c->req, c->req + n, c->req_len - (size_t)n);
		c->req_len -= (size_t)n;
		if (c->req_len)
			c->req_start = sys_now();
	}
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;
	size_t take;

	if (!c) { /* closed on our side already */
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p || err != ERR_OK) { /* the client closed */
		if (p)
			pbuf_free(p);
		return conn_close(c);
	}
	if (c->req_len == 0)
		c->req_start = sys_now();
	c->last_active = sys_now();
	take = p->tot_len;
	if (take > REQ_MAX - c->req_len)
		take = REQ_MAX - c->req_len;
	pbuf_copy_partial(p, c->req + c->req_len, (u16_t)take, 0);
	c->req_len += take;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	/* Bytes past a full buffer are dropped: the parser then finds no
	 * end of header within REQ_MAX and answers 431. */
	return process(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)pcb;
	(void)len;
	if (!c)
		return ERR_OK;
	c->last_active = sys_now();
	return process(c);
}

static void on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (c && c->pcb) { /* lwIP has freed the pcb already */
		c->pcb = NULL;
		nconns--;
	}
}

/* Once a second: close a connection whose request is too slow, or that
 * has been idle too long between requests. */
static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct conn *c = arg;
	u32_t now = sys_now();

	(void)pcb;
	if (!c)
		return ERR_OK;
	if (c->req_len && now - c->req_start > REQ_TIMEOUT_MS) {
		send_status(c, 408, "Request Timeout", false, false);
		c->req_len = 0;
		return process(c);
	}
	if (!c->req_len && !c->out_left && now - c->last_active > KEEP_IDLE_MS)
		return conn_close(c);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	unsigned i;

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (i = 0; i < MAX_CONNS && conns[i].pcb; i++)
		;
	if (i == MAX_CONNS) {
		nrefused++;
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	struct conn *c = &conns[i];

	c->pcb = pcb;
	c->req_len = 0;
	c->out_left = 0;
	c->close_after = false;
	c->last_active = sys_now();
	nconns++;
	naccepted++;
	tcp_nagle_disable(pcb); /* answers are whole: send them at once */
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, POLL_INTERVAL);
	return ERR_OK;
}

/* The default configuration runs httpd beside the shell: it ends when
 * the shell has, so that exit still powers the machine off. */
static bool keep_going(void *arg)
{
	(void)arg;
	return shell_id < 0 || rivet_domain_alive(shell_id);
}

int main(void)
{
	struct tcp_pcb *pcb;
	int rc;

	rc = net_open(&net);
	if (rc) {
		printf("httpd: no usable virtio network device (%d)\n", rc);
		return 2;
	}
	served_init();
	shell_id = rivet_domain_lookup("shell");
	if (shell_id < 0)
		shell_id = -1;
	printf("httpd: %u files, port %d\n", nserved, HTTP_PORT);
	pcb = tcp_new();
	if (!pcb || tcp_bind(pcb, IP4_ADDR_ANY, HTTP_PORT) != ERR_OK ||
	    !(pcb = tcp_listen(pcb))) {
		printf("httpd: cannot listen on port %d\n", HTTP_PORT);
		return 1;
	}
	tcp_accept(pcb, on_accept);
	if (!net_wait_lease(&net, 30000))
		printf("httpd: no DHCP lease yet; serving anyway\n");
	else
		printf("httpd: serving http://%s:%d/\n",
		       ip4addr_ntoa(netif_ip4_addr(&net.netif)), HTTP_PORT);
	if (keep_going(NULL))
		net_run(&net, keep_going, NULL, 0);
	printf("httpd: %lu requests, %lu connections; frames rx %lu tx %lu; "
	       "polling %lu times, %lu interrupts, %lu sleeps\n",
	       nrequests, naccepted, net.dev.rx_frames, net.dev.tx_frames,
	       net.to_polling, net.dev.irqs, net.sleeps);
	net_close(&net);
	return 0;
}
