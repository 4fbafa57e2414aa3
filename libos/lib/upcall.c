/* SPDX-License-Identifier: MIT */
/*
 * Upcall dispatch: the C half of the exception entry (upcall_entry.S), the
 * table of handlers, the default lazy-FP handler, and the registration of
 * the entries with the kernel.
 */
#include <stddef.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "libos_internal.h"
#include "upcall_light.h"

/* The assembly uses these offsets: keep them equal to the structure. */
_Static_assert(offsetof(struct rivet_upcall, in_upcall) == UPCALL_IN_UPCALL,
	       "UPCALL_IN_UPCALL");
_Static_assert(offsetof(struct rivet_upcall, cause) == UPCALL_CAUSE,
	       "UPCALL_CAUSE");
_Static_assert(offsetof(struct rivet_upcall, epc) == UPCALL_EPC, "UPCALL_EPC");
_Static_assert(offsetof(struct rivet_upcall, tval) == UPCALL_TVAL,
	       "UPCALL_TVAL");
_Static_assert(offsetof(struct rivet_upcall, t0) == UPCALL_T0, "UPCALL_T0");
_Static_assert(offsetof(struct rivet_upcall, t1) == UPCALL_T1, "UPCALL_T1");
_Static_assert(offsetof(struct rivet_upcall, save) == UPCALL_SAVE,
	       "UPCALL_SAVE");
_Static_assert(sizeof(((struct rivet_upcall *)0)->save) == 32 * 8,
	       "save[] holds x0..x31");

/* Exception codes (scause, synchronous) that the kernel reflects. */
#define EXC_ILLEGAL_INSN 2

/*
 * Handler slots: exception codes 0..15 map to themselves, the kernel's own
 * causes RIVET_UPCALL_SLICE_END + n to 16 + n.
 */
#define EXC_CODES    16
#define UPCALL_SLOTS 16
#define NSLOTS	     (EXC_CODES + UPCALL_SLOTS)

static struct {
	rivet_exc_handler fn;
	void *arg;
} handlers[NSLOTS];

/* The light entry's handlers (upcall_entry.S reads them): a cause has a
 * handler here or in handlers[], never both. */
extern char exc_stack_top[], __tls_base[]; /* upcall_entry.S, the link */

struct light_handler {
	rivet_exc_handler fn;
	void *arg;
};
#define rivet_light_handlers                                                   \
	((struct light_handler *)(RIVET_UPCALL_VA + RIVET_LIGHT_TABLE))
_Static_assert(sizeof(struct light_handler) == 16, "upcall_entry.S: 16 bytes");
_Static_assert(RIVET_LIGHT_TABLE >= sizeof(struct rivet_upcall) &&
		       RIVET_LIGHT_TABLE + 16 * RIVET_EXC_LIGHT_CODES <=
			       4096 && /* the area: one page */
		       RIVET_LIGHT_TP + 8 <= 2048 &&
		       RIVET_LIGHT_SP >=
			       RIVET_LIGHT_TABLE + 16 * RIVET_EXC_LIGHT_CODES,
	       "past the area's struct, in its page, a load's offset");
_Static_assert(RIVET_EXC_LIGHT_CODES == EXC_CODES, "light: exception codes");
#define rivet_light_leaves                                                     \
	((struct light_handler *)(RIVET_UPCALL_VA + RIVET_LIGHT_LEAF))
_Static_assert(RIVET_LIGHT_LEAF >= RIVET_LIGHT_TP + 8 &&
		       RIVET_LIGHT_LEAF + 16 * RIVET_EXC_LIGHT_CODES <= 2048,
	       "leaves: past tp, a load's offset");

/* Set once SYS_fp_enable has succeeded: FP faults after that are real. */
static int fp_on;

/* The slot for cause, or -1 if cause has none. */
static int cause_slot(unsigned long cause)
{
	if (cause < EXC_CODES)
		return (int)cause;
	if (cause >= RIVET_UPCALL_SLICE_END &&
	    cause < RIVET_UPCALL_SLICE_END + UPCALL_SLOTS)
		return (int)(EXC_CODES + cause - RIVET_UPCALL_SLICE_END);
	return -1;
}

int rivet_exc_register(unsigned long cause, rivet_exc_handler h, void *arg)
{
	int slot = cause_slot(cause);

	if (slot < 0 || cause == RIVET_UPCALL_SLICE_END)
		return E_INVAL;
	/* Cooperative threads and no nested upcalls: no race to guard. */
	if (cause < EXC_CODES) {
		rivet_light_leaves[cause].fn = NULL;
		rivet_light_handlers[cause].fn = NULL;
	}
	handlers[slot].fn = h;
	handlers[slot].arg = arg;
	return 0;
}

