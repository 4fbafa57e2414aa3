// SPDX-License-Identifier: MIT
/* SBI calls: the base, TIME, HSM, IPI, RFENCE, SRST and DBCN extensions,
 * legacy fallbacks. */
#include "arch/riscv/sbi.h"

static bool has_time, has_hsm, has_srst, has_dbcn;
static long spec_version;

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){ .error = (long)r0, .value = (long)r1 };
}

static bool sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);

	return r.error == 0 && r.value != 0;
}

void sbi_init(void)
{
	spec_version = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
	has_time = sbi_probe(SBI_EXT_TIME);
	has_hsm = sbi_probe(SBI_EXT_HSM);
	has_srst = sbi_probe(SBI_EXT_SRST);
	has_dbcn = sbi_probe(SBI_EXT_DBCN);
}

bool sbi_has(unsigned long ext)
{
	switch (ext) {
	case SBI_EXT_TIME:
		return has_time;
	case SBI_EXT_HSM:
		return has_hsm;
	case SBI_EXT_SRST:
		return has_srst;
	case SBI_EXT_DBCN:
		return has_dbcn;
	default:
		return sbi_probe(ext);
	}
}

void sbi_version(unsigned *major, unsigned *minor, unsigned long *impl_id,
		 unsigned long *impl_version)
{
	*major = (unsigned)(spec_version >> 24) & 0x7f;
	*minor = (unsigned)spec_version & 0xffffff;
	*impl_id = (unsigned long)sbi_call(SBI_EXT_BASE, 1, 0, 0, 0).value;
	*impl_version = (unsigned long)sbi_call(SBI_EXT_BASE, 2, 0, 0, 0).value;
}

const char *sbi_impl_name(unsigned long impl_id)
{
	switch (impl_id) {
	case 0:
		return "BBL";
	case 1:
		return "OpenSBI";
	case 2:
		return "Xvisor";
	case 3:
		return "KVM";
	case 4:
		return "RustSBI";
	case 5:
		return "Diosix";
	default:
		return "unknown";
	}
}

void sbi_console_putc(char c)
{
	/* DBCN write_byte (SBI 2.0) where present, else the legacy call. */
	if (has_dbcn) {
		sbi_call(SBI_EXT_DBCN, 2, (unsigned char)c, 0, 0);
		return;
	}
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

void sbi_set_timer(uint64_t when)
{
	if (has_time)
		sbi_call(SBI_EXT_TIME, 0, when, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, when, 0, 0);
}

long sbi_hart_status(unsigned long hartid)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);

	return r.error ? r.error : r.value;
}

long sbi_hart_start(unsigned long hartid, unsigned long start_pa,
		    unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hartid, start_pa, opaque).error;
}

long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0).error;
}

/* An RFENCE call: five arguments, more than sbi_call() passes. FID 1
 * (sfence.vma) ignores asid in a4. */
static long sbi_rfence(unsigned long fid, unsigned long hart_mask,
		       unsigned long hart_mask_base, unsigned long start,
		       unsigned long size, unsigned long asid)
{
	register unsigned long r3 __asm__("a3") = size;
	register unsigned long r4 __asm__("a4") = asid;
	register unsigned long r0 __asm__("a0") = hart_mask;
	register unsigned long r1 __asm__("a1") = hart_mask_base;
	register unsigned long r2 __asm__("a2") = start;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = SBI_EXT_RFENCE;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7)
			 : "memory");
	return (long)r0;
}

long sbi_remote_sfence_vma(unsigned long hart_mask,
			   unsigned long hart_mask_base, unsigned long start,
			   unsigned long size)
{
	return sbi_rfence(1, hart_mask, hart_mask_base, start, size, 0);
}

long sbi_remote_sfence_vma_asid(unsigned long hart_mask,
				unsigned long hart_mask_base,
				unsigned long start, unsigned long size,
				unsigned long asid)
{
	return sbi_rfence(2, hart_mask, hart_mask_base, start, size, asid);
}

long sbi_system_reset(unsigned long type, unsigned long reason)
{
	if (has_srst)
		return sbi_call(SBI_EXT_SRST, 0, type, reason, 0).error;
	if (type == SBI_SRST_SHUTDOWN)
		sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	return -2; /* SBI_ERR_NOT_SUPPORTED */
}
