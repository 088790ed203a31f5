"""Every SQL statement of the dashboard. Pages call these functions and hold no SQL.

Values always travel as parameters; the only text spliced into SQL is our own
(column names and expressions picked from fixed dictionaries below).
Results are cached per database version (file mtime), so a refresh after an
ingest shows the new filings, and a query that finds the file locked by a
writer falls back to the last result it had.
"""
from __future__ import annotations

import re

import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.db import LOCK_RETRIES, DatabaseBusy, db_version, open_readonly
from dashboard.filtering import Filters
from etl.lake.attach import HAS_MACROS_SQL, INDICATORS_MACRO, PARTITION_MACRO
from etl.marts import (FACT_METRIC_SQL, FACT_PLACE, FINDING_KEY, GRADE_BAND, LAKE_PENDING_FILE, MART_SQL, MARTS,
                       MARTS_PENDING, PHRASE, UNIT_GRAINS)
from etl.report.measures import EXEC_RATE, FROM_FM, METRIC_SQL, PLACE  # noqa: F401 - shared with the PDF report

USE_CACHE = True  # the benchmark turns this off to time the queries themselves

SELF_EVAL_KINDS = ("project_self_eval", "dept_self_eval", "self_eval_report")

GROUPS = {"place": PLACE, "year": "f.year::VARCHAR", "department": "coalesce(f.department, '（部门未知）')"}
MART_GROUPS = {**GROUPS, "place": "f.place"}  # the marts carry the place label


# ----------------------------------------------------------------- running

_last_good: dict = {}
_last_good_lock = threading.Lock()
_busy = threading.local()


_local = threading.local()


@contextmanager
def page_session():
    """One read-only connection for one page run, opened at the first uncached query, closed at the end.

    Opening a DuckDB file costs ~20 ms, a page runs a dozen queries, and a run
    lasts well under a second: the writer waits at most that long (and only
    when the cache missed), instead of paying the open per query.
    """
    _local.active = True
    try:
        yield
    finally:
        close_session()
        _local.active = False


def close_session() -> None:
    """Close this run's connection now (before this process writes, e.g. an upload)."""
    con = getattr(_local, "con", None)
    _local.con = None
    if con is not None:
        con.close()


def _execute(db: str, sql: str, params: tuple) -> pd.DataFrame:
    # Once a run found the file locked, its other queries try once and fall back at once.
    retries = 1 if served_stale() else LOCK_RETRIES
    if getattr(_local, "active", False):
        if getattr(_local, "con", None) is None or _local.db != db:
            close_session()
            _local.con, _local.db = open_readonly(Path(db), retries), db
        return _local.con.execute(sql, list(params)).df()
    con = open_readonly(Path(db), retries)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(db: str, version: tuple, sql: str, params: tuple) -> pd.DataFrame:
    return _execute(db, sql, params)


