"""The in-QEMU suite's own memory rules (docs/testing.md, "Test
buffers" and "Child quotas"): testmem_alloc's buffers and their
refusals, children's quotas derived from tests.elf's size and the check
that refuses one below it (roles in libos/tests/testmem_roles.c), and
scripts/check-test-image, the build's bound on tests.elf's .data+.bss."""
import re
import subprocess

from rivetqemu import build_path
from test_domains import results, run_suite

TESTS_ELF = build_path("libos/tests.elf")
SCRIPT = "scripts/check-test-image"

TESTMEM_CASES = [
    "testmem_alloc", "testmem_zeroed_and_writable",
    "testmem_frames_and_one_slot", "testmem_page_after_faults",
    "testmem_second_after_a_gap", "testmem_free", "testmem_free_gives_back",
    "testmem_freed_page_faults", "testmem_free_twice", "testmem_free_unknown",
    "testmem_free_second", "testmem_over_quota_null",
    "testmem_over_quota_leaves_nothing", "testmem_past_max_null",
    "testmem_all_given_back"]

CHILD_CASES = [
    "child_quota_image_pages", "child_quota_derived_spawns",
    "quota_kid_runs", "child_quota_derived_child_exits",
    "child_quota_below_image_refused",
    "child_quota_below_image_spawns_nothing"]


def image_pages():
    return int(subprocess.run([SCRIPT, "--pages", TESTS_ELF], check=True,
                              capture_output=True, text=True).stdout)


def assert_pass_and_expected_fails(b, cases, fails):
    """Every case passes; the refusals' own lines (fails: case -> start
    of its FAIL text) are there and are the only FAIL lines."""
    got = results(b)
    assert all(got.get(c) == "PASS" for c in cases), (got, b.out)
    for case, text in fails.items():
        assert got.get(case, "").startswith("FAIL " + text), (case, b.out)
    others = {c: r for c, r in got.items()
              if r != "PASS" and c not in fails}
    assert not others, (others, b.out)


def test_testmem_buffers_and_their_refusals(tmp_path):
    b = run_suite(tmp_path, "[domain t_testmem]\nimage = /libos/tests.elf\n"
                  "memory = 1M\n")
    assert_pass_and_expected_fails(b, TESTMEM_CASES, {
        "testmem_over_quota": "no %d pages for its buffer: -" % 257,
        "testmem_past_max": "no room for a buffer of 1 pages (4 live)"})


def test_child_quota_follows_the_image_and_refuses_less(tmp_path):
    b = run_suite(tmp_path, "[domain t_child_quota]\n"
                  "image = /libos/tests.elf\nmemory = 4M\nspawn = /libos/\n")
    pages = image_pages()
    assert b.has(r"child_quota: image %d pages, child_frames\(0\) %d$"
                 % (pages, pages + 48)), b
    assert_pass_and_expected_fails(b, CHILD_CASES, {
        "child_quota": "t_quota_kid gets %d frames, below tests.elf's "
                       "%d-page image and 48 base pages: derive its quota "
                       "with child_frames()" % (pages, pages)})


def check(*args):
    return subprocess.run([SCRIPT] + list(args), capture_output=True,
                          text=True)


def test_check_test_image_passes_the_build_and_prints_pages():
    r = check(TESTS_ELF)
    assert r.returncode == 0, r
    m = re.search(r"tests\.elf: (\d+) pages loaded, \.data\+\.bss "
                  r"([\d.]+) KiB \(bound (\d+) KiB\)", r.stdout)
    assert m and int(m.group(1)) == image_pages(), r.stdout
    assert float(m.group(2)) <= int(m.group(3)), r.stdout


def test_check_test_image_fails_over_the_bound_and_says_what_to_do():
    r = check(TESTS_ELF, "--max-kib", "8")
    assert r.returncode == 1, r
    assert "over the 8 KiB bound" in r.stderr, r.stderr
    assert "testmem_alloc" in r.stderr and "docs/testing.md" in r.stderr
    assert re.search(r"Largest objects: \w+ \d+", r.stderr), r.stderr


def test_check_test_image_refuses_what_is_not_an_elf(tmp_path):
    junk = tmp_path / "junk.elf"
    junk.write_bytes(b"not an ELF at all, not even close" * 4)
    r = check(str(junk))
    assert r.returncode == 1 and "not a 64-bit little-endian ELF" in \
        r.stderr, r


def test_docs_give_the_scripts_bound():
    bound = re.search(r"^RW_MAX_KIB = (\d+)", open(SCRIPT).read(), re.M)
    doc = open("docs/testing.md").read()
    assert bound and re.search(r"over `RW_MAX_KIB`,\s+%s\s+KiB"
                               % bound.group(1), doc), bound
