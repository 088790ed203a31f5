"""template: placeholders, template residue, look-alike characters and typos in fixed wording."""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

from etl.measures import fold

from .facts import row_label, show
from .registry import rule
from .values import ftext, garbled, is_placeholder, name_is_rate, operator_read_as_two


@lru_cache(maxsize=16)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One pattern that finds what any of `patterns` finds, to skip the cells none matches (most).

    None when the patterns cannot be joined without changing what they mean (numbered or
    named back-references, inline flags): then each is tried on its own, as always.
    """
    if not patterns or any(re.search(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]", p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:
        return None


_CELLS = (("三级指标", "name"), ("指标值", "target"), ("实际完成值", "actual"), ("指标描述", "description"),
          ("偏差原因", "reason"), ("一级指标", "level1"), ("二级指标", "level2"), ("指标值确定依据", "basis"))


def _cells(ind):
    for label, attr in _CELLS:
        text = getattr(ind, attr)
        if text and text.strip():
            yield label, text


@rule("TPL_RESIDUE", "template", "warning", "模板残留或占位符", example="ex_template_residue", rows=True)
def residue(f, ctx):
    marks = ctx.settings.words("template_residue")
    first = ctx.settings.memo("TPL_RESIDUE")  # cell text -> the first mark in it, or None
    for ind in f.indicators:
        for label, text in _cells(ind):
            try:
                hit = first[text]
            except KeyError:
                hit = first[text] = next((m for m in marks if m in text), None)
            if hit is not None:
                yield ind.seq, (f"{row_label(ind)}的{label}{show(text)}含模板占位符「{hit}」；"
                                f"应把模板里的说明或星号换成实际内容。"), f"{label}={text}"
                break


@rule("TPL_LABEL_ONLY", "template", "warning", "只有模板标签的指标行", example="ex_label_only", rows=True)
def label_only(f, ctx):
    pats = ctx.settings.patterns("label_only")
    for ind in f.indicators:
        name = ftext(ind.name)
        if name and any(p.match(name) for p in pats):
            yield ind.seq, f"{row_label(ind)}的名称只是模板标签{show(ind.name)}，没有填写实际指标。", f"三级指标={ind.name}"


@rule("TPL_GOAL_PLACEHOLDER", "template", "warning", "绩效目标只填了模板占位", example="ex_plan_000_p2")
def goal_placeholder(f, ctx):
    pats = ctx.settings.patterns("label_only")
    for sec in f.sections:
        if sec.kind == "report":
            continue
        text = re.sub(r"^\d+[.、．]", "", ftext(sec.text))
        if text and (any(p.match(text) for p in pats) or any(m in text for m in ctx.settings.words("template_residue"))):
            yield None, f"{sec.heading or '绩效目标'}只写了模板占位{show(sec.text)}，没有填写实际目标。", \
                f"{sec.heading}={sec.text}"


@rule("TPL_PLACEHOLDER_VALUE", "template", "info", "指标值只填了占位符", example="ex_placeholder_value", rows=True)
def placeholder_value(f, ctx):
    for ind in f.indicators:
        if ftext(ind.name) and is_placeholder(ind.target, ctx.settings):
            yield ind.seq, f"{row_label(ind)}的指标值只有{show(ind.target)}；应填写具体目标值，或删除该行。", \
                f"指标值={ind.target}"


@rule("TPL_NAMELESS_ROW", "template", "warning", "三级指标未填写", example="ex_nameless_row", rows=True)
def nameless_row(f, ctx):
    """A row with a value but no 三级指标: the template's level cells filled in, the indicator itself never named."""
    for ind in f.indicators:
        if not ftext(ind.name) and (ftext(ind.target) or ftext(ind.actual)):
            level = ind.level2 or ind.level1 or "该类"
            yield ind.seq, (f"第{ind.seq}项在「{level}」下填了指标值{show(ind.target)}，却没有填写三级指标名称；"
                            f"应写明考核的具体内容，否则这个值不知衡量什么。"), f"二级指标={ind.level2}；指标值={ind.target}"


@rule("TPL_TYPO", "template", "warning", "固定用语中的错别字", example="ex_typo", rows=True)
def typo(f, ctx):
    typos = ctx.settings.typos
    any_typo = _any_of(tuple(typos))
    found = ctx.settings.memo("TPL_TYPO")  # cell text -> (wrong, right), or None
    for ind in f.indicators:
        for label, text in _cells(ind):
            try:
                hit = found[text]
            except KeyError:
                hit = found[text] = _typo_in(text, typos, any_typo)
            if hit:
                wrong, right = hit
                yield ind.seq, f"{row_label(ind)}的{label}{show(text)}中「{wrong}」疑为错别字，应为「{right}」。", \
                    f"{label}={text}"
                break


