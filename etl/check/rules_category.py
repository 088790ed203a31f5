"""category: wrong level, unit or type."""
from __future__ import annotations

import re

from etl.normalise.measure import parse_measure

from .facts import is_target_table, row_label, show
from .registry import rule
from .values import (ftext, has_digit, is_cost_row, is_money, is_percent, is_placeholder, is_time_name,
                     name_is_rate)

_UNIT_FAMILY = {"%": "%", "百分比": "%", "万": "万元"}


def _words(ctx, key):
    return ctx.settings.words("categories", key)


@rule("CAT_COST_NOT_MONEY", "category", "warning", "成本指标不是金额", example="ex_cost_percent", rows=True)
def cost_not_money(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        if not is_cost_row(ind):
            continue
        text, m = (ind.target, ind.target_m) if ftext(ind.target) else (ind.actual, ind.actual_m)
        if not ftext(text) or is_placeholder(text, s):
            continue
        if is_money(text, m, s) or (m is not None and m.unit is None and not ftext(ind.name).endswith("率")):
            continue  # an amount, or a bare number in a table whose unit line says 万元 (but a rate is no amount)
        kind = "百分比" if is_percent(m, s) or "百分比" in ftext(text) or "%" in ftext(text) else \
            ("不带金额单位的数值" if has_digit(ftext(text)) else "文字")
        yield ind.seq, (f"{row_label(ind)}在{ind.level2 or ind.level1}下，指标值{show(text)}是{kind}，不是金额；"
                        f"成本指标应写花费的金额（如 ≤0.67万元、人均≤500元）。"), \
            f"{ind.level1}/{ind.level2}/{ind.name}={text}"


@rule("CAT_TIME_AS_PERCENT", "category", "warning", "时间类指标用百分比表示", example="ex_time_percent", rows=True)
def time_as_percent(f, ctx):
    for ind in f.indicators:
        if is_time_name(ind, ctx.settings) and is_percent(ind.target_m, ctx.settings):
            yield ind.seq, (f"{row_label(ind)}是时间/期限，指标值却是百分比{show(ind.target)}；"
                            f"应写完成日期或期限（如 2019年12月底前）。"), f"{ind.name}={ind.target}"


@rule("CAT_PERCENT_WORD", "category", "info", "单位写成“百分比”", example="ex_percent_word", rows=True)
def percent_word(f, ctx):
    for ind in f.indicators:
        for role, text in (("指标值", ind.target), ("实际完成值", ind.actual)):
            if "百分比" in ftext(text) and has_digit(ftext(text)):
                yield ind.seq, (f"{row_label(ind)}的{role}{show(text)}把计量单位的栏名“百分比”当作单位写进了数值；"
                                f"应写成 %，并核对数值（≥100% 的比率通常无法超额）。"), f"{role}={text}"
                break


@rule("CAT_UNIT_MISMATCH", "category", "warning", "指标值与实际完成值单位不一致", example="ex_unit_mismatch", rows=True)
def unit_mismatch(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        t, a = ind.target_m, ind.actual_m
        if t is not None and a is not None and t.unit and a.unit and not is_target_table(f):
            tu, au = _UNIT_FAMILY.get(t.unit, t.unit), _UNIT_FAMILY.get(a.unit, a.unit)
            if tu != au:
                yield ind.seq, (f"{row_label(ind)}指标值{show(ind.target)}的单位是「{t.unit}」，实际完成值{show(ind.actual)}"
                                f"的单位是「{a.unit}」；两者应使用同一单位才能比较。"), f"指标值={ind.target}；实际={ind.actual}"
                continue
        name = ftext(ind.name)
        for role, text, m in (("指标值", ind.target, t), ("实际完成值", ind.actual, a)):
            txt = ftext(text)
            if not txt:
                continue
            if "元" in txt and "%" in txt:
                yield ind.seq, f"{row_label(ind)}的{role}{show(text)}同时带有金额单位和 %；应只用一种单位。", f"{role}={text}"
                break
            if name.endswith("率") and is_money(text, m, s) and not is_cost_row(ind):
                yield ind.seq, (f"{row_label(ind)}是比率，{role}{show(text)}却是金额；应写百分比。"), f"{role}={text}"
                break
            if role == "指标值" and any(p.search(name) for p in s.patterns("categories", "count_names")) \
                    and is_percent(m, s):
                yield ind.seq, (f"{row_label(ind)}是一个数量，{role}{show(text)}却是百分比；"
                                f"应写个数（如 230人），比例另设“…率”指标。"), f"{role}={text}"
                break
            if name.endswith("率") and m is not None and m.unit and not is_money(text, m, s) \
                    and m.unit not in _words(ctx, "rate_units"):
                yield ind.seq, (f"{row_label(ind)}是比率，{role}{show(text)}的单位却是「{m.unit}」；"
                                f"应写百分比，或把指标改为数量。"), f"{role}={text}"
                break
            if (ind.nature or "").strip().startswith("定性") and "%" in txt:
                yield ind.seq, f"{row_label(ind)}标为定性指标，{role}{show(text)}却是百分比。", f"指标性质={ind.nature}；{role}={text}"
                break


@rule("CAT_PERCENT_OVER_100", "category", "warning", "满意度超过100%", example="ex_percent_over_100", rows=True)
def percent_over_100(f, ctx):
    for ind in f.indicators:
        if "满意" not in ftext(ind.name) + ftext(ind.level2) + ftext(ind.level1):
            continue
        for role, m, text in (("指标值", ind.target_m, ind.target), ("实际完成值", ind.actual_m, ind.actual)):
            if m is not None and m.unit == "%" and m.num > 100:
                yield ind.seq, f"{row_label(ind)}的{role}{show(text)}超过 100%；满意度是 0–100% 之间的比例。", f"{role}={text}"
                break


@rule("CAT_EXEC_RATE_AS_INDICATOR", "category", "warning", "执行率/结余率当作产出、成本或效益指标",
      example="ex_exec_rate_misplaced", rows=True)
def exec_rate_misplaced(f, ctx):
    for ind in f.indicators:
        name, lv = ftext(ind.name), ftext(ind.level1) + ftext(ind.level2)
        # money arriving or being paid out (资金到位率) is an input; as a benefit it is misplaced
        as_benefit = "效益" in lv and any(w in name for w in _words(ctx, "funding_input_words"))
        if any(w in name for w in _words(ctx, "exec_rate_other_subjects")):
            continue  # '管理制度执行率': a rule carried out, not the budget spent
        if as_benefit or any(w in name for w in _words(ctx, "exec_rate_words")) and any(w in lv for w in _words(ctx, "exec_rate_misplaced_levels")):
            yield ind.seq, (f"{row_label(ind)}（{ind.level1}/{ind.level2}）衡量的是资金执行情况，不是产出、成本或效益；"
                            f"执行率已在预算执行栏单独计分，不应再作为绩效指标。"), f"{ind.level1}/{ind.level2}/{ind.name}"


@rule("CAT_MONEY_AS_OUTPUT", "category", "warning", "把花钱当作产出", example="ex_money_as_output", rows=True)
def money_as_output(f, ctx):
    s = ctx.settings
    for ind in f.indicators:
        l2 = ftext(ind.level2)
        m = ind.target_m
        bare_amount = m is not None and m.unit is None and any(p.search(ftext(ind.name)) for p in s.patterns(
            "categories", "money_names"))  # '工程资金金额 | 43.2': the table's unit line gives the 万元
        if any(w in l2 for w in ("数量", "质量", "时效")) and (is_money(ind.target, m, s) or bare_amount):
            yield ind.seq, (f"{row_label(ind)}在{ind.level2}下，指标值{show(ind.target)}是金额；"
                            f"花了多少钱是投入，不是产出，应写做成了什么（数量、质量、时间）。"), f"{ind.level2}/{ind.name}={ind.target}"


@rule("CAT_SATISFACTION_NOT_SATISFACTION", "category", "warning", "满意度指标不是满意度", example="ex_satisfaction_not", rows=True)
def satisfaction_not(f, ctx):
    words = _words(ctx, "satisfaction_words")
    for ind in f.indicators:
        lv = ftext(ind.level1) + ftext(ind.level2)
        name = ftext(ind.name)
        if "满意" in lv and name and not any(w in name for w in words):
            yield ind.seq, (f"{row_label(ind)}放在满意度指标下，名称里却没有“满意”：它衡量的不是服务对象满意度；"
                            f"应改为满意度调查的结果（如 服务对象满意度 ≥90%），或移到相应类别。"), f"{ind.level2 or ind.level1}/{ind.name}"


@rule("CAT_SATISFACTION_MISPLACED", "category", "warning", "满意度指标放错类别", example="ex_satisfaction_misplaced", rows=True)
def satisfaction_misplaced(f, ctx):
    for ind in f.indicators:
        lv = ftext(ind.level1) + ftext(ind.level2)
        if "满意" in ftext(ind.name) and lv and "满意" not in lv:
            yield ind.seq, (f"{row_label(ind)}衡量满意程度，却放在{ind.level1}/{ind.level2}下；"
                            f"应放在满意度指标下。"), f"{ind.level1}/{ind.level2}/{ind.name}"


@rule("CAT_TIMELINESS_AS_QUANTITY", "category", "info", "时效指标放在数量指标下", example="ex_timeliness_as_quantity", rows=True)
def timeliness_as_quantity(f, ctx):
    for ind in f.indicators:
        name = ftext(ind.name)
        if "数量" in ftext(ind.level2) and any(w in name for w in ("时效", "及时", "时限", "完成时间")):
            yield ind.seq, f"{row_label(ind)}衡量的是时间，却放在数量指标下；应放在时效指标下。", f"{ind.level2}/{ind.name}"


@rule("CAT_TIMELINESS_WITHOUT_TIME", "category", "warning", "时效指标与时间无关", example="ex_timeliness_without_time", rows=True)
def timeliness_without_time(f, ctx):
    words = _words(ctx, "time_words")
    for ind in f.indicators:
        if "时效" not in ftext(ind.level2):
            continue
        text = ftext(ind.name) + ftext(ind.target) + ftext(ind.description)
        if ftext(ind.name) and not any(w in text for w in words):
            yield ind.seq, (f"{row_label(ind)}放在时效指标下，名称和指标值{show(ind.target)}都与时间无关；"
                            f"时效指标应写完成时限或及时率（如 2023年12月底前完成）。"), f"{ind.level2}/{ind.name}={ind.target}"


@rule("CAT_QUANTITY_AS_QUALITY", "category", "info", "数量指标放在质量指标下", example="ex_quantity_as_quality", rows=True)
def quantity_as_quality(f, ctx):
    pats = _words(ctx, "count_name_endings")
    for ind in f.indicators:
        if "质量" in ftext(ind.level2) and any(re.search(p, ftext(ind.name)) for p in pats):
            yield ind.seq, f"{row_label(ind)}是一个数量，却放在质量指标下；应放在数量指标下，质量指标写合格率、达标率等。", \
                f"{ind.level2}/{ind.name}={ind.target}"


@rule("CAT_ECOLOGY_WITHOUT_ECOLOGY", "category", "warning", "生态效益指标与生态无关", example="ex_ecology_without_ecology", rows=True)
def ecology_without_ecology(f, ctx):
    words = _words(ctx, "ecology_words")
    for ind in f.indicators:
        if "生态" not in ftext(ind.level2) or "成本" in ftext(ind.level2):
            continue
        name = ftext(ind.name)
        if name and not is_placeholder(ind.name, ctx.settings) and not any(w in name for w in words):
            yield ind.seq, (f"{row_label(ind)}放在生态效益指标下，内容却与生态环境无关；"
                            f"应移到相应类别，或写对环境的实际影响。"), f"{ind.level2}/{ind.name}"


@rule("CAT_COST_IS_BENEFIT", "category", "info", "成本指标写的是效益", example="ex_cost_is_benefit", rows=True)
def cost_is_benefit(f, ctx):
    for ind in f.indicators:
        name = ftext(ind.name)
        if is_cost_row(ind) and re.search(r"(影响|提升|提高|改善|水平|传承|意识)", name) and not re.search(r"(成本|费|元|资金)", name):
            yield ind.seq, f"{row_label(ind)}放在{ind.level2 or ind.level1}下，写的却是效果或影响；成本指标应写花费。", \
                f"{ind.level1}/{ind.level2}/{ind.name}"


__all__ = ["parse_measure", "name_is_rate"]
