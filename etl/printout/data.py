"""What the report and the feedback letters show, read from the database (values as parameters only).

The figures are the shared measures of etl/measures.py over the base tables, so a number in
the PDF is the number the dashboard shows: the scorecard row is SCORECARD against the province's other
counties (a department: the province's departments of its function) in the same year, a filing's
problems are its rows in findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from etl.check import REGISTRY
from etl.check.evidence import readable
from etl.check.registry import FAMILIES, FAMILY_TITLES
from etl.lexicon import function_of
from etl.measures import (EXEC_LOW, EXEC_RATE, FAMILY_RATE, FROM_FMP, SCORECARD, SELF_SCORE_HIGH, SOFT_SHARE,
                          function_case, quartile_band, review_threshold, unverified_sql)
from etl.records import DOC_KIND_TITLES

EXEC_THRESHOLD = EXEC_LOW  # the charts' red bars: the scorecard's "执行率<80%"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Which problems are the most serious examples of a group, after severity: numbers that do not add up
# first, then scores, reasons, soft targets, copies, vague wording, categories, templates, parsing.
FAMILY_ORDER = {f: k for k, f in enumerate(("numbers", "scoring", "reason", "soft", "copying", "vague", "category",
                                             "template", "parse"))}
EXAMPLES = 3
MAX_GROUPS = 20  # departments or rules listed in the report; the rest are counted in one line (the XLSX has all)


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
class CardRow:
    """One measure of the scorecard row: the unit's value against its peers."""

    key: str
    label: str
    kind: str
    direction: str
    value: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    peers: int
    rank: int | None = None  # 1 = highest value (the page's order), None without a value
    band: int | None = None


@dataclass
class Problem:
    filing_id: str
    department: str | None
    project: str | None  # the project, else the filing's title
    doc_kind: str | None
    source_file: str
    src_where: str | None
    indicator_seq: int | None
    indicator: str | None
    rule: str
    rule_title: str
    family: str
    severity: str
    message: str
    evidence: str | None
    unverified: bool = False  # 待核实: on a row read with little confidence, possibly a reading error (etl/review)

    def short_name(self) -> str:
        """The filing in a few words: its project, else its kind (a department's whole-year table)."""
        if self.project and self.doc_kind in ("project_target", "project_self_eval"):
            return self.project
        return DOC_KIND_TITLES.get(self.doc_kind or "", self.project or "")

    def seriousness(self) -> tuple:
        return (SEVERITY_ORDER.get(self.severity, 3), FAMILY_ORDER.get(self.family, 9),
                self.indicator_seq is None, self.filing_id, self.indicator_seq or 0, self.rule)


@dataclass
class Group:
    """Problems of one department or one rule: counts and the most serious examples."""

    name: str
    findings: int
    errors: int
    filings: int
    examples: list[Problem]
    family: str | None = None


@dataclass
class ReportData:
    scope: ReportScope
    place: dict  # province, city, county
    db_name: str
    generated: date
    headline: dict
    sample_filings: int
    card: list[CardRow]
    peer_label: str  # who the peers are, in words (同省 12 个县区)
    exec_bands: list[tuple[float, int]]
    score_bands: list[tuple[float, int]]
    families: list[tuple[str, int]]  # family, findings (most first)
    by_department: list[Group]
    by_rule: list[Group]
    problems: list[Problem]  # every finding in scope (the attachment)
    rule_titles: dict = field(default_factory=dict)

    @property
    def problem_total(self) -> int:
        return len(self.problems)


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _scope_where(s: ReportScope, place: dict) -> tuple[str, list]:
    # a published copy of a structured import is the same project: counted once, as the import (as on screen)
    conds = ["f.province IS NOT DISTINCT FROM ?", "f.city IS NOT DISTINCT FROM ?", "f.county = ?", "f.year = ?",
             "f.superseded IS NOT TRUE"]
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


