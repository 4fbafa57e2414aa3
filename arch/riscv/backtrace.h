/* SPDX-License-Identifier: MIT */
/* Frame-pointer backtraces with symbol names from the embedded table. */
#ifndef ARCH_RISCV_BACKTRACE_H
#define ARCH_RISCV_BACKTRACE_H

#include <stdint.h>

struct trap_frame;

/* Prints "name+0xoff" for pc, or the bare address if unknown. */
void backtrace_print_symbol(uint64_t pc);
/* Walks the stack of the code that trapped. */
void backtrace_from_trap(const struct trap_frame *tf);
/* Walks the caller's own stack. */
void backtrace_here(void);

const char *trap_cause_name(unsigned long scause);
void trap_dump_registers(const struct trap_frame *tf);

#endif
