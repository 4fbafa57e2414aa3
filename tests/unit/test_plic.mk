# When the PLIC driver completes a claim, per variant (SiFive, T-Head /
# Andes) and trigger type, on a fake register block.
UNIT_TESTS += plic
UNIT_SRCS_plic := tests/unit/test_plic.c arch/riscv/plic_src.c
