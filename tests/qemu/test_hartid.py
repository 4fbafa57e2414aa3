"""The info page's hart id is the hart the domain runs on: hello prints
it, and on sifive_u the boot hart (which runs every domain) is never 0."""
import pytest

from rivetqemu import boot_kernel


@pytest.mark.parametrize("machine,smp", [("sifive_u", 3), ("virt", 4)])
def test_hello_reports_the_hart_it_runs_on(machine, smp):
    b = boot_kernel(machine, smp=smp)
    boot = b.find(r"cpu: \d+ harts usable, \d+ skipped, booted on hart "
                  r"(\d+)$").group(1)
    if machine == "sifive_u":
        assert boot != "0", b  # hart 0 is the E51 monitor core
    assert b.find(r'hello: domain \d+ "hello" on hart (\d+),').group(1) \
        == boot, b
