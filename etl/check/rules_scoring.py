"""scoring: weights, scores and grades against the conventions and against the rows' own figures."""
from __future__ import annotations

from etl.lexicon import lexicon
from etl.marts.invariants import SCORES_ADD_UP, SCORES_WITHIN_WEIGHTS, WEIGHTS_ADD_UP

from .facts import (achievement, comparable, deducted, direction, exec_rate, exec_rate_computed, fmt, full_marks,
                    is_target_table, level1_key, met, recomputed_score, row_label, show)
from .registry import rule
from .values import is_inequality

_DIR = {"ge": "≥", "le": "≤", "eq": "="}


def _weighted(f):
    return [i for i in f.indicators if i.weight is not None]


@rule("SCORE_DEDUCTED_THOUGH_MET", "scoring", "error", "目标已达成却扣分", example="ex_selfeval_003", rows=True)
def deducted_though_met(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        if deducted(ind, s) and met(ind, s) is True:
            yield ind.seq, (f"{row_label(ind)}实际完成值{show(ind.actual)}已达到指标值{show(ind.target)}"
                            f"（方向 {_DIR[direction(ind, s)]}），却只得 {fmt(ind.score)} 分（分值 {fmt(ind.weight)}）；"
                            f"达成的指标应得满分，或说明扣分依据。"), \
                f"指标值={ind.target}；实际={ind.actual}；得分={fmt(ind.score)}/{fmt(ind.weight)}"


@rule("SCORE_FULL_THOUGH_MISSED", "scoring", "warning", "未达成目标却得满分", example="ex_full_though_missed", rows=True)
def full_though_missed(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        if full_marks(ind, s) and met(ind, s) is False and not is_inequality(ind.actual, ind.actual_m):
            exp = recomputed_score(ind, s)
            yield ind.seq, (f"{row_label(ind)}实际完成值{show(ind.actual)}未达到指标值{show(ind.target)}"
                            f"（方向 {_DIR[direction(ind, s)]}），却得满分 {fmt(ind.score)}；"
                            f"按完成比例应约得 {fmt(exp, 2)} 分。"), \
                f"指标值={ind.target}；实际={ind.actual}；得分={fmt(ind.score)}/{fmt(ind.weight)}"


@rule("SCORE_ABOVE_RECOMPUTED", "scoring", "info", "得分高于按完成比例重算的分数", example="ex_above_recomputed", rows=True)
def above_recomputed(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        if ind.score is None or ind.weight is None or full_marks(ind, s) or not comparable(ind):
            continue
        exp = recomputed_score(ind, s)
        if exp is not None and ind.score - exp > max(s.score_slack, s.score_slack_share * ind.weight):
            yield ind.seq, (f"{row_label(ind)}完成 {fmt(round(100 * achievement(ind, s), 1))}%"
                            f"（指标值{show(ind.target)}，实际{show(ind.actual)}），按比例应得约 {fmt(exp, 2)} 分，"
                            f"自评 {fmt(ind.score)} 分。"), f"重算={fmt(exp, 2)}；自评={fmt(ind.score)}；分值={fmt(ind.weight)}"


@rule("SCORE_OVER_WEIGHT", "scoring", "error", "得分超过分值", example="ex_over_weight")
def over_weight(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        if SCORES_WITHIN_WEIGHTS.over(ind.weight, ind.score, s.tolerance):
            yield ind.seq, f"{row_label(ind)}得分 {fmt(ind.score)} 超过分值 {fmt(ind.weight)}；得分不能高于分值。", \
                f"得分={fmt(ind.score)}；分值={fmt(ind.weight)}"
    if SCORES_WITHIN_WEIGHTS.over(f.exec_weight, f.exec_score, s.tolerance):
        yield None, f"预算执行率得分 {fmt(f.exec_score)} 超过分值 {fmt(f.exec_weight)}。", \
            f"得分={fmt(f.exec_score)}；分值={fmt(f.exec_weight)}"


@rule("SCORE_OVER_ACHIEVED", "scoring", "info", "大幅超额完成（目标定得过低）", example="ex_over_achieved", rows=True)
def over_achieved(f, ctx):
    s = ctx.settings
    if is_target_table(f):
        return
    for ind in f.indicators:
        if not comparable(ind) or direction(ind, s) != "ge" or is_inequality(ind.actual, ind.actual_m):
            continue
        t, a = ind.target_m.num, ind.actual_m.num
        if t >= s.over_achievement_min_target and a >= s.over_achievement_factor * t:
            yield ind.seq, (f"{row_label(ind)}实际完成 {show(ind.actual)} 是指标值 {show(ind.target)} 的 "
                            f"{a / t:.1f} 倍（阈值 {s.over_achievement_factor:g} 倍）：目标可能定得过低，"
                            f"按规定大幅超额应扣分或说明原因。"), f"指标值={ind.target}；实际={ind.actual}"


@rule("SCORE_EXEC", "scoring", "warning", "预算执行得分与执行率不符", example="ex_exec_score")
def exec_score(f, ctx):
    s = ctx.settings
    rate = exec_rate(f)
    if f.exec_weight is None or f.exec_score is None or rate is None:
        return
    exp = round(f.exec_weight * min(rate, 1.0), 4)
    if abs(f.exec_score - exp) > max(s.score_slack, s.tolerance):
        src = "B/A" if exec_rate_computed(f) is not None else "填报执行率"
        yield None, (f"预算执行率得分 {fmt(f.exec_score)}，按 分值 {fmt(f.exec_weight)} × min(执行率 "
                     f"{fmt(round(rate * 100, 2))}%（{src}）, 1) 应为 {fmt(exp)}。"), \
            f"分值={fmt(f.exec_weight)}；执行率={fmt(rate)}；得分={fmt(f.exec_score)}"


@rule("SCORE_LEVEL1_WEIGHTS", "scoring", "info", "一级指标分值与常规配置不符", example="ex_level1_weights")
def level1_weights(f, ctx):
    s = ctx.settings
    rows = _weighted(f)
    if not rows or len(rows) != len(f.indicators) or f.parse_status != "ok":
        return
    sums: dict[str, float] = {}
    for ind in rows:
        key = level1_key(ind)
        if key is None:
            return  # rows we cannot place: no judgement
        sums[key] = sums.get(key, 0.0) + ind.weight
    for group, into in lexicon().weight_group_merge.items():  # 2021 template: 成本 beside 产出, compared together
        if group in sums:
            sums[into] = sums.get(into, 0.0) + sums.pop(group)
    if f.exec_weight is not None:
        sums["执行"] = f.exec_weight
    want = s.weights
    diffs = [(k, sums.get(k, 0.0), want[k]) for k in want if abs(sums.get(k, 0.0) - want[k]) > s.tolerance
             and (k != "执行" or f.exec_weight is not None)]
    if diffs:
        got = "，".join(f"{k} {fmt(g)} 分（常规 {fmt(w)}）" for k, g, w in diffs)
        names = lexicon().weight_names
        usual = "/".join(f"{names.get(k, k)}{fmt(w)}" for k, w in want.items())
        yield None, f"一级指标分值与常规配置（{usual}）不符：{got}。", \
            "；".join(f"{k}={fmt(v)}" for k, v in sums.items())


def _read_whole(f) -> bool:
    """Was the whole table read? The parser marks a table whose sums disagree as partial too;
    that alone is the filing's own error, which these rules exist to report. Its notes are then
    only what the sum invariants say of this filing (etl/marts/invariants.py)."""
    said = {inv.note(f) for inv in (WEIGHTS_ADD_UP, SCORES_ADD_UP)}
    return f.parse_status == "ok" or all(n in said for n in f.parse_notes)


def _sum_against_total(f, ctx, part: str, word: str):
    """Indicator scores (or weights) plus the execution line against the 总分 row."""
    inv = WEIGHTS_ADD_UP if part == "weight" else SCORES_ADD_UP
    totals = inv.totals(f)
    if totals is None or not _read_whole(f):
        return
    total, stated, every_row = totals
    if not every_row:
        return
    exec_part = getattr(f, f"exec_{part}")
    if not inv.holds(f, ctx.settings.sum_tolerance):
        label = "总分" if part == "score" else "总分值"
        yield None, (f"各指标{word}之和（含预算执行 {fmt(exec_part)}）为 {fmt(round(total, 2))}，"
                     f"{label}栏填的是 {fmt(stated)}；两者应相等。"), \
            f"{word}合计={fmt(round(total, 2))}；{label}={fmt(stated)}"


@rule("SCORE_TOTAL_SUM", "scoring", "error", "各项得分之和不等于总分", example="ex_total_sum")
def total_sum(f, ctx):
    yield from _sum_against_total(f, ctx, "score", "得分")


@rule("SCORE_WEIGHT_SUM", "scoring", "error", "各项分值之和不等于总分值", example="ex_total_sum")
def weight_sum(f, ctx):
    yield from _sum_against_total(f, ctx, "weight", "分值")


@rule("SCORE_GRADE", "scoring", "error", "评价等级与总分不符", example="ex_grade")
def grade(f, ctx):
    s = ctx.settings
    if not f.grade_reported or f.total_score is None:
        return
    want = s.grade_for(f.total_score)
    if want and f.grade_reported.strip()[:1] != want:
        bands = "、".join(f"{g}≥{fmt(v)}" for g, v in s.grades)
        yield None, f"总分 {fmt(f.total_score)} 对应等级「{want}」（{bands}），表中填的是「{f.grade_reported}」。", \
            f"总分={fmt(f.total_score)}；等级={f.grade_reported}"


@rule("SCORE_ALL_FULL", "scoring", "info", "全部指标满分", example="ex_all_full")
def all_full(f, ctx):
    s = ctx.settings
    rows = _weighted(f)
    if len(rows) < 5 or any(i.score is None for i in rows):
        return
    if all(full_marks(i, s) for i in rows):
        unmet = sum(1 for i in rows if met(i, s) is False)
        extra = f"，其中 {unmet} 项实际未达到指标值" if unmet else ""
        yield None, (f"全部 {len(rows)} 项指标都是满分{extra}：自评可能偏松，应逐项核对完成证据。"), \
            f"满分指标={len(rows)}/{len(rows)}"
