"""The info page's hart id is the hart the domain runs on, the one it
was placed on (docs/smp.md): hello prints it, and on sifive_u it is never
hart 0, the monitor core that is never started."""
import pytest

from rivetqemu import boot_kernel


@pytest.mark.parametrize("machine,smp", [("sifive_u", 3), ("virt", 4)])
def test_hello_reports_the_hart_it_runs_on(machine, smp):
    b = boot_kernel(machine, smp=smp)
    boot = b.find(r"cpu: \d+ harts usable, \d+ skipped, booted on hart "
                  r"(\d+)$").group(1)
    if machine == "sifive_u":
        assert boot != "0", b  # hart 0 is the E51 monitor core
    placed = b.find(r"launch: domain hello placed on hart (\d+) ").group(1)
    assert placed != "0" or machine == "virt", b
    assert b.find(r'hello: domain \d+ "hello" on hart (\d+),').group(1) \
        == placed, b
