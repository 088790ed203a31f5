"""Every dashboard query that reads a mart returns what the same query returns from the base tables.

The test database of tests/dashboard_db.py is used three ways: as built (no marts: the
queries fall back to the base tables), with the marts built in the file as every ingest
builds them, and written out as a Parquet lake with the marts built over the lake and
attached to a DuckDB file. Each query, under several filters (one matching nothing),
must give the same rows in the same order in all three.
"""
from __future__ import annotations

import math
import shutil

import duckdb
import pandas as pd
import pytest

from dashboard import queries as q
from dashboard.queries import explorer as ex
from dashboard.queries import running
from dashboard.filtering import Filters
from dashboard_db import build_dashboard_db
from etl.lake.attach import attach
from etl.lake.from_database import export_db
from etl.marts import MARTS, build_marts


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("marts")
    plain = tmp / "plain.duckdb"
    build_dashboard_db(plain)
    marts = tmp / "marts.duckdb"
    shutil.copy(plain, marts)
    con = duckdb.connect(str(marts))
    build_marts(con)
    con.close()
    export_db(plain, tmp / "lake")  # builds the marts over the lake
    attach(tmp / "attached.duckdb", tmp / "lake")
    running.USE_CACHE = False
    yield {"plain": plain, "marts": marts, "lake": tmp / "attached.duckdb"}
    running.USE_CACHE = True


FILTERS = {
    "all": Filters(),
    "province": Filters(province="湖南省"),
    "county+years": Filters(province="湖南省", city="株洲市", county="攸县", years=(2021, 2022)),
    "department": Filters(department="株洲市攸县财政局"),
    "kinds": Filters(kinds=("project_self_eval", "dept_self_eval")),
    "year": Filters(years=(2022,)),
    "nothing": Filters(province="无此省"),
}

COMBINED = ex.Conditions(families=("vague",), reason="no_reason", sort="exec_rate", descending=False)
INFLATED = ex.Conditions(score=(95, None), exec_rate=(None, 0.8))
RULES = ex.Conditions(rules=("R01", "V01"), severities=("error",), counties=("株洲市 攸县", "益阳市 赫山区"))


def _benchmarks(qs, f):
    out = []
    if f.province or f.department:  # peers ignore the place filters: those runs would repeat the unfiltered one
        return out
    for unit in ("place", "department"):
        focus = qs.focus_options(f, unit)
        out.append(pd.DataFrame({"focus": focus}))
        for scope in ("city", "province", "all"):
            for metric in ("self_score", "exec_rate", "no_reason_share"):
                out.append(qs.benchmark(f, unit, focus[0], scope, metric))
                out.append(qs.peer_matrix(f, unit, focus[0], scope, metric))
    return out


