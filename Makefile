# Rivet top-level Makefile. `make help` lists the targets.
#
# Output goes to $(O) (default build/). V=1 shows every command.

RIVET_VERSION := 0.1.0
export RIVET_VERSION

O ?= build
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

srctree := $(CURDIR)
export srctree

CROSS_COMPILE ?= riscv64-unknown-elf-
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM      := $(CROSS_COMPILE)nm
HOSTCC  ?= gcc
PYTHON  := /usr/bin/python3
QEMU    := qemu-system-riscv64
FW_JUMP := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
FW_DYNAMIC := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
UBOOT   := /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin

KCONFIG_CONFIG := $(O)/.config
export KCONFIG_CONFIG
AUTOCONF := $(O)/include/generated/autoconf.h

GIT_DESC := $(shell git -C $(srctree) describe --always --dirty 2>/dev/null || echo unknown)

# Goals that must not trigger a kernel build or read .config.
CONFIG_GOALS := menuconfig defconfig %_defconfig olddefconfig savedefconfig
NODEP_GOALS  := help clean distclean install-deps libos check-conf $(CONFIG_GOALS)

.DEFAULT_GOAL := all
.PHONY: all help clean distclean install-deps check-deps check-conf

# A partly written output is never left behind to break the next run.
.DELETE_ON_ERROR:

# Install missing packages before make reads or remakes anything: the
# include below remakes $(KCONFIG_CONFIG) with kconfiglib before any
# target's prerequisites run, so a check-deps prerequisite comes too late
# on a fresh machine. RIVET_INSTALL_DEPS replaces the installer (tests).
RIVET_INSTALL_DEPS ?= scripts/install-deps
export RIVET_INSTALL_DEPS
DEPS_GOALS := $(filter-out help clean distclean install-deps,$(or $(MAKECMDGOALS),all))
ifneq ($(DEPS_GOALS),)
ifndef RIVET_DEPS_CHECKED
$(shell $(RIVET_INSTALL_DEPS) --check-only >/dev/null 2>&1 || $(RIVET_INSTALL_DEPS) >&2)
ifneq ($(.SHELLSTATUS),0)
$(error installing the packages Rivet needs failed; run $(RIVET_INSTALL_DEPS) to see why)
endif
RIVET_DEPS_CHECKED := 1
export RIVET_DEPS_CHECKED
endif
endif

# include, not -include: a failed remake of the .config must stop make
# with that step's error, not carry on to a misleading "No rule to make
# target" for the file it could not make.
ifneq ($(filter-out $(NODEP_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(KCONFIG_CONFIG)
endif

# ---------------------------------------------------------------- kernel ---

# -fcall-saved-t2 ... t6: the kernel's C code keeps t2-t6 for its caller,
# so a system call handler called straight from the trap leaves the
# user's values there (arch/riscv/syscall_entry.S); the few assembly
# routines C calls use t0/t1 only (scripts/check-callsaved checks).
KCFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-mno-relax -ffreestanding -fno-builtin -nostdlib -fno-pie \
	-fcall-saved-t2 -fcall-saved-t3 -fcall-saved-t4 -fcall-saved-t5 \
	-fcall-saved-t6 \
	-fno-stack-protector -fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-common \
	-fno-strict-aliasing -std=gnu11 -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-I$(srctree) -I$(srctree)/include -I$(O)/include \
	-include $(AUTOCONF) -DRIVET_VERSION='"$(RIVET_VERSION)"' \
	-MMD -MP
KASFLAGS := $(KCFLAGS) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -no-pie --no-relax -z max-page-size=4096 \
	--build-id=none -T arch/riscv/kernel.lds

include arch/riscv/objs.mk
include kernel/objs.mk

KOBJS := $(addprefix $(O)/,$(obj-y))

# Objects depend on the Makefile and the objs.mk files too: that is where
# their flags live (CFLAGS_<file>).
$(O)/%.o: %.c $(AUTOCONF) Makefile arch/riscv/objs.mk kernel/objs.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) $(CFLAGS_$(notdir $*)) -c $< -o $@

$(O)/%.o: %.S $(AUTOCONF) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The git id changes with every commit; it lives in one generated header,
# rewritten only when it differs, so only kernel/version.o rebuilds.
$(O)/include/generated/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define RIVET_GIT "$(GIT_DESC)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(O)/kernel/version.o: $(O)/include/generated/version.h
FORCE:

# Offsets and constants for assembly (STYLE.md rule 7): arch/riscv/asm_offsets.c
# compiled to assembly, its "->NAME value" markers turned into #defines.
# The .s keeps its own dependency file, so a changed structure regenerates.
ASM_OFFSETS := $(O)/include/generated/asm_offsets.h

$(O)/arch/riscv/asm_offsets.s: arch/riscv/asm_offsets.c $(AUTOCONF) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC -S   $<")
	$(Q)$(CC) $(KCFLAGS) -S $< -o $@

$(ASM_OFFSETS): $(O)/arch/riscv/asm_offsets.s
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q){ echo '/* Generated from arch/riscv/asm_offsets.c: do not edit. */'; \
	  echo '#ifndef GENERATED_ASM_OFFSETS_H'; \
	  echo '#define GENERATED_ASM_OFFSETS_H'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Za-z0-9_]*\) \(-\{0,1\}[0-9]*\)"$$/#define \1 \2/p' $<; \
	  echo '#endif'; } > $@.tmp
	$(Q)mv $@.tmp $@
