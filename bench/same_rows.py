"""Do two versions of the ETL write the same rows? Dump every table of an ingest, compare with another.

    .venv/bin/python bench/same_rows.py --corpus /tmp/rows_corpus --dump /tmp/rows_before
    ... change the code ...
    .venv/bin/python bench/same_rows.py --corpus /tmp/rows_corpus --dump /tmp/rows_after --compare /tmp/rows_before

The corpus is written once (when the folder is missing) and then only read, so
both runs ingest the same bytes: the generated sample corpus in every format, the
soft-target series (links, soft indices), generated text filings damaged the way
web copies are (etl/sample/damage.py), a few files that fail or repeat, and the real filings (data/seeds,
tests/data/real). It is ingested into a fresh DuckDB file through the pipeline
the CLI uses, in two runs (part, then all: the second finds the first's files
known); every table (contract tables, derived tables, marts, the log) is
dumped sorted to Parquet. Only what differs from run to run by nature is left
out: timestamps, run ids and per-file seconds; sums that DuckDB adds in parallel
(soft_indices, marts) compare to 1e-9 relative. Exit status 1 when any value differs.
"""
from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# columns whose values differ between two runs of the same code
VOLATILE = {("ingest_log", "run_id"), ("ingest_log", "seconds"), ("meta", "value")}


def build_corpus(out: Path) -> None:
    from etl.eval.damaged import generated
    from etl.sample.damage import DAMAGES, damage
    from etl.sample.generate import generate_corpus
    from etl.sample.planted_series import write_series

    out.mkdir(parents=True)
    generate_corpus(out / "generated", seed=7, counties=2, departments_per_county=6)
    write_series(out / "series", counties=2, departments=3)
    names = sorted(DAMAGES)
    (out / "damaged").mkdir()
    for i, (name, text, label) in enumerate(generated(160, seed=11)):
        picks = [names[i % len(names)]] + ([names[(i * 7 + 3) % len(names)]] if i % 3 == 0 else [])
        text2, _ = damage(text, label, sorted(set(picks), key=names.index), random.Random(f"rows:{i}"))
        (out / "damaged" / name).write_text(text2, encoding="utf-8")
    # files that fail or repeat, so the log's error and duplicate rows are compared too
    odd = out / "odd"
    odd.mkdir()
    (odd / "empty.txt").write_bytes(b"")
    (odd / "not_a_filing.txt").write_text("会议纪要\n今天天气很好。\n", encoding="utf-8")
    (odd / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    (odd / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    first = sorted((out / "generated").glob("*.txt"))[0]
    (odd / ("copy_of_" + first.name)).write_bytes(first.read_bytes())


def sources(corpus: Path) -> list[Path]:
    real = ROOT / "tests" / "data" / "real"
    return [corpus / "generated", corpus / "series", corpus / "damaged", corpus / "odd", ROOT / "data" / "seeds", real / "dev", real / "dev2"]


def dump(db: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    con = duckdb.connect(str(db), read_only=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    for t in tables:
        cols = [(c, kind) for c, kind, *_ in con.execute(f"DESCRIBE {t}").fetchall()
                if not kind.startswith("TIMESTAMP") and (t, c) not in VOLATILE]
        names = ", ".join(f'"{c}"' for c, _ in cols)
        con.execute(f"COPY (SELECT {names} FROM {t} ORDER BY ALL) TO '{out / (t + '.parquet')}' (FORMAT parquet)")
        counts[t] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    con.close()
    return counts


# sums over many rows that DuckDB adds in no fixed order (parallel aggregation): the same
# code gives 7713.33 one run and 7713.330000000001 the next, so these compare to 1e-9
SUMMED = ("soft_indices", "mart_")


def _same(a, b, summed: bool = False) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        if summed:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b and type(a) is type(b)


def compare(new: Path, old: Path) -> list[str]:
    problems = []
    a_tables = {p.stem for p in new.glob("*.parquet")}
    b_tables = {p.stem for p in old.glob("*.parquet")}
    for t in sorted(a_tables ^ b_tables):
        problems.append(f"table {t}: only in {'new' if t in a_tables else 'old'}")
    con = duckdb.connect()
    for t in sorted(a_tables & b_tables):
        ra = con.execute(f"SELECT * FROM '{new / (t + '.parquet')}'")
        ca = [d[0] for d in ra.description]
        rows_a = ra.fetchall()
        rb = con.execute(f"SELECT * FROM '{old / (t + '.parquet')}'")
        cb = [d[0] for d in rb.description]
        rows_b = rb.fetchall()
        if ca != cb:
            problems.append(f"{t}: columns differ: {ca} vs {cb}")
            continue
        if len(rows_a) != len(rows_b):
            problems.append(f"{t}: {len(rows_a)} rows vs {len(rows_b)}")
        bad = 0
        summed = t.startswith(SUMMED)
        for ra_, rb_ in zip(rows_a, rows_b):
            if not all(_same(x, y, summed) for x, y in zip(ra_, rb_)):
                bad += 1
                if bad <= 3:
                    diff = {c: (x, y) for c, x, y in zip(ca, ra_, rb_) if not _same(x, y)}
                    problems.append(f"{t}: row differs: {diff}")
        if bad > 3:
            problems.append(f"{t}: {bad} rows differ in all")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True, help="corpus folder (written when missing)")
    ap.add_argument("--dump", type=Path, required=True, help="folder for this run's tables (replaced)")
    ap.add_argument("--compare", type=Path, help="a dump of another run to compare with")
    args = ap.parse_args()
    if not args.corpus.exists():
        t0 = time.perf_counter()
        build_corpus(args.corpus)
        print(f"corpus written to {args.corpus} in {time.perf_counter() - t0:.1f} s")
    from etl.pipeline import ingest_paths

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "rows.duckdb"
        t0 = time.perf_counter()
        # two runs, as a user adds files: the second finds the first's files known (duplicates) and
        # redoes the cross-file tables over a database that already holds filings
        for paths in (sources(args.corpus)[:2], sources(args.corpus)):
            summary = ingest_paths(paths, db)
            print(f"ingest: {len(summary.results)} files, {summary.loaded} loaded, {summary.duplicate} known, "
                  f"{summary.failed} failed, {summary.filings} filings in {time.perf_counter() - t0:.1f} s; "
                  f"warnings: {summary.warnings or 'none'}")
        if args.dump.exists():
            shutil.rmtree(args.dump)
        counts = dump(db, args.dump)
    print("rows: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    if args.compare is None:
        return 0
    problems = compare(args.dump, args.compare)
    for p in problems:
        print(p)
    print(f"compared {len(counts)} tables with {args.compare}: {'IDENTICAL' if not problems else f'{len(problems)} DIFFERENCES'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
