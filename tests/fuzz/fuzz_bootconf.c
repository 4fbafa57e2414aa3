// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the /etc/rivet.conf parser. Checks the policy's
 * invariants on every input: messages are terminated and carry the file
 * name, the return code agrees with usable/valid, and every string the
 * kernel will use is terminated inside its field.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rivet/errno.h>

#include "kernel/boot/bootconf.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

#define FILE_NAME "/etc/rivet.conf"

static const struct bootconf_defaults defaults = { 2000, 256, 3, 100 };

static struct bootconf conf;

static void check_error(const struct bootconf_error *e)
{
	CHECK(memchr(e->msg, 0, sizeof(e->msg)) != NULL);
	CHECK(strncmp(e->msg, FILE_NAME ":", strlen(FILE_NAME ":")) == 0);
}

/* How many channels of conf name this domain as an end. */
static unsigned channels_naming(const char *name)
{
	unsigned i, n = 0;

	for (i = 0; i < conf.nchannels; i++)
		n += !strcmp(conf.channels[i].a, name) ||
		     !strcmp(conf.channels[i].b, name);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool all_valid = true;
	int rc;

	rc = bootconf_parse(&conf, FILE_NAME, (const char *)data, size,
			    &defaults);

	CHECK(conf.nerrors <= BOOTCONF_MAX_ERRORS);
	CHECK(conf.nerrors == (conf.nerrors_all < BOOTCONF_MAX_ERRORS
				       ? conf.nerrors_all
				       : BOOTCONF_MAX_ERRORS));
	for (unsigned i = 0; i < conf.nerrors; i++)
		check_error(&conf.errors[i]);

	CHECK(conf.ndomains <= BOOTCONF_MAX_DOMAINS);
	for (unsigned i = 0; i < conf.ndomains; i++) {
		const struct bootconf_domain *d = &conf.domains[i];

		CHECK(strnlen(d->name, sizeof(d->name)) < sizeof(d->name));
		CHECK(d->name[0] != '\0');
		CHECK(d->ndevices <= BOOTCONF_MAX_DEVICES);
		for (unsigned j = 0; j < d->ndevices; j++)
			CHECK(strnlen(d->devices[j], BOOTCONF_PATH_LEN) <
			      BOOTCONF_PATH_LEN);
		/* The kernel gives each notify line a badged capability
		 * (launch.c): ordinary bits only, never a channel's or the
		 * kernel's. */
		CHECK(d->nnotify <= BOOTCONF_MAX_NOTIFY);
		for (unsigned j = 0; j < d->nnotify; j++) {
			CHECK(strnlen(d->notify_to[j], BOOTCONF_NAME_LEN) <
			      BOOTCONF_NAME_LEN);
			CHECK(d->notify_badge[j] != 0);
			CHECK(!(d->notify_badge[j] >> BOOTCONF_NOTIFY_BITS));
		}
		if (d->valid) {
			CHECK(d->image[0] == '/');
			CHECK(strnlen(d->image, BOOTCONF_PATH_LEN) <
			      BOOTCONF_PATH_LEN);
			CHECK(d->memory > 0 && d->memory % 4096 == 0);
			CHECK(d->slots >= 1 && d->slots <= 65536);
			CHECK(d->strikes <= 100);
			CHECK(d->slice_us > 0 && d->grace_us > 0);
			CHECK(d->error.msg[0] == '\0');
		} else {
			all_valid = false;
			check_error(&d->error);
			CHECK(d->error.line > 0);
		}
	}
	CHECK(conf.nchannels <= BOOTCONF_MAX_CHANNELS);
	for (unsigned i = 0; i < conf.nchannels; i++) {
		const struct bootconf_channel *ch = &conf.channels[i];

		CHECK(strnlen(ch->a, sizeof(ch->a)) < sizeof(ch->a));
		CHECK(strnlen(ch->b, sizeof(ch->b)) < sizeof(ch->b));
		CHECK(strcmp(ch->a, ch->b) != 0);
		CHECK(ch->direction <= BOOTCONF_CHAN_B_TO_A);
		CHECK(ch->handoff <= 3);
		if (conf.usable) {
			CHECK(ch->size > 0 && ch->size % 4096 == 0);
			CHECK(ch->size <= BOOTCONF_CHAN_SIZE_MAX);
			CHECK(ch->msg >= 8 && ch->msg % 8 == 0);
			CHECK(ch->msg <= ch->size / 2);
		}
	}
	/* The kernel describes each end's channels in an info page of
	 * BOOTCONF_CHAN_PER_DOMAIN entries (kernel/cap/channel.c). */
	if (conf.usable)
		for (unsigned i = 0; i < conf.ndomains; i++)
			CHECK(channels_naming(conf.domains[i].name) <=
			      BOOTCONF_CHAN_PER_DOMAIN);

	/* domain_lookup's view: never the caller itself (the kernel decides
	 * that), and only ever a pair of names the file knows. */
	for (unsigned i = 0; i < conf.ndomains; i++) {
		const char *who = conf.domains[i].name;

		CHECK(!bootconf_sees(&conf, who, who));
		for (unsigned j = 0; j < conf.ndomains; j++)
			(void)bootconf_sees(&conf, who, conf.domains[j].name);
		CHECK(!bootconf_sees(&conf, who, "no such domain"));
	}

	CHECK((rc == 0) == (conf.usable && all_valid));
	CHECK((rc == 0) == (conf.nerrors_all == 0));
	if (memchr(data, 0, size) || size > BOOTCONF_MAX_SIZE)
		CHECK(!conf.usable);
	return 0;
}
