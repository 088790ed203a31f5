"""Time the cross-filing copy check at scale (etl/check/copying.py).

Generates N filings in memory (etl.sample.generate.generate_filings), plants near-copies in
other departments (one indicator's target changed), and times the copy analysis the ingest
runs after loading. Where the code has MinHash bands (copy_bands), they are computed first,
as analyse() does per filing at ingest (timed apart, per filing), and the analysis groups
them in DuckDB; the code before them had no bands and is timed on the same filings.

    python bench/copy_bench.py --filings 20000 100000
"""
from __future__ import annotations

import argparse
import copy
import random
import resource
import time

import duckdb
import pandas as pd

from etl import check
from etl.sample.generate import generate_filings


def corpus(n: int, seed: int = 7) -> tuple[list, int]:
    filings = generate_filings(n - n // 50, seed=seed)
    rng = random.Random(seed)
    planted = 0
    for k in range(n // 50):  # 2 % near-copies: another department's set with one target changed
        src = filings[rng.randrange(len(filings))]
        if len(src.indicators) < 10:
            continue
        f = copy.deepcopy(src)
        f.department = f"复制单位{k}"
        f.indicators[0].target = f"≥{k + 7}个"
        filings.append(f)
        planted += 1
    for k, f in enumerate(filings):
        f.filing_id = f"f{k:07d}"
    return filings, planted


def run(n: int) -> None:
    t = time.perf_counter()
    filings, planted = corpus(n)
    gen = time.perf_counter() - t
    settings = check.load_settings()
    con = duckdb.connect()
    map_ms = None
    if hasattr(check, "filing_bands"):
        t = time.perf_counter()
        rows = [b for f in filings for b in check.filing_bands(f, settings)]
        map_ms = (time.perf_counter() - t) / len(filings) * 1000
        con.execute("CREATE TABLE copy_bands (filing_id VARCHAR, band INTEGER, hash BIGINT)")
        df = pd.DataFrame(rows, columns=["filing_id", "band", "hash"])
        con.execute("INSERT INTO copy_bands SELECT * FROM df")
        t = time.perf_counter()
        clusters, found = check.copy_analysis(filings, settings, con=con)
    else:
        t = time.perf_counter()
        clusters, found = check.copy_analysis(filings, settings)
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    members = sum(len(c) for c in clusters)
    print(f"{len(filings)} filings (generated in {gen:.0f} s, {planted} planted near-copies): copy analysis {secs:.1f} s, "
          f"{len(clusters)} clusters, {members} members, {len(found)} findings"
          + (f"; bands at ingest {map_ms:.3f} ms a filing" if map_ms is not None else "")
          + f"; peak RSS {peak:.0f} MiB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, nargs="+", default=[20000, 100000])
    for n in ap.parse_args().filings:
        run(n)


if __name__ == "__main__":
    main()
