"""Ingest the real corpus (seeds, dev, dev2) and print how well it is read, per set and together.

    .venv/bin/python bench/real_corpus.py [--verbose] [--write-floors]

Figures are those of the project's evaluation scorer (etl/eval/score.py mirrors
it): fields, rows_f1, filings found, vague precision / recall, problems recall.
--write-floors rewrites tests/data/real/floors.toml from this measurement (the
ratchet the tests hold the parser to).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from etl.eval.floors import SETS, corpus, gains, read_floors, render_floors, shortfalls
from etl.eval.score import score_db
from etl.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parents[1]


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true", help="list what differed, label by label")
    ap.add_argument("--write-floors", action="store_true", help="rewrite the floors file from this measurement")
    args = ap.parse_args()
    sources, labels, floors_path = corpus(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "real.duckdb"
        t0 = time.perf_counter()
        summary = ingest_paths(sources, db)
        dt = time.perf_counter() - t0
        score = score_db(labels, db)
    print(f"ingest: {len(summary.results)} files, {summary.failed} failed, {summary.filings} filings in {dt:.1f}s")
    for r in summary.results:
        if r.status == "failed":
            print(f"  failed: {r.error}")
    print(f"{'set':<6} {'fields':>7} {'rows_f1':>7} {'found':>7} {'vague_p':>7} {'vague_r':>7} {'probl_r':>7}")
    for name, s in [(n, score.subset(n + "/")) for n in SETS] + [("all", score)]:
        print(f"{name:<6} {s.fields:>7.3f} {s.rows_f1:>7.3f} {f'{s.found}/{len(s.labels)}':>7} "
              f"{_fmt(s.vague_p):>7} {_fmt(s.vague_r):>7} {_fmt(s.problems_r):>7}")
    fields = score.by_field()
    print("fields right by field (all sets):", ", ".join(
        f"{k} {ok}/{n}" for k, (n, ok) in sorted(fields.items(), key=lambda kv: kv[1][1] / kv[1][0])))
    if args.verbose:
        for s in score.labels:
            print(f"{s.label}: fields {s.fields:.3f}, {len(s.misses)} misses" if s.found else f"{s.label}: NOT FOUND")
            for m in s.misses if s.found else []:
                print("   ", m)
    print(score.line())
    if args.write_floors:
        floors_path.write_text(render_floors(score), encoding="utf-8")
        print(f"floors written to {floors_path.relative_to(ROOT)}")
    elif floors_path.exists():
        floors = read_floors(floors_path)
        bad = shortfalls(score, floors)
        print("below floors:" if bad else "all floors met")
        for b in bad:
            print("  ", b)
        up = gains(score, floors)
        if up:
            print("better than the floors (lock in with --write-floors):")
            for g in up:
                print("  ", g)


if __name__ == "__main__":
    main()
