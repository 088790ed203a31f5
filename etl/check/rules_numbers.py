"""numbers: figures of one filing that disagree with each other."""
from __future__ import annotations

from etl.marts.invariants import RATE_IS_B_OVER_A

from .facts import SELF_EVAL_KINDS, exec_rate, exec_rate_computed, fmt, is_target_table, met
from .registry import rule
from .values import ftext


@rule("NUM_EXEC_RATE", "numbers", "error", "填报执行率不等于 B/A", example="ex_exec_rate")
def exec_rate_printed(f, ctx):
    gap = RATE_IS_B_OVER_A.gap(f)
    if gap is not None and gap > ctx.settings.rate_tolerance:
        calc = exec_rate_computed(f)
        yield None, (f"填报执行率 {fmt(round(f.exec_rate_reported * 100, 2))}%，按 全年执行数 {fmt(f.budget_executed)} ÷ "
                     f"全年预算数 {fmt(f.budget_adjusted)} 应为 {fmt(round(calc * 100, 2))}%。"), \
            f"A={fmt(f.budget_adjusted)}；B={fmt(f.budget_executed)}；填报执行率={fmt(f.exec_rate_reported)}"


@rule("NUM_EXECUTED_OVER_BUDGET", "numbers", "warning", "执行数超过预算数", example="ex_executed_over_budget")
def executed_over_budget(f, ctx):
    a, b = f.budget_adjusted, f.budget_executed
    if a is not None and b is not None and a > 0 and b > a + ctx.settings.amount_tolerance:
        yield None, f"全年执行数 {fmt(b)} 万元超过全年预算数 {fmt(a)} 万元；超预算支出须有调整依据。", \
            f"A={fmt(a)}；B={fmt(b)}"


@rule("NUM_BUDGET_PARTS", "numbers", "error", "资金来源之和不等于资金总额", example="ex_budget_parts")
def budget_parts(f, ctx):
    tol = ctx.settings.amount_tolerance
    total = f.budget_adjusted if f.budget_adjusted is not None else f.budget_initial
    parts = {"财政拨款": f.budget_fiscal, "上年结转": f.budget_carryover, "其他资金": f.budget_other}
    given = {k: v for k, v in parts.items() if v is not None}
    if total is None or not given:
        return
    s = sum(given.values())
    if s > total + tol or (len(given) == 3 and abs(s - total) > tol):
        shown = " + ".join(f"{k} {fmt(v)}" for k, v in given.items())
        yield None, f"资金来源 {shown} = {fmt(round(s, 4))} 万元，与资金总额 {fmt(total)} 万元不符；各项之和应等于总额。", \
            f"总额={fmt(total)}；{shown}"


_AMOUNTS = (("年初预算数", "budget_initial"), ("全年预算数", "budget_adjusted"), ("全年执行数", "budget_executed"))


@rule("NUM_AMOUNT_MAGNITUDE", "numbers", "warning", "金额量级可疑（疑为以元填报）", example="ex_amount_magnitude")
def amount_magnitude(f, ctx):
    if not (f.county or f.city):  # a province's department may spend this much
        return
    limit = ctx.settings.implausible_amount
    big = [(label, v) for label, attr in _AMOUNTS if (v := getattr(f, attr)) is not None and v >= limit]
    if big:
        shown = "、".join(f"{label} {fmt(v)} 万元（约 {fmt(round(v / 1e4, 1))} 亿元）" for label, v in big)
        yield None, (f"{shown}，对{f.county or f.city}的一份填报而言过大，疑为按“元”填写却标为“万元”；"
                     f"请核对金额单位。"), f"{'；'.join(f'{label}={fmt(v)}' for label, v in big)}；阈值={fmt(limit)} 万元"


def _plan_budget(f):
    return f.budget_adjusted if f.budget_adjusted is not None else f.budget_initial


@rule("NUM_PLAN_NOT_CUMULATIVE", "numbers", "error", "资金支出计划不是累计数", example="ex_plan_000_p2")
def plan_not_cumulative(f, ctx):
    pts = [p for p in f.spending_plan if p.value is not None]
    for prev, cur in zip(pts, pts[1:]):
        if cur.value < prev.value - 1e-9:
            seq = " / ".join(f"{p.period} {fmt(p.value)}" for p in pts)
            yield None, (f"资金支出计划按期应为累计数（逐期不减），{cur.period} 的 {fmt(cur.value)} 却小于 "
                         f"{prev.period} 的 {fmt(prev.value)}。"), f"计划={seq}；预算数={fmt(_plan_budget(f))}"
            return