def run(db: Path, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    db_s, params_t = str(db), tuple(params)
    if not USE_CACHE:
        return _execute(db_s, sql, params_t)
    key = (db_s, sql, params_t)
    try:
        df = _cached(db_s, db_version(Path(db_s)), sql, params_t)
    except DatabaseBusy:
        with _last_good_lock:
            stale = _last_good.get(key)
        if stale is None:
            raise
        _busy.flag = True
        return stale.copy()
    with _last_good_lock:
        if len(_last_good) > 4000:  # a fallback, not a second cache: keep it bounded
            _last_good.clear()
        _last_good[key] = df
    return df


def served_stale() -> bool:
    """True once a query of this thread's run answered from the last result because of a lock."""
    return getattr(_busy, "flag", False)


def reset_stale_flag() -> None:
    _busy.flag = False


def _where(f: Filters, alias: str = "f") -> tuple[str, list]:
    conds, params = [], []
    for col, val in (("province", f.province), ("city", f.city), ("county", f.county), ("department", f.department)):
        if val:
            conds.append(f"{alias}.{col} = ?")
            params.append(val)
    if f.years:
        conds.append(f"{alias}.year IN ({', '.join('?' * len(f.years))})")
        params += [int(y) for y in f.years]
    if f.kinds:
        conds.append(f"{alias}.doc_kind IN ({', '.join('?' * len(f.kinds))})")
        params += list(f.kinds)
    return (" AND ".join(conds) or "TRUE"), params


def _in(values) -> str:
    return ", ".join("?" * len(values))


# ----------------------------------------------------------------- filters

def place_options(db: Path) -> pd.DataFrame:
    return run(db, f"""
        SELECT DISTINCT province, city, county FROM {_filings(db)}
        ORDER BY province NULLS LAST, city NULLS LAST, county NULLS LAST
    """)


def place_labels(db: Path) -> list[str]:
    """The place labels as shown in tables ("株洲市 攸县"), for choosing several places at once."""
    return list(run(db, f"SELECT DISTINCT {PLACE} AS place FROM {_filings(db)} f ORDER BY place")["place"])


def year_options(db: Path) -> list[int]:
    df = run(db, f"SELECT DISTINCT year FROM {_filings(db)} WHERE year IS NOT NULL ORDER BY year")
    return [int(y) for y in df["year"]]


def kind_options(db: Path) -> list[str]:
    return list(run(db, f"SELECT DISTINCT doc_kind FROM {_filings(db)} ORDER BY doc_kind")["doc_kind"])


def department_options(db: Path, f: Filters) -> list[str]:
    where, params = _where(f.place_only())
    df = run(db, f"""
        SELECT DISTINCT department FROM {_filings(db)} f
        WHERE {where} AND department IS NOT NULL ORDER BY department
    """, params)
    return list(df["department"])


def sample_count(db: Path, f: Filters) -> int:
    where, params = _where(f)
    if has_marts(db):
        df = run(db, f"SELECT coalesce(sum(f.sample_filings), 0) AS n FROM mart_filings f WHERE {where}", params)
    else:
        df = run(db, f"SELECT count(*) FILTER (WHERE f.is_sample) AS n FROM filings f WHERE {where}", params)
    return int(df["n"].iloc[0] or 0)


# ----------------------------------------------------------------- overview

def attached_lake(db: Path) -> str | None:
    """The Parquet lake a DuckDB file reads through views (`jixiao attach`), else None.
    Uploads cannot be written into such a file: the lake is written by `ingest --engine ray`."""
    from etl.lake.attach import LAKE_KEY

    if not int(run(db, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'meta'")["n"].iloc[0]):
        return None
    df = run(db, "SELECT value FROM meta WHERE key = ?", [LAKE_KEY])
    return None if df.empty else str(df["value"].iloc[0])


def has_marts(db: Path) -> bool:
    """True when the database carries the marts (built by every ingest since they exist) and they are
    current: a run that stopped after changing the base tables but before rebuilding the marts leaves
    them marked (etl.marts.MARTS_PENDING; over a lake, DIR/derived/_pending), and until the next run
    rebuilds them the pages read the base tables, which give the same rows."""
    df = run(db, f"SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ({_in(MARTS)})", MARTS)
    if int(df["n"].iloc[0]) != len(MARTS):
        return False
    lake = attached_lake(db)
    if lake is not None:
        return not (Path(lake) / "derived" / LAKE_PENDING_FILE).exists()  # a lake run does not touch the file
    return run(db, "SELECT count(*) AS n FROM meta WHERE key = ?", [MARTS_PENDING])["n"].iloc[0] == 0


def _fm(db: Path) -> str:
    """Filings with their metrics (alias f): the stored mart_facts, else the same SQL run over the base tables."""
    return "FROM mart_facts f" if has_marts(db) else f"FROM ({MART_SQL['mart_facts']}) f"


def _rows(db: Path, mart: str) -> str:
    """A per-row mart (its rows carry their filing's filter columns), else the same SQL over the base tables."""
    return mart if has_marts(db) else f"({MART_SQL[mart]})"


def _filings(db: Path) -> str:
    """A relation with the filter columns (province … department) holding every combination that has filings."""
    return "mart_filings" if has_marts(db) else "filings"


def overview_counts(db: Path, f: Filters) -> dict:
    where, params = _where(f)
    if not has_marts(db):
        df = run(db, f"""
            SELECT count(*) AS filings,
                   count(DISTINCT f.department) AS departments,
                   count(DISTINCT CASE WHEN f.county IS NOT NULL
                         THEN concat_ws('|', f.province, f.city, f.county) END) AS counties,
                   count(DISTINCT f.year) AS years,
                   median(f.total_score) AS median_score,
                   median({EXEC_RATE}) AS median_exec_rate,
                   sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS vague_share,
                   sum(m.indicator_count) AS indicators,
                   count(*) FILTER (WHERE f.is_sample) AS sample_filings
            {FROM_FM} WHERE {where}
        """, params)
        return df.iloc[0].to_dict()
    # counts from the group mart, exact medians from the filings' own values (mart_facts: no join)
    df = run(db, f"""
        SELECT coalesce(sum(f.filings), 0) AS filings,
               count(DISTINCT f.department) AS departments,
               count(DISTINCT CASE WHEN f.county IS NOT NULL
                     THEN concat_ws('|', f.province, f.city, f.county) END) AS counties,
               count(DISTINCT f.year) AS years,
               sum(f.vague_count)::DOUBLE / nullif(sum(f.indicators), 0) AS vague_share,
               sum(f.indicators) AS indicators,
               coalesce(sum(f.sample_filings), 0) AS sample_filings
        FROM mart_filings f WHERE {where}
    """, params)
    if f == Filters(years=f.years) and len(f.years) <= 1:  # no filter, or one year: precomputed
        grain, year = (UNIT_GRAINS["all"], "m.year = ?") if f.years else (UNIT_GRAINS["all_years"], "TRUE")
        medians = run(db, f"""
            SELECT any_value(m.m_self_score) AS median_score, any_value(m.m_exec_rate) AS median_exec_rate
            FROM mart_units m WHERE m.unit_kind = 'all' AND m.grain = {grain} AND {year}
        """, params)
    else:
        medians = run(db, f"""
            SELECT median(f.total_score) AS median_score, median(f.exec_rate) AS median_exec_rate
            FROM mart_facts f WHERE {where}
        """, params)
    out = df.iloc[0].to_dict()
    out.update(medians.iloc[0].to_dict())
    return out


def findings_by_family_severity(db: Path, f: Filters) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            SELECT f.family, f.severity, sum(f.n)::BIGINT AS n FROM mart_findings f
            WHERE {where} GROUP BY ALL ORDER BY n DESC, f.family, f.severity
        """, params)
    return run(db, f"""
        SELECT x.family, x.severity, count(*) AS n
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        WHERE {where}
        GROUP BY ALL ORDER BY n DESC, x.family, x.severity
    """, params)


def _filing_columns(place: str = PLACE) -> str:
    return f"""f.filing_id, {place} AS place, f.department, coalesce(f.project, f.title) AS project,
               f.year, f.doc_kind"""


def worst_filings(db: Path, f: Filters, limit: int = 20) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {_filing_columns(FACT_PLACE)}, f.total_score, f.score_recomputed, f.inflation,
               coalesce(f.error_count, 0) AS error_count, coalesce(f.finding_count, 0) AS finding_count
        {_fm(db)} WHERE {where}
        ORDER BY error_count DESC, finding_count DESC, f.inflation DESC NULLS LAST, f.filing_id
        LIMIT ?
    """, params + [int(limit)])


# ----------------------------------------------------------------- scores

def score_histogram(db: Path, f: Filters, width: float = 5.0) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT least(floor(f.total_score / ?) * ?, 100 - ?) AS lo, count(*) AS n
        {_fm(db)} WHERE {where} AND f.total_score IS NOT NULL
        GROUP BY lo ORDER BY lo
    """, [width, width, width] + params)


def score_box(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    """Quartiles of the self-score per group, computed in the database (not per point)."""
    group = MART_GROUPS[by]  # over mart_facts f, which has the place label
    where, params = _where(f)
    if f == Filters(years=f.years) and (by == "year" or len(f.years) <= 1) and has_marts(db):
        # no filter but years: the groups' quartiles over all their filings, as mart_units holds them
        kind, grp = ("all", "m.year::VARCHAR") if by == "year" else (by, "m.unit")
        grain = UNIT_GRAINS["all"] if by == "year" or f.years else UNIT_GRAINS["all_years"]
        years = f"m.year IN ({_in(f.years)})" if f.years else "TRUE"
        return run(db, f"""
            SELECT {grp} AS grp, m.score_n AS n, m.score_lo AS lo, m.score_q[1] AS q1, m.score_q[2] AS q2,
                   m.score_q[3] AS q3, m.score_hi AS hi
            FROM mart_units m WHERE m.unit_kind = ? AND m.grain = {grain} AND {years} AND m.score_n > 0
            ORDER BY n DESC, grp LIMIT ?
        """, [kind] + params + [int(top)])
    # the three quartiles from one aggregate (one copy of each group's values, sorted once)
    return run(db, f"""
        SELECT grp, n, lo, q[1] AS q1, q[2] AS q2, q[3] AS q3, hi FROM (
            SELECT {group} AS grp, count(*) AS n, min(f.total_score) AS lo,
                   quantile_cont(f.total_score, [0.25, 0.5, 0.75]) AS q, max(f.total_score) AS hi
            {_fm(db)} WHERE {where} AND f.total_score IS NOT NULL
            GROUP BY grp ORDER BY n DESC, grp LIMIT ?)
        ORDER BY n DESC, grp
    """, params + [int(top)])


def grade_bands(db: Path, f: Filters) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            SELECT f.grade, sum(f.self_n) AS self_n, sum(f.recomputed_n) AS recomputed_n
            FROM mart_grades f WHERE {where} GROUP BY f.grade
        """, params)
    return run(db, f"""
        SELECT grade, sum(self_n) AS self_n, sum(recomputed_n) AS recomputed_n FROM (
            SELECT {GRADE_BAND.format(c='f.total_score')} AS grade, 1 AS self_n, 0 AS recomputed_n
            {_fm(db)} WHERE {where} AND f.total_score IS NOT NULL
            UNION ALL
            SELECT {GRADE_BAND.format(c='f.score_recomputed')}, 0, 1
            {_fm(db)} WHERE {where} AND f.score_recomputed IS NOT NULL
        ) GROUP BY grade
    """, params + params)


def score_vs_recomputed(db: Path, f: Filters, limit: int = 3000) -> pd.DataFrame:
    """A stable pseudo-random sample (by filing_id hash) so the scatter stays light."""
    where, params = _where(f)
    return run(db, f"""
        SELECT f.filing_id, f.place, f.department, f.year, f.total_score, f.score_recomputed, f.inflation
        {_fm(db)} WHERE {where} AND f.total_score IS NOT NULL AND f.score_recomputed IS NOT NULL
        ORDER BY f.sample_key LIMIT ?
    """, params + [int(limit)])


def inflation_summary(db: Path, f: Filters) -> dict:
    where, params = _where(f)
    df = run(db, f"""
        SELECT count(*) AS n, avg(f.inflation) AS mean_inflation,
               count(*) FILTER (WHERE f.inflation >= 10) AS inflated_10
        {_fm(db)} WHERE {where} AND f.inflation IS NOT NULL
    """, params)
    return df.iloc[0].to_dict()


def most_inflated(db: Path, f: Filters, limit: int = 50) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {_filing_columns(FACT_PLACE)}, f.total_score, f.score_recomputed, f.inflation
        {_fm(db)} WHERE {where} AND f.inflation IS NOT NULL
        ORDER BY f.inflation DESC, f.filing_id LIMIT ?
    """, params + [int(limit)])


def filings_by_score(db: Path, f: Filters, lo: float, hi: float, limit: int = 500) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {_filing_columns(FACT_PLACE)}, f.total_score, f.score_recomputed, f.inflation
        {_fm(db)} WHERE {where} AND f.total_score >= ? AND f.total_score < ?
        ORDER BY f.total_score, f.filing_id LIMIT ?
    """, params + [float(lo), float(hi), int(limit)])


