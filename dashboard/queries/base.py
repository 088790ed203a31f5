"""The dashboard's queries over a DuckDB file without marts: every figure from the base tables.

This is the reference every other storage answers as (tests/test_marts.py holds them
to the same rows). A file with marts (marts.py) and an attached lake (lake.py)
subclass it and replace only the queries their storage answers faster.

Values always travel as parameters; the only text spliced into SQL is our own
(column names and expressions picked from fixed dictionaries below).
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import pandas as pd

from dashboard.filtering import Filters
from dashboard.queries import running
from etl.check.registry import FAMILIES
from etl.lexicon import function_of
from etl.marts import FACT_METRIC_SQL, FACT_PLACE, FINDING_KEY, MART_SQL, on_facts
from etl.measures import (COUNTY_KEY, EXEC_RATE, FAMILY_RATE, FROM_FM, GRADE_BAND, PHRASE, PLACE, PROBLEMS, SCORECARD,
                          SOFT_SHARE, unverified_sql)

SELF_EVAL_KINDS = ("project_self_eval", "dept_self_eval", "self_eval_report")

GROUPS = {"place": PLACE, "year": "f.year::VARCHAR", "department": "coalesce(f.department, '（部门未知）')"}
MART_GROUPS = {**GROUPS, "place": "f.place"}  # over mart_facts and the group marts, which carry the place label
FOCUS_UNIT_SQL = {"place": "f.place", "department": "coalesce(f.department, '（部门未知）')"}  # over mart_facts f
PEER_SCOPE_SQL = {
    "city": "p.province IS NOT DISTINCT FROM fy.province AND p.city IS NOT DISTINCT FROM fy.city",
    "province": "p.province IS NOT DISTINCT FROM fy.province",
    "all": "TRUE",
}
HISTORY_COLUMNS = ("seq", "name", "year", "target", "actual", "doc_kind", "filing_id", "source_file", "src_where")
EARLIER_COLUMNS = ("year", "doc_kind", "project", "match", "similarity", "filing_id", "source_file")
# a finding 待核实: on a row read with little confidence, possibly a reading error (etl/review)
UNVERIFIED_STATUS = "CASE WHEN {c} THEN '待核实' ELSE '' END AS verify"
VERSION_COLUMNS = ("replaced_at", "version_change", "source_file", "replaced_by_file", "filings", "old_filing_id",
                   "budget_adjusted", "budget_executed", "total_score", "indicators", "first_ingested_at", "sha256")
EQUALITY_LOOKUPS = 64  # up to this many filings are looked up one equality each (see FileQueries.many)


def where(f: Filters, alias: str = "f") -> tuple[str, list]:
    """The sidebar's filters as a condition over a relation with the filter columns (alias `alias`).
    A published filing superseded by a structured import of the same project is never counted: the
    project is shown once, as the import (etl/structured/twins.py)."""
    conds, params = [f"{alias}.superseded IS NOT TRUE"], []
    for col, val in (("province", f.province), ("city", f.city), ("county", f.county), ("department", f.department)):
        if val:
            conds.append(f"{alias}.{col} = ?")
            params.append(val)
    if f.years:
        conds.append(f"{alias}.year IN ({marks(f.years)})")
        params += [int(y) for y in f.years]
    if f.kinds:
        conds.append(f"{alias}.doc_kind IN ({marks(f.kinds)})")
        params += list(f.kinds)
    if f.sources:
        conds.append(f"coalesce({alias}.source_kind, 'document') IN ({marks(f.sources)})")
        params += list(f.sources)
    return (" AND ".join(conds) or "TRUE"), params


def marks(values) -> str:
    """One parameter mark per value, for an IN list."""
    return ", ".join("?" * len(values))


def filing_columns(place: str = PLACE) -> str:
    return f"""f.filing_id, {place} AS place, f.department, coalesce(f.project, f.title) AS project,
               f.year, f.doc_kind, coalesce(f.source_kind, 'document') AS source_kind"""


def peer_filters(f: Filters) -> Filters:
    """Peers ignore the place filter (choosing a county must not remove the others); years, kinds, sources stay."""
    return Filters(years=f.years, kinds=f.kinds, sources=f.sources)


class FileQueries:
    """Queries over the base tables (filings, findings, …), for a DuckDB file without marts."""

    has_marts = False
    storage = "DuckDB 文件（无汇总表）"

    def __init__(self, db: Path | str, lake: str | None = None):
        self.db = Path(db)
        self.lake = lake  # the Parquet lake the file reads through views (`jixiao attach`), else None

    def run(self, sql: str, params: list | tuple = (), cache: bool = True) -> pd.DataFrame:
        return running.run(self.db, sql, params, cache=cache)

    # ------------------------------------------------------------- relations

    def facts(self) -> str:
        """Filings with their metrics (alias f): the SQL of mart_facts run over the base tables."""
        return f"FROM ({MART_SQL['mart_facts']}) f"

    def rows(self, mart: str) -> str:
        """A per-row mart (its rows carry their filing's filter columns) computed from the base tables."""
        return f"({MART_SQL[mart]})"

    def filter_values(self) -> str:
        """A relation with the filter columns (province … department) holding every combination that has filings."""
        return "filings"

    # ------------------------------------------------------------- what the database holds

    def has_column(self, table: str, column: str) -> bool:
        return bool(self.run("SELECT count(*) AS n FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                             [table, column])["n"].iloc[0])

    @cached_property
    def has_confidence(self) -> bool:
        """Whether filings carry parse_confidence (older files do not); the explorer works with and without it."""
        return self.has_column("filings", "parse_confidence")

    def attached_lake(self) -> str | None:
        """The Parquet lake this file reads through views (`jixiao attach`), else None.
        Uploads cannot be written into such a file: the lake is written by `ingest --engine ray`."""
        return self.lake

    # ------------------------------------------------------------- filters

    def place_options(self) -> pd.DataFrame:
        return self.run(f"""
            SELECT DISTINCT province, city, county FROM {self.filter_values()}
            ORDER BY province NULLS LAST, city NULLS LAST, county NULLS LAST
        """)

    def place_labels(self, f: Filters | None = None) -> list[str]:
        """The place labels as shown in tables ("株洲市 攸县"), for choosing several places at once; with `f`,
        those inside its place filter (the sidebar's)."""
        cond, params = where((f or Filters()).place_only())
        return list(self.run(f"SELECT DISTINCT {PLACE} AS place FROM {self.filter_values()} f WHERE {cond} "
                             "ORDER BY place", params)["place"])

    def year_options(self) -> list[int]:
        df = self.run(f"SELECT DISTINCT year FROM {self.filter_values()} WHERE year IS NOT NULL ORDER BY year")
        return [int(y) for y in df["year"]]

    def kind_options(self) -> list[str]:
        return list(self.run(f"SELECT DISTINCT doc_kind FROM {self.filter_values()} ORDER BY doc_kind")["doc_kind"])

    def source_options(self) -> list[str]:
        """The source kinds the database holds (structured: 系统导出, document: 公开文件)."""
        return list(self.run(f"""SELECT DISTINCT coalesce(source_kind, 'document') AS s FROM {self.filter_values()}
                                 ORDER BY s DESC""")["s"])

    def source_counts(self, f: Filters) -> dict[str, int]:
        """Filings per source kind under the filters (each project once: superseded copies left out)."""
        cond, params = where(f)
        count = "sum(f.filings)" if self.has_marts else "count(*)"
        df = self.run(f"""SELECT coalesce(f.source_kind, 'document') AS s, {count} AS n FROM {self.filter_values()} f
                          WHERE {cond} GROUP BY 1 ORDER BY 1 DESC""", params)
        return {s: int(n) for s, n in df.itertuples(index=False)}

    def department_options(self, f: Filters) -> list[str]:
        cond, params = where(f.place_only())
        df = self.run(f"""
            SELECT DISTINCT department FROM {self.filter_values()} f
            WHERE {cond} AND department IS NOT NULL ORDER BY department
        """, params)
        return list(df["department"])

    def sample_count(self, f: Filters) -> int:
        cond, params = where(f)
        df = self.run(f"SELECT count(*) FILTER (WHERE f.is_sample) AS n FROM filings f WHERE {cond}", params)
        return int(df["n"].iloc[0] or 0)

    # ------------------------------------------------------------- overview

    def overview_counts(self, f: Filters) -> dict:
        cond, params = where(f)
        df = self.run(f"""
            SELECT count(*) AS filings,
                   count(DISTINCT f.department) AS departments,
                   count(DISTINCT CASE WHEN f.county IS NOT NULL THEN {COUNTY_KEY} END) AS counties,
                   count(DISTINCT f.year) AS years,
                   median(f.total_score) AS median_score,
                   median({EXEC_RATE}) AS median_exec_rate,
                   sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS vague_share,
                   sum(m.indicator_count) AS indicators,
                   count(*) FILTER (WHERE f.is_sample) AS sample_filings
            {FROM_FM} WHERE {cond}
        """, params)
        return df.iloc[0].to_dict()

    def findings_by_family_severity(self, f: Filters) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT x.family, x.severity, count(*) AS n
            FROM findings x JOIN filings f ON f.filing_id = x.filing_id
            WHERE {cond}
            GROUP BY ALL ORDER BY n DESC, x.family, x.severity
        """, params)

    def worst_filings(self, f: Filters, limit: int = 20) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT {filing_columns(FACT_PLACE)}, f.total_score, f.score_recomputed, f.inflation,
                   coalesce(f.error_count, 0) AS error_count, coalesce(f.finding_count, 0) AS finding_count
            {self.facts()} WHERE {cond}
            ORDER BY error_count DESC, finding_count DESC, f.inflation DESC NULLS LAST, f.filing_id
            LIMIT ?
        """, params + [int(limit)])

    # ------------------------------------------------------------- scores

    def score_histogram(self, f: Filters, width: float = 5.0) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT least(floor(f.total_score / ?) * ?, 100 - ?) AS lo, count(*) AS n
            {self.facts()} WHERE {cond} AND f.total_score IS NOT NULL
            GROUP BY lo ORDER BY lo
        """, [width, width, width] + params)

    def score_box(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        """Quartiles of the self-score per group, computed in the database (not per point)."""
        cond, params = where(f)
        # the three quartiles from one aggregate (one copy of each group's values, sorted once)
        return self.run(f"""
            SELECT grp, n, lo, q[1] AS q1, q[2] AS q2, q[3] AS q3, hi FROM (
                SELECT {MART_GROUPS[by]} AS grp, count(*) AS n, min(f.total_score) AS lo,
                       quantile_cont(f.total_score, [0.25, 0.5, 0.75]) AS q, max(f.total_score) AS hi
                {self.facts()} WHERE {cond} AND f.total_score IS NOT NULL
                GROUP BY grp ORDER BY n DESC, grp LIMIT ?)
            ORDER BY n DESC, grp
        """, params + [int(top)])

    def grade_bands(self, f: Filters) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT grade, sum(self_n) AS self_n, sum(recomputed_n) AS recomputed_n FROM (
                SELECT {GRADE_BAND.format(c='f.total_score')} AS grade, 1 AS self_n, 0 AS recomputed_n
                {self.facts()} WHERE {cond} AND f.total_score IS NOT NULL
                UNION ALL
                SELECT {GRADE_BAND.format(c='f.score_recomputed')}, 0, 1
                {self.facts()} WHERE {cond} AND f.score_recomputed IS NOT NULL
            ) GROUP BY grade
        """, params + params)

    def score_vs_recomputed(self, f: Filters, limit: int = 3000) -> pd.DataFrame:
        """A stable pseudo-random sample (by filing_id hash) so the scatter stays light."""
        cond, params = where(f)
        return self.run(f"""
            SELECT f.filing_id, f.place, f.department, f.year, f.total_score, f.score_recomputed, f.inflation
            {self.facts()} WHERE {cond} AND f.total_score IS NOT NULL AND f.score_recomputed IS NOT NULL
            ORDER BY f.sample_key LIMIT ?
        """, params + [int(limit)])

    def inflation_summary(self, f: Filters) -> dict:
        cond, params = where(f)
        df = self.run(f"""
            SELECT count(*) AS n, avg(f.inflation) AS mean_inflation,
                   count(*) FILTER (WHERE f.inflation >= 10) AS inflated_10
            {self.facts()} WHERE {cond} AND f.inflation IS NOT NULL
        """, params)
        return df.iloc[0].to_dict()

    def most_inflated(self, f: Filters, limit: int = 50) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT {filing_columns(FACT_PLACE)}, f.total_score, f.score_recomputed, f.inflation
            {self.facts()} WHERE {cond} AND f.inflation IS NOT NULL
            ORDER BY f.inflation DESC, f.filing_id LIMIT ?
        """, params + [int(limit)])

    def filings_by_score(self, f: Filters, lo: float, hi: float, limit: int = 500) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT {filing_columns(FACT_PLACE)}, f.total_score, f.score_recomputed, f.inflation
            {self.facts()} WHERE {cond} AND f.total_score >= ? AND f.total_score < ?
            ORDER BY f.total_score, f.filing_id LIMIT ?
        """, params + [float(lo), float(hi), int(limit)])

    # ------------------------------------------------------------- execution

    def exec_histogram(self, f: Filters) -> pd.DataFrame:
        """Counts per 5-point band of the execution rate, rates above 150 % in the last band."""
        cond, params = where(f)
        return self.run(f"""
            SELECT least(floor(r * 20) / 20, 1.5) AS lo, count(*) AS n FROM (
                SELECT f.exec_rate AS r {self.facts()} WHERE {cond}
            ) WHERE r IS NOT NULL AND r >= 0 GROUP BY lo ORDER BY lo
        """, params)

    def exec_below_sql(self, f: Filters, threshold: float, limit: int | None = None) -> tuple[str, list]:
        cond, params = where(f)
        cut = "LIMIT ?" if limit is not None else ""
        return f"""
            SELECT {filing_columns(FACT_PLACE)}, f.budget_adjusted, f.budget_executed, f.exec_rate AS exec_rate
            {self.facts()} WHERE {cond} AND f.exec_rate < ?
            ORDER BY exec_rate, f.filing_id {cut}
        """, params + [float(threshold)] + ([int(limit)] if limit is not None else [])

    def exec_below(self, f: Filters, threshold: float, limit: int = 500) -> tuple[pd.DataFrame, int]:
        # counted apart: a window count over every match would keep all of them in memory for a page of 500
        cond, params = where(f)
        total = self.run(f"SELECT count(*) AS n {self.facts()} WHERE {cond} AND f.exec_rate < ?",
                         params + [float(threshold)])
        return self.run(*self.exec_below_sql(f, threshold, limit)), int(total["n"].iloc[0])

    def budget_vs_exec(self, f: Filters, limit: int = 3000) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT f.filing_id, f.place, f.department, f.year, f.budget_adjusted, f.exec_rate AS exec_rate
            {self.facts()} WHERE {cond} AND f.budget_adjusted > 0 AND f.exec_rate IS NOT NULL
            ORDER BY f.sample_key LIMIT ?
        """, params + [int(limit)])

    def exec_by_place_year(self, f: Filters, top: int = 40) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            WITH x AS (SELECT f.place, f.year, f.exec_rate AS r {self.facts()}
                       WHERE {cond} AND f.year IS NOT NULL),
                 top AS (SELECT place FROM x WHERE r IS NOT NULL GROUP BY place ORDER BY count(*) DESC, place LIMIT ?)
            SELECT place, year, median(r) AS exec_rate, count(r) AS n
            FROM x WHERE place IN (SELECT place FROM top) AND r IS NOT NULL
            GROUP BY place, year ORDER BY place, year
        """, params + [int(top)])

    # ------------------------------------------------------------- reasons

    def reason_summary(self, f: Filters) -> dict:
        cond, params = where(f)
        df = self.run(f"""
            SELECT sum(m.deductions) AS deductions, sum(m.deductions_no_reason) AS no_reason,
                   sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS share
            {FROM_FM} WHERE {cond}
        """, params)
        return df.iloc[0].to_dict()

    def no_reason_by_group(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT {GROUPS[by]} AS grp, sum(m.deductions) AS deductions, sum(m.deductions_no_reason) AS no_reason,
                   sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS share
            {FROM_FM} WHERE {cond} AND m.deductions > 0
            GROUP BY grp ORDER BY deductions DESC, grp LIMIT ?
        """, params + [int(top)])

    def reason_categories(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            WITH x AS (SELECT {GROUPS[by]} AS grp, r.category
                       FROM indicator_reasons r JOIN filings f ON f.filing_id = r.filing_id WHERE {cond}),
                 top AS (SELECT grp FROM x GROUP BY grp ORDER BY count(*) DESC, grp LIMIT ?)
            SELECT grp, category, count(*) AS n FROM x WHERE grp IN (SELECT grp FROM top)
            GROUP BY grp, category ORDER BY grp, category
        """, params + [int(top)])

    def _reason_hits(self, f: Filters, text: str, categories: tuple[str, ...]) -> tuple[str, list]:
        cond, params = where(f, "i")
        conds, extra = ["TRUE"], []
        if text:
            # literal match (no LIKE wildcards); case only matters for Latin letters, and lower() on
            # every reason costs more than the search itself
            conds.append("contains(lower(i.reason), lower(?))" if re.search(r"[A-Za-z]", text)
                         else "contains(i.reason, ?)")
            extra.append(text)
        if categories:
            conds.append(f"len(list_filter(i.category_list, c -> c IN ({marks(categories)}))) > 0")
            extra += list(categories)
        # the reasons with their filing's place, department, year, indicator and categories (mart_reason_rows):
        # no join
        return f"FROM {self.rows('mart_reason_rows')} i WHERE {cond} AND {' AND '.join(conds)}", params + extra

    def _reason_count(self, f: Filters, text: str, categories: tuple[str, ...]) -> int:
        source, params = self._reason_hits(f, text, categories)
        return int(self.run(f"SELECT count(*) AS n {source}", params)["n"].iloc[0])

    def reason_search(self, f: Filters, text: str, categories: tuple[str, ...] = (),
                      limit: int = 500) -> tuple[pd.DataFrame, int]:
        # counted apart (a window count would hold every match for a page of 500)
        source, params = self._reason_hits(f, text, categories)
        n = self._reason_count(f, text, categories)
        df = self.run(f"""
            SELECT i.filing_id, i.place, i.department, i.year, i.seq, i.name, i.weight, i.score, i.reason, i.categories
            {source} ORDER BY i.year DESC, i.filing_id, i.seq LIMIT ?
        """, params + [int(limit)])
        return df, n

    def reason_texts(self, f: Filters, limit: int = 5000) -> pd.DataFrame:
        """Distinct reason texts with how often each occurs (boilerplate repeats: tokenise each once)."""
        cond, params = where(f)
        return self.run(f"""
            SELECT i.reason, count(*) AS n FROM reason_texts i JOIN filings f ON f.filing_id = i.filing_id
            WHERE {cond} AND length(i.reason) > 1
            GROUP BY i.reason ORDER BY n DESC, i.reason LIMIT ?
        """, params + [int(limit)])

    # ------------------------------------------------------------- comparison

    def focus_options(self, f: Filters, unit: str) -> list[str]:
        """The units to choose from, by name; the first is the one with the most filings (the default)."""
        cond, params = where(peer_filters(f))
        units = self.run(f"""
            SELECT {FOCUS_UNIT_SQL[unit]} AS focus, count(*) AS n {self.facts()} WHERE {cond} GROUP BY 1
            ORDER BY focus
        """, params)  # (not "unit": filings has a column of that name)
        if units.empty:
            return []
        top = units.sort_values(["n", "focus"], ascending=[False, True])["focus"].iloc[0]
        return [top] + [u for u in units["focus"] if u != top]

    def _focus_places(self, unit: str, focus: str, cols: tuple[str, ...]) -> pd.DataFrame:
        """The distinct (province[, city]) the focus has filings in."""
        return self.run(f"SELECT DISTINCT {', '.join('f.' + c for c in cols)} {self.facts()} "
                        f"WHERE {FOCUS_UNIT_SQL[unit]} = ?", [focus])

    def peer_scan(self, unit: str, focus: str, scope: str, alias: str = "f") -> tuple[str, list]:
        """A condition keeping only rows that can be the focus's peers: those in the focus's provinces (and cities).

        The focus's provinces are looked up first and passed as values, so the scan of the
        filings (stored in province order) skips the other provinces' row groups.
        """
        if scope == "all":
            return "TRUE", []
        cols = ("province", "city") if scope == "city" else ("province",)
        alts, params = [], []
        for row in self._focus_places(unit, focus, cols).itertuples(index=False):
            parts = []  # (province IS NOT DISTINCT FROM value [AND city ...])
            for col, val in zip(cols, row):
                if pd.isna(val):
                    parts.append(f"{alias}.{col} IS NULL")
                else:
                    parts.append(f"{alias}.{col} = ?")
                    params.append(val)
            alts.append("(" + " AND ".join(parts) + ")")
        return "(" + (" OR ".join(alts) or "FALSE") + ")", params

    def unit_values(self, f: Filters, unit: str, focus: str, scope: str, metric: str) -> tuple[str, list]:
        """CTEs ending in g: one row per unit and year (unit, province, city, year, value, n) over the peers' rows."""
        peers, peer_params = self.peer_scan(unit, focus, scope)
        cond, params = where(peer_filters(f))
        return (f"""g AS (SELECT {FOCUS_UNIT_SQL[unit]} AS unit, min(f.province) AS province, min(f.city) AS city,
                             f.year, {FACT_METRIC_SQL[metric]} AS value, count(*) AS n
                      {self.facts()} WHERE {cond} AND f.year IS NOT NULL AND {peers}
                      GROUP BY 1, f.year)""",  # (1, not "unit": filings has a column of that name)
                params + peer_params)

    def benchmark(self, f: Filters, unit: str, focus: str, scope: str, metric: str,
                  higher_is_better: bool = True) -> pd.DataFrame:
        """Per year: the focus's value, its peers' P25/P50/P75, its rank among them, n, and the change on last year.

        Peers are the units (places or departments) in the same city, province or all, in the
        same year, the focus included; rank 1 is the best value.
        """
        better = ">" if higher_is_better else "<"
        # one row per unit and year (a name found in two provinces counts once, under the first)
        units, params = self.unit_values(f, unit, focus, scope, metric)
        return self.run(f"""
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

    def peer_matrix(self, f: Filters, unit: str, focus: str, scope: str, metric: str, top: int = 40) -> pd.DataFrame:
        """The metric per unit and year for the focus's peer group (the focus always included)."""
        units, params = self.unit_values(f, unit, focus, scope, metric)
        return self.run(f"""
            WITH {units},
                 fy AS (SELECT DISTINCT province, city FROM g WHERE unit = ?),
                 grp AS (SELECT p.* FROM g p JOIN fy ON {PEER_SCOPE_SQL[scope]}),
                 top AS (SELECT unit FROM grp GROUP BY unit ORDER BY (unit = ?) DESC, sum(n) DESC, unit LIMIT ?)
            SELECT unit AS place, year, value, n FROM grp WHERE unit IN (SELECT unit FROM top) ORDER BY place, year
        """, params + [focus, focus, int(top)])

    def scope_filters(self, f: Filters, unit: str, focus: str, scope: str) -> Filters:
        """The focus's peer group as filters: its province (and city) by the scope, the sidebar's years and kinds.

        The sidebar's place only chooses the focus; it never narrows the peers. A focus found in
        several provinces (a department name) gets no place condition.
        """
        base = peer_filters(f)
        if scope == "all":
            return base
        cols = ("province", "city") if scope == "city" else ("province",)
        places = self._focus_places(unit, focus, cols)
        if len(places) != 1:
            return base
        row = places.iloc[0]
        return Filters(province=None if pd.isna(row["province"]) else row["province"],
                       city=None if scope != "city" or pd.isna(row["city"]) else row["city"],
                       years=f.years, kinds=f.kinds, sources=f.sources)

    def department_across_places(self, f: Filters, pattern: str, metric: str, top: int = 60) -> pd.DataFrame:
        """Departments whose name contains `pattern`, one row per place: every place, whatever the
        sidebar's place (a county chosen there is the one to compare, not the only one shown)."""
        cond, params = where(peer_filters(f))
        return self.run(f"""
            SELECT f.place, string_agg(DISTINCT f.department, '；') AS departments,
                   {FACT_METRIC_SQL[metric]} AS value, count(*) AS n
            {self.facts()} WHERE {cond} AND contains(f.department, ?)
            GROUP BY place ORDER BY value DESC NULLS LAST, place LIMIT ?
        """, params + [pattern, int(top)])

    def soft_indices(self, f: Filters, grain: str = "county", limit: int = 200) -> pd.DataFrame:
        """Per county (grain 'county') or department: share of soft targets, money-weighted score inflation
        (self-score minus re-score), share of indicators carried over unchanged from last year.
        Built over all years (table soft_indices); the place and department filters apply."""
        conds, params = ["s.grain = ?"], [grain if grain in ("county", "department") else "county"]
        for col, val in (("province", f.province), ("city", f.city), ("place", f.county), ("department", f.department)):
            if val:
                conds.append(f"s.{col} = ?")
                params.append(val)
        return self.run(f"""
            SELECT s.place, s.department, s.filings, s.judged_rows, s.soft_rows, s.soft_share, s.inflation_index,
                   s.money, s.linked_rows, s.carried_share
            FROM soft_indices s WHERE {" AND ".join(conds)}
            ORDER BY s.soft_share DESC NULLS LAST, s.filings DESC, s.place, s.department LIMIT ?
        """, params + [int(limit)])

    # ------------------------------------------------------------- scorecard (县区评分卡)

    def function_options(self, peers: Filters) -> pd.DataFrame:
        """The functions of the peer group's departments (etl/lexicon.toml [functions], read from the names),
        with how many departments each (most first). The names are few: they are read in Python, not per row."""
        cond, params = where(peers)
        names = self.run(f"""SELECT DISTINCT f.department FROM {self.filter_values()} f
                             WHERE {cond} AND f.department IS NOT NULL""", params)["department"]
        counts = pd.Series([function_of(d) for d in names], dtype=object).dropna().value_counts()
        out = counts.rename_axis("function").reset_index(name="departments")
        return out.sort_values(["departments", "function"], ascending=[False, True]).reset_index(drop=True)

    def scorecard(self, peers: Filters, unit: str = "place", function: str | None = None) -> pd.DataFrame:
        """One row per county (unit "place") or department of one function (unit "department") of the peer
        group: the SCORECARD measures, each family's problems per filing (fam_<family>) and the soft-target
        share (over all years, as soft_indices holds it).

        `peers` are the sidebar's filters without the county and department: choosing a county picks the
        row to look at, never removes the others.
        """
        cond, params = where(peers)
        keep, keep_params = "TRUE", []
        if unit == "department":
            key, group = "coalesce(f.department, '（部门未知）')", "department"
            if function:  # the peer group's departments of this function, by name (read in Python: few names)
                names = self.run(f"""SELECT DISTINCT f.department FROM {self.filter_values()} f
                                     WHERE {cond} AND f.department IS NOT NULL""", params)["department"]
                mine = sorted(d for d in names if function_of(d) == function)
                if not mine:
                    return pd.DataFrame()
                keep, keep_params = f"f.department IN ({marks(mine)})", mine
        else:
            key, group = "f.place", "place"
        measures = ", ".join(f"{on_facts(m.sql)} AS {k}" for k, m in SCORECARD.items())
        fams = ", ".join(f"sum(x.n) FILTER (WHERE x.family = ?) AS {FAMILY_RATE.format(family=fam)}" for fam in FAMILIES)
        rates = ", ".join(f"coalesce(x.{FAMILY_RATE.format(family=fam)}, 0)::DOUBLE / u.filings AS "
                          f"{FAMILY_RATE.format(family=fam)}" for fam in FAMILIES)
        xkey = key.replace("f.", "x.")
        xkeep = keep.replace("f.", "x.")
        if unit == "department":
            soft = """(SELECT s.department AS unit, sum(s.soft_rows)::DOUBLE / nullif(sum(s.judged_rows), 0) AS share
                       FROM soft_indices s WHERE s.grain = 'department' GROUP BY 1) s ON s.unit = u.unit"""
        else:
            soft = """(SELECT s.province, s.city, s.place, s.soft_share AS share FROM soft_indices s
                       WHERE s.grain = 'county') s
                      ON s.province IS NOT DISTINCT FROM u.province AND s.city IS NOT DISTINCT FROM u.city
                         AND s.place = coalesce(u.county, u.city, u.province)"""
        # a place is its label within its province (two provinces may both have a 城关镇)
        by = "f.province, " if unit != "department" else ""
        return self.run(f"""
            WITH u AS (SELECT {by}{key} AS unit, any_value(f.province) AS province, any_value(f.city) AS city,
                              any_value(f.county) AS county, {measures}
                       {self.facts()} WHERE {cond} AND {keep} GROUP BY ALL),
                 x AS (SELECT {by.replace('f.', 'x.')}{xkey} AS unit, {fams}
                       FROM {self.rows('mart_findings')} x WHERE {cond.replace('f.', 'x.')} AND {xkeep} GROUP BY ALL)
            SELECT u.unit AS {group}, u.province, u.city, u.county,
                   {', '.join('u.' + k for k in SCORECARD)}, {rates}, s.share AS {SOFT_SHARE}
            FROM u LEFT JOIN x ON x.unit = u.unit {'AND x.province IS NOT DISTINCT FROM u.province' if by else ''}
            LEFT JOIN {soft}
            ORDER BY u.unit, u.province
        """, params + keep_params + list(FAMILIES) + params + keep_params)

    # ------------------------------------------------------------- indicator quality

    def vague_by_group(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT {GROUPS[by]} AS grp, sum(m.vague_count) AS vague_count, sum(m.indicator_count) AS indicator_count,
                   sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS share
            {FROM_FM} WHERE {cond} AND m.indicator_count > 0
            GROUP BY grp ORDER BY indicator_count DESC, grp LIMIT ?
        """, params + [int(top)])

    def department_vague_ranking(self, f: Filters, limit: int = 20) -> pd.DataFrame:
        """The explorer's preset "模糊指标占比最高的部门": departments by their share of vague indicators."""
        cond, params = where(f)
        return self.run(f"""
            SELECT coalesce(f.department, '（部门未知）') AS department, count(*) AS filings,
                   sum(m.vague_count) AS vague_count, sum(m.indicator_count) AS indicator_count,
                   sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS share
            {FROM_FM} WHERE {cond} AND m.indicator_count > 0
            GROUP BY ALL ORDER BY share DESC NULLS LAST, indicator_count DESC, department LIMIT ?
        """, params + [int(limit)])

    def vague_phrases(self, f: Filters, limit: int = 30) -> pd.DataFrame:
        """The texts that vague-indicator findings point at (the finding's evidence, else the target)."""
        cond, params = where(f)
        return self.run(f"""
            WITH v AS (SELECT x.filing_id, x.indicator_seq, nullif(trim(x.evidence), '') AS phrase
                       FROM findings x JOIN filings f ON f.filing_id = x.filing_id
                       WHERE {cond} AND x.family = 'vague'),
                 p AS (SELECT phrase FROM v WHERE phrase IS NOT NULL
                       UNION ALL  -- no evidence: the indicator's target (a join for those rows only)
                       SELECT i.target FROM v JOIN indicators i ON i.filing_id = v.filing_id AND i.seq = v.indicator_seq
                       WHERE v.phrase IS NULL)
            SELECT {PHRASE.format(c='phrase')} AS phrase, count(*) AS n
            FROM p WHERE phrase IS NOT NULL
            GROUP BY 1 ORDER BY n DESC, phrase LIMIT ?
        """, params + [int(limit)])

    def finding_rules(self, f: Filters) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT x.rule, x.family, count(*) AS n FROM findings x JOIN filings f ON f.filing_id = x.filing_id
            WHERE {cond} GROUP BY ALL ORDER BY n DESC, x.rule
        """, params)

    def _findings_hits(self, f: Filters, families=(), severities=(), rules=(), text: str = "",
                       filing_id: str | None = None) -> tuple[str, list]:
        cond, params = where(f, "x")
        conds, extra = [], []
        if filing_id:
            conds.append("x.filing_id = ?")
            extra.append(filing_id)
        for col, vals in (("family", families), ("severity", severities), ("rule", rules)):
            if vals:
                conds.append(f"x.{col} IN ({marks(vals)})")
                extra += list(vals)
        if text:
            conds.append("(contains(x.message, ?) OR contains(coalesce(x.evidence, ''), ?))")
            extra += [text, text]
        # the findings with their filing's place, department and year (mart_finding_rows): no join to filter
        return (f"FROM {self.rows('mart_finding_rows')} x WHERE {cond} AND {' AND '.join(conds) or 'TRUE'}",
                params + extra)

    def _findings_count(self, f: Filters, families=(), severities=(), rules=(), text: str = "",
                        filing_id: str | None = None) -> int:
        hits, params = self._findings_hits(f, families, severities, rules, text, filing_id)
        return int(self.run(f"SELECT count(*) AS n {hits}", params)["n"].iloc[0])

    def findings_list_sql(self, f: Filters, families=(), severities=(), rules=(), text: str = "",
                          filing_id: str | None = None, limit: int | None = None) -> tuple[str, list]:
        """The findings list as SQL: the page runs it with a LIMIT, the full export without."""
        hits, params = self._findings_hits(f, families, severities, rules, text, filing_id)
        cut = "LIMIT ?" if limit is not None else ""
        sql = f"""
            SELECT x.filing_id, x.place, x.department, x.year, x.indicator_seq, x.src_where, x.name,
                   x.rule, x.family, x.severity, x.message, x.evidence, {UNVERIFIED_STATUS.format(c='x.unverified')}
            {hits} ORDER BY x.list_order {cut}
        """
        return sql, params + ([int(limit)] if limit is not None else [])

    def findings_list(self, f: Filters, families=(), severities=(), rules=(), text: str = "",
                      limit: int = 1000, filing_id: str | None = None) -> tuple[pd.DataFrame, int]:
        n = self._findings_count(f, families, severities, rules, text, filing_id)
        return self.run(*self.findings_list_sql(f, families, severities, rules, text, filing_id, limit)), n

    def _finding_kinds(self) -> str:
        """A relation with one row per finding or per kind of finding (columns rule, family, severity)."""
        return "findings"

    def finding_keys(self, rules=(), families=(), severities=()) -> list[str]:
        """The kinds of finding (FINDING_KEY texts) in the database with one of these rules, families and severities."""
        conds, params = [], []
        for col, vals in (("rule", rules), ("family", families), ("severity", severities)):
            if vals:
                conds.append(f"x.{col} IN ({marks(vals)})")
                params += list(vals)
        df = self.run(f"""SELECT DISTINCT {FINDING_KEY.format(x='x')} AS k FROM {self._finding_kinds()} x
                          WHERE {' AND '.join(conds) or 'TRUE'} ORDER BY k""", params)
        return list(df["k"])

    def copy_clusters(self, f: Filters, limit: int = 200) -> pd.DataFrame:
        """Clusters with at least one member inside the filter, described by all their members."""
        cond, params = where(f)
        return self.run(f"""
            WITH hit AS (SELECT DISTINCT c.cluster_id FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
                         WHERE {cond})
            SELECT c.cluster_id, count(*) AS filings, round(avg(c.similarity), 3) AS similarity,
                   string_agg(DISTINCT {PLACE}, '；') AS places,
                   string_agg(DISTINCT f.department, '；') AS departments,
                   string_agg(DISTINCT f.year::VARCHAR, '；') AS years
            FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
            WHERE c.cluster_id IN (SELECT cluster_id FROM hit)
            GROUP BY c.cluster_id ORDER BY filings DESC, c.cluster_id LIMIT ?
        """, params + [int(limit)])

    def copy_cluster_members(self, cluster_id: int) -> pd.DataFrame:
        return self.run(f"""
            SELECT {filing_columns()}, c.similarity
            FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
            WHERE c.cluster_id = ? ORDER BY c.similarity DESC NULLS LAST, f.filing_id
        """, [int(cluster_id)])

    # ------------------------------------------------------------- one filing

    def many(self, table: str, ids: list[str], guess: dict[str, tuple] | None = None) -> tuple[str, list]:
        """A per-filing table narrowed to some filings (FROM-clause text and its parameters).

        On a DuckDB file, a plain filter, which its indexes and zone maps serve (a lake
        reads the filings' partitions only: lake.py). `table` is one of our own table names.
        """
        if not ids:
            return f"(SELECT * FROM {table} WHERE false)", []
        if len(ids) > EQUALITY_LOOKUPS:
            return f"(SELECT * FROM {table} WHERE filing_id IN ({marks(ids)}))", list(ids)
        # one equality per id: each skips to its rows by min/max, where an IN list reads the table
        # (20 earlier filings' indicators at 1M filings: 18 ms against 54 ms)
        return "(" + " UNION ALL ".join([f"SELECT * FROM {table} WHERE filing_id = ?"] * len(ids)) + ")", list(ids)

    def one(self, table: str, filing_id: str) -> tuple[str, list]:
        """A per-filing table narrowed to one filing (see many)."""
        return self.many(table, [filing_id])

    def home(self, filing_id: str) -> tuple | None:
        """The filing's partition (province, year) on a lake; None on a DuckDB file."""
        return None

    def find_filings(self, f: Filters, text: str = "", limit: int = 200) -> pd.DataFrame:
        cond, params = where(f)
        extra, match = [], "TRUE"
        if text:
            match = """(contains(coalesce(f.project, ''), ?) OR contains(coalesce(f.department, ''), ?)
                        OR contains(coalesce(f.title, ''), ?) OR f.filing_id = ? OR contains(f.source_file, ?))"""
            extra = [text, text, text, text, text]
        return self.run(f"""
            SELECT {filing_columns(FACT_PLACE)}, f.total_score, f.source_file
            {self.facts()} WHERE {cond} AND {match}
            ORDER BY f.year DESC NULLS LAST, place, f.department, f.filing_id LIMIT ?
        """, params + extra + [int(limit)])

    def filing(self, filing_id: str) -> dict | None:
        fs, fp = self.one("filings", filing_id)
        ms, mp = self.one("filing_metrics", filing_id)
        xs, xp = self.one("findings", filing_id)
        problems = PROBLEMS.replace("FROM findings", f"FROM {xs}")  # the one definition, over this filing's rows
        df = self.run(f"""
            SELECT f.*, m.score_recomputed, m.inflation, m.exec_rate_computed, m.measurable_share,
                   m.vague_count, m.indicator_count, m.deductions, m.deductions_no_reason,
                   m.grade_computed, coalesce(p.finding_count, 0) AS finding_count,
                   coalesce(p.error_count, 0) AS error_count
            FROM {fs} f LEFT JOIN {ms} m ON m.filing_id = f.filing_id LEFT JOIN {problems} p ON p.filing_id = f.filing_id
        """, fp + mp + xp)
        return None if df.empty else df.iloc[0].to_dict()

    def filing_indicators(self, filing_id: str) -> pd.DataFrame:
        """The filing's table, each row with its findings and reason categories inline.

        The indicator's own number and its place in the source come first, the reason
        right after the scores: what an overseer reads first is visible without scrolling.
        """
        conf = "i.parse_confidence" if self.has_column("indicators", "parse_confidence") else "NULL::DOUBLE"
        # Each table is read narrowed to the filing (one): over a lake, correlated subqueries
        # became joins over every findings file (224 ms at 1M filings).
        ind, ip = self.one("indicators", filing_id)
        fnd, fp = self.one("findings", filing_id)
        rsn, rp = self.one("indicator_reasons", filing_id)
        return self.run(f"""
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

    def indicator_row(self, filing_id: str, seq: int) -> dict | None:
        """One indicator row as stored, with its source text when the database keeps it (src_text)."""
        raw = "i.src_text" if self.has_column("indicators", "src_text") else "NULL::VARCHAR"
        ind, ip = self.one("indicators", filing_id)
        df = self.run(f"""
            SELECT i.seq, i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason, i.src_where,
                   i.src_page, i.src_sheet, i.src_table, i.src_row, {raw} AS src_text
            FROM {ind} i WHERE i.seq = ?
        """, ip + [int(seq)])
        return None if df.empty else df.iloc[0].to_dict()

    def filing_findings(self, filing_id: str) -> pd.DataFrame:
        fnd, fp = self.one("findings", filing_id)
        ind, ip = self.one("indicators", filing_id)
        fil, lp = self.one("filings", filing_id)
        return self.run(f"""
            SELECT x.indicator_seq, i.src_where, x.rule, x.family, x.severity, x.message, x.evidence,
                   {UNVERIFIED_STATUS.format(c=unverified_sql())}
            FROM {fnd} x LEFT JOIN {ind} i ON i.seq = x.indicator_seq LEFT JOIN {fil} f ON TRUE
            ORDER BY x.indicator_seq NULLS FIRST,
                     CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, x.rule
        """, fp + ip + lp)

    def filing_sections(self, filing_id: str) -> pd.DataFrame:
        sec, sp = self.one("sections", filing_id)
        return self.run(f"SELECT seq, kind, heading, text, src_where FROM {sec} s ORDER BY seq", sp)

    def filing_plan(self, filing_id: str) -> pd.DataFrame:
        plan, pp = self.one("spending_plan", filing_id)
        return self.run(f"SELECT seq, period, month, value, src_where FROM {plan} p ORDER BY seq", pp)

    def filing_twins(self, filing_id: str) -> pd.DataFrame:
        """The structured import and the published copies of the same project as this filing
        (etl/structured/twins.py): one row per published copy, and how the two were matched."""
        if not int(self.run("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'filing_twins'")["n"].iloc[0]):
            return pd.DataFrame(columns=["structured_id", "filing_id", "source_file", "match", "differences"])
        return self.run("""
            SELECT t.structured_id, t.filing_id, f.source_file, t.match, t.differences
            FROM filing_twins t LEFT JOIN filings f ON f.filing_id = t.filing_id
            WHERE t.filing_id = ? OR t.structured_id = ? ORDER BY t.filing_id
        """, [filing_id, filing_id])

    def has_table(self, table: str) -> bool:
        return bool(self.run("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [table])["n"].iloc[0])

    def filing_versions(self, filing_id: str) -> pd.DataFrame:
        """The older versions of the filing's file (etl/load/versions.py), latest first: how each gave way and,
        for a replaced version, the filing at the same place in it with its figures (a rename has the same rows).
        A file without the history tables (older, or an attached lake) has none."""
        if not self.has_table("file_history"):
            return pd.DataFrame(columns=VERSION_COLUMNS)
        return self.run("""
            SELECT h.replaced_at, h.change AS version_change, h.source_file, h.replaced_by_file, h.filings,
                   hf.filing_id AS old_filing_id, hf.budget_adjusted, hf.budget_executed, hf.total_score,
                   (SELECT count(*) FROM history_indicators hi WHERE hi.filing_id = hf.filing_id) AS indicators,
                   h.first_ingested_at, left(h.source_sha256, 12) AS sha256
            FROM (SELECT source_sha256, part_index FROM filings WHERE filing_id = ?) f
            JOIN file_history h ON h.current_sha256 = f.source_sha256
            LEFT JOIN history_filings hf ON h.change = 'replaced' AND hf.source_sha256 = h.source_sha256
                                         AND hf.part_index = f.part_index
            ORDER BY h.replaced_at DESC, h.source_file
        """, [filing_id])

    def replaced_filing(self, filing_id: str) -> dict | None:
        """A filing of an older, replaced version (a link from before the correction): its stored figures, when it
        was replaced and by which file, and the filing at the same place in the current version (if any)."""
        if not self.has_table("file_history"):
            return None
        df = self.run("""
            SELECT hf.*, h.replaced_at, h.replaced_by_file, cur.filing_id AS current_filing_id
            FROM history_filings hf
            JOIN file_history h ON h.change = 'replaced' AND h.source_sha256 = hf.source_sha256
            LEFT JOIN filings cur ON cur.source_sha256 = h.current_sha256 AND cur.part_index = hf.part_index
            WHERE hf.filing_id = ?
        """, [filing_id])
        return None if df.empty else df.iloc[0].to_dict()

    def filing_clusters(self, filing_id: str) -> pd.DataFrame:
        return self.run("""
            SELECT c.cluster_id, c.similarity,
                   (SELECT count(*) FROM copy_clusters d WHERE d.cluster_id = c.cluster_id) AS filings
            FROM copy_clusters c WHERE c.filing_id = ? ORDER BY c.cluster_id
        """, [filing_id])

    # ------------------------------------------------------------- earlier years (etl/link)

    def indicator_history(self, filing_id: str, limit: int = 500) -> pd.DataFrame:
        """Each indicator of the filing in the earlier filings of its series (same department or project,
        same indicator key), latest year first, with the filing to open."""
        # In steps, so every table is read with constants (the series, then the earlier filings' ids):
        # over a lake a join on a computed value read every indicator file (1.2 s at 1M filings).
        me = self.run("SELECT any_value(series_id) AS series_id, any_value(year) AS year FROM indicator_keys "
                      "WHERE filing_id = ?", [filing_id]).iloc[0]
        if pd.isna(me["series_id"]) or pd.isna(me["year"]):
            return pd.DataFrame(columns=HISTORY_COLUMNS)
        series = [me["series_id"], int(me["year"])]
        past = self.run("SELECT filing_id, any_value(year) AS year FROM indicator_keys WHERE series_id = ? AND year < ? "
                        "GROUP BY filing_id ORDER BY filing_id", series)
        if past.empty:  # most filings: no series, or its first year
            return pd.DataFrame(columns=HISTORY_COLUMNS)
        ids, home = past["filing_id"].tolist(), self.home(filing_id)
        guess = {fid: (home[0], int(y)) for fid, y in zip(ids, past["year"])} if home else None
        ind, ip = self.one("indicators", filing_id)
        pind, pip = self.many("indicators", ids, guess)
        pfil, pfp = self.many("filings", ids, guess)
        return self.run(f"""
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

    def filing_earlier_years(self, filing_id: str) -> pd.DataFrame:
        """The filings of the same department or project a year earlier, and how they were matched."""
        # the earlier filings' ids first, so filings is read by constants (see indicator_history)
        prev = self.run("SELECT DISTINCT prev_filing_id, prev_year FROM filing_links WHERE filing_id = ? ORDER BY 1",
                        [filing_id])
        if prev.empty:
            return pd.DataFrame(columns=EARLIER_COLUMNS)
        home = self.home(filing_id)
        guess = ({fid: (home[0], int(y) if pd.notna(y) else None) for fid, y in prev.itertuples(index=False)}
                 if home else None)
        pfil, pfp = self.many("filings", prev["prev_filing_id"].tolist(), guess)
        return self.run(f"""
            SELECT l.prev_year AS year, pf.doc_kind, pf.project, l.match, l.similarity, l.prev_filing_id AS filing_id,
                   pf.source_file
            FROM filing_links l JOIN {pfil} pf ON pf.filing_id = l.prev_filing_id
            WHERE l.filing_id = ? ORDER BY pf.doc_kind, l.prev_filing_id
        """, [*pfp, filing_id])

    # ------------------------------------------------------------- ingest

    def filings_from_sources(self, shas: tuple[str, ...], limit: int = 500) -> pd.DataFrame:
        """The filings read from these source files (by content hash): an upload's new filings."""
        if not shas:
            return pd.DataFrame()
        return self.run(f"""
            SELECT {filing_columns()}, f.total_score, f.source_file
            FROM filings f WHERE f.source_sha256 IN ({marks(shas)})
            ORDER BY f.source_file, f.part_index LIMIT ?
        """, list(shas) + [int(limit)])

    def ingest_results(self, shas: list[str], since) -> dict[str, dict]:
        """The latest ingest_log row since `since` of each of these files (by content hash): an upload's outcome.
        Not cached: it is asked once, right after the upload's ingest wrote."""
        if not shas:
            return {}
        note = "note" if self.has_column("ingest_log", "note") else "NULL::VARCHAR AS note"
        df = self.run(f"""
            SELECT source_sha256, status, error, filings, {note} FROM ingest_log
            WHERE source_sha256 IN ({marks(shas)}) AND ingested_at >= ?
            ORDER BY ingested_at""", list(shas) + [since], cache=False)
        return {sha: {"status": st, "error": None if pd.isna(err) else err, "filings": None if pd.isna(n) else int(n),
                      "note": None if pd.isna(nt) else nt}
                for sha, st, err, n, nt in df.itertuples(index=False)}

    def ingest_log(self, limit: int = 500) -> pd.DataFrame:
        note = "note" if self.has_column("ingest_log", "note") else "NULL::VARCHAR AS note"  # older files: no note
        return self.run(f"""
            SELECT ingested_at, source_file, status, filings, {note}, error, seconds, run_id
            FROM ingest_log ORDER BY ingested_at DESC, source_file LIMIT ?
        """, [int(limit)])
