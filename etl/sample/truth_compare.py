"""Compare what the ETL read back from a generated corpus with the generator's truth (manifest.json)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.eval.score import same  # compared as the evaluation compares labels

FILING_FIELDS = [
    "doc_kind", "department", "unit", "project", "year", "province", "city", "county",
    "budget_initial", "budget_adjusted", "budget_executed", "exec_rate_reported", "exec_weight", "exec_score",
    "total_weight", "total_score", "budget_fiscal", "budget_other",
]
ROW_FIELDS = ["level1", "level2", "name", "target", "actual", "weight", "score", "reason"]


@dataclass
class RoundTrip:
    fields: int = 0
    right: int = 0
    filings_expected: int = 0
    filings_found: int = 0
    misses: list[str] = field(default_factory=list)
    by_format: dict = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.right / self.fields if self.fields else 0.0


def compare(corpus: Path, db: Path) -> RoundTrip:
    manifest = json.loads((Path(corpus) / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(db), read_only=True)
    rt = RoundTrip()
    try:
        for file in manifest["files"]:
            fmt = file["fmt"]
            stats = rt.by_format.setdefault(fmt, [0, 0])
            got = {r[0]: r for r in con.execute(
                "SELECT part_index, filing_id, " + ", ".join(FILING_FIELDS) + " FROM filings WHERE source_sha256 = ?",
                [file["sha256"]]).fetchall()}
            for k, truth in enumerate(file["filings"]):
                if truth["doc_kind"].endswith("target") and truth.get("budget_adjusted") is None:
                    # the contract stores a target table's 预算数 as its full-year budget too
                    truth = {**truth, "budget_adjusted": truth.get("budget_initial")}
                rt.filings_expected += 1
                row = got.get(k)
                want_rows = [r for r in truth["indicators"] if not r.get("skip")]
                n = len(FILING_FIELDS) + len(want_rows) * len(ROW_FIELDS)
                rt.fields += n
                stats[0] += n
                if row is None:
                    rt.misses.append(f"{file['file']}#{k}: filing not found")
                    continue
                rt.filings_found += 1
                for name, value in zip(FILING_FIELDS, row[2:]):
                    if same(truth.get(name), value):
                        rt.right += 1
                        stats[1] += 1
                    else:
                        rt.misses.append(f"{file['file']}#{k} {name}: want {truth.get(name)!r} got {value!r}")
                inds = con.execute(
                    "SELECT " + ", ".join(ROW_FIELDS) + " FROM indicators WHERE filing_id = ? ORDER BY seq", [row[1]]
                ).fetchall()
                for j, want in enumerate(want_rows):
                    have = inds[j] if j < len(inds) else [None] * len(ROW_FIELDS)
                    for name, value in zip(ROW_FIELDS, have):
                        if same(want.get(name), value):
                            rt.right += 1
                            stats[1] += 1
                        else:
                            rt.misses.append(f"{file['file']}#{k} row {j + 1} {name}: want {want.get(name)!r} got {value!r}")
    finally:
        con.close()
    return rt
