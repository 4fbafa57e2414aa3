// SPDX-License-Identifier: MIT
/*
 * /etc/rivet.conf parser: a good file with defaults, then each error path
 * and the policy that decides between refusing one domain and refusing
 * the whole file. Every error message must start with "FILE:LINE: ".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "kernel/boot/bootconf.h"

#define FILE_NAME "/etc/rivet.conf"

static const struct bootconf_defaults defaults = {
	.slice_us = 2000,
	.slots = 256,
	.strikes = 3,
	.grace_us = 100,
};

static struct bootconf conf; /* too big for a test's stack frame */

/* Fails unless every kept message starts with the file and its line. */
static void check_prefixes(const struct bootconf *c, const char *file)
{
	char want[256];

	assert_true(c->nerrors <= BOOTCONF_MAX_ERRORS);
	assert_true(c->nerrors <= c->nerrors_all);
	for (unsigned i = 0; i < c->nerrors; i++) {
		const struct bootconf_error *e = &c->errors[i];

		if (e->line)
			snprintf(want, sizeof(want), "%s:%u: ", file, e->line);
		else
			snprintf(want, sizeof(want), "%s: ", file);
		if (strncmp(e->msg, want, strlen(want)) != 0)
			fail_msg("error %u: '%s' does not start with '%s'", i,
				 e->msg, want);
		assert_non_null(strstr(e->msg, "; expected "));
	}
	for (unsigned i = 0; i < c->ndomains; i++) {
		const struct bootconf_domain *d = &c->domains[i];

		assert_int_equal(d->valid, d->error.msg[0] == '\0');
	}
}

static int parse_len(const char *text, size_t len)
{
	int rc = bootconf_parse(&conf, FILE_NAME, text, len, &defaults);

	check_prefixes(&conf, FILE_NAME);
	return rc;
}

static int parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static const struct bootconf_domain *domain(const char *name)
{
	for (unsigned i = 0; i < conf.ndomains; i++)
		if (strcmp(conf.domains[i].name, name) == 0)
			return &conf.domains[i];
	fail_msg("no domain '%s'", name);
	return NULL;
}

/* A file with one refused domain: only that domain, only one error. */
static void expect_domain_refused(const char *text, const char *name,
				  unsigned line, const char *msg)
{
	char want[256];
	int rc = parse(text);

	assert_int_not_equal(rc, 0);
	assert_true(conf.usable);
	assert_int_equal(conf.nerrors_all, 1);
	const struct bootconf_domain *d = domain(name);
	assert_false(d->valid);
	assert_int_equal(d->error.line, line);
	assert_int_equal(conf.errors[0].line, line);
	assert_string_equal(conf.errors[0].msg, d->error.msg);
	if (msg) {
		snprintf(want, sizeof(want), "%s:%u: %s", FILE_NAME, line, msg);
		assert_string_equal(d->error.msg, want);
	}
	for (unsigned i = 0; i < conf.ndomains; i++)
		if (&conf.domains[i] != d)
			assert_true(conf.domains[i].valid);
}

/* A file that is unusable because of one error at line. */
static void expect_file_refused(const char *text, int rc, unsigned line,
				const char *msg)
{
	char want[256];

	assert_int_equal(parse(text), rc);
	assert_false(conf.usable);
	assert_int_equal(conf.nerrors_all, 1);
	assert_int_equal(conf.errors[0].line, line);
	if (msg) {
		snprintf(want, sizeof(want), "%s:%u: %s", FILE_NAME, line, msg);
		assert_string_equal(conf.errors[0].msg, want);
	}
}

static void bootconf_good_file_fills_domains_with_defaults(void **state)
{
	static const char text[] = "# Rivet boot configuration\n"
				   "\n"
				   "[domain console]\n"
				   "image   = /libos/console.elf\n"
				   "memory  = 4M            # frame quota\n"
				   "device  = serial0       # alias\n"
				   "device  = /soc/serial@10000000\n"
				   "slice   = 2ms\n"
				   "\n"
				   "[domain hello]\r\n"
				   "\timage=/libos/hello.elf\t\r\n"
				   "  memory =16384K\r\n"
				   "slots = 1024\n"
				   "strikes = 0\n"
				   "grace = 1s\n"
				   "[ domain  net_0-a ]\n"
				   "memory = 1G\n"
				   "image = /n\n"
				   "\n"
				   "[channel hello console]\n"
				   "size    = 4K\n"
				   "[channel net_0-a hello]\n"
				   "size = 8192"; /* no final newline */

	assert_int_equal(parse(text), 0);
	assert_true(conf.usable);
	assert_int_equal(conf.nerrors, 0);
	assert_int_equal(conf.nerrors_all, 0);
	assert_int_equal(conf.ndomains, 3);
	assert_int_equal(conf.nchannels, 2);

	const struct bootconf_domain *c = &conf.domains[0];
	assert_string_equal(c->name, "console");
	assert_true(c->valid);
	assert_int_equal(c->line, 3);
	assert_string_equal(c->image, "/libos/console.elf");
	assert_int_equal(c->memory, 4 << 20);
	assert_int_equal(c->ndevices, 2);
	assert_string_equal(c->devices[0], "serial0");
	assert_string_equal(c->devices[1], "/soc/serial@10000000");
	assert_int_equal(c->slice_us, 2000);
	assert_int_equal(c->slots, 256);
	assert_int_equal(c->strikes, 3);
	assert_int_equal(c->grace_us, 100);

	const struct bootconf_domain *h = &conf.domains[1];
	assert_string_equal(h->name, "hello");
	assert_int_equal(h->line, 10);
	assert_string_equal(h->image, "/libos/hello.elf");
	assert_int_equal(h->memory, 16 << 20);
	assert_int_equal(h->ndevices, 0);
	assert_int_equal(h->slice_us, 2000);
	assert_int_equal(h->slots, 1024);
	assert_int_equal(h->strikes, 0);
	assert_int_equal(h->grace_us, 1000000);

	const struct bootconf_domain *n = &conf.domains[2];
	assert_string_equal(n->name, "net_0-a");
	assert_int_equal(n->memory, 1ULL << 30);
	assert_string_equal(n->image, "/n");

	assert_string_equal(conf.channels[0].a, "hello");
	assert_string_equal(conf.channels[0].b, "console");
	assert_int_equal(conf.channels[0].size, 4096);
	assert_int_equal(conf.channels[0].line, 20);
	assert_string_equal(conf.channels[1].a, "net_0-a");
	assert_int_equal(conf.channels[1].size, 8192);
}

static void bootconf_empty_file_is_usable_with_no_domains(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_true(conf.usable);
	assert_int_equal(conf.ndomains, 0);
	assert_int_equal(parse("# only a comment\n\n   \t\n"), 0);
	assert_true(conf.usable);
}

