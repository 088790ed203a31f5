"""Run-on copies of document-sharing sites (issue 17, 'docshare_runon'), second round, with made-up text.

What the glued text of such a copy still fools the decoder with after tests/test_runon8.py. Each test names
the sub-class of misreading it shows; the wording is made up (no filing's, no generator's template).
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.name, i.target) for i in f.indicators]


# --- a name that starts with a figure, right after a level label, with an explanation quoting it ----------
# '数量 指标80岁以上高龄老人补贴人数反映80岁以上…情况≥1200人': the cell tagger reads '80岁以上' after a level
# as a value (a target '≥80岁'), and the run '数量指标80' as a level with its points run on; the explanation,
# holding a figure, could be no cell at all (a cell of glued text held figures only at its start). The name
# lost its figure ('岁以上高龄老人补贴人数') and the row its target.
FIGURE_NAME = (
    "1、东坪县民政局2022年高龄津贴项目支出绩效目标表填报单位：东坪县民政局    单位：万元项目名称高龄津贴发放"
    "主管部门东坪县民政局预算资金（万元）预算数其中：财政资金其他资金86.4086.40绩效目标按时发放高龄津贴。"
    "一级指标二级指标三级指标绩效指标描述指标值指标值确定依据产出 指标数量 指标80岁以上高龄老人补贴人数反映80岁以上"
    "高龄 老人补贴人数情况≥1200人计划标准乡镇 覆盖率反映乡镇覆盖 情况≥95%计划标准\n"
    "2、质量 指标补贴 发放准确率反映补贴发放准确 情况100%计划标准\n"
)


def test_a_name_that_starts_with_a_figure_after_a_level_keeps_it_and_its_explanation_is_one_cell():
    (f,) = parse(FIGURE_NAME)
    assert rows(f) == [("80岁以上高龄老人补贴人数", "≥1200人"), ("乡镇覆盖率", "≥95%"), ("补贴发放准确率", "100%")]
    assert f.indicators[0].description == "反映80岁以上高龄老人补贴人数情况"


# --- a figure wrapped in its narrow column: the wrap space between two digits ----------------------------
# '2023年1 2月底前', '≤13 25.60万元': the copy kept the space where the cell's figure wrapped. With the cells'
# separators gone a space is no separator, but between two digits it was left in the run, and the decoder
# skipped it as junk with a digit each side ('2023年' | junk '1 2' | '月底前…').
WRAPPED_FIGURES = (
    "1、东坪县文旅局2023年文化下乡项目支出绩效目标表填报单位：东坪县文旅局    单位：万元项目名称文化下乡"
    "主管部门东坪县文旅局预算资金（万元）预算数其中：财政资金其他资金1325.601325.60绩效目标送戏下乡。"
    "一级指标二级指标三级指标绩效指标描述指标值指标值确定依据产出 指标数量 指标送戏 下乡场次反映送戏下乡 场次情况≥36场"
    "计划标准时效 指标演出完成时间反映演出完成 时间情况2023年1 2月底前计划标准成本 指标项目总成本反映项目总 成本情况"
    "≤13 25.60万元历史标准\n"
)


def test_a_figure_wrapped_between_two_digits_is_one_figure():
    (f,) = parse(WRAPPED_FIGURES)
    assert rows(f) == [("送戏下乡场次", "≥36场"), ("演出完成时间", "2023年12月底前"), ("项目总成本", "≤1325.60万元")]
    assert [i.basis for i in f.indicators] == ["计划标准", "计划标准", "历史标准"]
