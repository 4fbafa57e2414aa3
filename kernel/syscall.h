/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

struct domain;

/*
 * What a handler returns (never a result: results are 0 or negative) when
 * it stopped part-way to keep the kernel's time per entry bounded: the
 * caller goes back to its ecall with a0..a7 as they were, takes whatever
 * interrupt is pending there, and makes the call again when it next runs.
 * The handler keeps what it needs to go on in the domain (restart_*).
 */
#define SYSCALL_RESTART 1

/* Runs the call in d's saved a7 with a0..a5; results go to a0/a1. */
void syscall_dispatch(struct domain *d);

#endif
