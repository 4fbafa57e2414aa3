/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TEST_HOOKS_H
#define KERNEL_TEST_HOOKS_H

/* Runs the hook named by rivet.test=; weak so it may be left out. */
void test_hooks_run(const char *bootargs) __attribute__((weak));

#endif