def _typo_in(text: str, typos: dict, any_typo) -> tuple[str, str] | None:
    """The first typo of `text` as printed and as it should read, or None."""
    s = fold(text)
    if any_typo is not None and not any_typo.search(s):
        return None
    hit = next(((p, right) for p, right in typos.items() if re.search(p, s)), None)
    if not hit:
        return None
    p, right = hit
    wrong = re.search(p, s).group(0)
    return wrong, (right.replace("N", re.sub(r"\D", "", wrong)) if right.startswith("N") else right)


def _misspelt(text: str, words) -> list[str]:
    """The allowed word `text` misspells by substituting characters ('历史惊讶标准' for 历史经验标准, '行业标淮' for
    行业标准): as long, with at most a third of its characters other. [] when none is. A similarity ratio
    would prefer a shorter word that shares more of it (历史标准)."""
    subs = sorted((sum(a != b for a, b in zip(text, w)), k, w) for k, w in enumerate(words) if len(w) == len(text))
    return [subs[0][2]] if subs and 0 < subs[0][0] <= len(text) // 3 else []


@rule("TPL_BASIS_UNKNOWN", "template", "info", "指标值确定依据不是规定的类别", example="ex_basis_unknown", rows=True)
def basis_unknown(f, ctx):
    allowed = ctx.settings.words("basis", "allowed")
    typos = ctx.settings.typos
    any_typo = _any_of(tuple(typos))
    for ind in f.indicators:
        b = ftext(ind.basis)
        if not b or b in allowed or (any_typo.search(b) if any_typo is not None else any(re.search(p, b) for p in typos)):
            continue
        close = _misspelt(b, allowed) or (difflib.get_close_matches(b, allowed, n=1, cutoff=0.6) if len(b) <= 8 else [])
        if close or (b.endswith("标准") and len(b) <= 8):  # '行业标淮' is close to 行业标准
            hint = f"，疑为「{close[0]}」之误" if close else ""
            yield ind.seq, (f"{row_label(ind)}的指标值确定依据{show(ind.basis)}不是规定的类别"
                            f"（计划标准、行业标准、历史标准、其他标准）{hint}。"), f"指标值确定依据={ind.basis}"


@lru_cache(maxsize=1 << 16)  # a function of the text alone, asked of each target and actual
def _lookalike_why(text: str) -> str | None:
    why = garbled(text)
    if why is None and ("═" in text or "〓" in text):
        why = "运算符用了制表符「═」，应为「=」"
    return why


@rule("TPL_LOOKALIKE", "template", "info", "数值中的形近字或识别错误", example="ex_lookalike", rows=True)
def lookalike(f, ctx):
    for ind in f.indicators:
        for label, text in (("指标值", ind.target), ("实际完成值", ind.actual)):
            if not text:
                continue
            why = _lookalike_why(text)
            if why is None and operator_read_as_two(text) and _is_rate_row(ind, ctx):
                why = f"比率超过 100%，疑为「≥{ftext(text)[1:]}」的「≥」被识别成了「2」"
            if why:
                yield ind.seq, f"{row_label(ind)}的{label}{show(text)}：{why}，疑为录入或识别错误，请核对原件。", \
                    f"{label}={text}"
                break


def _is_rate_row(ind, ctx) -> bool:
    return name_is_rate(ind, ctx.settings) or "满意" in ftext(ind.name) + ftext(ind.level2) + ftext(ind.level1)


_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])([A-Za-z]+)(?=[\u4e00-\u9fff，,、。（(])")


@rule("TPL_STRAY_LATIN", "template", "info", "中文中夹杂识别错误的字母", example="ex_stray_latin", rows=True)
def stray_latin(f, ctx):
    ok = set(ctx.settings.words("categories", "acronyms"))
    for ind in f.indicators:
        for label, text in (("三级指标", ind.name), ("二级指标", ind.level2), ("一级指标", ind.level1)):
            if not text:
                continue
            bad = [m for m in _LATIN.findall(text) if m not in ok and m.upper() not in ok]
            if bad:
                yield ind.seq, f"{row_label(ind)}的{label}{show(text)}中夹着字母「{bad[0]}」，疑为识别错误，请核对原件。", \
                    f"{label}={text}"
                break
