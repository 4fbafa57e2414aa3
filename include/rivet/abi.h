/* SPDX-License-Identifier: MIT */
/*
 * The memory shared between the kernel and a domain, and the fixed user
 * addresses both sides agree on. The upcall-area offsets used from assembly
 * (the kernel's arch/riscv/trap_entry.S, the libOS's upcall_entry.S) are
 * pinned to the structure with _Static_assert in libos/lib/upcall.c.
 *
 * User address space (Sv39 lower half, below RIVET_USER_TOP):
 *   0x10000 ..               the libOS ELF image (its own link address)
 *   .. RIVET_MAP_TOP         what the domain maps itself (SYS_map)
 *   RIVET_PTVIEW_VA          read-only view of its own page table
 *   RIVET_PTVIEW_DIR_VA      read-only bitmap of the view pages present
 *   RIVET_INITRAMFS_VA       the initramfs, read-only, for a domain whose
 *                            configuration says `initramfs = yes`
 *   RIVET_STACK_TOP          initial stack, RIVET_STACK_PAGES pages below
 *   RIVET_REGISTRY_VA        the registry of domains: read-only, one
 *                            page shared by every domain
 *   RIVET_UPCALL_VA          upcall area: read-write, kernel-pinned, one
 *                            page; past struct rivet_upcall the libOS's
 *                            own (the kernel never reads or writes it)
 *   RIVET_INFO_VA            shared info page: read-only
 */
#ifndef RIVET_ABI_H
#define RIVET_ABI_H

#define RIVET_USER_TOP	  0x0000004000000000UL /* 256 GiB */
#define RIVET_INFO_VA	  0x0000003ffffff000UL
#define RIVET_UPCALL_VA	  0x0000003fffffe000UL
#define RIVET_REGISTRY_VA 0x0000003fffffd000UL
#define RIVET_STACK_TOP	  0x0000003fff000000UL
#define RIVET_STACK_PAGES 16
/*
 * The page-table view: for every user page below RIVET_MAP_TOP, the leaf
 * PTE that maps it (Sv39 format; 0 if unmapped), as an array of 8-byte
 * entries at RIVET_PTVIEW_VA indexed by va >> 12. A view page (512
 * entries, 2 MiB of address space) exists only once something was mapped
 * in its range: bit n of the bitmap at RIVET_PTVIEW_DIR_VA says whether
 * view page n exists. Both are read-only to the domain and kept by the
 * kernel on every map and unmap; libos/lib/rivet.c reads them.
 */
#define RIVET_PTVIEW_VA	       0x0000003fc0000000UL
#define RIVET_PTVIEW_DIR_VA    0x0000003fe0000000UL
#define RIVET_MAP_TOP	       RIVET_PTVIEW_VA
#define RIVET_PTVIEW_PAGES     ((RIVET_MAP_TOP >> 12) / 512)
#define RIVET_PTVIEW_DIR_PAGES ((RIVET_PTVIEW_PAGES + 32767) / 32768)
/*
 * The initramfs (a cpio newc archive), mapped read-only by the kernel
 * into a domain whose configuration says `initramfs = yes`: its pages
 * from RIVET_INITRAMFS_VA (2 MiB aligned, above the page-table view's
 * bitmap), the archive's first byte at rivet_info.initramfs. An archive
 * larger than RIVET_INITRAMFS_MAX is not mapped.
 */
#define RIVET_INITRAMFS_VA  0x0000003fe0200000UL
#define RIVET_INITRAMFS_MAX 0x0000000010000000UL /* 256 MiB */

/* Upcall causes besides exception codes (scause values 0..15). */
#define RIVET_UPCALL_SLICE_END 0x100
/*
 * Reserved. Today an FP instruction run with FP off is reflected as the
 * illegal-instruction exception it is (cause 2); the libOS decodes it and
 * calls SYS_fp_enable (libos/lib/upcall.c). The kernel does not decode.
 */
