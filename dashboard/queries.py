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
from etl.marts import EXEC_RATE, MARTS, MEDIANS_SQL  # EXEC_RATE: B / A when both are known, else the printed rate

USE_CACHE = True  # the benchmark turns this off to time the queries themselves

SELF_EVAL_KINDS = ("project_self_eval", "dept_self_eval", "self_eval_report")

# A readable place label: "株洲市 渌口区", else the province, else unknown.
PLACE = "coalesce(nullif(concat_ws(' ', f.city, f.county), ''), f.province, '（地区未知）')"
FROM_FM = "FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id"

METRIC_SQL = {
    "self_score": "median(f.total_score)",
    "exec_rate": f"median({EXEC_RATE})",
    "vague_share": "sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0)",
    "inflation": "avg(m.inflation)",
    "no_reason_share": "sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0)",
    "findings_per_filing": "avg(coalesce(m.finding_count, 0))",
    "filings": "count(*)::DOUBLE",
}

GROUPS = {"place": PLACE, "year": "f.year::VARCHAR", "department": "coalesce(f.department, '（部门未知）')"}


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
    return run(db, """
        SELECT DISTINCT province, city, county FROM filings
        ORDER BY province NULLS LAST, city NULLS LAST, county NULLS LAST
    """)


def year_options(db: Path) -> list[int]:
    df = run(db, "SELECT DISTINCT year FROM filings WHERE year IS NOT NULL ORDER BY year")
    return [int(y) for y in df["year"]]


def kind_options(db: Path) -> list[str]:
    return list(run(db, "SELECT DISTINCT doc_kind FROM filings ORDER BY doc_kind")["doc_kind"])


def department_options(db: Path, f: Filters) -> list[str]:
    where, params = _where(f.place_only())
    df = run(db, f"""
        SELECT DISTINCT department FROM filings f
        WHERE {where} AND department IS NOT NULL ORDER BY department
    """, params)
    return list(df["department"])


def sample_count(db: Path, f: Filters) -> int:
    where, params = _where(f)
    df = run(db, f"SELECT count(*) FILTER (WHERE f.is_sample) AS n FROM filings f WHERE {where}", params)
    return int(df["n"].iloc[0] or 0)


# ----------------------------------------------------------------- overview

def has_marts(db: Path) -> bool:
    """True when the database carries the marts (built by every ingest since they exist)."""
    df = run(db, f"SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ({_in(MARTS)})", MARTS)
    return int(df["n"].iloc[0]) == len(MARTS)


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
    # counts from the mart, exact medians from each value's count
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
    medians = run(db, MEDIANS_SQL.format(where=where), params)
    out = df.iloc[0].to_dict()
    out.update(medians.iloc[0].to_dict())
    return out


def findings_by_family_severity(db: Path, f: Filters) -> pd.DataFrame:
    where, params = _where(f)
    if has_marts(db):
        return run(db, f"""
            SELECT f.family, f.severity, sum(f.n)::BIGINT AS n FROM mart_findings f
            WHERE {where} GROUP BY ALL ORDER BY n DESC
        """, params)
    return run(db, f"""
        SELECT x.family, x.severity, count(*) AS n
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        WHERE {where}
        GROUP BY ALL ORDER BY n DESC
    """, params)


def _filing_columns() -> str:
    return f"""f.filing_id, {PLACE} AS place, f.department, coalesce(f.project, f.title) AS project,
               f.year, f.doc_kind"""


def worst_filings(db: Path, f: Filters, limit: int = 20) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {_filing_columns()}, f.total_score, m.score_recomputed, m.inflation,
               coalesce(m.error_count, 0) AS error_count, coalesce(m.finding_count, 0) AS finding_count
        {FROM_FM} WHERE {where}
        ORDER BY error_count DESC, finding_count DESC, m.inflation DESC NULLS LAST, f.filing_id
        LIMIT ?
    """, params + [int(limit)])


# ----------------------------------------------------------------- scores

def score_histogram(db: Path, f: Filters, width: float = 5.0) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT least(floor(f.total_score / ?) * ?, 100 - ?) AS lo, count(*) AS n
        FROM filings f WHERE {where} AND f.total_score IS NOT NULL
        GROUP BY lo ORDER BY lo
    """, [width, width, width] + params)


