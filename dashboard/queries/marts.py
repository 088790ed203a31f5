"""The dashboard's queries over a DuckDB file that carries the marts (etl/marts): every ingest builds them.

Each query here answers what the same query of base.py answers from the base tables
(tests/test_marts.py runs both under seven filters), reading the pre-aggregated and
pre-joined marts instead. Medians do not add up, so a median over several groups
comes from mart_facts unless mart_units holds exactly that set of filings.
"""
from __future__ import annotations

import pandas as pd

from dashboard.filtering import Filters
from dashboard.queries.base import MART_GROUPS, FileQueries, marks, peer_filters, where
from etl.marts import UNIT_GRAINS


class MartQueries(FileQueries):
    """Queries over the marts of a DuckDB file (or of a lake's views: lake.py)."""

    has_marts = True
    storage = "DuckDB 文件（含汇总表）"

    def facts(self) -> str:
        return "FROM mart_facts f"

    def rows(self, mart: str) -> str:
        return mart

    def filter_values(self) -> str:
        return "mart_filings"

    def _finding_kinds(self) -> str:
        return "mart_findings"

    def sample_count(self, f: Filters) -> int:
        cond, params = where(f)
        df = self.run(f"SELECT coalesce(sum(f.sample_filings), 0) AS n FROM mart_filings f WHERE {cond}", params)
        return int(df["n"].iloc[0] or 0)

    def overview_counts(self, f: Filters) -> dict:
        cond, params = where(f)
        # counts from the group mart, exact medians from the filings' own values (mart_facts: no join)
        df = self.run(f"""
            SELECT coalesce(sum(f.filings), 0) AS filings,
                   count(DISTINCT f.department) AS departments,
                   count(DISTINCT CASE WHEN f.county IS NOT NULL
                         THEN concat_ws('|', f.province, f.city, f.county) END) AS counties,
                   count(DISTINCT f.year) AS years,
                   sum(f.vague_count)::DOUBLE / nullif(sum(f.indicators), 0) AS vague_share,
                   sum(f.indicators) AS indicators,
                   coalesce(sum(f.sample_filings), 0) AS sample_filings
            FROM mart_filings f WHERE {cond}
        """, params)
        if f == Filters(years=f.years) and len(f.years) <= 1:  # no filter, or one year: precomputed
            grain, year = (UNIT_GRAINS["all"], "m.year = ?") if f.years else (UNIT_GRAINS["all_years"], "TRUE")
            medians = self.run(f"""
                SELECT any_value(m.m_self_score) AS median_score, any_value(m.m_exec_rate) AS median_exec_rate
                FROM mart_units m WHERE m.unit_kind = 'all' AND m.grain = {grain} AND {year}
            """, params)
        else:
            medians = self.run(f"""
                SELECT median(f.total_score) AS median_score, median(f.exec_rate) AS median_exec_rate
                FROM mart_facts f WHERE {cond}
            """, params)
        out = df.iloc[0].to_dict()
        out.update(medians.iloc[0].to_dict())
        return out

    def findings_by_family_severity(self, f: Filters) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT f.family, f.severity, sum(f.n)::BIGINT AS n FROM mart_findings f
            WHERE {cond} GROUP BY ALL ORDER BY n DESC, f.family, f.severity
        """, params)

    def score_box(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        if not (f == Filters(years=f.years) and (by == "year" or len(f.years) <= 1)):
            return super().score_box(f, by, top)
        # no filter but years: the groups' quartiles over all their filings, as mart_units holds them
        kind, grp = ("all", "m.year::VARCHAR") if by == "year" else (by, "m.unit")
        grain = UNIT_GRAINS["all"] if by == "year" or f.years else UNIT_GRAINS["all_years"]
        years = f"m.year IN ({marks(f.years)})" if f.years else "TRUE"
        return self.run(f"""
            SELECT {grp} AS grp, m.score_n AS n, m.score_lo AS lo, m.score_q[1] AS q1, m.score_q[2] AS q2,
                   m.score_q[3] AS q3, m.score_hi AS hi
            FROM mart_units m WHERE m.unit_kind = ? AND m.grain = {grain} AND {years} AND m.score_n > 0
            ORDER BY n DESC, grp LIMIT ?
        """, [kind] + [int(y) for y in f.years] + [int(top)])

    def grade_bands(self, f: Filters) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT f.grade, sum(f.self_n) AS self_n, sum(f.recomputed_n) AS recomputed_n
            FROM mart_grades f WHERE {cond} GROUP BY f.grade
        """, params)

    def exec_by_place_year(self, f: Filters, top: int = 40) -> pd.DataFrame:
        if f != Filters(years=f.years):
            return super().exec_by_place_year(f, top)
        # no filter but years: each place's year over all its filings, as mart_units holds it
        years = f"m.year IN ({marks(f.years)})" if f.years else "TRUE"
        return self.run(f"""
            WITH x AS (SELECT * FROM mart_units m WHERE m.unit_kind = 'place' AND m.grain = {UNIT_GRAINS['all']}
                       AND m.year IS NOT NULL AND {years} AND m.exec_n > 0),
                 top AS (SELECT unit FROM x GROUP BY unit ORDER BY sum(exec_n) DESC, unit LIMIT ?)
            SELECT unit AS place, year, m_exec_rate AS exec_rate, exec_n AS n
            FROM x WHERE unit IN (SELECT unit FROM top) ORDER BY place, year
        """, [int(y) for y in f.years] + [int(top)])

    def reason_summary(self, f: Filters) -> dict:
        cond, params = where(f)
        df = self.run(f"""
            SELECT sum(f.deductions) AS deductions, sum(f.deductions_no_reason) AS no_reason,
                   sum(f.deductions_no_reason)::DOUBLE / nullif(sum(f.deductions), 0) AS share
            FROM mart_filings f WHERE {cond}
        """, params)
        return df.iloc[0].to_dict()

    def no_reason_by_group(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        # the mart's sums over the filings with deductions
        return self.run(f"""
            SELECT {MART_GROUPS[by]} AS grp, sum(f.deductions_in_counted) AS deductions,
                   sum(f.no_reason_in_counted) AS no_reason,
                   sum(f.no_reason_in_counted)::DOUBLE / nullif(sum(f.deductions_in_counted), 0) AS share
            FROM mart_filings f WHERE {cond} AND f.filings_with_deductions > 0
            GROUP BY grp ORDER BY deductions DESC, grp LIMIT ?
        """, params + [int(top)])

    def reason_categories(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            WITH x AS (SELECT {MART_GROUPS[by]} AS grp, f.category, f.n FROM mart_reasons f WHERE {cond}),
                 top AS (SELECT grp FROM x GROUP BY grp ORDER BY sum(n) DESC, grp LIMIT ?)
            SELECT grp, category, sum(n) AS n FROM x WHERE grp IN (SELECT grp FROM top)
            GROUP BY grp, category ORDER BY grp, category
        """, params + [int(top)])

    def _reason_count(self, f: Filters, text: str, categories: tuple[str, ...]) -> int:
        if text or categories:
            return super()._reason_count(f, text, categories)
        cond, params = where(f)  # every reason under the filter: the grouped mart's counts
        return int(self.run(f"SELECT coalesce(sum(f.n), 0) AS n FROM mart_reason_texts f WHERE {cond}",
                            params)["n"].iloc[0])

    def reason_texts(self, f: Filters, limit: int = 5000) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT f.reason, sum(f.n) AS n FROM mart_reason_texts f
            WHERE {cond} AND length(f.reason) > 1
            GROUP BY f.reason ORDER BY n DESC, f.reason LIMIT ?
        """, params + [int(limit)])

    def _focus_places(self, unit: str, focus: str, cols: tuple[str, ...]) -> pd.DataFrame:
        return self.run(f"""SELECT DISTINCT {', '.join(cols)} FROM mart_units
                            WHERE unit_kind = ? AND unit = ? AND grain = 0""", [unit, focus])

    def unit_values(self, f: Filters, unit: str, focus: str, scope: str, metric: str) -> tuple[str, list]:
        """From mart_units when that is exact, else from every filing (base.py).

        Exact when: no kinds filter (years select whole rows of it), and each unit's filings of a
        year lie either all inside the focus's provinces (cities), so its figure over all its
        filings holds, or inside exactly one of them, so its figure there holds. Not so for a name
        found in several of the focus's provinces and outside them too.
        """
        if f.kinds or f.sources:  # mart_units holds every source together
            return super().unit_values(f, unit, focus, scope, metric)
        f = peer_filters(f)
        years = f"m.year IN ({marks(f.years)})" if f.years else "TRUE"
        yp = [int(y) for y in f.years]
        cols = f"m.unit, m.min_province AS province, m.min_city AS city, m.year, m.m_{metric} AS value, m.n"
        if scope == "all":
            return (f"g AS (SELECT {cols} FROM mart_units m WHERE m.unit_kind = ? AND m.grain = {UNIT_GRAINS['all']} "
                    f"AND m.year IS NOT NULL AND {years})", [unit] + yp)
        inside, in_params = self.peer_scan(unit, focus, scope, alias="m")
        parts = (f"""r AS (SELECT * FROM mart_units m WHERE m.unit_kind = ? AND m.grain = {UNIT_GRAINS[scope]}
                           AND m.year IS NOT NULL AND {years}),
                 c AS (SELECT m.unit, m.year, count(*) AS n_all, count(*) FILTER (WHERE {inside}) AS n_in
                       FROM r m GROUP BY ALL)""", [unit] + yp + in_params)
        split = self.run(f"WITH {parts[0]} SELECT count(*) AS n FROM c WHERE n_in > 1 AND n_in < n_all", parts[1])
        if int(split["n"].iloc[0]):
            return super().unit_values(f, unit, focus, scope, metric)
        return (parts[0] + f""",
                 g AS (SELECT {cols} FROM mart_units m JOIN c ON c.unit = m.unit AND c.year = m.year
                       WHERE m.unit_kind = ? AND m.grain = {UNIT_GRAINS['all']} AND c.n_in = c.n_all
                       UNION ALL
                       SELECT {cols} FROM r m JOIN c ON c.unit = m.unit AND c.year = m.year
                       WHERE c.n_in = 1 AND c.n_all > 1 AND {inside})""", parts[1] + [unit] + in_params)

    def vague_by_group(self, f: Filters, by: str = "place", top: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        # the mart's sums over the filings with indicators
        return self.run(f"""
            SELECT {MART_GROUPS[by]} AS grp, sum(f.vague_in_counted) AS vague_count,
                   sum(f.indicators_in_counted) AS indicator_count,
                   sum(f.vague_in_counted)::DOUBLE / nullif(sum(f.indicators_in_counted), 0) AS share
            FROM mart_filings f WHERE {cond} AND f.filings_with_indicators > 0
            GROUP BY grp ORDER BY indicator_count DESC, grp LIMIT ?
        """, params + [int(top)])

    def department_vague_ranking(self, f: Filters, limit: int = 20) -> pd.DataFrame:
        cond, params = where(f)
        # the group mart's sums over the filings with indicators
        return self.run(f"""
            SELECT coalesce(f.department, '（部门未知）') AS department, sum(f.filings_with_indicators) AS filings,
                   sum(f.vague_in_counted) AS vague_count, sum(f.indicators_in_counted) AS indicator_count,
                   sum(f.vague_in_counted)::DOUBLE / nullif(sum(f.indicators_in_counted), 0) AS share
            FROM mart_filings f WHERE {cond} AND f.filings_with_indicators > 0
            GROUP BY ALL ORDER BY share DESC NULLS LAST, indicator_count DESC, department LIMIT ?
        """, params + [int(limit)])

    def vague_phrases(self, f: Filters, limit: int = 30) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT f.phrase, sum(f.n) AS n FROM mart_phrases f WHERE {cond}
            GROUP BY 1 ORDER BY n DESC, phrase LIMIT ?
        """, params + [int(limit)])

    def finding_rules(self, f: Filters) -> pd.DataFrame:
        cond, params = where(f)
        return self.run(f"""
            SELECT f.rule, f.family, sum(f.n) AS n FROM mart_findings f
            WHERE {cond} GROUP BY ALL ORDER BY n DESC, f.rule
        """, params)

    def _findings_count(self, f: Filters, families=(), severities=(), rules=(), text: str = "",
                        filing_id: str | None = None) -> int:
        if text or filing_id:
            return super()._findings_count(f, families, severities, rules, text, filing_id)
        cond, params = where(f)  # counted from the grouped mart
        conds = [cond]
        for col, vals in (("family", families), ("severity", severities), ("rule", rules)):
            if vals:
                conds.append(f"f.{col} IN ({marks(vals)})")
                params += list(vals)
        return int(self.run(f"SELECT coalesce(sum(f.n), 0) AS n FROM mart_findings f WHERE {' AND '.join(conds)}",
                            params)["n"].iloc[0])

    def copy_clusters(self, f: Filters, limit: int = 200) -> pd.DataFrame:
        cond, params = where(f)
        # the members with their filter columns and labels (mart_copies): no join
        return self.run(f"""
            WITH hit AS (SELECT DISTINCT f.cluster_id FROM mart_copies f WHERE {cond})
            SELECT f.cluster_id, count(*) AS filings, round(avg(f.similarity), 3) AS similarity,
                   string_agg(DISTINCT f.place, '；') AS places,
                   string_agg(DISTINCT f.department, '；') AS departments,
                   string_agg(DISTINCT f.year::VARCHAR, '；') AS years
            FROM mart_copies f WHERE f.cluster_id IN (SELECT cluster_id FROM hit)
            GROUP BY f.cluster_id ORDER BY filings DESC, f.cluster_id LIMIT ?
        """, params + [int(limit)])
