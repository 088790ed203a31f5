"""Adding 100 filings to a large database: end-to-end seconds by phase and driver peak memory, for the
DuckDB file and for an attached lake.

    uv run --extra cluster python bench/incremental_bench.py [--sizes 10000,50000,100000] [--base 2000] [--new 100]
        [--engines file,lake] [--work DIR] [--compare-with /path/to/other/checkout]

    the 1M-filing figures (issue 23's target: <= 15 s and a driver <= 2 GB):
    uv run --extra cluster python bench/incremental_bench.py --sizes 1000000 --work /tmp/million/w

1. Ingests `--base` synthetic filings (etl.sample, one text file each) into a database.
2. Grows it to each size by copying those rows in SQL, each copy's counties and departments
   renamed and the copies spread over the 31 provinces in turn (a province grows with the
   database, as the real ones would: ~32k filings each at 1M) and its MinHash bands moved to hashes of its own (copies are found within a copy,
   not between them); then rebuilds every derived table once. With `lake` among the engines, writes
   that database out as a lake (`jixiao export`).
3. For each size and engine, copies the database (or the lake, with a DuckDB file attached to it) and
   ingests `--new` new filings into it in a fresh process: `jixiao ingest`'s code path (2 workers), or
   `jixiao ingest --engine ray --lake`'s (Ray on this machine's cores, then the attached file's views).
   Prints the seconds, split by phase (parsing; the writer's flushes and its checkpoint; each step of the
   refresh; the marts), the driver's peak RSS after each phase and DuckDB's own buffer memory then, and
   the workers' peak (parse processes, or Ray tasks). With `--compare-with`, the same ingest runs with
   another checkout's code (e.g. main before this change) on an identical copy.
`--work` keeps the generated files, the grown databases and lakes there for the next run (a 1M-filing
database is ~1.6 GB and takes minutes to grow). Prints figures and the load average; not a test.
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


def grow(db: Path, base: int, size: int, derived: bool = False) -> None:
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
        if derived:  # the cross-year tables too (a copy's series are its own: its county is)
            con.execute("""INSERT INTO indicator_keys SELECT k.* REPLACE (filing_id || '~' || r AS filing_id,
                               series_id || '~' || r AS series_id)
                           FROM indicator_keys k CROSS JOIN r WHERE filing_id NOT LIKE '%~%'""")
            con.execute("""INSERT INTO filing_links SELECT k.* REPLACE (filing_id || '~' || r AS filing_id,
                               prev_filing_id || '~' || r AS prev_filing_id, series_id || '~' || r AS series_id)
                           FROM filing_links k CROSS JOIN r WHERE filing_id NOT LIKE '%~%'""")
    con.close()


def rebuild_in_part(db: Path, provinces: list[str]) -> None:
    """After grow(derived=True): what a full rebuild would change in the province groups of `provinces`
    (cross-year links, soft-target findings, indices), soft_indices everywhere and the marts whole. The copy
    clusters need nothing (copies share no band with each other, so a full rebuild finds the base's
    clusters within each copy and none between them); the other provinces keep the base's soft findings
    (their peers are now several copies: a full rebuild would differ there, which this benchmark's ingest
    never reads)."""
    from etl import check
    from etl.link.tables import build_indices
    from etl.load import store
    from etl.marts import build_marts
    from etl.refresh import refresh_soft_provinces

    with store.writer(db) as con:
        assert not con.execute("SELECT count(*) FROM copy_clusters").fetchone()[0], "clusters to number: use the full rebuild"
        con.execute("BEGIN TRANSACTION")
        refresh_soft_provinces(con, check.load_settings(None), set(provinces))
        con.execute("COMMIT")
        with store.rebuild_memory(con):  # every mart at once, as the product's full builds do
            build_indices(con)
            build_marts(con)
        con.execute("CHECKPOINT")


class Phases:
    """Seconds and memory per phase of one ingest, timed by wrapping the project's own functions in this
    process (module attributes, looked up at call time): the seconds each took, how much it raised the
    driver's peak RSS (ru_maxrss only grows: the raises of all phases and of the untimed rest add up to the
    peak), and, for the steps given a DuckDB connection, DuckDB's own buffer memory once it returned
    (duckdb_memory())."""

    def __init__(self):
        self.rows: dict[str, list] = {}  # name -> [seconds, calls, peak MiB after, DuckDB MiB after]

    def wrap(self, module, name: str, label: str | None = None, owner=None) -> None:
        target = owner if owner is not None else module
        fn = getattr(target, name)
        label = label or name
        rows = self.rows

        def timed(*a, **k):
            t = time.perf_counter()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            try:
                return fn(*a, **k)
            finally:
                r = rows.setdefault(label, [0.0, 0, 0.0, None])
                r[0] += time.perf_counter() - t
                r[1] += 1
                r[2] += resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak  # what it added to the peak
                con = a[0] if a and hasattr(a[0], "execute") else None
                if con is not None:
                    try:
                        r[3] = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] / 2**20
                    except Exception:  # (a closed connection, a failed transaction: no figure)
                        pass

        setattr(target, name, timed)


class PeakSampler:
    """The driver's RSS sampled every 50 ms from a thread, and where the main thread was (its innermost
    frames of this project) when it was highest: which step raised the peak, timed wrapper or not."""

    def __init__(self, every: float = 0.05):
        import threading

        self.rss, self.where = 0.0, ""
        self._stop = threading.Event()
        self._main = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        import traceback

        while not self._stop.wait(every):
            try:
                with open("/proc/self/statm") as fh:
                    rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
            except OSError:
                return
            if rss > self.rss + 16:
                frame = sys._current_frames().get(self._main)
                stack = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in traceback.extract_stack(frame)
                         if "/etl/" in f.filename] if frame is not None else []
                self.rss, self.where = rss, f"{rss:.0f} MiB at " + " < ".join(reversed(stack[-4:]))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def child(db: str, files: str, out: str) -> None:
    """In a fresh process (the code of whichever checkout is first on sys.path): one ingest into the DuckDB
    file, figures as JSON."""
    from etl import pipeline, refresh
    from etl.load import store
    from etl.pipeline import ingest_paths
    from etl.review import ledger

    ph = Phases()
    for name in ("write_batch", "write_file"):
        ph.wrap(store, name, "write: flushes")
    ph.wrap(None, "close", "write: close (checkpoint)", owner=store.HeldWriter)
    ph.wrap(ledger, "flag_changed_files", "refresh: corrections")
    ph.wrap(store, "connect", "open: connect + schema check")
    ph.wrap(pipeline, "refresh_incremental", "(refresh_incremental, whole)")
    ph.wrap(pipeline, "_removed_since_marts", "refresh: removed since marts?")
    ph.wrap(pipeline, "affected_keys", "refresh: affected keys")
    for name in ("refresh_twins_in", "refresh_copies_scoped", "refresh_soft_provinces", "build_indices"):
        if hasattr(refresh, name):  # (another checkout may lack one)
            ph.wrap(refresh, name, f"refresh: {name}")
    if hasattr(refresh, "refresh_marts"):
        ph.wrap(refresh, "refresh_marts", "marts: refresh_marts")
    from etl import marts
    for name in ("_place_finding_rows", "_units"):  # (within refresh_marts)
        if hasattr(marts, name):
            ph.wrap(marts, name, f"marts:   of which {name}")
    for name in ("refresh_soft_scoped",):
        if hasattr(refresh, name):
            ph.wrap(refresh, name, f"refresh: {name}")
    if hasattr(refresh, "build_indices_of_places"):
        ph.wrap(refresh, "build_indices_of_places", "refresh: build_indices_of_places")
    ph.wrap(pipeline, "build_marts", "marts: build_marts (full)")
    ph.wrap(pipeline, "_refresh", "refresh: full rebuild")
    sampler = PeakSampler()
    t = time.perf_counter()
    s = ingest_paths([Path(files)], Path(db), workers=2)
    dt = time.perf_counter() - t
    sampler.stop()
    Path(out).write_text(json.dumps({
        "seconds": dt, "refresh_seconds": getattr(s, "refresh_seconds", None), "loaded": s.loaded, "filings": s.filings, "warnings": s.warnings,
        "refresh": getattr(s, "refresh", None), "phases": ph.rows, "peak_at": sampler.where,
        "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def child_lake(lake: str, db: str, files: str, out: str) -> None:
    """In a fresh process: `jixiao ingest --engine ray --lake LAKE --db DB`'s steps (etl/lake/commands.ingest_ray:
    the Ray run, compaction, the lake's derived tables, the attached file's views), figures as JSON."""
    from etl.lake import derived, ray_ingest
    from etl.lake.attach import attach

    ph = Phases()
    ph.wrap(ray_ingest, "compact", "lake: compact")
    for name in ("refresh_corrections", "refresh_copies", "refresh_soft", "refresh_marts"):
        ph.wrap(derived, name, f"lake: derived {name}")
    stats: dict = {}
    t = time.perf_counter()
    s = ray_ingest.ingest_lake([Path(files)], Path(lake), stats=stats)
    ingest = time.perf_counter() - t
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    attach(Path(db), Path(lake))
    ph.rows["lake: attach (views)"] = [time.perf_counter() - t2, 1, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak, None]
    dt = time.perf_counter() - t
    after = sum(v[0] for k, v in ph.rows.items())
    ph.rows = {"lake: Ray start, parse, write batches": [ingest - after + ph.rows["lake: attach (views)"][0], 1, 0.0, None],
               **ph.rows}
    Path(out).write_text(json.dumps({
        "seconds": dt, "loaded": s.loaded, "filings": s.filings, "warnings": s.warnings, "phases": ph.rows,
        "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mib": stats.get("worker_peak_mib", 0.0)}))


def print_phases(r: dict) -> None:
    """The run's seconds by phase: parsing is what the timed steps leave of the whole (the writer's flushes
    run between parsed files in the same process, so parsing is the driver waiting for its workers)."""
    phases = r.get("phases") or {}
    if not phases:
        return
    if any(k.startswith("lake:") for k in phases):
        print(f"    {'phase':40s} {'s':>7s} {'+peak MiB':>9s}")
        for k, (sec, calls, peak, ddb) in phases.items():
            print(f"    {k:40s} {sec:7.1f} " + (f"{peak:9.0f}" if peak else ""))
        return
    write = sum(v[0] for k, v in phases.items() if k.startswith("write:"))
    steps = sum(v[0] for k, v in phases.items() if k.startswith(("refresh:", "marts:")) and "of which" not in k)
    # (the connections opened for the refresh count to it; refresh_incremental's steps are timed each)
    refresh = r.get("refresh_seconds") or 0.0
    print(f"    {'phase':40s} {'s':>7s} {'calls':>5s} {'+peak MiB':>9s} {'DuckDB MiB':>10s}")
    print(f"    {'parse (and the rest before the refresh)':40s} {r['seconds'] - write - refresh:7.1f}")
    for k, (sec, calls, peak, ddb) in phases.items():
        print(f"    {k:40s} {sec:7.1f} {calls:5d} {peak:9.0f} " + (f"{ddb:10.0f}" if ddb is not None else ""))
    print(f"    {'refresh: the rest (commits, closing the file)':40s} {refresh - steps:7.1f}")


def run_child(code: Path, db: Path, files: Path, lake: Path | None = None) -> dict:
    out = db.with_suffix(".json")
    env = dict(os.environ, PYTHONPATH=str(code))
    args = ["--child-lake", str(lake), str(db)] if lake is not None else ["--child", str(db)]
    subprocess.run([sys.executable, str(Path(__file__).resolve()), *args, str(files), str(out)],
                   cwd=code, env=env, check=True)
    return json.loads(out.read_text())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, os.environ["PYTHONPATH"])
        child(*sys.argv[2:5])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-lake":
        sys.path.insert(0, os.environ["PYTHONPATH"])
        child_lake(*sys.argv[2:6])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--base", type=int, default=2000)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--engines", default="file,lake",
                    help="file: ingest into the DuckDB file; lake: the same files with --engine ray into a lake (the base "
                         "written out by `jixiao export`) with a DuckDB file attached to it")
    ap.add_argument("--derived-in-sql", action="store_true",
                    help="grow the cross-year tables in SQL too and rebuild only the generated files' province and the "
                         "marts, instead of a full rebuild (which takes over an hour at 1M filings on 2 cores)")
    ap.add_argument("--compare-with", type=Path, default=None, help="another checkout whose code to time too")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep the generated files and base database here and reuse them on the next run")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from etl.lake.attach import attach
    from etl.lake.from_database import export_db
    from etl.load import store
    from etl.pipeline import ingest_paths
    from etl.refresh import refresh_full
    from etl.sample.corpus_words import PROVINCE as SAMPLE_PROVINCE

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
            if not db.exists():  # (kept under --work: a 1M-filing base takes minutes to grow)
                shutil.copy(base_db, tmp / "growing.duckdb")
                t = time.perf_counter()
                grow(tmp / "growing.duckdb", args.base, size, derived=args.derived_in_sql)
                print(f"grown in {time.perf_counter() - t:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)
                if args.derived_in_sql:
                    rebuild_in_part(tmp / "growing.duckdb", [SAMPLE_PROVINCE])  # the generated filings' province
                else:
                    with store.writer(tmp / "growing.duckdb") as con:
                        refresh_full(con)
                        con.execute("CHECKPOINT")
                os.replace(tmp / "growing.duckdb", db)
                print(f"grown and rebuilt in {time.perf_counter() - t:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)
            with store.writer(db) as con:
                n = con.execute("SELECT count(*) FROM filings").fetchone()[0]
            print(f"{n:,} filings ({db.stat().st_size / 1e6:.0f} MB)", flush=True)
            engines = args.engines.split(",")
            lake = tmp / f"lake{size}"
            if "lake" in engines and not (lake / "_commits").exists():
                shutil.rmtree(lake, ignore_errors=True)
                t = time.perf_counter()
                export_db(db, lake)
                print(f"written out as a lake in {time.perf_counter() - t:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)
            runs = [("this checkout", ROOT)] + ([("compared", args.compare_with)] if args.compare_with else [])
            for engine in engines:
                for label, code in runs:
                    copy = tmp / f"run{size}.duckdb"
                    run_lake = tmp / f"run_lake{size}" if engine == "lake" else None
                    if run_lake is not None:  # a copy of the lake, and a DuckDB file attached to it
                        shutil.rmtree(run_lake, ignore_errors=True)
                        shutil.copytree(lake, run_lake)
                        copy.unlink(missing_ok=True)
                        attach(copy, run_lake)
                    else:
                        shutil.copy(db, copy)
                    load = os.getloadavg()[0]
                    r = run_child(code, copy, tmp / f"new{args.new}", run_lake)
                    load_after = os.getloadavg()[0]
                    rows.append((n, engine, label, r, load, load_after))
                    rs = f" (refresh {r['refresh_seconds']:.1f} s)" if r.get("refresh_seconds") is not None else ""
                    print(f"  {engine} {label:14s} +{r['filings']} filings in {r['seconds']:6.1f} s{rs}, driver peak "
                          f"{r['driver_peak_mib']:5.0f} MiB (workers {r['workers_peak_mib']:.0f}); load {load:.1f} -> {load_after:.1f}"
                          + (f"; warnings {r['warnings']}" if r["warnings"] else ""), flush=True)
                    print_phases(r)
                    if r.get("peak_at"):
                        print(f"    driver's highest RSS sampled: {r['peak_at']}")
                    copy.unlink()
                    if run_lake is not None:
                        shutil.rmtree(run_lake)
            if args.work is None:
                db.unlink()
        print(f"\n{'filings':>10} {'engine':6s} {'code':14s} {'seconds':>8} {'driver MiB':>11} {'workers MiB':>11} {'load':>11}")
        for n, engine, label, r, load, load_after in rows:
            print(f"{n:>10,} {engine:6s} {label:14s} {r['seconds']:8.1f} {r['driver_peak_mib']:11.0f} "
                  f"{r['workers_peak_mib']:11.0f} {load:5.1f}-{load_after:.1f}")
        print("(target at 1M filings: <= 15 s end to end, driver peak <= 2,048 MiB)")
        print(f"({os.cpu_count()} cores; load average is the 1-minute figure before and after each run)")


if __name__ == "__main__":
    main()