def score_box(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    """Quartiles of the self-score per group, computed in the database (not per point)."""
    group = GROUPS[by]
    where, params = _where(f)
    return run(db, f"""
        SELECT {group} AS grp, count(*) AS n,
               min(f.total_score) AS lo, quantile_cont(f.total_score, 0.25) AS q1,
               median(f.total_score) AS q2, quantile_cont(f.total_score, 0.75) AS q3,
               max(f.total_score) AS hi
        FROM filings f WHERE {where} AND f.total_score IS NOT NULL
        GROUP BY grp ORDER BY n DESC, grp LIMIT ?
    """, params + [int(top)])


GRADE_BAND = """CASE WHEN {c} >= 90 THEN '优' WHEN {c} >= 80 THEN '良'
                     WHEN {c} >= 60 THEN '中' WHEN {c} IS NOT NULL THEN '差' END"""


def grade_bands(db: Path, f: Filters) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT grade, sum(self_n) AS self_n, sum(recomputed_n) AS recomputed_n FROM (
            SELECT {GRADE_BAND.format(c='f.total_score')} AS grade, 1 AS self_n, 0 AS recomputed_n
            {FROM_FM} WHERE {where} AND f.total_score IS NOT NULL
            UNION ALL
            SELECT {GRADE_BAND.format(c='m.score_recomputed')}, 0, 1
            {FROM_FM} WHERE {where} AND m.score_recomputed IS NOT NULL
        ) GROUP BY grade
    """, params + params)


def score_vs_recomputed(db: Path, f: Filters, limit: int = 3000) -> pd.DataFrame:
    """A stable pseudo-random sample (by filing_id hash) so the scatter stays light."""
    where, params = _where(f)
    return run(db, f"""
        SELECT f.filing_id, {PLACE} AS place, f.department, f.year, f.total_score, m.score_recomputed, m.inflation
        {FROM_FM} WHERE {where} AND f.total_score IS NOT NULL AND m.score_recomputed IS NOT NULL
        ORDER BY hash(f.filing_id) LIMIT ?
    """, params + [int(limit)])


def inflation_summary(db: Path, f: Filters) -> dict:
    where, params = _where(f)
    df = run(db, f"""
        SELECT count(*) AS n, avg(m.inflation) AS mean_inflation,
               count(*) FILTER (WHERE m.inflation >= 10) AS inflated_10
        {FROM_FM} WHERE {where} AND m.inflation IS NOT NULL
    """, params)
    return df.iloc[0].to_dict()


def most_inflated(db: Path, f: Filters, limit: int = 50) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {_filing_columns()}, f.total_score, m.score_recomputed, m.inflation
        {FROM_FM} WHERE {where} AND m.inflation IS NOT NULL
        ORDER BY m.inflation DESC, f.filing_id LIMIT ?
    """, params + [int(limit)])


