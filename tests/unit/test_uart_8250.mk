# The 8250-family drivers (kernel console and console libOS) against a
# fake register block: the XScale UART's IER.UUE (SpacemiT K1; QEMU has
# no such UART) and the plain 16550 bits next to it.
UNIT_TESTS += uart_8250 uart_8250_console
UNIT_SRCS_uart_8250 := tests/unit/test_uart_8250.c kernel/drivers/uart_8250.c
UNIT_SRCS_uart_8250_console := tests/unit/test_uart_8250_console.c \
	libos/console/uart.c libos/console/uart_16550.c \
	libos/console/uart_sifive.c libos/console/uart_scif.c
