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


# Two project self-evaluations of one department copied from a document-sharing site: the cells run
# together, the second project's key block follows the first one's 总分 on the same line (no title of its
# own), and the page marker ('2、') falls inside the first table (invented text).
GLUED_TWO = (
    "《项目支出绩效自评表.docx》由会员分享,可在线阅读。\n"
    "1、项目支出绩效自评表(2022年度)项目名称乡村道路养护主管部门某县交通运输局实施单位某县公路养护中心"
    "项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额6060541090%9"
    "绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施"
    "产出指标数量指标养护道路里程≥30公里32公里3030质量指标路面完好率≥90%95%2020\n"
    "2、效益指标社会效益指标群众出行便利度明显改善明显改善3030满意度指标服务对象满意度指标群众满意度≥90%93%1010总分10099"
    "项目名称农村饮水安全维修主管部门某县交通运输局实施单位某县水务服务站项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分"
    "年度资金总额2020181090%9绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施"
    "产出指标数量指标维修供水点≥12处12处4040效益指标社会效益指标供水保障率≥95%96%4040满意度指标服务对象满意度指标"
    "受益群众满意度≥90%92%1010总分10090\n"
)


def test_a_second_project_key_block_glued_after_a_table_opens_a_filing_of_its_own():
    fs = _filings(GLUED_TWO)
    assert [f.project for f in fs] == ["乡村道路养护", "农村饮水安全维修"]
    assert [f.total_score for f in fs] == [99, 90]
    assert [i.name for i in fs[1].indicators] == ["维修供水点", "供水保障率", "受益群众满意度"]
    assert "维修供水点" not in [i.name for i in fs[0].indicators]


def test_a_project_column_header_repeated_on_each_page_does_not_cut_the_table():
    text = "\n".join(pipe(c) for c in [HEADER, *ROWS[1:3], HEADER, *ROWS[3:]])
    fs = _filings(text)
    assert [f.project for f in fs] == ["乡村道路养护", "农村环境整治"]