$(O)/arch/riscv/trap_entry.o $(O)/arch/riscv/syscall_entry.o \
	$(O)/arch/riscv/notify_fast.o: $(ASM_OFFSETS)
-include $(O)/arch/riscv/asm_offsets.d

# Two-pass link: pass 1 has an empty symbol table, pass 2 embeds the text
# symbols of pass 1. The table sits after .data, so no text address moves;
# scripts/gen-ksyms checks that and fails the build if one did.
$(O)/ksyms-empty.S:
	@mkdir -p $(dir $@)
	$(Q)printf '\t.section .ksyms,"a"\n\t.globl ksyms_count\n\t.balign 8\nksyms_count:\n\t.dword 0\n\t.globl ksyms_table\nksyms_table:\n' > $@

$(O)/ksyms-empty.o: $(O)/ksyms-empty.S $(AUTOCONF)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

ifeq ($(CONFIG_KSYMS),y)
$(O)/rivet.pass1.elf: $(KOBJS) $(O)/ksyms-empty.o arch/riscv/kernel.lds
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(O)/ksyms-empty.o

$(O)/ksyms.S: $(O)/rivet.pass1.elf scripts/gen-ksyms
	@$(if $(Q),echo "  KSYMS   $@")
	$(Q)$(NM) -n $< | $(PYTHON) scripts/gen-ksyms > $@

$(O)/ksyms.o: $(O)/ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(O)/rivet.elf: $(KOBJS) $(O)/ksyms.o arch/riscv/kernel.lds
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(O)/ksyms.o
	$(Q)$(NM) -n $(O)/rivet.pass1.elf | grep -i -e ' t ' -e ' W ' > $(O)/ksyms.pass1.txt
	$(Q)$(NM) -n $@ | grep -i -e ' t ' -e ' W ' | grep -v -e ksyms > $(O)/ksyms.final.txt
	$(Q)grep -v -e ksyms $(O)/ksyms.pass1.txt | cmp -s - $(O)/ksyms.final.txt || \
		{ echo "ksyms: text moved between link passes" >&2; exit 1; }
else
$(O)/rivet.elf: $(KOBJS) $(O)/ksyms-empty.o arch/riscv/kernel.lds
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(O)/ksyms-empty.o
endif

$(O)/Image: $(O)/rivet.elf scripts/check-image
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O binary $< $@
	$(Q)$(PYTHON) scripts/check-image $@ $<

# ------------------------------------------------------------ initramfs ---

include libos/libos.mk

