/* SPDX-License-Identifier: MIT */
/*
 * The boot configuration, /etc/rivet.conf in the initramfs. Plain text:
 *
 *   # comment
 *   [domain NAME]            one section per domain, started in file order
 *   image   = /libos/x.elf   required: path in the initramfs
 *   memory  = 16M            required: frame quota (K, M, G suffixes; 4K multiple)
 *   slice   = 2ms            CPU slice (us, ms, s); default CONFIG_SLICE_DEFAULT_US
 *   slots   = 256            capability slots; default CONFIG_CAP_SLOTS_DEFAULT
 *   strikes = 3              slice overruns tolerated before the kill; default 3
 *   grace   = 100us          time to yield after the slice-end upcall; default
 *                            1ms (the caller's struct bootconf_defaults)
 *   overcommit = no          yes: memory is a limit, not a reservation
 *   device  = serial0 [dma] [machine]
 *                            device-tree alias or path; may repeat. dma and
 *                            machine accept what the device can do beyond
 *                            its registers (docs/devices.md)
 *   peer    = NAME [control] a domain capability for NAME: grant into it
 *                            and, with "control", ask it to return frames
 *                            (the abort protocol); may repeat
 *   notify  = NAME [BITS]    a notification capability for NAME (which
 *                            may be this domain): set event bits BITS
 *                            there (N or N-M, within 0-47; default 0-47)
 *                            and yield to it; may repeat, once per NAME
 *   accept  = NAME N         NAME may grant up to N capabilities into this
 *                            domain (held at once); may repeat
 *   args    = WORD           up to 63 printable characters the domain reads
 *                            from its info page (a seed, a count)
 *   initramfs = no           yes: the initramfs is mapped read-only into
 *                            the domain (RIVET_INITRAMFS_VA)
 *   spawn   = /libos/        a spawn capability: start, at run time, the
 *                            image at this path, or any image under it if
 *                            it ends with /; may repeat
 *   hart    = 2              pinned to hart id 2 (0 .. 63)
 *   harts   = 1-3            or 1,3: hart ids it may be placed on; neither
 *                            key: any online hart (docs/smp.md)
 *
 *   [channel A B]            a channel between domains A and B (at most
 *                            RIVET_CHAN_MAX per domain)
 *   size    = 4K             required: shared region size (4K multiple,
 *                            at most 1M); A's quota pays for it
 *   msg     = 64             message size in bytes the ends agree on
 *                            (a multiple of 8, 8 .. size / 2); default 64
 *   direction = both         both, a-to-b or b-to-a; default both
 *   handoff = no             yes, no, or the name of one end: whose
 *                            notify runs a woken peer at once
 *
 * The file is untrusted. Every error names the file, the line and what was
 * expected. An error inside a [domain] section refuses that domain only;
 * any other error (unknown section, text outside a section, a bad channel,
 * too many domains, a NUL byte) makes the whole file unusable. Unknown keys
 * are errors. Pure; host-testable.
 */
#ifndef KERNEL_BOOTCONF_H
#define KERNEL_BOOTCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTCONF_MAX_DOMAINS	 16
#define BOOTCONF_MAX_CHANNELS	 16
#define BOOTCONF_CHAN_PER_DOMAIN 8	       /* RIVET_CHAN_MAX */
#define BOOTCONF_CHAN_SIZE_MAX	 (1024 * 1024) /* RIVET_CHAN_SIZE_MAX */
#define BOOTCONF_MAX_DEVICES	 4	       /* per domain */
#define BOOTCONF_MAX_PEERS	 8	       /* per domain */
#define BOOTCONF_MAX_ACCEPTS	 8	       /* per domain */
#define BOOTCONF_MAX_NOTIFY	 8  /* per domain: RIVET_NOTIFY_MAX */
#define BOOTCONF_NOTIFY_BITS	 48 /* ordinary bits: below channels' */
#define BOOTCONF_MAX_SPAWNS	 4  /* per domain */
#define BOOTCONF_ARGS_LEN	 64 /* "args =": 63 characters and a NUL */
#define BOOTCONF_MAX_ERRORS	 16 /* further errors are counted, not kept */
#define BOOTCONF_NAME_LEN	 32 /* domain names: [a-z0-9_-], 1..31 chars */
#define BOOTCONF_PATH_LEN	 96
#define BOOTCONF_MAX_SIZE	 (64 * 1024) /* larger files are unusable */
#define BOOTCONF_HART_MAX	 63 /* hart ids "hart =" and "harts =" name */

struct bootconf_error {
	unsigned line; /* 1-based; 0 for whole-file errors */
	char msg[224]; /* "file:line: what is wrong; expected what" */
};

