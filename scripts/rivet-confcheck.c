// SPDX-License-Identifier: MIT
/*
 * rivet-confcheck — checks boot configurations at build time, with the
 * kernel's own parser (kernel/boot/bootconf.c), so a mistake is reported as
 * FILE:LINE before the initramfs is packed instead of at boot under QEMU.
 *
 *   rivet-confcheck [--apps "A B ..."] [--images DIR] [--slots N] FILE...
 *
 * --apps    the libOS apps the build makes (LIBOS_APPS): every image must
 *           be /libos/NAME.elf for one of them, the only images the
 *           initramfs carries.
 * --images  where the built NAME.elf files are: each domain's memory
 *           quota must hold at least its image's segments, its stack,
 *           its capability slots and the two kernel-shared pages. Page
 *           tables come on top, so a quota this check accepts can still
 *           be refused at boot; one it refuses never boots.
 * --slots   the capability-slot default (CONFIG_CAP_SLOTS_DEFAULT), for
 *           domains without a slots key; 1024 if not given.
 *
 * Every problem is one line on stderr, "FILE:LINE: what; expected what".
 * Exit status: 0 all files good, 1 a problem found, 2 usage or I/O error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/abi.h>

#include "kernel/boot/bootconf.h"
#include "kernel/cap/cap.h"
#include "kernel/boot/elf.h"
#include "kernel/cap/frame_cap.h"

#define PAGE	     4096ULL
#define SHARED_PAGES 2 /* the info page and the upcall area */

static const char *apps = ""; /* --apps: space-separated names */
static const char *images;    /* --images: directory, or NULL */
static uint32_t slots_default = 1024;
static struct bootconf conf; /* large: keep it off the stack */
static struct elf_image elf_img;

/* Reads a whole file into a malloc'd buffer; NULL (errno set) on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *bigger = realloc(buf, cap ? cap * 2 : 65536);

			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/*
 * The line of the first "KEY =" setting in the section that starts at
 * line first; the section's line if there is none. The parser keeps only
 * the header's line, and a message is more useful at the key's own.
 */
static unsigned key_line(const char *text, size_t len, unsigned first,
			 const char *key)
{
	size_t pos = 0, klen = strlen(key);
	unsigned line = 1;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, i = 0;

		pos += n + (nl != NULL);
		if (line > first) {
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i < n && s[i] == '[')
				break; /* the next section */
			if (n - i > klen && !memcmp(s + i, key, klen)) {
				i += klen;
				while (i < n && (s[i] == ' ' || s[i] == '\t'))
					i++;
				if (i < n && s[i] == '=')
					return line;
			}
		}
		line++;
	}
	return first;
}

/* True if word (n bytes) is one of the space-separated names in list. */
static bool in_list(const char *list, const char *word, size_t n)
{
	const char *p = list;

	while (*p) {
		size_t w;

		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if (w == n && w && !memcmp(p, word, n))
			return true;
		p += w;
	}
	return false;
}

/*
 * The app NAME of an image path /libos/NAME.elf, as (pointer, length);
 * length 0 if the path has another shape.
 */
static size_t app_name(const char *image, const char **name)
{
	static const char prefix[] = "/libos/", suffix[] = ".elf";
	size_t n = strlen(image), p = sizeof(prefix) - 1,
	       s = sizeof(suffix) - 1;

	if (n <= p + s || strncmp(image, prefix, p) ||
	    strcmp(image + n - s, suffix) || memchr(image + p, '/', n - p - s))
		return 0;
	*name = image + p;
	return n - p - s;
}

