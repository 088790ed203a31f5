"""How a printed target or actual value reads: empty, a placeholder, garbled, measurable or vague.

The vague test judges structure first: a value that holds a number (a measure,
a date, a period, '28家企业帮扶28个村') is definite however trivial; one with no
number is vague unless it is a definite word (优良, 合格, 是) or a definite
negation (不超编、无违规支出). The lexicon only names the offending words and
stops a negation such as 不断提升 from passing as definite.
"""
from __future__ import annotations

import re
from functools import lru_cache

from etl.lexicon import inequality_patterns, lexicon
from etl.measures import MONEY_IN_WAN, fold
from etl.normalise.measure import parse_measure
from etl.records import Indicator

from .settings import Settings

_INEQ_START, _INEQ_END = inequality_patterns()  # from the lexicon's operators
# A measure printed with an OCR look-alike for its operator: '二100百分比' (= read as 二), '^95%' (≥ read as ^).
_LOOKALIKE_OP = re.compile(r"^[二═〓^]\s*\d")
# '≥92%' read as '292%': a percentage over 100 whose figure after a leading 2 is one (see operator_read_as_two).
_OP_AS_TWO = re.compile(r"^2(\d{2,3}(?:\.\d+)?)%$")
# The letter O or o where a digit belongs: '第O份', '1O0人'.
_LETTER_DIGIT = re.compile(r"(?<![A-Za-z])[Oo](?![A-Za-z])")
# A stray character before a measure: '到0次' (OCR dropped '≥4'); qualifiers that
# legitimately precede a number are kept out.
_QUALIFIERS = set("约近共计超每逾全第各均达满累合总")


@lru_cache(maxsize=1 << 16)
def ftext(text: str | None) -> str:
    # memoised itself (not only fold): the rules call it ~70 times a row, 6.7 million times for a
    # 100,000-row export, and a cache hit in C costs less than the Python call around fold's
    return fold(text) if text else ""


@lru_cache(maxsize=1 << 14)
def _is_measure(text: str) -> bool:
    return parse_measure(text) is not None


