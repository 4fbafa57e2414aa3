/* SPDX-License-Identifier: MIT */
/*
 * The orderings the rings and registers need between the driver and the
 * device (virtio 1.x, 2.7.7 and 2.7.13): RISC-V fences, with the I/O
 * ones for register accesses. The host build (-DRIVET_HOST: the fuzz
 * targets, where the "device" is the same thread) needs only the
 * compiler not to reorder.
 */
#ifndef LIBOS_VIRTIO_BARRIER_H
#define LIBOS_VIRTIO_BARRIER_H

#ifdef RIVET_HOST
#define vio_fence(spec) __atomic_signal_fence(__ATOMIC_SEQ_CST)
#else
#define vio_fence(spec) __asm__ volatile("fence " spec ::: "memory")
#endif

#endif
