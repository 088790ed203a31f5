"""Classes of input from filings nobody here had read (issue 17), each with made-up text.

Every test names a class seen in published filings of more than one county or template; the text
is invented, the shapes are real.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


SELF_EVAL_MONEY = ["年初预算数", "调整预算数", "全年执行数", "分值", "执行率", "得分"]


def money(values: list[str], header: list[str] = SELF_EVAL_MONEY):
    text = "\n".join(["某县某局2021年度项目支出绩效自评表", "项目名称", "某某检测经费", "项目资金（万元）"] + header
                     + ["年度资金总额"] + values + ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                                               "得分", "产出指标", "数量指标", "抽检批次", "≥80批次", "95批次", "10", "10"])
    (f,) = parse(text)
    return f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score


def test_money_line_with_a_blank_amount_and_a_score_no_budget_line_could_get():
    # One amount cell of the money line left blank, and in the 得分 place a figure above any 分值 a budget line is
    # given (the form's total typed there): the two amounts are the budget and its spending, as 执行率 100% says,
    # and the small whole figure is the 分值, not a third amount that breaks the rate.
    initial, adjusted, executed, rate, weight, _ = money(["45", "45", "10", "100%", "97"])
    assert (adjusted, executed, rate, weight) == (45, 45, 1.0, 10)
