"""Multi-year project series with planted soft targets, for measuring the rules of family 'soft'.

Every project of a department files, each year, a 项目支出绩效目标表 and a
项目支出绩效自评表. A clean series sets targets the way a department that
means to improve would: each year's target at least last year's target and
last year's actual (for a ≤ row: at most), actuals a little above target, the
execution rate high. Into some series one soft target is planted, and the
manifest records every row or filing it makes soft, with the rule that should
find it:

    soft_lowered              target cut below last year's (and so below last year's actual)
    soft_below_last_actual    target raised a little, but below last year's much higher actual
    soft_always_exceeded      actual ≥ 1.6× target two years running (target held)
    soft_peer_outlier         a rate every peer sets at 95–100 % set at 80–85 % (all years)
    soft_full_score_deviation 总分 100 with a missed row or a written deviation reason
    soft_exec_low_score_high  执行率 55–78 % with the self-score still ≥ 95

Project names drift between years (a year prefix, 专项, 县级) and some carry a
项目编码, so the links between years are exercised too. Same seed -> the same
filings, files and manifest.
"""
from __future__ import annotations

import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from etl.records import Filing, Indicator
from etl.sample import corpus_words as V
from etl.write import render

RULE_OF = {
    "soft_lowered": "SOFT_TARGET_LOWERED",
    "soft_below_last_actual": "SOFT_TARGET_BELOW_LAST_ACTUAL",
    "soft_always_exceeded": "SOFT_ALWAYS_EXCEEDED",
    "soft_peer_outlier": "SOFT_PEER_OUTLIER",
    "soft_full_score_deviation": "SOFT_FULL_SCORE_DEVIATION",
    "soft_exec_low_score_high": "SOFT_EXEC_LOW_SCORE_HIGH",
}
# plants of one series (one each at most) and how often
_PLANTS = {"soft_lowered": 0.1, "soft_below_last_actual": 0.1, "soft_always_exceeded": 0.1, "soft_peer_outlier": 0.06}
_SHARED = ("产出指标", "质量指标", "项目验收合格率")  # a rate every project sets: the peers' yardstick


@dataclass
class _Spec:
    level1: str
    level2: str
    name: str
    kind: str  # qty (≥ count), rate (≥ %), ceil (≤ %), cost (≤ 万元), sat (≥ % survey)
    unit: str


@dataclass
class _Series:
    county: str
    city: str
    dept: str
    project: str
    code: str | None
    budget: float
    specs: list[_Spec]
    plant: str | None = None
    plant_year: int | None = None
    plant_row: int | None = None
    targets: dict = field(default_factory=dict)  # year -> [target numbers]
    actuals: dict = field(default_factory=dict)


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _text(spec: _Spec, v: float, target: bool) -> str:
    op = "≥" if spec.kind in ("qty", "rate", "sat") else "≤"
    return f"{op if target else ''}{_num(v)}{spec.unit}"


def _series(seed: int, counties: int, departments: int) -> list[_Series]:
    out = []
    # counties from the end of the list: the main sample corpus takes them from the start, and the two
    # must not share departments (their filings would join each other's series)
    for city, county, code in V.COUNTIES[::-1][:counties]:
        rng = random.Random(f"{seed}:series:{code}")
        for dept in rng.sample(V.DEPARTMENTS, k=min(departments, len(V.DEPARTMENTS))):
            projects = rng.sample(dept["projects"], k=min(len(dept["projects"]), rng.choice([1, 2, 2])))
            for pname, lo, hi, qtys in projects:
                specs = [_Spec("产出指标", "数量指标", n, "qty", u) for n, u, _, _ in qtys]
                rates = [(n, p) for n, p in dept["quality"] if 85 <= p <= 99 and "验收" not in n]
                specs += [_Spec("产出指标", "质量指标", n, "rate", "%") for n, _ in rates[:1]]
                specs.append(_Spec(*_SHARED, "rate", "%"))
                specs.append(_Spec("产出指标", "质量指标", "工作差错率", "ceil", "%"))
                specs.append(_Spec("产出指标", "成本指标", "项目总成本", "cost", "万元"))
                specs.append(_Spec("满意度指标", "服务对象满意度指标", dept["satisfaction"], "sat", "%"))
                s = _Series(county, city, f"{county}{dept['name']}", pname,
                            f"XM{code}{len(out):04d}" if rng.random() < 0.3 else None,
                            round(rng.uniform(lo, hi), 2), specs)
                x = rng.random()
                for plant, p in _PLANTS.items():
                    if x < p:
                        s.plant = plant
                        break
                    x -= p
                out.append(s)
    return out


