"""Cells that ran together: OCR and doc-sharing copies print a whole table as one string.

'…一级指标二级指标三级指标指标目标值产出指标数量指标免费开放天数=300天质量指标…'
is cut back into cells at the fixed vocabulary (column headers, level names,
key fields, titles), and an indicator's name is cut from its value where an
operator or a number starts ('免费开放天数=300天' -> '免费开放天数', '=300天').
"""
from __future__ import annotations

import re

from etl.lexicon import lexicon
from etl.parse.vocab import is_level1, is_level2
from etl.records import Cell, Row

_KEYS = [
    "一级项目名称", "二级项目名称", "项目名称", "项目编码", "项目类型", "项目分类", "资金用途", "主管部门", "项目开始日期",
    "项目完成日期", "项目总投资", "中央补助安排", "省级财政安排", "其他资金", "预算申报数", "资金性质", "基本情况",
    "项目立项必要性", "保证项目实施的制度措施", "项目实施计划", "组织实施单位", "监督管理单位", "项目实施单位",
    "实施单位", "政策依据", "其他依据", "需要说明的其他问题", "年度绩效目标", "部门名称", "预算部门", "填报单位",
    "年初预算数", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "指标目标值", "年度指标值",
    "实际完成值", "偏差原因分析及改进措施", "指标值", "自评总分", "指标名称", "计量单位", "指标性质", "年初指标值",
    "调整指标值", "是否核心指标", "执行率",
]
_LEVELS = [
    "产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标",
    "生态效益指标", "可持续影响指标", "经济成本指标", "社会成本指标", "生态环境成本指标", "服务对象满意度指标",
    "服务对象满意度", "社会公众或服务对象满意度指标",
]
_TITLE = re.compile(
    r"(?:(?:省|市|县|区)级)?(?:部门预算)?(?:项目支出|部门整体支出|整体支出|部门整体|项目)?绩效(?:目标|自评)(?:申报)?表[(（]?(?:\d{4}年度?)?[)）]?"
)
_KEYS = sorted(set(_KEYS) | set(lexicon().header_words), key=len, reverse=True)
_VOCAB = re.compile("|".join(map(re.escape, sorted(_KEYS + _LEVELS, key=len, reverse=True))))
_OPS = re.escape(lexicon().operator_chars)
_VALUE_START = re.compile(rf"(?<=[\u4e00-\u9fff%％)）])(?=[{_OPS}]|\d)")


GLUED_MIN_LEN = 60  # a line this long holding GLUED_MIN_WORDS vocabulary words lost its separators
GLUED_MIN_WORDS = 4
GLUED_HEADER_LEN = 11  # a shorter line qualifies when it is mostly header words ('一级指标二级指标三级指标…')
GLUED_HEADER_WORDS = 3


def is_glued(text: str) -> bool:
    if len(text) <= GLUED_HEADER_LEN or re.search(r"\s{1,}\S+\s", text):
        return False
    hits = _VOCAB.findall(text)
    return (len(text) > GLUED_MIN_LEN and len(hits) >= GLUED_MIN_WORDS) or (
        len(text) > GLUED_HEADER_LEN and len(hits) >= GLUED_HEADER_WORDS and sum(map(len, hits)) >= len(text) / 2)


def _split(text: str) -> list[str]:
    parts: list[str] = []
    pos = 0
    cuts = []
    for m in _TITLE.finditer(text):
        cuts.append((m.start(), m.end()))
    for m in _VOCAB.finditer(text):
        word = m.group()
        after = text[m.end(): m.end() + 1]
        # a level word directly followed by a value is an indicator's name ('服务对象满意度%=99')
        if word in _LEVELS and after and re.match(rf"[{_OPS}%％\d]", after):
            continue
        cuts.append((m.start(), m.end()))
    for start, end in sorted(cuts):
        if start < pos:
            continue
        if start > pos:
            parts.append(text[pos:start])
        if end > start:
            parts.append(text[start:end])
        pos = end
    if pos < len(text):
        parts.append(text[pos:])
    out = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if p in _LEVELS or p in _KEYS or is_level1(p) or is_level2(p) or _TITLE.fullmatch(p):
            out.append(p)
            continue
        m = _VALUE_START.search(p)
        if m and m.start() >= 2:
            out.extend([p[: m.start()], p[m.start():]])
        else:
            out.append(p)
    return out


def unglue(rows: list[Row]) -> list[Row]:
    out = []
    for row in rows:
        if any(is_glued(c.text) for c in row.cells):
            cells = [Cell(t, c.loc, glued=True) if is_glued(c.text) else c
                     for c in row.cells for t in (_split(c.text) if is_glued(c.text) else [c.text])]
            out.append(Row(cells=cells, loc=row.loc, table=None))
        else:
            out.append(row)
    return out