static void bootconf_null_defaults_use_documented_values(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n";

	assert_int_equal(
		bootconf_parse(&conf, FILE_NAME, text, strlen(text), NULL), 0);
	assert_int_equal(conf.domains[0].slice_us, 2000);
	assert_int_equal(conf.domains[0].slots, 256);
	assert_int_equal(conf.domains[0].strikes, 3);
	assert_int_equal(conf.domains[0].grace_us, 100);
}

static void bootconf_unknown_key_refuses_domain(void **state)
{
	expect_domain_refused(
		"[domain ok]\nimage=/a\nmemory=4K\n"
		"[domain hello]\n"
		"image = /libos/hello.elf\n"
		"\n"
		"memroy = 16M\n"
		"memory = 16M\n"
		"[domain ok2]\nimage=/a\nmemory=4K\n",
		"hello", 7,
		"unknown key 'memroy' in [domain hello]; expected "
		"one of image, memory, slice, slots, strikes, "
		"grace, overcommit, device, peer, notify, accept, "
		"spawn, args, initramfs, hart, harts");
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\nx=1\n"),
			 E_FORMAT);
}

static void bootconf_peer_names_are_kept_in_order(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "peer = b\npeer=c\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[domain c]\nimage=/c\nmemory=4K\n";

	assert_int_equal(parse(text), 0);
	assert_int_equal(conf.domains[0].npeers, 2);
	assert_string_equal(conf.domains[0].peers[0], "b");
	assert_string_equal(conf.domains[0].peers[1], "c");
	assert_true(conf.domains[0].valid);
}

static void bootconf_peer_control_is_recorded(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "peer = b control\npeer = b\n"
				   "[domain b]\nimage=/b\nmemory=4K\n";

	assert_int_equal(parse(text), 0);
	assert_int_equal(conf.domains[0].npeers, 2);
	assert_string_equal(conf.domains[0].peers[0], "b");
	assert_true(conf.domains[0].peer_control[0]);
	assert_false(conf.domains[0].peer_control[1]);
}

static void bootconf_peer_with_unknown_word_refuses_domain(void **state)
{
	expect_domain_refused("[domain b]\nimage=/a\nmemory=4K\n"
			      "[domain a]\nimage=/a\nmemory=4K\npeer=b boss\n",
			      "a", 7,
			      "bad peer 'b boss'; expected a domain name, "
			      "optionally followed by 'control'");
}

static void bootconf_unknown_peer_refuses_domain(void **state)
{
	expect_domain_refused("[domain ok]\nimage=/a\nmemory=4K\n"
			      "[domain a]\nimage=/a\nmemory=4K\npeer=ghost\n",
			      "a", 4,
			      "[domain a] names unknown peer 'ghost'; expected "
			      "a [domain ghost] section");
}

static void bootconf_bad_peer_name_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\npeer=B!\n", "a",
			      4,
			      "bad peer 'B!'; expected a domain name "
			      "([a-z0-9_-], 1 to 31 characters)");
}

static void bootconf_notify_targets_and_badges_are_kept(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "notify = b\nnotify = c 5\nnotify=a 8-11\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[domain c]\nimage=/c\nmemory=4K\n";
	const struct bootconf_domain *a;

	assert_int_equal(parse(text), 0);
	a = domain("a");
	assert_int_equal(a->nnotify, 3);
	assert_string_equal(a->notify_to[0], "b");
	assert_true(a->notify_badge[0] == 0xffffffffffffULL); /* 0-47 */
	assert_string_equal(a->notify_to[1], "c");
	assert_true(a->notify_badge[1] == 1ULL << 5);
	assert_string_equal(a->notify_to[2], "a");
	assert_true(a->notify_badge[2] == 0xf00ULL);
	assert_int_equal(a->notify_line[1], 5);
}

static void bootconf_notify_bit_47_is_the_last_allowed(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "notify = a 40-47\n"),
			 0);
	assert_true(conf.domains[0].notify_badge[0] == 0xffULL << 40);
}

static void bootconf_notify_channel_bit_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a 48\n",
			      "a", 4,
			      "bad notify 'a 48'; expected a domain name, "
			      "optionally followed by event bits N or N-M "
			      "within 0-47");
}

static void bootconf_notify_kernel_bits_refuse_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a 0-63\n",
			      "a", 4, NULL);
}

static void bootconf_notify_reversed_range_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a 9-3\n",
			      "a", 4, NULL);
}

static void bootconf_notify_bad_bits_refuse_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a 1-\n",
			      "a", 4, NULL);
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a x\n",
			      "a", 4, NULL);
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a 1 2\n",
			      "a", 4, NULL);
}

static void bootconf_notify_bad_name_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = A!\n",
			      "a", 4,
			      "bad notify 'A!'; expected a domain name, "
			      "optionally followed by event bits N or N-M "
			      "within 0-47");
}

static void bootconf_notify_same_target_twice_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = a 1\nnotify = a 2\n",
			      "a", 5,
			      "bad notify 'a 2'; expected each domain named "
			      "once");
}

static void bootconf_notify_unknown_domain_refuses_domain(void **state)
{
	expect_domain_refused("[domain ok]\nimage=/a\nmemory=4K\n"
			      "[domain a]\nimage=/a\nmemory=4K\n"
			      "notify = ghost\n",
			      "a", 7,
			      "notify in [domain a] names unknown domain "
			      "'ghost'; expected a [domain ghost] section");
}

static void bootconf_too_many_notify_lines_refuse_domain(void **state)
{
	char text[512];
	int n = snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n");
	int i;

	for (i = 0; i <= BOOTCONF_MAX_NOTIFY; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "notify=a%d\n", i);
	assert_int_equal(parse(text), E_TOOBIG);
	assert_false(conf.domains[0].valid);
	assert_non_null(strstr(conf.domains[0].error.msg,
			       "too many notify lines in [domain a]"));
}

/* What SYS_domain_lookup answers for (kernel/boot/domain_view.c): the
 * domains a section names, either end of its channels; nothing else. */
static void bootconf_sees_peers_notify_targets_and_channel_ends(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "peer = b\nnotify = c\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[domain c]\nimage=/c\nmemory=4K\n"
				   "[domain d]\nimage=/d\nmemory=4K\n"
				   "[domain e]\nimage=/e\nmemory=4K\n"
				   "[channel d a]\nsize = 4K\n";

	assert_int_equal(parse(text), 0);
	assert_true(bootconf_sees(&conf, "a", "b"));  /* peer */
	assert_true(bootconf_sees(&conf, "a", "c"));  /* notify */
	assert_true(bootconf_sees(&conf, "a", "d"));  /* channel, as B */
	assert_true(bootconf_sees(&conf, "d", "a"));  /* channel, as A */
	assert_false(bootconf_sees(&conf, "a", "e")); /* named nowhere */
	/* Naming is one way: b and c name nobody. */
	assert_false(bootconf_sees(&conf, "b", "a"));
	assert_false(bootconf_sees(&conf, "c", "a"));
	assert_false(bootconf_sees(&conf, "a", "a")); /* the caller decides */
	assert_false(bootconf_sees(&conf, "ghost", "a"));
	assert_false(bootconf_sees(&conf, "a", "ghost"));
}

