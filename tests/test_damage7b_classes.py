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
