/* SPDX-License-Identifier: MIT */
/*
 * The platform lwIP is built for: a Rivet libOS, RV64, picolibc, no
 * threads. lwIP's lwip/arch.h includes this file by the name of this
 * folder and file, from the include path libos/net is on.
 */
#ifndef LIBOS_NET_ARCH_CC_H
#define LIBOS_NET_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

/* lwIP's own byte swaps are portable C; the compiler has one
 * instruction sequence for each. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16(x))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32(x))

/* DHCP transaction ids, TCP initial sequence numbers and ports. The
 * generator is seeded from the clock at start-up (net.c). */
#define LWIP_RAND() ((u32_t)rand())

/* An lwIP assertion is a bug in lwIP's use: report it and end the
 * domain (the kernel reclaims everything). */
#define LWIP_PLATFORM_ASSERT(x)                                                \
	do {                                                                   \
		printf("lwip: assertion \"%s\" failed at %s:%d\n", x,          \
		       __FILE__, __LINE__);                                    \
		exit(3);                                                       \
	} while (0)

#endif
