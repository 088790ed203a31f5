"""Damage classes of issue 17 read better in general, after damage7: made-up text in the shape the real
copies show (tests/data/real/damage_classes.toml)."""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


# --- space_separated / wrapped: a lone wrapped rest goes to the cell that filled its column -----------
# A PDF's text layer with its cells separated by spaces and long cells wrapped at the column's width: the
# line under a row holds only the rest of the one cell that wrapped ('率情况' under a description). The
# line does not say which cell it continues; a cell wraps only when it fills its column, so where the
# readings cost the same the rest belongs to the fullest cell (the 10-character description), not to a
# shorter name beside it.
WRAPPED_DESCRIPTIONS = "\n".join([
    "某县某局2022年农村供水改造项目支出绩效目标表",
    "项目名称  农村供水改造  主管部门  某县水利局",
    "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依据",
    "产出指标  数量指标  新建供水管网长度  反映新建供水管网长度  ≥35公里  计划标准",
    "情况",
    "质量指标  水质检测达标率  反映水质检测达标率情  ≥98%  行业标准",
    "况",
    "时效指标  工程完工及时率  反映工程完工及时率情  100%  计划标准",
    "况",
    "满意度指标  服务对象满意度指标  受益群众满意度  反映受益群众满意度情  ≥90%  历史标准",
    "况",
])


def test_a_lone_wrapped_rest_joins_the_fullest_cell_of_the_line_above():
    (f,) = parse(WRAPPED_DESCRIPTIONS)
    got = [(i.level2, i.name, i.target) for i in f.indicators]
    assert got == [
        ("数量指标", "新建供水管网长度", "≥35公里"),
        ("质量指标", "水质检测达标率", "≥98%"),
        ("时效指标", "工程完工及时率", "100%"),
        ("服务对象满意度指标", "受益群众满意度", "≥90%"),
    ]


# --- space_separated / wrapped: a key's value wrapped onto the next line ------------------------------
# The same text layer wraps a long key value too: '项目名称  乡镇污水处理设施运' / '维'. The lone rest under a
# key row (labels and their values, the last value the fullest cell) is the rest of that value, not a line
# of its own.
WRAPPED_KEYS = "\n".join([
    "某县某局2023年度项目支出绩效自评表",
    "项目名称  乡镇污水处理设施运",
    "维",
    "主管部门  某县生态局  实施单位  某县生态局城区",
    "分局",
    "一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分",
    "产出指标  数量指标  运维处理站点数  ≥12个  12个  30  30",
    "效益指标  生态效益指标  出水达标率  ≥95%  97%  40  40",
    "满意度指标  服务对象满意度指标  周边群众满意度  ≥90%  93%  30  30",
])


def test_the_lone_rest_of_a_wrapped_key_value_joins_the_value():
    (f,) = parse(WRAPPED_KEYS)
    assert (f.project, f.department) == ("乡镇污水处理设施运维", "某县生态局")
    assert [i.name for i in f.indicators] == ["运维处理站点数", "出水达标率", "周边群众满意度"]


# Two values wrapped on one line: the rests, piece by piece, under the full values; a label printed over
# several lines under a key row ('资金情况' / '(万元)') is no value's rest.
WRAPPED_TWO_KEYS = "\n".join([
    "某县某局2023年度项目支出绩效自评表",
    "项目名称  城区背街小巷  项目编码  520113",
    "改造提升  23P007",
    "主管部门  某县住建局  实施单位  某县城管局",
    "资金情况",
    "(万元)",
    "全年预算数  全年执行数  分值  执行率  得分",
    "年度资金总额  120.5  118.2  10  98.09%  9.8",
    "一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分",
    "产出指标  数量指标  改造小巷条数  ≥15条  15条  40  40",
    "满意度指标  服务对象满意度指标  沿街居民满意度  ≥90%  92%  50  50",
])


def test_two_wrapped_key_values_take_their_rests_and_a_stacked_label_stays_apart():
    (f,) = parse(WRAPPED_TWO_KEYS)
    assert (f.project, f.project_code, f.department) == ("城区背街小巷改造提升", "52011323P007", "某县住建局")
    assert [i.name for i in f.indicators] == ["改造小巷条数", "沿街居民满意度"]


# --- space_separated / wrapped: a money header's label wrapped inside its bracket ---------------------
# '年度预算申请（万' / '元）' over the figures: the lone piece that closes the bracket the row above left
# open is that label's rest, not a line between the money header and its figures.
WRAPPED_MONEY_LABEL = "\n".join([
    "某县某局2023年部门整体支出绩效目标表",
    "部门名称  某县文旅局",
    "年度预算申请（万  资金总额  其中：财政拨款  其他资金",
    "元）",
    "856.32  856.32",
    "一级指标  二级指标  三级指标  指标值",
    "产出指标  数量指标  举办文化活动场次  ≥40场",
    "满意度指标  服务对象满意度指标  群众满意度  ≥90%",
])


def test_the_rest_that_closes_a_wrapped_labels_bracket_joins_the_label():
    (f,) = parse(WRAPPED_MONEY_LABEL)
    assert (f.budget_initial, f.department) == (856.32, "某县文旅局")
    assert [i.name for i in f.indicators] == ["举办文化活动场次", "群众满意度"]


# --- space_separated / wrapped: a money header and its figures wrapped piece by piece -----------------
# Under a money header the line of as many pieces as the row has full cells is their rest ('（万元） 款'
# under '年度预算申请  资金总额  其中：财政拨  其他资金'); under its figures, short rests of each ('1' under
# '2356.7'), never a whole figure of its own.
WRAPPED_MONEY_ROWS = "\n".join([
    "某县某局2023年部门整体支出绩效目标表",
    "部门名称  某县文旅局",
    "年度预算申请    资金总额    其中：财政拨    其他资金",
    "（万元） 款",
    "2356.7    2356.7",
    "1 1",
    "一级指标  二级指标  三级指标  指标值",
    "产出指标  数量指标  举办文化活动场次  ≥40场",
    "满意度指标  服务对象满意度指标  群众满意度  ≥90%",
])


def test_a_money_header_and_its_figures_take_their_wrapped_rests_piece_by_piece():
    (f,) = parse(WRAPPED_MONEY_ROWS)
    assert (f.budget_initial, f.budget_adjusted) == (2356.71, 2356.71)
    assert [i.name for i in f.indicators] == ["举办文化活动场次", "群众满意度"]
