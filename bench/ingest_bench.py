"""Ingest throughput per format, per core, and peak memory. Prints figures; not a test.

    uv run python bench/ingest_bench.py [--counties 2] [--departments 6] [--scale-counties 5] [--scale-departments 10]

Generates a synthetic corpus (etl.sample) into a temp folder, then ingests
the files of each format into a fresh database and reports, per format:
filings/s by the wall clock (workers as the CLI picks them: up to one per core),
the CPU seconds the ingest took in all its processes (the writer and the parse
workers) and filings per CPU second: the per-core rate, which does not depend on
how many cores there are or how busy the machine is. Each run includes its fixed
costs (starting workers, comparing filings across files, building the marts),
which weigh on a small corpus; the `txt steady` row ingests a larger text-only
corpus with one parse worker, the per-core rate at scale.

PDF pages are also timed against PDFium's own text extraction (pypdfium2, the
library pdfplumber ships) of the same pages: the floor for reading a PDF's text.
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
    import pypdfium2 as pdfium

    n = 0
    for p in paths:
        pdf = pdfium.PdfDocument(p.read_bytes())
        n += len(pdf)
        pdf.close()
    return n


def pdfium_text_seconds(paths: list[Path]) -> float:
    """Seconds PDFium takes to give the text of every page (the raw extraction, nothing else)."""
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    for p in paths:
        pdf = pdfium.PdfDocument(p.read_bytes())
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()
    return time.perf_counter() - t0


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ingest(paths: list[Path], db: Path, workers: int | None = None):
    cpu0, t0 = _cpu(), time.perf_counter()
    summary = ingest_paths(paths, db, workers=workers)  # workers are reaped before it returns: their CPU counts
    return summary, time.perf_counter() - t0, _cpu() - cpu0


HEADER = f"{'format':<14}{'files':>7}{'filings':>9}{'seconds':>9}{'filings/s':>11}{'cpu s':>8}{'per cpu s':>11}  extra"


def row(fmt: str, paths: list[Path], summary, dt: float, cpu: float, extra: str = "") -> str:
    if summary.failed:
        extra += f" failed={summary.failed}"
    return (f"{fmt:<14}{len(paths):>7}{summary.filings:>9}{dt:>9.2f}{summary.filings / dt:>11.1f}"
            f"{cpu:>8.2f}{summary.filings / cpu:>11.1f}  {extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=2)
    ap.add_argument("--departments", type=int, default=6)
    ap.add_argument("--scale-counties", type=int, default=5, help="text-only corpus for the steady-state row (0: skip)")
    ap.add_argument("--scale-departments", type=int, default=10)
    ap.add_argument("--seeds", type=Path, default=Path("data/seeds"))
    ap.add_argument("--real", type=Path, default=Path("tests/data/real"),
                    help="the real web copies (dev, dev2, dev3): glued and damaged text, where the cell tagger runs")
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
        if args.real.exists():
            by_fmt["real(txt)"] = sorted(p for s in ("dev", "dev2", "dev3") for p in (args.real / s).glob("*.txt"))
        # one file first, not counted: the process's one-off start-up (DuckDB imports pandas on its
        # first parameterised query, ~0.4-1 s) belongs to no format
        ingest(by_fmt["txt"][:1], Path(tmp) / "warm.duckdb")
        print(HEADER)
        for fmt, paths in by_fmt.items():
            summary, dt, cpu = ingest(paths, Path(tmp) / f"{fmt}.duckdb")
            extra = ""
            if fmt == "pdf":
                pages = pdf_pages(paths)
                floor = pdfium_text_seconds(paths)
                extra = (f"{pages / dt:.1f} pages/s; {1000 * cpu / pages:.0f} cpu ms a page vs "
                         f"{1000 * floor / pages:.1f} ms for PDFium's text alone ({cpu / floor:.0f}x)")
            print(row(fmt, paths, summary, dt, cpu, extra))
        if args.scale_counties:
            steady = Path(tmp) / "steady"
            generate_corpus(steady, seed=11, counties=args.scale_counties,
                            departments_per_county=args.scale_departments, formats=("txt",))
            paths = sorted(steady.glob("*.txt"))
            summary, dt, cpu = ingest(paths, Path(tmp) / "steady.duckdb", workers=1)
            print(row("txt steady", paths, summary, dt, cpu, "one parse worker + the writer"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
