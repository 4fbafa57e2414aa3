UNIT_TESTS += bootlayout
UNIT_SRCS_bootlayout := tests/unit/test_bootlayout.c kernel/boot/bootlayout.c
