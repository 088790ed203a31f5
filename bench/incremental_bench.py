"""Adding 100 filings to a large database: end-to-end seconds and driver peak memory.

    uv run python bench/incremental_bench.py [--sizes 10000,50000,100000] [--base 2000] [--new 100]
                                             [--compare-with /path/to/other/checkout]

1. Ingests `--base` synthetic filings (etl.sample, one text file each) into a database.
2. Grows it to each size by copying those rows in SQL, each copy's counties and departments
   renamed and the copies spread over the 31 provinces in turn (a province grows with the
   database, as the real ones would: ~32k filings each at 1M) and its MinHash bands moved to hashes of its own (copies are found within a copy,
   not between them); then rebuilds every derived table once.
3. For each size, copies the database and ingests `--new` new filings into it with
   `jixiao ingest`'s code path (2 workers), in a fresh process, and prints the seconds and the
   process's peak RSS (the driver: parse workers are children, reported apart). With
   `--compare-with`, the same ingest runs with another checkout's code (e.g. main before this
   change) on an identical copy.
Prints figures and the load average; not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the copies' provinces in turn (the base is one province's): a national database's 31
PROVINCES = ["湖南省", "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "广东省", "广西壮族自治区", "海南省",
             "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
             "新疆维吾尔自治区"]


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"  # our own constant names


# tables with a filing_id column that the copies repeat (the derived ones are rebuilt afterwards)
_BASE_TABLES = ("indicators", "spending_plan", "sections", "findings", "filing_metrics", "indicator_reasons",
                "reason_texts", "copy_bands")


def generate(out: Path, n: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT))
    from etl.sample.generate import generate_filings
    from etl.write import render

    out.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(generate_filings(n, seed=seed)):
        (out / f"bench_{seed}_{i:07d}.txt").write_bytes(render([f], "txt"))


def grow(db: Path, base: int, size: int) -> None:
    """Copies r = 1.. of the base filings (ids and shas suffixed, provinces renamed, bands re-hashed)."""
    import duckdb

    con = duckdb.connect(str(db))
    copies = max(0, -(-size // base) - 1)
    if copies:
        con.execute("CREATE TEMP TABLE r AS SELECT range AS r FROM range(1, ?)", [copies + 1])
        con.execute("""INSERT INTO source_files SELECT s.* REPLACE (source_sha256 || '-' || r AS source_sha256)
                       FROM source_files s CROSS JOIN r WHERE source_sha256 NOT LIKE '%-%'""")
        con.execute(f"""INSERT INTO filings SELECT f.* REPLACE (filing_id || '~' || r AS filing_id,
                           source_sha256 || '-' || r AS source_sha256, county || '第' || r || '片' AS county,
                           {sql_list(PROVINCES)}[1 + r % {len(PROVINCES)}] AS province,
                           department || '第' || r || '组' AS department)
                       FROM filings f CROSS JOIN r WHERE filing_id NOT LIKE '%~%'""")
        for t in _BASE_TABLES:  # our own table names
            extra = ", xor(hash, (r * 2654435761)::BIGINT) AS hash" if t == "copy_bands" else ""
            con.execute(f"""INSERT INTO {t} SELECT t.* REPLACE (filing_id || '~' || r AS filing_id{extra})
                            FROM {t} t CROSS JOIN r WHERE filing_id NOT LIKE '%~%'""")
    con.close()


def child(db: str, files: str, out: str) -> None:
    """In a fresh process (the code of whichever checkout is first on sys.path): one ingest, figures as JSON."""
    from etl.pipeline import ingest_paths

    t = time.perf_counter()
    s = ingest_paths([Path(files)], Path(db), workers=2)
    dt = time.perf_counter() - t
    Path(out).write_text(json.dumps({
        "seconds": dt, "refresh_seconds": getattr(s, "refresh_seconds", None), "loaded": s.loaded, "filings": s.filings, "warnings": s.warnings,
        "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def run_child(code: Path, db: Path, files: Path) -> dict:
    out = db.with_suffix(".json")
    env = dict(os.environ, PYTHONPATH=str(code))
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(db), str(files), str(out)],
                   cwd=code, env=env, check=True)
    return json.loads(out.read_text())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, os.environ["PYTHONPATH"])
        child(*sys.argv[2:5])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--base", type=int, default=2000)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--compare-with", type=Path, default=None, help="another checkout whose code to time too")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep the generated files and base database here and reuse them on the next run")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from etl.load import store
    from etl.pipeline import ingest_paths
    from etl.refresh import refresh_full

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = args.work or Path(tmp_s)
        tmp.mkdir(parents=True, exist_ok=True)
        base_db = tmp / f"base{args.base}.duckdb"
        if not base_db.exists():
            generate(tmp / f"base{args.base}", args.base, seed=31)
            t = time.perf_counter()
            ingest_paths([tmp / f"base{args.base}"], base_db, workers=2)
            print(f"base: {args.base} filings ingested in {time.perf_counter() - t:.1f} s")
        if not (tmp / f"new{args.new}").exists():
            generate(tmp / f"new{args.new}", args.new, seed=977)
        rows = []
        for size in [int(x) for x in args.sizes.split(",")]:
            db = tmp / f"db{size}.duckdb"
            shutil.copy(base_db, db)
            t = time.perf_counter()
            grow(db, args.base, size)
            with store.writer(db) as con:
                n = con.execute("SELECT count(*) FROM filings").fetchone()[0]
                refresh_full(con)
                con.execute("CHECKPOINT")
            print(f"{n:,} filings: grown and rebuilt in {time.perf_counter() - t:.1f} s "
                  f"({db.stat().st_size / 1e6:.0f} MB)", flush=True)
            runs = [("this checkout", ROOT)] + ([("compared", args.compare_with)] if args.compare_with else [])
            for label, code in runs:
                copy = tmp / f"run{size}.duckdb"
                shutil.copy(db, copy)
                load = os.getloadavg()[0]
                r = run_child(code, copy, tmp / f"new{args.new}")
                rows.append((n, label, r, load))
                rs = f" (refresh {r['refresh_seconds']:.1f} s)" if r.get("refresh_seconds") is not None else ""
                print(f"  {label:14s} +{r['filings']} filings in {r['seconds']:6.1f} s{rs}, driver peak "
                      f"{r['driver_peak_mib']:5.0f} MiB (workers {r['workers_peak_mib']:.0f}); load {load:.1f}"
                      + (f"; warnings {r['warnings']}" if r["warnings"] else ""), flush=True)
                copy.unlink()
            db.unlink()
        print(f"\n{'filings':>10} {'code':14s} {'seconds':>8} {'driver MiB':>11} {'load':>5}")
        for n, label, r, load in rows:
            print(f"{n:>10,} {label:14s} {r['seconds']:8.1f} {r['driver_peak_mib']:11.0f} {load:5.1f}")
        print(f"({os.cpu_count()} cores; load average is the 1-minute figure before each run)")


if __name__ == "__main__":
    main()
