/* SPDX-License-Identifier: MIT */
/* What the benchmark libOS's files share (libos/bench/bench.c). */
#ifndef LIBOS_BENCH_BENCH_H
#define LIBOS_BENCH_BENCH_H

#include <stdint.h>

#define N 1000

/* Prints value = total / n with one decimal, from integers only. */
void bench_print_n(const char *name, int64_t total, int64_t n,
		   const char *unit);

/* The loop baseline for calls: a function that only returns. */
long empty_call(long x);

/* Appel & Li's user-level VM benchmarks over SYS_protect (appel.c). */
void bench_appel(void);

/* mmap_touch_munmap: one page through the VM manager (mmap.c). */
void bench_mmap(void);

/* The submission ring: n maps of slots[i] at va + i pages in one
 * ring_submit, n <= 256 (ring.c); the pages are left mapped. */
void bench_ring(const unsigned long *slots, unsigned long va, int n);

#endif
