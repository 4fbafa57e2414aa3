// SPDX-License-Identifier: MIT
/*
 * /etc/rivet.conf parser. The text is read in place, one line at a time,
 * as (pointer, length) spans: nothing is copied except validated values,
 * and the only state besides the caller's struct bootconf is a small
 * struct parser on the stack. Messages are built with ksnprintf into the
 * fixed error slots; a long file name or value only truncates a message.
 */
#include "kernel/boot/bootconf.h"

#include <stdarg.h>

#include <rivet/errno.h>

#include "kernel/lib/string.h"
#include "kernel/lib/vsnprintf.h"

#define BC_LINE_MAX 255 /* longer lines are refused */
#define BC_SHOWN    24	/* bytes of an offending word quoted in a message */
#define BC_PAGE	    4096ULL

enum section {
	SEC_NONE,    /* before the first section */
	SEC_DOMAIN,  /* inside [domain NAME], ps->dom set */
	SEC_CHANNEL, /* inside [channel A B], ps->chan set */
	SEC_SKIP,    /* after a bad header: its lines are ignored */
};

enum key {
	K_IMAGE,
	K_MEMORY,
	K_SLICE,
	K_SLOTS,
	K_STRIKES,
	K_GRACE,
	K_DEVICE,
	K_PEER,
	K_OVERCOMMIT,
	K_ACCEPT,
	K_SPAWN,
	K_ARGS,
	K_INITRAMFS,
	K_HART,
	K_HARTS,
	K_NOTIFY,
	K_DOMAIN_END, /* keys below this belong to [domain] */
	K_SIZE = K_DOMAIN_END,
	K_MSG,
	K_DIRECTION,
	K_HANDOFF,
	K_COUNT,
};

static const char *const key_names[K_COUNT] = {
	[K_IMAGE] = "image",	     [K_MEMORY] = "memory",
	[K_SLICE] = "slice",	     [K_SLOTS] = "slots",
	[K_STRIKES] = "strikes",     [K_GRACE] = "grace",
	[K_DEVICE] = "device",	     [K_PEER] = "peer",
	[K_SIZE] = "size",	     [K_OVERCOMMIT] = "overcommit",
	[K_ACCEPT] = "accept",	     [K_SPAWN] = "spawn",
	[K_ARGS] = "args",	     [K_MSG] = "msg",
	[K_DIRECTION] = "direction", [K_HANDOFF] = "handoff",
	[K_INITRAMFS] = "initramfs", [K_HART] = "hart",
	[K_HARTS] = "harts",	     [K_NOTIFY] = "notify",
};

/* Used when the caller passes no defaults (host tests): the example values
 * of the header. The kernel passes its own, from Kconfig. */
static const struct bootconf_defaults fallback_defaults = {
	.slice_us = 2000,
	.slots = 256,
	.strikes = 3,
	.grace_us = 100,
};

struct parser {
	struct bootconf *c;
	const char *file;
	const struct bootconf_defaults *defaults;
	unsigned line;
	enum section sec;
	struct bootconf_domain *dom;   /* current domain, else NULL */
	struct bootconf_channel *chan; /* current channel, else NULL */
	unsigned section_line;
	unsigned key_line[K_COUNT]; /* where each key was first set; 0: not */
	int rc;			    /* code of the first error */
};

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Narrows (*s, *n) to exclude leading and trailing blanks. */
static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* True if s[0..n) equals the NUL-terminated word. */
static bool span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* How many bytes of an n-byte word a message quotes. */
static int shown(size_t n)
{
	return n > BC_SHOWN ? BC_SHOWN : (int)n;
}

/* The ellipsis that marks a quoted word as cut short. */
static const char *more(size_t n)
{
	return n > BC_SHOWN ? "..." : "";
}

/*
 * Records an error at line (0: the whole file). With dom set it refuses
 * that domain and keeps its first message there; without, the whole file
 * becomes unusable. Every error also goes to the global list.
 */
static void __attribute__((format(printf, 5, 6)))
report(struct parser *ps, int rc, unsigned line, struct bootconf_domain *dom,
       const char *fmt, ...)
{
	struct bootconf *c = ps->c;
	struct bootconf_error e;
	va_list ap;
	int n;

	e.line = line;
	if (line)
		n = ksnprintf(e.msg, sizeof(e.msg), "%s:%u: ", ps->file, line);
	else
		n = ksnprintf(e.msg, sizeof(e.msg), "%s: ", ps->file);
	if (n >= 0 && (size_t)n < sizeof(e.msg)) {
		va_start(ap, fmt);
		kvsnprintf(e.msg + n, sizeof(e.msg) - (size_t)n, fmt, ap);
		va_end(ap);
	}

	if (!ps->rc)
		ps->rc = rc;
	if (dom) {
		if (!dom->error.msg[0])
			dom->error = e;
		dom->valid = false;
	} else {
		c->usable = false;
	}
	c->nerrors_all++;
	if (c->nerrors < BOOTCONF_MAX_ERRORS)
		c->errors[c->nerrors++] = e;
}

