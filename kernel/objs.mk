# Machine-independent kernel objects. Optional ones follow Kconfig:
# obj-$(CONFIG_X) expands to obj-y when X is set and to obj- otherwise.
obj-y += kernel/main.o
obj-y += kernel/version.o
obj-y += kernel/printk.o
obj-y += kernel/vsnprintf.o
obj-y += kernel/console.o
obj-y += kernel/panic.o
obj-y += kernel/ksyms.o
obj-y += kernel/fdt.o
obj-y += kernel/machine.o
obj-y += kernel/bootargs.o
obj-y += kernel/memmap.o
obj-y += kernel/frame.o
obj-y += kernel/mem.o
obj-y += kernel/cpu.o
obj-y += kernel/initramfs.o
obj-y += kernel/lib/string.o
obj-y += kernel/lib/strlcpy.o
obj-$(CONFIG_TEST_HOOKS) += kernel/test_hooks.o
obj-$(CONFIG_UART_8250) += kernel/drivers/uart_8250.o
obj-$(CONFIG_UART_SIFIVE) += kernel/drivers/uart_sifive.o
