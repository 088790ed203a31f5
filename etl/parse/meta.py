"""Key fields of a filing: project, department, unit, codes, year.

Keys and values are read as a stream of cells in reading order: a key cell
('项目名称') is followed by its value cell, whatever the layout; a cell may
also hold both ('填报单位：（盖章）株洲市渌口区工商业联合会').
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.parse.cells import cell_text, is_empty_value
from etl.parse.vocab import META_KEYS, column_role, fold_key, title_kind
from etl.records import Loc, Row

_KEY_VALUE = re.compile(r"^(?P<key>[^:：]{2,12})[:：]\s*(?P<value>.+)$")
_ORG_TAIL = re.compile(r"(局|委|会|院|所|站|中心|办公室|办|政府|馆|队|校|学|处|室|部|社|厅|园|团|联合会|医院|法院|检察院|街道|镇|乡|场)$")
_CODE_PREFIX = re.compile(r"^\s*[\[【(（]?(?P<code>\d{3,9})[\]】)）]?\s*[-—－_ ]?\s*(?=\S)")


def meta_key(text: str) -> str | None:
    s = fold_key(text)
    s = re.sub(r"[:：]$", "", s)
    for fld, pat in META_KEYS:
        if pat.match(s):
            return fld
    return None


@dataclass
class Token:
    text: str
    loc: Loc


def tokens(rows: list[Row]) -> list[Token]:
    return [Token(c.text.strip(), c.loc) for r in rows for c in r.cells if c.text and c.text.strip()]


def _clean_value(fld: str, value: str) -> str | None:
    # cut off a second key printed in the same cell ('渌口区财政局    单位：万元') before spaces go
    value = re.split(r"\s+(填报日期|联系电话|填表人|单位[:：])", value.strip())[0]
    value = re.sub(r"\s*单位[:：]\s*(万元|元)\s*$", "", value)
    v = cell_text(value)
    if v is None:
        return None
    v = re.sub(r"^[（(]?盖章[）)]?", "", v).strip()
    v = re.sub(r"\s{2,}.*$", "", v) if fld in ("department", "unit") else v  # '单位名称:X  填报日期:…'
    v = re.split(r"\s+(填报日期|联系电话|填表人|单位[:：])", v)[0].strip()
    if is_empty_value(v) or meta_key(v) or column_role(v) or title_kind(v):
        return None
    return v


def read_meta(rows: list[Row]) -> dict[str, tuple[str, Loc]]:
    """First value found for every key field."""
    out: dict[str, tuple[str, Loc]] = {}
    toks = tokens(rows)
    for k, tok in enumerate(toks):
        fld = meta_key(tok.text)
        value = None
        if fld and k + 1 < len(toks):
            value = _clean_value(fld, toks[k + 1].text)
        elif not fld:
            m = _KEY_VALUE.match(tok.text.strip())
            if m:
                fld = meta_key(m.group("key"))
                if fld:
                    value = _clean_value(fld, m.group("value"))
        if fld == "department_weak" and value and not looks_like_org(value):
            continue
        if fld and value and (fld not in out or (fld == "project" and fold_key(tok.text).startswith("二级项目"))):
            out[fld] = (value, tok.loc)  # a 二级项目名称 names the project better than its 一级 parent
    if "department_weak" in out:
        out.setdefault("department", out["department_weak"])
        del out["department_weak"]
    return out


_TITLE_ORG = re.compile(r"^(?P<org>[\u4e00-\u9fff（）()]{3,30}?(局|委员会|委|办公室|中心|院|联合会|会|政府|馆|所|站|处|室|社|队|团))(20\d\d|关于|部门|项目|本级)")


def org_in_title(*texts: str | None) -> str | None:
    """'大英县民政局2022年度…项目绩效自评情况公示' -> '大英县民政局'."""
    for t in texts:
        if not t:
            continue
        m = _TITLE_ORG.match(fold_key(t))
        if m:
            return m.group("org")
    return None


def split_code(name: str | None) -> tuple[str | None, str | None]:
    """'219-池州市…政府' -> ('219', '池州市…政府'); '[155]教育局' -> ('155', '教育局')."""
    if not name:
        return None, name
    m = _CODE_PREFIX.match(name)
    if m and re.search(r"[\u4e00-\u9fff]", name[m.end():]):
        return m.group("code"), name[m.end():].strip()
    return None, name


def looks_like_org(text: str) -> bool:
    s = fold_key(text)
    if re.search(r"[A-Za-z\s]", text.strip()) or re.search(r"[，。；：:、]", s):
        return False
    return 3 <= len(s) <= 40 and bool(_ORG_TAIL.search(s)) and not s.endswith(("顶部", "底部", "首页"))


def code_and_unit_line(rows: list[Row]) -> tuple[str, str] | None:
    """'714001 正定县工商业联合会本级': a budget-unit code followed by the unit's name."""
    for r in rows:
        for t in r.texts:
            m = re.match(r"^(\d{5,9})\s*([\u4e00-\u9fff]\S+)$", t.strip())
            if m and looks_like_org(re.sub(r"本级$", "", m.group(2))):
                return m.group(1), m.group(2)
    return None


def find_year(*texts: str | None) -> int | None:
    for t in texts:
        if not t:
            continue
        s = fold_key(t)
        m = re.search(r"(20[0-4]\d)年(度)?", s) or re.search(r"[（(](20[0-4]\d)[）)]?", s)
        if m:
            return int(m.group(1))
    return None
