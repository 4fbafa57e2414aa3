UNIT_TESTS += frame_pool
UNIT_SRCS_frame_pool := tests/unit/test_frame_pool.c kernel/mm/frame.c kernel/mm/frame_pool.c
