UNIT_TESTS += bootargs
UNIT_SRCS_bootargs := tests/unit/test_bootargs.c kernel/boot/bootargs.c \
	kernel/lib/strlcpy.c
