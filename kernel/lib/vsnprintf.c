// SPDX-License-Identifier: MIT
/* printf-style formatting; see vsnprintf.h for what is supported. */
#include "kernel/lib/vsnprintf.h"

#include <stdbool.h>
#include <stdint.h>

#include "kernel/lib/string.h"

struct out {
	char *buf;
	size_t size, len;
};

struct spec {
	bool left, zero, plus, space, alt, upper;
	int width, prec; /* prec < 0: none given */
	unsigned base;
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_c(o, c);
}

/* Emits one integer with sign, prefix, precision and width applied. */
static void out_num(struct out *o, uint64_t v, bool neg, const struct spec *s)
{
	const char *digits = s->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, pad;
	const char *prefix = "";

	if (!(v == 0 && s->prec == 0))
		do {
			tmp[n++] = digits[v % s->base];
			v /= s->base;
		} while (v);

	if (neg)
		prefix = "-";
	else if (s->plus)
		prefix = "+";
	else if (s->space)
		prefix = " ";
	if (s->alt && s->base == 16 && n && !(n == 1 && tmp[0] == '0'))
		prefix = s->upper ? "0X" : "0x";
	if (s->alt && s->base == 8 && (n == 0 || tmp[n - 1] != '0'))
		tmp[n++] = '0';

	zeros = s->prec > n ? s->prec - n : 0;
	pad = s->width - n - zeros - (int)strlen(prefix);
	if (s->zero && !s->left && s->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!s->left)
		out_pad(o, ' ', pad);
	for (; *prefix; prefix++)
		out_c(o, *prefix);
	out_pad(o, '0', zeros);
	while (n)
		out_c(o, tmp[--n]);
	if (s->left)
		out_pad(o, ' ', pad);
}

static void out_str(struct out *o, const char *str, const struct spec *s)
{
	size_t n;
	int pad;

	if (!str)
		str = "(null)";
	n = s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str);
	pad = s->width - (int)n;
	if (!s->left)
		out_pad(o, ' ', pad);
	while (n--)
		out_c(o, *str++);
	if (s->left)
		out_pad(o, ' ', pad);
}

static const char *parse_int(const char *p, int *v, va_list *ap)
{
	if (*p == '*') {
		*v = va_arg(*ap, int);
		return p + 1;
	}
	*v = 0;
	while (*p >= '0' && *p <= '9')
		*v = *v * 10 + (*p++ - '0');
	return p;
}

/* Reads the length modifier; returns the size class in bytes (0 = int). */
static const char *parse_length(const char *p, int *size)
{
	*size = 0;
	if (p[0] == 'h' && p[1] == 'h')
		return *size = 1, p + 2;
	if (p[0] == 'h')
		return *size = 2, p + 1;
	if (p[0] == 'l' && p[1] == 'l')
		return *size = 8, p + 2;
	if (p[0] == 'l' || p[0] == 'z' || p[0] == 't' || p[0] == 'j')
		return *size = 8, p + 1;
	return p;
}

static uint64_t arg_unsigned(va_list *ap, int size)
{
	switch (size) {
	case 1:
		return (unsigned char)va_arg(*ap, unsigned);
	case 2:
		return (unsigned short)va_arg(*ap, unsigned);
	case 8:
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, unsigned);
	}
}

static int64_t arg_signed(va_list *ap, int size)
{
	switch (size) {
	case 1:
		return (signed char)va_arg(*ap, int);
	case 2:
		return (short)va_arg(*ap, int);
	case 8:
		return va_arg(*ap, long long);
	default:
		return va_arg(*ap, int);
	}
}

/* Parses flags, width and precision of one conversion into s. */
static const char *parse_spec(const char *p, struct spec *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->prec = -1;
	for (;; p++) {
		if (*p == '-')
			s->left = true;
		else if (*p == '0')
			s->zero = true;
		else if (*p == '+')
			s->plus = true;
		else if (*p == ' ')
			s->space = true;
		else if (*p == '#')
			s->alt = true;
		else
			break;
	}
	p = parse_int(p, &s->width, ap);
	if (s->width < 0) {
		s->left = true;
		s->width = -s->width;
	}
	if (*p == '.') {
		p = parse_int(p + 1, &s->prec, ap);
		if (s->prec < 0)
			s->prec = -1;
	}
	return p;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	struct spec s;
	const char *p, *start;
	va_list ap;
	int len;

	va_copy(ap, ap_in);
	for (p = fmt; *p; p++) {
		if (*p != '%') {
			out_c(&o, *p);
			continue;
		}
		start = p++;
		p = parse_spec(p, &s, &ap);
		p = parse_length(p, &len);
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, len);
			s.base = 10;
			out_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0,
				&s);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			s.base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
			s.upper = *p == 'X';
			s.plus = s.space = false;
			out_num(&o, arg_unsigned(&ap, len), false, &s);
			break;
		case 'p': {
			/* Width pads around "0x" and the digits as one unit. */
			struct spec ps = { .base = 16, .prec = 16 };
			int pad = s.width - 18;

			if (!s.left)
				out_pad(&o, ' ', pad);
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (uintptr_t)va_arg(ap, void *), false, &ps);
			if (s.left)
				out_pad(&o, ' ', pad);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!s.left)
				out_pad(&o, ' ', s.width - 1);
			out_c(&o, c);
			if (s.left)
				out_pad(&o, ' ', s.width - 1);
			break;
		}
		case 's':
			out_str(&o, va_arg(ap, const char *), &s);
			break;
		case '%':
			out_c(&o, '%');
			break;
		default:
			/* Unknown or truncated: copy it through, so it shows. */
			for (; start <= p && *start; start++)
				out_c(&o, *start);
			if (!*p)
				p--;
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
