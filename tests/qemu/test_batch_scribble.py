"""A map_batch array rewritten by another hart while the kernel reads it
in place (libos/tests/batch_scribble.c): the array sits in a channel
page; the peer on the other hart writes its slots, addresses and rights
at random during hundreds of batches of fresh frames. Every batch must
end with one of map's results and a count within the batch, the kernel
must not fault, and a clean batch afterwards maps every entry."""
from test_hostile4 import boot, expect_pass

CONF = """[domain t_bs_owner]
image  = /libos/tests.elf
memory = 16M
hart   = 0

[domain t_bs_scribbler]
image  = /libos/tests.elf
memory = 1M
hart   = 1

[channel t_bs_owner t_bs_scribbler]
size   = 4K
"""


def test_map_batch_array_rewritten_by_another_hart(tmp_path):
    b, got = boot(tmp_path, CONF)
    expect_pass(b, got, ("bs_every_batch_sane", "bs_raced",
                         "bs_clean_batch_after", "bs_no_slot_taken"))