static void bootconf_refused_domain_sees_nothing(void **state)
{
	assert_int_not_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
				   "peer = b\nbogus = 1\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"),
			     0);
	assert_false(bootconf_sees(&conf, "a", "b"));
}

static void bootconf_spawn_paths_are_kept_in_order(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "spawn = /libos/\nspawn=/bin/x.elf\n";

	assert_int_equal(parse(text), 0);
	assert_int_equal(conf.domains[0].nspawns, 2);
	assert_string_equal(conf.domains[0].spawns[0], "/libos/");
	assert_string_equal(conf.domains[0].spawns[1], "/bin/x.elf");
	assert_true(conf.domains[0].valid);
}

static void bootconf_args_are_kept(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "args = seed=42,calls=100000\n";

	assert_int_equal(parse(text), 0);
	assert_string_equal(conf.domains[0].args, "seed=42,calls=100000");
}

static void bootconf_overlong_args_refuse_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "args = 0123456789012345678901234567890123456789"
			      "012345678901234567890123\n",
			      "a", 4, NULL);
}

static void bootconf_relative_spawn_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "spawn = libos/\n",
			      "a", 4,
			      "bad spawn 'libos/'; expected a path starting "
			      "with /");
}

static void bootconf_spawn_with_dot_dot_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "spawn = /libos/../etc/\n",
			      "a", 4,
			      "bad spawn '/libos/../etc/'; expected an image "
			      "path, or a directory ending in /, without . or "
			      ".. components");
}

static void bootconf_too_many_spawns_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "spawn=/a\nspawn=/b\nspawn=/c\nspawn=/d\n"
			      "spawn=/e\n",
			      "a", 8,
			      "too many spawn lines in [domain a]; expected at "
			      "most 4");
}

static void bootconf_too_many_peers_refuses_domain(void **state)
{
	char text[512];
	int n = snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n");
	int i;

	for (i = 0; i <= BOOTCONF_MAX_PEERS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "peer=a\n");
	assert_int_equal(parse(text), E_TOOBIG);
	assert_false(conf.domains[0].valid);
}

static void bootconf_line_without_equals_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nimage /b\n",
			      "a", 4,
			      "'image /b' is not a setting; expected KEY = "
			      "VALUE");
}

static void bootconf_missing_keys_are_reported_at_section_header(void **state)
{
	char want[256];

	assert_int_equal(parse("[domain ok]\nimage=/a\nmemory=4K\n"
			       "\n"
			       "[domain hello]\n"
			       "slice = 2ms\n"
			       "\n"),
			 E_NOENT);
	assert_true(conf.usable);
	assert_int_equal(conf.nerrors_all, 2);
	assert_true(domain("ok")->valid);
	assert_false(domain("hello")->valid);
	snprintf(want, sizeof(want),
		 "%s:5: [domain hello] has no image; expected image = /PATH",
		 FILE_NAME);
	assert_string_equal(conf.errors[0].msg, want);
	assert_string_equal(domain("hello")->error.msg, want);
	snprintf(want, sizeof(want),
		 "%s:5: [domain hello] has no memory; expected memory = SIZE",
		 FILE_NAME);
	assert_string_equal(conf.errors[1].msg, want);

	expect_domain_refused("[domain a]\nmemory=4K\n", "a", 1, NULL);
	expect_domain_refused("[domain a]\nimage=/x\n", "a", 1, NULL);
}

static void bootconf_bad_sizes_refuse_domain(void **state)
{
	static const char *const bad[] = {
		"0",
		"0K",
		"4X",
		"4KB",
		"5000",
		"4097",
		"6K",
		"",
		"-4K",
		"+4K",
		"4 K",
		"0x1000",
		"K",
		"18446744073709551616",
		"18014398509481984K",
		"17179869184G",
		"99999999999999999999999999G",
	};
	char text[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory = %s\n", bad[i]);
		expect_domain_refused(text, "a", 3, NULL);
		assert_non_null(strstr(conf.errors[0].msg, "bad memory '"));
	}
	expect_domain_refused("[domain a]\nimage=/a\nmemory = 5000\n", "a", 3,
			      "bad memory '5000'; expected a multiple of 4K");
	/* (2^54 + 4) KiB would wrap to 4096 bytes. */
	expect_domain_refused("[domain a]\nimage=/a\nmemory = "
			      "18014398509481988K\n",
			      "a", 3,
			      "bad memory '18014398509481988K'; expected a "
			      "size that fits in 64 bits");
	expect_domain_refused("[domain a]\nimage=/a\nmemory = 0\n", "a", 3,
			      "bad memory '0'; expected a size above 0");
	expect_domain_refused("[domain a]\nimage=/a\nmemory = 4X\n", "a", 3,
			      "bad memory '4X'; expected a number with an "
			      "optional K, M or G suffix");
}

static void bootconf_good_sizes_are_in_bytes(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "4096", 4096 },
		{ "4K", 4096 },
		{ "4k", 4096 },
		{ "0004K", 4096 },
		{ "1M", 1 << 20 },
		{ "3G", 3ULL << 30 },
		{ "16383G", 16383ULL << 30 },
		{ "18446744073709547520", 18446744073709547520ULL },
	};
	char text[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory = %s\n", good[i].text);
		assert_int_equal(parse(text), 0);
		assert_int_equal(conf.domains[0].memory, good[i].bytes);
	}
}

static void bootconf_bad_times_refuse_domain(void **state)
{
	static const char *const bad[] = {
		"2",
		"0ms",
		"0us",
		"2ns",
		"2 ms",
		"2mss",
		"ms",
		"2.5ms",
		"4295s",
		"4294968ms",
		"4294967296us",
		"-1ms",
		"2MS",
		"99999999999999999999999s",
	};
	char text[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n%s = %s\n",
			 i % 2 ? "slice" : "grace", bad[i]);
		expect_domain_refused(text, "a", 4, NULL);
	}
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nslice = 2\n",
			      "a", 4,
			      "bad slice '2'; expected a time with a us, ms "
			      "or s suffix");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\ngrace=4295s\n",
			      "a", 4,
			      "bad grace '4295s'; expected a time of at most "
			      "4294967295us");
}

static void bootconf_good_times_are_in_microseconds(void **state)
{
	static const struct {
		const char *text;
		uint32_t us;
	} good[] = {
		{ "1us", 1 },
		{ "250us", 250 },
		{ "2ms", 2000 },
		{ "1s", 1000000 },
		{ "4294s", 4294000000u },
		{ "4294967ms", 4294967000u },
		{ "4294967295us", 4294967295u },
	};
	char text[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\nslice=%s\n"
			 "grace=%s\n",
			 good[i].text, good[i].text);
		assert_int_equal(parse(text), 0);
		assert_int_equal(conf.domains[0].slice_us, good[i].us);
		assert_int_equal(conf.domains[0].grace_us, good[i].us);
	}
}

