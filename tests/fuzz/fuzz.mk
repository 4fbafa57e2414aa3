# libFuzzer targets, one per parser of untrusted input.
#
# To add one, write tests/fuzz/fuzz_NAME.mk with:
#               FUZZ_TARGETS += NAME
#               FUZZ_SRCS_NAME := tests/fuzz/fuzz_NAME.c kernel/....c
# and, if it needs them, FUZZ_CFLAGS_NAME (include paths, defines).
# Seeds live in tests/fuzz/corpus/NAME/ (and may be generated into
# $(O)/fuzz/seeds/NAME/ by the rule that builds them).

FUZZ_TARGETS :=

include $(wildcard tests/fuzz/fuzz_*.mk)

FUZZ_CC := clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-I$(srctree) -I$(srctree)/include -I$(srctree)/libos/include -DRIVET_HOST
FUZZ_BINS := $(addprefix $(O)/host/fuzz/fuzz_,$(FUZZ_TARGETS))

define fuzz_rule
$(O)/host/fuzz/fuzz_$(1): $$(FUZZ_SRCS_$(1)) $$(wildcard kernel/*.h kernel/*/*.h include/rivet/*.h libos/include/rivet/*.h)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_CFLAGS_$(1)) -o $$@ $$(FUZZ_SRCS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: build-fuzz
build-fuzz: $(FUZZ_BINS)
