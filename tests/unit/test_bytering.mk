# The shared byte queue of libos/lib, built for the host as it is.
UNIT_TESTS += bytering
UNIT_SRCS_bytering := tests/unit/test_bytering.c libos/lib/bytering.c
