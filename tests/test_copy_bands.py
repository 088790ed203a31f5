"""Copy detection by MinHash bands: the links are the exact ones, and the bands are the map step's.

The candidate pairs come from filings sharing a (band, hash) (etl/check/minhash.py), so a
copy could in principle be missed; these tests hold the result to the exact all-pairs
Jaccard comparison on the bundled corpus, and check that ingest stores the bands the
copy refresh groups.
"""
from __future__ import annotations

import subprocess
import sys
from itertools import combinations

import pytest

from etl.check import copy_clusters, filing_bands, load_settings
from etl.check.copying import _expected_pair, indicator_set
from etl.check.examples import seed000_p1, seed000_p2, seed000_p3, seed003_selfeval, seed003_target
from etl.records import Filing, Indicator


def _bundled_filings() -> list[Filing]:
    """The filings `scripts/run.sh` loads (data/seeds + `jixiao sample`'s default corpus), in memory."""
    from etl.sample.generate import _build  # the corpus generate_corpus renders, before rendering

    groups = _build(2024, 6, 20, (2021, 2022, 2023))
    made = [m.filing for targets, evals in groups for m in targets + evals]
    for k, f in enumerate(made):
        f.filing_id = f"gen-{k:05d}"
    return [seed000_p1(), seed000_p2(), seed000_p3(), seed003_target(), seed003_selfeval()] + made


def _exact_clusters(filings: list[Filing]) -> set[frozenset[str]]:
    """Connected components of every pair at or above the threshold (the quadratic reference)."""
    s = load_settings()
    sets = [indicator_set(f) for f in filings]
    ok = [i for i, st in enumerate(sets) if len(st) >= s.copy_min_indicators]
    parent = {i: i for i in ok}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in combinations(ok, 2):
        a, b = sets[i], sets[j]
        if min(len(a), len(b)) < s.copy_jaccard * max(len(a), len(b)) - 1e-9:
            continue  # Jaccard <= smaller / larger
        if filings[i].filing_id == filings[j].filing_id or _expected_pair(filings[i], filings[j]):
            continue
        if len(a & b) / len(a | b) >= s.copy_jaccard - 1e-9:
            parent[find(i)] = find(j)
    comps: dict[int, set[str]] = {}
    for i in ok:
        comps.setdefault(find(i), set()).add(filings[i].filing_id)
    return {frozenset(c) for c in comps.values() if len(c) > 1}


@pytest.mark.slow
def test_bundled_corpus_clusters_are_the_exact_all_pairs_clusters():
    filings = _bundled_filings()
    exact = _exact_clusters(filings)
    found = {frozenset(fid for fid, _ in c) for c in copy_clusters(filings)}
    assert len(exact) >= 5  # the corpus plants copies: the comparison is not vacuous
    assert found == exact


def _filing(fid: str, dept: str, rows: list[tuple[str, str]]) -> Filing:
    return Filing(doc_kind="project_target", filing_id=fid, department=dept, year=2023, project="设备购置",
                  indicators=[Indicator(seq=k + 1, name=n, target=t) for k, (n, t) in enumerate(rows)])


ROWS = [(f"采购设备{k}数量", f"≥{k + 3}台") for k in range(20)]


def test_near_copy_in_another_department_is_linked_and_a_looser_one_is_not():
    base = _filing("a", "某县教育局", ROWS)
    near = _filing("b", "某县卫生健康局", ROWS[:18] + [("新增指标甲", "≥1个"), ("新增指标乙", "≥1个")])
    loose = _filing("c", "某县水利局", ROWS[:16] + [(f"其他指标{k}", "≥1个") for k in range(5)])
    # a-b: 18 shared of 22 distinct = 0.818 >= 0.8; a-c: 16 of 25 = 0.64; b-c: 16 of 27
    clusters = copy_clusters([base, near, loose])
    assert [sorted(fid for fid, _ in c) for c in clusters] == [["a", "b"]]
    assert sorted(sim for _, sim in clusters[0]) == [0.8182, 0.8182]


