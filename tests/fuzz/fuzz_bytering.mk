# The shared byte queue: a peer that writes anything into the counters.
FUZZ_TARGETS += bytering
FUZZ_SRCS_bytering := tests/fuzz/fuzz_bytering.c libos/lib/bytering.c
