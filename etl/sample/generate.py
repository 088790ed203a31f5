"""Generate a deterministic synthetic corpus of filings with known, recorded defects.

Every department of every county files, per year: a 部门整体支出绩效目标表, one
项目支出绩效目标表 per project (in one "targets" file), and one to three
self-evaluation tables plus a 自评报告 (in one "self-eval" file). Defects from
RULES.md are injected at realistic rates and written to manifest.json next to
the files, per filing and per indicator row, so checks can be scored against it.

Same seed and config -> byte-identical files and manifest.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import multiprocessing as mp
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from etl.records import Filing, Indicator, Section, SpendPoint
from etl.sample import corpus_words as V
from etl.write import render

FAMILY = {
    "vague_target": "vague", "vague_actual": "vague",
    "missing_reason": "reason",
    "deducted_though_met": "scoring", "full_though_missed": "scoring",
    "inflated_total": "scoring", "actual_equals_target": "scoring",
    "cost_not_money": "category", "unit_mismatch": "category", "wrong_category": "category",
    "placeholder": "template", "typo": "template",
    "exec_rate_mismatch": "numbers", "plan_not_cumulative": "numbers", "total_not_sum": "numbers",
    "fund_total_mismatch": "numbers", "report_score_mismatch": "numbers",
    "copied_indicators": "copying",
}
FAMILIES = sorted(set(FAMILY.values()))


# ---------------------------------------------------------------- internal row model


@dataclass
class _Row:
    ind: Indicator
    kind: str  # qty, rate, ceil_rate, time, cost, zero, text
    op: str | None = None  # '>=', '<=', None
    num: float | None = None
    unit: str | None = None
    defects: list[str] = field(default_factory=list)
    reason_category: str | None = None
    met: bool | None = None
    skip: bool = False  # an empty placeholder row ('指标2：'): printed, not a real indicator


@dataclass
class _Made:
    filing: Filing
    rows: list[_Row]
    defects: list[dict] = field(default_factory=list)
    key: str = ""  # county/department/year/kind/project: names the filing in the manifest

    def add(self, code: str, detail: str = "") -> None:
        self.defects.append({"code": code, "family": FAMILY[code], "detail": detail})


@dataclass
class Manifest:
    seed: int
    config: dict
    files: list[dict]
    counts: dict
    seconds: float = 0.0

    def to_json(self) -> str:
        d = dataclasses.asdict(self)
        d.pop("seconds")  # run time differs between runs; the file must not
        return json.dumps(d, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------- helpers


def _num(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s


def _pick_weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _split(total: float, k: int) -> list[float]:
    """Integer weights summing to total, larger ones first."""
    if k == 0:
        return []
    base = int(total) // k
    rest = int(total) - base * k
    return [float(base + (1 if i < rest else 0)) for i in range(k)]


def _fmt_target(op: str | None, num: float, unit: str, ge: str) -> str:
    sign = {">=": ge, "<=": "≤", None: ""}[op]
    return f"{sign}{_num(num)}{unit}"


@dataclass
class _Place:
    city: str
    county: str
    adcode: str
    ge: str  # '≥' or '≧' as this county's forms print it
    desc: bool  # does its project target table carry 绩效指标描述
    exec_weight: float  # 10, or 20 in some places
    cost_l1: bool  # 成本指标 as a 一级 (2021 guidance) from 2022 on


def _places(seed: int, n: int) -> list[_Place]:
    out = []
    for i, (city, county, code) in enumerate(V.COUNTIES[:n]):
        r = random.Random(f"{seed}:place:{code}")
        out.append(_Place(city, county, code, ge="≧" if i % 3 == 2 else "≥", desc=i % 2 == 0,
                          exec_weight=20.0 if i % 4 == 3 else 10.0, cost_l1=(city == "湘潭市" and r.random() < 0.7)))
    return out


# ---------------------------------------------------------------- indicator sets


def _project_rows(rng: random.Random, place: _Place, dept: dict, proj: tuple, year: int, budget: float,
                  scale: float, with_desc: bool) -> list[_Row]:
    pname, _, _, qtys = proj
    rows: list[_Row] = []
    ge = place.ge

    def add(l1, l2, name, kind, op, num, unit, text=None):
        target = text if text is not None else _fmt_target(op, num, unit, ge)
        ind = Indicator(seq=0, level1=l1, level2=l2, name=name, target=target)
        if with_desc:
            ind.description = f"反映{name}情况"
        rows.append(_Row(ind, kind, op, num, unit))

    for name, unit, lo, hi in qtys:
        rng.uniform(lo, hi)  # still drawn, so every other value of the corpus stays as it was
        # a project's quantities are its own from year to year (growing with `scale`), not drawn anew:
        # a corpus whose targets jump about would be full of soft targets nobody planted
        n = max(1, round(_stable(place, pname, name).uniform(lo, hi) * scale))
        add("产出指标", "数量指标", name, "qty", ">=" if rng.random() < 0.7 else None, n, unit)
    for name, p in rng.sample(dept["quality"], k=min(len(dept["quality"]), rng.choice([1, 2, 2]))):
        if p <= 3:
            add("产出指标", "质量指标", name, "ceil_rate", "<=", p, "%")
        else:
            add("产出指标", "质量指标", name, "rate", None if p == 100 else ">=", p, "%")
    tname, ttext = rng.choice(V.TIME_ROWS)
    if "{year}" in ttext:
        add("产出指标", "时效指标", tname, "time", None, None, None, ttext.format(year=year))
    else:
        p = float(ttext.strip("≥%"))
        add("产出指标", "时效指标", tname, "rate", ">=" if "≥" in ttext else None, p, "%")
    cost_l1, cost_l2 = ("成本指标", "经济成本指标") if place.cost_l1 and year >= 2022 else ("产出指标", "成本指标")
    add(cost_l1, cost_l2, rng.choice(V.COST_ROWS), "cost", "<=", round(budget, 2), "万元")
    for l2, name, tmpl in rng.sample(dept["benefits"], k=rng.choice([2, 2, 3])):
        rows.append(_benefit(rng, l2, name, tmpl, ge, with_desc, _stable(place, pname, name)))
    sat = rng.choice([85, 90, 90, 95])
    add("满意度指标", "服务对象满意度指标", dept["satisfaction"], "rate", ">=", sat, "%")
    return _ordered(rows)


def _stable(place: _Place, *key: str) -> random.Random:
    """A draw that is the same every year for one place and project row."""
    return random.Random(":".join(("stable", place.adcode) + key))


_BENEFIT_NS = [3, 5, 8, 10, 20, 30, 50, 80, 120, 300, 1500]


def _benefit(rng, l2: str, name: str, tmpl: str, ge: str, with_desc: bool, stable: random.Random | None = None) -> _Row:
    n = rng.choice(_BENEFIT_NS)
    if stable is not None:
        n = stable.choice(_BENEFIT_NS)
    text = tmpl.replace("{n}", str(n)).replace("≥", ge)
    ind = Indicator(seq=0, level1="效益指标", level2=l2, name=name, target=text)
    if with_desc:
        ind.description = f"反映{name}情况"
    body = text.lstrip("≥≧≤")
    op = ">=" if text[0] in "≥≧" else "<=" if text[0] == "≤" else None
    num_s = "".join(ch for ch in body if ch.isdigit() or ch == ".")
    unit = body[len(num_s):] if body.startswith(num_s) else None
    if not num_s or unit is None or "/" in unit:
        return _Row(ind, "text")
    num = float(num_s)
    if num == 0:
        return _Row(ind, "zero", None, 0.0, unit)
    kind = "rate" if unit == "%" else "qty"
    if op == "<=":
        kind = "ceil_rate" if unit == "%" else "ceil"
    return _Row(ind, kind, op, num, unit)


_L1_ORDER = {"产出指标": 0, "成本指标": 1, "效益指标": 2, "满意度指标": 3}
_L2_ORDER = {k: i for i, k in enumerate(["数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "经济效益指标",
                                          "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"])}


def _ordered(rows: list[_Row]) -> list[_Row]:
    rows.sort(key=lambda r: (_L1_ORDER.get(r.ind.level1, 9), _L2_ORDER.get(r.ind.level2, 99)))
    return rows


def _dept_rows(rng: random.Random, place: _Place, dept: dict, year: int, staff: int, retired: int,
               personnel: float, office: float, projects: list[tuple]) -> list[_Row]:
    rows: list[_Row] = []
    ge = place.ge
    for l1, l2, name, tmpl in V.DEPT_ROWS:
        text = tmpl.format(staff=staff, retired=retired, personnel=_num(personnel), office=_num(office))
        ind = Indicator(seq=0, level1=l1, level2=l2, name=name, target=text)
        if name.startswith("保障"):
            rows.append(_Row(ind, "qty", None, float(staff if "在职" in name else retired), "人"))
        elif "万元" in text:
            if place.cost_l1 and year >= 2022:
                ind.level1, ind.level2 = "成本指标", "经济成本指标"
            rows.append(_Row(ind, "cost", "<=", personnel if name == "人员经费" else office, "万元"))
        elif text.startswith("≤"):
            rows.append(_Row(ind, "ceil_rate", "<=", 100.0, "%"))
        else:
            rows.append(_Row(ind, "rate", None, 100.0, "%"))
    for proj in projects[:2]:
        name, unit, lo, hi = proj[3][0]
        rng.uniform(lo, hi)  # still drawn (see _project_rows)
        n = max(1, round(_stable(place, proj[0], name).uniform(lo, hi) * (1 + (year - 2021) * 0.04)))
        rows.append(_Row(Indicator(seq=0, level1="产出指标", level2="数量指标", name=name,
                                   target=_fmt_target(">=", n, unit, ge)), "qty", ">=", float(n), unit))
    for l2, name, tmpl in rng.sample(dept["benefits"], k=3):
        rows.append(_benefit(rng, l2, name, tmpl, ge, False, _stable(place, dept["name"], name)))
    rows.append(_Row(Indicator(seq=0, level1="满意度指标", level2="服务对象满意度指标", name=dept["satisfaction"],
                               target=f"{ge}90%"), "rate", ">=", 90.0, "%"))
    return _ordered(rows)


# ---------------------------------------------------------------- target-table defects


def _target_defects(rng: random.Random, made: _Made, ge: str) -> None:
    for row in made.rows:
        ind = row.ind
        x = rng.random()
        if row.kind == "cost" and x < 0.22:
            ind.name = rng.choice(["合理使用经费", "单项业务成本", "经费使用合规性"])
            ind.target = rng.choice([f"{ge}95%", "100%", "符合相关规定"])
            row.kind, row.op, row.num, row.unit = "text", None, None, None
            row.defects.append("cost_not_money")
            if ind.target == "符合相关规定":
                row.defects.append("vague_target")
        elif row.kind in ("rate", "qty", "text") and ind.level1 == "效益指标" and x < 0.06:
            ind.target = rng.choice(V.VAGUE_TARGETS)
            row.kind, row.op, row.num, row.unit = "text", None, None, None
            row.defects.append("vague_target")
        elif row.kind == "rate" and x < 0.035:
            ind.target = ind.target.replace("%", "百分比")
            if row.num == 100 and row.op is None:
                ind.target = f"{ge}100百分比"
            row.defects.append("unit_mismatch")
        elif ind.level1 == "效益指标" and 0.06 <= x < 0.085:
            ind.name = rng.choice(["预算执行率", "资金结余率", "资金到位率"])
            ind.target = f"{ge}95%"
            row.kind, row.op, row.num, row.unit = "rate", ">=", 95.0, "%"
            row.defects.append("wrong_category")
        elif ind.level1 == "满意度指标" and x < 0.05:
            ind.name = rng.choice(["政策知晓率", "群众幸福感", "社会认可度"])
            row.defects.append("wrong_category")
        elif ind.level2 == "数量指标" and x < 0.02:
            # a template placeholder left in the name: 改造面积(≥**平方米)
            ind.name = f"{ind.name}（{ge}**{row.unit or ''}）"
            row.defects.append("placeholder")
        if ind.basis and rng.random() < 0.03 and ind.basis in V.TYPOS:
            ind.basis = V.TYPOS[ind.basis]
            row.defects.append("typo")
        elif row.unit in ("篇", "人次") and rng.random() < 0.15:
            ind.target = ind.target.replace(row.unit, V.TYPOS[row.unit])
            row.defects.append("typo")
    if rng.random() < 0.03 and made.rows:
        # an empty '指标N：' row left over from the template, inside the last 产出 group
        last = max(i for i, r in enumerate(made.rows) if r.ind.level1 == made.rows[0].ind.level1)
        like = made.rows[last].ind
        n = sum(1 for r in made.rows if r.ind.level2 == like.level2) + 1
        ph = Indicator(seq=0, level1=like.level1, level2=like.level2, name=f"指标{n}：", target="")
        made.rows.insert(last + 1, _Row(ph, "text", defects=["placeholder"], skip=True))


# ---------------------------------------------------------------- self-evaluation


def _actual_for(rng: random.Random, row: _Row, met: bool, year: int) -> str:
    k, num, unit = row.kind, row.num, row.unit or ""
    if k == "time":
        return f"{year}年{rng.choice([10, 11, 12])}月完成" if met else f"{year + 1}年{rng.choice([2, 3, 5])}月完成"
    if k == "text" or num is None:  # not a measure (符合相关规定, ≤200/10万): reported as printed
        return (row.ind.target or "").lstrip("≥≧≤")
    if k == "zero":
        return f"0{unit}" if met else f"{rng.choice([1, 2])}{unit}"
    if k in ("rate",):
        if met:
            v = num if num >= 100 or rng.random() < 0.4 else min(100.0, round(num + rng.uniform(0, 100 - num), 1))
        else:
            v = round(num * rng.uniform(0.7, 0.97), 1)
        return f"{_num(v)}%"
    if k in ("ceil_rate", "ceil", "cost"):
        if met:
            v = round(num * rng.uniform(0.85, 1.0), 2) if num else 0.0
        else:
            v = round(max(num, 0.5) * rng.uniform(1.05, 1.4), 2)
        return f"{_num(v)}{unit}"
    # qty
    if met:
        v = num if rng.random() < 0.5 else math.ceil(num * rng.uniform(1.0, 1.12))
    else:
        v = math.floor(num * rng.uniform(0.6, 0.96))
    return f"{_num(v)}{unit}"


def _score_missed(rng: random.Random, row: _Row, p_miss: float) -> float:
    w = row.ind.weight or 0
    low = 0.2 if p_miss > 0.3 else 0.5  # weak filings lose more per missed row
    return max(0.0, round(w * rng.uniform(low, 0.92) * 2) / 2)


def _self_eval_rows(rng: random.Random, made: _Made, year: int, weights: dict, p_miss: float) -> None:
    """Weights, actuals, scores and reasons for a self-evaluation table; defects recorded per row."""
    rows = [r for r in made.rows if not r.skip]
    groups: dict[str, list[_Row]] = {}
    for r in rows:
        groups.setdefault(r.ind.level1, []).append(r)
    for l1, grp in groups.items():
        for r, w in zip(grp, _split(weights.get(l1, 10), len(grp))):
            r.ind.weight = w
    copy_all = rng.random() < 0.04
    if copy_all:
        made.add("actual_equals_target", "每一行实际完成值与年度指标值相同")
    for r in rows:
        ind = r.ind
        met = r.kind != "text" and rng.random() >= p_miss or r.kind == "text"
        r.met = met
        if copy_all:
            ind.actual = ind.target
            ind.score = ind.weight
            r.met = True
            continue
        ind.actual = _actual_for(rng, r, met, year)
        if "vague_target" in r.defects:
            ind.actual = rng.choice(V.VAGUE_ACTUALS)
            r.defects.append("vague_actual")
            r.met = True
            ind.score = ind.weight
            continue
        if met:
            ind.score = ind.weight
            if r.kind in ("rate", "qty") and r.op == ">=" and rng.random() < 0.04:
                # an actual written as an inequality (≧92%): not a measured value
                ind.actual = ind.target
                r.defects.append("vague_actual")
            elif rng.random() < 0.03:
                ind.actual = rng.choice(V.VAGUE_ACTUALS)
                r.defects.append("vague_actual")
            if rng.random() < 0.025 and ind.weight:
                ind.score = ind.weight - rng.choice([0.5, 1.0, 1.0])
                r.defects.append("deducted_though_met")
                if rng.random() < 0.6:
                    ind.reason = rng.choice(V.EMPTY_REASONS) or None
                    r.defects.append("missing_reason")
                else:
                    cat = _pick_weighted(rng, V.REASON_WEIGHTS)
                    ind.reason, r.reason_category = rng.choice(V.REASONS[cat]), cat
            continue
        if rng.random() < 0.22:
            ind.score = ind.weight
            r.defects.append("full_though_missed")
            if rng.random() < 0.7:
                ind.reason = rng.choice(V.EMPTY_REASONS) or None
                r.defects.append("missing_reason")
            continue
        ind.score = _score_missed(rng, r, p_miss)
        if rng.random() < 0.3:
            ind.reason = rng.choice(V.EMPTY_REASONS) or None
            r.defects.append("missing_reason")
        else:
            cat = _pick_weighted(rng, V.REASON_WEIGHTS)
            ind.reason, r.reason_category = rng.choice(V.REASONS[cat]), cat


def _exec_rate(rng: random.Random) -> float:
    x = rng.random()
    if x < 0.35:
        return 1.0
    if x < 0.72:
        return rng.uniform(0.9, 1.0)
    if x < 0.9:
        return rng.uniform(0.75, 0.9)
    return rng.uniform(0.4, 0.75)


def _fill_budget(rng: random.Random, f: Filing, initial: float, exec_weight: float) -> float:
    """Self-eval money block: A, B, 执行率 and its score. Returns the true B/A."""
    f.budget_initial = round(initial, 2)
    f.budget_adjusted = round(initial if rng.random() < 0.45 else initial * rng.uniform(0.9, 1.35), 2)
    rate = _exec_rate(rng)
    f.budget_executed = round(f.budget_adjusted * rate, 2)
    true_rate = f.budget_executed / f.budget_adjusted if f.budget_adjusted else 0.0
    f.exec_rate_reported = round(true_rate, 4)
    f.exec_weight = exec_weight
    f.exec_score = round(exec_weight * min(true_rate, 1.0), 2)
    x = rng.random()
    if x < 0.1:
        f.budget_carryover = round(f.budget_adjusted * rng.uniform(0.05, 0.2), 2)
    elif x < 0.18:
        f.budget_other = round(f.budget_adjusted * rng.uniform(0.05, 0.3), 2)
    f.budget_fiscal = round(f.budget_adjusted - (f.budget_carryover or 0) - (f.budget_other or 0), 2)
    return true_rate


def _totals(made: _Made, rng: random.Random) -> None:
    f = made.filing
    f.total_weight = 100.0
    f.total_score = round((f.exec_score or 0) + sum(r.ind.score or 0 for r in made.rows if not r.skip), 2)
    if rng.random() < 0.03:
        printed = round(min(100.0, f.total_score + rng.choice([2, 3, 5, -2])), 2)
        if printed != f.total_score:
            made.add("total_not_sum", f"各项得分合计{_num(f.total_score)}分，总分印为{_num(printed)}分")
            f.total_score = printed
    if f.total_score >= 100 and any(r.met is False for r in made.rows):
        made.add("inflated_total", "存在未完成指标但总分为100分")


# ---------------------------------------------------------------- one department-year


@dataclass
class _DeptState:
    dept: dict
    idx: int
    projects: list[tuple]
    scales: list[float]
    staff: int
    retired: int


def _dept_full(place: _Place, dept: dict) -> str:
    return f"{place.county}{dept['name']}"


def _title(place: _Place, dept_full: str, tail: str) -> str:
    return f"{V.PROVINCE}{place.city}{dept_full}{tail}（示例数据）"


def _base(kind: str, place: _Place, dept_full: str, year: int, amount_unit: str) -> Filing:
    return Filing(doc_kind=kind, province=V.PROVINCE, city=place.city, county=place.county, adcode=place.adcode,
                  department=dept_full, year=year, amount_unit=amount_unit)


def _dept_year(seed: int, place: _Place, st: _DeptState, year: int) -> tuple[list[_Made], list[_Made]]:
    rng = random.Random(f"{seed}:{place.adcode}:{st.idx}:{year}")
    dept = st.dept
    dfull = _dept_full(place, dept)
    area = place.county
    unit = "元" if rng.random() < 0.12 else "万元"
    drift = 1 + (year - 2021) * 0.04
    budgets = [round(rng.uniform(p[1], p[2]) * drift, 2) for p in st.projects]
    personnel = round(st.staff * rng.uniform(11, 16), 2)
    office = round(st.staff * rng.uniform(2, 4), 2)
    total = round(personnel + office + sum(budgets), 2)
    exec_weight = place.exec_weight
    out_w = 50.0 - (exec_weight - 10)
    targets: list[_Made] = []
    evals: list[_Made] = []

    # 部门整体支出绩效目标表
    f = _base("dept_target", place, dfull, year, unit)
    f.title = _title(place, dfull, f"{year}年部门整体支出绩效目标表")
    f.budget_initial = total
    f.budget_other = round(total * 0.1, 2) if rng.random() < 0.15 else None
    f.budget_fiscal = round(total - (f.budget_other or 0), 2)
    f.sections = [Section("function", "部门职能", dept["function"].format(area=area[-1] if area[-1] in "区县市" else "")),
                  Section("goal", "整体绩效目标", f"保障{dfull}正常运转，完成年度重点工作任务，服务{dept['people']}，"
                                               f"全年预算{_num(total)}万元按序时进度执行。")]
    rows = _dept_rows(rng, place, dept, year, st.staff, st.retired, personnel, office, st.projects)
    dt = _Made(f, rows, key=f"{place.adcode}/{dept['name']}/{year}/dept_target")
    _target_defects(rng, dt, place.ge)
    targets.append(dt)

    # 项目支出绩效目标表 per project
    proj_targets = []
    for j, (proj, budget, scale) in enumerate(zip(st.projects, budgets, st.scales)):
        f = _base("project_target", place, dfull, year, unit)
        f.project = proj[0]
        f.unit = f"{dfull}{rng.choice(V.SUB_UNITS)}"
        f.project_code = f"{place.adcode}{year % 100}P{st.idx:03d}{j + 1:02d}"
        f.title = _title(place, dfull, f"{year}年{proj[0]}项目支出绩效目标表")
        f.budget_initial = budget
        f.budget_other = round(budget * 0.2, 2) if rng.random() < 0.1 else None
        f.budget_fiscal = round(budget - (f.budget_other or 0), 2)
        what = proj[0]
        f.sections = [Section("goal", "绩效目标", rng.choice(V.GOALS).format(
            what=what, people=dept["people"], sat=90, area=area))]
        rows = _project_rows(rng, place, dept, proj, year, budget, scale * drift, place.desc)
        for r in rows:
            r.ind.basis = rng.choices(V.BASES, weights=[50, 15, 20, 5, 10])[0]
        m = _Made(f, rows, key=f"{place.adcode}/{dept['name']}/{year}/project_target/{proj[0]}")
        shares = rng.choice([(0.25, 0.5, 0.75, 1.0), (0.1, 0.4, 0.8, 1.0), (0.2, 0.6, 0.9, 1.0), (0.3, 0.6, 0.9, 1.0)])
        vals = [round(budget * s, 2) for s in shares]
        if rng.random() < 0.08:
            if rng.random() < 0.5:  # per-period amounts instead of cumulative ones (seed 000: 0.33/0.66/0.99/0.34)
                vals = [round(budget * 0.25, 2)] * 4 if rng.random() < 0.5 else vals[:3] + [round(budget * 0.25, 2)]
            else:
                vals[-1] = round(budget * rng.uniform(0.6, 0.9), 2)
            m.add("plan_not_cumulative", "资金支出计划 " + " / ".join(_num(v) for v in vals) + f"，预算数{_num(budget)}")
        f.spending_plan = [SpendPoint(f"{mo}月底", mo, v) for mo, v in zip((3, 6, 10, 12), vals)]
        _target_defects(rng, m, place.ge)
        targets.append(m)
        proj_targets.append(m)

    # self-evaluations: a whole-department table (often) and one or two project tables
    quality = rng.random()
    p_miss = 0.06 if quality < 0.65 else (0.2 if quality < 0.85 else 0.5)
    weights = {"产出指标": out_w, "效益指标": 30.0, "满意度指标": 10.0}
    dse = None
    if rng.random() < 0.6:
        f = _base("dept_self_eval", place, dfull, year, unit)
        f.title = _title(place, dfull, f"部门整体支出绩效自评表（{year}年度）")
        rows = _clone_rows(dt.rows)
        m = _Made(f, rows, key=f"{place.adcode}/{dept['name']}/{year}/dept_self_eval")
        _fill_budget(rng, f, total, exec_weight)
        _self_eval_rows(rng, m, year, _self_weights(m, place, year, weights), p_miss)
        _eval_extras(rng, m, dept)
        evals.append(m)
        dse = m
    n_proj = min(len(proj_targets), rng.choice([1, 1, 2]) if dse else rng.choice([1, 2, 2]))
    for pt in proj_targets[:n_proj]:
        f = _base("project_self_eval", place, dfull, year, unit)
        f.project, f.unit = pt.filing.project, pt.filing.unit
        f.title = _title(place, dfull, f"{year}年度{f.project}项目支出绩效自评表")
        rows = _clone_rows(pt.rows)
        for r in rows:
            r.ind.description = None
            r.ind.basis = None
        m = _Made(f, rows, key=f"{place.adcode}/{dept['name']}/{year}/project_self_eval/{f.project}")
        _fill_budget(rng, f, pt.filing.budget_initial, exec_weight)
        _self_eval_rows(rng, m, year, _self_weights(m, place, year, weights), p_miss)
        _eval_extras(rng, m, dept)
        evals.append(m)

    # 部门整体支出绩效自评报告
    evals.append(_report(rng, place, st, dfull, year, total, dse, evals))
    return targets, evals


def _self_weights(m: _Made, place: _Place, year: int, weights: dict) -> dict:
    w = dict(weights)
    if any(r.ind.level1 == "成本指标" for r in m.rows):
        w["产出指标"] = weights["产出指标"] - 10
        w["成本指标"] = 10.0
    return w


_VISIBLE_IN_EVAL = ("vague_target", "cost_not_money", "unit_mismatch", "wrong_category", "placeholder")


def _clone_rows(rows: list[_Row], keep_all: bool = False) -> list[_Row]:
    """Copies of rows; a self-evaluation keeps only the defects its printed columns still show
    (the 指标值确定依据 column, and so a typo in it, is not printed there)."""
    out = []
    for r in rows:
        ind = copy.copy(r.ind)
        if keep_all:
            keep = list(r.defects)
        else:
            keep = [d for d in r.defects if d in _VISIBLE_IN_EVAL]
            if "typo" in r.defects and r.unit in V.TYPOS and V.TYPOS[r.unit] in (ind.target or ""):
                keep.append("typo")
        out.append(_Row(ind, r.kind, r.op, r.num, r.unit, keep, skip=r.skip))
    return out


def _eval_extras(rng: random.Random, m: _Made, dept: dict) -> None:
    f = m.filing
    true_rate = f.budget_executed / f.budget_adjusted if f.budget_adjusted else 0
    if rng.random() < 0.05:
        printed = 1.0 if true_rate < 0.97 else round(true_rate - rng.uniform(0.05, 0.15), 4)
        f.exec_rate_reported = printed
        made_detail = f"全年执行数/全年预算数={true_rate:.2%}，执行率印为{printed:.2%}"
        m.add("exec_rate_mismatch", made_detail)
    if rng.random() < 0.02 and f.budget_fiscal:
        f.budget_fiscal = round(f.budget_fiscal * rng.uniform(0.5, 0.9), 2)
        m.add("fund_total_mismatch", "财政拨款、上年结转与其他资金之和不等于年度资金总额")
    what = f.project or "部门整体工作"
    f.sections = [Section("goal_expected", "预期目标", rng.choice(V.GOALS).format(what=what, people=dept["people"], sat=90, area=f.county)),
                  Section("goal_actual", "实际完成情况", rng.choice(V.GOALS_DONE).format(what=what, people=dept["people"],
                                                                                     sat=rng.choice([92, 95, 96, 98])))]
    _totals(m, rng)


def _report(rng, place: _Place, st: _DeptState, dfull: str, year: int, total: float, dse: _Made | None,
            evals: list[_Made]) -> _Made:
    f = _base("self_eval_report", place, dfull, year, "万元")
    f.title = _title(place, dfull, f"{year}年度部门整体支出绩效自评报告")
    if dse is not None:
        src = dse.filing
        f.budget_initial, f.budget_adjusted, f.budget_executed = src.budget_initial, src.budget_adjusted, src.budget_executed
        score = src.total_score
    else:
        f.budget_initial = total
        f.budget_adjusted = round(total * rng.uniform(1.0, 1.3), 2)
        f.budget_executed = round(f.budget_adjusted * _exec_rate(rng), 2)
        scores = [m.filing.total_score for m in evals if m.filing.total_score is not None]
        score = round(sum(scores) / len(scores), 1) if scores else 90.0
    f.exec_rate_reported = round(f.budget_executed / f.budget_adjusted, 4) if f.budget_adjusted else None
    m = _Made(f, [], key=f"{place.adcode}/{st.dept['name']}/{year}/self_eval_report")
    printed = score
    if rng.random() < 0.03:
        printed = round(min(100.0, score + rng.choice([3, 5, 7])), 1)
        if printed != score:
            m.add("report_score_mismatch", f"自评表总分{_num(score)}分，报告称自评得分{_num(printed)}分")
    f.total_score = printed
    projects = "、".join(p[0] for p in st.projects)
    rate_txt = f"{f.exec_rate_reported * 100:.2f}%" if f.exec_rate_reported is not None else ""
    probs = rng.sample(V.REPORT_PROBLEMS, k=2)
    f.sections = [
        Section("report", "一、基本情况", f"{dfull}（示例数据）内设机构{rng.randint(3, 8)}个，编制{st.staff}人，实有在职人员{st.staff}人，"
                                        f"退休人员{st.retired}人。{year}年度主要承担{projects}等工作。"),
        Section("report", "二、预算执行情况", f"{year}年年初预算{_num(f.budget_initial)}万元，全年预算{_num(f.budget_adjusted)}万元，"
                                          f"全年执行{_num(f.budget_executed)}万元，执行率{rate_txt}。"),
        Section("report", "三、绩效目标实现情况", f"对照年初设定的绩效目标，各项产出、效益和满意度指标总体完成，服务对象满意度达到{rng.choice([90, 92, 95, 96])}%。"),
        Section("report", "四、存在的问题及原因分析", "\n".join(probs)),
        Section("report", "五、下一步改进措施", "\n".join(V.REPORT_MEASURES[:rng.randint(2, 4)])),
        Section("report", "六、结果应用", f"经对照评分标准逐项自评，{dfull}{year}年度部门整体支出绩效自评得分{_num(printed)}分，"
                                      f"评价等级为{_grade(printed)}。自评结果将在部门门户网站公开，并作为下年度预算安排的参考。"),
    ]
    f.grade_reported = _grade(printed)
    return m


def _grade(score: float) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


# ---------------------------------------------------------------- the corpus


def _states(seed: int, place: _Place, n_depts: int) -> list[_DeptState]:
    rng = random.Random(f"{seed}:depts:{place.adcode}")
    order = list(range(len(V.DEPARTMENTS)))
    rng.shuffle(order)
    chosen = sorted(order[: min(n_depts, len(order))])
    out = []
    for i in chosen:
        dept = V.DEPARTMENTS[i]
        k = rng.choice([1, 2, 2, 3]) if len(dept["projects"]) >= 3 else rng.choice([1, 2, 2])
        projects = sorted(rng.sample(dept["projects"], k=min(k, len(dept["projects"]))), key=dept["projects"].index)
        out.append(_DeptState(dept, i + 1, projects, [rng.uniform(0.6, 1.2) for _ in projects],
                              staff=rng.randint(5, 60), retired=rng.randint(1, 30)))
    return out


def _copy_defects(seed: int, groups: list[tuple[list[_Made], list[_Made]]]) -> None:
    """Copied indicator sets: a table takes another department's (same county, year) or its own last year's rows."""
    rng = random.Random(f"{seed}:copy")
    by_kind: dict[tuple, list[_Made]] = {}
    for targets, evals in groups:
        for m in targets + evals:
            if m.filing.doc_kind in ("dept_target", "project_target"):
                by_kind.setdefault((m.filing.doc_kind, m.filing.county), []).append(m)
    forced = False
    for (kind, _), items in sorted(by_kind.items()):
        for m in items:
            # at least one copy per corpus, so even a small test corpus holds every defect family
            force = not forced and kind == "project_target" and m is items[-1] and len(items) > 1
            if rng.random() >= 0.04 and not force:
                continue
            same_dept_prev = [o for o in items if o.filing.department == m.filing.department
                              and o.filing.year == (m.filing.year or 0) - 1 and o.filing.project == m.filing.project]
            others = [o for o in items if o.filing.department != m.filing.department and o.filing.year == m.filing.year]
            src = same_dept_prev[0] if same_dept_prev and rng.random() < 0.5 else (rng.choice(others) if others else None)
            if src is None or any(d["code"] == "copied_indicators" for d in src.defects):
                continue
            m.rows = _clone_rows(src.rows, keep_all=True)
            m.add("copied_indicators", f"指标与「{src.key}」完全相同")
            forced = True


def _finish(m: _Made) -> Filing:
    f = m.filing
    f.indicators = [r.ind for r in m.rows]
    for i, ind in enumerate(f.indicators, start=1):
        ind.seq = i
    return f


def _build(seed: int, counties: int, departments_per_county: int, years) -> list[tuple[list[_Made], list[_Made]]]:
    groups = []
    for place in _places(seed, counties):
        for st in _states(seed, place, departments_per_county):
            for year in years:
                groups.append(_dept_year(seed, place, st, year))
    _copy_defects(seed, groups)
    for targets, evals in groups:
        for m in targets + evals:
            _finish(m)
    return groups


def generate_county_filings(seed: int = 2024, counties: int = 2, departments_per_county: int = 20,
                            years=(2022, 2023)) -> list[Filing]:
    """Whole counties' filings in memory (no rendering): every department of each county, each year, as the
    corpus files them (copies between departments included). Each gets a filing id and a source file name."""
    out: list[Filing] = []
    for targets, evals in _build(seed, counties, departments_per_county, tuple(years)):
        for m in targets + evals:
            f = m.filing
            f.filing_id = f"G{len(out):05d}"
            f.source_file = f"sample_{f.filing_id}_{f.department}_{f.year}.txt"
            f.source_sha256 = f.filing_id
            out.append(f)
    return out


def generate_filings(n: int, seed: int = 2024) -> list[Filing]:
    """n filings in memory (no rendering), cycling through counties, departments and years."""
    out: list[Filing] = []
    years = list(range(2019, 2031))
    places = _places(seed, len(V.COUNTIES))
    rep = 0
    while len(out) < n:
        for place in places:
            for st in _states(seed + rep, place, len(V.DEPARTMENTS)):
                for year in years:
                    targets, evals = _dept_year(seed + rep, place, st, year)
                    out.extend(_finish(m) for m in targets + evals)
                    if len(out) >= n:
                        return out[:n]
        rep += 1
    return out[:n]


def generate_with_truth(n: int, seed: int = 2024) -> list[tuple[Filing, dict]]:
    """n filings as generate_filings makes them, each with its manifest truth (placeholder rows marked skip)."""
    out: list[tuple[Filing, dict]] = []
    years = list(range(2019, 2031))
    places = _places(seed, len(V.COUNTIES))
    rep = 0
    while True:
        for place in places:
            for st in _states(seed + rep, place, len(V.DEPARTMENTS)):
                for year in years:
                    targets, evals = _dept_year(seed + rep, place, st, year)
                    for m in targets + evals:
                        out.append((_finish(m), _truth(m)))
                        if len(out) >= n:
                            return out
        rep += 1


def _truth(m: _Made) -> dict:
    f = m.filing
    d = {k: v for k, v in dataclasses.asdict(f).items()
         if k not in ("indicators", "loc", "parse_status", "parse_notes", "source_file", "source_sha256", "filing_id")}
    d["spending_plan"] = [{"period": p.period, "month": p.month, "value": p.value} for p in f.spending_plan]
    d["sections"] = [{"kind": s.kind, "heading": s.heading, "text": s.text} for s in f.sections]
    d["key"] = m.key
    d["defects"] = m.defects
    inds = []
    for r in m.rows:
        row = {k: getattr(r.ind, k) for k in ("seq", "level1", "level2", "name", "description", "target", "actual",
                                               "weight", "score", "reason", "basis")}
        row["met"] = r.met
        row["reason_category"] = r.reason_category
        row["skip"] = r.skip
        row["defects"] = sorted(set(r.defects))
        inds.append(row)
    d["indicators"] = inds
    return d


def _plan_files(groups, formats, rng: random.Random) -> list[tuple[str, str, list[_Made]]]:
    files = []
    for targets, evals in groups:
        t0 = targets[0].filing
        stem = f"sample_{t0.adcode}_{t0.department}_{t0.year}"
        files.append((stem + "_绩效目标", targets))
        files.append((stem + "_绩效自评", evals))
    order = [formats[i % len(formats)] for i in range(len(files))]
    rng.shuffle(order)
    return [(f"{stem}.{fmt}", fmt, made) for (stem, made), fmt in zip(files, order)]


def _render_one(job: tuple[str, list[Filing]]) -> bytes:
    fmt, filings = job
    return render(filings, fmt)


def generate_corpus(out_dir: Path, seed: int = 2024, counties: int = 6, departments_per_county: int = 20,
                    years=(2021, 2022, 2023), formats=("docx", "xlsx", "pdf", "html", "txt"), workers: int = 1) -> Manifest:
    """Write the corpus into out_dir with manifest.json. workers > 1 renders in parallel (same bytes)."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    groups = _build(seed, counties, departments_per_county, tuple(years))
    plan = _plan_files(groups, tuple(formats), random.Random(f"{seed}:formats"))
    jobs = [(fmt, [m.filing for m in made]) for _, fmt, made in plan]
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            blobs = pool.map(_render_one, jobs, chunksize=8)
    else:
        blobs = [_render_one(j) for j in jobs]
    files = []
    for (name, fmt, made), data in zip(plan, blobs):
        (out_dir / name).write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        filings = []
        for i, m in enumerate(made):
            m.filing.part_index = i
            filings.append(_truth(m))
        files.append({"file": name, "fmt": fmt, "sha256": sha, "bytes": len(data), "filings": filings})
    counts = _counts(files)
    manifest = Manifest(seed=seed, config={"counties": counties, "departments_per_county": departments_per_county,
                                           "years": list(years), "formats": list(formats)},
                        files=files, counts=counts)
    (out_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    manifest.seconds = round(time.perf_counter() - t0, 2)
    return manifest


def _counts(files: list[dict]) -> dict:
    c: dict = {"files": len(files), "filings": 0, "indicators": 0, "by_kind": {}, "by_format": {}, "defects": {},
               "families": {}, "counties": sorted({f2["county"] for f in files for f2 in f["filings"]})}
    for f in files:
        c["by_format"][f["fmt"]] = c["by_format"].get(f["fmt"], 0) + 1
        for fl in f["filings"]:
            c["filings"] += 1
            c["by_kind"][fl["doc_kind"]] = c["by_kind"].get(fl["doc_kind"], 0) + 1
            codes = [d["code"] for d in fl["defects"]] + [code for r in fl["indicators"] for code in r["defects"]]
            c["indicators"] += sum(1 for r in fl["indicators"] if not r["skip"])
            for code in codes:
                c["defects"][code] = c["defects"].get(code, 0) + 1
                fam = FAMILY[code]
                c["families"][fam] = c["families"].get(fam, 0) + 1
    c["defects"] = dict(sorted(c["defects"].items()))
    c["families"] = dict(sorted(c["families"].items()))
    return c


if __name__ == "__main__":  # python -m etl.sample.generate OUT_DIR
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample")
    mf = generate_corpus(target, workers=int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    print(json.dumps({k: v for k, v in mf.counts.items() if k != "counties"}, ensure_ascii=False))
    print(f"{mf.counts['files']} files, {mf.counts['filings']} filings in {mf.seconds}s")