# The initramfs holds the boot configurations ($(INITRAMFS_ETC)/*.conf: the
# kernel reads /etc/rivet.conf unless rivet.conf=PATH is in the boot
# arguments) and every libOS image they name (image = /libos/NAME.elf),
# built from libos/NAME/. INITRAMFS_ETC=dir packs another folder's files.
# Under /www/: the files libos/httpd serves (initramfs/www/ and the test
# files scripts/mkwww makes), read by the domains whose configuration
# says initramfs = yes.
INITRAMFS_ETC ?= initramfs/etc
INITRAMFS_WWW := $(sort $(wildcard initramfs/www/*))
WWW_GEN := $(O)/www-gen/.stamp

$(WWW_GEN): scripts/mkwww
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKWWW   $(dir $@)")
	$(Q)$(PYTHON) scripts/mkwww $(dir $@)
	$(Q)touch $@
INITRAMFS_CONF := $(sort $(wildcard $(INITRAMFS_ETC)/*.conf))
INITRAMFS_APPS := $(sort $(shell sed -n 's|^[[:space:]]*image[[:space:]]*=[[:space:]]*/libos/\([a-z0-9_-]*\)\.elf.*|\1|p' $(INITRAMFS_CONF) /dev/null))

# The configurations are checked with the kernel's own parser before
# anything is packed (scripts/rivet-confcheck.c): a bad key, an image that
# is no app of LIBOS_APPS or a quota too small for its image is reported as
# FILE:LINE, not at boot. Only images of known apps are prerequisites, so
# a typo in one reaches the checker instead of stopping make with "No rule
# to make target".
CONFCHECK := $(O)/host/rivet-confcheck
CONFCHECK_SRCS := scripts/rivet-confcheck.c kernel/boot/bootconf.c kernel/boot/elf.c \
	kernel/lib/strlcpy.c kernel/lib/vsnprintf.c
CONFCHECK_FLAGS = --apps "$(LIBOS_APPS)" $(if $(CONFIG_CAP_SLOTS_DEFAULT),--slots $(CONFIG_CAP_SLOTS_DEFAULT))
INITRAMFS_ELFS := $(foreach a,$(filter $(LIBOS_APPS),$(INITRAMFS_APPS)),$(O)/libos/$(a).elf)

$(CONFCHECK): $(CONFCHECK_SRCS) $(wildcard kernel/*.h kernel/*/*.h include/rivet/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(CONFCHECK_SRCS)

# Names and keys first: no image has to be built to find a typo.
$(O)/initramfs.conf-ok: $(INITRAMFS_CONF) $(CONFCHECK) libos/libos.mk
	@$(if $(Q),echo "  CONFCHK $(INITRAMFS_CONF)")
	$(Q)test -n "$(INITRAMFS_CONF)" || { echo "no $(INITRAMFS_ETC)/*.conf to pack" >&2; exit 1; }
	$(Q)$(CONFCHECK) $(CONFCHECK_FLAGS) $(INITRAMFS_CONF) || { \
		echo "$(INITRAMFS_ETC): boot configuration errors above; apps are the folders libos/NAME/ listed in LIBOS_APPS (libos/libos.mk, docs/libos.md), keys are in docs/boot-config.md" >&2; \
		exit 1; }
	$(Q)touch $@

check-conf: $(O)/initramfs.conf-ok

$(O)/initramfs.cpio: $(O)/initramfs.conf-ok $(INITRAMFS_CONF) $(INITRAMFS_ELFS) $(INITRAMFS_WWW) $(WWW_GEN)
	$(Q)$(CONFCHECK) $(CONFCHECK_FLAGS) --images $(O)/libos $(INITRAMFS_CONF) || { \
		echo "$(INITRAMFS_ETC): boot configuration errors above: a quota too small for its image, or an image that is no libOS ELF (docs/boot-config.md)" >&2; \
		exit 1; }
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)rm -rf $(O)/initramfs && mkdir -p $(O)/initramfs/etc $(O)/initramfs/libos $(O)/initramfs/www
	$(Q)cp $(INITRAMFS_CONF) $(O)/initramfs/etc/
	$(Q)$(if $(INITRAMFS_ELFS),cp $(INITRAMFS_ELFS) $(O)/initramfs/libos/)
	$(Q)cp $(INITRAMFS_WWW) $(dir $(WWW_GEN))[!.]* $(O)/initramfs/www/
	$(Q)cd $(O)/initramfs && find etc libos www | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 > $(abspath $@)

all: $(O)/rivet.elf $(O)/Image $(O)/initramfs.cpio $(O)/host/rivet-dtinfo libos

# ------------------------------------------------------------- kconfig ---

# Every configuration step writes a temporary file and renames it, so an
# interrupted or failed step leaves no half-made .config behind. A .config
# without kconfiglib's header (copied by hand, or left by an older tree's
# failed first run) or older than Kconfig is brought up to date in place.
define KCONFIG_CONFIG_HEADER
# Rivet configuration (kconfiglib); edit with make menuconfig


endef
export KCONFIG_CONFIG_HEADER
KCONFIG_STALE := $(shell test -f $(KCONFIG_CONFIG) && \
	! head -n 1 $(KCONFIG_CONFIG) | grep -q '^\# Rivet configuration' && echo FORCE)

$(KCONFIG_CONFIG): Kconfig $(KCONFIG_STALE)
	@mkdir -p $(O)
	$(Q)if [ -f $@ ]; then cp $@ $@.tmp; else \
		echo "No $@: using configs/qemu_virt_defconfig (make help lists others)"; \
		cp configs/qemu_virt_defconfig $@.tmp; fi
	$(Q)KCONFIG_CONFIG=$@.tmp $(PYTHON) -m olddefconfig Kconfig >/dev/null || { \
		rm -f $@.tmp $@.tmp.old; \
		echo "$@: kconfiglib's olddefconfig failed (is python3-kconfiglib installed? $(RIVET_INSTALL_DEPS) installs it)" >&2; \
		exit 1; }
	$(Q)mv $@.tmp $@
	$(Q)rm -f $@.tmp.old

$(AUTOCONF): $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) -m genconfig --header-path $@.tmp Kconfig || { rm -f $@.tmp; exit 1; }
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

defconfig: qemu_virt_defconfig

%_defconfig:
	@test -f configs/$@ || { echo "no such config: configs/$@" >&2; exit 1; }
	@mkdir -p $(O)
	$(Q)cp configs/$@ $(KCONFIG_CONFIG).tmp
	$(Q)KCONFIG_CONFIG=$(KCONFIG_CONFIG).tmp $(PYTHON) -m olddefconfig Kconfig >/dev/null || { \
		rm -f $(KCONFIG_CONFIG).tmp $(KCONFIG_CONFIG).tmp.old; exit 1; }
	$(Q)if [ -f $(KCONFIG_CONFIG) ] && ! cmp -s $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).tmp; then \
		cp $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old; \
		echo "Replaced $(KCONFIG_CONFIG) (the previous one is $(KCONFIG_CONFIG).old)"; fi
	$(Q)mv $(KCONFIG_CONFIG).tmp $(KCONFIG_CONFIG)
	$(Q)rm -f $(KCONFIG_CONFIG).tmp.old
	@echo "Configured $(KCONFIG_CONFIG) from configs/$@"

