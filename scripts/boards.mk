# Boards: the project's own device trees (dts/), the corpus of upstream
# board trees and its check, and SD card images for real boards.
#   make dts                      compile dts/**/*.dts into $(O)/dts/
#   make check-boards             verdict for every upstream RISC-V board
#   make sdimage BOARD=visionfive2|unmatched|<board>   $(O)/rivet-BOARD.img
# docs/porting.md explains all three.

.PHONY: dts board-dtbs check-boards sdimage

# ------------------------------------------------------------- dts/ ---
# Every .dts under dts/ (fixtures for the tests, and board trees a port
# ships) compiles to the same path under $(O)/dts/; .dtsi files are
# included with dtc's /include/ from the .dts's own folder.
DTS_SRCS := $(shell find dts -name '*.dts' 2>/dev/null | LC_ALL=C sort)
DTS_DTBS := $(patsubst %.dts,$(O)/%.dtb,$(DTS_SRCS))

$(O)/dts/%.dtb: dts/%.dts $(wildcard dts/*/*.dtsi)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  DTC     $@")
	$(Q)$(DTC) -q -i $(dir $<) -I dts -O dtb -o $@.tmp $< && mv $@.tmp $@

dts: $(DTS_DTBS)
all: dts

# ---------------------------------------------------------- corpus ---
# scripts/board-dtbs unpacks the trees of linux-source-6.12 (cached in
# $(O)/linux-dts) and compiles each board into $(O)/boards/.
LINUX_SOURCE := /usr/src/linux-source-6.12.tar.xz
BOARD_EXPECTED := tests/boards/expected.txt

$(O)/boards/.stamp: scripts/board-dtbs $(LINUX_SOURCE)
	$(Q)scripts/board-dtbs $(O)
	$(Q)touch $@

board-dtbs: $(O)/boards/.stamp

# The board trees a port ships (dts/<vendor>/, not the fixtures) are
# checked with the corpus.
check-boards: $(O)/boards/.stamp $(O)/host/rivet-dtinfo dts
	$(Q)scripts/check-boards --dtinfo $(O)/host/rivet-dtinfo \
		--expected $(BOARD_EXPECTED) $(O)/boards/*.dtb \
		$(filter-out $(O)/dts/fixtures/%,$(DTS_DTBS))

# --------------------------------------------------------- sdimage ---
# make sdimage BOARD=NAME builds the kernel with configs/NAME_defconfig in
# $(O)/sd-NAME/ and packs it with the initramfs into $(O)/rivet-NAME.img
# (scripts/mkbootdisk: one bootable FAT partition for U-Boot's distro
# boot), plus $(O)/rivet-NAME.img.bmap when bmaptool is installed. The
# board's upstream trees go in /dtbs/ for an fdt line if U-Boot's own tree
# will not do. APPEND sets the kernel arguments (default loglevel=6).
SDIMAGE_CONFIG_unmatched := hifive_unmatched
SDIMAGE_DTBS_visionfive2 := jh7110-starfive-visionfive-2-v1.2a jh7110-starfive-visionfive-2-v1.3b
SDIMAGE_DTBS_unmatched := hifive-unmatched-a00
SDIMAGE_DTBS_hifive_unmatched := hifive-unmatched-a00

SD_CONFIG = $(or $(SDIMAGE_CONFIG_$(BOARD)),$(BOARD))
SD_O = $(O)/sd-$(BOARD)
SD_IMG = $(O)/rivet-$(BOARD).img
SD_DTBS = $(foreach d,$(SDIMAGE_DTBS_$(BOARD)),$(O)/boards/$(d).dtb)

sdimage: $(if $(SDIMAGE_DTBS_$(BOARD)),$(O)/boards/.stamp)
	@test -n "$(BOARD)" || { echo "usage: make sdimage BOARD=visionfive2|unmatched|<board with configs/<board>_defconfig>" >&2; exit 2; }
	@test -f configs/$(SD_CONFIG)_defconfig || { echo "sdimage: no configs/$(SD_CONFIG)_defconfig for BOARD=$(BOARD)" >&2; exit 2; }
	$(Q)if [ ! -f $(SD_O)/.config ] || [ configs/$(SD_CONFIG)_defconfig -nt $(SD_O)/.config ]; then \
		$(MAKE) --no-print-directory O=$(SD_O) $(SD_CONFIG)_defconfig; fi
	$(Q)$(MAKE) --no-print-directory O=$(SD_O) $(SD_O)/Image $(SD_O)/initramfs.cpio
	$(Q)scripts/mkbootdisk $(foreach d,$(SD_DTBS),--dtb $(d)) $(SD_IMG) \
		$(SD_O)/Image $(SD_O)/initramfs.cpio "$(or $(APPEND),loglevel=6)"
	$(Q)if command -v bmaptool >/dev/null 2>&1; then \
		bmaptool -q create -o $(SD_IMG).bmap $(SD_IMG) && echo "  BMAP    $(SD_IMG).bmap"; fi
	@echo "sdimage: write it with: sudo dd if=$(SD_IMG) of=/dev/sdX bs=4M conv=fsync (docs/boards/$(BOARD).md)"
