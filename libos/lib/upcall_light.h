/* SPDX-License-Identifier: MIT */
/*
 * The light exception entry's handler table, shared by its assembly
 * (upcall_entry.S) and its C (upcall.c): one 16-byte entry, handler then
 * argument, per exception code below RIVET_EXC_LIGHT_CODES.
 */
#ifndef LIBOS_UPCALL_LIGHT_H
#define LIBOS_UPCALL_LIGHT_H

#define RIVET_EXC_LIGHT_CODES 16

#endif