#define RIVET_UPCALL_FP_OFF 0x101

/* Offsets into struct rivet_upcall, for the assembly entry paths. */
#define UPCALL_IN_UPCALL 0x00
#define UPCALL_CAUSE	 0x08
#define UPCALL_EPC	 0x10
#define UPCALL_TVAL	 0x18
#define UPCALL_T0	 0x20
#define UPCALL_T1	 0x28
#define UPCALL_SAVE	 0x40 /* 32 words the libOS may use to save regs */

#define RIVET_INFO_MAGIC                                                       \
	0x52495645544e4632UL /* "RIVETNF2": registry moved out */

/* SYS_frame_alloc: any free frames will do. */
#define RIVET_FRAME_ANY (~0UL)
/* SYS_frame_alloc of one frame the caller will overwrite anyway: one of
 * up to 16 frames it freed (a ring the newest frees overwrite), unzeroed,
 * if nobody took it since; else as RIVET_FRAME_ANY (docs/libos-vm.md,
 * "Unzeroed reuse"). */
#define RIVET_FRAME_REUSE (~1UL)

/* Rights, for capabilities and mappings (SYS_map, SYS_cap_derive). */
#define RIVET_CAP_R	0x1
#define RIVET_CAP_W	0x2
#define RIVET_CAP_X	0x4
#define RIVET_CAP_GRANT 0x8

/* Capability types, as SYS_cap_info reports them. */
#define RIVET_CAP_FRAME	 1
#define RIVET_CAP_DOMAIN 2
#define RIVET_CAP_IRQ	 3 /* object: PLIC source */
#define RIVET_CAP_DEVICE 4 /* object: MMIO base (page); size: pages */
#define RIVET_CAP_NOTIFY 5 /* object: the target domain (as a domain cap's) */
#define RIVET_CAP_SPAWN	 6 /* object: the grant's index; start images */
/* A domain capability's object: the id in the low 32 bits and the
 * incarnation of that id above, so a capability for a domain that ended
 * never names a later domain that reuses its id. */
#define RIVET_DOMAIN_OBJECT_ID(o) ((o)&0xffffffffUL)

/* SYS_cap_info: what to read. */
#define RIVET_CAPINFO_TYPE   0 /* type | rights << 8 */
#define RIVET_CAPINFO_OBJECT 1 /* physical address, domain id, ... */
#define RIVET_CAPINFO_SIZE   2 /* pages, for frames */
#define RIVET_CAPINFO_BADGE  3

/* Slots every domain starts with. */
#define RIVET_SLOT_SELF	 0 /* a domain capability for itself */
#define RIVET_SLOT_PEER0 1 /* then one per `peer =` line, in order */

/* Event bit set when a capability was taken away (see revoked[]). */
#define RIVET_EVENT_REVOKED (1UL << 63)
/* The abort protocol: asked to return frames (abort_frames, by
 * abort_deadline), and, for the asker, the answer (abort_result). */
#define RIVET_EVENT_ABORT      (1UL << 62)
#define RIVET_EVENT_ABORT_DONE (1UL << 61)
/* The kernel log has text for the console domain (SYS_log_read). */
#define RIVET_EVENT_LOG (1UL << 60)
/* Another domain ended (the registry in the info page says which). */
#define RIVET_EVENT_PEER_EXIT (1UL << 59)
/* A configured channel's peer ended (channels[i].state says which). */
#define RIVET_EVENT_CHANNEL (1UL << 58)
/* Bits only the kernel sets; no notification capability's badge holds
 * them (notify_cap: E_PERM). */
#define RIVET_EVENT_KERNEL_MASK (0xffUL << 56)
#define RIVET_REVOKED_RING	16

/*
 * Channels from the boot configuration ([channel A B], docs/channels.md):
 * the kernel maps channel i of a domain (its i-th in file order) at
 * RIVET_CHAN_VA + i * RIVET_CHAN_STRIDE, and a notify through the
 * channel's notification capability sets event bit RIVET_CHAN_BIT0 + i
 * of the peer's own index for the channel.
 */