# ----------------------------------------------------------------- execution

def exec_histogram(db: Path, f: Filters) -> pd.DataFrame:
    """Counts per 5-point band of the execution rate, rates above 150 % in the last band."""
    where, params = _where(f)
    return run(db, f"""
        SELECT least(floor(r * 20) / 20, 1.5) AS lo, count(*) AS n FROM (
            SELECT f.exec_rate AS r {_fm(db)} WHERE {where}
        ) WHERE r IS NOT NULL AND r >= 0 GROUP BY lo ORDER BY lo
    """, params)


def exec_below_sql(db: Path, f: Filters, threshold: float, limit: int | None = None) -> tuple[str, list]:
    where, params = _where(f)
    cut = "LIMIT ?" if limit is not None else ""
    return f"""
        SELECT {_filing_columns(FACT_PLACE)}, f.budget_adjusted, f.budget_executed, f.exec_rate AS exec_rate
        {_fm(db)} WHERE {where} AND f.exec_rate < ?
        ORDER BY exec_rate, f.filing_id {cut}
    """, params + [float(threshold)] + ([int(limit)] if limit is not None else [])


def exec_below(db: Path, f: Filters, threshold: float, limit: int = 500) -> tuple[pd.DataFrame, int]:
    # counted apart: a window count over every match would keep all of them in memory for a page of 500
    where, params = _where(f)
    total = run(db, f"SELECT count(*) AS n {_fm(db)} WHERE {where} AND f.exec_rate < ?", params + [float(threshold)])
    return run(db, *exec_below_sql(db, f, threshold, limit)), int(total["n"].iloc[0])


def budget_vs_exec(db: Path, f: Filters, limit: int = 3000) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT f.filing_id, f.place, f.department, f.year, f.budget_adjusted, f.exec_rate AS exec_rate
        {_fm(db)} WHERE {where} AND f.budget_adjusted > 0 AND f.exec_rate IS NOT NULL
        ORDER BY f.sample_key LIMIT ?
    """, params + [int(limit)])


def exec_by_place_year(db: Path, f: Filters, top: int = 40) -> pd.DataFrame:
    where, params = _where(f)
    if f == Filters(years=f.years) and has_marts(db):
        # no filter but years: each place's year over all its filings, as mart_units holds it
        years = f"m.year IN ({_in(f.years)})" if f.years else "TRUE"
        return run(db, f"""
            WITH x AS (SELECT * FROM mart_units m WHERE m.unit_kind = 'place' AND m.grain = {UNIT_GRAINS['all']}
                       AND m.year IS NOT NULL AND {years} AND m.exec_n > 0),
                 top AS (SELECT unit FROM x GROUP BY unit ORDER BY sum(exec_n) DESC, unit LIMIT ?)
            SELECT unit AS place, year, m_exec_rate AS exec_rate, exec_n AS n
            FROM x WHERE unit IN (SELECT unit FROM top) ORDER BY place, year
        """, params + [int(top)])
    return run(db, f"""
        WITH x AS (SELECT f.place, f.year, f.exec_rate AS r {_fm(db)}
                   WHERE {where} AND f.year IS NOT NULL),
             top AS (SELECT place FROM x WHERE r IS NOT NULL GROUP BY place ORDER BY count(*) DESC, place LIMIT ?)
        SELECT place, year, median(r) AS exec_rate, count(r) AS n
        FROM x WHERE place IN (SELECT place FROM top) AND r IS NOT NULL
        GROUP BY place, year ORDER BY place, year
    """, params + [int(top)])


# ----------------------------------------------------------------- reasons

def reason_summary(db: Path, f: Filters) -> dict:
    where, params = _where(f)
    if has_marts(db):
        df = run(db, f"""
            SELECT sum(f.deductions) AS deductions, sum(f.deductions_no_reason) AS no_reason,
                   sum(f.deductions_no_reason)::DOUBLE / nullif(sum(f.deductions), 0) AS share
            FROM mart_filings f WHERE {where}
        """, params)
        return df.iloc[0].to_dict()
    df = run(db, f"""
        SELECT sum(m.deductions) AS deductions, sum(m.deductions_no_reason) AS no_reason,
               sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS share
        {FROM_FM} WHERE {where}
    """, params)
    return df.iloc[0].to_dict()


def no_reason_by_group(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):  # the mart's sums over the filings with deductions
        return run(db, f"""
            SELECT {MART_GROUPS[by]} AS grp, sum(f.deductions_in_counted) AS deductions,
                   sum(f.no_reason_in_counted) AS no_reason,
                   sum(f.no_reason_in_counted)::DOUBLE / nullif(sum(f.deductions_in_counted), 0) AS share
            FROM mart_filings f WHERE {where} AND f.filings_with_deductions > 0
            GROUP BY grp ORDER BY deductions DESC, grp LIMIT ?
        """, params + [int(top)])
    return run(db, f"""
        SELECT {GROUPS[by]} AS grp, sum(m.deductions) AS deductions, sum(m.deductions_no_reason) AS no_reason,
               sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS share
        {FROM_FM} WHERE {where} AND m.deductions > 0
        GROUP BY grp ORDER BY deductions DESC, grp LIMIT ?
    """, params + [int(top)])


def reason_categories(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            WITH x AS (SELECT {MART_GROUPS[by]} AS grp, f.category, f.n FROM mart_reasons f WHERE {where}),
                 top AS (SELECT grp FROM x GROUP BY grp ORDER BY sum(n) DESC, grp LIMIT ?)
            SELECT grp, category, sum(n) AS n FROM x WHERE grp IN (SELECT grp FROM top)
            GROUP BY grp, category ORDER BY grp, category
        """, params + [int(top)])
    return run(db, f"""
        WITH x AS (SELECT {GROUPS[by]} AS grp, r.category
                   FROM indicator_reasons r JOIN filings f ON f.filing_id = r.filing_id WHERE {where}),
             top AS (SELECT grp FROM x GROUP BY grp ORDER BY count(*) DESC, grp LIMIT ?)
        SELECT grp, category, count(*) AS n FROM x WHERE grp IN (SELECT grp FROM top)
        GROUP BY grp, category ORDER BY grp, category
    """, params + [int(top)])


