"""One table holding several projects (a row group per project), with invented text."""
from __future__ import annotations

import pytest

from etl.parse import parse_document
from etl.read import read_bytes

HEADER = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]


def pipe(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


ROWS = [
    ["101-某乡部门", "1,500,000.00"],
    ["101001-某县某乡人民政府", "乡村道路养护", "1,200,000.00", "完成道路养护", "产出指标", "数量指标", "养护里程", "≥", "30", "公里", "20"],
    ["产出指标", "质量指标", "路面完好率", "≥", "90", "%", "20"],
    ["农村环境整治", "300,000.00", "改善人居环境", "效益指标", "生态效益指标", "垃圾清运率", "≥", "95", "%", "30"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "10"],
    ["垃圾清运车次", "≥", "1200.00", "次", "10"],  # a row that prints no level cell, its value like an amount
]


def _filings(text: str):
    return parse_document(read_bytes(text.encode("utf-8"), "table.txt"))


@pytest.mark.parametrize("layout", ["pipe", "tabs"])
def test_each_project_of_a_shared_table_is_a_filing_of_its_own(layout):
    if layout == "pipe":  # a web copy: merged cells dropped, later rows start at their first filled cell
        body = [pipe(HEADER)] + [pipe(r) for r in ROWS]
    else:  # a grid: blank cells kept, so later rows keep their positions
        pad = {0: [], 1: [], 2: [""] * 4, 3: [""], 4: [""] * 4, 5: [""] * 6}
        body = ["\t".join(HEADER)] + ["\t".join(pad[k] + r) for k, r in enumerate(ROWS)]
    text = "\n".join(["某县某乡2024年部门预算项目绩效目标申报表", "金额单位:元"] + body)
    a, b = _filings(text)
    assert (a.project, b.project) == ("乡村道路养护", "农村环境整治")
    assert (a.budget_initial, b.budget_initial) == (120, 30)  # 元 -> 万元
    assert a.department == b.department == "101-某乡部门"
    assert a.unit == b.unit == "101001-某县某乡人民政府"
    assert [(i.name, i.target, i.weight) for i in a.indicators] == [("养护里程", "≥30公里", 20), ("路面完好率", "≥90%", 20)]
    assert [(i.name, i.target, i.weight) for i in b.indicators] == [
        ("垃圾清运率", "≥95%", 30), ("群众满意度", "≥90%", 10), ("垃圾清运车次", "≥1200.00次", 10)]


def test_a_table_with_one_project_and_no_project_column_is_left_alone():
    text = "\n".join([
        "某县某局2024年项目支出绩效目标表",
        "项目名称\t乡村道路养护",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t养护里程\t≥30公里",
    ])
    (f,) = _filings(text)
    assert (f.project, [i.name for i in f.indicators]) == ("乡村道路养护", ["养护里程"])