def _first_targets(rng: random.Random, s: _Series) -> list[float]:
    out = []
    for sp in s.specs:
        if sp.kind == "qty":
            out.append(float(rng.randint(20, 400)))
        elif sp.kind == "rate":
            out.append(float(rng.choice([95, 96, 97, 98])))
        elif sp.kind == "ceil":
            out.append(float(rng.choice([2, 3])))
        elif sp.kind == "cost":
            out.append(s.budget)
        else:
            out.append(90.0)
    return out


def _clean_actual(rng: random.Random, sp: _Spec, t: float) -> float:
    if sp.kind == "qty":
        return float(math.ceil(t * rng.uniform(1.0, 1.1)))
    if sp.kind in ("rate", "sat"):
        if sp.kind == "sat":
            return float(rng.choice([92, 95, 96, 98]))
        # a rate reached, or passed by under a point (rates that run away would spread the peers apart)
        return t if rng.random() < 0.6 else min(100.0, round(t + rng.uniform(0, 1), 1))
    if sp.kind == "ceil":
        return round(t * rng.uniform(0.7, 1.0), 1)
    return round(t * rng.uniform(0.9, 1.0), 2)


def _next_target(rng: random.Random, sp: _Spec, t: float, a: float, budget: float) -> float:
    if sp.kind == "qty":
        return float(max(math.ceil(t * rng.uniform(1.0, 1.08)), a))
    if sp.kind == "rate":
        return min(100.0, max(t, a))
    if sp.kind == "ceil":
        return min(t, a)
    if sp.kind == "cost":
        return budget
    return t


def _plan(seed: int, series: list[_Series], years: list[int]) -> None:
    """Targets and actuals of every series and year, the plant applied."""
    for k, s in enumerate(series):
        rng = random.Random(f"{seed}:values:{k}")
        if s.plant:
            s.plant_year = rng.choice(years[1:])
            kinds = {"soft_peer_outlier": ("rate",)}.get(s.plant, ("qty",))
            rows = [i for i, sp in enumerate(s.specs) if sp.kind in kinds]
            s.plant_row = rows[-1] if s.plant == "soft_peer_outlier" else rng.choice(rows)
        t = _first_targets(rng, s)
        if s.plant == "soft_peer_outlier":
            t[s.plant_row] = float(rng.choice([80, 82, 85]))
        for y in years:
            if y != years[0]:
                prev_t, prev_a = s.targets[y - 1], s.actuals[y - 1]
                budget = round(s.budget * (1 + 0.04 * (y - years[0])), 2)
                t = [_next_target(rng, sp, a_t, a_a, budget) for sp, a_t, a_a in zip(s.specs, prev_t, prev_a)]
                r = s.plant_row
                if y == s.plant_year and s.plant == "soft_lowered":
                    t[r] = float(math.floor(prev_t[r] * rng.uniform(0.6, 0.85)))
                elif y == s.plant_year and s.plant == "soft_below_last_actual":
                    t[r] = float(math.ceil(prev_t[r] * rng.uniform(1.02, 1.1)))
                elif y == s.plant_year and s.plant == "soft_always_exceeded":
                    t[r] = prev_t[r]
                if s.plant == "soft_peer_outlier":
                    t[s.plant_row] = prev_t[s.plant_row]
            a = [_clean_actual(rng, sp, x) for sp, x in zip(s.specs, t)]
            r = s.plant_row
            if s.plant == "soft_below_last_actual" and y == s.plant_year - 1:
                a[r] = float(math.ceil(t[r] * rng.uniform(1.25, 1.4)))
            elif s.plant == "soft_always_exceeded" and y in (s.plant_year - 1, s.plant_year):
                a[r] = float(math.ceil(t[r] * rng.uniform(1.6, 2.0)))
            elif s.plant == "soft_peer_outlier":
                a[r] = t[r]
            s.targets[y], s.actuals[y] = t, a


