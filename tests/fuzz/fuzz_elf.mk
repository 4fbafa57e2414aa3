# ELF64 RISC-V image checks (libOS images from the initramfs).
FUZZ_TARGETS += elf
FUZZ_SRCS_elf := tests/fuzz/fuzz_elf.c kernel/boot/elf.c kernel/lib/strlcpy.c
