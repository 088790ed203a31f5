"""The 筛选查询 explorer: combinable conditions over filings, one page of rows, full exports.

Each condition is one object carrying its label, its SQL and its Chinese sentence
(like datasette's TemplatedFilter(key, display, sql_template, human_template)): the
page shows the sentence of every condition in force, and the query ANDs their SQL.
Every value is a parameter; the only text spliced into SQL is ours (column names
picked from SORTS and the conditions' fixed templates). The export runs the same
query without LIMIT and streams it in chunks from DuckDB into the writer, so a
result of any size is exported whole in bounded memory.

The functions take the queries of the database (`queries.connect(db)`), so the
explorer reads mart_facts where the file has it and the same rows computed from
the base tables where it has not.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

import pandas as pd

from dashboard.filtering import Filters
from dashboard.labels import DOC_KINDS, FAMILIES, SEVERITIES, rule_title
from dashboard.queries.base import FileQueries, marks, where

# Sortable columns: key -> SQL expression (our own text only).
SORTS = {
    "total_score": "f.total_score", "score_recomputed": "f.score_recomputed", "inflation": "f.inflation",
    "exec_rate": "exec_rate", "budget_adjusted": "f.budget_adjusted", "finding_count": "finding_count",
    "vague_share": "vague_share", "confidence": "confidence", "year": "f.year", "place": "place",
    "department": "f.department",
}


@dataclass(frozen=True)
class Conditions:
    score: tuple[float | None, float | None] = (None, None)  # self-score [lo, hi]
    recomputed: tuple[float | None, float | None] = (None, None)
    inflation: tuple[float | None, float | None] = (None, None)
    exec_rate: tuple[float | None, float | None] = (None, None)  # fractions; hi is exclusive ("< 80 %")
    confidence: tuple[float | None, float | None] = (None, None)
    kinds: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()  # place labels as shown ("株洲市 攸县")
    years: tuple[int, ...] = ()
    department: str = ""  # contains
    rules: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    reason: str = ""  # a key of REASON_STATES
    sort: str = "inflation"
    descending: bool = True
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("extra")
        return d


def _num(v: float, percent: bool) -> str:
    return f"{v * 100:g}%" if percent else f"{v:g}"


@dataclass(frozen=True)
class Range:
    """A value between two bounds, either open: `{sql} >= ?` and `{sql} <= ?` (or `< ?`)."""

    key: str
    label: str
    sql: str  # over mart_facts f
    hi_exclusive: bool = False
    percent: bool = False  # a fraction, said in %
    needs: str | None = None  # a filings column older databases lack: the condition is dropped there

    def applies(self, qs: FileQueries, value) -> bool:
        return any(v is not None for v in value) and (self.needs is None or qs.has_column("filings", self.needs))

    def where(self, qs: FileQueries, value) -> tuple[list[str], list]:
        lo, hi = value
        conds, params = [], []
        if lo is not None:
            conds.append(f"{self.sql} >= ?")
            params.append(float(lo))
        if hi is not None:
            conds.append(f"{self.sql} {'<' if self.hi_exclusive else '<='} ?")
            params.append(float(hi))
        return conds, params

    def sentence(self, value) -> str:
        lo, hi = value
        parts = ([f"≥ {_num(lo, self.percent)}"] if lo is not None else []) + (
            [f"{'<' if self.hi_exclusive else '≤'} {_num(hi, self.percent)}"] if hi is not None else [])
        return f"{self.label} {' 且 '.join(parts)}"


@dataclass(frozen=True)
class AnyOf:
    """One of several values: `{sql} IN (?, …)`."""

    key: str
    label: str
    sql: str
    cast: Callable = str
    name: Callable = str  # how a value is said

    def applies(self, qs: FileQueries, value) -> bool:
        return bool(value)

    def where(self, qs: FileQueries, value) -> tuple[list[str], list]:
        return [f"{self.sql} IN ({marks(value)})"], [self.cast(v) for v in value]

    def sentence(self, value) -> str:
        return f"{self.label}为 " + "、".join(self.name(v) for v in value)


@dataclass(frozen=True)
class Contains:
    """Text containing what was typed, literally (no LIKE wildcards)."""

    key: str
    label: str
    sql: str

    def applies(self, qs: FileQueries, value) -> bool:
        return bool(value)

    def where(self, qs: FileQueries, value) -> tuple[list[str], list]:
        return [f"contains(coalesce({self.sql}, ''), ?)"], [value]

    def sentence(self, value) -> str:
        return f"{self.label}包含“{value}”"


@dataclass(frozen=True)
class Choice:
    """One of fixed states, each with its own SQL and sentence: {state: (name, sql)}."""

    key: str
    label: str
    states: dict

    def applies(self, qs: FileQueries, value) -> bool:
        return value in self.states

    def where(self, qs: FileQueries, value) -> tuple[list[str], list]:
        return [self.states[value][1]], []

    def sentence(self, value) -> str:
        return f"{self.label}：{self.states[value][0]}"


@dataclass(frozen=True)
class HasFinding:
    """One finding of the filing meets all three lists (rule, family, severity; an empty list: any).

    The kinds of finding that do are looked up first, then each filing's list of kinds
    (mart_facts.finding_keys) is tested for them.
    """

    key: tuple[str, str, str] = ("rules", "families", "severities")
    label: str = "有一条问题"
    names: tuple = ((rule_title, "规则为"), (FAMILIES.get, "类别为"), (SEVERITIES.get, "严重程度为"))

    def applies(self, qs: FileQueries, value) -> bool:
        return any(value)

    def where(self, qs: FileQueries, value) -> tuple[list[str], list]:
        keys = qs.finding_keys(*value)
        if not keys:
            return ["FALSE"], []
        if len(keys) <= 4:  # a few list_contains: ~15 ms each over a million filings
            return ["(" + " OR ".join(["list_contains(f.finding_keys, ?)"] * len(keys)) + ")"], keys
        return [f"len(list_filter(f.finding_keys, k -> k IN ({marks(keys)}))) > 0"], keys

    def sentence(self, value) -> str:
        parts = [f"{verb} " + "、".join(name(v) or v for v in vals) for (name, verb), vals in zip(self.names, value) if vals]
        return f"{self.label}{'且'.join(parts)}"


REASON = Choice("reason", "偏差原因", {  # over mart_facts f (filings with their metrics)
    "no_reason": ("有扣分未写原因", "f.deductions_no_reason > 0"),
    "with_reason": ("有扣分且都写了原因", "f.deductions > 0 AND coalesce(f.deductions_no_reason, 0) = 0"),
    "no_deduction": ("没有扣分", "coalesce(f.deductions, 0) = 0"),
})
REASON_STATES = {"": "不限", **{k: name for k, (name, _) in REASON.states.items()}}

# The conditions in the order their sentences are read.
CONDITIONS = (
    Range("score", "自评得分", "f.total_score"),
    Range("recomputed", "复核得分", "f.score_recomputed"),
    Range("inflation", "虚高分", "f.inflation"),
    Range("exec_rate", "执行率", "f.exec_rate", hi_exclusive=True, percent=True),
    Range("confidence", "解析置信度", "f.parse_confidence", percent=True, needs="parse_confidence"),
    AnyOf("kinds", "文件类型", "f.doc_kind", name=lambda v: DOC_KINDS.get(v, v)),
    AnyOf("counties", "地区", "f.place"),
    AnyOf("years", "年度", "f.year", cast=int, name=lambda v: f"{int(v)}年"),
    Contains("department", "部门名称", "f.department"),
    REASON,
    HasFinding(),
)


def _value(c: Conditions, cond) -> object:
    return tuple(getattr(c, k) for k in cond.key) if isinstance(cond.key, tuple) else getattr(c, cond.key)


def sentences(qs: FileQueries, c: Conditions) -> list[str]:
    """Each condition in force, as a Chinese sentence (shown above the result)."""
    return [cond.sentence(_value(c, cond)) for cond in CONDITIONS if cond.applies(qs, _value(c, cond))]


def _select(qs: FileQueries, extra: str = "") -> str:
    conf = "f.parse_confidence" if qs.has_confidence else "NULL::DOUBLE"
    return f"""
        SELECT f.filing_id, f.place, f.department, coalesce(f.project, f.title) AS project, f.year,
               f.doc_kind, coalesce(f.source_kind, 'document') AS source_kind, f.total_score, f.score_recomputed,
               f.inflation, f.exec_rate,
               f.budget_adjusted, coalesce(f.finding_count, 0) AS finding_count,
               f.vague_count::DOUBLE / nullif(f.indicator_count, 0) AS vague_share,
               f.deductions_no_reason, {conf} AS confidence{extra}
        {qs.facts()}"""


# One subject, several documents: a department's (or a project's) self-evaluation table and its
# self-evaluation report of the same year are one subject; targets are a subject of their own.
SUBJECT = ("concat_ws('|', f.province, f.city, f.county, f.department, coalesce(f.project, ''), f.year, "
           "CASE WHEN f.doc_kind IN ('project_target', 'dept_target') THEN 'target' ELSE 'eval' END)")
# which document stands for the subject in the list: the table before the report
KIND_RANK = ("CASE f.doc_kind WHEN 'project_self_eval' THEN 0 WHEN 'dept_self_eval' THEN 0 "
             "WHEN 'self_eval_report' THEN 1 ELSE 2 END")
SUBJECT_COLUMNS = ("documents", "kinds")


def _subjects(qs: FileQueries, cond: str) -> str:
    """The matching filings, one row per subject (the table standing for it), with its documents counted
    and their kinds listed; alias f again, so the sorts apply unchanged."""
    extra = (f""", count(*) OVER w AS documents,
               string_agg(f.doc_kind, '、' ORDER BY {KIND_RANK}, f.doc_kind) OVER w AS kinds,
               row_number() OVER (PARTITION BY {SUBJECT} ORDER BY {KIND_RANK}, f.filing_id) AS subject_row""")
    return (f"SELECT * EXCLUDE (subject_row) FROM ({_select(qs, extra)} WHERE {cond} "
            f"WINDOW w AS (PARTITION BY {SUBJECT})) f WHERE f.subject_row = 1")


def _where(qs: FileQueries, f: Filters, c: Conditions) -> tuple[str, list]:
    cond, params = where(f)
    conds = [cond]
    for condition in CONDITIONS:
        value = _value(c, condition)
        if condition.applies(qs, value):
            more, more_params = condition.where(qs, value)
            conds += more
            params = params + list(more_params)
    return " AND ".join(conds), params


def _order(c: Conditions) -> str:
    expr = SORTS.get(c.sort, "f.inflation")
    return f"{expr} {'DESC' if c.descending else 'ASC'} NULLS LAST, f.filing_id"


def count(qs: FileQueries, f: Filters, c: Conditions, subjects: bool = False) -> int:
    """The matching filings, or with `subjects` the subjects they belong to (a table and its report: one)."""
    cond, params = _where(qs, f, c)
    what = f"count(DISTINCT {SUBJECT})" if subjects else "count(*)"
    return int(qs.run(f"SELECT {what} AS n {qs.facts()} WHERE {cond}", params)["n"].iloc[0])


def _rows_sql(qs: FileQueries, f: Filters, c: Conditions, subjects: bool) -> tuple[str, list]:
    cond, params = _where(qs, f, c)
    if subjects:
        return f"SELECT * FROM ({_subjects(qs, cond)}) f ORDER BY {_order(c)}", params
    return f"{_select(qs)} WHERE {cond} ORDER BY {_order(c)}", params


def page(qs: FileQueries, f: Filters, c: Conditions, page_no: int = 1, size: int = 50,
         subjects: bool = False) -> pd.DataFrame:
    sql, params = _rows_sql(qs, f, c, subjects)
    return qs.run(f"{sql} LIMIT ? OFFSET ?", params + [int(size), int(max(page_no - 1, 0) * size)])


def export_sql(qs: FileQueries, f: Filters, c: Conditions, subjects: bool = False) -> tuple[str, list]:
    """The whole result as SQL (no LIMIT): the full export streams it."""
    return _rows_sql(qs, f, c, subjects)


def own_columns(c: Conditions) -> list[str]:
    """The columns the conditions in force and the sort are about, in the sentences' order: shown first."""
    cols = [col for key, col in (("score", "total_score"), ("recomputed", "score_recomputed"),
                                 ("inflation", "inflation"), ("exec_rate", "exec_rate"), ("confidence", "confidence"))
            if any(v is not None for v in getattr(c, key))]
    if c.reason:
        cols.append("deductions_no_reason")
    if c.rules or c.families or c.severities:
        cols.append("finding_count")
    if c.sort in SORTS and c.sort not in ("place", "department", "year") and c.sort not in cols:
        cols.append(c.sort)
    return cols
