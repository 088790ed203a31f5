"""A finding's evidence as users read it: Chinese names, rates in %, amounts in 万元.

Rules store their evidence compactly, as `key=value` pairs joined by "；" (执行率=0.6856,
偏差原因=None, doc_kind=dept_target, 最高相似度=1.00): exact and easy to search. Every place
that shows it (the dashboard's tables and exports, the report, the feedback letters) reads it
through `readable`, so it says 执行率：68.56%、偏差原因：未填写、文件类型：部门整体绩效目标表.
"""
from __future__ import annotations

import re

from etl.records import DOC_KIND_TITLES

KEY_NAMES = {"doc_kind": "文件类型", "parse_status": "解析状态", "A": "全年预算数", "B": "全年执行数",
             "实际": "实际完成值", "重算": "按完成比例重算的得分", "自评": "自评得分", "相似组": "雷同组"}
VALUE_NAMES = {
    "doc_kind": DOC_KIND_TITLES,
    "parse_status": {"ok": "完整", "partial": "部分解析", "failed": "解析失败"},
}
MISSING = {"None", "none", "null", "NULL", "nan", ""}
RATE_KEYS = re.compile(r"执行率|相似度")  # stored as fractions
MONEY_KEYS = re.compile(r"^(A|B|全年预算数|全年执行数|预算数|年初预算数|\d+月底)$")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
PAIR = re.compile(r"^([^=：；（(]{1,30})=(.*)$", re.S)


def _number(text: str) -> str:
    """A plain number as printed: 0.50 -> 0.5, 12 -> 12 (no float noise, no -0)."""
    v = round(float(text), 4)
    return "0" if v == 0 else f"{v:,.4f}".rstrip("0").rstrip(".")


def _value(key: str, value: str) -> str:
    value = value.strip()
    if value in MISSING:
        return "未填写"
    names = VALUE_NAMES.get(key)
    if names and value in names:
        return names[value]
    if NUMBER.fullmatch(value):
        if RATE_KEYS.search(key) and abs(float(value)) <= 10:
            return f"{_number(str(float(value) * 100))}%"
        if MONEY_KEYS.match(key):
            return f"{_number(value)} 万元"
    return value


def readable(evidence: str | None) -> str | None:
    """The evidence in words; text that is not `key=value` pairs stays as it is."""
    if evidence is None:
        return None
    parts = []
    for part in str(evidence).split("；"):
        m = PAIR.match(part)
        if not m:
            parts.append(part.replace("=", "："))
            continue
        key, value = m.group(1).strip(), m.group(2)
        parts.append(f"{KEY_NAMES.get(key, key)}：{_value(key, value).replace('=', '：')}")
    return "；".join(parts)
