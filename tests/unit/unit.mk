# Host unit tests (cmocka). Each test NAME is tests/unit/test_NAME.c linked
# with the pure kernel modules it checks, built with ASan and UBSan.
#
# To add one, write tests/unit/test_NAME.mk with:
#               UNIT_TESTS += NAME
#               UNIT_SRCS_NAME := tests/unit/test_NAME.c kernel/....c
#               UNIT_LIBS_NAME := -lfdt      (optional)
#
# A test with real threads is built instead with clang and ThreadSanitizer
# (which cannot be combined with ASan): UNIT_TSAN_TESTS += NAME, the rest
# as above. Both kinds land in host/tests/ and run the same way.

UNIT_TESTS :=
UNIT_TSAN_TESTS :=

include $(wildcard tests/unit/test_*.mk)

UNIT_BINS := $(addprefix $(O)/host/tests/test_,$(UNIT_TESTS) $(UNIT_TSAN_TESTS))
UNIT_TSAN_CC := clang
UNIT_TSAN := -fsanitize=thread -pthread -fno-omit-frame-pointer

define unit_rule
$(O)/host/tests/test_$(1): $$(UNIT_SRCS_$(1)) $$(wildcard kernel/*.h kernel/*/*.h arch/riscv/*.h include/rivet/*.h libos/include/rivet/*.h tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTCC  $$@")
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$(HOST_SAN) -o $$@ $$(UNIT_SRCS_$(1)) -lcmocka $$(UNIT_LIBS_$(1))
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

define unit_tsan_rule
$(O)/host/tests/test_$(1): $$(UNIT_SRCS_$(1)) $$(wildcard kernel/*.h kernel/*/*.h include/rivet/*.h libos/include/rivet/*.h tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  TSANCC  $$@")
	$$(Q)$$(UNIT_TSAN_CC) $$(HOST_CFLAGS) $$(UNIT_TSAN) -o $$@ $$(UNIT_SRCS_$(1)) -lcmocka $$(UNIT_LIBS_$(1))
endef
$(foreach t,$(UNIT_TSAN_TESTS),$(eval $(call unit_tsan_rule,$(t))))

.PHONY: build-unit
build-unit: $(UNIT_BINS)
