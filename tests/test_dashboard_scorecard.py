"""县区评分卡: every county (or same-function department) against every measure, coloured among its peers.

Expectations come from the rows the test database was built from (tests/dashboard_db.py).
"""
from __future__ import annotations

import io
import statistics

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import quartiles
from dashboard import queries as q
from dashboard.filtering import Filters
from dashboard.queries import running
from etl.measures import BAND_COLORS
from test_dashboard_pages import corpus_db, frame, run_page  # noqa: F401  (the fixture runs over a file and a lake)


def num(v) -> float | None:
    """A cell as shown: a number, or its text where the column has gaps ("74.0", "87.5%", "—")."""
    if isinstance(v, str):
        return None if v == "—" else (float(v[:-1]) / 100 if v.endswith("%") else float(v.replace(",", "")))
    return v


def place_of(f: dict) -> str:
    return " ".join(x for x in (f["city"], f["county"]) if x) or f["province"]


def test_every_county_is_a_row_with_every_measure(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scorecard")
    assert [t.value for t in at.title] == ["县区评分卡"]
    table = frame(at, "sc_table")
    places = {place_of(f) for f in c.filings}
    assert {p.removeprefix("★ ") for p in table["place"]} == places
    for p in places:
        mine = [f for f in c.filings if place_of(f) == p]
        row = table[table["place"] == p].iloc[0]
        assert row["filings"] == len(mine)
        scores = [f["total_score"] for f in mine if f["total_score"] is not None]
        if scores:
            assert num(row["self_score"]) == pytest.approx(statistics.median(scores), abs=0.05)
            assert num(row["high_share"]) == pytest.approx(sum(s >= 95 for s in scores) / len(scores), abs=0.0005)
        # each family's problems per filing: the findings list's rows, copy and soft findings included
        ids = {f["filing_id"] for f in mine}
        for fam in ("copying", "soft", "vague"):
            n = sum(x["filing_id"] in ids and x["family"] == fam for x in c.findings)
            assert row[f"fam_{fam}"] == pytest.approx(n / len(mine))
        assert row["findings_per_filing"] == pytest.approx(sum(c.problems(i)[0] for i in ids) / len(mine))


def test_a_county_chosen_in_the_sidebar_keeps_its_peers_and_is_marked(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scorecard", county="攸县")
    table = frame(at, "sc_table")
    hunan = {place_of(f) for f in c.filings if f["province"] == "湖南省"}
    assert len(table) == len(hunan) == 3  # the province's counties, not the one county
    assert "★ 株洲市 攸县" in set(table["place"])
    quart = next(d.value for d in at.dataframe if "组" in d.value.columns)
    assert list(quart["组"]) == ["P25", "P50", "P75"]
    n = [sum(place_of(f) == p for f in c.filings) for p in hunan]
    assert quart["填报数"].iloc[1] == pytest.approx(np.percentile(n, 50))


def test_department_peers_are_departments_of_the_same_function(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scorecard", unit="department", function="教育")
    table = frame(at, "sc_table")
    want = {f["department"] for f in c.filings if f["department"].endswith("教育局")}
    assert set(table["department"]) == want and len(want) >= 4
    assert not any("财政" in d for d in table["department"])
    # the sidebar's department picks its function and is marked
    dept = sorted(want)[0]
    at = run_page(monkeypatch, db, "scorecard", unit="department", department=dept)
    assert at.selectbox(key="sc_function").value == "教育"
    assert f"★ {dept}" in set(frame(at, "sc_table")["department"])


def test_sorting_by_any_column(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scorecard", sort="exec_rate", desc="0")
    rates = [num(v) for v in frame(at, "sc_table")["exec_rate"] if num(v) is not None]
    assert rates == sorted(rates)
    at = run_page(monkeypatch, db, "scorecard", sort="fam_copying")
    copies = list(frame(at, "sc_table")["fam_copying"])
    assert copies == sorted(copies, reverse=True) and copies[0] > 0


def test_xlsx_export_keeps_the_colours_and_the_quartile_rows(corpus_db):  # noqa: F811
    c, db = corpus_db
    running.USE_CACHE = False
    try:
        card = q.connect(db).scorecard(Filters())
    finally:
        running.USE_CACHE = True
    cols = quartiles.columns()
    qs_ = quartiles.quartiles(card, cols)
    bands = quartiles.bands(card, qs_, cols)
    data = quartiles.xlsx(card, qs_, bands, cols, [("place", "县区"), ("province", "省")])
    ws = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in ws[1]]
    assert headers[:3] == ["县区", "省", "填报数"]
    col = headers.index("执行率中位数") + 1
    for r in range(2, len(card) + 2):
        i = r - 2
        band = bands["exec_rate"].iloc[i]
        got = ws.cell(row=r, column=col).fill.fgColor.rgb
        if band is None or band != band:
            assert ws.cell(row=r, column=col).fill.fill_type is None
        else:
            assert got.endswith(BAND_COLORS["up"][int(band)].lstrip("#"))
        assert ws.cell(row=r, column=col).number_format == "0.0%"
    labels = [ws.cell(row=r, column=1).value for r in range(len(card) + 2, len(card) + 5)]
    assert labels == ["同组 P25", "同组 P50", "同组 P75"]
    assert ws.cell(row=len(card) + 3, column=col).value == pytest.approx(card["exec_rate"].median())


def test_the_page_builds_its_coloured_workbook_when_asked(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scorecard", province="湖南省")
    assert "_sc_xlsx_built" not in at.session_state  # not built on every render
    at.button(key="sc_xlsx").click().run()
    ws = load_workbook(io.BytesIO(at.session_state["_sc_xlsx_built"]["data"])).active
    assert [cell.value for cell in ws[1]][:2] == ["县区", "省"]
    assert ws.max_row >= 3 + 3  # the province's three counties, then P25/P50/P75
    assert any(ws.cell(row=r, column=c).fill.fill_type == "solid" for r in range(2, 5) for c in range(3, 20))


def test_quartiles_are_each_columns_own_and_none_where_no_peer_has_a_value():
    """The P25/P50/P75 rows under the table: each column's quartiles over its peers with a value (gaps skipped,
    as DuckDB's quantile_cont), and none at all for a column no peer has a value in."""
    cols = quartiles.columns()
    rng = np.random.default_rng(7)
    card = pd.DataFrame({c.key: rng.uniform(0, 100, 9) for c in cols})
    card.loc[[1, 4], cols[0].key] = None  # gaps in one column
    card[cols[1].key] = None  # no peer has this one
    got = quartiles.quartiles(card, cols)
    assert list(got.index) == ["P25", "P50", "P75"]
    for c in cols[2:] + cols[:1]:
        values = card[c.key].dropna().astype(float)
        assert list(got[c.key]) == pytest.approx([values.quantile(x) for x in (0.25, 0.5, 0.75)])
    assert list(got[cols[1].key]) == [None, None, None]
    assert quartiles.bands(card, got, cols)[cols[1].key].isna().all()  # such a column is not coloured
