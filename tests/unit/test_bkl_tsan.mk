# The big kernel lock (kernel/sched/bkl.c) with real threads under
# ThreadSanitizer: exclusion, and the starving hart's claim on the next turn.
UNIT_TSAN_TESTS += bkl_tsan
UNIT_SRCS_bkl_tsan := tests/unit/test_bkl_tsan.c kernel/sched/bkl.c
