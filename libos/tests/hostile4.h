/* SPDX-License-Identifier: MIT */
/*
 * The roles of the fourth hostile review (tests/qemu/test_hostile4.py),
 * one file per attack (hostile4_*.c), listed once in hostile4.c so that
 * tests.c has a single table for them.
 */
#ifndef LIBOS_TESTS_HOSTILE4_H
#define LIBOS_TESTS_HOSTILE4_H

void role_h4_revoker(void); /* hostile4_revoke.c */
void role_h4_holder(void);
void role_h4_pool(void);    /* hostile4_pool.c */
void role_h4_ringown(void); /* hostile4_ring.c */
void role_h4_scribbler(void);
void role_h4_killer(void); /* hostile4_kill.c */
void role_h4_victim(void);
void role_h4_flooder(void);
void role_h4_waiter(void);

#endif
