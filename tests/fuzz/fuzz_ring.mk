# The submission ring's consumer: a domain that writes anything into its
# ring's entries and counters between and during submits.
FUZZ_TARGETS += ring
FUZZ_SRCS_ring := tests/fuzz/fuzz_ring.c kernel/cap/ring_consume.c