def filings_by_score(db: Path, f: Filters, lo: float, hi: float, limit: int = 500) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {_filing_columns()}, f.total_score, m.score_recomputed, m.inflation
        {FROM_FM} WHERE {where} AND f.total_score >= ? AND f.total_score < ?
        ORDER BY f.total_score, f.filing_id LIMIT ?
    """, params + [float(lo), float(hi), int(limit)])


# ----------------------------------------------------------------- execution

def exec_histogram(db: Path, f: Filters) -> pd.DataFrame:
    """Counts per 5-point band of the execution rate, rates above 150 % in the last band."""
    where, params = _where(f)
    return run(db, f"""
        SELECT least(floor(r * 20) / 20, 1.5) AS lo, count(*) AS n FROM (
            SELECT {EXEC_RATE} AS r {FROM_FM} WHERE {where}
        ) WHERE r IS NOT NULL AND r >= 0 GROUP BY lo ORDER BY lo
    """, params)


def exec_below(db: Path, f: Filters, threshold: float, limit: int = 500) -> tuple[pd.DataFrame, int]:
    where, params = _where(f)
    df = run(db, f"""
        SELECT {_filing_columns()}, f.budget_adjusted, f.budget_executed, {EXEC_RATE} AS exec_rate,
               count(*) OVER () AS total
        {FROM_FM} WHERE {where} AND {EXEC_RATE} < ?
        ORDER BY exec_rate, f.filing_id LIMIT ?
    """, params + [float(threshold), int(limit)])
    total = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns="total"), total


def budget_vs_exec(db: Path, f: Filters, limit: int = 3000) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT f.filing_id, {PLACE} AS place, f.department, f.year, f.budget_adjusted, {EXEC_RATE} AS exec_rate
        {FROM_FM} WHERE {where} AND f.budget_adjusted > 0 AND {EXEC_RATE} IS NOT NULL
        ORDER BY hash(f.filing_id) LIMIT ?
    """, params + [int(limit)])


def exec_by_place_year(db: Path, f: Filters, top: int = 40) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        WITH x AS (SELECT {PLACE} AS place, f.year, {EXEC_RATE} AS r {FROM_FM}
                   WHERE {where} AND f.year IS NOT NULL),
             top AS (SELECT place FROM x WHERE r IS NOT NULL GROUP BY place ORDER BY count(*) DESC, place LIMIT ?)
        SELECT place, year, median(r) AS exec_rate, count(r) AS n
        FROM x WHERE place IN (SELECT place FROM top) AND r IS NOT NULL
        GROUP BY place, year ORDER BY place, year
    """, params + [int(top)])


# ----------------------------------------------------------------- reasons

def reason_summary(db: Path, f: Filters) -> dict:
    where, params = _where(f)
    df = run(db, f"""
        SELECT sum(m.deductions) AS deductions, sum(m.deductions_no_reason) AS no_reason,
               sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS share
        {FROM_FM} WHERE {where}
    """, params)
    return df.iloc[0].to_dict()


def no_reason_by_group(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {GROUPS[by]} AS grp, sum(m.deductions) AS deductions, sum(m.deductions_no_reason) AS no_reason,
               sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS share
        {FROM_FM} WHERE {where} AND m.deductions > 0
        GROUP BY grp ORDER BY deductions DESC, grp LIMIT ?
    """, params + [int(top)])


