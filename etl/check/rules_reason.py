"""reason: deviations that need a written reason, and reasons that do not fit."""
from __future__ import annotations

from .facts import deducted, exec_rate, fmt, is_target_table, met, row_label, show
from .reason_categories import CATEGORY_NAMES, classify_reason, is_reason_placeholder
from .registry import rule
from .values import ftext

_OUTPUT_L2 = ("数量", "质量", "时效")


def _no_reason(text) -> bool:
    return not ftext(text) or is_reason_placeholder(text)


@rule("REASON_MISSING", "reason", "warning", "扣分或未达成却没有偏差原因", example="ex_selfeval_003", rows=True)
def reason_missing(f, ctx):
    s = ctx.settings
    if is_target_table(f):
        return
    for ind in f.indicators:
        if not _no_reason(ind.reason):
            continue
        why = []
        if deducted(ind, s):
            why.append(f"得分 {fmt(ind.score)} 低于分值 {fmt(ind.weight)}")
        if met(ind, s) is False:
            why.append(f"实际完成值{show(ind.actual)}未达到指标值{show(ind.target)}")
        if why:
            got = "空白" if not ftext(ind.reason) else f"只写了{show(ind.reason)}"
            yield ind.seq, (f"{row_label(ind)}{'，'.join(why)}，偏差原因分析及改进措施栏{got}；"
                            f"应写明偏差原因和改进措施。"), f"偏差原因={ind.reason!r}"


@rule("REASON_EXEC_LOW", "reason", "warning", "执行率低于阈值却没有说明原因", example="ex_exec_low")
def exec_low(f, ctx):
    s = ctx.settings
    rate = exec_rate(f)
    if is_target_table(f) or rate is None or rate >= s.exec_threshold:
        return
    written = any(not _no_reason(i.reason) for i in f.indicators) or any(
        "原因" in (sec.heading or "") + (sec.text or "") for sec in f.sections)
    if not written:
        yield None, (f"预算执行率 {fmt(round(rate * 100, 2))}% 低于 {fmt(s.exec_threshold * 100)}%，"
                     f"表中没有任何偏差原因说明；执行率偏低须写明原因和改进措施。"), \
            f"全年预算数={fmt(f.budget_adjusted)}；全年执行数={fmt(f.budget_executed)}；执行率={fmt(rate)}"


@rule("REASON_SAVINGS_FOR_OUTPUT", "reason", "warning", "用“采购节约”解释产出未完成", example="ex_savings_for_output", rows=True)
def savings_for_output(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        if classify_reason(ind.reason) != "R5":
            continue
        is_output = "产出" in ftext(ind.level1) or any(w in ftext(ind.level2) for w in _OUTPUT_L2)
        if is_output and "成本" not in ftext(ind.level2) and (met(ind, s) is False or deducted(ind, s)):
            yield ind.seq, (f"{row_label(ind)}是产出指标且未完成，偏差原因却是采购节约/成本控制{show(ind.reason)}；"
                            f"节约只能解释少花钱，不能解释少产出，应说明产出未完成的真实原因。"), \
                f"指标值={ind.target}；实际={ind.actual}；偏差原因={ind.reason}"


@rule("REASON_UNCLASSIFIED", "reason", "info", "偏差原因无法归类", example="ex_reason_unclassified", rows=True)
def reason_unclassified(f, ctx):
    for ind in f.indicators:
        if ftext(ind.reason) and classify_reason(ind.reason) is None:
            cats = "、".join(f"{k} {v}" for k, v in CATEGORY_NAMES.items() if k != "R0")
            yield ind.seq, (f"{row_label(ind)}的偏差原因{show(ind.reason)}不属于任何常见类别（{cats}），"
                            f"请核对是否写明了原因和改进措施。"), f"偏差原因={ind.reason}"
