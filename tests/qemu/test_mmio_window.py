"""The MMIO window: device registers above the kernel's direct map
(TH1520 and SG2042 put the PLIC and the UARTs near 1 TiB) are mapped in
the root table's last gigabyte. QEMU has no device up there, so the boot
test hook checks the window on pages of RAM: a write through the window
reads back through the direct map, a range mapped again gets the same
address, and a wrapping range is refused."""
from rivetqemu import boot_kernel


def test_mmio_window_maps_what_the_direct_map_cannot():
    b = boot_kernel("virt", append="rivet.test=mmio-window")
    assert b.has(r"test: running test hook 'mmio-window'$"), b
    assert b.has(r"test: mmio-window ok$"), b
    assert not b.has(r"mmio-window FAILED|kernel fault|panic"), b
    assert b.has(r"rivet: powering off$"), b
    assert b.rc == 0, b
