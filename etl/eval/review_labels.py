"""Reviewed filings as labels (`jixiao corrections export DIR`): a bureau's corrections become a test set.

A filing is reviewed once a person confirmed it as a whole (完成复核 on the review page): its
stored rows, with every correction applied, are then what a perfect reader of its file would
extract. Each is written as one label in the format of tests/data/real/LABELS.md, so

    jixiao score --labels DIR --db FILE        (or the evaluation kit's score.py)

scores the corrected database 1.000, and a later parser can be held to the same files.

The scorer finds a label's filing by the file's base name, then by doc kind and indicator names.
Two filings it cannot tell apart (same base name in two folders, or two parts of one file with the
same kind and rows) could be matched the wrong way round: the export plays the scorer's matching
and names any label that would not find its own filing.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.eval.score import BUDGET, ROW_FIELDS, load_labels, pick_filing


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # labels the scorer would match to another filing


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def reviewed_ids(con) -> list[str]:
    """Filings a person confirmed as a whole (and not marked as not a filing), in file order."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'corrections'").fetchone()[0]:
        return []
    return [r[0] for r in con.execute("""
        SELECT f.filing_id FROM filings f
        WHERE f.filing_id IN (SELECT filing_id FROM corrections
                              WHERE kind = 'confirm' AND row_key IS NULL AND state IN ('applied', 'superseded'))
        ORDER BY f.source_file, f.part_index""").fetchall()]


def _number(v):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def label_of(con, filing_id: str) -> dict:
    """One filing as a label: what the database holds for it, corrections included."""
    f = _rows(con, "SELECT * FROM filings WHERE filing_id = ?", [filing_id])[0]
    rows = _rows(con, f"SELECT {', '.join(ROW_FIELDS)} FROM indicators WHERE filing_id = ? ORDER BY seq", [filing_id])
    who = _rows(con, """SELECT string_agg(DISTINCT reviewer, '、' ORDER BY reviewer) AS who, max(corrected_at) AS at
                        FROM corrections WHERE filing_id = ?""", [filing_id])[0]
    return {
        "file": Path(str(f["source_file"])).name,
        "source_url": None,
        "doc_kind": f["doc_kind"],
        "truncated": False,
        "region": {"province": f["province"], "city": f["city"], "county": f["county"]},
        "department": f["department"],
        "unit": f["unit"],
        "project": f["project"],
        "year": f["year"],
        "budget": {key: _number(f[col]) for key, col in BUDGET.items()},
        "total_weight": _number(f["total_weight"]),
        "total_score": _number(f["total_score"]),
        "indicators": [{k: (_number(r[k]) if k in ("weight", "score") else r[k]) for k in ROW_FIELDS} for r in rows],
        "notes": f"jixiao 复核导出：{who['who']} 复核（{who['at']:%Y-%m-%d %H:%M} UTC），"
                 f"来源文件 {f['source_file']} 第 {int(f['part_index']) + 1} 份，sha256 {f['source_sha256']}",
    }


def _name(source_file: str, part: int) -> str:
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", Path(source_file).stem).strip("_") or "filing"
    return f"{stem}__{part:03d}.json"


def export_labels(db: Path | str, out: Path | str) -> ExportResult:
    """Write every reviewed filing of the DuckDB file `db` as a label under `out` (created if missing)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    con = duckdb.connect(str(db), read_only=True)
    try:
        wanted: dict[str, str] = {}  # label path -> the filing it was written from
        for fid in reviewed_ids(con):
            f = _rows(con, "SELECT source_file, part_index FROM filings WHERE filing_id = ?", [fid])[0]
            path = out / _name(f["source_file"], int(f["part_index"]))
            k = 1
            while path.exists() and path.relative_to(out).as_posix() in wanted:  # same stem in two folders
                path = path.with_name(path.stem + f"_{k}.json")
                k += 1
            path.write_text(json.dumps(label_of(con, fid), ensure_ascii=False, indent=1, default=str) + "\n",
                            encoding="utf-8")
            wanted[path.relative_to(out).as_posix()] = fid
            result.written.append(path)
        result.ambiguous = _check_matching(con, out, wanted)
    finally:
        con.close()
    return result


def _check_matching(con, out: Path, wanted: dict[str, str]) -> list[str]:
    """The labels the scorer would match to another filing than their own (its matching, played here)."""
    by_file: dict[str, list[dict]] = {}
    for f in _rows(con, "SELECT filing_id, source_file, doc_kind FROM filings", []):
        by_file.setdefault(Path(str(f["source_file"])).name, []).append(f)

    def rows_of(fid):
        return _rows(con, "SELECT name FROM indicators WHERE filing_id = ? ORDER BY seq", [fid])

    taken: set[str] = set()
    wrong = []
    for name, label in load_labels(out):
        cands = [f for f in by_file.get(label["file"], []) if f["filing_id"] not in taken]
        got = pick_filing(label, cands, rows_of)
        if got is not None:
            taken.add(got["filing_id"])
        if name in wanted and (got is None or got["filing_id"] != wanted[name]):
            wrong.append(name)
    return wrong
