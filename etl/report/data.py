"""What the report shows, read from the database in a handful of queries (values as parameters only)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from etl.report.measures import EXEC_RATE, FROM_FM, METRIC_SQL, review_threshold, unverified_sql

EXEC_THRESHOLD = 0.9  # the same default as the 预算执行 page
PEER_METRICS = {  # key -> (label, is_share, higher_is_better)
    "self_score": ("自评得分（中位数）", False, True),
    "exec_rate": ("预算执行率（中位数）", True, True),
    "vague_share": ("模糊指标占比", True, False),
    "no_reason_share": ("扣分无原因占比", True, False),
    "inflation": ("自评虚高（平均分）", False, False),
    "findings_per_filing": ("每份填报问题数", False, False),
}
PROBLEM_LIMIT = 300


class ScopeError(ValueError):
    """The county / department / year asked for is not in the database (message in Chinese)."""


@dataclass(frozen=True)
class ReportScope:
    county: str
    year: int
    department: str | None = None
    city: str | None = None
    province: str | None = None


@dataclass
class ReportData:
    scope: ReportScope
    place: dict  # province, city, county
    db_name: str
    generated: date
    headline: dict
    sample_filings: int
    exec_bands: list[tuple[float, int]]
    families: list[tuple[str, str, int]]
    peers: list[dict]
    worst: list[dict]
    problems: list[dict]
    problem_total: int
    rule_titles: dict = field(default_factory=dict)


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _scope_where(s: ReportScope, place: dict) -> tuple[str, list]:
    conds = ["f.province IS NOT DISTINCT FROM ?", "f.city IS NOT DISTINCT FROM ?", "f.county = ?", "f.year = ?"]
    params = [place["province"], place["city"], place["county"], s.year]
    if s.department:
        conds.append("f.department = ?")
        params.append(s.department)
    return " AND ".join(conds), params


def _resolve_place(con, s: ReportScope) -> dict:
    places = _rows(con, """
        SELECT DISTINCT province, city, county FROM filings
        WHERE county = ? AND (? IS NULL OR city = ?) AND (? IS NULL OR province = ?)
        ORDER BY province, city""", [s.county, s.city, s.city, s.province, s.province])
    if not places:
        raise ScopeError(f"数据库中没有县区“{s.county}”的填报。")
    if len(places) > 1:
        names = "、".join(" ".join(x for x in (p["province"], p["city"]) if x) for p in places)
        raise ScopeError(f"有多个名为“{s.county}”的县区（{names}），请用 --city 指定地市。")
    return places[0]


def gather(db: Path, s: ReportScope) -> ReportData:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _gather(con, Path(db), s)
    finally:
        con.close()


def _gather(con, db: Path, s: ReportScope) -> ReportData:
    place = _resolve_place(con, s)
    where, params = _scope_where(s, place)
    head = _rows(con, f"""
        SELECT count(*) AS filings, count(DISTINCT f.department) AS departments,
               median(f.total_score) AS median_score, median(m.score_recomputed) AS median_recomputed,
               avg(m.inflation) AS mean_inflation, median({EXEC_RATE}) AS median_exec_rate,
               count(*) FILTER (WHERE {EXEC_RATE} < ?) AS exec_below,
               count({EXEC_RATE}) AS with_rate,
               sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS vague_share,
               sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS no_reason_share,
               sum(coalesce(m.finding_count, 0)) AS findings, sum(coalesce(m.error_count, 0)) AS errors,
               sum(f.budget_adjusted) AS budget, count(*) FILTER (WHERE f.is_sample) AS sample_filings
        {FROM_FM} WHERE {where}""", [EXEC_THRESHOLD] + params)[0]
    head.update(_unverified(con, where, params))
    if not head["filings"]:
        who = f"{s.county}{' ' + s.department if s.department else ''}"
        years = [r["year"] for r in _rows(con, "SELECT DISTINCT year FROM filings WHERE county = ? ORDER BY year",
                                          [s.county]) if r["year"] is not None]
        raise ScopeError(f"{who} 在 {s.year} 年没有填报。有数据的年度：{'、'.join(map(str, years)) or '无'}。")
    exec_bands = [(r["lo"], r["n"]) for r in _rows(con, f"""
        SELECT least(floor(r * 10) / 10, 1.2) AS lo, count(*) AS n FROM (SELECT {EXEC_RATE} AS r {FROM_FM} WHERE {where})
        WHERE r IS NOT NULL AND r >= 0 GROUP BY lo ORDER BY lo""", params)]
    families = [(r["family"], r["severity"], r["n"]) for r in _rows(con, f"""
        SELECT x.family, x.severity, count(*) AS n FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        WHERE {where} GROUP BY ALL ORDER BY n DESC""", params)]
    peers = _peers(con, s, place)
    worst = _rows(con, f"""
        SELECT f.filing_id, f.department, coalesce(f.project, f.title) AS project, f.total_score, m.score_recomputed,
               {EXEC_RATE} AS exec_rate, coalesce(m.error_count, 0) AS errors, coalesce(m.finding_count, 0) AS findings
        {FROM_FM} WHERE {where}
        ORDER BY errors DESC, findings DESC, m.inflation DESC NULLS LAST, f.filing_id LIMIT 10""", params)
    total = _rows(con, f"""SELECT count(*) AS n FROM findings x JOIN filings f ON f.filing_id = x.filing_id
                           WHERE {where} AND x.severity IN ('error', 'warning')""", params)[0]["n"]
    problems = _rows(con, f"""
        SELECT f.department, coalesce(f.project, f.title) AS project, f.source_file, x.indicator_seq,
               i.name AS indicator, coalesce(i.src_where, f.src_where) AS src_where, x.rule, x.severity, x.message,
               x.evidence, coalesce({unverified_sql()}, false) AS unverified
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
        WHERE {where} AND x.severity IN ('error', 'warning')
        ORDER BY CASE x.severity WHEN 'error' THEN 0 ELSE 1 END, f.department, f.filing_id, x.indicator_seq NULLS FIRST,
                 x.rule
        LIMIT ?""", params + [PROBLEM_LIMIT])
    try:
        from etl.check import REGISTRY

        titles = {rid: r.title for rid, r in REGISTRY.items()}
    except Exception:  # the report still prints with rule ids
        titles = {}
    return ReportData(scope=s, place=place, db_name=db.name, generated=date.today(), headline=head,
                      sample_filings=int(head["sample_filings"] or 0), exec_bands=exec_bands, families=families,
                      peers=peers, worst=worst, problems=problems, problem_total=int(total or 0), rule_titles=titles)


def _unverified(con, where: str, params: list) -> dict:
    """Of the findings the headline counts (each filing's own: filing_metrics.finding_count), those 待核实: on
    rows read with less confidence than [review] threshold, possibly reading errors, counted apart."""
    from etl.recheck import _soft_rule_ids

    soft = _soft_rule_ids()
    row = _rows(con, f"""
        SELECT count(*) AS unverified, count(*) FILTER (WHERE x.severity = 'error') AS unverified_errors
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
        WHERE {where} AND {unverified_sql()} AND x.family <> 'copying' AND x.rule NOT IN ({', '.join('?' * len(soft))})
    """, params + soft)[0]
    return {**row, "review_threshold": review_threshold()}


def _peers(con, s: ReportScope, place: dict) -> list[dict]:
    """The county against the other counties of its province in the same year (whole county, all departments)."""
    out = []
    for key, (label, is_share, higher) in PEER_METRICS.items():
        better = ">" if higher else "<"
        r = _rows(con, f"""
            WITH g AS (SELECT f.city, f.county, {METRIC_SQL[key]} AS value {FROM_FM}
                       WHERE f.province IS NOT DISTINCT FROM ? AND f.year = ? AND f.county IS NOT NULL GROUP BY ALL),
                 me AS (SELECT value FROM g WHERE city IS NOT DISTINCT FROM ? AND county = ?)
            SELECT (SELECT value FROM me) AS value, quantile_cont(g.value, 0.25) AS p25, median(g.value) AS p50,
                   quantile_cont(g.value, 0.75) AS p75, count(g.value) AS n,
                   CASE WHEN (SELECT value FROM me) IS NOT NULL
                        THEN 1 + count(*) FILTER (WHERE g.value {better} (SELECT value FROM me)) END AS rank
            FROM g""", [place["province"], s.year, place["city"], place["county"]])[0]
        out.append(dict(key=key, label=label, is_share=is_share, **r))
    return out
