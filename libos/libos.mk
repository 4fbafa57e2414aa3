# libOS images: librivet.a (libos/lib) and one ELF per app.
#
# To add an app NAME, put its sources in libos/NAME/ (*.c, *.S) and add
# NAME to LIBOS_APPS; it builds as $(O)/libos/NAME.elf, linked with
# librivet.a and picolibc. `make libos` builds them all.
#
# Libraries shared by several apps live in libos/LIB/ too, listed in
# LIBOS_LIBS and built as $(O)/libos/LIB/libLIB.a; an app links those
# named in LIBOS_USES_<app>, in that order (a library before the ones it
# uses). Their headers are included as <LIB/file.h>.

LIBOS_APPS := hello world tests bench benchsmp vmdemo blk console shell sysfuzz netecho httpd pingpong pipeline
LIBOS_LIBS := virtio net

# virtio: the virtio-mmio transport, split virtqueues and the I/O window.
# net: the virtio-net driver and lwIP (docs/net.md); it uses virtio.
LIBOS_USES_blk := virtio
LIBOS_USES_netecho := net virtio
LIBOS_USES_httpd := net virtio

LIBOS_CC      := $(CROSS_COMPILE)gcc
LIBOS_AR      := $(CROSS_COMPILE)ar
LIBOS_READELF := $(CROSS_COMPILE)readelf

# gp is reserved for the upcall resume path: no linker relaxation anywhere,
# so nothing is ever addressed through gp.
LIBOS_CFLAGS := --specs=picolibc.specs \
	-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax \
	-std=gnu11 -O2 -g -fno-common \
	-Wall -Wextra -Werror \
	-I$(srctree)/include -I$(srctree)/libos/include -I$(srctree)/libos \
	-MMD -MP
LIBOS_ASFLAGS := $(LIBOS_CFLAGS) -D__ASSEMBLY__

# picolibc's multilib is chosen from -march, and GCC 12 finds none for
# rv64imac_zicsr_zifencei (it falls back to the rv64gc/lp64d default), so
# the link names the plain ISA to get the rv64imac/lp64 libc.
LIBOS_LDFLAGS := --specs=picolibc.specs -march=rv64imac -mabi=lp64 \
	-nostartfiles -static -Wl,--no-relax -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -T libos/lib/libos.ld