#define RIVET_CHAN_MAX	    8
#define RIVET_CHAN_VA	    0x0000003800000000UL
#define RIVET_CHAN_STRIDE   0x0000000000200000UL /* 2 MiB */
#define RIVET_CHAN_SIZE_MAX 0x0000000000100000UL /* 1 MiB */
#define RIVET_CHAN_BIT0	    48
/* The event bits of configured channels: only a notification capability
 * sets them (a `notify =` line's badge never holds them), so a wake-up
 * on one comes from the channel's peer or a copy it passed on. */
#define RIVET_EVENT_CHAN_MASK (((1UL << RIVET_CHAN_MAX) - 1) << RIVET_CHAN_BIT0)
/* Notification capabilities the configuration gives without a channel
 * (`notify =` lines, rivet_info.notify[]); their badges hold only bits
 * below the channels' (0 .. RIVET_CHAN_BIT0 - 1). */
#define RIVET_NOTIFY_MAX 8
/* rivet_info.channels[i].dir: which way this end's messages go. */
#define RIVET_CHAN_BOTH 0 /* both ways (two rings, docs/channels.md) */
#define RIVET_CHAN_SEND 1 /* this end produces, the peer consumes */
#define RIVET_CHAN_RECV 2 /* this end consumes */
/* rivet_info.channels[i].state */
#define RIVET_CHAN_UP	     1 /* both ends started, frames mapped */
#define RIVET_CHAN_PEER_DEAD 2 /* the peer ended (RIVET_EVENT_CHANNEL) */
#define RIVET_CHAN_FAILED    3 /* never set up: see the boot log */

#ifndef __ASSEMBLY__
#include <stdint.h>

/*
 * Written by the kernel when it reflects an exception or upcalls the
 * domain; the domain reads it and resumes by itself. t0 and t1 are the
 * user's values: the kernel needed those two registers to get here. The
 * domain's resume path restores them, clears in_upcall and jumps to epc
 * through gp, which the libOS ABI reserves for this (code is linked
 * without gp relaxation and never uses gp).
 */
struct rivet_upcall {
	uint64_t in_upcall;
	uint64_t cause;
	uint64_t epc;
	uint64_t tval;
	uint64_t t0, t1;
	uint64_t reserved[2];
	uint64_t save[32];
};

