"""The rule registry: every check has a stable id, a family, a severity and a Chinese title.

A rule function takes (filing, ctx) and yields (indicator_seq or None, message,
evidence); the registry wraps each into a Finding with the rule's metadata, so a
rule can only ever report under its own id. Corpus rules take a list of filings
instead and yield (filing index, indicator_seq, message, evidence); they are run
by `copy_findings` (copying) and `soft_findings` (cross-year and peer rules),
both by `corpus_findings`, never by `run_checks`.

A row rule (`rows=True`) is a filing rule that judges each indicator row alone: what it
finds on a filing is what it finds on each of its rows, in row order, and a row's findings
depend only on the row's fields, the filing's doc_kind and the settings. A bulk check
(`run_checks(..., rows_memo=...)`, a 100,000-row export) then answers each distinct row once
(etl/check/run.py); the rule itself is written as any other, over the filing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from etl.records import Finding

FAMILIES = ("vague", "scoring", "reason", "category", "numbers", "copying", "template", "parse", "soft")
SEVERITIES = ("error", "warning", "info")
# The Chinese names users read, defined once (the dashboard, the report and the letters show these, never the codes).
FAMILY_TITLES = {
    "vague": "指标模糊",
    "scoring": "评分问题",
    "reason": "偏差原因",
    "category": "分类/单位错误",
    "numbers": "数字不符",
    "copying": "指标雷同",
    "template": "模板/占位",
    "parse": "解析问题",
    "soft": "软目标/跨年",
}
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}
# What to correct, per family: the feedback letters' 整改要求 (etl/printout/letters.py).
FAMILY_FIXES = {
    "vague": "将指标值和实际完成值改写为可衡量的数值和计量单位（如“≥95%”“1200人”），不用“效果明显”“有所提高”等无法核实的表述。",
    "scoring": "按指标完成比例重新核定各项得分，确保得分不超过分值、各项之和等于总分、等级与总分相符；未完成的指标不得给满分。",
    "reason": "对扣分、未完成或执行率偏低的指标逐项写明偏差原因和改进措施，原因应具体，不用“无”“/”等占位。",
    "category": "按指标内容调整所属的一级、二级指标类别，成本指标填写金额，满意度不超过100%，计量单位写规范。",
    "numbers": "核对全年预算数、执行数、执行率和资金支出计划，使表内数字相互一致（执行率=执行数÷预算数，支出计划逐期累计）。",
    "copying": "结合本项目实际重新设置绩效指标，不照搬其他项目、部门或往年的指标。",
    "template": "删除模板中的占位内容和示例文字，填写本项目的实际指标和依据，更正错别字。",
    "parse": "请核对原件：程序未能完整读出该文件，必要时重新报送清晰、完整的电子版（DOCX、XLSX 或带文字层的 PDF）。",
    "soft": "目标值不应低于上年实际完成值或同类单位的一般水平；自评得分应与执行率和完成情况相符，满分须有依据。",
}
assert tuple(FAMILY_TITLES) == FAMILIES == tuple(FAMILY_FIXES) and tuple(SEVERITY_TITLES) == SEVERITIES


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    title: str  # Chinese, one line
    fn: Callable
    scope: str = "filing"  # 'filing' (run_checks) or 'corpus' (copy_findings)
    example: str | None = None  # name of the function in etl.check.examples that triggers it
    rows: bool = False  # a row rule: a function of each row alone (see the module's docstring)

    def run(self, filing, ctx) -> list[Finding]:
        out = []
        for seq, message, evidence in self.fn(filing, ctx) or ():
            out.append(Finding(rule=self.id, family=self.family, severity=self.severity, message=message,
                               indicator_seq=seq, filing_id=getattr(filing, "filing_id", None), evidence=evidence))
        return out


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, family: str, severity: str, title: str, *, scope: str = "filing", example: str | None = None,
         rows: bool = False):
    assert family in FAMILIES and severity in SEVERITIES, rule_id
    assert rule_id not in REGISTRY, f"duplicate rule id {rule_id}"
    assert not rows or scope == "filing", rule_id

    def wrap(fn: Callable[..., Iterable]):
        REGISTRY[rule_id] = Rule(rule_id, family, severity, title, fn, scope, example, rows)
        return fn

    return wrap
