"""Scrambled text layers flattened onto one line (issue 17): the classes the real copies of
tests/data/real/damage_classes.toml's `scrambled` and `name_block` classes still lose fields to.

Each test names one class and shows it in invented text (no real file's wording):

- a block of numbered names ('指标1:甲 … 指标5:戊') printed with the targets of its rows, some names
  lost (the rows whose names the layer dropped print only their targets), then the rows' other cells
  row by row: the names' own numbers place them among the rows, the rows without a name are read
  nameless.
- the same block printed a line at a time: a line of names each with its target (some names lost), then
  one line of each row's other cells.
- a cell wrapped in its narrow column on a table flattened onto one line: its lines printed together, a
  space where each broke ('家庭经济困难 学生资助覆盖 率'), the rest no line of its own but the next piece.
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


HEADER = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施"


def test_cells_wrapped_in_their_columns_on_a_table_flattened_onto_one_line():
    # names wrapped at 6 characters, a reason at 8, all rows on one line; the rest of each is the next piece
    text = "\n".join([
        "某县2022年度项目支出绩效自评表.pdf",
        " ".join([
            "某县2022年度项目支出绩效自评表 项目名称 农村饮水安全 主管部门 某县水利局", HEADER,
            "产出指标 数量指标 新建供水管网 长度 12公里 12公里 20 20",
            "改造水厂数量 3座 2座 20 15 受汛期影响工期推 迟，下一步加快施 工进度。",
            "质量指标 水质检测合格 率 ≥95% 97% 20 20",
            "效益指标 社会效益指标 农村集中供水 人口覆盖率 ≥90% 92% 20 20",
            "满意度指标 服务对象满意度指标 受益群众满意 度 ≥90% 95% 20 20",
            "总分 100 95",
        ]),
    ])
    (f,) = parse(text)
    assert [(i.level1, i.name, i.target, i.actual, i.weight, i.score, i.reason) for i in f.indicators] == [
        ("产出指标", "新建供水管网长度", "12公里", "12公里", 20.0, 20.0, None),
        ("产出指标", "改造水厂数量", "3座", "2座", 20.0, 15.0, "受汛期影响工期推迟，下一步加快施工进度。"),
        ("产出指标", "水质检测合格率", "≥95%", "97%", 20.0, 20.0, None),
        ("效益指标", "农村集中供水人口覆盖率", "≥90%", "92%", 20.0, 20.0, None),
        ("满意度指标", "受益群众满意度", "≥90%", "95%", 20.0, 20.0, None),
    ]


def test_cells_of_a_flattened_table_that_did_not_wrap_stay_apart():
    # two text cells side by side (a name, then a worded value): each a cell of its own
    text = "\n".join([
        "某县2022年度项目支出绩效自评表.pdf",
        " ".join([
            "某县2022年度项目支出绩效自评表 项目名称 农村饮水安全 主管部门 某县水利局", HEADER,
            "产出指标 数量指标 新建供水管网长度 12公里 12公里 20 20",
            "改造水厂数量 3座 3座 20 20",
            "质量指标 水质检测合格率 ≥95% 97% 20 20",
            "效益指标 社会效益指标 群众饮水条件改善情况 明显改善 明显改善 20 20",
            "满意度指标 服务对象满意度指标 受益群众满意度 ≥90% 95% 20 20",
            "总分 100 100",
        ]),
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual) for i in f.indicators] == [
        ("新建供水管网长度", "12公里", "12公里"),
        ("改造水厂数量", "3座", "3座"),
        ("水质检测合格率", "≥95%", "97%"),
        ("群众饮水条件改善情况", "明显改善", "明显改善"),
        ("受益群众满意度", "≥90%", "95%"),
    ]


def test_a_line_of_numbered_names_with_their_targets_then_a_line_of_each_rows_other_cells():
    # a layer printing a line at a time: names 1 and 2 of four rows, each with its target, the two other
    # rows' targets after them; then each row's actual, 分值 and 得分 on a line of its own
    text = "\n".join([
        HEAD, HEADER,
        "产出指标 数量指标 指标1:新建供水管网长度 12公里 指标2:改造水厂数量 3座 ≥95% 8000人",
        "12公里 10 10",
        "3座 10 10",
        "97% 10 9",
        "8200人 10 10",
        "质量指标 指标1:工程验收合格率 100% 100% 10 10",
        "总分 50 49",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("新建供水管网长度", "12公里", "12公里", 10.0, 10.0),
        ("改造水厂数量", "3座", "3座", 10.0, 10.0),
        (None, "≥95%", "97%", 10.0, 9.0),
        (None, "8000人", "8200人", 10.0, 10.0),
        ("工程验收合格率", "100%", "100%", 10.0, 10.0),
    ]
    assert DEAL_NOTE in f.parse_notes


def test_a_line_of_names_each_with_its_target_then_a_line_of_each_rows_other_cells():
    text = "\n".join([
        HEAD, HEADER,
        "产出指标 数量指标 新建供水管网长度 12公里 改造水厂数量 3座",
        "12公里 10 10",
        "2座 10 8",
        "质量指标 工程验收合格率 100% 100% 10 10",
        "总分 30 28",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("新建供水管网长度", "12公里", "12公里", 10.0, 10.0),
        ("改造水厂数量", "3座", "2座", 10.0, 8.0),
        ("工程验收合格率", "100%", "100%", 10.0, 10.0),
    ]
