# Channel queues: a peer that writes anything into the shared page.
FUZZ_TARGETS += channel
FUZZ_SRCS_channel := tests/fuzz/fuzz_channel.c libos/lib/channel.c libos/lib/channel_spin.c