def _name(rng: random.Random, s: _Series, year: int, first: int) -> str:
    if year == first:
        return s.project
    x = rng.random()
    if x < 0.25:
        return f"{year}年{s.project}"
    if x < 0.35:
        return s.project[:-2] + "专项" + s.project[-2:]
    if x < 0.45:
        return "县级" + s.project
    return s.project


def _row_codes(s: _Series, year: int, i: int, self_eval: bool) -> list[str]:
    if s.plant is None or i != s.plant_row:
        return []
    if s.plant == "soft_peer_outlier":
        return ["soft_peer_outlier"]
    if year != s.plant_year:
        return []
    if s.plant == "soft_lowered":
        return ["soft_lowered", "soft_below_last_actual"]
    if s.plant == "soft_below_last_actual":
        return ["soft_below_last_actual"]
    # held target, last year's actual ≥ 1.6× it: below last actual too; exceeded where actuals are printed
    return ["soft_always_exceeded", "soft_below_last_actual"] if self_eval else ["soft_below_last_actual"]


def _split(total: int, k: int) -> list[float]:
    base, rest = divmod(total, k)
    return [float(base + (1 if i < rest else 0)) for i in range(k)]


def _filings(seed: int, s: _Series, k: int, year: int, first: int) -> tuple[list[tuple[Filing, dict]], str | None]:
    """The target table and the self-evaluation of one series-year, each with its truth."""
    rng = random.Random(f"{seed}:filing:{k}:{year}")
    name = _name(rng, s, year, first)
    t, a = s.targets[year], s.actuals[year]
    out = []
    base = dict(province=V.PROVINCE, city=s.city, county=s.county, department=s.dept, year=year, project=name)
    tt = Filing(doc_kind="project_target", project_code=s.code, budget_initial=s.budget,
                title=f"{V.PROVINCE}{s.city}{s.dept}{year}年度{name}项目支出绩效目标表（示例数据）", **base)
    tt.indicators = [Indicator(seq=i + 1, level1=sp.level1, level2=sp.level2, name=sp.name, target=_text(sp, t[i], True))
                     for i, sp in enumerate(s.specs)]
    out.append((tt, {"defects": [], "rows": [_row_codes(s, year, i, False) for i in range(len(s.specs))]}))

    se = Filing(doc_kind="project_self_eval", title=f"{year}年度{name}项目支出绩效自评表（示例数据）", **base)
    weights = _split(90, len(s.specs))
    se.indicators = [Indicator(seq=i + 1, level1=sp.level1, level2=sp.level2, name=sp.name,
                               target=_text(sp, t[i], True), actual=_text(sp, a[i], False), weight=w, score=w)
                     for i, (sp, w) in enumerate(zip(s.specs, weights))]
    defects: list[str] = []
    x = rng.random()
    rate = rng.uniform(0.9, 1.0)
    qty = [i for i, sp in enumerate(s.specs) if sp.kind == "qty" and i != s.plant_row]
    if x < 0.08 and qty:
        # full score though a row missed, or a deviation reason written on a met row
        i = rng.choice(qty)
        if rng.random() < 0.5:
            se.indicators[i].actual = _text(s.specs[i], math.floor(t[i] * rng.uniform(0.6, 0.85)), False)
        else:
            se.indicators[i].reason = rng.choice(V.REASONS["R3"])
        rate = 1.0
        defects.append("soft_full_score_deviation")
    elif x < 0.16:
        rate = rng.uniform(0.55, 0.78)  # scored in full all the same
        defects.append("soft_exec_low_score_high")
    elif x < 0.24 and qty:
        # honest low execution: a missed row scored down with its reason, total below 95
        i = rng.choice(qty)
        rate = rng.uniform(0.55, 0.78)
        ind = se.indicators[i]
        ind.actual = _text(s.specs[i], math.floor(t[i] * rng.uniform(0.5, 0.7)), False)
        ind.score = round(ind.weight * 0.5 * 2) / 2
        ind.reason = rng.choice(V.REASONS["R2"])
    se.budget_initial = se.budget_adjusted = s.budget
    se.budget_executed = round(s.budget * rate, 2)
    se.exec_rate_reported = round(se.budget_executed / s.budget, 4)
    se.exec_weight = 10.0
    se.exec_score = round(10 * min(1.0, se.budget_executed / s.budget), 2)
    se.total_weight = 100.0
    se.total_score = round(se.exec_score + sum(i.score for i in se.indicators), 2)
    if "soft_exec_low_score_high" in defects and se.total_score < 95:
        se.total_score = 95.0  # the overstatement being planted
    out.append((se, {"defects": defects, "rows": [_row_codes(s, year, i, True) for i in range(len(s.specs))]}))
    return out, name


