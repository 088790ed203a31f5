"""PDF CPU ms per page, before (pdfplumber alone) and after (PDFium's objects, the quicker table finder). Prints figures.

    .venv/bin/python bench/pdf_bench.py [--counties 2] [--departments 6] [--no-ingest]

Generates the sample corpus's PDFs (etl.sample, every PDF of a 2 x 6 county
corpus by default), then:
- reader: CPU time of read_pdf on every file, the reference path (pdfminer's
  objects, pdfplumber's own table finder and cell text: what the reader did
  before) against the fast path, and whether every file gave the same rows;
- ingest: CPU time of a whole ingest of the same files (every process: the
  writer and the parse workers) with JIXIAO_PDF_REFERENCE=1 and without, per page,
  the figure issue 23 asked for (68-77 CPU ms a page before);
- PDFium's own text extraction of the same pages, the floor for reading a PDF's text.
CPU time is counted, not wall time, but a busy machine still slows it: the load is printed.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _rows(doc):
    return doc.layout, doc.warnings, [(r.table, r.loc, [(c.text, c.loc) for c in r.cells]) for r in doc.rows]


def reader(blobs: list[tuple[str, bytes]]) -> tuple[float, float, int]:
    """(reference CPU s, fast CPU s, files whose rows differ)."""
    from etl.read.pdf import read_pdf

    read_pdf(blobs[0][1], blobs[0][0])  # imports and PDFium's start-up belong to neither
    read_pdf(blobs[0][1], blobs[0][0], reference=True)
    ref = fast = 0.0
    differ = 0
    for name, data in blobs:
        t0 = time.process_time()
        a = read_pdf(data, name, reference=True)
        t1 = time.process_time()
        b = read_pdf(data, name)
        t2 = time.process_time()
        ref, fast = ref + t1 - t0, fast + t2 - t1
        if _rows(a) != _rows(b):
            differ += 1
            print(f"  rows differ: {name}")
    return ref, fast, differ


def ingest(paths: list[Path], tmp: Path, reference: bool) -> float:
    from etl.pipeline import ingest_paths

    if reference:
        os.environ["JIXIAO_PDF_REFERENCE"] = "1"
    try:
        cpu0 = _cpu()
        summary = ingest_paths(paths, tmp / f"ingest_{int(reference)}.duckdb")
        cpu = _cpu() - cpu0
    finally:
        os.environ.pop("JIXIAO_PDF_REFERENCE", None)
    if summary.failed:
        print(f"  {summary.failed} files failed")
    return cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=2)
    ap.add_argument("--departments", type=int, default=6)
    ap.add_argument("--no-ingest", action="store_true", help="time the reader only")
    args = ap.parse_args()
    import pypdfium2 as pdfium

    from etl.sample.generate import generate_corpus

    print(f"load before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        generate_corpus(tmp / "pdf", seed=7, counties=args.counties, departments_per_county=args.departments,
                        formats=("pdf",))
        paths = sorted((tmp / "pdf").glob("*.pdf"))
        blobs = [(p.name, p.read_bytes()) for p in paths]
        pages = 0
        t0 = time.process_time()
        for _, data in blobs:
            doc = pdfium.PdfDocument(data)
            for page in doc:
                page.get_textpage().get_text_range()
                pages += 1
            doc.close()
        floor = time.process_time() - t0
        print(f"{len(blobs)} PDFs, {pages} pages; PDFium's text alone: {1000 * floor / pages:.1f} CPU ms a page")
        ref, fast, differ = reader(blobs)
        print(f"reader  before {1000 * ref / pages:6.1f}  after {1000 * fast / pages:6.1f} CPU ms a page "
              f"({ref / fast:.1f}x); files with different rows: {differ}")
        if not args.no_ingest:
            ingest(paths[:1], tmp, False)  # the process's one-off start-up belongs to neither run
            before = ingest(paths, tmp, True)
            after = ingest(paths, tmp, False)
            print(f"ingest  before {1000 * before / pages:6.1f}  after {1000 * after / pages:6.1f} CPU ms a page "
                  f"({before / after:.1f}x), all processes")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