def rule_titles() -> dict[str, str]:
    return {rid: r.title for rid, r in REGISTRY.items()}


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
               count(f.total_score) AS with_score,
               count(*) FILTER (WHERE f.total_score >= ?) AS score_high,
               sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS vague_share,
               sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0) AS no_reason_share,
               sum(coalesce(p.finding_count, 0)) AS findings, sum(coalesce(p.error_count, 0)) AS errors,
               sum(f.budget_adjusted) AS budget, count(*) FILTER (WHERE f.is_sample) AS sample_filings
        {FROM_FMP} WHERE {where}""", [EXEC_LOW, SELF_SCORE_HIGH] + params)[0]
    head.update(_unverified(con, where, params))
    if not head["filings"]:
        who = f"{s.county}{' ' + s.department if s.department else ''}"
        years = [r["year"] for r in _rows(con, "SELECT DISTINCT year FROM filings WHERE county = ? ORDER BY year",
                                          [s.county]) if r["year"] is not None]
        raise ScopeError(f"{who} 在 {s.year} 年没有填报。有数据的年度：{'、'.join(map(str, years)) or '无'}。")
    exec_bands = [(r["lo"], r["n"]) for r in _rows(con, f"""
        SELECT least(floor(r * 10) / 10, 1.2) AS lo, count(*) AS n FROM (SELECT {EXEC_RATE} AS r {FROM_FMP} WHERE {where})
        WHERE r IS NOT NULL AND r >= 0 GROUP BY lo ORDER BY lo""", params)]
    score_bands = [(r["lo"], r["n"]) for r in _rows(con, f"""
        SELECT least(floor(f.total_score / 10) * 10, 90) AS lo, count(*) AS n {FROM_FMP}
        WHERE {where} AND f.total_score IS NOT NULL GROUP BY lo ORDER BY lo""", params)]
    titles = rule_titles()
    problems = problem_rows(con, where, params, titles)
    fam_counts: dict[str, int] = {}
    for x in problems:
        fam_counts[x.family] = fam_counts.get(x.family, 0) + 1
    card, peer_label = _card(con, s, place)
    return ReportData(
        scope=s, place=place, db_name=db.name, generated=date.today(), headline=head,
        sample_filings=int(head["sample_filings"] or 0), card=card, peer_label=peer_label, exec_bands=exec_bands,
        score_bands=score_bands, families=sorted(fam_counts.items(), key=lambda kv: (-kv[1], kv[0])),
        by_department=groups(problems, lambda x: x.department or "（部门未知）"),
        by_rule=groups(problems, lambda x: x.rule, spread=True), problems=problems, rule_titles=titles)


def problem_rows(con, where: str, params: list, titles: dict[str, str]) -> list[Problem]:
    """Every finding of the filings in scope, with its filing, indicator and source position."""
    rows = _rows(con, f"""
        SELECT x.filing_id, f.department, coalesce(f.project, f.title) AS project, f.doc_kind, f.source_file,
               coalesce(i.src_where, f.src_where) AS src_where, x.indicator_seq, i.name AS indicator, x.rule,
               x.family, x.severity, x.message, x.evidence, coalesce({unverified_sql()}, false) AS unverified
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
        WHERE {where}
        ORDER BY f.department NULLS LAST, CASE x.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                 x.filing_id, x.indicator_seq NULLS FIRST, x.rule, x.message""", params)
    return [Problem(rule_title=titles.get(r["rule"], r["rule"]), **{**r, "evidence": readable(r["evidence"])})
            for r in rows]


def _unverified(con, where: str, params: list) -> dict:
    """Of the problems the headline counts (every finding row: PROBLEMS), those 待核实: on rows read with less
    confidence than [review] threshold, possibly reading errors, counted apart (as mart_findings.unverified_n)."""
    row = _rows(con, f"""
        SELECT count(*) AS unverified, count(*) FILTER (WHERE x.severity = 'error') AS unverified_errors
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
        WHERE {where} AND {unverified_sql()}""", params)[0]
    return {**row, "review_threshold": review_threshold()}


def groups(problems: list[Problem], key, spread: bool = False) -> list[Group]:
    """Problems grouped (most first) with counts and the EXAMPLES most serious of each: one per indicator
    (an indicator two rules flagged is one example), and with `spread` from different departments first."""
    by: dict[str, list[Problem]] = {}
    for x in problems:
        by.setdefault(key(x), []).append(x)
    out = []
    for name, items in by.items():
        seen, picked, later = set(), [], []
        for x in sorted(items, key=Problem.seriousness):
            where = (x.filing_id, x.indicator_seq if x.indicator_seq is not None else x.rule)
            if where in seen:
                continue
            seen.add(where)
            if spread and any(p.department == x.department for p in picked):
                later.append(x)
                continue
            picked.append(x)
        picked = (picked + later)[:EXAMPLES]
        out.append(Group(name=name, findings=len(items), errors=sum(x.severity == "error" for x in items),
                         filings=len({x.filing_id for x in items}), examples=sorted(picked, key=Problem.seriousness),
                         family=items[0].family if spread else None))
    return sorted(out, key=lambda g: (-g.errors, -g.findings, g.name))


def _card(con, s: ReportScope, place: dict) -> tuple[list[CardRow], str]:
    """The county (or the department) against its peers in the same year: every SCORECARD measure, each
    family's problems per filing and the soft-target share. A county's peers are its province's counties;
    a department's, the province's departments of the same function (etl/lexicon.toml [functions])."""
    measures = ", ".join(f"{m.sql} AS {k}" for k, m in SCORECARD.items())
    fams = ", ".join(f"count(*) FILTER (WHERE x.family = ?) AS fam_{fam}" for fam in FAMILIES)
    func = function_of(s.department) if s.department else None
    if s.department:
        unit, me = "f.department", s.department
        fn, fp = function_case("f.department")
        keep, keep_params = (f"{fn} = ?", fp + [func]) if func else ("f.department IS NOT NULL", [])
        soft = ("SELECT department AS unit, sum(soft_rows)::DOUBLE / nullif(sum(judged_rows), 0) AS soft_share "
                "FROM soft_indices WHERE grain = 'department' AND province IS NOT DISTINCT FROM ? GROUP BY 1")
        label = f"{place['province'] or '同省'} {{n}} 个{func + '职能的' if func else ''}部门"
    else:
        unit, me = "coalesce(f.city, '') || '|' || f.county", f"{place['city'] or ''}|{place['county']}"
        keep, keep_params = "f.county IS NOT NULL", []
        soft = ("SELECT coalesce(city, '') || '|' || place AS unit, soft_share FROM soft_indices "
                "WHERE grain = 'county' AND province IS NOT DISTINCT FROM ?")
        label = f"{place['province'] or '同省'} {{n}} 个县区"
    scope = "f.province IS NOT DISTINCT FROM ? AND f.year = ? AND f.superseded IS NOT TRUE"
    peers = _rows(con, f"""
        WITH u AS (SELECT {unit} AS unit, {measures} {FROM_FMP} WHERE {scope} AND {keep} GROUP BY 1),
             x AS (SELECT {unit} AS unit, {fams} FROM findings x JOIN filings f ON f.filing_id = x.filing_id
                   WHERE {scope} AND {keep} GROUP BY 1),
             s AS ({soft})
        SELECT u.*, {', '.join(f'coalesce(x.fam_{fam}, 0)::DOUBLE / u.filings AS fam_{fam}' for fam in FAMILIES)},
               s.soft_share
        FROM u LEFT JOIN x ON x.unit = u.unit LEFT JOIN s ON s.unit = u.unit""",
        [place["province"], s.year] + keep_params + list(FAMILIES) + [place["province"], s.year] + keep_params
        + [place["province"]])
    return card_rows(peers, me), label.format(n=len(peers))


def card_rows(peers: list[dict], me: str) -> list[CardRow]:
    """The unit `me` against the peers' P25/P50/P75 (numpy's linear quantiles, as DuckDB's quantile_cont)."""
    spec = [(k, m.label, m.kind, m.direction) for k, m in SCORECARD.items()]
    spec += [(FAMILY_RATE.format(family=f), f"{FAMILY_TITLES[f]}（问题/份）", "ratio", "down") for f in FAMILIES]
    spec.append((SOFT_SHARE, "软目标占比（各年）", "share", "down"))
    mine = next((p for p in peers if p["unit"] == me), {})
    out = []
    for key, label, kind, direction in spec:
        values = [float(p[key]) for p in peers if p.get(key) is not None and p[key] == p[key]]
        value = mine.get(key)
        value = None if value is None or value != value else float(value)
        if values:
            p25, p50, p75 = (float(v) for v in np.percentile(values, [25, 50, 75]))
        else:
            p25 = p50 = p75 = None
        rank = None if value is None else 1 + sum(v > value for v in values)
        out.append(CardRow(key, label, kind, direction, value, p25, p50, p75, len(values), rank,
                           quartile_band(value, p25, p50, p75)))
    return out


__all__ = ["ReportScope", "ReportData", "ScopeError", "gather"]
