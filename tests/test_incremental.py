"""The refresh after an ingest recomputes only what the new filings touch (etl/refresh.py): its
result must be the full rebuild's, row for row, in every derived table and mart.

A made-up corpus (etl.sample: several counties, departments and years, with copied indicator
tables) is ingested in three batches that add years to existing series, new copies of existing
tables and new places; after each, the database is copied and the copy rebuilt in full
(etl.refresh.refresh_full, as `jixiao check --full` does it); every table is then compared.
A removal (a filing in a copy cluster, and one in a series) goes the same way: its keys are read
before its rows are deleted, then the incremental refresh runs.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load import store
from etl.marts import MARTS
from etl.pipeline import ingest_paths
from etl.refresh import affected_keys, refresh_full, refresh_incremental
from etl.write import render

DERIVED = ("findings", "filing_metrics", "indicator_reasons", "reason_texts", "copy_bands", "copy_clusters",
           "filing_twins", "indicator_keys", "filing_links", "soft_indices") + MARTS
# the rows a removal takes out (in the order a removal would delete them)
BASE_BY_FILING = ("indicators", "spending_plan", "sections", "findings", "filing_metrics", "indicator_reasons",
                  "reason_texts", "copy_bands", "copy_clusters", "indicator_keys", "filing_links", "filing_twins",
                  "filings")


def _corpus() -> list:
    from etl.sample.generate import _build

    groups = _build(2024, 3, 6, (2021, 2022, 2023))
    return [m.filing for targets, evals in groups for m in targets + evals]


def _norm(v):
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 9)  # sums in another order differ in the last bits
    if isinstance(v, list):
        return tuple(_norm(x) for x in v)
    return v


# The findings list's order is one number; the full build numbers it 1..N, an ingest puts its new rows
# between their neighbours (etl/marts._place_finding_rows): the same order, other numbers.
ORDER_ONLY = {"mart_finding_rows": "list_order"}
LIST_ORDER_SQL = "SELECT filing_id, indicator_seq, rule, message, evidence FROM mart_finding_rows ORDER BY list_order"


def _table(con, name: str) -> list[tuple]:
    cols = "*" + (f" EXCLUDE ({ORDER_ONLY[name]})" if name in ORDER_ONLY else "")
    rows = [tuple(_norm(v) for v in r) for r in con.execute(f"SELECT {cols} FROM {name}").fetchall()]
    return sorted(rows, key=repr)


def _assert_same_as_full(db: Path, tmp: Path) -> dict[str, int]:
    full = tmp / "full.duckdb"
    shutil.copy(db, full)
    with store.writer(full) as con:
        refresh_full(con)
    sizes = {}
    a, b = duckdb.connect(str(db), read_only=True), duckdb.connect(str(full), read_only=True)
    try:
        assert _table(a, "filings") == _table(b, "filings")  # superseded flags
        for name in DERIVED:
            got, want = _table(a, name), _table(b, name)
            assert len(got) == len(want), f"{name}: {len(got)} rows incrementally, {len(want)} in full"
            assert got == want, f"{name}: rows differ ({set(got) ^ set(want)})"
            sizes[name] = len(got)
        assert a.execute(LIST_ORDER_SQL).fetchall() == b.execute(LIST_ORDER_SQL).fetchall(), "the findings list's order"
    finally:
        a.close()
        b.close()
    full.unlink()
    return sizes


@pytest.mark.slow
def test_incremental_refresh_equals_full_rebuild_after_ingests_and_a_removal(tmp_path):
    filings = _corpus()
    by_year: dict[int, list] = {}
    for f in filings:
        by_year.setdefault(f.year, []).append(f)
    # batch 1: the first year; batch 2: the next year (series grow, copies of last year's tables);
    # batch 3: the last year and, out of order, a few filings of the first
    first, second, third = by_year[2021], by_year[2022], by_year[2023]
    batches = [first[: len(first) - 4], second, third + first[len(first) - 4:]]
    db = tmp_path / "j.duckdb"
    seen = []
    for k, batch in enumerate(batches):
        folder = tmp_path / f"in{k}"
        folder.mkdir()
        for i, f in enumerate(batch):
            (folder / f"f{k}_{i:04d}.txt").write_bytes(render([f], "txt"))
        summary = ingest_paths([folder], db, workers=1)
        assert summary.failed == 0 and summary.copies_refreshed and not summary.warnings
        # the first ingest (no marts yet) is a full one; the next ones recompute only what they touch
        assert summary.refresh == ("full" if k == 0 else "incremental")
        sizes = _assert_same_as_full(db, tmp_path)
        seen.append(sizes)
    # what the corpus exercises: copies, links between years, soft findings, every mart filled
    last = seen[-1]
    assert last["copy_clusters"] > 0 and last["filing_links"] > 0 and last["soft_indices"] > 0
    assert all(last[m] > 0 for m in MARTS)
    assert seen[1]["filing_links"] > seen[0]["filing_links"]
    # peer findings too: the refresh reads only the peer groups the new rows are in (etl/soft_scope.py),
    # and the last batch's late filings of the first year join groups whose other members it does not read whole
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM findings WHERE rule = 'SOFT_PEER_OUTLIER'").fetchone()[0] > 0
    finally:
        con.close()

    # a removal: one clustered filing and one filing of a linked series; keys read first, rows deleted,
    # then only what they touched is refreshed
    with store.writer(db) as con:
        clustered = con.execute("SELECT min(filing_id) FROM copy_clusters").fetchone()[0]
        linked = con.execute("SELECT max(prev_filing_id) FROM filing_links").fetchone()[0]
        gone = [clustered, linked]
        affected = affected_keys(con, gone)
        for table in BASE_BY_FILING:  # our own table names
            con.execute(f"DELETE FROM {table} WHERE filing_id IN (?, ?)", gone)
        con.execute("DELETE FROM filing_links WHERE prev_filing_id IN (?, ?)", gone)
        refresh_incremental(con, affected)
    _assert_same_as_full(db, tmp_path)

    # a filing taken out without its keys passed on (no refresh), then an ingest: the ingest sees the
    # marts hold a filing that is gone and rebuilds everything rather than leave its groups stale
    with store.writer(db) as con:
        gone = con.execute("SELECT min(filing_id) FROM filing_links").fetchone()[0]
        for table in BASE_BY_FILING:
            con.execute(f"DELETE FROM {table} WHERE filing_id = ?", [gone])
        con.execute("DELETE FROM filing_links WHERE prev_filing_id = ?", [gone])
    folder = tmp_path / "in3"
    folder.mkdir()
    for i, f in enumerate(by_year[2022][:3]):
        f.project = (f.project or "") + "（补报）"  # new bytes for a project filing (a department one may print no project)
        (folder / f"late_{i}.txt").write_bytes(render([f], "txt"))
    summary = ingest_paths([folder], db, workers=1)
    assert summary.loaded > 0 and summary.copies_refreshed and not summary.warnings
    assert summary.refresh == "full"
    _assert_same_as_full(db, tmp_path)