def reason_categories(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        WITH x AS (SELECT {GROUPS[by]} AS grp, r.category
                   FROM indicator_reasons r JOIN filings f ON f.filing_id = r.filing_id WHERE {where}),
             top AS (SELECT grp FROM x GROUP BY grp ORDER BY count(*) DESC, grp LIMIT ?)
        SELECT grp, category, count(*) AS n FROM x WHERE grp IN (SELECT grp FROM top)
        GROUP BY grp, category ORDER BY grp, category
    """, params + [int(top)])


def reason_search(db: Path, f: Filters, text: str, categories: tuple[str, ...] = (), limit: int = 500) -> tuple[pd.DataFrame, int]:
    where, params = _where(f)
    conds, extra = ["TRUE"], []
    if text:
        # literal match (no LIKE wildcards); case only matters for Latin letters, and lower() on
        # every reason costs more than the search itself
        conds.append("contains(lower(i.reason), lower(?))" if re.search(r"[A-Za-z]", text) else "contains(i.reason, ?)")
        extra.append(text)
    if categories:
        conds.append(f"""(i.filing_id, i.seq) IN (SELECT r.filing_id, r.indicator_seq FROM indicator_reasons r
                          WHERE r.category IN ({_in(categories)}))""")
        extra += list(categories)
    # One pass: the total rides along as a window count, the cut is taken before the
    # categories of the rows shown are joined in.
    df = run(db, f"""
        WITH hit AS (
            SELECT i.filing_id, f.year, i.seq, i.reason, count(*) OVER () AS total
            FROM reason_texts i JOIN filings f ON f.filing_id = i.filing_id
            WHERE {where} AND {' AND '.join(conds)}
            ORDER BY f.year DESC, i.filing_id, i.seq LIMIT ?
        ), shown AS (  -- names, places and scores for the rows shown only
            SELECT hit.filing_id, {PLACE} AS place, f.department, hit.year, hit.seq, ind.name, ind.weight, ind.score,
                   hit.reason, hit.total
            FROM hit JOIN filings f ON f.filing_id = hit.filing_id
            JOIN indicators ind ON ind.filing_id = hit.filing_id AND ind.seq = hit.seq
        ), cats AS (
            SELECT r.filing_id, r.indicator_seq, string_agg(DISTINCT r.category, ' ' ORDER BY r.category) AS categories
            FROM indicator_reasons r JOIN shown ON r.filing_id = shown.filing_id AND r.indicator_seq = shown.seq
            GROUP BY r.filing_id, r.indicator_seq
        )
        SELECT shown.* EXCLUDE (total), cats.categories, shown.total
        FROM shown LEFT JOIN cats ON cats.filing_id = shown.filing_id AND cats.indicator_seq = shown.seq
        ORDER BY shown.year DESC, shown.filing_id, shown.seq
    """, params + extra + [int(limit)])
    total = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns=["total"]), total


def reason_texts(db: Path, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Distinct reason texts with how often each occurs (boilerplate repeats: tokenise each once)."""
    where, params = _where(f)
    return run(db, f"""
        SELECT i.reason, count(*) AS n FROM reason_texts i JOIN filings f ON f.filing_id = i.filing_id
        WHERE {where} AND length(i.reason) > 1
        GROUP BY i.reason ORDER BY n DESC, i.reason LIMIT ?
    """, params + [int(limit)])


# ----------------------------------------------------------------- comparison

def metric_matrix(db: Path, f: Filters, metric: str, top: int = 40) -> pd.DataFrame:
    """The metric per place and year, with the change against the place's previous year."""
    where, params = _where(f)
    return run(db, f"""
        WITH top AS (SELECT {PLACE} AS place {FROM_FM} WHERE {where}
                     GROUP BY place ORDER BY count(*) DESC, place LIMIT ?),
             g AS (SELECT {PLACE} AS place, f.year, {METRIC_SQL[metric]} AS value, count(*) AS n
                   {FROM_FM} WHERE {where} AND f.year IS NOT NULL GROUP BY place, f.year)
        SELECT place, year, value, n,
               value - lag(value) OVER (PARTITION BY place ORDER BY year) AS change
        FROM g WHERE place IN (SELECT place FROM top) ORDER BY place, year
    """, params + [int(top)] + params)


def metric_vs_peers(db: Path, f: Filters, metric: str, top: int = 60) -> pd.DataFrame:
    """Each place's metric against P25 / P50 / P75 of the places in the same province."""
    where, params = _where(f)
    return run(db, f"""
        WITH g AS (SELECT coalesce(f.province, '（省份未知）') AS province, {PLACE} AS place,
                          {METRIC_SQL[metric]} AS value, count(*) AS n
                   {FROM_FM} WHERE {where} GROUP BY ALL),
             q AS (SELECT *, quantile_cont(value, 0.25) OVER w AS p25, quantile_cont(value, 0.5) OVER w AS p50,
                          quantile_cont(value, 0.75) OVER w AS p75, count(*) OVER w AS peers
                   FROM g WINDOW w AS (PARTITION BY province))
        SELECT * FROM q ORDER BY n DESC, place LIMIT ?
    """, params + [int(top)])


def department_across_places(db: Path, f: Filters, pattern: str, metric: str, top: int = 60) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {PLACE} AS place, string_agg(DISTINCT f.department, '；') AS departments,
               {METRIC_SQL[metric]} AS value, count(*) AS n
        {FROM_FM} WHERE {where} AND contains(f.department, ?)
        GROUP BY place ORDER BY value DESC NULLS LAST, place LIMIT ?
    """, params + [pattern, int(top)])


# ----------------------------------------------------------------- indicator quality

def vague_by_group(db: Path, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT {GROUPS[by]} AS grp, sum(m.vague_count) AS vague_count, sum(m.indicator_count) AS indicator_count,
               sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS share
        {FROM_FM} WHERE {where} AND m.indicator_count > 0
        GROUP BY grp ORDER BY indicator_count DESC, grp LIMIT ?
    """, params + [int(top)])


