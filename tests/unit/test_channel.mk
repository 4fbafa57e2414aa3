# Channel queues of libos/lib, built for the host as they are (one thread;
# test_channel_tsan.mk runs them under ThreadSanitizer with real threads).
UNIT_TESTS += channel
UNIT_SRCS_channel := tests/unit/test_channel.c libos/lib/channel.c libos/lib/channel_spin.c
