"""The in-QEMU suite picks a role by domain name from every file's role
table (libos/tests/tests.h): a name two files define would silently run
the first one, so every role name must be unique."""
import glob
import re


def test_role_names_are_unique():
    seen = {}
    dups = []
    for path in sorted(glob.glob("libos/tests/*.c")):
        with open(path) as f:
            for name in re.findall(r'\{\s*"(t_[a-z0-9_]+)"\s*,', f.read()):
                if name in seen:
                    dups.append("%s in %s and %s" % (name, seen[name], path))
                seen.setdefault(name, path)
    assert seen, "no roles found"
    assert not dups, dups
