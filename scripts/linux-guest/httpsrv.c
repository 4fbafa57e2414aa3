/* SPDX-License-Identifier: MIT */
/*
 * The Linux guest's HTTP server for make bench-net's comparison
 * (scripts/bench-net): one process, epoll, keep-alive, Nagle off, each
 * answer (header and body) prebuilt for the two files the benchmark asks
 * for (/128.txt, /16k.bin; anything else 404) and sent with one write,
 * the counterpart of libos/httpd's prebuilt headers. No libc: raw Linux
 * system calls, so the bare-metal RISC-V compiler builds it.
 */
typedef unsigned long size_t;
typedef long ssize_t;

#define SYS_epoll_create1 20
#define SYS_epoll_ctl	  21
#define SYS_epoll_pwait	  22
#define SYS_close	  57
#define SYS_read	  63
#define SYS_write	  64
#define SYS_exit	  93
#define SYS_socket	  198
#define SYS_bind	  200
#define SYS_listen	  201
#define SYS_setsockopt	  208
#define SYS_accept4	  242

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

#define sys(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

struct epoll_event {
	unsigned events;
	unsigned long data;
};

#define EPOLLIN 1
#define MAXFD	256
#define BUFSZ	4096

static char body[16384];
static char ans128[512], ans16k[512 + 16384], ans404[256];
static int len128, len16k, len404;
static char bufs[MAXFD][BUFSZ];
static int used[MAXFD];

static int cat(char *d, int n, const char *s)
{
	while (*s)
		d[n++] = *s++;
	return n;
}

static int copy(char *d, int n, const char *s, int len)
{
	while (len--)
		d[n++] = *s++;
	return n;
}

static int num(char *d, int n, unsigned long v)
{
	char t[24];
	int k = 0;

	do
		t[k++] = (char)('0' + v % 10);
	while (v /= 10);
	while (k)
		d[n++] = t[--k];
	return n;
}

static int header(char *d, const char *type, unsigned long len)
{
	int n = cat(d, 0, "HTTP/1.1 200 OK\r\nServer: linux\r\nContent-Type: ");

	n = cat(d, n, type);
	n = cat(d, n, "\r\nContent-Length: ");
	n = num(d, n, len);
	return cat(d, n, "\r\nConnection: keep-alive\r\n\r\n");
}

static void put(int fd, const char *p, long n)
{
	while (n > 0) {
		long w = sys(SYS_write, fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
}

static int starts(const char *p, const char *s)
{
	while (*s)
		if (*p++ != *s++)
			return 0;
	return 1;
}

/* Answers every whole request in fd's buffer. */
static void serve(int fd)
{
	char *b = bufs[fd];
	int i, start = 0;

	for (i = 3; i < used[fd]; i++) {
		if (!(b[i - 3] == '\r' && b[i - 2] == '\n' &&
		      b[i - 1] == '\r' && b[i] == '\n'))
			continue;
		if (starts(b + start, "GET /128.txt ")) {
			put(fd, ans128, len128);
		} else if (starts(b + start, "GET /16k.bin ")) {
			put(fd, ans16k, len16k);
		} else {
			put(fd, ans404, len404);
		}
		start = i + 1;
	}
	for (i = start; i < used[fd]; i++)
		b[i - start] = b[i];
	used[fd] -= start;
}

void _start(void)
{
	unsigned char addr[16] = { 2, 0, 0, 80 }; /* AF_INET, port 80, any */
	struct epoll_event ev, evs[64];
	int one = 1, big = 1 << 20;
	int s, ep, i, n;

	for (i = 0; i < (int)sizeof(body); i++)
		body[i] = (char)('a' + i % 26);
	len128 = header(ans128, "text/plain", 128);
	len128 = copy(ans128, len128, body, 128);
	len16k = header(ans16k, "application/octet-stream", 16384);
	len16k = copy(ans16k, len16k, body, 16384);
	len404 = cat(ans404, 0,
		     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	s = (int)sys(SYS_socket, 2, 1, 0);
	sys6(SYS_setsockopt, s, 1, 2, (long)&one, 4, 0); /* SO_REUSEADDR */
	if (sys(SYS_bind, s, addr, 16) < 0 || sys(SYS_listen, s, 128, 0) < 0)
		sys(SYS_exit, 1, 0, 0);
	ep = (int)sys(SYS_epoll_create1, 0, 0, 0);
	ev.events = EPOLLIN;
	ev.data = (unsigned long)s;
	sys6(SYS_epoll_ctl, ep, 1, s, (long)&ev, 0, 0);
	put(1, "httpsrv: listening on port 80\n", 30);
	for (;;) {
		n = (int)sys6(SYS_epoll_pwait, ep, (long)evs, 64, -1, 0, 8);
		for (i = 0; i < n; i++) {
			int fd = (int)evs[i].data;

			if (fd == s) {
				int c = (int)sys6(SYS_accept4, s, 0, 0, 0, 0,
						  0);

				if (c < 0 || c >= MAXFD) {
					if (c >= 0)
						sys(SYS_close, c, 0, 0);
					continue;
				}
				sys6(SYS_setsockopt, c, 6, 1, (long)&one, 4,
				     0); /* TCP_NODELAY */
				sys6(SYS_setsockopt, c, 1, 7, (long)&big, 4,
				     0); /* SO_SNDBUF */
				used[c] = 0;
				ev.events = EPOLLIN;
				ev.data = (unsigned long)c;
				sys6(SYS_epoll_ctl, ep, 1, c, (long)&ev, 0, 0);
				continue;
			}
			long r = sys(SYS_read, fd, bufs[fd] + used[fd],
				     BUFSZ - used[fd]);
			if (r <= 0) {
				sys6(SYS_epoll_ctl, ep, 2, fd, 0, 0, 0);
				sys(SYS_close, fd, 0, 0);
				continue;
			}
			used[fd] += (int)r;
			serve(fd);
			if (used[fd] == BUFSZ)
				used[fd] = 0; /* too big: drop it */
		}
	}
}
