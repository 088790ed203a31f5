"""Series: one department's (or one project's) filings across years, and the links between years.

A department is its province, its place (county, else city, else province) and
its folded name: county names repeat across provinces. Department-level filings
(部门整体目标表, 自评表, 自评报告) of one department form one series. Project
filings form one series per project: the same 项目编码, else the same folded
name (year and trailing 项目 dropped), else a name close enough by rapidfuzz
(`project_similarity`), provided the series has no other project of that name in
the same year (two projects of one department filed side by side are two
projects, however alike their names).

A filing links to the filings of its series in the year before (target table
and self-evaluation alike).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from etl.measures import fold_key, place_of
from etl.records import Filing

from .keys import fold_project

PROJECT_KINDS = ("project_target", "project_self_eval")


@dataclass(slots=True)
class Member:
    series_id: str
    match: str  # how the filing joined its series: dept, code, name, fuzzy, first
    similarity: float  # 0..1 (1 for code / name / dept)


@dataclass(frozen=True, slots=True)
class Link:
    filing: int  # index into the filings list
    prev: int
    match: str
    similarity: float


def department_key(f: Filing) -> str:
    # the province too: county names repeat across provinces (鼓楼区, 朝阳区, 通州区 ...), and a
    # national lake holds them all; without it two counties' 教育局 were one series
    place = fold_key(place_of(f))
    return f"{fold_key(f.province)}|{place}|{fold_key(f.department)}"


def _kind_class(f: Filing) -> str:
    return "P" if f.doc_kind in PROJECT_KINDS else "D"


def assign_series(filings: list[Filing], settings) -> list[Member | None]:
    """The series of every filing (None when it names no department or no year)."""
    out: list[Member | None] = [None] * len(filings)
    by_dept: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(filings):
        if not fold_key(f.department) or f.year is None:
            continue
        dk = department_key(f)
        if _kind_class(f) == "D":
            out[i] = Member(f"{dk}|D", "dept", 1.0)
        else:
            by_dept[dk].append(i)
    cutoff = settings.soft("project_similarity", 85.0)
    for dk, idx in by_dept.items():
        idx.sort(key=lambda i: (filings[i].year, filings[i].filing_id or "", i))
        names: dict[str, str] = {}  # folded name -> series id
        codes: dict[str, str] = {}  # project code -> series id
        years: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))  # series -> year -> names
        for i in idx:
            f = filings[i]
            name, code = fold_project(f.project), fold_key(f.project_code)
            if not name and not code:
                continue
            sid, match, sim = None, "first", 1.0
            if code and code in codes:
                sid, match = codes[code], "code"
            elif name and name in names:
                sid, match = names[name], "name"
            elif name and names:
                # the closest earlier name whose series has no other project in this year
                for cand, score, _ in process.extract(name, list(names), scorer=fuzz.ratio, score_cutoff=cutoff,
                                                       limit=5):
                    other = names[cand]
                    if not (years[other][f.year] - {name}):
                        sid, match, sim = other, "fuzzy", round(score / 100, 4)
                        break
            if sid is None:
                sid = f"{dk}|P|{code or name}"
            if name:
                names.setdefault(name, sid)
            if code:
                codes.setdefault(code, sid)
            years[sid][f.year].add(name)
            out[i] = Member(sid, match, sim)
    return out


_EVAL_FIRST = {"project_self_eval": 0, "dept_self_eval": 0, "project_target": 1, "dept_target": 1}


def year_links(filings: list[Filing], members: list[Member | None], max_prev: int = 6) -> list[Link]:
    """Each filing to the filings of its series one year earlier: self-evaluations first (they carry the
    actuals), at most `max_prev` of them (a series holds two or three filings a year; more are copies
    of one table in several files, and linking each to each would grow with their square)."""
    by_series_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, m in enumerate(members):
        if m is not None:
            by_series_year[(m.series_id, filings[i].year)].append(i)
    for group in by_series_year.values():
        group.sort(key=lambda j: (_EVAL_FIRST.get(filings[j].doc_kind, 2), filings[j].filing_id or "", j))
    out = []
    for i, m in enumerate(members):
        if m is None:
            continue
        for j in by_series_year.get((m.series_id, filings[i].year - 1), [])[:max_prev]:
            out.append(Link(i, j, m.match, m.similarity))
    return out