static void bootconf_slots_and_strikes_are_range_checked(void **state)
{
	static const char *const bad[] = {
		"slots = 0",
		"slots = 65537",
		"slots = -1",
		"slots = 1.5",
		"slots = 4K",
		"slots =",
		"slots = 99999999999999999999999",
		"strikes = 101",
		"strikes = -1",
		"strikes = x",
		"strikes = 3 4",
	};
	char text[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n%s\n", bad[i]);
		expect_domain_refused(text, "a", 4, NULL);
	}
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nslots=0\n", "a",
			      4,
			      "bad slots '0'; expected a whole number from 1 "
			      "to 65536");

	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\nslots=1\n"
			       "strikes=100\n"),
			 0);
	assert_int_equal(conf.domains[0].slots, 1);
	assert_int_equal(conf.domains[0].strikes, 100);
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\nslots=65536\n"
			       "strikes=0\n"),
			 0);
	assert_int_equal(conf.domains[0].slots, 65536);
	assert_int_equal(conf.domains[0].strikes, 0);
}

static void bootconf_image_must_be_a_short_absolute_path(void **state)
{
	char text[400], path[200];

	expect_domain_refused("[domain a]\nimage = libos/a.elf\nmemory=4K\n",
			      "a", 2,
			      "bad image 'libos/a.elf'; expected a path "
			      "starting with /");
	expect_domain_refused("[domain a]\nimage = /a b\nmemory=4K\n", "a", 2,
			      NULL);
	expect_domain_refused("[domain a]\nimage =\nmemory=4K\n", "a", 2, NULL);

	path[0] = '/';
	memset(path + 1, 'p', BOOTCONF_PATH_LEN - 1);
	path[BOOTCONF_PATH_LEN] = '\0'; /* 96 characters: one too many */
	snprintf(text, sizeof(text), "[domain a]\nimage = %s\nmemory=4K\n",
		 path);
	expect_domain_refused(text, "a", 2, NULL);
	assert_non_null(strstr(conf.errors[0].msg, "...'; expected a path of "
						   "at most 95 characters"));

	path[BOOTCONF_PATH_LEN - 1] = '\0'; /* 95: fits */
	snprintf(text, sizeof(text), "[domain a]\nimage = %s\nmemory=4K\n",
		 path);
	assert_int_equal(parse(text), 0);
	assert_string_equal(conf.domains[0].image, path);
}

static void bootconf_devices_repeat_up_to_the_limit(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "device = serial0\ndevice = /soc/uart@1\n"
			       "device = gpio-A_1\ndevice = d\n"),
			 0);
	assert_int_equal(conf.domains[0].ndevices, BOOTCONF_MAX_DEVICES);
	assert_string_equal(conf.domains[0].devices[2], "gpio-A_1");

	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "device = a\ndevice = b\ndevice = c\n"
			      "device = d\ndevice = e\n",
			      "a", 8,
			      "too many devices in [domain a]; expected at "
			      "most 4");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "device = serial.0\n",
			      "a", 4,
			      "bad device 'serial.0'; expected a path "
			      "starting with / or an alias of letters, "
			      "digits, _ and -");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\ndevice =\n",
			      "a", 4, NULL);
}

static void bootconf_accept_budgets_are_kept(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "slots = 10\naccept = b 4\naccept=c 5\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[domain c]\nimage=/c\nmemory=4K\n";

	assert_int_equal(parse(text), 0);
	assert_int_equal(conf.domains[0].naccepts, 2);
	assert_string_equal(conf.domains[0].accept_from[0], "b");
	assert_int_equal(conf.domains[0].accept_n[0], 4);
	assert_string_equal(conf.domains[0].accept_from[1], "c");
	assert_int_equal(conf.domains[0].accept_n[1], 5);
	assert_int_equal(conf.domains[1].naccepts, 0);
}

static void bootconf_bad_accept_refuses_domain(void **state)
{
	static const char *const bad[] = {
		"accept = b",	  "accept = b 0", "accept = b 65537",
		"accept = b 4 x", "accept = B 4", "accept = 4",
		"accept = b -1",
	};
	char text[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain b]\nimage=/b\nmemory=4K\n"
			 "[domain a]\nimage=/a\nmemory=4K\n%s\n",
			 bad[i]);
		expect_domain_refused(text, "a", 7, NULL);
	}
	expect_domain_refused("[domain b]\nimage=/b\nmemory=4K\n"
			      "[domain a]\nimage=/a\nmemory=4K\naccept = b\n",
			      "a", 7,
			      "bad accept 'b'; expected a domain name and a "
			      "number of slots");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\naccept = a 1\n",
			      "a", 4,
			      "bad accept 'a 1'; expected another domain's "
			      "name (its own grants need no budget)");
	expect_domain_refused("[domain b]\nimage=/b\nmemory=4K\n"
			      "[domain a]\nimage=/a\nmemory=4K\naccept = b 1\n"
			      "accept = b 2\n",
			      "a", 8,
			      "bad accept 'b 2'; expected each domain named "
			      "once");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "accept = nobody 1\n",
			      "a", 1,
			      "[domain a] accepts grants from unknown domain "
			      "'nobody'; expected a [domain nobody] section");
}

static void bootconf_accepts_must_leave_own_slots(void **state)
{
	expect_domain_refused("[domain b]\nimage=/b\nmemory=4K\n"
			      "[domain a]\nimage=/a\nmemory=4K\nslots = 8\n"
			      "accept = b 5\n\naccept=c 3\n"
			      "[domain c]\nimage=/c\nmemory=4K\n",
			      "a", 8,
			      "[domain a] accepts 8 grants but has 8 slots; "
			      "expected fewer than slots");
	assert_int_equal(parse("[domain b]\nimage=/b\nmemory=4K\n"
			       "[domain a]\nimage=/a\nmemory=4K\nslots = 8\n"
			       "accept = b 7\n"),
			 0);
}

static void bootconf_overcommit_is_yes_or_no(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "overcommit = yes\n"
			       "[domain b]\nimage=/b\nmemory=4K\n"
			       "overcommit = no\n"
			       "[domain c]\nimage=/c\nmemory=8K\n"),
			 0);
	assert_true(conf.domains[0].overcommit);
	assert_false(conf.domains[1].overcommit);
	assert_false(conf.domains[2].overcommit);
	assert_int_equal(conf.domains[2].memory_line, 11);
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "overcommit = 1\n",
			      "a", 4, "bad overcommit '1'; expected yes or no");
}

static void bootconf_initramfs_is_yes_or_no_default_no(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "initramfs = yes\n"
			       "[domain b]\nimage=/b\nmemory=4K\n"
			       "initramfs = no\n"
			       "[domain c]\nimage=/c\nmemory=8K\n"),
			 0);
	assert_true(conf.domains[0].initramfs);
	assert_false(conf.domains[1].initramfs);
	assert_false(conf.domains[2].initramfs);
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "initramfs = /www/\n",
			      "a", 4,
			      "bad initramfs '/www/'; expected yes or no");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "initramfs = yes\ninitramfs = yes\n",
			      "a", 5,
			      "'initramfs' given twice in [domain a] (first at "
			      "line 4); expected it once");
}

