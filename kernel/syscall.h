/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

struct domain;

/* Runs the call in d's saved a7 with a0..a5; results go to a0/a1. */
void syscall_dispatch(struct domain *d);

#endif
