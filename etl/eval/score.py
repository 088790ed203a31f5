"""Score filings against hand-made labels: how much of a labelled filing was read exactly right.

This mirrors the project's evaluation scorer (`eval/score.py` of the shared
evaluation kit, label format in its LABELS.md) field for field: the same
folding, the same matching of labels to filings and of label rows to parsed
rows, the same counts. The totals it prints for a database are the totals that
scorer prints; on top of them it keeps the figures of every label, so a test or
a benchmark can hold each filing to its own floor.

    jixiao score --labels DIR --db FILE [--verbose]

Filings come either from a DuckDB file (`score_db`) or from parsing in memory
(`score_label` with dicts shaped like `filings` / `indicators` rows).
"""
from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

META = ["doc_kind", "department", "project", "year", "county"]
BUDGET = {
    "initial": "budget_initial",
    "adjusted": "budget_adjusted",
    "executed": "budget_executed",
    "exec_rate": "exec_rate_reported",
    "exec_weight": "exec_weight",
    "exec_score": "exec_score",
}
TOTALS = ["total_weight", "total_score"]
ROW_FIELDS = ["level1", "level2", "name", "target", "actual", "weight", "score", "reason"]
# a labelled problem is found when a finding of one of these families sits on its row
PROBLEM_FAMILY = {
    "missing_reason": {"reason"},
    "deducted_though_met": {"scoring"},
    "full_though_missed": {"scoring"},
    "cost_not_money": {"category", "vague"},
    "unit_mismatch": {"category"},
    "wrong_category": {"category"},
    "placeholder": {"template"},
    "typo": {"template"},
}
# Not part of the label format: generated truths (etl/sample/damage.py) list here the fields
# of a row that a damage made unknowable, so they are not counted. Real labels never carry it.
SKIP_KEY = "_skip"


