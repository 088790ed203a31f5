"""Time the cross-filing copy check at scale (etl/check/copying.py).

Generates N filings in memory (etl.sample.generate.generate_filings), plants near-copies in
other departments (one indicator's target changed), and times the copy analysis the ingest
runs after loading. Where the code has MinHash bands (copy_bands), they are computed first,
as analyse() does per filing at ingest (timed apart, per filing), and the analysis groups
them in DuckDB; the code before them had no bands and is timed on the same filings.

    python bench/copy_bench.py --filings 20000 100000 [--exact]

--exact also computes the clusters of an exact all-pairs comparison (prefix filtering: a
pair with Jaccard >= t shares an item among each set's first |s| - ceil(t|s|) + 1 items
in one global order) and prints whether the copy analysis found the same ones.
"""
from __future__ import annotations

import argparse
import copy
import math
import random
from collections import defaultdict
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


def exact_clusters(filings: list) -> set[frozenset[str]]:
    from etl.check.copying import _expected_pair, indicator_set

    settings = check.load_settings()
    t = settings.copy_jaccard
    sets = [indicator_set(f) for f in filings]
    freq: dict[str, int] = defaultdict(int)
    for st in sets:
        for x in st:
            freq[x] += 1
    ok = [i for i, st in enumerate(sets) if len(st) >= settings.copy_min_indicators]
    index: dict[str, list[int]] = defaultdict(list)
    for i in ok:
        order = sorted(sets[i], key=lambda x: (freq[x], x))
        for x in order[:len(order) - math.ceil(t * len(order) - 1e-9) + 1]:
            index[x].append(i)
    parent = {i: i for i in ok}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    seen: set[tuple[int, int]] = set()
    for members in index.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, j = members[a], members[b]
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                if (len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= t - 1e-9
                        and not _expected_pair(filings[i], filings[j])):
                    parent[find(i)] = find(j)
    comps: dict[int, set[str]] = defaultdict(set)
    for i in ok:
        comps[find(i)].add(filings[i].filing_id)
    return {frozenset(c) for c in comps.values() if len(c) > 1}


def run(n: int, exact: bool = False) -> None:
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
    if exact:
        want = exact_clusters(filings)
        got = {frozenset(fid for fid, _ in c) for c in clusters}
        print(f"  exact all-pairs: {len(want)} clusters, {sum(map(len, want))} members; "
              f"the copy analysis found {'the same' if got == want else 'DIFFERENT'} clusters "
              f"({len(want - got)} missed, {len(got - want)} not in the exact result)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, nargs="+", default=[20000, 100000])
    ap.add_argument("--exact", action="store_true", help="compare with an exact all-pairs comparison")
    args = ap.parse_args()
    for n in args.filings:
        run(n, args.exact)


if __name__ == "__main__":
    main()
