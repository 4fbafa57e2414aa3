# /etc/rivet.conf parser: good files, every error path and the policy.
UNIT_TESTS += bootconf
UNIT_SRCS_bootconf := tests/unit/test_bootconf.c kernel/boot/bootconf.c \
	kernel/lib/strlcpy.c kernel/lib/vsnprintf.c