QUERIES = {
    "place_options": lambda qs, f: qs.place_options(),
    "place_labels": lambda qs, f: qs.place_labels(),
    "year_options": lambda qs, f: qs.year_options(),
    "kind_options": lambda qs, f: qs.kind_options(),
    "department_options": lambda qs, f: qs.department_options(f),
    "sample_count": lambda qs, f: qs.sample_count(f),
    "overview_counts": lambda qs, f: qs.overview_counts(f),
    "findings_by_family_severity": lambda qs, f: qs.findings_by_family_severity(f),
    "worst_filings": lambda qs, f: qs.worst_filings(f),
    "score_histogram": lambda qs, f: qs.score_histogram(f),
    "score_box": lambda qs, f: [qs.score_box(f, by) for by in ("place", "year", "department")],
    "grade_bands": lambda qs, f: qs.grade_bands(f).sort_values("grade"),
    "score_vs_recomputed": lambda qs, f: qs.score_vs_recomputed(f),
    "inflation_summary": lambda qs, f: qs.inflation_summary(f),
    "most_inflated": lambda qs, f: qs.most_inflated(f),
    "filings_by_score": lambda qs, f: qs.filings_by_score(f, 80, 95),
    "exec_histogram": lambda qs, f: qs.exec_histogram(f),
    "exec_below": lambda qs, f: qs.exec_below(f, 0.9),
    "budget_vs_exec": lambda qs, f: qs.budget_vs_exec(f),
    "exec_by_place_year": lambda qs, f: qs.exec_by_place_year(f),
    "reason_summary": lambda qs, f: qs.reason_summary(f),
    "no_reason_by_group": lambda qs, f: [qs.no_reason_by_group(f, by) for by in ("place", "year", "department")],
    "reason_categories": lambda qs, f: [qs.reason_categories(f, by) for by in ("place", "year")],
    "reason_search": lambda qs, f: [qs.reason_search(f, "资金"), qs.reason_search(f, ""),
                                    qs.reason_search(f, "", ("R2", "R8")), qs.reason_search(f, "x")],
    "reason_texts": lambda qs, f: qs.reason_texts(f),
    "compare": _benchmarks,
    "department_across_places": lambda qs, f: qs.department_across_places(f, "局", "exec_rate"),
    "vague_by_group": lambda qs, f: [qs.vague_by_group(f, by) for by in ("place", "department", "year")],
    "vague_phrases": lambda qs, f: qs.vague_phrases(f),
    "finding_rules": lambda qs, f: qs.finding_rules(f),
    "findings_list": lambda qs, f: [qs.findings_list(f), qs.findings_list(f, families=("vague",)),
                                    qs.findings_list(f, severities=("error",), rules=("R01",)),
                                    qs.findings_list(f, text="执行率"), qs.findings_list(f, filing_id="F007")],
    "copy_clusters": lambda qs, f: qs.copy_clusters(f),
    "find_filings": lambda qs, f: [qs.find_filings(f, ""), qs.find_filings(f, "教育")],
    "explorer": lambda qs, f: [(ex.count(qs, f, c), ex.page(qs, f, c)) for c in (ex.Conditions(), COMBINED, INFLATED, RULES)],
    "explorer vague departments": lambda qs, f: qs.department_vague_ranking(f),
}

# string_agg(DISTINCT …) lists its values in no set order: compared as sets
UNORDERED = {"places", "departments", "years"}


def _same(a, b, where: str) -> None:
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, pd.DataFrame):
        assert list(a.columns) == list(b.columns), where
        a, b = a.reset_index(drop=True), b.reset_index(drop=True)
        for col in UNORDERED & set(a.columns):
            a[col], b[col] = (x[col].map(lambda v: None if v is None else sorted(v.split("；"))) for x in (a, b))
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-12, obj=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or pd.isna(a) or pd.isna(b):
            assert (a is None or pd.isna(a)) and (b is None or pd.isna(b)), (where, a, b)
        else:
            assert math.isclose(a, b, rel_tol=1e-12), (where, a, b)
    else:
        assert a == b, (where, a, b)


