# The SPSC ring's adaptive spin (libos/lib/channel_spin.c), one thread:
# the policy and chan_spsc_wait with recording hooks.
UNIT_TESTS += channel_spin
UNIT_SRCS_channel_spin := tests/unit/test_channel_spin.c libos/lib/channel.c libos/lib/channel_spin.c
