UNIT_TESTS += frame
UNIT_SRCS_frame := tests/unit/test_frame.c kernel/mm/frame.c kernel/mm/frame_pool.c