int rivet_exc_register_light(unsigned long cause, rivet_exc_handler h,
			     void *arg)
{
	if (cause >= EXC_CODES)
		return E_INVAL;
	rivet_light_leaves[cause].fn = NULL;
	handlers[cause].fn = NULL;
	/* The light entry's stack and tp, before any handler can run. */
	*(uintptr_t *)(RIVET_UPCALL_VA + RIVET_LIGHT_SP) =
		(uintptr_t)exc_stack_top;
	*(uintptr_t *)(RIVET_UPCALL_VA + RIVET_LIGHT_TP) =
		(uintptr_t)__tls_base;
	rivet_light_handlers[cause].arg = arg;
	rivet_light_handlers[cause].fn = h;
	return 0;
}

int rivet_exc_register_leaf(unsigned long cause, rivet_exc_leaf leaf)
{
	if (cause >= EXC_CODES)
		return E_INVAL;
	/* The same word's type as the table's: the entry calls either. */
	rivet_light_leaves[cause].fn = (rivet_exc_handler)(uintptr_t)leaf;
	return 0;
}

static const char *cause_name(unsigned long cause)
{
	static const char *const names[EXC_CODES] = {
		[0] = "instruction misaligned",
		[1] = "instruction access fault",
		[2] = "illegal instruction",
		[3] = "breakpoint",
		[4] = "load misaligned",
		[5] = "load access fault",
		[6] = "store misaligned",
		[7] = "store access fault",
		[8] = "ecall from U-mode",
		[12] = "instruction page fault",
		[13] = "load page fault",
		[15] = "store page fault",
	};

	if (cause < EXC_CODES && names[cause])
		return names[cause];
	if (cause == RIVET_UPCALL_FP_OFF)
		return "FP disabled";
	return "unknown cause";
}

/*
 * Called by rivet_exc_entry on the exception stack with u->save[] holding
 * the interrupted registers. Returns to resume at u->epc with them; an
 * unhandled exception ends the domain instead.
 */
void rivet_upcall_dispatch(struct rivet_upcall *u)
{
	unsigned long cause = u->cause;
	int slot = cause_slot(cause);

	if (slot >= 0 && handlers[slot].fn &&
	    handlers[slot].fn(u, handlers[slot].arg) == 0)
		return;

	rivet_console_flush();
	printf("%s: unhandled %s (cause %#lx) at epc %#lx, tval %#lx\n",
	       rivet_info()->name, cause_name(cause), cause,
	       (unsigned long)u->epc, (unsigned long)u->tval);
	rivet_exit(-(int)cause);
}

/*
 * Is the instruction at pc one that needs the FP unit? Reads it 16 bits at
 * a time: pc may be only 2-aligned, and a misaligned load here would be a
 * fault inside the handler, which kills the domain.
 */
static int insn_is_fp(uintptr_t pc)
{
	const volatile uint16_t *p = (const volatile uint16_t *)pc;
	uint32_t insn = p[0];
	uint32_t opcode, funct3, csr;

	if ((insn & 3) != 3) {
		/* Compressed: c.fld/c.fsd (quadrant 0), c.fldsp/c.fsdsp
		 * (quadrant 2), funct3 001 and 101. RV64 has no c.flw. */
		funct3 = (insn >> 13) & 7;
		return ((insn & 3) == 0 || (insn & 3) == 2) &&
		       (funct3 == 1 || funct3 == 5);
	}
	insn |= (uint32_t)p[1] << 16;
	opcode = insn & 0x7f;
	switch (opcode) {
	case 0x07: /* LOAD-FP */
	case 0x27: /* STORE-FP */
	case 0x43: /* FMADD */
	case 0x47: /* FMSUB */
	case 0x4b: /* FNMSUB */
	case 0x4f: /* FNMADD */
	case 0x53: /* OP-FP */
		return 1;
	case 0x73: /* SYSTEM: csrr* of fflags, frm, fcsr */
		funct3 = (insn >> 12) & 7;
		csr = insn >> 20;
		return funct3 != 0 && funct3 != 4 && csr >= 1 && csr <= 3;
	default:
		return 0;
	}
}

int rivet_fp_lazy_handler(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	if (fp_on)
		return 1; /* FP is on: the instruction is illegal for real */
	if (u->cause != RIVET_UPCALL_FP_OFF && !insn_is_fp(u->epc))
		return 1;
	if (sys_fp_enable() != 0)
		return 1;
	fp_on = 1;
	return 0; /* retry the same instruction */
}

/* The entries in upcall_entry.S. */
extern char rivet_exc_light_entry[], rivet_slice_entry[];
extern char rivet_upcall_resume[], rivet_upcall_resume_end[];

void rivet_upcall_init(void)
{
	long rc;

	rivet_exc_register(EXC_ILLEGAL_INSN, rivet_fp_lazy_handler, NULL);
	rivet_exc_register(RIVET_UPCALL_FP_OFF, rivet_fp_lazy_handler, NULL);
	rc = sys_upcall_set((unsigned long)rivet_exc_light_entry,
			    (unsigned long)rivet_slice_entry,
			    (unsigned long)rivet_upcall_resume,
			    (unsigned long)rivet_upcall_resume_end);
	if (rc)
		printf("librivet: upcall_set failed (%ld): exceptions will "
		       "kill this domain\n",
		       rc);
}
