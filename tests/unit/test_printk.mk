UNIT_TESTS += printk
UNIT_SRCS_printk := tests/unit/test_printk.c kernel/lib/vsnprintf.c