menuconfig: check-deps
	@mkdir -p $(O)
	$(Q)test -f $(KCONFIG_CONFIG) || cp configs/qemu_virt_defconfig $(KCONFIG_CONFIG)
	$(Q)MENUCONFIG_STYLE=aquatic $(PYTHON) -m menuconfig Kconfig

olddefconfig:
	@mkdir -p $(O)
	$(Q)if [ -f $(KCONFIG_CONFIG) ]; then cp $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).tmp; \
		else cp configs/qemu_virt_defconfig $(KCONFIG_CONFIG).tmp; fi
	$(Q)KCONFIG_CONFIG=$(KCONFIG_CONFIG).tmp $(PYTHON) -m olddefconfig Kconfig >/dev/null || { \
		rm -f $(KCONFIG_CONFIG).tmp $(KCONFIG_CONFIG).tmp.old; exit 1; }
	$(Q)mv $(KCONFIG_CONFIG).tmp $(KCONFIG_CONFIG)
	$(Q)rm -f $(KCONFIG_CONFIG).tmp.old
	@echo "Updated $(KCONFIG_CONFIG) with the defaults of new options"

# kconfiglib prints its own two lines; one line of ours says it all.
savedefconfig: $(KCONFIG_CONFIG)
	$(Q)$(PYTHON) -m savedefconfig --kconfig Kconfig --out $(O)/defconfig.tmp >/dev/null
	$(Q)mv $(O)/defconfig.tmp $(O)/defconfig
	@echo "Minimal config written to $(O)/defconfig"

