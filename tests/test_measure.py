"""Targets and actuals read as measures (operator, number, unit), and what is not a measure."""
from __future__ import annotations

import pytest

from etl.normalise.measure import parse_measure, parse_number, parse_rate


@pytest.mark.parametrize("text, op, num, unit", [
    ("≥95%", ">=", 95, "%"),
    ("≧735人次", ">=", 735, "人次"),
    ("═100%", "=", 100, "%"),
    ("≤1513.2万元", "<=", 1513.2, "万元"),  # four digits and a decimal are an amount, not a date
    ("2023.5万元", None, 2023.5, "万元"),
    ("不低于90%", ">=", 90, "%"),
    ("95%以上", ">=", 95, "%"),
    ("≥100百分比", ">=", 100, "%"),
    ("≥1 个", ">=", 1, "个"),
    ("7人", None, 7, "人"),
])
def test_measures(text, op, num, unit):
    m = parse_measure(text)
    assert m is not None and (m.op, m.num, m.unit) == (op, num, unit)


@pytest.mark.parametrize("text", [
    "2023.07", "2023.07-2024.01", "2021年12月", "2022年度", "12月底前100%到位", "28家企业帮扶28个村",
    "得到广大民营企业家的充分认可", "效果明显", None, "",
])
def test_not_measures(text):
    assert parse_measure(text) is None


def test_numbers_and_rates():
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("160.48万元") == 160.48
    assert parse_number("约100") is None
    assert parse_rate("86%") == 0.86
    assert parse_rate("100%") == 1.0
    assert parse_rate("20") == 0.2  # a bare 20 in the 执行率 column means 20 %
    assert parse_rate("0.86") == 0.86
