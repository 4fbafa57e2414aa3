"""The runtime's light exception entry (libos/tests/lightfault.c): load
and store faults handled there give every register back; one handler per
cause, light or generic, the last registered; a light handler's refusal
is reported and ends the domain like any unhandled exception."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "light_register", "light_load_fault_keeps_registers",
    "light_load_fault_mapped", "light_register_store",
    "light_store_fault_keeps_registers", "light_store_fault_opened",
    "light_replaced_by_generic", "light_replaces_generic",
    "light_cause_past_codes", "light_kernel_cause"]


def test_light_entry_keeps_registers_and_one_handler_per_cause(tmp_path):
    b = run_suite(tmp_path, conf(("t_light_fault", ["memory = 2M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_light_fault +id 1 exited, status 0")


def test_light_handler_refusal_is_an_unhandled_exception(tmp_path):
    b = run_suite(tmp_path, conf(("t_light_refuse", ["memory = 2M"])))
    assert b.has(r"t_light_refuse: unhandled load page fault "
                 r"\(cause 0xd\) at epc 0x[0-9a-f]+, tval 0x63000000")
    assert b.has(r"t_light_refuse \(id 1\) exited with status -13")
    assert not b.has(r"light_refuse_not_reached")
