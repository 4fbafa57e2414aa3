"""The shell's console channel is the one the configuration declares to
the domain named console (RIVET_CONIN_CONSOLE), this domain its second
end; a channel to another domain whose region holds the console's magic
is not taken for it. Roles are in libos/tests/conin_name.c; the real
console and shell over [channel console shell] are test_shell.py's."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

FAKE_CONF = conf(("t_conin_fakecon", ["memory = 1M"]),
                 ("t_conin_victim", ["memory = 1M"])) + """
[channel t_conin_fakecon t_conin_victim]
size = 4K
"""


def test_reader_ignores_a_channel_that_only_looks_like_the_console(
        tmp_path):
    b = run_suite(tmp_path, FAKE_CONF)
    assert_all_pass(b, [
        "conin_fake_channel_up", "conin_fake_wakes_the_reader",
        "conin_victim_channel_up", "conin_victim_sees_the_magic",
        "conin_attach_ignores_a_channel_to_another_domain",
        "conin_readline_unattached"])