def vague_phrases(db: Path, f: Filters, limit: int = 30) -> pd.DataFrame:
    """The texts that vague-indicator findings point at (the finding's evidence, else the target)."""
    where, params = _where(f)
    return run(db, f"""
        WITH v AS (SELECT x.filing_id, x.indicator_seq, nullif(trim(x.evidence), '') AS phrase
                   FROM findings x JOIN filings f ON f.filing_id = x.filing_id
                   WHERE {where} AND x.family = 'vague'),
             p AS (SELECT phrase FROM v WHERE phrase IS NOT NULL
                   UNION ALL  -- no evidence: the indicator's target (a join for those rows only)
                   SELECT i.target FROM v JOIN indicators i ON i.filing_id = v.filing_id AND i.seq = v.indicator_seq
                   WHERE v.phrase IS NULL)
        SELECT phrase, count(*) AS n FROM p WHERE phrase IS NOT NULL
        GROUP BY phrase ORDER BY n DESC, phrase LIMIT ?
    """, params + [int(limit)])


def finding_rules(db: Path, f: Filters) -> pd.DataFrame:
    where, params = _where(f)
    return run(db, f"""
        SELECT x.rule, x.family, count(*) AS n FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        WHERE {where} GROUP BY ALL ORDER BY n DESC, x.rule
    """, params)


def findings_list(db: Path, f: Filters, families=(), severities=(), rules=(), text: str = "",
                  limit: int = 1000) -> tuple[pd.DataFrame, int]:
    where, params = _where(f)
    conds, extra = [], []
    for col, vals in (("family", families), ("severity", severities), ("rule", rules)):
        if vals:
            conds.append(f"x.{col} IN ({_in(vals)})")
            extra += list(vals)
    if text:
        conds.append("(contains(x.message, ?) OR contains(coalesce(x.evidence, ''), ?))")
        extra += [text, text]
    cond = " AND ".join(conds) or "TRUE"
    # Filings are joined for the filter only when there is one; places and names are fetched
    # for the rows shown only, after ordering and cutting.
    source = "findings x" if where == "TRUE" else "findings x JOIN filings f ON f.filing_id = x.filing_id"
    hits = f"FROM {source} WHERE {where} AND {cond}"
    total = int(run(db, f"SELECT count(*) AS n {hits}", params + extra)["n"].iloc[0])
    df = run(db, f"""
        WITH hit AS (SELECT x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence,
                            CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END AS sev_order
                     {hits} ORDER BY sev_order, x.filing_id, x.indicator_seq NULLS FIRST, x.rule LIMIT ?)
        SELECT hit.filing_id, {PLACE} AS place, f.department, f.year, hit.indicator_seq, i.name,
               hit.rule, hit.family, hit.severity, hit.message, hit.evidence
        FROM hit JOIN filings f ON f.filing_id = hit.filing_id
        LEFT JOIN indicators i ON i.filing_id = hit.filing_id AND i.seq = hit.indicator_seq
        ORDER BY hit.sev_order, hit.filing_id, hit.indicator_seq NULLS FIRST, hit.rule
    """, params + extra + [int(limit)])
    return df, total


