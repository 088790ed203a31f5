"""The local engine's writer alone, as its DuckDB file grows: is a flush at 50k filings as fast as at 5k?

    .venv/bin/python bench/writer_bench.py [--filings 50000] [--every 5000] [--parse 1000] [--db FILE]

Parses `--parse` generated text filings once (etl.sample, one filing a file), then writes them again and
again under new file hashes and filing ids (so every row is new to the database) through the very steps
an ingest's flush runs (etl/pipeline.py): open the file (or keep it open: store.HeldWriter), ask which files
it holds and which names they replace, write the batch in one transaction, close the file when it is due. Per `--every` filings it prints the writer's
filings per second and per flush the milliseconds of each step, CPU seconds beside the clock so a busy
machine shows less. Parsing is left out: this is the part that slowed as the file grew (issue 23).
Prints figures; not a test.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import pipeline  # noqa: E402
from etl.load import store  # noqa: E402
from etl.marts import MARTS_PENDING  # noqa: E402
from etl.per_file import FileResult, IngestSummary, filing_id, process  # noqa: E402
from etl.sample.generate import generate_filings  # noqa: E402
from etl.write import render  # noqa: E402


def parsed(n: int, tmp: Path) -> list[store.LoadedFile]:
    out = []
    for i, f in enumerate(generate_filings(n, seed=31)):
        p = tmp / f"bench_{i:07d}.txt"
        p.write_bytes(render([f], "txt"))
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
        _, lf = process(str(p), p.name, sha, False)
        if lf is not None:
            out.append(lf)
    return out


def relabel(lf: store.LoadedFile, round_no: int, base: dict) -> None:
    """Give a parsed file (and its rows) the hash, name and filing ids of copy `round_no`, in place."""
    sha0, name0 = base.setdefault(id(lf), (lf.sha256, lf.source_file))
    sha = hashlib.sha256(f"{sha0}:{round_no}".encode()).hexdigest()
    name = f"r{round_no}_{name0}"
    ids = {f.filing_id: filing_id(sha, k) for k, f in enumerate(lf.filings)}
    for f in lf.filings:
        f.filing_id, f.source_sha256, f.source_file = ids[f.filing_id], sha, name
    for x in lf.findings:
        x.filing_id = ids.get(x.filing_id, x.filing_id)
    for m in lf.metrics:
        m["filing_id"] = ids.get(m["filing_id"], m["filing_id"])
    lf.reasons = [(ids.get(a, a), b, c) for a, b, c in lf.reasons]
    lf.bands = [(ids.get(a, a), b, c) for a, b, c in lf.bands]
    lf.sha256, lf.source_file = sha, name


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, default=50_000)
    ap.add_argument("--every", type=int, default=5_000)
    ap.add_argument("--parse", type=int, default=1_000, help="distinct filings parsed, then written again and again")
    ap.add_argument("--flush", type=int, default=100, help="files per flush (the pipeline's flush_every)")
    ap.add_argument("--db", help="write here (kept) instead of a temporary file")
    ap.add_argument("--refresh", action="store_true", help="then time the post-ingest refresh and marts")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        t = time.perf_counter()
        files = parsed(args.parse, tmp)
        print(f"parsed {len(files)} files in {time.perf_counter() - t:.1f} s; writing {args.filings:,} filings, "
              f"{args.flush} files a flush (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
        db = Path(args.db) if args.db else tmp / "writer.duckdb"
        base: dict = {}
        parts = {"open": 0.0, "look": 0.0, "write": 0.0, "close": 0.0}
        done = flushes = last_done = 0
        t_last, c_last = time.perf_counter(), time.process_time()
        round_no = 0
        held = store.HeldWriter(db)
        print(f"{'filings':>9} {'filings/s':>10} {'cpu/s':>7} {'open':>6} {'look':>6} {'write':>6} {'close':>6}  ms a flush; "
              f"file MB, load", flush=True)
        while done < args.filings:
            for k in range(0, len(files), args.flush):
                chunk = files[k:k + args.flush]
                for lf in chunk:
                    relabel(lf, round_no, base)
                pending = [(FileResult(lf.source_file, lf.source_file, lf.sha256, "pending", seconds=0.01), lf)
                           for lf in chunk]
                t0 = time.perf_counter()
                con = held.con()
                t1 = time.perf_counter()
                stored = store.known_shas(con, [lf.sha256 for lf in chunk])
                ops = pipeline._version_ops(con, pending, stored, set(), set())
                t2 = time.perf_counter()
                batch = [(lf, store.LogRow("bench", r.source_file, r.sha256, "loaded", None, len(lf.filings), 0.01,
                                           at=store.utc_now())) for r, lf in pending]
                store.write_batch(con, batch, mark=(store.COPIES_PENDING, MARTS_PENDING),
                                  before=pipeline._run_ops([op for o in ops.values() for op in o]))
                t3 = time.perf_counter()
                held.release()  # closes (checkpoints) the file as an ingest's flush does (store.HeldWriter)
                t4 = time.perf_counter()
                for key, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                    parts[key] += dt
                flushes += 1
                done += sum(len(lf.filings) for lf in chunk)
                if done - last_done >= args.every:
                    now, cpu = time.perf_counter(), time.process_time()
                    print(f"{done:>9,} {(done - last_done) / (now - t_last):>10.1f} {(done - last_done) / (cpu - c_last):>7.1f} "
                          + " ".join(f"{1000 * parts[p] / flushes:>6.1f}" for p in parts)
                          + f"  {db.stat().st_size / 1e6:,.0f} MB, load {os.getloadavg()[0]:.1f}", flush=True)
                    parts = {p: 0.0 for p in parts}
                    flushes, last_done, t_last, c_last = 0, done, now, cpu
                if done >= args.filings:
                    break
            round_no += 1
        held.close()
        if args.refresh:
            summary = IngestSummary()
            t = time.perf_counter()
            with store.writer(db) as con:
                pipeline._refresh(con, summary, "refresh failed")
                t_mid = time.perf_counter()
                pipeline.build_marts(con)
            print(f"post-ingest refresh (full: copies, cross-year, soft) {t_mid - t:.1f} s, marts "
                  f"{time.perf_counter() - t_mid:.1f} s; warnings {summary.warnings}")


if __name__ == "__main__":
    main()
