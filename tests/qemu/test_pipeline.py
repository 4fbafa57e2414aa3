"""libos/pipeline: producer -> filter -> consumer, 64 MiB in 1 KiB messages
over two configured channels, the consumer checking the hash of what
arrives against the stream it computes itself; each stage counts the
kernel entries its channel layer made (wait and notify hook calls)."""
import re

from rivetqemu import boot_domains, boot_kernel, build_path, make_initramfs

MESSAGES = 64 * 1024  # 64 MiB / 1 KiB

# Each ring's reader is named first: it owns the frames, and it ends
# last (it waits for the writer's end before its own).
CONF = """[domain consumer]
image  = /libos/pipeline.elf
memory = 1M

[domain filter]
image  = /libos/pipeline.elf
memory = 1M
{args}
[domain producer]
image  = /libos/pipeline.elf
memory = 1M

[channel filter producer]
size    = 256K
msg     = 1024
handoff = yes

[channel consumer filter]
size    = 256K
msg     = 1024
handoff = yes
"""


def run(tmp_path, args=""):
    return boot_domains(tmp_path, CONF.format(args=args),
                        {"/libos/pipeline.elf":
                         build_path("libos/pipeline.elf")},
                        timeout=240)


def test_pipeline_on_three_harts_streams_with_checksum(tmp_path):
    """Each stage on a hart of its own (virt -smp 4): both ends of a ring
    run at once, across harts. The faster stage still fills its ring and
    sleeps once a batch, so the entries per message are about those of
    one hart (docs/performance.md, chan_syscalls_per_kmsg)."""
    text = CONF.format(args="")
    for i, name in enumerate(("consumer", "filter", "producer")):
        text = text.replace("[domain %s]\n" % name,
                            "[domain %s]\nhart   = %d\n" % (name, i + 1))
    initrd = make_initramfs(tmp_path, text, {
        "/libos/pipeline.elf": build_path("libos/pipeline.elf")})
    b = boot_kernel("virt", smp=4, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=240)
    assert b.has(r"TEST pipeline_checksum: PASS$"), b
    per_kmsg = {}
    for stage in ("producer", "filter", "consumer"):
        n, k = entries(b, stage)
        assert n == MESSAGES, b
        assert k * 8 < n, (stage, k, b)
        per_kmsg[stage] = 1000.0 * k / n
    print("kernel entries per 1000 messages on 3 harts:", per_kmsg)


def entries(b, stage):
    m = re.search(r"pipeline %s: (\d+) messages, (\d+) kernel entries"
                  % stage, b.out)
    assert m, b
    return int(m.group(1)), int(m.group(2))


def test_pipeline_streams_64_mib_with_checksum(tmp_path):
    b = run(tmp_path)
    assert b.has(r"TEST pipeline_checksum: PASS$"), b
    for stage in ("producer", "filter", "consumer"):
        n, k = entries(b, stage)
        assert n == MESSAGES, b
        # Steady load: the rings sleep only when full or empty, not once
        # per message.
        assert k * 8 < n, (stage, k, b)
    for name in ("consumer", "filter", "producer"):
        assert b.has(r"summary: %s +id \d+ exited, status 0," % name), b


def test_pipeline_checksum_catches_one_corrupted_byte(tmp_path):
    b = run(tmp_path, args="args   = corrupt\n")
    assert b.has(r"TEST pipeline_checksum: FAIL got 0x[0-9a-f]{16} "
                 r"want 0x[0-9a-f]{16}$"), b
    assert not b.has(r"TEST pipeline_checksum: PASS"), b
    assert entries(b, "consumer")[0] == MESSAGES, b
