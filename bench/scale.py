"""Scale benchmark: local engine vs Ray on the same cores, and the dashboard over a lake with marts.

    uv run --extra cluster python bench/scale.py [--filings 2000] [--dash-filings 100000] [--skip-dash]

1. Generates N synthetic filings as text files (etl.sample, no rendering cost), one filing per file.
2. Ingests them with the local engine (2 worker processes) and with Ray (1 and 2 CPUs, each in a
   fresh process), and prints filings/s, the peak memory of a worker and the lake's size.
3. Builds an M-filing database the way bench/dashboard_bench.py does (rows generated in SQL),
   builds the marts, writes it out as a lake, attaches it and times every page (AppTest, cold and
   warm) and every query (p50/p95) over the lake and, for comparison, over the DuckDB file.
4. Extrapolates the measured per-file cost to a national year on a 64-core cluster.
Prints figures; not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import etl  # noqa: E402,F401  - before ray: etl/__init__.py keeps Ray's uv-run hook off

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

NATIONAL_YEAR_FILINGS = 4_500_000  # ~2,800 counties x ~1,500 filings (issue 12)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def generate(out: Path, n: int) -> float:
    from etl.sample.generate import generate_filings
    from etl.write import render

    t = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(generate_filings(n, seed=31)):
        (out / f"bench_{i:07d}.txt").write_bytes(render([f], "txt"))
    return time.perf_counter() - t


class WriterClock:
    """Per batch of `every` filings: throughput, and the writer's seconds split into opening the file
    (connect + schema check), the flushes' transactions, and closing it (the checkpoint), timed by
    wrapping the store's own functions in this process (the flushes run in the driver)."""

    def __init__(self, every: int):
        from etl.load import store

        self.every, self.store = every, store
        self.parts = {"open": 0.0, "write": 0.0, "close": 0.0}
        self.flushes = 0
        self.filings = self.next = 0
        self.started = self.last = time.perf_counter()
        self.rows: list[tuple] = []
        self._connect, self._write_batch = store.connect, store.write_batch

        def connect(*a, **k):
            t = time.perf_counter()
            con = self._connect(*a, **k)
            self.parts["open"] += time.perf_counter() - t
            return Closing(con, self)

        def write_batch(*a, **k):
            t = time.perf_counter()
            try:
                return self._write_batch(*a, **k)
            finally:
                self.parts["write"] += time.perf_counter() - t
                self.flushes += 1

        store.connect, store.write_batch = connect, write_batch

    def restore(self) -> None:
        self.store.connect, self.store.write_batch = self._connect, self._write_batch

    def progress(self, done: int, total: int, result) -> None:
        self.filings += result.filings
        if self.filings >= self.next + self.every:
            now = time.perf_counter()
            self.rows.append((self.filings, (self.filings - self.next) / (now - self.last), dict(self.parts),
                              self.flushes, os.getloadavg()[0]))
            print(f"  {self.filings:>8,} filings: {self.rows[-1][1]:6.1f} filings/s over the last {self.filings - self.next:,}; "
                  f"writer open {self.parts['open']:.1f} s, write {self.parts['write']:.1f} s, close {self.parts['close']:.1f} s "
                  f"in {self.flushes} flushes (load {self.rows[-1][4]:.1f})", flush=True)
            self.parts = {k: 0.0 for k in self.parts}
            self.flushes = 0
            self.next, self.last = self.filings, now


class Closing:
    """A connection whose close() is timed (DuckDB checkpoints the file when its last writer closes)."""

    def __init__(self, con, clock: WriterClock):
        self._con, self._clock = con, clock

    def close(self):
        t = time.perf_counter()
        self._con.close()
        self._clock.parts["close"] += time.perf_counter() - t

    def __getattr__(self, name):
        return getattr(self._con, name)


def run_local(files: Path, db: Path, every: int = 0) -> dict:
    from etl.pipeline import ingest_paths

    clock = WriterClock(every) if every else None
    t = time.perf_counter()
    s = ingest_paths([files], db, workers=2, progress=clock.progress if clock else None)
    dt = time.perf_counter() - t
    if clock:
        clock.restore()
        print(f"  after parsing: cross-filing refresh and marts {s.refresh_seconds:.1f} s")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"engine": "local (2 processes)", "seconds": dt, "filings": s.filings, "failed": s.failed,
            "worker_peak_mib": children, "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "store_mb": db.stat().st_size / 1e6}


def run_ray_child(files: str, lake: str, cpus: int) -> None:
    """In a fresh process: a local Ray with `cpus` CPUs, one ingest, figures as JSON on stdout."""
    import ray

    from etl.lake.ray_ingest import ingest_lake

    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    stats: dict = {}
    t = time.perf_counter()
    s = ingest_lake([Path(files)], Path(lake), stats=stats)
    dt = time.perf_counter() - t
    ray.shutdown()
    print(json.dumps({"engine": f"ray ({cpus} CPU)", "seconds": dt, "filings": s.filings, "failed": s.failed,
                      "worker_peak_mib": stats.get("worker_peak_mib", 0.0),
                      "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "store_mb": du(Path(lake)) / 1e6, "batches": stats.get("batches", 0),
                      "files_compacted": stats.get("files_compacted", 0), "compact_s": stats.get("compact_s", 0.0),
                      "derived_s": stats.get("derived_s", 0.0),
                      "compacted_during": stats.get("files_compacted_during", 0),
                      "compact_during_s": stats.get("compact_during_s", 0.0),
                      "most_files": max(Counter(p.parent for p in Path(lake).rglob("*.parquet")
                                                if "derived" not in p.parts).values(), default=0),
                      "parquet_files": sum(1 for _ in Path(lake).rglob("*.parquet"))}))


