"""Per-indicator facts the scoring and reason rules share: direction, met, re-score."""
from __future__ import annotations

import re

from etl.lexicon import lexicon
from etl.measures import exec_rate, exec_rate_computed, fold  # noqa: F401 - the rules read B / A through here
from etl.records import Filing, Indicator

from .settings import Settings
from .values import ftext, is_cost_row, is_placeholder, vague_why

SELF_EVAL_KINDS = ("project_self_eval", "dept_self_eval")
_UNIT_FAMILY = {"%": "%", "百分比": "%", "万元": "万元", "万": "万元"}
# Actuals that say the qualitative target was reached (no grade standard needed to read them).
_ACHIEVED = {"达成", "已达成", "完成", "已完成", "全部完成", "达标", "已达标", "合格", "是", "实现", "已实现"}


def is_target_table(filing: Filing) -> bool:
    return filing.doc_kind.endswith("_target")


def direction(ind: Indicator, settings: Settings) -> str:
    """'ge', 'le' or 'eq'. No operator printed: lower is better for costs and error rates."""
    op = ind.target_m.op if ind.target_m else None
    if op in (">=", ">"):
        return "ge"
    if op in ("<=", "<"):
        return "le"
    if op == "=":
        return "eq"
    return "le" if lower_is_better(ind, settings) else "ge"


def lower_is_better(ind: Indicator, settings: Settings) -> bool:
    return is_cost_row(ind) or _lower_name(ind.name, settings)


def _lower_name(name: str | None, settings: Settings) -> bool:
    """Whether the name says lower is better (成本, 发生率 …): asked of each row by several rules, answered once a name."""
    memo = settings.memo("lower_is_better")
    try:
        return memo[name]
    except KeyError:
        folded = ftext(name)
        got = memo[name] = any(w in folded for w in settings.words("directions", "lower_is_better"))
        return got


def comparable(ind: Indicator) -> bool:
    t, a = ind.target_m, ind.actual_m
    if t is None or a is None:
        return False
    tu, au = _UNIT_FAMILY.get(t.unit, t.unit), _UNIT_FAMILY.get(a.unit, a.unit)
    return tu is None or au is None or tu == au


def met(ind: Indicator, settings: Settings) -> bool | None:
    """Whether the actual satisfies the target; None when the two cannot be compared.

    An actual printed as an inequality (≧95%) is read at its bound, so '≧95%'
    against '≧95%' counts as met (seed 003). An '=' target on a higher-is-better
    row counts as met when reached or passed.
    """
    if not comparable(ind):
        return None
    t, a = ind.target_m.num, ind.actual_m.num
    tol = max(abs(t) * settings.equal_rel_tolerance, 1e-9)
    d = direction(ind, settings)
    if d == "ge":
        return a >= t - tol
    if d == "le":
        return a <= t + tol
    if abs(a - t) <= tol:
        return True
    return a > t if not lower_is_better(ind, settings) else a < t


def achievement(ind: Indicator, settings: Settings) -> float | None:
    """Share of the target reached, 0..1, for comparable quantitative rows."""
    if not comparable(ind):
        return None
    if met(ind, settings):
        return 1.0
    t, a = ind.target_m.num, ind.actual_m.num
    d = direction(ind, settings)
    if d == "eq":
        d = "le" if lower_is_better(ind, settings) else "ge"
    if d == "ge":
        return max(0.0, min(1.0, a / t)) if t > 0 else 0.0
    return max(0.0, min(1.0, t / a)) if a > 0 else 0.0


def qualitative_band(ind: Indicator, settings: Settings) -> str | None:
    """Band of a qualitative row: 达成 when the actual repeats a definite target or says
    it was reached; the configured band when the actual cannot be verified."""
    if not ind.actual or is_placeholder(ind.actual, settings):
        return None
    a, t = ftext(ind.actual), ftext(ind.target)
    if a in _ACHIEVED or (a == t and vague_why(ind.target, ind, settings, "target") is None):
        return "达成"
    if re.search(r"未(完成|达成|达到|实现)", a):
        return "未达成"
    if "部分" in a:
        return "部分达成"
    return settings.unverified_band


def recomputed_score(ind: Indicator, settings: Settings) -> float | None:
    """Our score for the row: quantitative in proportion, qualitative by band."""
    if ind.weight is None:
        return None
    share = achievement(ind, settings)
    if share is not None:
        return round(ind.weight * share, 4)
    band = qualitative_band(ind, settings)
    bands = settings.qualitative_bands
    if band is None or band not in bands:
        return None
    if band == "达成" and ftext(ind.actual) in _ACHIEVED | {ftext(ind.target)} and \
            vague_why(ind.target, ind, settings, "target") is None:
        return ind.weight
    lo, hi = bands[band]
    return round(ind.weight * (lo + (hi - lo) * settings.band_position), 4)


def deducted(ind: Indicator, settings: Settings) -> bool:
    return ind.weight is not None and ind.score is not None and ind.score < ind.weight - settings.tolerance


def full_marks(ind: Indicator, settings: Settings) -> bool:
    return ind.weight is not None and ind.score is not None and ind.score >= ind.weight - settings.tolerance


def level1_key(ind: Indicator) -> str | None:
    """The weight group of a row (settings [weights]) by the words of its level names (the lexicon's)."""
    lx = lexicon()
    if _LEVEL1_KEYS.get(None) is not lx:  # the groups of this lexicon (a test may load another)
        _LEVEL1_KEYS.clear()
        _LEVEL1_KEYS[None] = lx
    levels = (ind.level1, ind.level2)
    try:
        return _LEVEL1_KEYS[levels]
    except KeyError:
        if len(_LEVEL1_KEYS) > 100_000:
            _LEVEL1_KEYS.clear()
            _LEVEL1_KEYS[None] = lx
        got = _LEVEL1_KEYS[levels] = _level1_key(ftext(ind.level1), ftext(ind.level2), lx)
        return got


# (level1, level2) -> weight group: a bulk import's rows repeat a few pairs of level names; None -> the lexicon
_LEVEL1_KEYS: dict = {}


def _level1_key(l1: str, l2: str, lx) -> str | None:
    s = l1 + "|" + l2
    for key, words in lx.weight_groups:
        if any(w in l1 for w in words):
            return key
    if not l1 and s != "|":
        for key, words in lx.weight_groups_by_level2:
            if any(w in s for w in words):
                return key
    return None


def fmt(x: float | None, nd: int = 4) -> str:
    if x is None:
        return "—"
    x = round(x, nd)
    return f"{x:.{nd}f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def row_label(ind: Indicator) -> str:
    return f"第{ind.seq}项「{ind.name or '（无名称）'}」"  # 项: the indicator's number; 行 only for source rows


def show(text: str | None) -> str:
    return "（空）" if text is None or not text.strip() else f"「{text.strip()}」"


__all__ = ["fold"]
