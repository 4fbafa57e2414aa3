/* SPDX-License-Identifier: MIT */
/*
 * A fake RZ/G2L SCIF register block for the SCIF driver tests: plain
 * memory at the offsets of include/rivet/uart_scif.h. Status flags that
 * hardware clears by "write 0 after reading 1" are modelled by the tests
 * reading back what the driver wrote.
 */
#ifndef TESTS_UNIT_SCIF_FAKE_H
#define TESTS_UNIT_SCIF_FAKE_H

#include <stdint.h>
#include <string.h>

#include <rivet/uart_scif.h>

static _Alignas(8) volatile uint8_t scif[0x20];

static inline uint16_t scif_rd16(unsigned off)
{
	return *(volatile uint16_t *)(scif + off);
}

static inline void scif_wr16(unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(scif + off) = v;
}

/* Every register 0, then SCSCR = scr. */
static inline void scif_reset(uint16_t scr)
{
	memset((void *)scif, 0, sizeof(scif));
	scif_wr16(SCIF_SCSCR, scr);
}

#endif