def reason_search(db: Path, f: Filters, text: str, categories: tuple[str, ...] = (), limit: int = 500) -> tuple[pd.DataFrame, int]:
    where, params = _where(f, "i")
    conds, extra = ["TRUE"], []
    if text:
        # literal match (no LIKE wildcards); case only matters for Latin letters, and lower() on
        # every reason costs more than the search itself
        conds.append("contains(lower(i.reason), lower(?))" if re.search(r"[A-Za-z]", text) else "contains(i.reason, ?)")
        extra.append(text)
    if categories:
        conds.append(f"len(list_filter(i.category_list, c -> c IN ({_in(categories)}))) > 0")
        extra += list(categories)
    # the reasons with their filing's place, department, year, indicator and categories (mart_reason_rows):
    # no join; counted apart (a window count would hold every match for a page of 500)
    source = f"FROM {_rows(db, 'mart_reason_rows')} i WHERE {where} AND {' AND '.join(conds)}"
    if has_marts(db) and not text and not categories:
        n = run(db, f"SELECT coalesce(sum(f.n), 0) AS n FROM mart_reason_texts f WHERE {_where(f)[0]}", params)
    else:
        n = run(db, f"SELECT count(*) AS n {source}", params + extra)
    df = run(db, f"""
        SELECT i.filing_id, i.place, i.department, i.year, i.seq, i.name, i.weight, i.score, i.reason, i.categories
        {source} ORDER BY i.year DESC, i.filing_id, i.seq LIMIT ?
    """, params + extra + [int(limit)])
    return df, int(n["n"].iloc[0])


def reason_texts(db: Path, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Distinct reason texts with how often each occurs (boilerplate repeats: tokenise each once)."""
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            SELECT f.reason, sum(f.n) AS n FROM mart_reason_texts f
            WHERE {where} AND length(f.reason) > 1
            GROUP BY f.reason ORDER BY n DESC, f.reason LIMIT ?
        """, params + [int(limit)])
    return run(db, f"""
        SELECT i.reason, count(*) AS n FROM reason_texts i JOIN filings f ON f.filing_id = i.filing_id
        WHERE {where} AND length(i.reason) > 1
        GROUP BY i.reason ORDER BY n DESC, i.reason LIMIT ?
    """, params + [int(limit)])


# ----------------------------------------------------------------- comparison

FOCUS_UNIT_SQL = {"place": "f.place", "department": "coalesce(f.department, '（部门未知）')"}  # over mart_facts f
PEER_SCOPE_SQL = {
    "city": "p.province IS NOT DISTINCT FROM fy.province AND p.city IS NOT DISTINCT FROM fy.city",
    "province": "p.province IS NOT DISTINCT FROM fy.province",
    "all": "TRUE",
}


def _peer_filters(f: Filters) -> Filters:
    """Peers ignore the place filter (choosing a county must not remove the others); years, kinds stay."""
    return Filters(years=f.years, kinds=f.kinds)


def focus_options(db: Path, f: Filters, unit: str) -> list[str]:
    """The units to choose from, by name; the first is the one with the most filings (the default)."""
    where, params = _where(_peer_filters(f))
    units = run(db, f"""
        SELECT {FOCUS_UNIT_SQL[unit]} AS focus, count(*) AS n {_fm(db)} WHERE {where} GROUP BY 1
        ORDER BY focus
    """, params)  # (not "unit": filings has a column of that name)
    if units.empty:
        return []
    top = units.sort_values(["n", "focus"], ascending=[False, True])["focus"].iloc[0]
    return [top] + [u for u in units["focus"] if u != top]


def _peer_scan(db: Path, unit: str, focus: str, scope: str, alias: str = "f") -> tuple[str, list]:
    """A condition keeping only rows that can be the focus's peers: those in the focus's provinces (and cities).

    The focus's provinces are looked up first and passed as values, so the scan of the
    filings (stored in province order) skips the other provinces' row groups.
    """
    if scope == "all":
        return "TRUE", []
    cols = ("province", "city") if scope == "city" else ("province",)
    if has_marts(db):
        me = run(db, f"""SELECT DISTINCT {', '.join(cols)} FROM mart_units
                         WHERE unit_kind = ? AND unit = ? AND grain = 0""", [unit, focus])
    else:
        me = run(db, f"SELECT DISTINCT {', '.join('f.' + c for c in cols)} {_fm(db)} WHERE {FOCUS_UNIT_SQL[unit]} = ?",
                 [focus])
    alts, params = [], []
    for row in me.itertuples(index=False):  # (province IS NOT DISTINCT FROM value [AND city ...])
        parts = []
        for col, val in zip(cols, row):
            if pd.isna(val):
                parts.append(f"{alias}.{col} IS NULL")
            else:
                parts.append(f"{alias}.{col} = ?")
                params.append(val)
        alts.append("(" + " AND ".join(parts) + ")")
    return "(" + (" OR ".join(alts) or "FALSE") + ")", params