_DIGIT = re.compile(r"\d")
_LATIN_RUN = re.compile(r"[A-Za-z]{2,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MONEY = re.compile(r"\d\s*(亿|万|千)?元")
_WAN_END = re.compile(r"\d\s*万$")


_CN_COUNT = re.compile(r"[零一二两三四五六七八九十百千]+[个次人年月天日周项家所篇批份场期季件台套辆户名处座栋间张本册条门类]")


def has_digit(text: str) -> bool:
    """A number in figures, or one in words with a measure word (一年, 两次)."""
    return bool(_DIGIT.search(text) or _CN_COUNT.search(text))


def is_placeholder(text: str | None, settings: Settings) -> bool:
    s = ftext(text).rstrip("。.")
    if s and _UNIT_ONLY.fullmatch(s):
        return True  # '公里', '≧ %': the template's unit (and operator) with the number never filled in
    return bool(s) and s.lower() in settings.folded("placeholders", lower=True)


def _unit_only_pattern() -> re.Pattern:
    lx = lexicon()
    ops = "".join(re.escape(c) for c in lx.operator_chars)
    units = "|".join(re.escape(u) for u in sorted(lx.unit_words, key=len, reverse=True))
    return re.compile(rf"[{ops}]*\s*({units})")


_UNIT_ONLY = _unit_only_pattern()


def is_blank(text: str | None) -> bool:
    return not ftext(text)


@lru_cache(maxsize=1 << 16)  # a function of the text alone, asked of each value by several rules
def garbled(text: str | None) -> str | None:
    """Why a value looks like a measure mangled by OCR or typing, or None."""
    s = ftext(text)
    if not s or _is_measure(s):
        return None
    if _LOOKALIKE_OP.match(text.strip()):
        return "运算符印成了形近字"
    if len(s) <= 8 and _LETTER_DIGIT.search(s) and not _LATIN_RUN.search(s):
        return "数字位置上是字母O"
    if len(s) >= 2 and not has_digit(s[0]) and s[0] not in _QUALIFIERS and _HAN.match(s[0]):
        if _is_measure(s[1:]) and has_digit(s[1:2]):
            return f"数值前多了「{s[0]}」"
    return None


def operator_read_as_two(text: str | None) -> bool:
    """'292%': OCR read the operator '≥' as the digit 2. Only the caller knows the row is a rate or a
    satisfaction, for which more than 100 % cannot be meant (a growth can pass 100 %)."""
    m = _OP_AS_TWO.match(ftext(text))
    return m is not None and 0 < float(m.group(1)) <= 100


def is_inequality(text: str | None, measure=None) -> bool:
    s = ftext(text)
    if not s:
        return False
    if measure is not None and measure.op in (">=", "<=", ">", "<"):
        return True
    return bool(_INEQ_START.match(s) or (has_digit(s) and _INEQ_END.search(s)))


def lexicon_hits(text: str, settings: Settings) -> list[str]:
    s = ftext(text)
    hits = [w for w in settings.words("vague") if w in s]
    # keep the longest words only: 效果明显 rather than also 明显
    return [w for w in hits if not any(w != o and w in o for o in hits)]


def is_definite_word(text: str, settings: Settings) -> bool:
    s = ftext(text).rstrip("。.")
    if s in settings.folded("definite"):
        return True
    if lexicon_hits(s, settings):
        return False
    return any(p.match(s) for p in settings.patterns("definite_patterns"))


def name_is_rate(ind: Indicator, settings: Settings) -> bool:
    name = ftext(ind.name)
    return any(w in name for w in settings.words("categories", "rate_words"))


def is_time_name(ind: Indicator, settings: Settings) -> bool:
    name = ftext(ind.name)
    return "率" not in name and any(p.search(name) for p in settings.patterns("categories", "time_names"))


def is_cost_row(ind: Indicator) -> bool:
    return "成本" in ftext(ind.level2) or "成本" in ftext(ind.level1)


def is_percent(measure, settings: Settings) -> bool:
    return measure is not None and measure.unit in settings.words("units", "percent")


def is_money(text: str | None, measure, settings: Settings) -> bool:
    if measure is not None and measure.unit in MONEY_IN_WAN:
        return True
    s = ftext(text)
    return bool(_MONEY.search(s) or _WAN_END.search(s))


def vague_why(text: str | None, ind: Indicator, settings: Settings, role: str) -> str | None:
    """Chinese reason why the value cannot be measured, or None when it can (or is empty)."""
    if not text:
        return None
    # a function of these fields and the settings alone, asked three times a row (VAGUE_TARGET and
    # VAGUE_NUMBER_MEANINGLESS of the target, VAGUE_ACTUAL of the actual), and a bulk export repeats its rows' values
    m = ind.actual_m if role == "actual" else ind.target_m
    key = (role, text, ind.name, ind.level1, ind.level2, None if m is None else (m.op, m.num, m.unit, m.raw_unit))
    memo = settings.memo("vague_why")
    try:
        return memo[key]
    except KeyError:
        got = memo[key] = _vague_why(text, ind, settings, role)
        return got


def _vague_why(text: str | None, ind: Indicator, settings: Settings, role: str) -> str | None:
    s = ftext(text)
    if s and _UNIT_ONLY.fullmatch(s):
        return "只填了单位（和运算符），没有数值"  # a template placeholder, and unmeasurable as it stands
    if not s or is_placeholder(text, settings) or garbled(text):
        return None
    if role == "target" and not ftext(ind.name):
        return "这一行没有三级指标名称，指标值不知衡量的是什么"
    measure = ind.actual_m if role == "actual" else ind.target_m
    if measure is None:
        measure = parse_measure(text)
    if role == "actual" and is_inequality(text, measure):
        return "实际完成值写成了不等式，只说明达到某个门槛，没有给出实际测得的数值"
    if has_digit(s):
        if role == "target" and is_percent(measure, settings):
            if is_cost_row(ind) and not name_is_rate(ind, settings):
                return "成本指标的指标值是百分比，看不出花多少钱，这个数字对该指标没有意义"
            if is_time_name(ind, settings):
                return "完成时间的指标值是百分比，没有给出日期或期限"
        return None
    if is_definite_word(s, settings):
        return None
    hits = lexicon_hits(s, settings)
    if ind.name and fold(ind.name) == s:
        return "指标值只是重复了指标名称，没有数值"
    if hits:
        return "含模糊用语「" + "、".join(hits) + "」，没有数字、运算符或评分标准"
    if ind.name and (s in fold(ind.name) or (s.endswith(("率", "情况", "数量", "程度")) and len(s) >= 3)):
        return "指标值写的是指标的描述而不是数值"
    return "没有数字、运算符或评分标准"