def generate_series(seed: int = 7, counties: int = 6, departments: int = 5, years=(2021, 2022, 2023)):
    """[(filings of one department-year, their truths)] in a stable order: the corpus before rendering."""
    years = list(years)
    series = _series(seed, counties, departments)
    _plan(seed, series, years)
    groups: dict[tuple, list] = {}
    for k, s in enumerate(series):
        for y in years:
            made, _ = _filings(seed, s, k, y, years[0])
            groups.setdefault((s.county, s.dept, y), []).extend(made)
    return [(key, groups[key]) for key in sorted(groups, key=lambda g: (g[2], g[0], g[1]))]


def _truth(f: Filing, t: dict) -> dict:
    return {"doc_kind": f.doc_kind, "county": f.county, "department": f.department, "project": f.project,
            "year": f.year, "defects": t["defects"],
            "indicators": [{"seq": i.seq, "name": i.name, "target": i.target, "actual": i.actual, "defects": codes}
                           for i, codes in zip(f.indicators, t["rows"])]}


def write_series(out_dir: Path, seed: int = 7, counties: int = 6, departments: int = 5, years=(2021, 2022, 2023),
                 formats=("docx", "xlsx", "html", "txt", "pdf")) -> dict:
    """Render the series corpus (targets file + self-evaluation file per department-year) and manifest.json
    (ignored by ingest) into out_dir, a folder of its own."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files, k = [], 0
    for (county, dept, year), made in generate_series(seed, counties, departments, years):
        for kind in ("project_target", "project_self_eval"):
            part = [(f, t) for f, t in made if f.doc_kind == kind]
            fmt = formats[k % len(formats)]
            k += 1
            name = f"sample_series_{dept}_{year}_{'绩效目标' if kind == 'project_target' else '绩效自评'}.{fmt}"
            data = render([f for f, _ in part], fmt)
            (out_dir / name).write_bytes(data)
            files.append({"file": name, "fmt": fmt, "sha256": hashlib.sha256(data).hexdigest(),
                          "filings": [_truth(f, t) for f, t in part]})
    counts: dict[str, int] = {}
    for fl in files:
        for x in fl["filings"]:
            for code in x["defects"] + [c for r in x["indicators"] for c in r["defects"]]:
                counts[code] = counts.get(code, 0) + 1
    manifest = {"seed": seed, "config": {"counties": counties, "departments": departments, "years": list(years),
                                         "formats": list(formats)},
                "rules": RULE_OF, "counts": dict(sorted(counts.items())), "files": files}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def expected(filings: list[dict]) -> dict[str, set[tuple[str, int | None]]]:
    """{rule id: {(filing_id, seq or None)}} planted, from truths that carry a 'filing_id'."""
    out: dict[str, set] = {r: set() for r in RULE_OF.values()}
    for x in filings:
        for code in x["defects"]:
            out[RULE_OF[code]].add((x["filing_id"], None))
        for r in x["indicators"]:
            for code in r["defects"]:
                out[RULE_OF[code]].add((x["filing_id"], r["seq"]))
    return out


def recall_precision(found: list, truth: dict[str, set]) -> dict[str, dict]:
    """Per rule: planted, found, true positives, recall, precision (findings: objects with rule/filing_id/indicator_seq)."""
    got: dict[str, set] = {r: set() for r in truth}
    for f in found:
        if f.rule in got:
            got[f.rule].add((f.filing_id, f.indicator_seq))
    out = {}
    for rule, want in truth.items():
        tp = len(want & got[rule])
        out[rule] = {"planted": len(want), "found": len(got[rule]), "tp": tp,
                     "recall": tp / len(want) if want else None, "precision": tp / len(got[rule]) if got[rule] else None}
    return out
