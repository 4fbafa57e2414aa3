UNIT_TESTS += pagetable
UNIT_SRCS_pagetable := tests/unit/test_pagetable.c arch/riscv/pagetable.c \
	arch/riscv/memtype.c
