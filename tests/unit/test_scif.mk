# The Renesas SCIF drivers (kernel console and console libOS) against a
# fake register block: QEMU has no machine with this UART.
UNIT_TESTS += scif scif_console
UNIT_SRCS_scif := tests/unit/test_scif.c kernel/drivers/uart_scif.c
UNIT_SRCS_scif_console := tests/unit/test_scif_console.c libos/console/uart.c \
	libos/console/uart_scif.c libos/console/uart_16550.c libos/console/uart_sifive.c
UNIT_LIBS_scif := -lpthread
