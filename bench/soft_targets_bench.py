"""Recall and precision of the soft-target rules on the planted multi-year series (etl.sample.planted_series.py).

    python bench/soft_targets_bench.py [--counties 6] [--departments 5] [--memory] [--keep DIR]

By default the series are rendered to files (docx, xlsx, html, txt, pdf), ingested into a fresh DuckDB
file the way a user would, and the findings in the database are scored against the manifest: so the
figures include reading, parsing, keys and links. --memory scores the filings as generated (no files),
which isolates the rules from the parser.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.sample.planted_series import expected, generate_series, recall_precision, write_series  # noqa: E402


class _F:
    def __init__(self, rule, filing_id, indicator_seq):
        self.rule, self.filing_id, self.indicator_seq = rule, filing_id, indicator_seq


def in_memory(counties: int, departments: int) -> tuple[list, list]:
    from etl.check import load_settings, run_checks, soft_findings

    settings = load_settings()
    filings, truths = [], []
    for (county, dept, year), made in generate_series(counties=counties, departments=departments):
        for k, (f, t) in enumerate(made):
            f.filing_id = f"{county}-{dept}-{year}-{k:02d}"
            f.source_file = f"{dept}{year}"
            filings.append(f)
            truths.append({"filing_id": f.filing_id, "defects": t["defects"],
                           "indicators": [{"seq": i.seq, "defects": c} for i, c in zip(f.indicators, t["rows"])]})
    found = soft_findings(filings, settings)
    for f in filings:
        found += [x for x in run_checks(f, settings) if x.family == "soft"]
        for x in found:
            x.filing_id = x.filing_id or f.filing_id
    return found, truths


def through_files(counties: int, departments: int, keep: Path | None) -> tuple[list, list, dict]:
    import duckdb

    from etl.pipeline import ingest_paths

    work = keep or Path(tempfile.mkdtemp(prefix="soft_bench_"))
    t0 = time.perf_counter()
    manifest = write_series(work / "files", counties=counties, departments=departments)
    t1 = time.perf_counter()
    db = work / "soft.duckdb"
    if db.exists():
        db.unlink()
    summary = ingest_paths([work / "files"], db)
    t2 = time.perf_counter()
    truths = []
    for fl in manifest["files"]:
        for k, x in enumerate(fl["filings"]):
            truths.append({**x, "filing_id": f"{fl['sha256'][:16]}-{k:02d}"})
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = [_F(*r) for r in con.execute(
            "SELECT rule, filing_id, indicator_seq FROM findings WHERE family = 'soft'").fetchall()]
        stats = {
            "files": len(manifest["files"]), "loaded": summary.loaded, "failed": summary.failed,
            "filings": con.execute("SELECT count(*) FROM filings").fetchone()[0],
            "filings_expected": len(truths),
            "links": con.execute("SELECT count(*) FROM filing_links").fetchone()[0],
            "links_fuzzy": con.execute("SELECT count(*) FROM filing_links WHERE match = 'fuzzy'").fetchone()[0],
            "render_s": round(t1 - t0, 1), "ingest_s": round(t2 - t1, 1), "dir": str(work),
        }
    finally:
        con.close()
    return found, truths, stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=6)
    ap.add_argument("--departments", type=int, default=5)
    ap.add_argument("--memory", action="store_true", help="score the generated filings, without files or parser")
    ap.add_argument("--keep", type=Path, help="write files and database here (default: a temporary folder)")
    a = ap.parse_args(argv)
    if a.memory:
        found, truths = in_memory(a.counties, a.departments)
        print(f"in memory: {len(truths)} filings")
    else:
        found, truths, stats = through_files(a.counties, a.departments, a.keep)
        print("files -> ingest -> findings: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    res = recall_precision(found, expected(truths))
    print(f"{'rule':32} {'planted':>7} {'found':>6} {'tp':>5} {'recall':>7} {'precision':>9}")
    for rule, r in res.items():
        rc = "—" if r["recall"] is None else f"{r['recall']:.3f}"
        pr = "—" if r["precision"] is None else f"{r['precision']:.3f}"
        print(f"{rule:32} {r['planted']:>7} {r['found']:>6} {r['tp']:>5} {rc:>7} {pr:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
