"""Rows whose trailing cells a text layer held back after them (etl/parse/scrambled.py: deal_held_back).

A spreadsheet's or PDF's text layer flattened onto one line prints the leading cells of a few merged rows
first (their names, or names and targets) and only then the rows' other cells: row by row
('指标4:甲 指标5:乙 甲的指标值 实际值 分值 得分 乙的指标值 …') or column by column (the actual values of
the rows, then their scores). The text is invented; the shape is that of the real copies in
tests/data/real/damage_classes.toml's `scrambled` class.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.scrambled import DEAL_NOTE
from etl.read import read_bytes

HEAD = "某县某局2023年度项目支出绩效自评表 项目名称 乡村道路养护 主管部门 某县交通运输局"
HEADER = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分"


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_names_then_their_values_row_by_row_on_one_line():
    # two rows print their names (one wrapped: '路面' then '完好率' is one cell split at its wrap, here a
    # lone character) and only then their values, one row's after the other
    text = " ".join([
        HEAD, HEADER,
        "产出指标 数量指标 养护道路里程 ≥120公里 126公里 20 20",
        "新建排水沟长度 ≥3000米 2800米 20 18",
        "质量指标 指标3:路面完好 率 指标4:排水设施完好率 ≥90% 95% 20 20 ≥85% 86% 20 20",
        "效益指标 社会效益指标 群众出行条件改善 明显改善 明显改善 20 20",
        "总分 100 98",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("养护道路里程", "≥120公里", "126公里", 20.0, 20.0),
        ("新建排水沟长度", "≥3000米", "2800米", 20.0, 18.0),
        ("路面完好率", "≥90%", "95%", 20.0, 20.0),
        ("排水设施完好率", "≥85%", "86%", 20.0, 20.0),
        ("群众出行条件改善", "明显改善", "明显改善", 20.0, 20.0),
    ]
    assert DEAL_NOTE in f.parse_notes


def test_names_and_targets_then_the_other_cells_column_by_column():
    # two rows print name and target, then both actual values, then both 分值, then both 得分
    text = " ".join([
        HEAD, HEADER,
        "产出指标 数量指标 养护道路里程 ≥120公里 126公里 20 20",
        "质量指标 路面完好率 ≥90% 排水设施完好率 ≥85% 95% 80% 20 20 20 16",
        "效益指标 社会效益指标 群众出行条件改善 明显改善 明显改善 20 20",
        "总分 80 76",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("养护道路里程", "≥120公里", "126公里", 20.0, 20.0),
        ("路面完好率", "≥90%", "95%", 20.0, 20.0),
        ("排水设施完好率", "≥85%", "80%", 20.0, 16.0),
        ("群众出行条件改善", "明显改善", "明显改善", 20.0, 20.0),
    ]
    assert DEAL_NOTE in f.parse_notes


def test_numbered_names_then_their_values_where_no_header_is_known():
    # a copy whose header is not read (rows read by their content): '指标N:' names, then their values
    text = " ".join([
        "某县2022年度项目支出绩效自评表 项目名称 农村饮水安全 主管部门 某县水利局",
        "指标1:新建供水管网长度 12公里 12公里 10 10",
        "指标2:改造水厂数量 3座 3座 10 10",
        "指标3:水质检测合格 率 指标4:受益人口数量 ≥95% 97% 10 10 8000人 8200人 10 10",
        "指标5:工程验收合格率 100% 100% 10 10",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("新建供水管网长度", "12公里", "12公里", 10.0, 10.0),
        ("改造水厂数量", "3座", "3座", 10.0, 10.0),
        ("水质检测合格率", "≥95%", "97%", 10.0, 10.0),
        ("受益人口数量", "8000人", "8200人", 10.0, 10.0),
        ("工程验收合格率", "100%", "100%", 10.0, 10.0),
    ]
    assert DEAL_NOTE in f.parse_notes


def test_rows_printed_in_order_on_one_line_are_left_as_printed():
    text = " ".join([
        HEAD, HEADER,
        "产出指标 数量指标 养护道路里程 ≥120公里 126公里 20 20",
        "新建排水沟长度 ≥3000米 2800米 20 18",
        "质量指标 路面完好率 ≥90% 95% 20 20",
        "效益指标 社会效益指标 群众出行条件改善 明显改善 明显改善 20 20",
        "总分 80 78",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("养护道路里程", "≥120公里", "126公里", 20.0, 20.0),
        ("新建排水沟长度", "≥3000米", "2800米", 20.0, 18.0),
        ("路面完好率", "≥90%", "95%", 20.0, 20.0),
        ("群众出行条件改善", "明显改善", "明显改善", 20.0, 20.0),
    ]
    assert DEAL_NOTE not in f.parse_notes
