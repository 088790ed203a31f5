"""Indicator identity: one key for "the same indicator" across filings, years and departments.

key = level-2 category | folded name | unit family of the target

The name is folded so that spelling drift does not split an indicator: script
(traditional -> simplified), width and white space, punctuation, template
numbering (`指标1：`, `1.`, `（2）`) and the synonyms of the lexicon
(settings [lexicon.synonyms]). The unit family (`%`, money, time, count, or
empty for a text target) keeps a rate and a count of the same name apart.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from etl.measures import MONEY_IN_WAN, fold_key, to_wan
from etl.records import Indicator, Measure

# Template numbering in front of a name: 指标1： 1. 1、 （1） (1) ①
_PREFIX = re.compile(r"^(?:指标\d+[:：]?|\d+[.、．]|[（(]\d+[)）]|[①-⑳])+")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?")

@lru_cache(maxsize=200_000)
def _fold_name(name: str, synonyms: tuple[tuple[str, str], ...]) -> str:
    s = unicodedata.normalize("NFKC", name).strip()
    s = _PREFIX.sub("", re.sub(r"\s+", "", s))
    s = fold_key(s)
    for old, new in synonyms:
        s = s.replace(old, new)
    return s


def _synonyms(settings) -> tuple[tuple[str, str], ...]:
    got = getattr(settings, "_synonym_pairs", None)  # folded once per settings object
    if got is None:
        pairs = [(fold_key(k), fold_key(v)) for k, v in settings.synonyms.items()]
        got = tuple(sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0])))
        settings._synonym_pairs = got
    return got


def fold_name(name: str | None, settings) -> str:
    return _fold_name(name or "", _synonyms(settings))


def fold_level2(level2: str | None) -> str:
    """数量指标 / 数量 / 產出數量指標 -> 数量 (the category, without the word 指标)."""
    s = fold_key(level2)
    return s[:-2] if s.endswith("指标") else s


def fold_project(name: str | None) -> str:
    """A project name as compared across years: no year, no trailing 项目."""
    s = fold_key(_YEAR.sub("", unicodedata.normalize("NFKC", name or "")))
    return s[:-2] if s.endswith("项目") and len(s) > 2 else s


def _families(settings) -> dict[str, str]:
    got = getattr(settings, "_unit_families", None)  # read once per settings object
    if got is None:
        got = {u: "time" for u in settings.words("unit_families", "time")}
        got.update({u: "money" for u in MONEY_IN_WAN})  # the money units are those measures converts
        got.update({u: "%" for u in settings.words("units", "percent") + ["百分比"]})
        settings._unit_families = got
    return got


def unit_family(unit: str | None, settings) -> str:
    """'%', 'money', 'time', 'count', or '' when the target has no unit (a text target)."""
    if not unit:
        return ""
    return _families(settings).get(unit, "count")


def indicator_key(ind: Indicator, settings) -> str:
    m = ind.target_m
    return f"{_fold_level2(ind.level2 or '')}|{fold_name(ind.name, settings)}|{unit_family(m.unit if m else None, settings)}"


@lru_cache(maxsize=10_000)
def _fold_level2(level2: str) -> str:
    return fold_level2(level2)


def canonical(m: Measure | None, settings) -> tuple[float, str] | None:
    """A measure's number in a unit comparable across filings: money in 万元, others as printed."""
    if m is None:
        return None
    unit = m.unit or ""
    if unit in MONEY_IN_WAN:
        return to_wan(m.num, unit), "万元"
    if unit == "百分比":
        return m.num, "%"
    return m.num, unit
