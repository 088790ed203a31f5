"""The fixed vocabulary of performance filings: titles, column headers, level names, keys.

Everything here is a pattern over *folded* text (see `fold_key`): white space
removed, full-width forms folded, so '预算部 门名称' and '预算部门名称' match alike.
"""
from __future__ import annotations

import re
import unicodedata


def fold_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\u3000]+", "", text)


# --- document titles -> doc_kind -------------------------------------------------
TITLE_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(自评|评价)(情况)?报告"), "self_eval_report"),
    (re.compile(r"部门整体(支出)?绩效自评表|整体支出绩效自评表|部门整体绩效自评表|部门绩效自评表"), "dept_self_eval"),
    (re.compile(r"项目(支出)?绩效自评表|绩效自评表"), "project_self_eval"),
    (re.compile(r"部门整体(支出)?绩效目标(申报)?表|整体支出绩效目标(申报)?表|部门绩效目标(申报)?表"), "dept_target"),
    (re.compile(r"项目(支出)?绩效目标(申报)?表|绩效目标(申报)?表"), "project_target"),
    (re.compile(r"^第[一二三四五六七八九十]+部分部门整体绩效目标$"), "dept_target"),
]


def title_kind(text: str) -> str | None:
    """doc_kind when `text` looks like a filing's title, else None."""
    s = fold_key(text)
    if not s or len(s) > 90:
        return None
    # A sentence that merely mentions a report is not a title; nor is a table-of-contents entry.
    if re.search(r"[。；;]", s) or s.count("，") > 1 or re.search(r"\.{3,}|…{2,}|·{3,}", s):
        return None
    for pat, kind in TITLE_PATTERNS:
        m = pat.search(s)
        if m and _TITLE_TAIL.match(s[m.end():]):
            return kind
    return None


# what may follow the kind word in a title: '(2022年度)', '及评分表(…)', '(草案)', '公示'
_TITLE_TAIL = re.compile(r"^([(（\[【][^)）\]】]*[)）\]】]?|及.*|公示|公开|[:：]|\d{4}年度?)*$")


# --- indicator table columns ------------------------------------------------------
# role -> patterns over a folded header cell; first match wins, order matters.
COLUMN_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("level1", re.compile(r"^一级(指标)?$")),
    ("level2", re.compile(r"^二级(指标)?$")),
    ("name", re.compile(r"^(三级指标|指标名称|绩效指标名称|三级指标名称)$")),
    ("description", re.compile(r"绩效指标描述|指标解释|指标说明|指标内容|指标描述")),
    ("basis", re.compile(r"确定依据|绩效标准|评价标准|评分标准|指标来源")),
    ("reason", re.compile(r"原因|改进措施")),
    ("nature", re.compile(r"^指标性质$")),
    ("measure_unit", re.compile(r"^(度量|计量)单位$")),
    ("actual", re.compile(r"^(全年)?实际(完成)?(值|情况|数)|^(全年)?完成(值|情况)(\(B\))?$|^全年实际|^实际完成值|年成值|全完值")),
    ("adjusted_target", re.compile(r"^调整(后)?指标值$")),
    ("target", re.compile(r"指标值|目标值|指标目标值|计划值|预期值")),
    ("weight", re.compile(r"^(分值|权重|指标权重|指标权重\(分\)|分值\(分\))$")),
    ("score", re.compile(r"^(得分|指标得分|自评得分|指标得分\(分\)|得分\(分\))$")),
    ("coef", re.compile(r"得分系数")),
    ("core", re.compile(r"是否核心指标")),
]


def column_role(cell: str) -> str | None:
    s = fold_key(cell)
    if not s or len(s) > 30:
        return None
    for role, pat in COLUMN_PATTERNS:
        if pat.search(s):
            return role
    return None


# --- indicator levels ----------------------------------------------------------------
_SCORE_PART = re.compile(r"[（(]\s*\d+(\.\d+)?\s*分?\s*[)）]\s*$")

LEVEL1_RE = re.compile(
    r"^(产出指标|效益指标|满意度指标|成本指标|项目完成指标|项目效益指标|效果指标|影响指标|产出|效益|满意度|成本)$"
)
LEVEL2_RE = re.compile(
    r"^(数量|质量|时效|成本|经济效益|社会效益|生态效益|环境效益|可持续影响|可持续发展|经济成本|社会成本|生态环境成本|生态成本)(指标)?$"
    r"|^(服务对象|社会公众或服务对象|社会公众|群众|公众)?满意度(指标)?(等)?$"
)


def strip_score(text: str) -> str:
    """'产出指标(50分)' -> '产出指标'; '效益指标（30分）' -> '效益指标'."""
    text = text.strip().strip("\u3000").strip()
    prev = None
    while prev != text:
        prev = text
        text = _SCORE_PART.sub("", text).strip()
    return text


def is_level1(text: str) -> bool:
    return bool(LEVEL1_RE.match(fold_key(strip_score(text))))


def is_level2(text: str) -> bool:
    return bool(LEVEL2_RE.match(fold_key(strip_score(text))))


# --- metadata keys ---------------------------------------------------------------------
# field -> folded key patterns (exact match of a key cell, or 'key:value' inside a cell)
META_KEYS: list[tuple[str, re.Pattern]] = [
    ("project", re.compile(r"^(二级项目名称|项目名称|项目支出名称|项目全称)$")),
    ("project_code", re.compile(r"^(项目编码|项目代码|项目编号)$")),
    ("department", re.compile(r"^(主管部门|主管部门名称|预算部门|预算部门名称|部门名称|部门\(单位\)名称|部门（单位）名称)$")),
    ("department_weak", re.compile(r"^(部门|来源|发布机构)$")),
    ("unit", re.compile(r"^(实施单位|项目实施单位|填报单位|预算单位|单位名称|执行单位)(\(盖章\)|（盖章）)?$")),
    ("department_code", re.compile(r"^(部门预算编码|预算编码|单位编码|部门编码)$")),
]

TOTAL_ROW_RE = re.compile(r"^(总分|合计|总计|自评总分|综合得分)")
END_OF_TABLE_RE = re.compile(r"^(填表人|填报人|联系电话|单位负责人|其他需要说明|财政部门审核意见|说明[:：]|注[:：])")


_L2_TO_L1 = [
    (re.compile(r"^(数量|质量|时效|成本)"), "产出指标"),
    (re.compile(r"^(经济效益|社会效益|生态效益|环境效益|可持续)"), "效益指标"),
    (re.compile(r"满意度"), "满意度指标"),
    (re.compile(r"^(经济成本|社会成本|生态环境成本|生态成本)"), "成本指标"),
]


def level1_of(level2: str | None) -> str | None:
    """The level-1 a level-2 name belongs to, for tables that leave the level-1 cell blank."""
    if not level2:
        return None
    for pat, l1 in _L2_TO_L1:
        if pat.search(level2):
            return l1
    return None