@rule("NUM_PLAN_END", "numbers", "warning", "资金支出计划末期不等于预算数", example="ex_plan_000_p2")
def plan_end(f, ctx):
    pts = [p for p in f.spending_plan if p.value is not None]
    budget = _plan_budget(f)
    if not pts or budget is None:
        return
    last = pts[-1]
    tol = ctx.settings.amount_tolerance
    # a plan may be written as amounts (ends at the budget) or as shares (ends at 100 % or 1.0)
    if any(abs(last.value - v) <= max(tol, 0.005 * v) for v in (budget, 100.0, 1.0)):
        return
    seq = " / ".join(f"{p.period} {fmt(p.value)}" for p in pts)
    at = f"（最后一期是 {last.period}，计划没有排到年底）" if last.month is not None and last.month < 12 else ""
    yield None, (f"资金支出计划最后一期为 {fmt(last.value)}{at}，既不等于预算数 {fmt(budget)} 万元，也不是 100%；"
                 f"全年计划应累计到预算数。"), f"计划={seq}；预算数={fmt(budget)}"


@rule("NUM_PLAN_BEHIND_SCHEDULE", "numbers", "info", "资金支出计划慢于序时进度", example="ex_plan_behind")
def plan_behind(f, ctx):
    s = ctx.settings
    pts = [p for p in f.spending_plan if p.value is not None and p.month]
    budget = _plan_budget(f)
    if not pts or budget is None or budget <= 0:
        return
    last = pts[-1].value
    scale = budget if abs(last - budget) <= max(s.amount_tolerance, 0.005 * budget) else (
        100.0 if abs(last - 100) < 0.5 else (1.0 if abs(last - 1) < 0.005 else None))
    if scale is None:
        return
    for p in pts:
        share, want = p.value / scale, s.schedule_share(p.month)
        if share < want - s.schedule_slack:
            yield None, (f"资金支出计划到 {p.period} 累计 {share * 100:.0f}%，序时进度应达 {want * 100:.0f}%"
                         f"（容差 {s.schedule_slack * 100:.0f}%）。"), f"{p.period}={fmt(p.value)}；预算数={fmt(budget)}"
            return


@rule("NUM_TARGET_EQUALS_ACTUAL", "numbers", "warning", "每一项实际完成值都等于指标值", example="ex_target_equals_actual")
def target_equals_actual(f, ctx):
    if f.doc_kind not in SELF_EVAL_KINDS:
        return
    rows = [i for i in f.indicators if ftext(i.target) and ftext(i.actual)]
    if len(rows) >= 4 and len(rows) == len([i for i in f.indicators if ftext(i.target)]) and \
            all(ftext(i.target) == ftext(i.actual) for i in rows):
        yield None, (f"全部 {len(rows)} 项指标的实际完成值都与指标值一字不差；"
                     f"实际完成值应是测得的数据，完全一致通常说明照抄了目标。"), f"相同={len(rows)}/{len(rows)}"


@rule("NUM_OUTPUT_DONE_LOW_EXEC", "numbers", "warning", "执行率很低却报告产出全部完成", example="ex_output_done_low_exec")
def output_done_low_exec(f, ctx):
    s = ctx.settings
    rate = exec_rate(f)
    if is_target_table(f) or rate is None or rate >= s.exec_threshold:
        return
    outs = [i for i in f.indicators if "产出" in ftext(i.level1) and "成本" not in ftext(i.level2)
            and ftext(i.target) and ftext(i.actual)]
    if len(outs) >= 2 and all(met(i, s) is True or ftext(i.target) == ftext(i.actual) for i in outs):
        yield None, (f"预算执行率只有 {fmt(round(rate * 100, 2))}%，{len(outs)} 项产出指标却全部按目标完成；"
                     f"花了不到 {fmt(round(rate * 100))}% 的钱完成全部产出，数据可能不实或预算编多了。"), \
            f"执行率={fmt(rate)}；产出指标={len(outs)}项全部完成"
