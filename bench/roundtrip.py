"""Render a generated corpus in every format, ingest it, and print how much comes back exactly.

    uv run python bench/roundtrip.py [--counties 2] [--departments 8]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from etl.pipeline import ingest_paths
from etl.sample.truth_compare import compare
from etl.sample.generate import generate_corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=2)
    ap.add_argument("--departments", type=int, default=8)
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        generate_corpus(corpus, seed=11, counties=args.counties, departments_per_county=args.departments)
        t0 = time.perf_counter()
        summary = ingest_paths([corpus], Path(tmp) / "rt.duckdb")
        dt = time.perf_counter() - t0
        rt = compare(corpus, Path(tmp) / "rt.duckdb")
    print(f"files {len(summary.results)} failed {summary.failed} ingest {dt:.1f}s")
    print(f"filings found {rt.filings_found}/{rt.filings_expected}; fields exact {rt.right}/{rt.fields} = {rt.share:.4f}")
    for fmt, (n, ok) in sorted(rt.by_format.items()):
        print(f"  {fmt:<5} {ok}/{n} = {ok / n if n else 0:.4f}")
    kinds = Counter(m.split(" ")[1] if " " in m else "filing" for m in rt.misses)
    print("misses by field:", dict(kinds.most_common(10)))
    for m in rt.misses[: args.show]:
        print("  ", m)


if __name__ == "__main__":
    main()
