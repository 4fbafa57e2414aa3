/* SPDX-License-Identifier: MIT */
/*
 * The light exception entry's handler table, shared by its assembly
 * (upcall_entry.S) and its C (upcall.c): one 16-byte entry, handler then
 * argument, per exception code below RIVET_EXC_LIGHT_CODES.
 *
 * It lives in the upcall area's page at RIVET_LIGHT_TABLE, past struct
 * rivet_upcall (the rest of that page is the libOS's: include/rivet/
 * abi.h): the entry, which has the area in gp already, finds an entry
 * with one add, where the table's own address took an auipc/addi pair.
 * The page starts zeroed: no handler. Past the table, the stack and tp
 * the entry gives a handler (rivet_exc_register_light writes them before
 * the first handler): one load each instead of an auipc/addi pair; then
 * the leaf handlers.
 */
#ifndef LIBOS_UPCALL_LIGHT_H
#define LIBOS_UPCALL_LIGHT_H

#define RIVET_EXC_LIGHT_CODES 16
#define RIVET_LIGHT_TABLE     0x400 /* offset in the upcall area's page */
#define RIVET_LIGHT_SP	      (RIVET_LIGHT_TABLE + 16 * RIVET_EXC_LIGHT_CODES)
#define RIVET_LIGHT_TP	      (RIVET_LIGHT_SP + 8)
/* The leaf handlers (rivet_exc_register_leaf): one per code, 16 bytes
 * apart like the table's entries (the second word unused), so that the
 * entry finds both with the same index. */
#define RIVET_LIGHT_LEAF (RIVET_LIGHT_TP + 8)

#endif
