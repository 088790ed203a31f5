"""Scrambled text layers flattened onto one line (issue 17): the classes the real copies of
tests/data/real/damage_classes.toml's `scrambled` and `name_block` classes still lose fields to.

Each test names one class and shows it in invented text (no real file's wording):

- a block of numbered names ('指标1:甲 … 指标5:戊') printed with the targets of its rows, some names
  lost (the rows whose names the layer dropped print only their targets), then the rows' other cells
  row by row: the names' own numbers place them among the rows, the rows without a name are read
  nameless.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.scrambled import DEAL_NOTE
from etl.read import read_bytes

HEAD = "某县2022年度项目支出绩效自评表 项目名称 农村饮水安全 主管部门 某县水利局"


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


WATER = [
    ("新建供水管网长度", "12公里", "12公里", 10.0, 10.0),
    ("改造水厂数量", "3座", "3座", 10.0, 10.0),
    (None, "≥95%", "97%", 10.0, 9.0),
    (None, "8000人", "8200人", 10.0, 10.0),
    ("工程验收合格率", "100%", "100%", 10.0, 10.0),
    ("水源保护区划定数量", "2处", "2处", 10.0, 10.0),
]


def test_numbered_names_fewer_than_their_rows_then_the_rows_other_cells():
    # names 1, 2 and 5 of five rows, each before (1, 2) or after (5) the targets it prints with; header
    # words the layer scattered among them; then each row's actual, 分值 and 得分, row after row
    text = " ".join([
        HEAD,
        "指标1:新建供水管网长度 12公里 指标2:改造水厂数量 3座 ≥95% 8000人 100% 二级指标 三级指标",
        "指标5:工程验收合格率 分值 得分 12公里 10 10 3座 10 10 97% 10 9 8200人 10 10 100% 10 10",
        "指标6:水源保护区划定数量 2处 2处 10 10",
    ])
    (f,) = parse(text)
    assert rows(f) == WATER
    assert DEAL_NOTE in f.parse_notes


def test_numbered_names_fewer_than_their_rows_under_a_known_header_column_by_column():
    # the same block under a header the reader knows, its held-back cells printed a column at a time
    # (the five actuals, then the five 分值, then the five 得分)
    text = " ".join([
        HEAD, "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标 数量指标 指标1:新建供水管网长度 12公里 指标2:改造水厂数量 3座 ≥95% 8000人 100%",
        "指标5:工程验收合格率 12公里 3座 97% 8200人 100% 10 10 10 10 10 10 10 9 10 10",
        "指标6:水源保护区划定数量 2处 2处 10 10",
        "总分 60 59",
    ])
    (f,) = parse(text)
    assert rows(f) == WATER
    assert DEAL_NOTE in f.parse_notes


def test_numbered_names_out_of_their_order_are_not_placed():
    # names whose numbers do not rise with the block ('指标5' before '指标2') place no row: the block is not
    # read so (its rows stay as the decoder reads them as printed)
    text = " ".join([
        HEAD,
        "指标5:新建供水管网长度 12公里 指标2:改造水厂数量 3座 ≥95% 8000人 100% 二级指标 三级指标",
        "指标1:工程验收合格率 分值 得分 12公里 10 10 3座 10 10 97% 10 9 8200人 10 10 100% 10 10",
    ])
    (f,) = parse(text)
    assert DEAL_NOTE not in f.parse_notes
