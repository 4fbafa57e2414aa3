# The console's parser of a console channel's messages (libos/console).
UNIT_TESTS += conline
UNIT_SRCS_conline := tests/unit/test_conline.c libos/console/conline.c
