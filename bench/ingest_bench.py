"""Ingest throughput per format and peak memory. Prints figures; not a test.

    uv run python bench/ingest_bench.py [--counties 2] [--departments 6]

Generates a synthetic corpus (etl.sample) into a temp folder, then ingests
the files of each format into a fresh database and reports filings/s (and
PDF pages/s), plus the process's peak resident memory.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from etl.pipeline import ingest_paths


def pdf_pages(paths: list[Path]) -> int:
    import pdfplumber

    n = 0
    for p in paths:
        with pdfplumber.open(p) as pdf:
            n += len(pdf.pages)
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=2)
    ap.add_argument("--departments", type=int, default=6)
    ap.add_argument("--seeds", type=Path, default=Path("data/seeds"))
    args = ap.parse_args()
    from etl.sample.generate import generate_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        t0 = time.perf_counter()
        generate_corpus(corpus, seed=7, counties=args.counties, departments_per_county=args.departments)
        print(f"generated corpus in {time.perf_counter() - t0:.1f} s")
        by_fmt: dict[str, list[Path]] = defaultdict(list)
        for p in sorted(corpus.rglob("*")):
            if p.is_file() and p.name != "manifest.json":
                by_fmt[p.suffix.lstrip(".")].append(p)
        if args.seeds.exists():
            by_fmt["seeds(txt)"] = sorted(args.seeds.glob("*.txt"))
        print(f"{'format':<12}{'files':>7}{'filings':>9}{'seconds':>9}{'filings/s':>11}{'extra':>20}")
        for fmt, paths in by_fmt.items():
            db = Path(tmp) / f"{fmt}.duckdb"
            t0 = time.perf_counter()
            summary = ingest_paths(paths, db)
            dt = time.perf_counter() - t0
            extra = ""
            if fmt == "pdf":
                extra = f"{pdf_pages(paths) / dt:.1f} pages/s"
            if summary.failed:
                extra += f" failed={summary.failed}"
            print(f"{fmt:<12}{len(paths):>7}{summary.filings:>9}{dt:>9.2f}{summary.filings / dt:>11.1f}{extra:>20}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
