# /etc/rivet.conf parser.
FUZZ_TARGETS += bootconf
FUZZ_SRCS_bootconf := tests/fuzz/fuzz_bootconf.c kernel/boot/bootconf.c \
	kernel/lib/strlcpy.c kernel/lib/vsnprintf.c
