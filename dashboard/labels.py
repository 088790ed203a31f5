"""Chinese names for the codes stored in the database."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from etl.check.registry import FAMILY_TITLES, SEVERITY_TITLES
from etl.records import DOC_KIND_TITLES
from etl.measures import COMPARE

DOC_KINDS = dict(DOC_KIND_TITLES)  # defined once, with the codes (etl/records.py)

# filings.source_kind: an export of the budget system imported as is, or a published filing read by the parser
SOURCE_KINDS = {"structured": "系统导出", "document": "公开文件"}

FAMILIES = dict(FAMILY_TITLES)  # defined once, in the rule registry
SEVERITIES = dict(SEVERITY_TITLES)

REASONS = {
    "R0": "R0 占位/无实质内容",
    "R1": "R1 政策或计划调整",
    "R2": "R2 资金下达或到位晚",
    "R3": "R3 实施进度滞后",
    "R4": "R4 结算支付节点",
    "R5": "R5 采购节约或成本控制",
    "R6": "R6 预算编制不准",
    "R7": "R7 需求或对象变化",
    "R8": "R8 不可抗力或疫情",
    "R9": "R9 保障条件不足",
}


INGEST_STATUS = {"loaded": "已导入", "duplicate": "重复（跳过）", "failed": "失败", "removed": "已删除"}
# how an older version of a file gave way (file_history.change, etl/load/versions.py)
VERSION_CHANGES = {"replaced": "同名文件更正后重新提交", "renamed": "内容相同，文件改名"}

# Metrics the comparison page offers: key -> (label, is_share); how each is read: etl/measures.py
METRICS = {k: (m.label, m.kind == "share") for k, m in COMPARE.items()}
DIRECTIONS = {k: m.direction for k, m in COMPARE.items()}


def rank_higher_first(direction: str) -> bool:
    """Rank 1 is the highest value, except where a lower value is better."""
    return direction != "down"


def rank_text(direction: str, rank, n) -> str:
    """第 k / n 名 where 1 is the best; for a self-score (watch) and a size, 第 k 高 / 多: no merit implied."""
    try:
        rank, n = int(rank), int(n)
    except (TypeError, ValueError):  # None, NaN, pandas' NA: no rank
        return "—"
    if direction == "watch":
        return f"第 {rank} 高 / {n}"
    if direction == "size":
        return f"第 {rank} 多 / {n}"
    return f"第 {rank} / {n} 名"


RANK_NOTES = {"up": "第 1 名数值最高、最好", "down": "第 1 名数值最低、最好",
              "watch": "按高低排列：自评越高越需要核实，不代表成绩好", "size": "按多少排列"}

PEER_SCOPES = {"city": "同市", "province": "同省", "all": "全部"}
FOCUS_UNITS = {"place": "县区", "department": "部门"}


def bands() -> dict:
    with open(Path(__file__).with_name("bands.toml"), "rb") as fh:
        return tomllib.load(fh)


# Column headers for the tables the pages show.
COLUMNS = {
    "soft_share": "软目标占比",
    "inflation_index": "虚高指数（资金加权）",
    "carried_share": "沿用上年占比",
    "judged_rows": "可判断指标数",
    "soft_rows": "软目标指标数",
    "linked_rows": "有上年可比指标数",
    "money": "资金（万元）",
    "filing_id": "填报编号",
    "place": "地区",
    "province": "省",
    "city": "市",
    "county": "县区",
    "department": "部门",
    "unit": "单位",
    "project": "项目",
    "title": "标题",
    "year": "年度",
    "doc_kind": "类型",
    "source_kind": "来源",
    "structured_id": "系统导出的填报编号",
    "differences": "不一致处数",
    "match": "匹配方式",
    "total_score": "自评得分",
    "score_recomputed": "复核得分",
    "inflation": "虚高分",
    "exec_rate": "执行率",
    "budget_adjusted": "全年预算数(万元)",
    "budget_executed": "全年执行数(万元)",
    "error_count": "错误数",
    "finding_count": "问题数",
    "is_sample": "样例数据",
    "family": "问题类别",
    "severity": "严重程度",
    "rule": "规则",
    "message": "说明",
    "evidence": "依据",
    "indicator_seq": "指标序号",
    "seq": "序号",
    "name": "三级指标",
    "target": "指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "reason": "偏差原因",
    "categories": "原因类别",
    "phrase": "模糊表述",
    "n": "数量",
    "share": "占比",
    "cluster_id": "雷同组",
    "similarity": "相似度",
    "filings": "填报数",
    "source_file": "来源文件",
    "src_where": "来源位置",
    "ingested_at": "导入时间",
    "status": "状态",
    "verify": "核实状态",  # 待核实: found on a row read with little confidence, possibly a reading error
    "error": "错误",
    "seconds": "耗时(秒)",
    "run_id": "批次",
    "level1": "一级指标",
    "level2": "二级指标",
    "findings": "问题",
    "grade": "等级",
    "value": "数值",
    "indicator_count": "指标数",
    "indicators": "指标数",
    "vague_count": "模糊指标数",
    "departments": "部门",
    "places": "地区",
    "deductions": "扣分项",
    "deductions_no_reason": "扣分无原因",
    "p25": "同组P25",
    "p50": "同组P50",
    "p75": "同组P75",
    "value_share": "数值",
    "p25_share": "同组P25",
    "p50_share": "同组P50",
    "p75_share": "同组P75",
    "grp": "分组",
    "no_reason": "无原因",
    "change": "较上年变化",
    "years": "年度",
    "vague_share": "模糊指标占比",
    "confidence": "解析置信度",
    "parse_confidence": "解析置信度",
    "rule_title": "规则",
    "rank": "排名",
    "peers": "同类数",
    "documents": "文件数",
    "kinds": "文件类型（同一主体）",
    "note": "说明",
    "version_change": "变更方式",
    "replaced_at": "被替换时间",
    "replaced_by_file": "替换为",
    "first_ingested_at": "首次导入时间",
    "old_filing_id": "旧版本中对应的填报",
    "sha256": "文件指纹(sha256)",
}


def kind_label(code: str | None) -> str:
    return DOC_KINDS.get(code or "", code or "")


def kinds_label(codes) -> str | None:
    """Several kinds joined by 、 (a subject's documents), each in Chinese."""
    if not isinstance(codes, str):
        return codes
    return "、".join(kind_label(c) for c in codes.split("、"))


def source_label(code: str | None) -> str:
    return SOURCE_KINDS.get(code or "document", code or "")


# How each column is formatted on screen and in exports (percent: a 0-1 fraction shown as %;
# money: 万元; score: one decimal; int: a count). Columns not listed are text.
COLUMN_KINDS = {
    **{c: "percent" for c in ("exec_rate", "share", "vague_share", "measurable_share", "exec_rate_computed",
                               "exec_rate_reported", "no_reason_share", "confidence", "parse_confidence",
                               "value_share", "p25_share", "p50_share", "p75_share", "soft_share",
                               "carried_share")},
    **{c: "money" for c in ("budget_adjusted", "budget_executed", "budget_initial", "budget_fiscal", "budget_other",
                             "budget_carryover", "money")},
    **{c: "score" for c in ("total_score", "score_recomputed", "inflation", "inflation_index", "weight", "score", "exec_score",
                             "exec_weight", "total_weight", "value", "p25", "p50", "p75")},
    "seconds": "seconds", "ingested_at": "datetime",
    **{c: "int" for c in ("year", "error_count", "finding_count", "n", "filings", "indicator_count", "vague_count",
                           "deductions", "deductions_no_reason", "no_reason", "indicator_seq", "seq", "cluster_id",
                           "peers", "rank", "judged_rows", "soft_rows", "linked_rows", "documents", "indicators")},
}


@lru_cache(maxsize=1)
def rule_titles() -> dict[str, str]:
    """Rule id -> its Chinese title, from the one rule registry (etl/check)."""
    from etl.check import REGISTRY

    return {rid: r.title for rid, r in REGISTRY.items()}


def rule_title(rule_id: str | None) -> str:
    return rule_titles().get(rule_id or "", rule_id or "")
