# The submission ring's consumer, pure, against a hostile ring in memory.
UNIT_TESTS += ring_consume
UNIT_SRCS_ring_consume := tests/unit/test_ring_consume.c kernel/cap/ring_consume.c