/* Written by the kernel, read-only to the domain: queries need no call. */
struct rivet_info {
	uint64_t magic;
	uint32_t domain_id;
	uint32_t hart_id;
	uint64_t timebase_hz; /* rdtime ticks per second */
	uint64_t slice_end;   /* rdtime value at which the slice ends */
	uint64_t slice_ticks; /* length of a full slice */
	uint64_t pending;     /* event bits not yet taken by wait */
	uint64_t slices_used;
	uint32_t strikes;
	uint32_t pad0;
	/*
	 * Capabilities taken away from this domain by others (revoked by an
	 * ancestor's holder, or their owner ended): a ring the kernel
	 * appends to; entry i lives at revoked[i % RIVET_REVOKED_RING].
	 */
	uint64_t abort_frames;	 /* frames asked back; 0: no request */
	uint64_t abort_deadline; /* rdtime by which to return them */
	struct {
		uint32_t domain;   /* who was asked */
		uint32_t returned; /* frames it gave back by itself */
		uint32_t forced;   /* frames the kernel took */
		uint32_t pad;
	} abort_result; /* of this domain's last request */
	/*
	 * The devices the configuration granted (`device =` lines, in order):
	 * the device capability's slot (its MMIO range: SYS_map it), the
	 * slots of its interrupt capabilities (first_irq_slot + i), and the
	 * node's compatible string so the libOS can pick its driver.
	 */
	uint32_t ndevices;
	struct {
		char name[32]; /* as written in the configuration */
		/* first compatible string of the node; for a UART, the
		 * first one include/rivet/uart_compat.h lists */
		char compat[32];
		uint32_t slot;
		uint32_t first_irq_slot;
		uint32_t nirqs;
		uint32_t mmio_offset;  /* of the registers in the first page */
		uint32_t reg_shift;    /* register i at + (i << reg_shift) */
		uint32_t reg_io_width; /* bytes per access: 1, 2 or 4 */
	} devices[4];
	/* rdinstret when the kernel took the last external interrupt that
	 * set one of this domain's bits (for make bench's irq_to_handler). */
	uint64_t irq_instret;
	uint64_t revoked_count;
	struct {
		uint32_t slot;
		uint32_t type;
		uint64_t object;
	} revoked[RIVET_REVOKED_RING];
	char name[32];
	char args[64]; /* the configuration's "args =" word, or empty */
	/* The configured channels this domain is an end of, in file order. */
	uint32_t nchannels;
	uint32_t pad1;
	struct {
		char peer[32];	     /* the other end's domain name */
		uint64_t va;	     /* where the shared frames are mapped */
		uint32_t size;	     /* bytes mapped (read-write) */
		uint32_t msg;	     /* message size the configuration states */
		uint32_t frame_slot; /* frame capability for the region */
		uint32_t notify_slot; /* notification capability for the peer */
		uint8_t bit;	  /* event bit the peer's notify sets here */
		uint8_t dir;	  /* RIVET_CHAN_BOTH / SEND / RECV */
		uint8_t owner;	  /* 1: this end's quota pays for the frames */
		uint8_t state;	  /* RIVET_CHAN_UP / PEER_DEAD / FAILED */
		uint32_t handoff; /* 1: a notify to a waiting peer runs it */
	} channels[RIVET_CHAN_MAX];
	/* The initramfs (`initramfs = yes`): user address of the archive's
	 * first byte and its length; both 0 without the key. */
	uint64_t initramfs;
	uint64_t initramfs_size;
	/*
	 * The configuration's `notify = NAME [BITS]` lines, in order: a
	 * notification capability for each named domain (SYS_notify_cap,
	 * SYS_yield_cap), badged with BITS. slot 0: none (the target did not
	 * start, or no slot was free: the boot log says which).
	 */
	uint32_t nnotify;
	uint32_t pad2;
	struct {
		char peer[32];	/* the target's name */
		uint64_t badge; /* the event bits the capability may set */
		uint32_t slot;	/* the notification capability */
		uint32_t pad;
	} notify[RIVET_NOTIFY_MAX];
};

/*
 * The registry: every domain, in id order (entry i is id i + 1). One page
 * the kernel keeps current and maps read-only into every domain at
 * RIVET_REGISTRY_VA, so a change of state is one store whatever the
 * number of domains.
 */
struct rivet_registry {
	uint32_t ndomains; /* entries valid in domains[] */
	uint32_t pad;
	struct {
		char name[32];
		uint32_t id;
		uint32_t state; /* RIVET_DOMAIN_* */
	} domains[16];
};

#endif

#define RIVET_DOMAIN_RUNNABLE 1
#define RIVET_DOMAIN_WAITING  2
#define RIVET_DOMAIN_EXITED   3
#define RIVET_DOMAIN_KILLED   4
/* Ended (exit or kill); what it held is still being returned (the
 * kernel's reaper, docs/isolation.md); RIVET_EVENT_PEER_EXIT has been
 * sent. EXITED or KILLED follows once all it held is back. */
#define RIVET_DOMAIN_ENDING 5
/* Being built by a spawn that is still running (in restartable pieces):
 * it has never run; RUNNABLE follows, or, if the spawn fails or its
 * spawner gives it up, ENDING while the kernel takes back what the build
 * took, then the entry is free (0). */
#define RIVET_DOMAIN_STARTING 6

#endif
