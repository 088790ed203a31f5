"""Deviation reasons (偏差原因) sorted into the categories of RULES.md.

R1 政策或计划调整 · R2 资金下达或到位晚 · R3 实施进度滞后 · R4 结算支付节点 ·
R5 采购节约或成本控制 · R6 预算编制不准 · R7 需求或对象变化 · R8 不可抗力或疫情 ·
R9 保障条件不足. R0 = a placeholder (无, 暂无, /, —, 空); None = nothing written
or nothing we recognise.
"""
from __future__ import annotations

import re
from functools import lru_cache

from etl.lexicon import lexicon
from etl.measures import fold

CATEGORY_NAMES = {
    "R0": "未填写实质内容",
    "R1": "政策或计划调整",
    "R2": "资金下达或到位晚",
    "R3": "实施进度滞后",
    "R4": "结算支付节点",
    "R5": "采购节约或成本控制",
    "R6": "预算编制不准",
    "R7": "需求或对象变化",
    "R8": "不可抗力或疫情",
    "R9": "保障条件不足",
}

# Keywords per category; earlier categories win ties (the more specific causes first).
_KEYWORDS: list[tuple[str, list[str]]] = [
    ("R8", ["疫情", "不可抗力", "新冠", "防控", "自然灾害", "洪水", "洪涝", "地震", "台风", "暴雨", "旱灾", "灾情"]),
    ("R4", ["结算", "尾款", "质保金", "质保", "未验收", "验收", "审计", "决算", "支付节点", "付款", "未支付", "待支付", "进度款", "合同约定"]),
    ("R5", ["节约", "节余", "结余", "政府采购", "采购", "招标", "中标", "竞价", "询价", "成本控制", "控制成本", "压减", "厉行", "降低成本", "低于预算"]),
    ("R2", ["资金下达", "资金到位", "未到位", "到位晚", "到位较晚", "下达较晚", "下达晚", "拨付较晚", "拨付晚", "年底下达", "年末下达", "追加", "资金未", "未拨付", "指标下达", "下达时间"]),
    ("R6", ["预算编制", "编制不", "预算不准", "测算不", "预估", "估算", "预计过高", "预算偏", "编制时", "考虑不周", "预算过", "编制预算", "测算依据", "设定偏高", "设定偏低", "设置偏高", "目标设定", "指标值设定"]),
    ("R3", ["进度", "滞后", "工期", "延期", "延误", "推迟", "手续", "审批", "前期工作", "天气", "雨季", "施工", "未完工", "正在实施", "尚未完成", "未完成", "跨年", "周期长", "实施中"]),
    ("R7", ["人数减少", "人员减少", "对象", "需求", "动态管理", "变动", "退出", "死亡", "实际人数", "申请", "减少", "增加", "自然减员", "服务人次", "户数"]),
    ("R1", ["政策调整", "政策变化", "政策", "计划调整", "上级调整", "项目调整", "调整", "变更", "取消", "暂停", "统筹", "文件要求", "上级要求"]),
    ("R9", ["经费不足", "资金不足", "人员不足", "人手", "制度不", "力量薄弱", "专业", "缺乏", "保障不足", "设备", "人员少", "能力不足", "经验不足", "不健全", "不完善"]),
]


@lru_cache(maxsize=1 << 16)  # a function of the text alone: asked of each row's reason by the rules and derive()
def is_reason_placeholder(text: str | None) -> bool:
    s = fold(text or "").strip("。.，,；;")
    return s in lexicon().reason_placeholders or (
        bool(s) and not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", s))


@lru_cache(maxsize=1 << 16)  # likewise (a bulk export repeats its reasons)
def classify_reason(text: str | None) -> str | None:
    """'R1'..'R9' for a reason, 'R0' for a placeholder, None when empty or unrecognised."""
    if text is None or not fold(text):
        return None
    if is_reason_placeholder(text):
        return "R0"
    s = fold(text)
    best, best_hits = None, 0
    for cat, words in _KEYWORDS:
        hits = sum(1 for w in words if w in s)
        if hits > best_hits:
            best, best_hits = cat, hits
    return best