def test_the_stores_really_differ(dbs):
    assert not q.has_marts(dbs["plain"]) and q.has_marts(dbs["marts"]) and q.has_marts(dbs["lake"])
    # each storage gets its own queries, chosen once when the file is connected
    assert [type(q.connect(dbs[k])) for k in ("plain", "marts", "lake")] == [q.FileQueries, q.MartQueries,
                                                                            q.LakeQueries]
    con = duckdb.connect(str(dbs["marts"]), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(MARTS) <= tables
        assert con.execute("SELECT count(*) FROM mart_facts").fetchone()[0] == con.execute(
            "SELECT count(*) FROM filings").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("store", ["marts", "lake"])
@pytest.mark.parametrize("name", list(QUERIES))
def test_query_from_marts_equals_the_base_tables(dbs, store, name):
    fn = QUERIES[name]
    with q.page_session():  # one connection per store, as a page run has
        from_base = {label: fn(q.connect(dbs["plain"]), f) for label, f in FILTERS.items()}
    with q.page_session():
        from_marts = {label: fn(q.connect(dbs[store]), f) for label, f in FILTERS.items()}
    for label in FILTERS:
        _same(from_base[label], from_marts[label], f"{name} / {label}")


def test_filtered_results_are_not_empty_where_the_data_has_rows(dbs):
    """Guard against equal-because-empty: the filters used above do select rows in the test data."""
    qs = q.connect(dbs["marts"])
    for label, f in FILTERS.items():
        n = qs.overview_counts(f)["filings"]
        assert (n == 0) == (label == "nothing"), label
    assert len(qs.findings_list(Filters())[0]) > 0
    assert qs.reason_search(Filters(), "资金")[1] > 0
    assert ex.count(qs, Filters(), COMBINED) > 0 and ex.count(qs, Filters(), RULES) > 0
    assert len(qs.copy_clusters(Filters())) > 0


# Place names found in several provinces (the comparison's hard case): the 渌口区 of 株洲市 also
# files under 安徽省, 攸县 under 四川省 in 2023, 赫山区 under 安徽省 in 2022. "split" adds a 2023
# 攸县 filing under 安徽省: inside the focus's provinces twice and outside once.
SPREAD = [
    ("安徽省", "株洲市", "渌口区", 2021, "工商业联合会"),
    ("四川省", "株洲市", "攸县", 2023, "教育局"),
    ("安徽省", "益阳市", "赫山区", 2022, "财政局"),
]
SPLIT = SPREAD + [("安徽省", "株洲市", "攸县", 2023, "财政局")]


@pytest.fixture(scope="module", params=["spread", "split"])
def spread_dbs(request, dbs, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    plain, marts = tmp / "plain.duckdb", tmp / "marts.duckdb"
    shutil.copy(dbs["plain"], plain)
    con = duckdb.connect(str(plain))
    for province, city, county, year, dept in (SPREAD if request.param == "spread" else SPLIT):
        n = con.execute("""UPDATE filings SET province = ? WHERE city = ? AND county = ? AND year = ?
                           AND ends_with(department, ?)""", [province, city, county, year, dept]).fetchone()[0]
        assert n > 0
    con.close()
    shutil.copy(plain, marts)
    con = duckdb.connect(str(marts))
    build_marts(con)
    con.close()
    return request.param, plain, marts


@pytest.mark.slow  # 15-25 s a case: 108 comparison queries over two stores
@pytest.mark.parametrize("focus", ["株洲市 渌口区", "株洲市 攸县", "益阳市 赫山区"])
def test_peers_of_a_name_in_several_provinces(spread_dbs, focus):
    """The comparison reads mart_units when each peer's figure there is exact, the filings otherwise:
    the same figures either way."""
    kind, plain, marts = spread_dbs
    for scope in ("city", "province", "all"):
        for f in (Filters(), Filters(years=(2022, 2023)), Filters(kinds=("project_self_eval",))):
            units, _ = q.connect(marts).unit_values(f, "place", focus, scope, "self_score")
            from_mart = "mart_units" in units
            if f.kinds:
                assert not from_mart
            elif scope == "all" or kind == "spread":
                assert from_mart, (scope, f)
            for metric in ("self_score", "exec_rate", "vague_share"):
                for fn in ("benchmark", "peer_matrix"):
                    with q.page_session():
                        a = getattr(q.connect(plain), fn)(f, "place", focus, scope, metric)
                    with q.page_session():
                        b = getattr(q.connect(marts), fn)(f, "place", focus, scope, metric)
                    assert len(a) > 0
                    _same(a, b, f"{fn} {kind} {focus} {scope} {metric} {f}")
    if kind == "split" and focus == "株洲市 渌口区":  # 攸县 2023: in 湖南 and 安徽 (the focus's) and 四川
        assert "mart_units" not in q.connect(marts).unit_values(Filters(), "place", focus, "province", "self_score")[0]


def test_no_mart_column_is_hugeint(dbs):
    """DuckDB 1.4 scans a HUGEINT (128-bit) column ~100x slower than a BIGINT: the marts store sums as BIGINT
    (a sum of integers is HUGEINT unless cast)."""
    con = duckdb.connect(str(dbs["marts"]), read_only=True)
    try:
        wide = con.execute(f"""SELECT table_name, column_name FROM information_schema.columns
                               WHERE table_name IN ({', '.join('?' * len(MARTS))}) AND data_type = 'HUGEINT'""",
                           list(MARTS)).fetchall()
    finally:
        con.close()
    assert wide == []