def test_pair_just_under_the_threshold_is_not_linked():
    base = _filing("a", "某县教育局", ROWS)
    under = _filing("b", "某县卫生健康局", ROWS[:18] + [("新增指标甲", "≥1个"), ("新增指标乙", "≥1个"), ("新增指标丙", "≥1个")])
    # 18 shared of 23 distinct = 0.783
    assert copy_clusters([base, under]) == []


def test_bands_are_the_same_in_another_process():
    f = _filing("a", "某县教育局", ROWS)
    here = filing_bands(f)
    assert len(here) == load_settings().copy_bands
    code = ("from tests.test_copy_bands import _filing, ROWS; from etl.check import filing_bands; "
            "print(filing_bands(_filing('a', '某县教育局', ROWS)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}, cwd=str(_root()))
    assert out.stdout.strip() == repr(here)


def test_bands_of_many_filings_at_once_are_each_filings_bands():
    """derive_many computes a chunk's MinHash over all its items at once: the same rows as filing by filing,
    for sets of any size (one item, none, more than one chunk of items) in any order."""
    from etl.check import derive, derive_many, many_filing_bands
    from etl.check.minhash import CHUNK_ITEMS, band_hashes, band_hashes_many

    filings = _bundled_filings()[:60]
    assert many_filing_bands(filings) == [filing_bands(f) for f in filings]
    assert derive_many(filings[:5]) == [derive(f) for f in filings[:5]]
    sets = [frozenset({"甲→1"}), frozenset(), frozenset(f"指标{k}→{k}" for k in range(CHUNK_ITEMS + 7)),
            frozenset({"甲→1", "乙→2"})]
    assert band_hashes_many(sets, 48, 6) == [band_hashes(s, 48, 6) for s in sets]


def _root():
    from pathlib import Path
    return Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_ingest_stores_each_filings_bands_and_the_refresh_groups_them(tmp_path):
    import duckdb

    from conftest import SEEDS
    from etl.check import copy_analysis
    from etl.load.readback import read_filings
    from etl.pipeline import ingest_paths
    from etl.recheck import copy_inputs, recheck, refresh_copies_in
    from etl.sample.generate import generate_corpus

    generate_corpus(tmp_path / "sample", seed=11, counties=1, departments_per_county=4, years=(2022, 2023),
                    formats=("txt",))
    db = tmp_path / "j.duckdb"
    ingest_paths([SEEDS, tmp_path / "sample"], db)
    con = duckdb.connect(str(db))
    try:
        stored = {(fid, band, h) for fid, band, h in con.execute("SELECT filing_id, band, hash FROM copy_bands").fetchall()}
        filings = read_filings(con)
        assert stored == {b for f in filings for b in filing_bands(f)}  # what analyse() wrote is what the set gives
        loaded = con.execute("SELECT filing_id, similarity FROM copy_clusters ORDER BY ALL").fetchall()
        assert loaded  # the sample plants at least one copy
        # the ingest's refresh (stored bands grouped in DuckDB) equals the in-memory path (bands computed here)
        clusters, _ = copy_analysis(copy_inputs(con))
        assert sorted((fid, sim) for c in clusters for fid, sim in c) == loaded
        # without stored bands (a database from before the table) the refresh computes them: same clusters
        con.execute("DELETE FROM copy_bands")
        refresh_copies_in(con)
        assert con.execute("SELECT filing_id, similarity FROM copy_clusters ORDER BY ALL").fetchall() == loaded
    finally:
        con.close()
    recheck(db)  # `jixiao check` writes the bands again, in the settings' geometry
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert {tuple(r) for r in con.execute("SELECT filing_id, band, hash FROM copy_bands").fetchall()} == stored
        assert con.execute("SELECT filing_id, similarity FROM copy_clusters ORDER BY ALL").fetchall() == loaded
    finally:
        con.close()
