# The console's parser of a console channel's messages: anything a
# domain writes into its out ring.
FUZZ_TARGETS += conline
FUZZ_SRCS_conline := tests/fuzz/fuzz_conline.c libos/console/conline.c