static void bootconf_device_trust_words(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "device = serial0\n"
			       "device = /fw-cfg dma\n"
			       "device = /soc/test@100000   machine\n"
			       "device = /x machine dma\n"),
			 0);
	assert_int_equal(conf.domains[0].device_trust[0], 0);
	assert_string_equal(conf.domains[0].devices[1], "/fw-cfg");
	assert_int_equal(conf.domains[0].device_trust[1], BOOTCONF_TRUST_DMA);
	assert_string_equal(conf.domains[0].devices[2], "/soc/test@100000");
	assert_int_equal(conf.domains[0].device_trust[2],
			 BOOTCONF_TRUST_MACHINE);
	assert_int_equal(conf.domains[0].device_trust[3],
			 BOOTCONF_TRUST_DMA | BOOTCONF_TRUST_MACHINE);
	assert_int_equal(conf.domains[0].device_line[3], 7);
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "device = /fw-cfg dma dma\n",
			      "a", 4,
			      "bad device '/fw-cfg dma dma'; expected a "
			      "device, optionally followed by dma and machine, "
			      "each once");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\n"
			      "device = /fw-cfg trusted\n",
			      "a", 4, NULL);
}

static void bootconf_duplicate_key_refuses_domain(void **state)
{
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nimage=/b\n",
			      "a", 4,
			      "'image' given twice in [domain a] (first at "
			      "line 2); expected it once");
	assert_string_equal(conf.domains[0].image, "/a");
	static const char *const keys[] = { "slice = 1ms", "slots = 3",
					    "strikes = 1", "grace = 5us" };
	char text[200];

	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n%s\n%s\n", keys[i],
			 keys[i]);
		expect_domain_refused(text, "a", 5, NULL);
	}
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nmemory=4K\n",
			      "a", 4, NULL);
}

static void bootconf_duplicate_domain_name_refuses_the_later_one(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/first\nmemory=4K\n"
			       "[domain b]\nimage=/b\nmemory=4K\n"
			       "[domain a]\nimage=/second\nmemory=8K\n"),
			 E_EXIST);
	assert_true(conf.usable);
	assert_int_equal(conf.ndomains, 3);
	assert_true(conf.domains[0].valid);
	assert_string_equal(conf.domains[0].image, "/first");
	assert_true(conf.domains[1].valid);
	assert_false(conf.domains[2].valid);
	assert_int_equal(conf.nerrors_all, 1);
	assert_string_equal(conf.domains[2].error.msg,
			    FILE_NAME ":7: domain 'a' is already defined at "
				      "line 1; expected a unique name");
}

static void bootconf_errors_in_one_domain_leave_others_valid(void **state)
{
	assert_int_not_equal(parse("[domain good1]\nimage=/a\nmemory=4K\n"
				   "[domain bad]\nimage=a\nmemory=0\nfoo=1\n"
				   "[domain good2]\nimage=/b\nmemory=8K\n"
				   "[channel good1 good2]\nsize=4K\n"
				   "[channel good1 bad]\nsize=4K\n"),
			     0);
	assert_true(conf.usable);
	assert_true(domain("good1")->valid);
	assert_true(domain("good2")->valid);
	assert_false(domain("bad")->valid);
	assert_int_equal(conf.nerrors_all, 3);
	/* The domain keeps its first error; the list has all three. */
	assert_int_equal(domain("bad")->error.line, 5);
	assert_int_equal(conf.errors[0].line, 5);
	assert_int_equal(conf.errors[1].line, 6);
	assert_int_equal(conf.errors[2].line, 7);
	assert_int_equal(conf.nchannels, 2);
}

static void bootconf_first_error_code_is_returned(void **state)
{
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4X\nimage=/b\n"),
			 E_RANGE);
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\nimage=/b\n"
			       "memory=4X\n"),
			 E_EXIST);
}

static void bootconf_channel_to_unknown_domain_makes_file_unusable(void **state)
{
	expect_file_refused("[domain a]\nimage=/a\nmemory=4K\n"
			    "[channel a ghost]\nsize=4K\n",
			    E_NOENT, 4,
			    "channel names unknown domain 'ghost'; expected a "
			    "[domain ghost] section");
	/* Domains may be declared after the channel that names them. */
	assert_int_equal(parse("[channel a b]\nsize=4K\n"
			       "[domain a]\nimage=/a\nmemory=4K\n"
			       "[domain b]\nimage=/b\nmemory=4K\n"),
			 0);
	assert_true(conf.usable);
}

static void bootconf_channel_to_itself_makes_file_unusable(void **state)
{
	expect_file_refused("[domain a]\nimage=/a\nmemory=4K\n"
			    "[channel a a]\nsize=4K\n",
			    E_FORMAT, 4,
			    "channel joins 'a' to itself; expected two "
			    "different domains");
	assert_int_equal(conf.nchannels, 0);
	assert_true(conf.domains[0].valid);
}

