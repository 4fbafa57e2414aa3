/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

extern const char rivet_version[]; /* "0.1.0" */
extern const char rivet_git[];	   /* git describe of the build */
extern const char rivet_config[];  /* CONFIG_BOARD_NAME */

#endif
