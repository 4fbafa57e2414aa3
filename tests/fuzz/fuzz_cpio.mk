# cpio newc reader (the initramfs).
FUZZ_TARGETS += cpio
FUZZ_SRCS_cpio := tests/fuzz/fuzz_cpio.c kernel/boot/cpio.c kernel/lib/strlcpy.c
