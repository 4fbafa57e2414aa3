# Architecture objects (RISC-V, Sv39, S-mode under SBI).
obj-y += arch/riscv/head.o
obj-y += arch/riscv/early_map.o
obj-y += arch/riscv/trap.o
obj-y += arch/riscv/trap_entry.o
obj-y += arch/riscv/syscall_entry.o
obj-$(CONFIG_FAST_NOTIFY) += arch/riscv/notify_fast.o
obj-y += arch/riscv/backtrace.o
obj-y += arch/riscv/sbi.o
obj-y += arch/riscv/timer.o
obj-y += arch/riscv/pagetable.o
obj-y += arch/riscv/memtype.o
obj-y += arch/riscv/memtype_probe.o
obj-y += arch/riscv/vm.o

# early_map.c runs before the MMU is on: no jump tables (absolute addresses).
CFLAGS_early_map := -fno-jump-tables
obj-y += arch/riscv/uvm.o
obj-y += arch/riscv/uvm_fence.o
obj-y += arch/riscv/hart_window.o
obj-y += arch/riscv/fpu.o
obj-y += arch/riscv/ptview.o
obj-y += arch/riscv/uprotect.o
obj-y += arch/riscv/plic.o
obj-y += arch/riscv/plic_src.o
obj-y += arch/riscv/smp.o
