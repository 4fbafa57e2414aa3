/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TEST_HOOKS_H
#define KERNEL_TEST_HOOKS_H

#include <stdbool.h>

/* Runs the hook named by rivet.test=; weak so it may be left out. */
void test_hooks_run(const char *bootargs) __attribute__((weak));

/* rivet.test=hart-silent: secondary harts start but never report in, so
 * the boot test sees the boot hart give up on them. */
bool test_hook_hart_silent(void) __attribute__((weak));

/* rivet.test=hart-start-bad: hart_start is asked for a hart id no machine
 * has, so the firmware refuses it and the boot test sees the refusal. */
bool test_hook_hart_start_bad(void) __attribute__((weak));

/* rivet.test=hart-wrong-door: each secondary is first started at the
 * image's entry, as buggy firmware may do; head.S must stop it and the
 * boot hart start it again. */
bool test_hook_hart_wrong_door(void) __attribute__((weak));

/* rivet.test=hart-stray-bit: each domain's address space also gets the
 * hart-mask bit of a hart it is not placed on (kernel/sched/sched.c). */
bool test_hook_hart_stray_bit(void) __attribute__((weak));

#endif