/* What a device line accepts beyond the registers: "dma", "machine". */
#define BOOTCONF_TRUST_DMA     0x1u /* may master the bus: any memory */
#define BOOTCONF_TRUST_MACHINE 0x2u /* controls the machine: power, reset */

struct bootconf_domain {
	char name[BOOTCONF_NAME_LEN];
	char image[BOOTCONF_PATH_LEN];
	uint64_t memory;      /* bytes */
	unsigned memory_line; /* where memory = was set */
	bool overcommit;      /* memory is a limit only, not reserved */
	uint32_t slice_us;
	uint32_t slots;
	uint32_t strikes;
	uint32_t grace_us;
	char devices[BOOTCONF_MAX_DEVICES][BOOTCONF_PATH_LEN];
	uint8_t device_trust[BOOTCONF_MAX_DEVICES]; /* BOOTCONF_TRUST_* */
	unsigned device_line[BOOTCONF_MAX_DEVICES];
	unsigned ndevices;
	char peers[BOOTCONF_MAX_PEERS][BOOTCONF_NAME_LEN];
	bool peer_control[BOOTCONF_MAX_PEERS]; /* "peer = NAME control" */
	unsigned npeers;
	/* "notify = NAME [BITS]": a badged notification capability. */
	char notify_to[BOOTCONF_MAX_NOTIFY][BOOTCONF_NAME_LEN];
	uint64_t notify_badge[BOOTCONF_MAX_NOTIFY];
	unsigned notify_line[BOOTCONF_MAX_NOTIFY];
	unsigned nnotify;
	/* "accept = NAME N": NAME may hold N grants in this domain's space. */
	char accept_from[BOOTCONF_MAX_ACCEPTS][BOOTCONF_NAME_LEN];
	uint32_t accept_n[BOOTCONF_MAX_ACCEPTS];
	unsigned naccepts;
	/* "spawn =" paths: an image, or a directory ending in '/'. */
	char spawns[BOOTCONF_MAX_SPAWNS][BOOTCONF_PATH_LEN];
	unsigned nspawns;
	/* "initramfs = yes": the archive, mapped read-only. */
	bool initramfs;
	char args[BOOTCONF_ARGS_LEN]; /* "args =", for the domain itself */
	/* "hart =" / "harts =": bit i allows hart id i; 0: any hart. */
	uint64_t hart_mask;
	bool hart_pinned;   /* "hart =": one hart, and it must be online */
	unsigned hart_line; /* where hart or harts was set; 0: neither */
	unsigned line;	    /* of the section header */
	bool valid;	    /* false: refused, see error */
	struct bootconf_error error; /* the first error of this domain */
};

/* bootconf_channel.direction */
#define BOOTCONF_CHAN_BOTH   0
#define BOOTCONF_CHAN_A_TO_B 1
#define BOOTCONF_CHAN_B_TO_A 2

struct bootconf_channel {
	char a[BOOTCONF_NAME_LEN], b[BOOTCONF_NAME_LEN];
	uint64_t size;
	uint32_t msg;	   /* bytes per message */
	uint8_t direction; /* BOOTCONF_CHAN_* */
	uint8_t handoff;   /* bit 0: A's notifies hand off; bit 1: B's */
	unsigned line;
};

struct bootconf {
	bool usable; /* false: no domain may start */
	struct bootconf_domain domains[BOOTCONF_MAX_DOMAINS];
	unsigned ndomains;
	struct bootconf_channel channels[BOOTCONF_MAX_CHANNELS];
	unsigned nchannels;
	struct bootconf_error errors[BOOTCONF_MAX_ERRORS];
	unsigned nerrors;     /* kept */
	unsigned nerrors_all; /* seen */
};

/* Defaults the parser applies to keys a domain leaves out. */
struct bootconf_defaults {
	uint32_t slice_us, slots, strikes, grace_us;
};

/*
 * Parses text (len bytes, not necessarily NUL-terminated) named file in
 * messages. Always fills c; returns 0 when the file is usable and every
 * domain valid, else the first error's code (E_FORMAT, E_TOOBIG, ...).
 * Cross-checks too: duplicate domain names (the later one is refused),
 * channels naming unknown domains, peers and notify targets naming no
 * [domain].
 */
int bootconf_parse(struct bootconf *c, const char *file, const char *text,
		   size_t len, const struct bootconf_defaults *defaults);

/*
 * Does the configuration let domain who see domain name (SYS_domain_lookup,
 * docs/channels.md)? True when who's section names it in a `peer` or
 * `notify` line, or a [channel] joins the two, in either order; false
 * for who itself (the caller decides that) and for names c does not know.
 */
bool bootconf_sees(const struct bootconf *c, const char *who, const char *name);

#endif
