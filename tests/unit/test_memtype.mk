# The memory-type bits of page-table leaves per mode (PMA, T-Head
# XTheadMae), through pte.h's hook and pagetable.c's walks.
UNIT_TESTS += memtype
UNIT_SRCS_memtype := tests/unit/test_memtype.c arch/riscv/memtype.c \
	arch/riscv/pagetable.c
