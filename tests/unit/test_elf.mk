# ELF64 RISC-V image checks, against images written here and one built by
# the cross compiler at test time (skipped when it is missing).
UNIT_TESTS += elf
UNIT_SRCS_elf := tests/unit/test_elf.c kernel/boot/elf.c kernel/lib/strlcpy.c \
	kernel/lib/vsnprintf.c