static void bootconf_bad_channel_body_makes_file_unusable(void **state)
{
	static const char head[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[channel a b]\n";
	char text[300];

	snprintf(text, sizeof(text), "%s", head);
	expect_file_refused(text, E_NOENT, 7,
			    "[channel a b] has no size; expected size = SIZE");
	snprintf(text, sizeof(text), "%ssize = 6K\n", head);
	expect_file_refused(text, E_RANGE, 8,
			    "bad size '6K' in [channel a b]; expected a "
			    "multiple of 4K");
	snprintf(text, sizeof(text), "%ssize = 4K\nimage = /x\n", head);
	expect_file_refused(text, E_FORMAT, 9,
			    "unknown key 'image' in [channel a b]; expected "
			    "one of size, msg, direction, handoff");
	snprintf(text, sizeof(text), "%ssize = 4K\nsize = 8K\n", head);
	expect_file_refused(text, E_EXIST, 9, NULL);
	snprintf(text, sizeof(text), "%ssize = 4K\nsize 4K\n", head);
	expect_file_refused(text, E_FORMAT, 9, NULL);
	assert_true(conf.domains[0].valid && conf.domains[1].valid);
}

static void bootconf_channel_keys_fill_the_channel(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[channel a b]\nsize = 8K\nmsg = 128\n"
				   "direction = b-to-a\nhandoff = b\n"
				   "[channel b a]\nsize = 4K\nhandoff = yes\n"
				   "direction = a-to-b\n"
				   "[channel a b]\nsize = 1M\n";

	assert_int_equal(parse(text), 0);
	assert_int_equal(conf.nchannels, 3);
	assert_int_equal(conf.channels[0].size, 8192);
	assert_int_equal(conf.channels[0].msg, 128);
	assert_int_equal(conf.channels[0].direction, BOOTCONF_CHAN_B_TO_A);
	assert_int_equal(conf.channels[0].handoff, 2);
	assert_int_equal(conf.channels[1].handoff, 3);
	assert_int_equal(conf.channels[1].direction, BOOTCONF_CHAN_A_TO_B);
	/* Defaults: 64-byte messages, both ways, no handoff. */
	assert_int_equal(conf.channels[2].msg, 64);
	assert_int_equal(conf.channels[2].direction, BOOTCONF_CHAN_BOTH);
	assert_int_equal(conf.channels[2].handoff, 0);
}

static void bootconf_bad_channel_keys_name_file_line_and_key(void **state)
{
	static const char head[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "[domain b]\nimage=/b\nmemory=4K\n"
				   "[channel a b]\nsize = 4K\n";
	char text[400];

	snprintf(text, sizeof(text), "%smsg = 12\n", head);
	expect_file_refused(text, E_RANGE, 9,
			    "bad msg '12' in [channel a b]; expected a "
			    "multiple of 8 from 8 to 524288");
	snprintf(text, sizeof(text), "%smsg = 0\n", head);
	expect_file_refused(text, E_RANGE, 9, NULL);
	snprintf(text, sizeof(text), "%smsg = 4096\n", head);
	expect_file_refused(text, E_RANGE, 9,
			    "[channel a b] has msg = 4096 but size = 4K; "
			    "expected msg at most half the size");
	snprintf(text, sizeof(text), "%sdirection = up\n", head);
	expect_file_refused(text, E_RANGE, 9,
			    "bad direction 'up' in [channel a b]; expected "
			    "both, a-to-b or b-to-a");
	snprintf(text, sizeof(text), "%shandoff = c\n", head);
	expect_file_refused(text, E_RANGE, 9,
			    "bad handoff 'c' in [channel a b]; expected yes, "
			    "no, or the name of one end");
	snprintf(text, sizeof(text), "%shandoff = yes\nhandoff = no\n", head);
	expect_file_refused(text, E_EXIST, 10, NULL);
	snprintf(text, sizeof(text),
		 "[domain a]\nimage=/a\nmemory=4K\n[domain b]\nimage=/b\n"
		 "memory=4K\n[channel a b]\nsize = 2M\n");
	expect_file_refused(text, E_RANGE, 8,
			    "bad size '2M' in [channel a b]; expected a size "
			    "of at most 1M");
}

static void bootconf_too_many_channels_for_one_domain_is_refused(void **state)
{
	static char text[2048];
	size_t n;
	unsigned i;

	n = (size_t)snprintf(text, sizeof(text),
			     "[domain a]\nimage=/a\nmemory=4K\n"
			     "[domain b]\nimage=/b\nmemory=4K\n"
			     "[domain c]\nimage=/c\nmemory=4K\n");
	for (i = 0; i < BOOTCONF_CHAN_PER_DOMAIN; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[channel a %s]\nsize=4K\n",
				      i % 2 ? "b" : "c");
	assert_int_equal(parse(text), 0);
	/* The ninth for a: refused, naming a and the channel's line. */
	snprintf(text + n, sizeof(text) - n, "[channel c a]\nsize=4K\n");
	expect_file_refused(text, E_TOOBIG, 10 + 2 * BOOTCONF_CHAN_PER_DOMAIN,
			    "domain 'a' is an end of more than 8 channels; "
			    "expected at most 8");
}

static void bootconf_too_many_domains_makes_file_unusable(void **state)
{
	static char text[4096];
	size_t n = 0;

	for (unsigned i = 0; i <= BOOTCONF_MAX_DOMAINS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[domain d%u]\nimage=/x\nmemory=4K\n", i);
	expect_file_refused(text, E_TOOBIG, 3 * BOOTCONF_MAX_DOMAINS + 1,
			    "too many domains; expected at most 16");
	assert_int_equal(conf.ndomains, BOOTCONF_MAX_DOMAINS);
	/* The keys of the refused section are skipped, not reported. */
	assert_int_equal(conf.nerrors_all, 1);
}

static void bootconf_too_many_channels_makes_file_unusable(void **state)
{
	static char text[4096];
	size_t n = 0;

	/* Six domains, so that no one is an end of more than 8. */
	for (unsigned i = 0; i < 6; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[domain d%u]\nimage=/a\nmemory=4K\n", i);
	for (unsigned i = 0; i <= BOOTCONF_MAX_CHANNELS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[channel d%u d%u]\nsize=4K\n", i % 3,
				      3 + i % 3);
	expect_file_refused(text, E_TOOBIG, 18 + 2 * BOOTCONF_MAX_CHANNELS + 1,
			    "too many channels; expected at most 16");
	assert_int_equal(conf.nchannels, BOOTCONF_MAX_CHANNELS);
}

static void bootconf_text_outside_section_makes_file_unusable(void **state)
{
	expect_file_refused("# comment\n\nimage = /a\nmemory = 4K\n"
			    "[domain a]\nimage=/a\nmemory=4K\n",
			    E_FORMAT, 3,
			    "text outside a section; expected [domain NAME] or "
			    "[channel A B] first");
	assert_true(conf.domains[0].valid);
}

static void bootconf_bad_section_headers_make_file_unusable(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} bad[] = {
		{ "[domain]",
		  "[domain] takes one name; expected [domain NAME]" },
		{ "[domain a b]", NULL },
		{ "[channel a]", "[channel] takes two names; expected "
				 "[channel A B]" },
		{ "[channel a b c]", NULL },
		{ "[task a]", "unknown section 'task'; expected [domain NAME] "
			      "or [channel A B]" },
		{ "[]", NULL },
		{ "[ ]", NULL },
		{ "[", NULL },
		{ "[Domain a]", NULL },
		{ "[domain Hello]", "bad domain name 'Hello'; expected 1 to 31 "
				    "of a-z, 0-9, _ and -" },
		{ "[domain a.b]", NULL },
		{ "[domain aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", NULL }, /* 32 */
		{ "[channel a B]", NULL },
		{ "[domain a", "section header does not end with ']'; expected "
			       "[domain NAME] or [channel A B]" },
		{ "[domain a] x", NULL },
		{ "[domain a]]", NULL },
	};
	char text[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain z]\nimage=/z\nmemory=4K\n%s\n"
			 "image = /x\nmemory = 4K\nbogus\n",
			 bad[i].line);
		expect_file_refused(text, E_FORMAT, 4, bad[i].msg);
	}
	/* 31 characters is the longest name. */
	assert_int_equal(parse("[domain aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
			       "image=/a\nmemory=4K\n"),
			 0);
	assert_int_equal(strlen(conf.domains[0].name), 31);
}

static void bootconf_nul_byte_makes_file_unusable(void **state)
{
	static const char text[] = "[domain a]\nimage=/a\nmemory=4K\n"
				   "# a comment\0 with a NUL\n";

	assert_int_equal(parse_len(text, sizeof(text) - 1), E_FORMAT);
	assert_false(conf.usable);
	assert_int_equal(conf.nerrors_all, 1);
	assert_string_equal(conf.errors[0].msg,
			    FILE_NAME ":4: NUL byte in the text; expected a "
				      "text file");
	/* It is a file error, not the domain's. */
	assert_true(conf.domains[0].valid);
}

static void bootconf_overlong_line_refuses_its_domain(void **state)
{
	static char text[1024];
	char line[300];

	memset(line, ' ', 256);
	memcpy(line, "slice = 2ms", 11);
	line[256] = '\0';
	snprintf(text, sizeof(text),
		 "[domain a]\nimage=/a\nmemory=4K\n"
		 "[domain b]\nimage=/b\nmemory=4K\n%s\n",
		 line);
	expect_domain_refused(text, "b", 7,
			      "line is longer than 255 characters; expected a "
			      "shorter line");
	assert_int_equal(conf.errors[0].line, 7);

	/* 255 characters, plus CR, is still fine. */
	line[255] = '\0';
	snprintf(text, sizeof(text), "[domain a]\nimage=/a\nmemory=4K\n%s\r\n",
		 line);
	assert_int_equal(parse(text), 0);
	assert_int_equal(conf.domains[0].slice_us, 2000);
}

static void bootconf_overlong_header_makes_file_unusable(void **state)
{
	static char text[1024];
	char line[300];

	memset(line, ' ', 300);
	memcpy(line + 3, "[domain b]", 10);
	line[299] = '\0';
	snprintf(text, sizeof(text),
		 "[domain a]\nimage=/a\nmemory=4K\n%s\nimage=/b\nmemory=4K\n",
		 line);
	expect_file_refused(text, E_TOOBIG, 4, NULL);
	assert_true(conf.domains[0].valid); /* its keys were not misread */

	/* Outside any domain, an overlong line is a file error too. */
	memset(line, 'x', 299);
	snprintf(text, sizeof(text), "%s\n", line);
	expect_file_refused(text, E_TOOBIG, 1, NULL);
}

static void bootconf_file_too_big_is_unusable(void **state)
{
	char *text = malloc(BOOTCONF_MAX_SIZE + 1);
	char want[256];

	memset(text, '\n', BOOTCONF_MAX_SIZE + 1);
	assert_int_equal(parse_len(text, BOOTCONF_MAX_SIZE + 1), E_TOOBIG);
	assert_false(conf.usable);
	assert_int_equal(conf.nerrors, 1);
	assert_int_equal(conf.errors[0].line, 0);
	snprintf(want, sizeof(want),
		 "%s: file is %d bytes; expected at most %d", FILE_NAME,
		 BOOTCONF_MAX_SIZE + 1, BOOTCONF_MAX_SIZE);
	assert_string_equal(conf.errors[0].msg, want);

	/* Exactly the limit is fine. */
	assert_int_equal(parse_len(text, BOOTCONF_MAX_SIZE), 0);
	assert_true(conf.usable);
	free(text);
}

static void bootconf_error_list_keeps_sixteen_and_counts_all(void **state)
{
	static char text[4096];
	size_t n;

	n = (size_t)snprintf(text, sizeof(text),
			     "[domain a]\nimage=/a\n"
			     "memory=4K\n");
	for (unsigned i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "k%u = 1\n",
				      i);
	assert_int_equal(parse(text), E_FORMAT);
	assert_int_equal(conf.nerrors, BOOTCONF_MAX_ERRORS);
	assert_int_equal(conf.nerrors_all, 20);
	assert_int_equal(conf.errors[15].line, 19);
	assert_non_null(strstr(conf.domains[0].error.msg, "'k0'"));
}

static void bootconf_comment_ends_a_value(void **state)
{
	assert_int_equal(parse("[domain a] # the first\n"
			       "image = /a#b\n"
			       "memory = 4K#no space needed\n"
			       "#memory = 8K\n"),
			 0);
	assert_string_equal(conf.domains[0].image, "/a");
	assert_int_equal(conf.domains[0].memory, 4096);
}

static void bootconf_long_file_name_and_values_truncate_safely(void **state)
{
	char file[300], text[600];

	memset(file, 'f', sizeof(file) - 1);
	file[sizeof(file) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "[domain "
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\nimage=/a\nmemory=4K\n"
		 "%0200d = 1\n",
		 0);
	assert_int_equal(
		bootconf_parse(&conf, file, text, strlen(text), &defaults),
		E_FORMAT);
	assert_int_equal(strlen(conf.errors[0].msg),
			 sizeof(conf.errors[0].msg) - 1);
	assert_int_equal(strncmp(conf.errors[0].msg, file,
				 sizeof(conf.errors[0].msg) - 1),
			 0);

	/* A long key is quoted in part, marked with "...". */
	assert_int_equal(parse(text), E_FORMAT);
	assert_non_null(strstr(conf.errors[0].msg,
			       "unknown key '000000000000000000000000...'"));
}

static void bootconf_hart_pins_one_hart(void **state)
{
	(void)state;
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\nhart = 3\n"
			       "[domain b]\nimage=/b\nmemory=4K\nhart=63\n"
			       "[domain c]\nimage=/c\nmemory=4K\n"),
			 0);
	assert_int_equal(conf.domains[0].hart_mask, 1ULL << 3);
	assert_true(conf.domains[0].hart_pinned);
	assert_int_equal(conf.domains[0].hart_line, 4);
	assert_int_equal(conf.domains[1].hart_mask, 1ULL << 63);
	assert_int_equal(conf.domains[2].hart_mask, 0);
	assert_false(conf.domains[2].hart_pinned);
	assert_int_equal(conf.domains[2].hart_line, 0);
}