def run_ray(files: Path, lake: Path, cpus: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--ray-child", str(files), str(lake), str(cpus)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def dashboard_over_lake(tmp: Path, n: int, repeat: int) -> None:
    """Every query and page over the attached lake, next to the same over the DuckDB file (both with marts)."""
    import dashboard_bench as dbench

    from etl.lake.attach import attach
    from etl.lake.from_database import export_db
    from etl.load import store
    from etl.marts import build_marts

    db, lake, attached = tmp / "dash.duckdb", tmp / "dash_lake", tmp / "dash_attached.duckdb"
    dbench.build(db, n)
    t = time.perf_counter()
    with store.writer(db) as con:
        build_marts(con)
    print(f"marts built in the DuckDB file in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    export_db(db, lake)
    attach(attached, lake)
    print(f"written as a lake ({du(lake) / 1e6:.0f} MB, marts included; DuckDB file {db.stat().st_size / 1e6:.0f} MB) "
          f"and attached in {time.perf_counter() - t:.1f} s")

    q_lake, q_file = dbench.time_queries(attached, repeat), dbench.time_queries(db, repeat)
    print("\nquery (cache off)                  lake p50  lake p95  file p50  file p95   ms")
    slow_q = []
    for (name, p50, p95), (_, f50, f95) in zip(q_lake, q_file):
        flag = "  <-- lake over 100 ms" if p95 > 0.1 else ""
        slow_q += [name] if flag else []
        print(f"{name:34s} {p50 * 1000:8.1f} {p95 * 1000:9.1f} {f50 * 1000:9.1f} {f95 * 1000:9.1f}{flag}")
    p_lake, p_file = dbench.time_pages(attached), dbench.time_pages(db)
    print("\npage (AppTest)               lake cold  lake warm  file cold  file warm   s")
    slow_p = []
    for (label, cold, warm), (_, fcold, fwarm) in zip(p_lake, p_file):
        flag = "  <-- lake over 0.5 s" if cold > 0.5 else ""
        slow_p += [label] if flag else []
        print(f"{label:28s} {cold:9.2f} {warm:10.2f} {fcold:10.2f} {fwarm:10.2f}{flag}")
    print(f"\nover the lake: queries over 100 ms p95: {slow_q or 'none'}; pages over 0.5 s cold: {slow_p or 'none'}")
    print(f"(machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--ray-child":
        run_ray_child(*sys.argv[2:4], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, default=2000, help="synthetic filings to ingest (one text file each)")
    ap.add_argument("--dash-filings", type=int, default=100_000, help="filings in the lake the dashboard is timed over")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-dash", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--engines", default="local,ray1,ray2", help="which of local, ray1, ray2 to run")
    ap.add_argument("--every", type=int, default=0,
                    help="local engine: print throughput and the writer's time per this many filings")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        if not args.skip_ingest:
            files = tmp / "files"
            dt = generate(files, args.filings)
            print(f"generated {args.filings} filings as text in {dt:.1f} s ({du(files) / 1e6:.1f} MB)")
            rows = [run_local(files, tmp / "local.duckdb", args.every)] if "local" in args.engines else []
            for cpus in (1, 2):
                if f"ray{cpus}" in args.engines:
                    rows.append(run_ray(files, tmp / f"lake{cpus}", cpus))
            print(f"\n{'engine':<22}{'filings':>9}{'failed':>7}{'seconds':>9}{'filings/s':>11}"
                  f"{'worker peak MiB':>17}{'driver peak MiB':>17}{'store MB':>10}")
            for r in rows:
                print(f"{r['engine']:<22}{r['filings']:>9}{r['failed']:>7}{r['seconds']:>9.1f}"
                      f"{r['filings'] / r['seconds']:>11.1f}{r['worker_peak_mib']:>17.0f}{r['driver_peak_mib']:>17.0f}"
                      f"{r['store_mb']:>10.1f}")
            for r in rows:
                if "compact_s" in r:  # included in the seconds above
                    print(f"{r['engine']}: while parsing, compaction merged {r['compacted_during']:,} files in "
                          f"{r['compact_during_s']:.1f} s; after parsing, it merged {r['files_compacted']:,} files in "
                          f"{r['compact_s']:.1f} s and the cross-filing tables and marts took {r['derived_s']:.1f} s; "
                          f"the lake holds {r['parquet_files']:,} Parquet files, at most {r['most_files']} in one folder")
            print(f"(machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            by = {r["engine"]: r for r in rows}
            r1, r2 = by.get("ray (1 CPU)"), by.get("ray (2 CPU)")
            per_core = r2["filings"] / r2["seconds"] / 2 if r2 else None
            if r1 is not None and r2 is not None:
                speedup = (r2["filings"] / r2["seconds"]) / (r1["filings"] / r1["seconds"])
                print(f"\nRay 1 -> 2 CPUs: x{speedup:.2f}; {per_core:.1f} filings/s per core at 2 CPUs "
                      f"(fixed cost of starting Ray included, so larger runs scale better)")
            for cores in (64,) if per_core else ():
                hours = NATIONAL_YEAR_FILINGS / (per_core * cores) / 3600
                print(f"extrapolated: a national year ({NATIONAL_YEAR_FILINGS / 1e6:.1f} M filings) on {cores} cores "
                      f"at {per_core:.1f} filings/s per core, assuming linear scaling: {hours:.1f} h")
        if not args.skip_dash:
            print()
            dashboard_over_lake(tmp, args.dash_filings, args.repeat)


if __name__ == "__main__":
    main()
