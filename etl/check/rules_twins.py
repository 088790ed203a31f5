"""numbers: a project held both as a structured import and as a published document, where the two differ.

The budget system's export (source_kind 'structured') and a published copy of the same filing
(source_kind 'document') are the same filing when they are of the same kind and year and have the
same project code, or else the same department and project name (year and trailing 项目 dropped;
for a department-level filing, the same department). The structured one is exact by construction,
so it is the one shown (the published one is marked `superseded` and left out of every count), and
what the published copy prints differently is reported on the structured filing, with both values.
"""
from __future__ import annotations

from collections import defaultdict

from etl.link.keys import fold_project, fold_text
from etl.records import Filing, Indicator

from .registry import REGISTRY, rule
from .settings import load_settings
from .values import ftext

# filing fields compared, with their Chinese names
FILING_FIELDS = (("budget_initial", "年初预算数"), ("budget_adjusted", "全年预算数"), ("budget_executed", "全年执行数"),
                 ("exec_rate_reported", "执行率"), ("total_weight", "总分值"), ("total_score", "自评总分"),
                 ("grade_reported", "自评等级"))
INDICATOR_FIELDS = (("target", "指标值"), ("actual", "完成值"), ("weight", "分值"), ("score", "得分"))
MAX_LISTED = 5  # differences spelled out in the message; the evidence has them all


def twin_key(f: Filing) -> list[tuple]:
    """The keys under which two filings of different sources are the same filing (code first)."""
    keys = []
    if f.project_code and fold_text(f.project_code):
        keys.append(("code", f.doc_kind, f.year, fold_text(f.project_code)))
    dept = fold_text(f.department)
    if dept and f.year is not None:
        if f.doc_kind.startswith("project"):
            name = fold_project(f.project)
            if name:
                keys.append(("name", f.doc_kind, f.year, dept, name))
        else:
            keys.append(("name", f.doc_kind, f.year, dept))
    return keys


def pairs(filings: list[Filing]) -> list[tuple[int, int, str]]:
    """(structured index, document index, 'code' | 'name') for every published filing that has a structured twin."""
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(filings):
        if f.source_kind == "structured":
            for k in twin_key(f):
                by_key[k].append(i)
    out = []
    for j, d in enumerate(filings):
        if d.source_kind == "structured":
            continue
        for k in twin_key(d):
            hits = by_key.get(k)
            if hits:
                out.append((hits[0], j, k[0]))
                break
    return out


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return ftext(str(a)) == ftext(str(b))


def _show(v) -> str:
    if v is None:
        return "（空）"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _row_key(ind: Indicator) -> str:
    return f"{fold_text(ind.level2)}|{fold_text(ind.name)}"


def differences(s: Filing, d: Filing) -> list[tuple[int | None, str, str, str]]:
    """(structured indicator seq or None, what, structured value, published value) for every difference."""
    out = []
    for fld, label in FILING_FIELDS:
        a, b = getattr(s, fld), getattr(d, fld)
        if (a is not None or b is not None) and not _same(a, b):
            out.append((None, label, _show(a), _show(b)))
    theirs: dict[str, Indicator] = {}
    for ind in d.indicators:
        theirs.setdefault(_row_key(ind), ind)
    mine = set()
    for ind in s.indicators:
        k = _row_key(ind)
        mine.add(k)
        other = theirs.get(k)
        if other is None:
            out.append((ind.seq, f"指标「{ind.name}」", "有", "公开文件中没有"))
            continue
        for fld, label in INDICATOR_FIELDS:
            a, b = getattr(ind, fld), getattr(other, fld)
            if fld in ("target", "actual"):
                ma, mb = getattr(ind, fld + "_m"), getattr(other, fld + "_m")
                if ma is not None and mb is not None:
                    if (ma.op or "") == (mb.op or "") and _same(ma.num, mb.num) and (ma.unit or "") == (mb.unit or ""):
                        continue
            if (a is not None or b is not None) and not _same(a, b):
                out.append((ind.seq, f"指标「{ind.name}」{label}", _show(a), _show(b)))
    for ind in d.indicators:
        if _row_key(ind) not in mine:
            out.append((None, f"指标「{ind.name}」", "系统导出中没有", "有"))
    return out


@rule("TWIN_DIFFERS", "numbers", "warning", "公开文件与系统导出的同一项目数值不一致", scope="corpus", example="ex_twin_differs")
def _twin_differs(filings, ctx):
    """A project (or department) imported from the budget system's export and also read from a published
    document: every field and indicator value the two print differently, the export's value first."""
    for si, di, how in pairs(filings):
        s, d = filings[si], filings[di]
        diffs = differences(s, d)
        if not diffs:
            continue
        listed = "；".join(f"{what}：系统导出为{a}，公开文件为{b}" for _, what, a, b in diffs[:MAX_LISTED])
        more = f"；另有 {len(diffs) - MAX_LISTED} 处" if len(diffs) > MAX_LISTED else ""
        by = "项目代码" if how == "code" else "部门、名称和年度"
        yield si, None, (f"公开文件「{d.source_file or d.filing_id}」与系统导出是同一{('项目' if s.project else '部门')}"
                         f"（按{by}匹配），有 {len(diffs)} 处不一致（以系统导出为准）：{listed}{more}。"), \
            "\n".join(f"{what}|{a}|{b}" for _, what, a, b in diffs)


class _Ctx:
    def __init__(self, settings):
        self.settings = settings


def twin_findings(filings: list[Filing], settings=None) -> list:
    """Findings of the corpus rule TWIN_DIFFERS over these filings."""
    from etl.records import Finding

    r = REGISTRY["TWIN_DIFFERS"]
    ctx = _Ctx(settings or load_settings())
    return [Finding(rule=r.id, family=r.family, severity=r.severity, message=m, indicator_seq=seq,
                    filing_id=filings[i].filing_id, evidence=e) for i, seq, m, e in r.fn(filings, ctx)]