/* True for a domain name: 1..31 bytes of [a-z0-9_-]. */
static bool valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= BOOTCONF_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/*
 * Reads the decimal digits at the start of s[0..n) into *v. Returns how
 * many digits there were; *overflow is set if the value passed 2^64 - 1.
 */
static size_t parse_digits(const char *s, size_t n, uint64_t *v, bool *overflow)
{
	size_t i;
	unsigned d;

	*v = 0;
	*overflow = false;
	for (i = 0; i < n && is_digit(s[i]); i++) {
		d = (unsigned)(s[i] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			*overflow = true;
		else
			*v = *v * 10 + d;
	}
	return i;
}

/* Parses a size ("16M"); returns NULL, or what was expected instead. */
static const char *parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v, mult = 1;
	bool overflow;
	size_t i;

	i = parse_digits(s, n, &v, &overflow);
	if (i == 0)
		return "a number with an optional K, M or G suffix";
	if (i < n) {
		switch (s[i]) {
		case 'K':
		case 'k':
			mult = 1ULL << 10;
			break;
		case 'M':
		case 'm':
			mult = 1ULL << 20;
			break;
		case 'G':
		case 'g':
			mult = 1ULL << 30;
			break;
		default:
			return "a number with an optional K, M or G suffix";
		}
		i++;
	}
	if (i != n)
		return "a number with an optional K, M or G suffix";
	if (overflow || v > UINT64_MAX / mult)
		return "a size that fits in 64 bits";
	v *= mult;
	if (v == 0)
		return "a size above 0";
	if (v % BC_PAGE)
		return "a multiple of 4K";
	*out = v;
	return NULL;
}

/* Parses a time ("2ms") into microseconds; NULL, or what was expected. */
static const char *parse_time(const char *s, size_t n, uint32_t *out)
{
	uint64_t v, mult;
	bool overflow;
	size_t i;

	i = parse_digits(s, n, &v, &overflow);
	if (i == 0)
		return "a time with a us, ms or s suffix";
	if (span_is(s + i, n - i, "us"))
		mult = 1;
	else if (span_is(s + i, n - i, "ms"))
		mult = 1000;
	else if (span_is(s + i, n - i, "s"))
		mult = 1000000;
	else
		return "a time with a us, ms or s suffix";
	if (overflow || v > UINT32_MAX / mult)
		return "a time of at most 4294967295us";
	if (v == 0)
		return "a time above 0";
	*out = (uint32_t)(v * mult);
	return NULL;
}

/* Parses a whole number in [lo, hi]; NULL, or what was expected. */
static const char *parse_uint(const char *s, size_t n, uint32_t lo, uint32_t hi,
			      const char *expect, uint32_t *out)
{
	uint64_t v;
	bool overflow;

	if (parse_digits(s, n, &v, &overflow) != n || n == 0 || overflow ||
	    v < lo || v > hi)
		return expect;
	*out = (uint32_t)v;
	return NULL;
}

/* Checks an absolute path and copies it to dst (BOOTCONF_PATH_LEN). */
static const char *parse_path(const char *s, size_t n, char *dst)
{
	size_t i;

	if (n == 0 || s[0] != '/')
		return "a path starting with /";
	if (n >= BOOTCONF_PATH_LEN)
		return "a path of at most 95 characters";
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return "a path without spaces or control characters";
	memcpy(dst, s, n);
	dst[n] = '\0';
	return NULL;
}

/* Checks an args word (printable, at most 63) and copies it to dst. */
static const char *parse_args(const char *s, size_t n, char *dst)
{
	size_t i;

	if (n >= BOOTCONF_ARGS_LEN)
		return "at most 63 printable characters";
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return "at most 63 printable characters";
	memcpy(dst, s, n);
	dst[n] = '\0';
	return NULL;
}

/* Parses one hart id (0 .. BOOTCONF_HART_MAX) at the start of s[0..n);
 * returns how many bytes it took, 0 if none or out of range. */
static size_t parse_hart_id(const char *s, size_t n, unsigned *id)
{
	uint64_t v;
	bool overflow;
	size_t i = parse_digits(s, n, &v, &overflow);

	if (i == 0 || overflow || v > BOOTCONF_HART_MAX)
		return 0;
	*id = (unsigned)v;
	return i;
}

/* "hart = N": the domain is pinned to hart id N. */
static const char *parse_hart(const char *s, size_t n, uint64_t *mask)
{
	unsigned id;

	if (n == 0 || parse_hart_id(s, n, &id) != n)
		return "a hart id from 0 to 63";
	*mask = 1ULL << id;
	return NULL;
}

/* "harts = A-B" or "harts = A,B,C": the hart ids the domain may run on. */
static const char *parse_harts(const char *s, size_t n, uint64_t *mask)
{
	static const char expect[] = "a range A-B or a list A,B,C of hart ids "
				     "from 0 to 63";
	unsigned a, b;
	size_t i = 0, k;
	uint64_t m = 0;

	for (;;) {
		k = parse_hart_id(s + i, n - i, &a);
		if (!k)
			return expect;
		i += k;
		b = a;
		if (i < n && s[i] == '-') {
			i++;
			k = parse_hart_id(s + i, n - i, &b);
			if (!k || b < a)
				return expect;
			i += k;
		}
		for (; a <= b; a++)
			m |= 1ULL << a;
		if (i == n)
			break;
		if (s[i] != ',')
			return expect;
		i++;
	}
	*mask = m;
	return NULL;
}