def copy_clusters(db: Path, f: Filters, limit: int = 200) -> pd.DataFrame:
    """Clusters with at least one member inside the filter, described by all their members."""
    where, params = _where(f)
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

def find_filings(db: Path, f: Filters, text: str = "", limit: int = 200) -> pd.DataFrame:
    where, params = _where(f)
    extra, cond = [], "TRUE"
    if text:
        cond = """(contains(coalesce(f.project, ''), ?) OR contains(coalesce(f.department, ''), ?)
                   OR contains(coalesce(f.title, ''), ?) OR f.filing_id = ? OR contains(f.source_file, ?))"""
        extra = [text, text, text, text, text]
    return run(db, f"""
        SELECT {_filing_columns()}, f.total_score, f.source_file
        FROM filings f WHERE {where} AND {cond}
        ORDER BY f.year DESC NULLS LAST, place, f.department, f.filing_id LIMIT ?
    """, params + extra + [int(limit)])


def filing(db: Path, filing_id: str) -> dict | None:
    df = run(db, """
        SELECT f.*, m.score_recomputed, m.inflation, m.exec_rate_computed, m.measurable_share,
               m.vague_count, m.indicator_count, m.deductions, m.deductions_no_reason,
               m.grade_computed, m.finding_count, m.error_count
        FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id
        WHERE f.filing_id = ?
    """, [filing_id])
    return None if df.empty else df.iloc[0].to_dict()


def filing_indicators(db: Path, filing_id: str) -> pd.DataFrame:
    """The filing's table, each row with its findings and reason categories inline."""
    return run(db, """
        SELECT i.seq, i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason,
               (SELECT string_agg(DISTINCT r.category, ' ' ORDER BY r.category) FROM indicator_reasons r
                 WHERE r.filing_id = i.filing_id AND r.indicator_seq = i.seq) AS categories,
               (SELECT string_agg(x.message, '；' ORDER BY x.rule) FROM findings x
                 WHERE x.filing_id = i.filing_id AND x.indicator_seq = i.seq) AS findings,
               (SELECT count(*) FILTER (WHERE x.severity = 'error') FROM findings x
                 WHERE x.filing_id = i.filing_id AND x.indicator_seq = i.seq) AS error_count,
               coalesce(i.src_where, concat_ws(' ', 'page ' || i.src_page, i.src_sheet, 'row ' || i.src_row)) AS src_where
        FROM indicators i WHERE i.filing_id = ? ORDER BY i.seq
    """, [filing_id])


def filing_findings(db: Path, filing_id: str) -> pd.DataFrame:
    return run(db, """
        SELECT x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence
        FROM findings x WHERE x.filing_id = ?
        ORDER BY x.indicator_seq NULLS FIRST,
                 CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, x.rule
    """, [filing_id])


def filing_sections(db: Path, filing_id: str) -> pd.DataFrame:
    return run(db, "SELECT seq, kind, heading, text, src_where FROM sections WHERE filing_id = ? ORDER BY seq",
               [filing_id])


def filing_plan(db: Path, filing_id: str) -> pd.DataFrame:
    return run(db, "SELECT seq, period, month, value, src_where FROM spending_plan WHERE filing_id = ? ORDER BY seq",
               [filing_id])


def filing_clusters(db: Path, filing_id: str) -> pd.DataFrame:
    return run(db, """
        SELECT c.cluster_id, c.similarity, (SELECT count(*) FROM copy_clusters d WHERE d.cluster_id = c.cluster_id) AS filings
        FROM copy_clusters c WHERE c.filing_id = ? ORDER BY c.cluster_id
    """, [filing_id])


# ----------------------------------------------------------------- ingest

def ingest_log(db: Path, limit: int = 500) -> pd.DataFrame:
    return run(db, """
        SELECT ingested_at, source_file, status, filings, error, seconds, run_id
        FROM ingest_log ORDER BY ingested_at DESC, source_file LIMIT ?
    """, [int(limit)])
