# Hart-index masks cut into SBI hart_mask windows (one RFENCE per 64 ids).
UNIT_TESTS += hart_window
UNIT_SRCS_hart_window := tests/unit/test_hart_window.c arch/riscv/hart_window.c
