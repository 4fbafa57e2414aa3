/* SPDX-License-Identifier: MIT */
/*
 * Register map of the Renesas SCIF, RZ/G2L family (RZ/Five, RZ/G2L), from
 * their hardware manuals: byte offsets and the bits Rivet uses. Shared by
 * the kernel console (kernel/drivers/uart_scif.c) and the console libOS
 * (libos/console/uart_scif.c). Other SCIF families (R-Car, SH) put the
 * same registers at other offsets.
 */
#ifndef RIVET_UART_SCIF_H
#define RIVET_UART_SCIF_H

#define SCIF_SCSMR  0x00 /* 16-bit: serial mode (firmware's) */
#define SCIF_SCBRR  0x02 /* 8-bit: bit rate (firmware's) */
#define SCIF_SCSCR  0x04 /* 16-bit: serial control */
#define SCIF_SCFTDR 0x06 /* 8-bit: transmit FIFO data */
#define SCIF_SCFSR  0x08 /* 16-bit: serial status */
#define SCIF_SCFRDR 0x0a /* 8-bit: receive FIFO data */
#define SCIF_SCFCR  0x0c /* 16-bit: FIFO control */
#define SCIF_SCFDR  0x0e /* 16-bit: FIFO data counts */
#define SCIF_SCLSR  0x12 /* 16-bit: line status */

#define SCIF_FIFO 16 /* bytes in each FIFO */

/* SCSCR */
#define SCSCR_TIE  (1u << 7) /* transmit interrupt (TXI) enable */
#define SCSCR_RIE  (1u << 6) /* receive interrupts (RXI, ERI, BRI) enable */
#define SCSCR_TE   (1u << 5) /* transmitter on */
#define SCSCR_RE   (1u << 4) /* receiver on */
#define SCSCR_REIE (1u << 3) /* receive error interrupts without RXI */

/* SCFSR: a flag is cleared by writing 0 after reading it as 1; writing 1
 * leaves it alone. */
#define SCFSR_ER   (1u << 7) /* receive error (framing or parity) */
#define SCFSR_TEND (1u << 6) /* transmission ended: FIFO and shifter empty */
#define SCFSR_TDFE (1u << 5) /* transmit FIFO at or below its trigger */
#define SCFSR_BRK  (1u << 4) /* break received */
#define SCFSR_FER  (1u << 3) /* framing error */
#define SCFSR_PER  (1u << 2) /* parity error */
#define SCFSR_RDF  (1u << 1) /* receive FIFO at or above its trigger */
#define SCFSR_DR   (1u << 0) /* data ready: bytes left below the trigger */

/* SCFDR: bytes waiting in each FIFO. */
#define SCFDR_TX(v) (((v) >> 8) & 0x1fu)
#define SCFDR_RX(v) ((v)&0x1fu)

/* SCLSR */
#define SCLSR_ORER (1u << 0) /* receive overrun */

#endif
