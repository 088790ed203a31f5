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


# --- a caption word inside a name: '绩效目标' is the table's caption, and also words of names ---------------
# '审核部门绩效目标份数', '绩效目标批复及时率': the run is cut at the caption word, and the stream dropped it as a
# caption wherever it stood, so the names lost it ('审核部门份数', '批复及时率').
CAPTION_IN_NAMES = (
    "1、北岭县财政局2021年预算评审经费项目支出绩效目标表填报单位：北岭县财政局    单位：万元项目名称预算评审经费"
    "主管部门北岭县财政局预算资金（万元）预算数其中：财政资金其他资金35.0035.00绩效目标开展预算评审。"
    "一级指标二级指标三级指标指标值产出 指标数量 指标审核部门 绩效目标份数≥40份质量 指标绩效目标批复 及时率100%\n"
    "2、时效 指标评审 完成时间≤30天\n"
)


def test_a_caption_word_inside_a_glued_name_stays_in_the_name():
    (f,) = parse(CAPTION_IN_NAMES)
    assert rows(f) == [("审核部门绩效目标份数", "≥40份"), ("绩效目标批复及时率", "100%"), ("评审完成时间", "≤30天")]


# --- a title's kind word at the start of a name: '评价报告合格率' -----------------------------------------------
# A run cut at vocabulary words leaves '评价报告' a piece of its own; taken for a title, it ended the table and
# opened a filing of its own (with no rows), so every row after it was lost. A kind word that names no one, with
# words right before and after it in one run, is part of a name.
KIND_WORD_IN_NAME = (
    "1、北岭县财政局2021年绩效评价经费项目支出绩效目标表填报单位：北岭县财政局    单位：万元项目名称绩效评价经费"
    "主管部门北岭县财政局预算资金（万元）预算数其中：财政资金其他资金20.0020.00绩效目标开展重点评价。"
    "一级指标二级指标三级指标绩效指标描述指标值指标值确定依据产出 指标数量 指标重点评价项目数反映重点评价 项目数情况≥6个"
    "计划标准质量 指标评价报告 合格率反映评价报告 合格率情况100%历史标准\n"
    "2、时效 指标报告 报送及时率反映报告报送 及时率情况100%计划标准\n"
)


def test_a_titles_kind_word_that_opens_a_glued_name_neither_ends_the_table_nor_opens_a_filing():
    (f,) = parse(KIND_WORD_IN_NAME)
    assert rows(f) == [("重点评价项目数", "≥6个"), ("评价报告合格率", "100%"), ("报告报送及时率", "100%")]

