"""The make bench figures judged against scripts/bench-targets.tsv.

One module, so that the printout of make bench (scripts/bench-compare),
the picture (scripts/bench-plot) and the table in docs/performance.md
(scripts/bench-doc) read the targets and peers the same way and cannot
disagree.
"""
import os
import re

TARGETS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "bench-targets.tsv")

# A figure line as libos/bench prints it; the kernel log may stamp it.
BENCH_RE = re.compile(r"BENCH (\w+) (-?\d+(?:\.\d+)?) (\S+)\s*$")


class TableError(Exception):
    pass


class Row:
    """One line of the targets table."""

    def __init__(self, figure, kind, bound, ref, peers):
        self.figure = figure
        self.kind = kind      # "le", "eq" or None
        self.bound = bound    # for "le": the largest value that meets it
        self.ref = ref        # for "eq": the figure it must equal
        self.peers = peers    # [(label, value)]

    def target_text(self):
        if self.kind == "le":
            return "<= %s" % _num(self.bound)
        if self.kind == "eq":
            return "= %s" % self.ref
        return ""


def _num(v):
    return ("%d" % v) if v == int(v) else ("%.1f" % v)


def _value(text, where):
    try:
        return float(text)
    except ValueError:
        raise TableError("%s: expected a number, got %r" % (where, text))


def parse_targets(text, name="bench-targets.tsv"):
    """Rows of the table in text; TableError names file:line on a bad one."""
    rows, seen, header = [], set(), False
    for n, line in enumerate(text.splitlines(), 1):
        where = "%s:%d" % (name, n)
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) != 3:
            raise TableError("%s: expected 3 tab-separated columns "
                             "(figure, target, peers), got %d"
                             % (where, len(cols)))
        if not header:
            if cols != ["figure", "target", "peers"]:
                raise TableError("%s: expected the header line "
                                 "'figure<TAB>target<TAB>peers'" % where)
            header = True
            continue
        figure, target, peers = cols
        if not re.fullmatch(r"\w+", figure):
            raise TableError("%s: bad figure name %r" % (where, figure))
        if figure in seen:
            raise TableError("%s: %s is listed twice" % (where, figure))
        seen.add(figure)
        kind = bound = ref = None
        if target.startswith("<="):
            kind, bound = "le", _value(target[2:].strip(), where)
        elif target.startswith("="):
            kind, ref = "eq", target[1:].strip()
            if not re.fullmatch(r"\w+", ref):
                raise TableError("%s: bad figure name %r" % (where, ref))
        elif target != "-":
            raise TableError("%s: target must be '<= N', '= FIGURE' or "
                             "'-', got %r" % (where, target))
        plist = []
        if peers != "-":
            for p in peers.split(";"):
                label, eq, val = p.partition("=")
                if not eq or not label.strip():
                    raise TableError("%s: peer must be 'label = N', got %r"
                                     % (where, p.strip()))
                plist.append((label.strip(), _value(val.strip(), where)))
        rows.append(Row(figure, kind, bound, ref, plist))
    if not header:
        raise TableError("%s: no header line" % name)
    return rows


def load_targets(path=TARGETS):
    with open(path) as f:
        return parse_targets(f.read(), os.path.basename(path))


def parse_bench(text):
    """{name: (value, unit)} in the order printed, from make bench output."""
    figures = {}
    for line in text.replace("\r", "").splitlines():
        m = BENCH_RE.search(line)
        if m:
            figures[m.group(1)] = (float(m.group(2)), m.group(3))
    return figures


class Result:
    """A figure as measured, beside its target and peers."""

    def __init__(self, name, value, unit, row):
        self.name = name
        self.value = value  # None: in the table but not measured
        self.unit = unit
        self.row = row      # None: measured, not in the table
        self.met = None     # True / False; None when there is no target

    @property
    def target(self):
        return self.row.target_text() if self.row else ""

    @property
    def peers(self):
        return self.row.peers if self.row else []


def judge(rows, figures):
    """Results for every measured figure (in the order printed), then for
    any table row nothing measured."""
    by_name = {r.figure: r for r in rows}
    out = []
    for name, (value, unit) in figures.items():
        res = Result(name, value, unit, by_name.get(name))
        row = res.row
        if row and row.kind == "le":
            res.met = value <= row.bound
        elif row and row.kind == "eq":
            other = figures.get(row.ref)
            res.met = other is not None and other[0] == value
        out.append(res)
    for row in rows:
        if row.figure not in figures:
            out.append(Result(row.figure, None, "", row))
    return out


def missing(results):
    return [r.name for r in results if r.value is None]


def misses(results):
    return [r.name for r in results if r.met is False]


def status_word(res):
    if res.value is None:
        return "NOT MEASURED"
    return {True: "ok", False: "MISS", None: ""}[res.met]


def peer_text(res, fmt="%s %s (%sx)"):
    """"label value (ratio to ours x)" for each peer, joined."""
    parts = []
    for label, v in res.peers:
        ratio = ("%.1f" % (v / res.value)) if res.value else "?"
        parts.append(fmt % (label, _num(v), ratio))
    return "; ".join(parts)


def format_text(results):
    """The table make bench prints: one line a figure, misses marked."""
    lines = ["%-24s %8s  %-16s %-16s %-5s %s" % (
        "figure", "value", "unit", "target", "", "peers (same QEMU; x ours)")]
    for r in results:
        value = "-" if r.value is None else "%.1f" % r.value
        lines.append(("%-24s %8s  %-16s %-16s %-5s %s" % (
            r.name, value, r.unit, r.target, status_word(r),
            peer_text(r))).rstrip())
    judged = [r for r in results if r.met is not None]
    bad = misses(results)
    lines.append("%d of %d targets met%s" % (
        len(judged) - len(bad), len(judged),
        "; missed: " + ", ".join(bad) if bad else ""))
    if missing(results):
        lines.append("in scripts/bench-targets.tsv but not measured: "
                     + ", ".join(missing(results)))
    return "\n".join(lines)


def format_markdown(results):
    """The same table for docs/performance.md."""
    lines = ["| figure | value | unit | target | met | peers on the same "
             "QEMU (× ours) |", "|---|---:|---|---|---|---|"]
    for r in results:
        value = "–" if r.value is None else "%.1f" % r.value
        met = {True: "yes", False: "**miss**", None: ""}[r.met]
        if r.value is None:
            met = "**not measured**"
        target = r.target.replace("<=", "≤")
        if r.row and r.row.kind == "eq":
            target = "= `%s`" % r.row.ref
        peers = peer_text(r, "%s %s (%s×)")
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % (
            r.name, value, r.unit, target, met, peers))
    return "\n".join(lines)
