// SPDX-License-Identifier: MIT
/*
 * The reader and machine description, built for test_fdt under other
 * names: libfdt, which the test compares against, exports fdt_getprop,
 * fdt_next_node and fdt_get_path too, with other signatures. Renaming ours
 * here keeps both in one program, and keeps libfdt's internal calls bound
 * to libfdt (an executable's symbol would otherwise interpose them).
 */
#define fdt_getprop   rivet_fdt_getprop
#define fdt_next_node rivet_fdt_next_node
#define fdt_get_path  rivet_fdt_get_path

#include "kernel/boot/fdt.c"
#include "kernel/boot/machine.c"
#include "kernel/boot/machine_addr.c"
#include "kernel/boot/machine_chosen.c"
#include "kernel/boot/machine_device.c"
#include "kernel/boot/machine_harts.c"
#include "kernel/boot/machine_irq.c"
#include "kernel/boot/machine_mem.c"
#include "kernel/boot/machine_uart.c"
