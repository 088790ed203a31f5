"""Glued indicator rows of the 是否核心指标 template (Chongqing-style 部门整体绩效自评表).

Columns: 指标名称 | 计量单位 | 指标性质 | 年初指标值 | 调整指标值 | 全年完成值 | 得分系数 |
指标权重 | 指标得分 | 是否核心指标. Copied from a shared document the cells run together:

    财政供养人员控制率%定量指标100%92%100%22否

Every row ends with 是/否, so rows can be cut there; inside a row the name runs
up to its unit, the values are read left to right and the last number holds
weight and score printed side by side ('22' = 2 | 2, '107.6' = 10 | 7.6).
"""
from __future__ import annotations

import re

from etl.parse.cells import cell_text
from etl.records import Indicator, Loc, Row

HEADER = "是否核心指标"
_NATURES = ("定量指标", "定性指标")
_ROW_END = re.compile(r"(?<=[\d.%])(是|否)")
_VALUE = re.compile(r"\d+(?:\.\d+)?%|\d+(?:\.\d+)?[^\d%.\s]{0,2}")


def _strip_nature(text: str) -> tuple[str, str | None]:
    for nature in _NATURES:
        if nature in text:
            return text.replace(nature, "", 1), nature
    # OCR scrambles the four characters of 定性指标 / 定量指标 ('性标定指')
    for k in range(len(text) - 3):
        chunk = text[k: k + 4]
        for nature in _NATURES:
            if sorted(chunk) == sorted(nature) and chunk != nature:
                return text[:k] + text[k + 4:], nature
    return text, None


def split_weight_score(digits: str) -> tuple[float, float] | None:
    """'22' -> (2, 2); '1010' -> (10, 10); '107.6' -> (10, 7.6): weight first, score <= weight."""
    best = None
    for cut in range(1, len(digits)):
        w, s = digits[:cut], digits[cut:]
        if (len(w) > 1 and w.startswith("0")) or (len(s) > 1 and s.startswith("0") and not s.startswith("0.")) or w.endswith("."):
            continue
        try:
            wv, sv = float(w), float(s)
        except ValueError:
            continue
        if sv <= wv <= 100:
            key = (wv != sv, abs(len(w) - len(s.split(".")[0])))  # prefer full marks, then balanced
            if best is None or key < best[0]:
                best = (key, (wv, sv))
    return best[1] if best else None


def _row(text: str, seq: int, loc: Loc) -> Indicator | None:
    body, nature = _strip_nature(text)
    m = re.search(r"\d", body)
    if not m:
        return None
    head, values = body[: m.start()], body[m.start():]
    tail_num = re.search(r"(\d+(?:\.\d+)?)$", values)
    if not tail_num:
        return None
    weight_score = split_weight_score(tail_num.group(1))
    values = values[: tail_num.start()]
    # 得分系数 is the last percentage (mostly 100%); '0100%' is an actual 0 followed by it
    coef = re.search(r"(100|\d{1,2}(?:\.\d+)?)%$", values)
    if coef:
        values = values[: coef.start()]
    vals = _VALUE.findall(values)
    # the 计量单位 cell stands between the name and the values: '培训次数次26次' -> '培训次数'
    first_unit = re.match(r"\d+(?:\.\d+)?(\D{0,2})", vals[0]).group(1) if vals else ""
    if first_unit and head.endswith(first_unit):
        head = head[: -len(first_unit)]
    elif head.endswith("%"):
        head = head[:-1]
    target = actual = None
    doubled = re.search(r"([\u4e00-\u9fff]{1,4})\1$", head)
    if not vals and doubled:
        target = actual = doubled.group(1)
        head = head[: doubled.start()]
    elif len(vals) >= 2:
        target, actual = vals[0], vals[-1]
    elif len(vals) == 1:
        target = vals[0]
    name = cell_text(head.strip("“”\"' "))
    if not name:
        return None
    return Indicator(
        seq=seq, name=cell_text(head) or name, target=target, actual=actual, nature=nature,
        weight=weight_score[0] if weight_score else None, score=weight_score[1] if weight_score else None, loc=loc,
    )


def flag_rows(rows: list[Row]) -> list[Indicator] | None:
    """Indicators of a glued 是否核心指标 table, or None if the text has no such table."""
    text, locs = "", []
    for r in rows:
        for c in r.cells:
            piece = re.sub(r"^\d+、", "", c.text.strip())  # page markers of shared documents ('2、')
            text += piece
            locs.append(c.loc)
    k = text.find(HEADER)
    if k < 0:
        return None
    loc = locs[0] if locs else Loc()
    for other in locs[1:]:
        loc = loc.merge(other)
    body = text[k + len(HEADER):]
    parts = _ROW_END.split(body)
    out: list[Indicator] = []
    for chunk in parts[0::2]:
        chunk = re.sub(r"^(绩效指标)", "", chunk)
        if not chunk or len(chunk) > 80:
            continue
        ind = _row(chunk, len(out) + 1, loc)
        if ind is not None:
            out.append(ind)
    return out or None
