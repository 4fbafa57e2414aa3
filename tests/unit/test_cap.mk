UNIT_TESTS += cap
UNIT_SRCS_cap := tests/unit/test_cap.c kernel/cap/cap.c
