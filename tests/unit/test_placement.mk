# Placement of domains on harts: allowed sets, spread, ties.
UNIT_TESTS += placement
UNIT_SRCS_placement := tests/unit/test_placement.c kernel/sched/placement.c