def _unit_values(db: Path, f: Filters, unit: str, focus: str, scope: str, metric: str) -> tuple[str, list]:
    """CTEs ending in g: one row per unit and year (unit, province, city, year, value, n) over the peers' rows.

    From mart_units when that is exact: no kinds filter (years select whole rows of it), and each
    unit's filings of a year lie either all inside the focus's provinces (cities), so its figure
    over all its filings holds, or inside exactly one of them, so its figure there holds. Else (a
    name found in several of the focus's provinces and outside them too) from every filing.
    """
    peers, peer_params = _peer_scan(db, unit, focus, scope)
    where, params = _where(_peer_filters(f))
    from_rows = (f"""g AS (SELECT {FOCUS_UNIT_SQL[unit]} AS unit, min(f.province) AS province, min(f.city) AS city,
                          f.year, {FACT_METRIC_SQL[metric]} AS value, count(*) AS n
                   {_fm(db)} WHERE {where} AND f.year IS NOT NULL AND {peers}
                   GROUP BY 1, f.year)""",  # (1, not "unit": filings has a column of that name)
                 params + peer_params)
    if f.kinds or not has_marts(db):
        return from_rows
    years = f"m.year IN ({_in(f.years)})" if f.years else "TRUE"
    yp = [int(y) for y in f.years]
    cols = f"m.unit, m.min_province AS province, m.min_city AS city, m.year, m.m_{metric} AS value, m.n"
    if scope == "all":
        return (f"g AS (SELECT {cols} FROM mart_units m WHERE m.unit_kind = ? AND m.grain = {UNIT_GRAINS['all']} "
                f"AND m.year IS NOT NULL AND {years})", [unit] + yp)
    inside, in_params = _peer_scan(db, unit, focus, scope, alias="m")
    parts = (f"""r AS (SELECT * FROM mart_units m WHERE m.unit_kind = ? AND m.grain = {UNIT_GRAINS[scope]}
                       AND m.year IS NOT NULL AND {years}),
             c AS (SELECT m.unit, m.year, count(*) AS n_all, count(*) FILTER (WHERE {inside}) AS n_in
                   FROM r m GROUP BY ALL)""", [unit] + yp + in_params)
    split = run(db, f"WITH {parts[0]} SELECT count(*) AS n FROM c WHERE n_in > 1 AND n_in < n_all", parts[1])
    if int(split["n"].iloc[0]):
        return from_rows
    return (parts[0] + f""",
             g AS (SELECT {cols} FROM mart_units m JOIN c ON c.unit = m.unit AND c.year = m.year
                   WHERE m.unit_kind = ? AND m.grain = {UNIT_GRAINS['all']} AND c.n_in = c.n_all
                   UNION ALL
                   SELECT {cols} FROM r m JOIN c ON c.unit = m.unit AND c.year = m.year
                   WHERE c.n_in = 1 AND c.n_all > 1 AND {inside})""", parts[1] + [unit] + in_params)


def benchmark(db: Path, f: Filters, unit: str, focus: str, scope: str, metric: str,
              higher_is_better: bool = True) -> pd.DataFrame:
    """Per year: the focus's value, its peers' P25/P50/P75, its rank among them, n, and the change on last year.

    Peers are the units (places or departments) in the same city, province or all, in the
    same year, the focus included; rank 1 is the best value.
    """
    better = ">" if higher_is_better else "<"
    # one row per unit and year (a name found in two provinces counts once, under the first)
    units, params = _unit_values(db, f, unit, focus, scope, metric)
    return run(db, f"""
        WITH {units},
             fy AS (SELECT * FROM g WHERE unit = ?),
             b AS (SELECT fy.year, any_value(fy.value) AS value, any_value(fy.n) AS filings,
                          quantile_cont(p.value, 0.25) AS p25, quantile_cont(p.value, 0.5) AS p50,
                          quantile_cont(p.value, 0.75) AS p75, count(p.value) AS peers,
                          CASE WHEN any_value(fy.value) IS NOT NULL
                               THEN 1 + count(*) FILTER (WHERE p.value {better} fy.value) END AS rank
                   FROM fy JOIN g p ON p.year = fy.year AND {PEER_SCOPE_SQL[scope]}
                   GROUP BY fy.year)
        SELECT *, value - lag(value) OVER (ORDER BY year) AS change FROM b ORDER BY year
    """, params + [focus])


def peer_matrix(db: Path, f: Filters, unit: str, focus: str, scope: str, metric: str, top: int = 40) -> pd.DataFrame:
    """The metric per unit and year for the focus's peer group (the focus always included)."""
    units, params = _unit_values(db, f, unit, focus, scope, metric)
    return run(db, f"""
        WITH {units},
             fy AS (SELECT DISTINCT province, city FROM g WHERE unit = ?),
             grp AS (SELECT p.* FROM g p JOIN fy ON {PEER_SCOPE_SQL[scope]}),
             top AS (SELECT unit FROM grp GROUP BY unit ORDER BY (unit = ?) DESC, sum(n) DESC, unit LIMIT ?)
        SELECT unit AS place, year, value, n FROM grp WHERE unit IN (SELECT unit FROM top) ORDER BY place, year
    """, params + [focus, focus, int(top)])


def department_across_places(db: Path, f: Filters, pattern: str, metric: str, top: int = 60) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT f.place, string_agg(DISTINCT f.department, '；') AS departments,
               {FACT_METRIC_SQL[metric]} AS value, count(*) AS n
        {_fm(db)} WHERE {where} AND contains(f.department, ?)
        GROUP BY place ORDER BY value DESC NULLS LAST, place LIMIT ?
    """, params + [pattern, int(top)])


# ----------------------------------------------------------------- indicator quality

def vague_by_group(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):  # the mart's sums over the filings with indicators
        return run(db, f"""
            SELECT {MART_GROUPS[by]} AS grp, sum(f.vague_in_counted) AS vague_count,
                   sum(f.indicators_in_counted) AS indicator_count,
                   sum(f.vague_in_counted)::DOUBLE / nullif(sum(f.indicators_in_counted), 0) AS share
            FROM mart_filings f WHERE {where} AND f.filings_with_indicators > 0
            GROUP BY grp ORDER BY indicator_count DESC, grp LIMIT ?
        """, params + [int(top)])
    return run(db, f"""
        SELECT {GROUPS[by]} AS grp, sum(m.vague_count) AS vague_count, sum(m.indicator_count) AS indicator_count,
               sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS share
        {FROM_FM} WHERE {where} AND m.indicator_count > 0
        GROUP BY grp ORDER BY indicator_count DESC, grp LIMIT ?
    """, params + [int(top)])


def vague_phrases(db: Path, f: Filters, limit: int = 30) -> pd.DataFrame:
    """The texts that vague-indicator findings point at (the finding's evidence, else the target)."""
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            SELECT f.phrase, sum(f.n) AS n FROM mart_phrases f WHERE {where}
            GROUP BY 1 ORDER BY n DESC, phrase LIMIT ?
        """, params + [int(limit)])
    return run(db, f"""
        WITH v AS (SELECT x.filing_id, x.indicator_seq, nullif(trim(x.evidence), '') AS phrase
                   FROM findings x JOIN filings f ON f.filing_id = x.filing_id
                   WHERE {where} AND x.family = 'vague'),
             p AS (SELECT phrase FROM v WHERE phrase IS NOT NULL
                   UNION ALL  -- no evidence: the indicator's target (a join for those rows only)
                   SELECT i.target FROM v JOIN indicators i ON i.filing_id = v.filing_id AND i.seq = v.indicator_seq
                   WHERE v.phrase IS NULL)
        SELECT {PHRASE.format(c='phrase')} AS phrase, count(*) AS n
        FROM p WHERE phrase IS NOT NULL
        GROUP BY 1 ORDER BY n DESC, phrase LIMIT ?
    """, params + [int(limit)])


def finding_rules(db: Path, f: Filters) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            SELECT f.rule, f.family, sum(f.n) AS n FROM mart_findings f
            WHERE {where} GROUP BY ALL ORDER BY n DESC, f.rule
        """, params)
    return run(db, f"""
        SELECT x.rule, x.family, count(*) AS n FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        WHERE {where} GROUP BY ALL ORDER BY n DESC, x.rule
    """, params)


