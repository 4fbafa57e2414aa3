# Channel queues with real threads under ThreadSanitizer (clang): millions
# of messages, several producers and consumers.
UNIT_TSAN_TESTS += channel_tsan
UNIT_SRCS_channel_tsan := tests/unit/test_channel_tsan.c libos/lib/channel.c libos/lib/channel_spin.c
