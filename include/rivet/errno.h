/* SPDX-License-Identifier: MIT */
/*
 * The one list of error codes shared by the kernel and libOSes.
 *
 * Every fallible call returns 0 (E_OK) or one of these negative values.
 * The kernel never keeps a global errno; codes travel in return values.
 * Logs print the number; this list is where it is looked up.
 */
#ifndef RIVET_ERRNO_H
#define RIVET_ERRNO_H

#define E_OK	 0
#define E_INVAL	 (-1)  /* an argument is out of its valid range */
#define E_NOMEM	 (-2)  /* no memory (quota or free frames) left */
#define E_RANGE	 (-3)  /* an address or length falls outside its bounds */
#define E_FORMAT (-4)  /* malformed input: device tree, cpio, config, ELF */
#define E_NOENT	 (-5)  /* the named thing does not exist */
#define E_PERM	 (-6)  /* the caller lacks the right */
#define E_NOSYS	 (-7)  /* no such call or feature */
#define E_BUSY	 (-8)  /* the resource is in use */
#define E_EXIST	 (-9)  /* the thing already exists */
#define E_TOOBIG (-10) /* more than a fixed limit allows */
#define E_TRUNC	 (-11) /* input ends before its structure does */
#define E_NOTSUP (-12) /* recognised but not supported here */

#define E_COUNT 13 /* number of codes, E_OK included */

#endif