LIBRIVET := $(O)/libos/lib/librivet.a
LIBRIVET_SRCS := $(wildcard libos/lib/*.c libos/lib/*.S)
LIBRIVET_OBJS := $(patsubst %,$(O)/%.o,$(basename $(LIBRIVET_SRCS)))

# Pure kernel modules librivet shares, so that one reader serves both
# sides and its unit tests and fuzz target cover both: the cpio reader
# (the initramfs, libos/lib/initramfs.c). Built from the kernel's tree.
LIBRIVET_SHARED := kernel/boot/cpio.c
LIBRIVET_OBJS += $(patsubst %.c,$(O)/libos/shared/%.o,$(LIBRIVET_SHARED))
$(O)/libos/lib/initramfs.o: LIBOS_CFLAGS += -iquote $(srctree)
# The VM manager's leaf fault handler may change only ra, t0, t1 and
# a0-a7 (rivet_exc_register_leaf): its file never uses t2-t6
# (scripts/check-exc-leaf checks the rest: no stack, no s-register).
$(O)/libos/lib/vm.o: LIBOS_CFLAGS += -ffixed-t2 -ffixed-t3 -ffixed-t4 \
	-ffixed-t5 -ffixed-t6

LIBOS_ELFS := $(foreach a,$(LIBOS_APPS),$(O)/libos/$(a).elf)
LIBOS_OBJS := $(LIBRIVET_OBJS)

# Objects depend on this file: that is where their flags live. These rules
# have a shorter stem than the kernel's $(O)/%.o rules, so make prefers them.
$(O)/libos/%.o: libos/%.c libos/libos.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(LIBOS_CC) $(LIBOS_CFLAGS) -c $< -o $@

$(O)/libos/%.o: libos/%.S libos/libos.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(LIBOS_CC) $(LIBOS_ASFLAGS) -c $< -o $@

$(O)/libos/shared/%.o: %.c libos/libos.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (librivet)")
	$(Q)$(LIBOS_CC) $(LIBOS_CFLAGS) -iquote $(srctree) -c $< -o $@

$(LIBRIVET): $(LIBRIVET_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@
	$(Q)$(LIBOS_AR) rcs $@ $^

# lwIP, from Debian's source package (scripts/fetch-lwip keeps it in a
# cache outside $(O), so make clean does not fetch it again). Only the
# parts the raw API needs for IPv4 are built; its configuration is
# libos/net/lwipopts.h and libos/net/arch/cc.h.
LWIP_DIR ?= $(shell scripts/fetch-lwip --path)
LWIP_SRCS := $(addprefix src/core/,def.c inet_chksum.c init.c ip.c mem.c \
	memp.c netif.c pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c \
	timeouts.c udp.c) \
	$(addprefix src/core/ipv4/,dhcp.c etharp.c icmp.c ip4.c ip4_addr.c \
	ip4_frag.c) src/netif/ethernet.c
LWIP_OBJS := $(patsubst %.c,$(O)/libos/net/lwip/%.o,$(LWIP_SRCS))
LWIP_INC := -I$(srctree)/libos/net -I$(LWIP_DIR)/src/include
# lwIP is someone else's code: its warnings are reported, not fatal, and
# -Wextra's unused-parameter ones (lwIP marks them its own way) are off.
LWIP_CFLAGS := $(filter-out -Werror,$(LIBOS_CFLAGS)) -Wno-unused-parameter \
	$(LWIP_INC)

$(LWIP_DIR)/src/core/tcp.c:
	$(Q)scripts/fetch-lwip >/dev/null

$(O)/libos/net/lwip/%.o: $(LWIP_DIR)/%.c libos/libos.mk libos/net/lwipopts.h | $(LWIP_DIR)/src/core/tcp.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      lwip/$*.c")
	$(Q)$(LIBOS_CC) $(LWIP_CFLAGS) -c $< -o $@

# The driver and lwIP glue see lwIP's headers; so do the apps using net.
$(O)/libos/net/%.o: LIBOS_CFLAGS += $(LWIP_INC)
$(O)/libos/net/%.o: | $(LWIP_DIR)/src/core/tcp.c
LIBOS_LIBOBJS_net := $(LWIP_OBJS)

# One archive per library of LIBOS_LIBS.
define libos_lib_rule
LIBOS_LIB_$(1) := $$(O)/libos/$(1)/lib$(1).a
LIBOS_LIBOBJS_$(1) += $$(patsubst %,$$(O)/%.o,$$(basename $$(wildcard libos/$(1)/*.c libos/$(1)/*.S)))
LIBOS_OBJS += $$(LIBOS_LIBOBJS_$(1))

$$(LIBOS_LIB_$(1)): $$(LIBOS_LIBOBJS_$(1))
	@$$(if $$(Q),echo "  AR      $$@")
	$$(Q)rm -f $$@
	$$(Q)$$(LIBOS_AR) rcs $$@ $$^
endef
$(foreach l,$(LIBOS_LIBS),$(eval $(call libos_lib_rule,$(l))))

# tests.elf's .data+.bss stays under a bound (scripts/check-test-image,
# docs/testing.md "Test buffers"): every domain and spawned child of the
# image pays for it.
LIBOS_CHECK_tests = $(PYTHON) scripts/check-test-image $@ || { rm -f $@; exit 1; }
$(O)/libos/tests.elf: scripts/check-test-image

# One link rule per app. The checks after the link refuse a segment that
# is writable and executable at once (the kernel would refuse to load
# it), and run the app's own LIBOS_CHECK_<app> if it has one.
define libos_app_rule
LIBOS_OBJS_$(1) := $$(patsubst %,$$(O)/%.o,$$(basename $$(wildcard libos/$(1)/*.c libos/$(1)/*.S))) \
	$$(LIBOS_GEN_OBJS_$(1))
ifneq ($$(filter net,$$(LIBOS_USES_$(1))),)
$$(O)/libos/$(1)/%.o: LIBOS_CFLAGS += $$(LWIP_INC)
$$(O)/libos/$(1)/%.o: | $$(LWIP_DIR)/src/core/tcp.c
endif
LIBOS_OBJS += $$(LIBOS_OBJS_$(1))

LIBOS_LINK_$(1) := $$(foreach l,$$(LIBOS_USES_$(1)),$$(LIBOS_LIB_$$(l)))

$$(O)/libos/$(1).elf: $$(LIBOS_OBJS_$(1)) $$(LIBOS_LINK_$(1)) $$(LIBRIVET) libos/lib/libos.ld libos/libos.mk
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(LIBOS_CC) $$(LIBOS_LDFLAGS) -o $$@ $$(LIBOS_OBJS_$(1)) $$(LIBOS_LINK_$(1)) $$(LIBRIVET)
	$$(Q)! $$(LIBOS_READELF) -lW $$@ | grep -q ' RWE ' || \
		{ echo "$$@: a segment is writable and executable" >&2; rm -f $$@; exit 1; }
	$$(if $$(LIBOS_CHECK_$(1)),$$(Q)$$(LIBOS_CHECK_$(1)))
endef
$(foreach a,$(LIBOS_APPS),$(eval $(call libos_app_rule,$(a))))

.PHONY: libos
libos: $(LIBOS_ELFS)

-include $(LIBOS_OBJS:.o=.d)