def _findings_hits(db: Path, f: Filters, families=(), severities=(), rules=(), text: str = "",
                   filing_id: str | None = None) -> tuple[str, list]:
    where, params = _where(f, "x")
    conds, extra = [], []
    if filing_id:
        conds.append("x.filing_id = ?")
        extra.append(filing_id)
    for col, vals in (("family", families), ("severity", severities), ("rule", rules)):
        if vals:
            conds.append(f"x.{col} IN ({_in(vals)})")
            extra += list(vals)
    if text:
        conds.append("(contains(x.message, ?) OR contains(coalesce(x.evidence, ''), ?))")
        extra += [text, text]
    cond = " AND ".join(conds) or "TRUE"
    # the findings with their filing's place, department and year (mart_finding_rows): no join to filter
    return f"FROM {_rows(db, 'mart_finding_rows')} x WHERE {where} AND {cond}", params + extra


def findings_list_sql(db: Path, f: Filters, families=(), severities=(), rules=(), text: str = "",
                      filing_id: str | None = None, limit: int | None = None) -> tuple[str, list]:
    """The findings list as SQL: the page runs it with a LIMIT, the full export without."""
    hits, params = _findings_hits(db, f, families, severities, rules, text, filing_id)
    cut = "LIMIT ?" if limit is not None else ""
    sql = f"""
        SELECT x.filing_id, x.place, x.department, x.year, x.indicator_seq, x.src_where, x.name,
               x.rule, x.family, x.severity, x.message, x.evidence
        {hits} ORDER BY x.list_order {cut}
    """
    return sql, params + ([int(limit)] if limit is not None else [])


def findings_list(db: Path, f: Filters, families=(), severities=(), rules=(), text: str = "",
                  limit: int = 1000, filing_id: str | None = None) -> tuple[pd.DataFrame, int]:
    if has_marts(db) and not text and not filing_id:  # counted from the grouped mart
        where, params = _where(f)
        conds = [where]
        for col, vals in (("family", families), ("severity", severities), ("rule", rules)):
            if vals:
                conds.append(f"f.{col} IN ({_in(vals)})")
                params += list(vals)
        n = run(db, f"SELECT coalesce(sum(f.n), 0) AS n FROM mart_findings f WHERE {' AND '.join(conds)}", params)
    else:
        hits, params = _findings_hits(db, f, families, severities, rules, text, filing_id)
        n = run(db, f"SELECT count(*) AS n {hits}", params)
    sql, params = findings_list_sql(db, f, families, severities, rules, text, filing_id, limit)
    return run(db, sql, params), int(n["n"].iloc[0])


def finding_keys(db: Path, rules=(), families=(), severities=()) -> list[str]:
    """The kinds of finding (FINDING_KEY texts) in the database with one of these rules, families and severities."""
    conds, params = [], []
    for col, vals in (("rule", rules), ("family", families), ("severity", severities)):
        if vals:
            conds.append(f"x.{col} IN ({_in(vals)})")
            params += list(vals)
    source = "mart_findings" if has_marts(db) else "findings"
    df = run(db, f"""SELECT DISTINCT {FINDING_KEY.format(x='x')} AS k FROM {source} x
                     WHERE {' AND '.join(conds) or 'TRUE'} ORDER BY k""", params)
    return list(df["k"])


def copy_clusters(db: Path, f: Filters, limit: int = 200) -> pd.DataFrame:
    """Clusters with at least one member inside the filter, described by all their members."""
    where, params = _where(f)
    if has_marts(db):  # the members with their filter columns and labels (mart_copies): no join
        return run(db, f"""
            WITH hit AS (SELECT DISTINCT f.cluster_id FROM mart_copies f WHERE {where})
            SELECT f.cluster_id, count(*) AS filings, round(avg(f.similarity), 3) AS similarity,
                   string_agg(DISTINCT f.place, '；') AS places,
                   string_agg(DISTINCT f.department, '；') AS departments,
                   string_agg(DISTINCT f.year::VARCHAR, '；') AS years
            FROM mart_copies f WHERE f.cluster_id IN (SELECT cluster_id FROM hit)
            GROUP BY f.cluster_id ORDER BY filings DESC, f.cluster_id LIMIT ?
        """, params + [int(limit)])
    return run(db, f"""
        WITH hit AS (SELECT DISTINCT c.cluster_id FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
                     WHERE {where})
        SELECT c.cluster_id, count(*) AS filings, round(avg(c.similarity), 3) AS similarity,
               string_agg(DISTINCT {PLACE}, '；') AS places,
               string_agg(DISTINCT f.department, '；') AS departments,
               string_agg(DISTINCT f.year::VARCHAR, '；') AS years
        FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
        WHERE c.cluster_id IN (SELECT cluster_id FROM hit)
        GROUP BY c.cluster_id ORDER BY filings DESC, c.cluster_id LIMIT ?
    """, params + [int(limit)])


def copy_cluster_members(db: Path, cluster_id: int) -> pd.DataFrame:
    return run(db, f"""
        SELECT {_filing_columns()}, c.similarity
        FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
        WHERE c.cluster_id = ? ORDER BY c.similarity DESC NULLS LAST, f.filing_id
    """, [int(cluster_id)])


# ----------------------------------------------------------------- one filing

_partitions: dict[tuple, tuple] = {}  # (db, version, filing_id) -> (province, year): fixed for a filing id


_scoped: dict[tuple, bool] = {}  # (db, version) -> has the macros


def _by_partition(db: Path) -> bool:
    """True when `db` reads a lake through views that come with per-partition macros (`jixiao attach`)."""
    key = (str(db), db_version(Path(db)))
    if len(_scoped) > 1000:
        _scoped.clear()
    if key not in _scoped:  # duckdb_functions() lists every function: ~12 ms, so asked once per version
        _scoped[key] = bool(run(db, HAS_MACROS_SQL, [INDICATORS_MACRO])["n"].iloc[0])
    return _scoped[key]


def _partition_of(df: pd.DataFrame) -> dict[str, tuple]:
    return {fid: (prov if pd.notna(prov) else None, int(year) if pd.notna(year) else None)
            for fid, prov, year in df[["filing_id", "province", "year"]].itertuples(index=False)}