def fold(value):
    """A value as the evaluation scorer compares it (shared/eval/score.py, mirrored as it is there: a number
    rounded, text NFKC with ≧ ≦ as ≥ ≤, no white space, no '指标N:' prefix). The product compares texts with
    etl.measures.fold, which folds more (script, every look-alike operator): scoring with it would
    flatter the parser against the evaluation."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 4)
    text = unicodedata.normalize("NFKC", str(value))
    text = text.replace("≧", "≥").replace("≦", "≤")
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^指标\d+[:：]", "", text)
    return text or None


def same(expected, got) -> bool:
    a, b = fold(expected), fold(got)
    if isinstance(a, float) or isinstance(b, float):
        try:
            return a is not None and b is not None and abs(float(a) - float(b)) <= 0.005
        except (TypeError, ValueError):
            return False
    return a == b


def pick_filing(label: dict, candidates: list[dict], rows_of: Callable[[str], list[dict]]) -> dict | None:
    if not candidates:
        return None
    names = [fold(r.get("name")) for r in label.get("indicators", [])]

    def overlap(f):
        got = [fold(r["name"]) for r in rows_of(f["filing_id"])]
        return difflib.SequenceMatcher(None, names, got, autojunk=False).ratio() if names or got else 0.0

    return max(candidates, key=lambda f: (f.get("doc_kind") == label.get("doc_kind"), overlap(f)))


def align(expected: list[dict], got: list[dict]) -> list[tuple[dict, dict]]:
    """Pair label rows with parsed rows in order, by the indicator name."""
    a = [fold(r.get("name")) or "" for r in expected]
    b = [fold(r.get("name")) or "" for r in got]
    pairs, used = [], set()
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            pairs.append((expected[block.a + k], got[block.b + k]))
            used.add(block.a + k)
    # rows whose name was misread still pair up when they stand alone in the same place
    rest_b = [r for r in got if not any(r is p[1] for p in pairs)]
    for i, row in enumerate(expected):
        if i in used:
            continue
        close = [r for r in rest_b if difflib.SequenceMatcher(None, a[i], fold(r.get("name")) or "").ratio() >= 0.6]
        if close:
            pairs.append((row, close[0]))
            rest_b.remove(close[0])
    return pairs


@dataclass
class LabelScore:
    """The counts of one label; totals are sums of these."""

    label: str
    found: bool = False
    checked: int = 0
    right: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    vtp: int = 0
    vfp: int = 0
    vfn: int = 0
    prob_all: int = 0
    prob_hit: int = 0
    filing_id: str | None = None
    by_field: dict = field(default_factory=dict)  # field -> [checked, right]
    misses: list[str] = field(default_factory=list)

    @property
    def fields(self) -> float:
        return self.right / self.checked if self.checked else 0.0

    def _count(self, key: str, ok: bool) -> None:
        c = self.by_field.setdefault(key, [0, 0])
        c[0] += 1
        c[1] += ok
        self.checked += 1
        self.right += ok


@dataclass
class Score:
    labels: list[LabelScore]

    def _sum(self, attr: str) -> int:
        return sum(getattr(s, attr) for s in self.labels)

    @property
    def fields(self) -> float:
        checked = self._sum("checked")
        return self._sum("right") / checked if checked else 0.0

    @property
    def rows_f1(self) -> float:
        tp, fp, fn = self._sum("tp"), self._sum("fp"), self._sum("fn")
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        return 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    @property
    def found(self) -> int:
        return sum(s.found for s in self.labels)

    @property
    def vague_p(self) -> float | None:
        vtp, vfp, vfn = self._sum("vtp"), self._sum("vfp"), self._sum("vfn")
        if not vtp + vfp + vfn:
            return None
        return vtp / (vtp + vfp) if vtp + vfp else 0.0

    @property
    def vague_r(self) -> float | None:
        vtp, vfp, vfn = self._sum("vtp"), self._sum("vfp"), self._sum("vfn")
        if not vtp + vfp + vfn:
            return None
        return vtp / (vtp + vfn) if vtp + vfn else 0.0

    @property
    def problems_r(self) -> float | None:
        n = self._sum("prob_all")
        return self._sum("prob_hit") / n if n else None

    def by_field(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for s in self.labels:
            for k, (n, ok) in s.by_field.items():
                c = out.setdefault(k, [0, 0])
                c[0] += n
                c[1] += ok
        return {k: (n, ok) for k, (n, ok) in out.items()}

    def subset(self, prefix: str) -> "Score":
        """The labels whose path (relative to the labels folder) starts with prefix."""
        return Score([s for s in self.labels if s.label.startswith(prefix)])

    def line(self) -> str:
        """The scorer's last line: fields=… rows_f1=… filings=n/m [vague_p=… vague_r=…] [problems_r=…]."""
        out = f"fields={self.fields:.3f} rows_f1={self.rows_f1:.3f} filings={self.found}/{len(self.labels)}"
        if self.vague_p is not None:
            out += f" vague_p={self.vague_p:.3f} vague_r={self.vague_r:.3f}"
        if self.problems_r is not None:
            out += f" problems_r={self.problems_r:.3f}"
        return out


