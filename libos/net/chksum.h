/* SPDX-License-Identifier: MIT */
/*
 * The Internet checksum (RFC 1071) for lwIP, with tables for data that
 * never changes. A server registers its static content once
 * (chksum_precompute); from then on the checksum of any piece of it, at
 * any offset and of any length, costs a table lookup and at most two
 * short partial sums instead of a pass over the bytes. This is the
 * Cheetah specialisation of precomputed checksums (docs/net.md): lwIP
 * sums each segment's payload through LWIP_CHKSUM (lwipopts.h), which is
 * chksum_sum.
 */
#ifndef LIBOS_NET_CHKSUM_H
#define LIBOS_NET_CHKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Bytes per table entry: a lookup sums at most 2 * CHKSUM_STEP - 2
 * bytes itself. Even, so each entry starts a 16-bit word. */
#define CHKSUM_STEP 64
/* Regions registered at most. */
#define CHKSUM_REGIONS 16

/*
 * The one's complement sum of len bytes at data, 16-bit words paired
 * from data on, in host order, not inverted: lwIP's LWIP_CHKSUM
 * contract (lwip_standard_chksum). From the tables when the bytes lie
 * inside a registered region, by lwip_standard_chksum otherwise.
 */
uint16_t chksum_sum(const void *data, int len);

/*
 * Registers len bytes at data, which must never change afterwards, and
 * builds their table (2 bytes per CHKSUM_STEP, from the heap). Returns
 * 0; E_INVAL for an empty region; E_TOOBIG when CHKSUM_REGIONS are taken;
 * E_NOMEM when the heap cannot hold the table.
 */
int chksum_precompute(const void *data, size_t len);

/* lwIP's own summing loop (inet_chksum.c, LWIP_CHKSUM_ALGORITHM 2):
 * the fallback, and what the tables are built with. */
uint16_t lwip_standard_chksum(const void *dataptr, int len);

/* Bytes summed from tables so far (for /_rivet/stats and the tests). */
extern unsigned long chksum_table_bytes;

#endif
