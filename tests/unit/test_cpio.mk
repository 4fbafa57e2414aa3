# cpio newc reader, against archives written here and by GNU cpio.
UNIT_TESTS += cpio
UNIT_SRCS_cpio := tests/unit/test_cpio.c kernel/boot/cpio.c kernel/lib/strlcpy.c \
	kernel/lib/vsnprintf.c
