"""Placement of domains on harts from the boot configuration (docs/smp.md,
Placement): "hart =" pins, "harts =" gives a set, neither spreads over
the online harts; a hart that is not online refuses the domain with the
file and line. Each domain runs on the hart it was placed on: it prints
the hart id its info page gives, which the scheduler writes when it
queues the domain on that hart's run queue."""
import re

from rivetqemu import boot_kernel, build_path, make_initramfs

HELLO_ELF = build_path("libos/hello.elf")


def domain(name, *lines):
    return "\n".join(["[domain %s]" % name, "image = /libos/hello.elf",
                      "memory = 2M"] + list(lines)) + "\n"


def boot(tmp_path, text, smp):
    initrd = make_initramfs(tmp_path, text, {"/libos/hello.elf": HELLO_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=90)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def placed(b):
    return dict(re.findall(r"launch: domain (\S+) placed on hart (\d+) ",
                           b.out))


def test_placement_on_virt_smp4(tmp_path):
    text = (domain("pinned", "hart = 2") + domain("set", "harts = 2-3") +
            domain("s1") + domain("s2") + domain("s3") +
            domain("gone", "hart = 7") + domain("none", "harts = 5,6"))
    b = boot(tmp_path, text, 4)
    order = b.find(r"cpu: 4 harts online:((?: \d+){4})$").group(1).split()
    # The boot hart (random under OpenSBI) has index 0, then tree order.
    load = dict.fromkeys(order, 0)

    def pick(allowed):
        h = min((x for x in order if x in allowed), key=lambda x: load[x])
        load[h] += 1
        return h

    want = {"pinned": pick({"2"}), "set": pick({"2", "3"}),
            "s1": pick(order), "s2": pick(order), "s3": pick(order)}
    assert want["set"] == "3" and len(set(want.values())) == 4
    assert placed(b) == want, b
    assert b.has(r"launch: domain gone refused: /etc/rivet.conf:21: hart "
                 r"names no online hart$"), b
    assert b.has(r"launch: domain none refused: /etc/rivet.conf:25: harts "
                 r"names no online hart$"), b
    assert b.has(r"launch: 5 of 7 configured domains started"), b
    for name in ("pinned", "set", "s1", "s2", "s3"):
        assert b.find(r'hello: domain \d+ "%s" on hart (\d+),' % name
                      ).group(1) == want[name], b


def test_placement_on_one_hart_refuses_other_harts(tmp_path):
    b = boot(tmp_path, domain("a", "hart = 0") + domain("b", "hart = 1") +
             domain("c", "harts = 0-1"), 1)
    assert placed(b) == {"a": "0", "c": "0"}, b
    for name in ("a", "c"):
        assert b.find(r'hello: domain \d+ "%s" on hart (\d+),' % name
                      ).group(1) == "0", b
    assert b.has(r"launch: domain b refused: /etc/rivet.conf:8: hart "
                 r"names no online hart$"), b


def test_spawned_child_is_placed_on_its_spawners_hart(tmp_path):
    from test_spawn import FILES, SPAWNER_CONF
    text = SPAWNER_CONF.replace("spawn  = /libos/\n",
                                "spawn  = /libos/\nhart   = 3\n")
    initrd = make_initramfs(tmp_path, text, FILES)
    b = boot_kernel("virt", smp=4, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=90)
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.has(r"launch: domain t_spawner placed on hart 3 \(hart =\)"), b
    assert b.has(r"spawn: t_spawner \(id 1\) started t_child \(id 3\) from "
                 r"\S+: \d+ frames, \d+ slots, \d+ capabilities passed, "
                 r"placed on hart 3 \(the spawner's\)$"), b