/*
 * Checks a spawn path: an absolute path (an image, or a directory when it
 * ends with '/') with no "." or ".." component, so that a directory grant
 * cannot be walked out of. Copies it to dst (BOOTCONF_PATH_LEN).
 */
static const char *parse_spawn(const char *s, size_t n, char *dst)
{
	static const char expect[] = "an image path, or a directory ending in "
				     "/, without . or .. components";
	const char *e = parse_path(s, n, dst);
	size_t i;

	if (e)
		return e;
	for (i = 0; i + 1 < n; i++)
		if (s[i] == '/' && s[i + 1] == '.')
			return expect;
	return NULL;
}

/* Checks a device: a path, or a device-tree alias [a-zA-Z0-9_-]+. */
static const char *parse_device(const char *s, size_t n, char *dst)
{
	static const char expect[] = "a path starting with / or an alias of "
				     "letters, digits, _ and -";
	size_t i;
	char ch;

	if (n && s[0] == '/')
		return parse_path(s, n, dst);
	if (n == 0 || n >= BOOTCONF_PATH_LEN)
		return expect;
	for (i = 0; i < n; i++) {
		ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      is_digit(ch) || ch == '_' || ch == '-'))
			return expect;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return NULL;
}

/* Splits the first blank-separated word off (*s, *n) into (w, wn). */
static void next_word(const char **s, size_t *n, const char **w, size_t *wn)
{
	trim(s, n);
	*w = *s;
	*wn = 0;
	while (*wn < *n && !is_space((*w)[*wn]))
		(*wn)++;
	*s += *wn;
	*n -= *wn;
}

/* "NODE [dma] [machine]": the device, then what it is trusted with. */
static const char *parse_device_line(const char *s, size_t n, char *dst,
				     uint8_t *trust)
{
	const char *w, *expect;
	size_t wn;
	uint8_t bit;

	next_word(&s, &n, &w, &wn);
	expect = parse_device(w, wn, dst);
	if (expect)
		return expect;
	*trust = 0;
	for (next_word(&s, &n, &w, &wn); wn; next_word(&s, &n, &w, &wn)) {
		bit = span_is(w, wn, "dma")	  ? BOOTCONF_TRUST_DMA
		      : span_is(w, wn, "machine") ? BOOTCONF_TRUST_MACHINE
						  : 0;
		if (!bit || (*trust & bit))
			return "a device, optionally followed by dma and "
			       "machine, each once";
		*trust |= bit;
	}
	return NULL;
}

/* "NAME N": NAME may hold up to N grants in the current domain's space. */
static const char *parse_accept(struct parser *ps, const char *s, size_t n)
{
	struct bootconf_domain *d = ps->dom;
	const char *w, *num;
	size_t wn, nn;
	unsigned i;

	next_word(&s, &n, &w, &wn);
	next_word(&s, &n, &num, &nn);
	trim(&s, &n);
	if (!valid_name(w, wn) || !nn || n)
		return "a domain name and a number of slots";
	if (span_is(w, wn, d->name))
		return "another domain's name (its own grants need no "
		       "budget)";
	for (i = 0; i < d->naccepts; i++)
		if (span_is(w, wn, d->accept_from[i]))
			return "each domain named once";
	if (parse_uint(num, nn, 1, 65536, "x", &d->accept_n[d->naccepts]))
		return "a domain name and a number of slots from 1 to 65536";
	memcpy(d->accept_from[d->naccepts], w, wn);
	d->accept_from[d->naccepts++][wn] = '\0';
	return NULL;
}

