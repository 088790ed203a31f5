"""vague: targets and actuals that cannot be measured."""
from __future__ import annotations

from .facts import is_target_table, row_label, show
from .registry import rule
from .values import is_cost_row, is_inequality, vague_why


@rule("VAGUE_TARGET", "vague", "warning", "指标值无法衡量", example="ex_vague_target", rows=True)
def vague_target(f, ctx):
    for ind in f.indicators:
        why = vague_why(ind.target, ind, ctx.settings, "target")
        if why and not why.startswith(("成本指标", "完成时间")):
            yield ind.seq, (f"{row_label(ind)}的指标值{show(ind.target)}无法客观衡量：{why}。"
                            f"应写成“运算符+数值+单位”（如 ≥95%、≤90万元）或给出评分标准。"), f"指标值={ind.target}"


@rule("VAGUE_NUMBER_MEANINGLESS", "vague", "warning", "指标值的数字对该指标没有意义", example="ex_cost_percent", rows=True)
def vague_number_meaningless(f, ctx):
    for ind in f.indicators:
        why = vague_why(ind.target, ind, ctx.settings, "target")
        if why and why.startswith(("成本指标", "完成时间")):
            want = "金额（如 ≤0.67万元）" if is_cost_row(ind) else "日期或期限（如 2023年12月底前）"
            yield ind.seq, f"{row_label(ind)}的指标值{show(ind.target)}：{why}。应写成{want}。", \
                f"{ind.level2 or ind.level1 or ''}/{ind.name}={ind.target}"


@rule("VAGUE_ACTUAL", "vague", "warning", "实际完成值无法衡量", example="ex_vague_actual", rows=True)
def vague_actual(f, ctx):
    if is_target_table(f):
        return
    for ind in f.indicators:
        if is_inequality(ind.actual, ind.actual_m):
            continue
        why = vague_why(ind.actual, ind, ctx.settings, "actual")
        if why:
            yield ind.seq, (f"{row_label(ind)}的实际完成值{show(ind.actual)}无法核实：{why}。"
                            f"应写实际测得的数值或对照评分标准的结果（指标值 {show(ind.target)}）。"), \
                f"指标值={ind.target}；实际完成值={ind.actual}"


@rule("VAGUE_ACTUAL_INEQUALITY", "vague", "warning", "实际完成值写成不等式", example="ex_selfeval_003", rows=True)
def vague_actual_inequality(f, ctx):
    if is_target_table(f):
        return
    for ind in f.indicators:
        if is_inequality(ind.actual, ind.actual_m) and vague_why(ind.actual, ind, ctx.settings, "actual"):
            yield ind.seq, (f"{row_label(ind)}的实际完成值{show(ind.actual)}是不等式，只说明“不低于/不高于”某个数，"
                            f"没有给出实际完成了多少；应写实际测得的数值（如 93.5%）。"), \
                f"指标值={ind.target}；实际完成值={ind.actual}"