/* Checks that d's quota holds its image; false after reporting if not. */
static bool check_quota(const char *file, const char *text, size_t len,
			const struct bootconf_domain *d, const char *name,
			size_t nlen)
{
	struct elf_error err = { 0 };
	char path[4096];
	uint64_t slot_bytes, need, seg, stack, slots;
	size_t elf_len;
	char *elf;
	int rc;

	snprintf(path, sizeof(path), "%s/%.*s.elf", images, (int)nlen, name);
	elf = read_file(path, &elf_len);
	if (!elf) {
		fprintf(stderr,
			"%s:%u: [domain %s] image %s: cannot read %s: "
			"%s; expected the built app\n",
			file, key_line(text, len, d->line, "image"), d->name,
			d->image, path, strerror(errno));
		return false;
	}
	rc = elf_parse((const uint8_t *)elf, elf_len, RIVET_MAP_TOP, UINT64_MAX,
		       &elf_img, &err);
	free(elf);
	if (rc) {
		fprintf(stderr,
			"%s:%u: [domain %s] image %s is not a valid libOS "
			"ELF: %s\n",
			file, key_line(text, len, d->line, "image"), d->name,
			d->image, err.what ? err.what : "?");
		return false;
	}
	/* What domain_create() charges before the first page table. */
	slot_bytes = (uint64_t)d->slots *
		     (sizeof(struct cap) + sizeof(struct frame_mapping));
	seg = elf_img.pages * PAGE;
	stack = RIVET_STACK_PAGES * PAGE;
	slots = (slot_bytes + PAGE - 1) / PAGE * PAGE;
	need = seg + stack + slots + SHARED_PAGES * PAGE;
	if (need <= d->memory)
		return true;
	fprintf(stderr,
		"%s:%u: [domain %s] memory %" PRIu64 "K is too small for %s: "
		"it needs at least %" PRIu64 "K (segments %" PRIu64
		"K, stack %" PRIu64 "K, %" PRIu32 " capability slots %" PRIu64
		"K, info and upcall pages %lluK) plus page tables; expected "
		"a larger memory quota\n",
		file, key_line(text, len, d->line, "memory"), d->name,
		d->memory >> 10, d->image, need >> 10, seg >> 10, stack >> 10,
		d->slots, slots >> 10, SHARED_PAGES * PAGE >> 10);
	return false;
}

/* Checks one file; returns the number of problems reported. */
static int check_file(const char *file)
{
	const struct bootconf_defaults defaults = {
		.slice_us = 2000,
		.slots = slots_default,
		.strikes = 3,
		.grace_us = 1000,
	};
	unsigned i, problems = 0;
	size_t len;
	char *text = read_file(file, &len);

	if (!text) {
		fprintf(stderr, "rivet-confcheck: %s: %s\n", file,
			strerror(errno));
		exit(2);
	}
	/* The parser's messages have room for a short name such as the
	 * kernel's /etc/rivet.conf; a build path could cut them, so they are
	 * made with an empty name, ":LINE: ...", and the path put before. */
	bootconf_parse(&conf, "", text, len, &defaults);
	for (i = 0; i < conf.nerrors; i++)
		fprintf(stderr, "%s%s\n", file, conf.errors[i].msg);
	if (conf.nerrors_all > conf.nerrors)
		fprintf(stderr, "%s: ... and %u more errors\n", file,
			conf.nerrors_all - conf.nerrors);
	problems += conf.nerrors_all;

	for (i = 0; i < conf.ndomains; i++) {
		const struct bootconf_domain *d = &conf.domains[i];
		const char *name = NULL;
		size_t nlen;

		if (!d->valid)
			continue; /* its first error is already reported */
		nlen = app_name(d->image, &name);
		if (!nlen || !in_list(apps, name, nlen)) {
			fprintf(stderr,
				"%s:%u: [domain %s] image %s is not an app "
				"the build makes; expected /libos/NAME.elf for "
				"NAME one of: %s (LIBOS_APPS in "
				"libos/libos.mk; docs/libos.md says how to add "
				"one)\n",
				file, key_line(text, len, d->line, "image"),
				d->name, d->image, apps[0] ? apps : "(none)");
			problems++;
			continue;
		}
		if (images && !check_quota(file, text, len, d, name, nlen))
			problems++;
	}
	free(text);
	return (int)problems;
}

static void usage(void)
{
	fprintf(stderr, "usage: rivet-confcheck [--apps \"A B ...\"] "
			"[--images DIR] [--slots N] FILE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int i, problems = 0, files = 0;

	/* Options first, wherever they are, so every file sees them. */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			continue;
		if (i + 1 == argc)
			usage();
		if (!strcmp(argv[i], "--apps")) {
			apps = argv[i + 1];
		} else if (!strcmp(argv[i], "--images")) {
			images = argv[i + 1];
		} else if (!strcmp(argv[i], "--slots")) {
			char *end;
			unsigned long v = strtoul(argv[i + 1], &end, 10);

			if (*end || v == 0 || v > 65536)
				usage();
			slots_default = (uint32_t)v;
		} else {
			usage();
		}
		argv[i] = argv[i + 1] = NULL;
		i++;
	}
	for (i = 1; i < argc; i++)
		if (argv[i]) {
			problems += check_file(argv[i]);
			files++;
		}
	if (!files)
		usage();
	return problems ? 1 : 0;
}