static void bootconf_harts_takes_ranges_and_lists(void **state)
{
	(void)state;
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "harts = 1-3\n"),
			 0);
	assert_int_equal(conf.domains[0].hart_mask, 0xeULL);
	assert_false(conf.domains[0].hart_pinned);
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "harts = 0,2,5-6,63\n"),
			 0);
	assert_int_equal(conf.domains[0].hart_mask, 0x65ULL | (1ULL << 63));
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "harts = 0-63\n"),
			 0);
	assert_int_equal(conf.domains[0].hart_mask, ~0ULL);
	assert_int_equal(parse("[domain a]\nimage=/a\nmemory=4K\n"
			       "harts = 4-4\n"),
			 0);
	assert_int_equal(conf.domains[0].hart_mask, 1ULL << 4);
}

static void bootconf_bad_hart_values_name_file_line_and_key(void **state)
{
	static const char *const bad_hart[] = {
		"hart = 64",  "hart = -1",
		"hart = x",   "hart =",
		"hart = 1-2", "hart = 1,2",
		"hart = 1 2", "hart = 99999999999999999999999",
	};
	static const char *const bad_harts[] = {
		"harts = 3-1", "harts = 1-",	"harts = -1",	"harts = 1,",
		"harts = ,1",  "harts = 64",	"harts = 0-64", "harts = 1;2",
		"harts =",     "harts = 1 - 2", "harts = 1,,2",
	};
	char text[200];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_hart) / sizeof(bad_hart[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n%s\n", bad_hart[i]);
		expect_domain_refused(text, "a", 4, NULL);
	}
	for (size_t i = 0; i < sizeof(bad_harts) / sizeof(bad_harts[0]); i++) {
		snprintf(text, sizeof(text),
			 "[domain a]\nimage=/a\nmemory=4K\n%s\n", bad_harts[i]);
		expect_domain_refused(text, "a", 4, NULL);
	}
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nhart = 64\n",
			      "a", 4,
			      "bad hart '64'; expected a hart id from 0 to 63");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nharts = 3-1\n",
			      "a", 4,
			      "bad harts '3-1'; expected a range A-B or a list "
			      "A,B,C of hart ids from 0 to 63");
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nhart = 1\n"
			      "hart = 2\n",
			      "a", 5, NULL);
}