def score_label(name: str, label: dict, candidates: list[dict], rows_of: Callable[[str], list[dict]],
                families: dict[tuple, set] | None = None) -> LabelScore:
    """Score one label against the filings parsed from its file (dicts keyed like the `filings` table).

    families: (filing_id, indicator_seq) -> finding families; None when there are no findings,
    which leaves vague and problem figures out, as the scorer does for a database without them.
    """
    s = LabelScore(name)
    has_findings = families is not None
    families = families or {}
    f = pick_filing(label, candidates, rows_of)
    n_rows = len(label.get("indicators", []))
    if f is None:
        n = len(META) + sum(v is not None for v in (label.get("budget") or {}).values()) + len(TOTALS) + sum(
            len(ROW_FIELDS) - len(r.get(SKIP_KEY, ())) for r in label.get("indicators", []))
        s.checked += n
        s.fn += n_rows
        s.misses.append(f"no filing from {label['file']}")
        return s
    s.found = True
    s.filing_id = f["filing_id"]
    region = label.get("region") or {}
    expect = {
        "doc_kind": label.get("doc_kind"),
        "department": label.get("department"),
        "project": label.get("project"),
        "year": label.get("year"),
        "county": region.get("county"),
    }
    for key in META:
        if expect[key] is None and key != "project":
            continue
        ok = same(expect[key], f.get(key))
        s._count(key, ok)
        if not ok:
            s.misses.append(f"{key}: want {expect[key]!r} got {f.get(key)!r}")
    for key, col in BUDGET.items():
        want = (label.get("budget") or {}).get(key)
        if want is None:
            continue
        ok = same(want, f.get(col))
        s._count(col, ok)
        if not ok:
            s.misses.append(f"{col}: want {want!r} got {f.get(col)!r}")
    for key in TOTALS:
        if label.get(key) is None:
            continue
        ok = same(label[key], f.get(key))
        s._count(key, ok)
        if not ok:
            s.misses.append(f"{key}: want {label[key]!r} got {f.get(key)!r}")
    got_rows = rows_of(f["filing_id"])
    pairs = align(label.get("indicators", []), got_rows)
    s.tp += len(pairs)
    s.fn += n_rows - len(pairs)
    s.fp += len(got_rows) - len(pairs)
    # every labelled row counts all its fields, found or not (fields a damage made unknowable excepted)
    for want in label.get("indicators", []):
        if not any(want is p[0] for p in pairs):
            for key in ROW_FIELDS:
                if key not in want.get(SKIP_KEY, ()):
                    s._count(key, False)
    for want, got in pairs:
        fams = families.get((f["filing_id"], got.get("seq")), set())
        marks = [want.get("vague_target"), want.get("vague_actual")]
        if has_findings and any(m is not None for m in marks):
            is_vague = any(m is True for m in marks)
            # a cost indicator that is not money may be reported as a category problem instead
            said = "vague" in fams or (is_vague and "cost_not_money" in want.get("problems", []) and "category" in fams)
            s.vtp += is_vague and said
            s.vfp += (not is_vague) and said
            s.vfn += is_vague and not said
            if is_vague != bool(said):
                s.misses.append(f"row {want.get('name')!r} vague: want {is_vague} got {bool(said)}")
        for code in want.get("problems", []) if has_findings else []:
            s.prob_all += 1
            if fams & PROBLEM_FAMILY.get(code, set()):
                s.prob_hit += 1
            else:
                s.misses.append(f"row {want.get('name')!r} problem {code}: no "
                                f"{'/'.join(sorted(PROBLEM_FAMILY.get(code, {'?'})))} finding")
        for key in ROW_FIELDS:
            if key in want.get(SKIP_KEY, ()):
                continue
            ok = same(want.get(key), got.get(key))
            s._count(key, ok)
            if not ok:
                s.misses.append(f"row {want.get('name')!r} {key}: want {want.get(key)!r} got {got.get(key)!r}")
    if n_rows - len(pairs):
        s.misses.append(f"{n_rows - len(pairs)} labelled rows not found; {len(got_rows) - len(pairs)} extra rows")
    return s


def load_labels(folder: Path) -> list[tuple[str, dict]]:
    """Every *.json under folder, as (path relative to folder, label), in the scorer's order."""
    folder = Path(folder)
    return [(p.relative_to(folder).as_posix(), json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(folder.rglob("*.json"))]


def _fetch(con, sql: str, *params) -> list[dict]:
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def score_db(labels_dir: Path, db: Path | str) -> Score:
    """Score every label under labels_dir against what an ingest left in the DuckDB file db."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        filings = _fetch(con, "SELECT * FROM filings")
        by_file: dict[str, list[dict]] = {}
        for f in filings:
            by_file.setdefault(Path(str(f["source_file"])).name, []).append(f)

        def rows_of(fid):
            return _fetch(con, "SELECT * FROM indicators WHERE filing_id = ? ORDER BY seq", fid)

        families: dict[tuple, set] | None = None
        if _fetch(con, "SELECT 1 FROM information_schema.tables WHERE table_name = 'findings'"):
            families = {}
            for r in _fetch(con, "SELECT filing_id, indicator_seq, family FROM findings WHERE indicator_seq IS NOT NULL"):
                families.setdefault((r["filing_id"], r["indicator_seq"]), set()).add(r["family"])
        taken: set[str] = set()
        out = []
        for name, label in load_labels(labels_dir):
            cands = [f for f in by_file.get(label["file"], []) if f["filing_id"] not in taken]
            s = score_label(name, label, cands, rows_of, families)
            if s.filing_id:
                taken.add(s.filing_id)
            out.append(s)
        return Score(out)
    finally:
        con.close()
