# Machine-independent kernel objects. Optional ones follow Kconfig:
# obj-$(CONFIG_X) expands to obj-y when X is set and to obj- otherwise.
obj-y += kernel/main.o
obj-y += kernel/version.o
obj-y += kernel/lib/printk.o
obj-y += kernel/lib/vsnprintf.o
obj-y += kernel/drivers/console.o
obj-y += kernel/lib/panic.o
obj-y += kernel/lib/ksyms.o
obj-y += kernel/boot/fdt.o
obj-y += kernel/boot/machine.o
obj-y += kernel/boot/machine_addr.o
obj-y += kernel/boot/machine_mem.o
obj-y += kernel/boot/machine_harts.o
obj-y += kernel/boot/machine_chosen.o
obj-y += kernel/boot/machine_irq.o
obj-y += kernel/boot/machine_uart.o
obj-y += kernel/boot/machine_device.o
obj-y += kernel/boot/bootargs.o
obj-y += kernel/boot/bootlayout.o
obj-y += kernel/mm/memmap.o
obj-y += kernel/mm/frame.o
obj-y += kernel/mm/frame_pool.o
obj-y += kernel/mm/frame_zero.o
obj-y += kernel/mm/mem.o
obj-y += kernel/boot/cpu.o
obj-y += kernel/boot/hart_start.o
obj-y += kernel/boot/initramfs.o
obj-y += kernel/boot/initramfs_map.o
obj-y += kernel/lib/string.o
obj-y += kernel/lib/strlcpy.o
obj-$(CONFIG_TEST_HOOKS) += kernel/test_hooks.o
obj-$(CONFIG_TRACE) += kernel/lib/trace.o
obj-$(CONFIG_UART_8250) += kernel/drivers/uart_8250.o
obj-$(CONFIG_UART_SIFIVE) += kernel/drivers/uart_sifive.o
obj-$(CONFIG_UART_SCIF) += kernel/drivers/uart_scif.o
obj-y += kernel/boot/cpio.o
obj-y += kernel/boot/bootconf.o
obj-y += kernel/boot/elf.o
obj-y += kernel/sched/domain.o
obj-y += kernel/sched/domain_create.o
obj-y += kernel/sched/domain_reap.o
obj-y += kernel/sched/sched.o
obj-y += kernel/sched/sched_deadline.o
obj-y += kernel/sched/sched_fpu.o
obj-y += kernel/sched/sched_idle.o
obj-y += kernel/sched/sched_strike.o
obj-y += kernel/sched/placement.o
obj-y += kernel/sched/bkl.o
obj-y += kernel/syscall.o
# The handlers the ordinary call path calls straight from the trap: leaves
# without a frame and tail calls (a fault's backtrace skips them; it still
# names the function they called).
CFLAGS_syscall := -fomit-frame-pointer -foptimize-sibling-calls
obj-y += kernel/entry.o
obj-y += kernel/mm/uaccess.o
obj-y += kernel/mm/protect.o
# protect_sys decodes and hands one page to uvm_protect_page as a tail
# call, with no frame: the write barrier's call (appel_* figures).
CFLAGS_protect := -fomit-frame-pointer -foptimize-sibling-calls
obj-y += kernel/boot/launch.o
obj-y += kernel/boot/domain_view.o
obj-y += kernel/cap/cap.o
obj-y += kernel/cap/cap_syscall.o
obj-y += kernel/cap/frame_cap.o
obj-y += kernel/cap/frame_alloc_map.o
obj-y += kernel/cap/frame_delete.o
obj-$(CONFIG_FAST_ALLOC_MAP) += kernel/cap/frame_alloc_map_step.o
# The walk the one-step paths share (frame_step.h).
obj-y += kernel/cap/frame_step.o
obj-$(CONFIG_FAST_MAP_STEP) += kernel/cap/map_step.o
obj-$(CONFIG_FAST_MAP_STEP) += kernel/cap/frame_alloc_step.o
# map's and frame_alloc's one steps, built as frame_alloc_map_step.o is
# (below): leaves with no frame, tail calls beyond them.
CFLAGS_map_step := -fomit-frame-pointer -foptimize-sibling-calls \
	-fsched-pressure
CFLAGS_frame_alloc_step := -fomit-frame-pointer -foptimize-sibling-calls \
	-fsched-pressure
# The demand fault's one step straight from the ordinary call path: a
# leaf without a frame, the general way a tail call, and instructions
# scheduled with the register pressure in mind, so that the step fits in
# a0-a7/t0/t1 and saves none of t2-t6 (kept for the caller: Makefile).
CFLAGS_frame_alloc_map_step := -fomit-frame-pointer -foptimize-sibling-calls \
	-fsched-pressure
# cap_delete_direct's one step is a leaf with no frame and no saved
# register; its other cases are tail calls. Scheduling before register
# allocation would hoist loads and make it save two (the munmap figures).
CFLAGS_frame_delete := -fomit-frame-pointer -foptimize-sibling-calls \
	-fno-schedule-insns
obj-y += kernel/cap/map_batch.o
obj-y += kernel/cap/ring.o
obj-y += kernel/cap/notify_conf.o
obj-y += kernel/cap/ring_consume.o
obj-y += kernel/cap/abort.o
obj-y += kernel/mm/quota.o
obj-y += kernel/cap/irq_cap.o
obj-y += kernel/lib/klog.o
obj-y += kernel/cap/spawn.o
obj-y += kernel/cap/notify_cap.o
obj-y += kernel/cap/channel.o