/* "N" or "N-M", bits of 0 .. BOOTCONF_NOTIFY_BITS - 1, into *badge. */
static const char *parse_notify_bits(const char *s, size_t n, uint64_t *badge)
{
	static const char expect[] = "a domain name, optionally followed by "
				     "event bits N or N-M within 0-47";
	const char *dash = memchr(s, '-', n);
	size_t ln = dash ? (size_t)(dash - s) : n;
	uint32_t lo, hi;

	if (parse_uint(s, ln, 0, BOOTCONF_NOTIFY_BITS - 1, "", &lo))
		return expect;
	hi = lo;
	if (dash && parse_uint(dash + 1, n - ln - 1, lo,
			       BOOTCONF_NOTIFY_BITS - 1, "", &hi))
		return expect;
	/* hi < 48: the shift stays inside the word. */
	*badge = ((1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
	return NULL;
}

/* "NAME [BITS]": a notification capability for NAME with badge BITS. */
static const char *parse_notify(struct parser *ps, const char *s, size_t n)
{
	struct bootconf_domain *d = ps->dom;
	uint64_t badge = (1ULL << BOOTCONF_NOTIFY_BITS) - 1;
	const char *w, *bits;
	size_t wn, bn;
	unsigned i;

	next_word(&s, &n, &w, &wn);
	next_word(&s, &n, &bits, &bn);
	trim(&s, &n);
	if (!valid_name(w, wn) || n)
		return "a domain name, optionally followed by event bits N or "
		       "N-M within 0-47";
	for (i = 0; i < d->nnotify; i++)
		if (span_is(w, wn, d->notify_to[i]))
			return "each domain named once";
	if (bn) {
		const char *expect = parse_notify_bits(bits, bn, &badge);

		if (expect)
			return expect;
	}
	memcpy(d->notify_to[d->nnotify], w, wn);
	d->notify_to[d->nnotify][wn] = '\0';
	d->notify_line[d->nnotify] = ps->line;
	d->notify_badge[d->nnotify++] = badge;
	return NULL;
}

/* "yes" or "no" into *out; NULL, else what was expected. */
static const char *parse_yes_no(const char *s, size_t n, bool *out)
{
	if (span_is(s, n, "yes"))
		*out = true;
	else if (span_is(s, n, "no"))
		*out = false;
	else
		return "yes or no";
	return NULL;
}

/* Stores one domain key's value; reports a bad value against the domain. */
static void set_domain_key(struct parser *ps, enum key k, const char *v,
			   size_t n)
{
	struct bootconf_domain *d = ps->dom;
	const char *expect = NULL;

	switch (k) {
	case K_IMAGE:
		expect = parse_path(v, n, d->image);
		break;
	case K_MEMORY:
		expect = parse_size(v, n, &d->memory);
		d->memory_line = ps->line;
		break;
	case K_SLICE:
		expect = parse_time(v, n, &d->slice_us);
		break;
	case K_GRACE:
		expect = parse_time(v, n, &d->grace_us);
		break;
	case K_SLOTS:
		expect =
			parse_uint(v, n, 1, 65536,
				   "a whole number from 1 to 65536", &d->slots);
		break;
	case K_STRIKES:
		expect =
			parse_uint(v, n, 0, 100, "a whole number from 0 to 100",
				   &d->strikes);
		break;
	case K_DEVICE:
		if (d->ndevices == BOOTCONF_MAX_DEVICES) {
			report(ps, E_TOOBIG, ps->line, d,
			       "too many devices in [domain %s]; expected at "
			       "most %u",
			       d->name, BOOTCONF_MAX_DEVICES);
			return;
		}
		expect = parse_device_line(v, n, d->devices[d->ndevices],
					   &d->device_trust[d->ndevices]);
		if (!expect)
			d->device_line[d->ndevices++] = ps->line;
		break;
	case K_OVERCOMMIT:
		if (span_is(v, n, "yes"))
			d->overcommit = true;
		else if (span_is(v, n, "no"))
			d->overcommit = false;
		else
			expect = "yes or no";
		break;
	case K_ACCEPT:
		if (d->naccepts == BOOTCONF_MAX_ACCEPTS) {
			report(ps, E_TOOBIG, ps->line, d,
			       "too many accept lines in [domain %s]; "
			       "expected at most %u",
			       d->name, BOOTCONF_MAX_ACCEPTS);
			return;
		}
		expect = parse_accept(ps, v, n);
		break;
	case K_NOTIFY:
		if (d->nnotify == BOOTCONF_MAX_NOTIFY) {
			report(ps, E_TOOBIG, ps->line, d,
			       "too many notify lines in [domain %s]; "
			       "expected at most %u",
			       d->name, BOOTCONF_MAX_NOTIFY);
			return;
		}
		expect = parse_notify(ps, v, n);
		break;
	case K_ARGS:
		expect = parse_args(v, n, d->args);
		break;
	case K_INITRAMFS:
		expect = parse_yes_no(v, n, &d->initramfs);
		break;
	case K_HART:
		expect = parse_hart(v, n, &d->hart_mask);
		d->hart_pinned = !expect;
		d->hart_line = ps->line;
		break;
	case K_HARTS:
		expect = parse_harts(v, n, &d->hart_mask);
		d->hart_line = ps->line;
		break;
	case K_SPAWN:
		if (d->nspawns == BOOTCONF_MAX_SPAWNS) {
			report(ps, E_TOOBIG, ps->line, d,
			       "too many spawn lines in [domain %s]; expected "
			       "at most %u",
			       d->name, BOOTCONF_MAX_SPAWNS);
			return;
		}
		expect = parse_spawn(v, n, d->spawns[d->nspawns]);
		if (!expect)
			d->nspawns++;
		break;
	case K_PEER:
		if (d->npeers == BOOTCONF_MAX_PEERS) {
			report(ps, E_TOOBIG, ps->line, d,
			       "too many peers in [domain %s]; expected at "
			       "most %u",
			       d->name, BOOTCONF_MAX_PEERS);
			return;
		}
		{
			/* "NAME" or "NAME control". */
			size_t w = 0;
			bool control = false;

			while (w < n && v[w] != ' ' && v[w] != '\t')
				w++;
			if (w < n) {
				const char *rest = v + w;
				size_t rn = n - w;

				trim(&rest, &rn);
				control = span_is(rest, rn, "control");
				if (!control) {
					expect = "a domain name, optionally "
						 "followed by 'control'";
					break;
				}
			}
			if (!valid_name(v, w)) {
				expect = "a domain name ([a-z0-9_-], 1 to 31 "
					 "characters)";
				break;
			}
			memcpy(d->peers[d->npeers], v, w);
			d->peers[d->npeers][w] = '\0';
			d->peer_control[d->npeers++] = control;
		}
		break;
	default:
		break;
	}
	if (expect)
		report(ps, E_RANGE, ps->line, d, "bad %s '%.*s%s'; expected %s",
		       key_names[k], shown(n), v, more(n), expect);
}

/* Sets one key of a [channel]; NULL, or what was expected instead. */
static const char *set_channel_key(struct bootconf_channel *ch, enum key k,
				   const char *v, size_t n)
{
	switch (k) {
	case K_SIZE: {
		const char *expect = parse_size(v, n, &ch->size);

		if (!expect && ch->size > BOOTCONF_CHAN_SIZE_MAX)
			expect = "a size of at most 1M";
		return expect;
	}
	case K_MSG:
		if (parse_uint(v, n, 8, BOOTCONF_CHAN_SIZE_MAX / 2, "",
			       &ch->msg) ||
		    ch->msg % 8)
			return "a multiple of 8 from 8 to 524288";
		return NULL;
	case K_DIRECTION:
		if (span_is(v, n, "both"))
			ch->direction = BOOTCONF_CHAN_BOTH;
		else if (span_is(v, n, "a-to-b"))
			ch->direction = BOOTCONF_CHAN_A_TO_B;
		else if (span_is(v, n, "b-to-a"))
			ch->direction = BOOTCONF_CHAN_B_TO_A;
		else
			return "both, a-to-b or b-to-a";
		return NULL;
	case K_HANDOFF:
		if (span_is(v, n, "yes"))
			ch->handoff = 3;
		else if (span_is(v, n, "no"))
			ch->handoff = 0;
		else if (span_is(v, n, ch->a))
			ch->handoff = 1;
		else if (span_is(v, n, ch->b))
			ch->handoff = 2;
		else
			return "yes, no, or the name of one end";
		return NULL;
	default:
		return "a channel key";
	}
}

/* Parses "key = value" inside the current [domain] or [channel]. */
static void parse_setting(struct parser *ps, const char *s, size_t n)
{
	struct bootconf_domain *d = ps->dom;
	struct bootconf_channel *ch = ps->chan;
	const char *eq = memchr(s, '=', n);
	const char *key, *val, *expect;
	size_t klen, vlen;
	unsigned k, first, last;

	if (!eq) {
		report(ps, E_FORMAT, ps->line, d,
		       "'%.*s%s' is not a setting; expected KEY = VALUE",
		       shown(n), s, more(n));
		return;
	}
	key = s;
	klen = (size_t)(eq - s);
	val = eq + 1;
	vlen = n - klen - 1;
	trim(&key, &klen);
	trim(&val, &vlen);

	first = d ? K_IMAGE : K_SIZE;
	last = d ? K_DOMAIN_END : K_COUNT;
	for (k = first; k < last; k++)
		if (span_is(key, klen, key_names[k]))
			break;
	if (k == last) {
		if (d)
			report(ps, E_FORMAT, ps->line, d,
			       "unknown key '%.*s%s' in [domain %s]; expected "
			       "one of image, memory, slice, slots, strikes, "
			       "grace, overcommit, device, peer, notify, accept, "
			       "spawn, args, initramfs, hart, harts",
			       shown(klen), key, more(klen), d->name);
		else
			report(ps, E_FORMAT, ps->line, NULL,
			       "unknown key '%.*s%s' in [channel %s %s]; "
			       "expected one of size, msg, direction, handoff",
			       shown(klen), key, more(klen), ch->a, ch->b);
		return;
	}
	if (k != K_DEVICE && k != K_PEER && k != K_ACCEPT && k != K_SPAWN &&
	    k != K_NOTIFY && ps->key_line[k]) {
		if (d)
			report(ps, E_EXIST, ps->line, d,
			       "'%s' given twice in [domain %s] (first at line "
			       "%u); expected it once",
			       key_names[k], d->name, ps->key_line[k]);
		else
			report(ps, E_EXIST, ps->line, NULL,
			       "'%s' given twice in [channel %s %s] (first at "
			       "line %u); expected it once",
			       key_names[k], ch->a, ch->b, ps->key_line[k]);
		return;
	}
	if (!ps->key_line[k])
		ps->key_line[k] = ps->line;

	if (d) {
		set_domain_key(ps, (enum key)k, val, vlen);
		return;
	}
	expect = set_channel_key(ch, (enum key)k, val, vlen);
	if (expect)
		report(ps, E_RANGE, ps->line, NULL,
		       "bad %s '%.*s%s' in [channel %s %s]; expected %s",
		       key_names[k], shown(vlen), val, more(vlen), ch->a, ch->b,
		       expect);
}

/* The grants a domain accepts must leave it slots of its own. */
static void check_accept_total(struct parser *ps)
{
	struct bootconf_domain *d = ps->dom;
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < d->naccepts; i++)
		sum += d->accept_n[i];
	if (d->naccepts && sum >= d->slots)
		report(ps, E_RANGE, ps->key_line[K_ACCEPT], d,
		       "[domain %s] accepts %llu grants but has %u slots; "
		       "expected fewer than slots",
		       d->name, (unsigned long long)sum, d->slots);
}

/* A domain is pinned (hart) or given a set (harts), not both. */
static void check_hart_keys(struct parser *ps)
{
	struct bootconf_domain *d = ps->dom;

	if (ps->key_line[K_HART] && ps->key_line[K_HARTS])
		report(ps, E_EXIST,
		       ps->key_line[K_HART] > ps->key_line[K_HARTS]
			       ? ps->key_line[K_HART]
			       : ps->key_line[K_HARTS],
		       d,
		       "[domain %s] has both hart (line %u) and harts (line "
		       "%u); expected one of them",
		       d->name, ps->key_line[K_HART], ps->key_line[K_HARTS]);
}

/* Closes the current section, reporting required keys it left out. */
static void end_section(struct parser *ps)
{
	struct bootconf_domain *d = ps->dom;
	struct bootconf_channel *ch = ps->chan;

	if (ps->sec == SEC_DOMAIN) {
		if (!ps->key_line[K_IMAGE])
			report(ps, E_NOENT, ps->section_line, d,
			       "[domain %s] has no image; expected image = "
			       "/PATH",
			       d->name);
		if (!ps->key_line[K_MEMORY])
			report(ps, E_NOENT, ps->section_line, d,
			       "[domain %s] has no memory; expected memory = "
			       "SIZE",
			       d->name);
		check_accept_total(ps);
		check_hart_keys(ps);
	} else if (ps->sec == SEC_CHANNEL && !ps->key_line[K_SIZE]) {
		report(ps, E_NOENT, ps->section_line, NULL,
		       "[channel %s %s] has no size; expected size = SIZE",
		       ch->a, ch->b);
	} else if (ps->sec == SEC_CHANNEL && ch->size &&
		   ch->msg > ch->size / 2) {
		report(ps, E_RANGE,
		       ps->key_line[K_MSG] ? ps->key_line[K_MSG]
					   : ps->section_line,
		       NULL,
		       "[channel %s %s] has msg = %u but size = %lluK; "
		       "expected msg at most half the size",
		       ch->a, ch->b, ch->msg,
		       (unsigned long long)(ch->size >> 10));
	}
	ps->sec = SEC_NONE;
	ps->dom = NULL;
	ps->chan = NULL;
	memset(ps->key_line, 0, sizeof(ps->key_line));
}

/* Opens [domain NAME]: a new slot with the defaults filled in. */
static void open_domain(struct parser *ps, const char *name, size_t n)
{
	struct bootconf *c = ps->c;
	struct bootconf_domain *d;
	unsigned i;

	if (c->ndomains == BOOTCONF_MAX_DOMAINS) {
		report(ps, E_TOOBIG, ps->line, NULL,
		       "too many domains; expected at most %u",
		       BOOTCONF_MAX_DOMAINS);
		return;
	}
	d = &c->domains[c->ndomains++];
	memcpy(d->name, name, n);
	d->name[n] = '\0';
	d->slice_us = ps->defaults->slice_us;
	d->slots = ps->defaults->slots;
	d->strikes = ps->defaults->strikes;
	d->grace_us = ps->defaults->grace_us;
	d->line = ps->line;
	d->valid = true;
	ps->sec = SEC_DOMAIN;
	ps->dom = d;
	ps->section_line = ps->line;

	for (i = 0; i + 1 < c->ndomains; i++)
		if (strcmp(c->domains[i].name, d->name) == 0) {
			report(ps, E_EXIST, ps->line, d,
			       "domain '%s' is already defined at line %u; "
			       "expected a unique name",
			       d->name, c->domains[i].line);
			break;
		}
}

/* Opens [channel A B]; the names are resolved once the file is read. */
static void open_channel(struct parser *ps, const char *a, size_t na,
			 const char *b, size_t nb)
{
	struct bootconf *c = ps->c;
	struct bootconf_channel *ch;

	if (na == nb && memcmp(a, b, na) == 0) {
		report(ps, E_FORMAT, ps->line, NULL,
		       "channel joins '%.*s' to itself; expected two different "
		       "domains",
		       (int)na, a);
		return;
	}
	if (c->nchannels == BOOTCONF_MAX_CHANNELS) {
		report(ps, E_TOOBIG, ps->line, NULL,
		       "too many channels; expected at most %u",
		       BOOTCONF_MAX_CHANNELS);
		return;
	}
	ch = &c->channels[c->nchannels++];
	memcpy(ch->a, a, na);
	ch->a[na] = '\0';
	memcpy(ch->b, b, nb);
	ch->b[nb] = '\0';
	ch->line = ps->line;
	ch->msg = 64;
	ps->sec = SEC_CHANNEL;
	ps->chan = ch;
	ps->section_line = ps->line;
}

/*
 * Parses a section header line s[0..n), s[0] == '['. A bad header is a
 * file error, and the lines up to the next header are skipped rather than
 * reported one by one.
 */
static void parse_header(struct parser *ps, const char *s, size_t n)
{
	const char *w[3] = { NULL, NULL, NULL };
	size_t wn[3] = { 0, 0, 0 };
	unsigned nw = 0, i;
	size_t pos, start;

	ps->sec = SEC_SKIP;
	if (n < 2 || s[n - 1] != ']') {
		report(ps, E_FORMAT, ps->line, NULL,
		       "section header does not end with ']'; expected "
		       "[domain NAME] or [channel A B]");
		return;
	}
	for (pos = 1; pos < n - 1;) {
		if (is_space(s[pos])) {
			pos++;
			continue;
		}
		start = pos;
		while (pos < n - 1 && !is_space(s[pos]))
			pos++;
		if (nw < 3) {
			w[nw] = s + start;
			wn[nw] = pos - start;
		}
		nw++;
	}

	if (nw && span_is(w[0], wn[0], "domain")) {
		if (nw != 2) {
			report(ps, E_FORMAT, ps->line, NULL,
			       "[domain] takes one name; expected "
			       "[domain NAME]");
			return;
		}
	} else if (nw && span_is(w[0], wn[0], "channel")) {
		if (nw != 3) {
			report(ps, E_FORMAT, ps->line, NULL,
			       "[channel] takes two names; expected "
			       "[channel A B]");
			return;
		}
	} else {
		report(ps, E_FORMAT, ps->line, NULL,
		       "unknown section '%.*s%s'; expected [domain NAME] or "
		       "[channel A B]",
		       shown(wn[0]), nw ? w[0] : "", more(wn[0]));
		return;
	}
	for (i = 1; i < nw; i++)
		if (!valid_name(w[i], wn[i])) {
			report(ps, E_FORMAT, ps->line, NULL,
			       "bad domain name '%.*s%s'; expected 1 to 31 of "
			       "a-z, 0-9, _ and -",
			       shown(wn[i]), w[i], more(wn[i]));
			return;
		}
	if (nw == 2)
		open_domain(ps, w[1], wn[1]);
	else
		open_channel(ps, w[1], wn[1], w[2], wn[2]);
}

/* Parses one line without its line end. */
static void parse_line(struct parser *ps, const char *s, size_t n)
{
	const char *hash;
	size_t i;

	if (memchr(s, '\0', n)) {
		report(ps, E_FORMAT, ps->line, NULL,
		       "NUL byte in the text; expected a text file");
		return;
	}
	if (n > BC_LINE_MAX) {
		for (i = 0; i < n && is_space(s[i]); i++)
			;
		/* An unreadable header leaves the section structure unknown,
		 * so it cannot be pinned on one domain. */
		if (i < n && s[i] == '[') {
			end_section(ps);
			ps->sec = SEC_SKIP;
		}
		report(ps, E_TOOBIG, ps->line, ps->dom,
		       "line is longer than %u characters; expected a shorter "
		       "line",
		       BC_LINE_MAX);
		return;
	}

	hash = memchr(s, '#', n);
	if (hash)
		n = (size_t)(hash - s);
	trim(&s, &n);
	if (n == 0)
		return;

	if (s[0] == '[') {
		end_section(ps);
		parse_header(ps, s, n);
		return;
	}
	switch (ps->sec) {
	case SEC_NONE:
		report(ps, E_FORMAT, ps->line, NULL,
		       "text outside a section; expected [domain NAME] or "
		       "[channel A B] first");
		ps->sec = SEC_SKIP;
		break;
	case SEC_SKIP:
		break;
	default:
		parse_setting(ps, s, n);
		break;
	}
}

/* How many of the first n channels name domain as an end. */
static unsigned channels_of(const struct bootconf *c, const char *name,
			    unsigned n)
{
	unsigned i, count = 0;

	for (i = 0; i < n; i++)
		count += !strcmp(c->channels[i].a, name) ||
			 !strcmp(c->channels[i].b, name);
	return count;
}

/* Reports channels whose ends name no [domain] in the file, and domains
 * at the end of more channels than an info page describes. */
static void check_channels(struct parser *ps)
{
	struct bootconf *c = ps->c;
	const char *end[2];
	unsigned i, j, k;

	for (i = 0; i < c->nchannels; i++) {
		end[0] = c->channels[i].a;
		end[1] = c->channels[i].b;
		for (k = 0; k < 2; k++) {
			for (j = 0; j < c->ndomains; j++)
				if (strcmp(c->domains[j].name, end[k]) == 0)
					break;
			if (j == c->ndomains)
				report(ps, E_NOENT, c->channels[i].line, NULL,
				       "channel names unknown domain '%s'; "
				       "expected a [domain %s] section",
				       end[k], end[k]);
			else if (channels_of(c, end[k], i) ==
				 BOOTCONF_CHAN_PER_DOMAIN)
				report(ps, E_TOOBIG, c->channels[i].line, NULL,
				       "domain '%s' is an end of more than %u "
				       "channels; expected at most %u",
				       end[k], BOOTCONF_CHAN_PER_DOMAIN,
				       BOOTCONF_CHAN_PER_DOMAIN);
		}
	}
}

/* Refuses a domain whose peer names no [domain] in the file. */
static void check_peers(struct parser *ps)
{
	struct bootconf *c = ps->c;
	unsigned i, j, k;

	for (i = 0; i < c->ndomains; i++) {
		struct bootconf_domain *d = &c->domains[i];

		for (k = 0; k < d->npeers; k++) {
			for (j = 0; j < c->ndomains; j++)
				if (strcmp(c->domains[j].name, d->peers[k]) ==
				    0)
					break;
			if (j == c->ndomains)
				report(ps, E_NOENT, d->line, d,
				       "[domain %s] names unknown peer '%s'; "
				       "expected a [domain %s] section",
				       d->name, d->peers[k], d->peers[k]);
		}
	}
}

/* Refuses a domain whose notify target names no [domain] in the file. */
static void check_notify_targets(struct parser *ps)
{
	struct bootconf *c = ps->c;
	unsigned i, j, k;

	for (i = 0; i < c->ndomains; i++) {
		struct bootconf_domain *d = &c->domains[i];

		for (k = 0; k < d->nnotify; k++) {
			for (j = 0; j < c->ndomains; j++)
				if (strcmp(c->domains[j].name,
					   d->notify_to[k]) == 0)
					break;
			if (j == c->ndomains)
				report(ps, E_NOENT, d->notify_line[k], d,
				       "notify in [domain %s] names unknown "
				       "domain '%s'; expected a [domain %s] "
				       "section",
				       d->name, d->notify_to[k],
				       d->notify_to[k]);
		}
	}
}

/* Refuses a domain that accepts grants from no [domain] in the file. */
static void check_accepts(struct parser *ps)
{
	struct bootconf *c = ps->c;
	unsigned i, j, k;

	for (i = 0; i < c->ndomains; i++) {
		struct bootconf_domain *d = &c->domains[i];

		for (k = 0; k < d->naccepts; k++) {
			for (j = 0; j < c->ndomains; j++)
				if (strcmp(c->domains[j].name,
					   d->accept_from[k]) == 0)
					break;
			if (j == c->ndomains)
				report(ps, E_NOENT, d->line, d,
				       "[domain %s] accepts grants from "
				       "unknown domain '%s'; expected a "
				       "[domain %s] section",
				       d->name, d->accept_from[k],
				       d->accept_from[k]);
		}
	}
}

/* Is name in the n names of list (each BOOTCONF_NAME_LEN bytes)? */
static bool listed(const char (*list)[BOOTCONF_NAME_LEN], unsigned n,
		   const char *name)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

bool bootconf_sees(const struct bootconf *c, const char *who, const char *name)
{
	const struct bootconf_domain *d = NULL;
	unsigned i;

	for (i = 0; i < c->ndomains && !d; i++)
		if (c->domains[i].valid && strcmp(c->domains[i].name, who) == 0)
			d = &c->domains[i];
	if (!d || strcmp(who, name) == 0)
		return false;
	if (listed(d->peers, d->npeers, name) ||
	    listed(d->notify_to, d->nnotify, name))
		return true;
	for (i = 0; i < c->nchannels; i++) {
		const struct bootconf_channel *ch = &c->channels[i];

		if ((strcmp(ch->a, who) == 0 && strcmp(ch->b, name) == 0) ||
		    (strcmp(ch->b, who) == 0 && strcmp(ch->a, name) == 0))
			return true;
	}
	return false;
}

int bootconf_parse(struct bootconf *c, const char *file, const char *text,
		   size_t len, const struct bootconf_defaults *defaults)
{
	struct parser ps;
	const char *line, *nl;
	size_t pos = 0, n;

	memset(c, 0, sizeof(*c));
	c->usable = true;
	memset(&ps, 0, sizeof(ps));
	ps.c = c;
	ps.file = file ? file : "(boot configuration)";
	ps.defaults = defaults ? defaults : &fallback_defaults;

	if (len > BOOTCONF_MAX_SIZE) {
		report(&ps, E_TOOBIG, 0, NULL,
		       "file is %zu bytes; expected at most %u", len,
		       (unsigned)BOOTCONF_MAX_SIZE);
		return ps.rc;
	}
	while (pos < len) {
		line = text + pos;
		nl = memchr(line, '\n', len - pos);
		n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl != NULL);
		ps.line++;
		if (n && line[n - 1] == '\r')
			n--;
		parse_line(&ps, line, n);
	}
	end_section(&ps);
	check_channels(&ps);
	check_peers(&ps);
	check_notify_targets(&ps);
	check_accepts(&ps);
	return ps.rc;
}
