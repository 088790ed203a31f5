"""The rule registry: every check has a stable id, a family, a severity and a Chinese title.

A rule function takes (filing, ctx) and yields (indicator_seq or None, message,
evidence); the registry wraps each into a Finding with the rule's metadata, so a
rule can only ever report under its own id. Corpus rules take a list of filings
instead and yield (filing index, indicator_seq, message, evidence); they are run
by `copy_findings` (copying) and `soft_findings` (cross-year and peer rules),
both by `corpus_findings`, never by `run_checks`.
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
assert tuple(FAMILY_TITLES) == FAMILIES and tuple(SEVERITY_TITLES) == SEVERITIES


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    title: str  # Chinese, one line
    fn: Callable
    scope: str = "filing"  # 'filing' (run_checks) or 'corpus' (copy_findings)
    example: str | None = None  # name of the function in etl.check.examples that triggers it

    def run(self, filing, ctx) -> list[Finding]:
        out = []
        for seq, message, evidence in self.fn(filing, ctx) or ():
            out.append(Finding(rule=self.id, family=self.family, severity=self.severity, message=message,
                               indicator_seq=seq, filing_id=getattr(filing, "filing_id", None), evidence=evidence))
        return out


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, family: str, severity: str, title: str, *, scope: str = "filing", example: str | None = None):
    assert family in FAMILIES and severity in SEVERITIES, rule_id
    assert rule_id not in REGISTRY, f"duplicate rule id {rule_id}"

    def wrap(fn: Callable[..., Iterable]):
        REGISTRY[rule_id] = Rule(rule_id, family, severity, title, fn, scope, example)
        return fn

    return wrap
