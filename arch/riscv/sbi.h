/* SPDX-License-Identifier: MIT */
/* Calls into the SBI firmware (OpenSBI) running in M-mode. */
#ifndef ARCH_RISCV_SBI_H
#define ARCH_RISCV_SBI_H

#include <stdbool.h>
#include <stdint.h>

#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR	 0x01
#define SBI_EXT_LEGACY_SHUTDOWN	 0x08
#define SBI_EXT_BASE		 0x10
#define SBI_EXT_TIME		 0x54494d45
#define SBI_EXT_HSM		 0x48534d
#define SBI_EXT_SRST		 0x53525354
#define SBI_EXT_DBCN		 0x4442434e
#define SBI_EXT_IPI		 0x735049
#define SBI_EXT_RFENCE		 0x52464e43

#define SBI_SRST_SHUTDOWN	0
#define SBI_SRST_COLD_REBOOT	1
#define SBI_SRST_REASON_NONE	0
#define SBI_SRST_REASON_FAILURE 1

#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2);

/* Probes the extensions used below; call once before the others. */
void sbi_init(void);
bool sbi_has(unsigned long ext);
void sbi_version(unsigned *major, unsigned *minor, unsigned long *impl_id,
		 unsigned long *impl_version);

void sbi_console_putc(char c);
void sbi_set_timer(uint64_t when);
long sbi_hart_status(unsigned long hartid);
/* HSM hart_start: hartid begins at start_pa (MMU off) with a0 = hartid,
 * a1 = opaque. Returns 0 or the SBI error (negative). */
long sbi_hart_start(unsigned long hartid, unsigned long start_pa,
		    unsigned long opaque);
/* IPI send_ipi: a supervisor software interrupt to the harts of the
 * mask (bit i: hart base + i). Returns 0 or the SBI error. */
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
/* RFENCE remote_sfence_vma on the harts of the mask: every ASID's
 * entries of [start, start + size); returns when they have fenced. */
long sbi_remote_sfence_vma(unsigned long hart_mask,
			   unsigned long hart_mask_base, unsigned long start,
			   unsigned long size);
/* RFENCE remote_sfence_vma_asid on the harts of the mask; returns when
 * they have fenced: 0 or the SBI error. */
long sbi_remote_sfence_vma_asid(unsigned long hart_mask,
				unsigned long hart_mask_base,
				unsigned long start, unsigned long size,
				unsigned long asid);
/* Asks the firmware to reset; returns only if it refused (the SBI error). */
long sbi_system_reset(unsigned long type, unsigned long reason);

const char *sbi_impl_name(unsigned long impl_id);

#endif