# ----------------------------------------------------------- host tools ---

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-I$(srctree) -I$(srctree)/include -I$(srctree)/libos/include -DRIVET_HOST
HOST_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer

PURE_FDT := kernel/boot/fdt.c $(wildcard kernel/boot/machine*.c) kernel/lib/strlcpy.c

$(O)/host/rivet-dtinfo: scripts/rivet-dtinfo.c $(PURE_FDT) $(wildcard kernel/*.h kernel/*/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ scripts/rivet-dtinfo.c $(PURE_FDT)

# ----------------------------------------------------------------- tests ---

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include scripts/run.mk
include scripts/test.mk
include scripts/bench.mk
include scripts/trace.mk
include scripts/boards.mk
include scripts/fastpath.mk
include scripts/nofence.mk

# ----------------------------------------------------------------- misc ---

install-deps:
	$(Q)scripts/install-deps

check-deps:
	$(Q)scripts/install-deps --check-only >/dev/null 2>&1 || scripts/install-deps

clean:
	$(Q)find $(O) -mindepth 1 -maxdepth 1 ! -name .config ! -name .config.old \
		-exec rm -rf {} + 2>/dev/null || true
	$(Q)rm -rf $(TRACE_O)

distclean:
	$(Q)rm -rf $(O) $(TRACE_O)

# One "target<TAB>what" line per entry ("<TAB>what" continues the entry
# above; a line without a tab is a heading), laid out by awk with the
# name column as wide as the longest name, defconfigs included.
HELP_DEFCONFIGS := $(notdir $(wildcard configs/*_defconfig))

help:
	@echo "Rivet $(RIVET_VERSION) — targets (output in O=$(O), V=1 for commands)"
	@{ \
	echo 'Configuration:'; \
	printf '%s\t%s\n' defconfig 'configure for QEMU virt (= qemu_virt_defconfig)'; \
	$(foreach c,$(HELP_DEFCONFIGS),printf '%s\t%s\n' $(c) 'configure from configs/$(c)';) \
	printf '%s\t%s\n' menuconfig 'interactive configuration menu (kconfiglib)'; \
	printf '%s\t%s\n' olddefconfig 'update .config with defaults for new options'; \
	printf '%s\t%s\n' savedefconfig 'write a minimal defconfig to $(O)/defconfig'; \
	echo 'Build:'; \
	printf '%s\t%s\n' 'all (default)' 'rivet.elf, Image, initramfs.cpio, libOSes, host/rivet-dtinfo'; \
	printf '%s\t%s\n' '' 'checks initramfs/etc/*.conf first (INITRAMFS_ETC=dir for another folder)'; \
	printf '%s\t%s\n' check-conf 'check the boot configurations only (host/rivet-confcheck)'; \
	printf '%s\t%s\n' 'clean / distclean' 'remove outputs (distclean also removes .config)'; \
	echo 'Run and debug:'; \
	printf '%s\t%s\n' run 'boot QEMU virt to the shell (SMP=$(SMP) MEM=$(MEM); override either)'; \
	printf '%s\t%s\n' '' 'the domains spread over the SMP harts (docs/smp.md), e.g. SMP=4'; \
	printf '%s\t%s\n' '' 'APPEND="bootargs" (rivet.conf=/etc/demo.conf: no shell), ICOUNT=1'; \
	printf '%s\t%s\n' '' 'exit or Ctrl-D at the prompt powers off; Ctrl-A x quits QEMU'; \
	printf '%s\t%s\n' '' 'NETPORT=$(NETPORT): http://localhost:NETPORT/ reaches httpd (docs/net.md)'; \
	printf '%s\t%s\n' run-sifive 'boot QEMU sifive_u (HiFive Unleashed model)'; \
	printf '%s\t%s\n' run-uboot 'boot through OpenSBI -> U-Boot -> extlinux -> booti'; \
	printf '%s\t%s\n' debug 'start QEMU halted with a gdb stub; prints the gdb command'; \
	printf '%s\t%s\n' 'dtinfo DTB=file' 'describe a device tree as the kernel would see it'; \
	echo 'Boards:'; \
	printf '%s\t%s\n' check-boards 'verdict for every board tree of linux-source-6.12, against'; \
	printf '%s\t%s\n' '' 'tests/boards/expected.txt (board-dtbs: only compile them)'; \
	printf '%s\t%s\n' 'sdimage BOARD=name' 'SD card image $(O)/rivet-name.img (visionfive2, unmatched)'; \
	printf '%s\t%s\n' dts 'compile the project device trees (dts/) into $(O)/dts'; \
	echo 'Test:'; \
	printf '%s\t%s\n' test 'all layers: unit, fuzz smoke, QEMU boots and build checks'; \
	printf '%s\t%s\n' test-unit 'host unit tests (cmocka)'; \
	printf '%s\t%s\n' 'test-fuzz / fuzz' 'libFuzzer smoke run / longer bounded run'; \
	printf '%s\t%s\n' soak '10^6 spawn/kill cycles (SOAK_CYCLES=N)'; \
	printf '%s\t%s\n' fuzz-sys '10^7 random system calls (FUZZ_SYS_CALLS, FUZZ_SYS_SEED)'; \
	printf '%s\t%s\n' test-qemu 'QEMU boot tests'; \
	printf '%s\t%s\n' bench 'instruction counts under QEMU -icount, beside targets and peers'; \
	printf '%s\t%s\n' '' '(scripts/bench-targets.tsv); misses marked MISS'; \
	printf '%s\t%s\n' bench-plot 'draw them beside the peers into $(O)/performance.svg'; \
	printf '%s\t%s\n' bench-net 'wrk against httpd and a Linux guest through QEMU user networking (wall-clock)'; \
	printf '%s\t%s\n' bench-smp 'cross-hart figures counted from QEMU'"'"'s per-instruction log (no -icount)'; \
	printf '%s\t%s\n' bench-doc 'write the table into docs/performance.md, the picture beside it'; \
	printf '%s\t%s\n' trace 'boot the demo on a CONFIG_TRACE=y kernel (O=$(TRACE_O)) and write'; \
	printf '%s\t%s\n' '' '$(TRACE_O)/trace.json for ui.perfetto.dev; TRACE_APPEND="bootargs"'; \
	printf '%s\t%s\n' trace-kernel 'only build that kernel (make test does)'; \
	printf '%s\t%s\n' slow-kernel 'a kernel with every CONFIG_FAST_* off (O=$(SLOW_O); make test does)'; \
	printf '%s\t%s\n' nofence-kernel 'a kernel without remote TLB fences (O=$(NOFENCE_O); make test does)'; \
	printf '%s\t%s\n' format-check 'clang-format --dry-run on the C files (make test does)'; \
	printf '%s\t%s\n' libos 'build every libOS image (libos/*/)'; \
	printf '%s\t%s\n' install-deps 'install the Debian packages Rivet needs'; \
	} | awk -F '\t' '{ line[NR] = $$0; if (NF > 1 && length($$1) > w) w = length($$1) } \
		END { for (i = 1; i <= NR; i++) { n = split(line[i], f, "\t"); \
			if (n < 2) printf "\n%s\n", f[1]; \
			else printf "  %-" w "s  %s\n", f[1], f[2] } }'

-include $(KOBJS:.o=.d)