def _locate(db: Path, ids: list[str], guess: dict[str, tuple] | None = None) -> dict[str, tuple]:
    """The lake partition (province, year) of each filing id that exists.

    `guess` gives likely partitions (a series' earlier filings are in its province):
    those are confirmed by reading the guessed partitions' filings only. The others
    (and wrong guesses) are looked up across the lake, which reads the filing ids of
    every partition. Partitions are remembered per database version; unknown ids
    are not (they may come later).
    """
    ver = (str(db), db_version(Path(db)))
    if len(_partitions) > 100_000:  # a memo, not a store: keep it bounded
        _partitions.clear()
    found = {i: _partitions[(*ver, i)] for i in ids if (*ver, i) in _partitions}
    todo = [i for i in dict.fromkeys(ids) if i not in found]
    groups: dict[tuple, list[str]] = {}
    for i in todo:
        if guess and i in guess:
            groups.setdefault(guess[i], []).append(i)
    if groups:
        macro = PARTITION_MACRO.format(table="filings")
        sql = " UNION ALL ".join(f"SELECT filing_id, province, year FROM {macro}(?, ?) WHERE filing_id IN ({_in(m)})"
                                 for m in groups.values())
        found |= _partition_of(run(db, sql, [x for (prov, year), m in groups.items() for x in (prov, year, *m)]))
    rest = [i for i in todo if i not in found]
    if rest:
        cond = "filing_id = ?" if len(rest) == 1 else f"filing_id IN ({_in(rest)})"
        found |= _partition_of(run(db, f"SELECT filing_id, province, year FROM filings WHERE {cond}", rest))
    for i in todo:
        if i in found:
            _partitions[(*ver, i)] = found[i]
    return found


EQUALITY_LOOKUPS = 64  # up to this many filings are looked up one equality each (see _many)


def _many(db: Path, table: str, ids: list[str], guess: dict[str, tuple] | None = None) -> tuple[str, list]:
    """A per-filing table narrowed to some filings (FROM-clause text and its parameters).

    On a lake the rows are read from the filings' partitions only (their `_in` macros);
    on a DuckDB file, a plain filter, which its indexes and zone maps serve. `table`
    is one of our own table names.
    """
    if not ids:
        return f"(SELECT * FROM {table} WHERE false)", []
    if not _by_partition(db):
        if len(ids) > EQUALITY_LOOKUPS:
            return f"(SELECT * FROM {table} WHERE filing_id IN ({_in(ids)}))", list(ids)
        # one equality per id: each skips to its rows by min/max, where an IN list reads the table
        # (20 earlier filings' indicators at 1M filings: 18 ms against 54 ms)
        return "(" + " UNION ALL ".join([f"SELECT * FROM {table} WHERE filing_id = ?"] * len(ids)) + ")", list(ids)
    groups: dict[tuple, list[str]] = {}
    for fid, part in _locate(db, ids, guess).items():
        groups.setdefault(part, []).append(fid)
    if not groups:  # none of them is in the lake
        return f"(SELECT * FROM {table} WHERE false)", []
    macro = PARTITION_MACRO.format(table=table)
    sql = " UNION ALL ".join(f"SELECT * FROM {macro}(?, ?) WHERE filing_id IN ({_in(m)})" for m in groups.values())
    return f"({sql})", [x for (prov, year), m in groups.items() for x in (prov, year, *m)]


def _one(db: Path, table: str, filing_id: str) -> tuple[str, list]:
    """A per-filing table narrowed to one filing (see _many)."""
    return _many(db, table, [filing_id])


def _home(db: Path, filing_id: str) -> tuple | None:
    """The filing's partition on a lake (None on a DuckDB file, or for an unknown id)."""
    return _locate(db, [filing_id]).get(filing_id) if _by_partition(db) else None


def find_filings(db: Path, f: Filters, text: str = "", limit: int = 200) -> pd.DataFrame:
    where, params = _where(f)
    extra, cond = [], "TRUE"
    if text:
        cond = """(contains(coalesce(f.project, ''), ?) OR contains(coalesce(f.department, ''), ?)
                   OR contains(coalesce(f.title, ''), ?) OR f.filing_id = ? OR contains(f.source_file, ?))"""
        extra = [text, text, text, text, text]
    return run(db, f"""
        SELECT {_filing_columns(FACT_PLACE)}, f.total_score, f.source_file
        {_fm(db)} WHERE {where} AND {cond}
        ORDER BY f.year DESC NULLS LAST, place, f.department, f.filing_id LIMIT ?
    """, params + extra + [int(limit)])


def filing(db: Path, filing_id: str) -> dict | None:
    fs, fp = _one(db, "filings", filing_id)
    ms, mp = _one(db, "filing_metrics", filing_id)
    df = run(db, f"""
        SELECT f.*, m.score_recomputed, m.inflation, m.exec_rate_computed, m.measurable_share,
               m.vague_count, m.indicator_count, m.deductions, m.deductions_no_reason,
               m.grade_computed, m.finding_count, m.error_count
        FROM {fs} f LEFT JOIN {ms} m ON m.filing_id = f.filing_id
    """, fp + mp)
    return None if df.empty else df.iloc[0].to_dict()


def filing_indicators(db: Path, filing_id: str) -> pd.DataFrame:
    """The filing's table, each row with its findings and reason categories inline.

    The indicator's own number and its place in the source come first, the reason
    right after the scores: what an overseer reads first is visible without scrolling.
    """
    conf = "i.parse_confidence" if _has_column(db, "indicators", "parse_confidence") else "NULL::DOUBLE"
    # Each table is read narrowed to the filing (_one): over a lake, correlated subqueries
    # became joins over every findings file (224 ms at 1M filings).
    ind, ip = _one(db, "indicators", filing_id)
    fnd, fp = _one(db, "findings", filing_id)
    rsn, rp = _one(db, "indicator_reasons", filing_id)
    return run(db, f"""
        WITH x AS (SELECT indicator_seq,
                          string_agg(message, '；' ORDER BY rule) AS findings,
                          count(*) FILTER (WHERE severity = 'error') AS error_count
                   FROM {fnd} WHERE indicator_seq IS NOT NULL GROUP BY indicator_seq),
             r AS (SELECT indicator_seq, string_agg(DISTINCT category, ' ' ORDER BY category) AS categories
                   FROM {rsn} GROUP BY indicator_seq)
        SELECT i.seq,
               coalesce(i.src_where, concat_ws(' ', '第' || i.src_page || '页', i.src_sheet, '第' || i.src_row || '行')) AS src_where,
               i.name, i.target, i.actual, i.weight, i.score, i.reason, {conf} AS parse_confidence,
               x.findings, r.categories, i.level1, i.level2, coalesce(x.error_count, 0) AS error_count
        FROM {ind} i LEFT JOIN x ON x.indicator_seq = i.seq LEFT JOIN r ON r.indicator_seq = i.seq
        ORDER BY i.seq
    """, fp + rp + ip)