static void bootconf_hart_and_harts_together_refuse_domain(void **state)
{
	(void)state;
	expect_domain_refused("[domain a]\nimage=/a\nmemory=4K\nhart = 1\n"
			      "harts = 1-2\n[domain b]\nimage=/b\nmemory=4K\n",
			      "a", 5,
			      "[domain a] has both hart (line 4) and harts "
			      "(line 5); expected one of them");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			bootconf_good_file_fills_domains_with_defaults),
		cmocka_unit_test(bootconf_empty_file_is_usable_with_no_domains),
		cmocka_unit_test(bootconf_null_defaults_use_documented_values),
		cmocka_unit_test(bootconf_unknown_key_refuses_domain),
		cmocka_unit_test(bootconf_peer_names_are_kept_in_order),
		cmocka_unit_test(bootconf_notify_targets_and_badges_are_kept),
		cmocka_unit_test(bootconf_notify_bit_47_is_the_last_allowed),
		cmocka_unit_test(bootconf_notify_channel_bit_refuses_domain),
		cmocka_unit_test(bootconf_notify_kernel_bits_refuse_domain),
		cmocka_unit_test(bootconf_notify_reversed_range_refuses_domain),
		cmocka_unit_test(bootconf_notify_bad_bits_refuse_domain),
		cmocka_unit_test(bootconf_notify_bad_name_refuses_domain),
		cmocka_unit_test(
			bootconf_notify_same_target_twice_refuses_domain),
		cmocka_unit_test(bootconf_notify_unknown_domain_refuses_domain),
		cmocka_unit_test(bootconf_too_many_notify_lines_refuse_domain),
		cmocka_unit_test(
			bootconf_sees_peers_notify_targets_and_channel_ends),
		cmocka_unit_test(bootconf_refused_domain_sees_nothing),
		cmocka_unit_test(bootconf_unknown_peer_refuses_domain),
		cmocka_unit_test(bootconf_peer_control_is_recorded),
		cmocka_unit_test(
			bootconf_peer_with_unknown_word_refuses_domain),
		cmocka_unit_test(bootconf_bad_peer_name_refuses_domain),
		cmocka_unit_test(bootconf_spawn_paths_are_kept_in_order),
		cmocka_unit_test(bootconf_relative_spawn_refuses_domain),
		cmocka_unit_test(bootconf_args_are_kept),
		cmocka_unit_test(bootconf_overlong_args_refuse_domain),
		cmocka_unit_test(bootconf_spawn_with_dot_dot_refuses_domain),
		cmocka_unit_test(bootconf_too_many_spawns_refuses_domain),
		cmocka_unit_test(bootconf_too_many_peers_refuses_domain),
		cmocka_unit_test(bootconf_accept_budgets_are_kept),
		cmocka_unit_test(bootconf_bad_accept_refuses_domain),
		cmocka_unit_test(bootconf_accepts_must_leave_own_slots),
		cmocka_unit_test(bootconf_overcommit_is_yes_or_no),
		cmocka_unit_test(bootconf_initramfs_is_yes_or_no_default_no),
		cmocka_unit_test(bootconf_device_trust_words),
		cmocka_unit_test(bootconf_line_without_equals_refuses_domain),
		cmocka_unit_test(
			bootconf_missing_keys_are_reported_at_section_header),
		cmocka_unit_test(bootconf_bad_sizes_refuse_domain),
		cmocka_unit_test(bootconf_good_sizes_are_in_bytes),
		cmocka_unit_test(bootconf_bad_times_refuse_domain),
		cmocka_unit_test(bootconf_good_times_are_in_microseconds),
		cmocka_unit_test(bootconf_slots_and_strikes_are_range_checked),
		cmocka_unit_test(bootconf_image_must_be_a_short_absolute_path),
		cmocka_unit_test(bootconf_devices_repeat_up_to_the_limit),
		cmocka_unit_test(bootconf_duplicate_key_refuses_domain),
		cmocka_unit_test(
			bootconf_duplicate_domain_name_refuses_the_later_one),
		cmocka_unit_test(
			bootconf_errors_in_one_domain_leave_others_valid),
		cmocka_unit_test(bootconf_first_error_code_is_returned),
		cmocka_unit_test(
			bootconf_channel_to_unknown_domain_makes_file_unusable),
		cmocka_unit_test(
			bootconf_channel_to_itself_makes_file_unusable),
		cmocka_unit_test(bootconf_bad_channel_body_makes_file_unusable),
		cmocka_unit_test(bootconf_channel_keys_fill_the_channel),
		cmocka_unit_test(
			bootconf_bad_channel_keys_name_file_line_and_key),
		cmocka_unit_test(
			bootconf_too_many_channels_for_one_domain_is_refused),
		cmocka_unit_test(bootconf_too_many_domains_makes_file_unusable),
		cmocka_unit_test(
			bootconf_too_many_channels_makes_file_unusable),
		cmocka_unit_test(
			bootconf_text_outside_section_makes_file_unusable),
		cmocka_unit_test(
			bootconf_bad_section_headers_make_file_unusable),
		cmocka_unit_test(bootconf_nul_byte_makes_file_unusable),
		cmocka_unit_test(bootconf_overlong_line_refuses_its_domain),
		cmocka_unit_test(bootconf_overlong_header_makes_file_unusable),
		cmocka_unit_test(bootconf_file_too_big_is_unusable),
		cmocka_unit_test(
			bootconf_error_list_keeps_sixteen_and_counts_all),
		cmocka_unit_test(bootconf_comment_ends_a_value),
		cmocka_unit_test(
			bootconf_long_file_name_and_values_truncate_safely),
		cmocka_unit_test(bootconf_hart_pins_one_hart),
		cmocka_unit_test(bootconf_harts_takes_ranges_and_lists),
		cmocka_unit_test(
			bootconf_bad_hart_values_name_file_line_and_key),
		cmocka_unit_test(
			bootconf_hart_and_harts_together_refuse_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