def _has_column(db: Path, table: str, column: str) -> bool:
    return bool(run(db, "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                    [table, column])["n"].iloc[0])


def indicator_row(db: Path, filing_id: str, seq: int) -> dict | None:
    """One indicator row as stored, with its source text when the database keeps it (src_text)."""
    raw = "i.src_text" if _has_column(db, "indicators", "src_text") else "NULL::VARCHAR"
    ind, ip = _one(db, "indicators", filing_id)
    df = run(db, f"""
        SELECT i.seq, i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason, i.src_where,
               i.src_page, i.src_sheet, i.src_table, i.src_row, {raw} AS src_text
        FROM {ind} i WHERE i.seq = ?
    """, ip + [int(seq)])
    return None if df.empty else df.iloc[0].to_dict()


def filing_findings(db: Path, filing_id: str) -> pd.DataFrame:
    fnd, fp = _one(db, "findings", filing_id)
    ind, ip = _one(db, "indicators", filing_id)
    return run(db, f"""
        SELECT x.indicator_seq, i.src_where, x.rule, x.family, x.severity, x.message, x.evidence
        FROM {fnd} x LEFT JOIN {ind} i ON i.seq = x.indicator_seq
        ORDER BY x.indicator_seq NULLS FIRST,
                 CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, x.rule
    """, fp + ip)


def filing_sections(db: Path, filing_id: str) -> pd.DataFrame:
    sec, sp = _one(db, "sections", filing_id)
    return run(db, f"SELECT seq, kind, heading, text, src_where FROM {sec} s ORDER BY seq", sp)


def filing_plan(db: Path, filing_id: str) -> pd.DataFrame:
    plan, pp = _one(db, "spending_plan", filing_id)
    return run(db, f"SELECT seq, period, month, value, src_where FROM {plan} p ORDER BY seq", pp)


def filing_clusters(db: Path, filing_id: str) -> pd.DataFrame:
    return run(db, """
        SELECT c.cluster_id, c.similarity, (SELECT count(*) FROM copy_clusters d WHERE d.cluster_id = c.cluster_id) AS filings
        FROM copy_clusters c WHERE c.filing_id = ? ORDER BY c.cluster_id
    """, [filing_id])


# ----------------------------------------------------------------- ingest

def filings_from_sources(db: Path, shas: tuple[str, ...], limit: int = 500) -> pd.DataFrame:
    """The filings read from these source files (by content hash): an upload's new filings."""
    if not shas:
        return pd.DataFrame()
    return run(db, f"""
        SELECT {_filing_columns()}, f.total_score, f.source_file
        FROM filings f WHERE f.source_sha256 IN ({_in(shas)})
        ORDER BY f.source_file, f.part_index LIMIT ?
    """, list(shas) + [int(limit)])


def ingest_log(db: Path, limit: int = 500) -> pd.DataFrame:
    return run(db, """
        SELECT ingested_at, source_file, status, filings, error, seconds, run_id
        FROM ingest_log ORDER BY ingested_at DESC, source_file LIMIT ?
    """, [int(limit)])


# ----------------------------------------------------------------- soft targets and earlier years (etl/link)

HISTORY_COLUMNS = ("seq", "name", "year", "target", "actual", "doc_kind", "filing_id", "source_file", "src_where")


def indicator_history(db: Path, filing_id: str, limit: int = 500) -> pd.DataFrame:
    """Each indicator of the filing in the earlier filings of its series (same department or project,
    same indicator key), latest year first, with the filing to open."""
    # In steps, so every table is read with constants (the series, then the earlier filings' ids):
    # over a lake a join on a computed value read every indicator file (1.2 s at 1M filings).
    me = run(db, "SELECT any_value(series_id) AS series_id, any_value(year) AS year FROM indicator_keys "
                 "WHERE filing_id = ?", [filing_id]).iloc[0]
    if pd.isna(me["series_id"]) or pd.isna(me["year"]):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    series = [me["series_id"], int(me["year"])]
    past = run(db, "SELECT filing_id, any_value(year) AS year FROM indicator_keys WHERE series_id = ? AND year < ? "
                   "GROUP BY filing_id ORDER BY filing_id", series)
    if past.empty:  # most filings: no series, or its first year
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    ids, home = past["filing_id"].tolist(), _home(db, filing_id)
    guess = {fid: (home[0], int(y)) for fid, y in zip(ids, past["year"])} if home else None
    ind, ip = _one(db, "indicators", filing_id)
    pind, pip = _many(db, "indicators", ids, guess)
    pfil, pfp = _many(db, "filings", ids, guess)
    return run(db, f"""
        WITH me AS (SELECT seq, key FROM indicator_keys WHERE filing_id = ?),
             hits AS (SELECT me.seq, p.filing_id, p.seq AS pseq, p.year FROM me
                      JOIN (SELECT * FROM indicator_keys WHERE series_id = ? AND year < ?) p ON p.key = me.key)
        SELECT h.seq, i.name, h.year, pi.target, pi.actual, pf.doc_kind, h.filing_id, pf.source_file,
               coalesce(pi.src_where, '第' || h.pseq || '行') AS src_where
        FROM hits h
        JOIN {ind} i ON i.seq = h.seq
        JOIN {pind} pi ON pi.filing_id = h.filing_id AND pi.seq = h.pseq
        JOIN {pfil} pf ON pf.filing_id = h.filing_id
        ORDER BY h.seq, h.year DESC, pf.doc_kind, h.filing_id LIMIT ?
    """, [filing_id, *series, *ip, *pip, *pfp, int(limit)])


EARLIER_COLUMNS = ("year", "doc_kind", "project", "match", "similarity", "filing_id", "source_file")


def filing_earlier_years(db: Path, filing_id: str) -> pd.DataFrame:
    """The filings of the same department or project a year earlier, and how they were matched."""
    # the earlier filings' ids first, so filings is read by constants (see indicator_history)
    prev = run(db, "SELECT DISTINCT prev_filing_id, prev_year FROM filing_links WHERE filing_id = ? ORDER BY 1",
               [filing_id])
    if prev.empty:
        return pd.DataFrame(columns=EARLIER_COLUMNS)
    home = _home(db, filing_id)
    guess = ({fid: (home[0], int(y) if pd.notna(y) else None) for fid, y in prev.itertuples(index=False)}
             if home else None)
    pfil, pfp = _many(db, "filings", prev["prev_filing_id"].tolist(), guess)
    return run(db, f"""
        SELECT l.prev_year AS year, pf.doc_kind, pf.project, l.match, l.similarity, l.prev_filing_id AS filing_id,
               pf.source_file
        FROM filing_links l JOIN {pfil} pf ON pf.filing_id = l.prev_filing_id
        WHERE l.filing_id = ? ORDER BY pf.doc_kind, l.prev_filing_id
    """, [*pfp, filing_id])


def soft_indices(db: Path, f: Filters, grain: str = "county", limit: int = 200) -> pd.DataFrame:
    """Per county (grain 'county') or department: share of soft targets, money-weighted score inflation
    (self-score minus re-score), share of indicators carried over unchanged from last year.
    Built over all years (table soft_indices); the place and department filters apply."""
    conds, params = ["s.grain = ?"], [grain if grain in ("county", "department") else "county"]
    for col, val in (("province", f.province), ("city", f.city), ("place", f.county), ("department", f.department)):
        if val:
            conds.append(f"s.{col} = ?")
            params.append(val)
    return run(db, f"""
        SELECT s.place, s.department, s.filings, s.judged_rows, s.soft_rows, s.soft_share, s.inflation_index,
               s.money, s.linked_rows, s.carried_share
        FROM soft_indices s WHERE {" AND ".join(conds)}
        ORDER BY s.soft_share DESC NULLS LAST, s.filings DESC, s.place, s.department LIMIT ?
    """, params + [int(limit)])
