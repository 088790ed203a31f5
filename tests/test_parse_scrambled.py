"""Scrambled text layers: a PDF's or spreadsheet's text layer prints a row's cells out of order.

Each test names one class (etl/parse/scrambled.py): the name printed after the row's values, the
分值 / 得分 pair before the values, a block of names followed by a block of their values (one line
a name), in a tab-separated copy and in a copy whose cells are separated by spaces. The text is
invented; the shapes are those of real text layers (tests/data/real/damage_classes.toml: scrambled,
name_block). And a table that reads badly in every order keeps its printed one.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.parse_settings import DEFAULT
from etl.parse.scrambled import NOTES, ZIP_NOTE, orders
from etl.read import read_bytes

HEAD = ["某县某局2023年度项目支出绩效自评表", "项目名称\t乡村道路养护\t主管部门\t某县交通运输局"]
HEADER = "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施"
ROWS = [
    ("产出指标", "数量指标", "养护道路里程", "≥120公里", "126公里", 20.0, 20.0),
    ("产出指标", "数量指标", "新建排水沟长度", "≥3000米", "2800米", 20.0, 18.0),
    ("产出指标", "质量指标", "路面完好率", "≥90%", "95%", 20.0, 20.0),
    ("效益指标", "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", 20.0, 20.0),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", 20.0, 20.0),
]


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def _levels(k: int) -> tuple[str, str]:
    """The level cells a grid prints on row k (a merged cell only on its first row)."""
    l1, l2 = ROWS[k][0], ROWS[k][1]
    return (l1 if k == 0 or ROWS[k - 1][0] != l1 else ""), (l2 if k == 0 or ROWS[k - 1][1] != l2 else "")


def _n(x: float) -> str:
    return str(int(x))


def test_name_printed_after_the_values():
    # a spreadsheet's text layer emits the name cell last: '产出指标 数量指标 ≥120公里 126公里 20 20 养护道路里程'
    lines = [*HEAD, HEADER]
    for k, (_, _, name, target, actual, w, s) in enumerate(ROWS):
        lines.append("\t".join([*_levels(k), target, actual, _n(w), _n(s), "", name]))
    lines.append("总分\t\t\t\t\t100\t98\t")
    (f,) = parse("\n".join(lines))
    assert rows(f) == ROWS
    assert NOTES["name_last"] in f.parse_notes
    assert all(i.parse_confidence <= DEFAULT.scrambled.row_confidence for i in f.indicators)


def test_scores_printed_before_the_values_in_a_space_separated_copy():
    # a PDF's text layer draws the 分值 / 得分 pair first, and the copy lost its grid: cells between spaces
    lines = [*HEAD, HEADER.replace("\t", " ")]
    for k, (_, _, name, target, actual, w, s) in enumerate(ROWS):
        lines.append(" ".join(c for c in [*_levels(k), name, _n(w), _n(s), target, actual] if c))
    lines.append("总分 100 98")
    (f,) = parse("\n".join(lines))
    assert rows(f) == ROWS
    assert NOTES["scores_first"] in f.parse_notes


def test_block_of_names_then_their_value_lines():
    # merged rows printed as a line of names, then one line of values a name; a one-value line has no tab
    text = "\n".join([
        "某县某局2023年度项目支出绩效目标表",
        "项目名称\t乡村道路养护\t主管部门\t某县交通运输局",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t养护道路里程\t新建排水沟长度\t新建桥梁座数",
        "≥120公里",
        "≥3000米",
        "≥2座",
        "\t质量指标\t路面完好率\t≥90%",
        "效益指标\t社会效益指标\t群众出行条件改善\t沿线村庄通达率",
        "明显改善",
        "100%",
        "满意度指标\t服务对象满意度指标\t沿线群众满意度\t≥90%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "养护道路里程", "≥120公里"),
        ("产出指标", "数量指标", "新建排水沟长度", "≥3000米"),
        ("产出指标", "数量指标", "新建桥梁座数", "≥2座"),
        ("产出指标", "质量指标", "路面完好率", "≥90%"),
        ("效益指标", "社会效益指标", "群众出行条件改善", "明显改善"),
        ("效益指标", "社会效益指标", "沿线村庄通达率", "100%"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"),
    ]
    assert ZIP_NOTE in f.parse_notes


def test_block_of_numbered_names_then_their_values_in_a_space_separated_copy():
    # '指标1:… 指标2:…' on one line, then a line of values and scores for each, cells between spaces
    lines = [*HEAD, HEADER.replace("\t", " "),
             "产出指标 数量指标 指标1:养护道路里程 指标2:新建排水沟长度",
             "≥120公里 126公里 20 20",
             "≥3000米 2800米 20 18 雨季施工受阻",
             "质量指标 指标1:路面完好率 ≥90% 95% 20 20",
             "效益指标 社会效益指标 指标1:群众出行条件改善 明显改善 明显改善 20 20",
             "满意度指标 服务对象满意度指标 指标1:沿线群众满意度 ≥90% 93% 20 20",
             "总分 100 98"]
    (f,) = parse("\n".join(lines))
    assert rows(f) == ROWS
    assert f.indicators[1].reason == "雨季施工受阻"
    assert ZIP_NOTE in f.parse_notes


def test_rows_of_another_template_keep_the_printed_order():
    # a group row with its points ('★补助种植面积 10 10') over sub-rows with values and no points reads badly
    # under every order; an order that reads it only a little better is no reason to leave the printed one
    lines = [*HEAD, HEADER.replace("\t", " "),
             "产出指标 数量指标 ★补助粮食作物种植面积 10 10",
             "水稻种植面积 5.5亩 5.5亩",
             "★补助瓜果蔬菜种植面积 10 10",
             "梨树种植面积 6亩 6亩",
             "桃树种植面积 1亩 1亩",
             "葡萄种植面积 4.5亩 4.5亩",
             "★补助家禽养殖数量 10 10",
             "鸡养殖数量 500只 500只",
             "鸭养殖数量 280只 280只",
             "质量指标 ★种植作物成活率 10 9"]
    (f,) = parse("\n".join(lines))
    assert not any(n in f.parse_notes for n in NOTES.values())


def test_only_a_header_in_a_templates_order_has_scrambled_orders():
    assert [n for n, _ in orders(["level1", "level2", "name", "target", "actual", "weight", "score"])] == \
        ["printed", "name_last", "scores_first"]
    assert [n for n, _ in orders(["level1", "level2", "name", "target"])] == ["printed", "name_last"]
    # a header itself out of order is judged by the stream reader (etl/parse/stream.py), not here
    assert [n for n, _ in orders(["level1", "level2", "target", "name"])] == ["printed"]


def test_block_of_names_then_value_lines_with_scores_under_a_whole_row():
    # a self-evaluation's block ('质量指标 路面完好率 排水畅通率', then a line of values, scores and reason a
    # name) under a whole row: the block's lines are neither that row's wrapped cells nor rows of their own
    lines = [*HEAD, HEADER,
             "产出指标\t数量指标\t养护道路里程\t≥120公里\t126公里\t20\t20\t部分路段延期，下一步加快施工进度。",
             "\t质量指标\t路面完好率\t排水畅通率",
             "≥90%\t95%\t20\t20\t",
             "≥85%\t80%\t20\t18\t雨季淤积",
             "效益指标\t社会效益指标\t群众出行条件改善\t明显改善\t明显改善\t20\t20\t",
             "总分\t\t\t\t\t80\t78\t"]
    (f,) = parse("\n".join(lines))
    assert rows(f) == [
        ("产出指标", "数量指标", "养护道路里程", "≥120公里", "126公里", 20.0, 20.0),
        ("产出指标", "质量指标", "路面完好率", "≥90%", "95%", 20.0, 20.0),
        ("产出指标", "质量指标", "排水畅通率", "≥85%", "80%", 20.0, 18.0),
        ("效益指标", "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", 20.0, 20.0),
    ]


def test_the_cost_of_leaving_the_printed_order_is_a_named_setting():
    lines = [*HEAD, HEADER]
    for k, (_, _, name, target, actual, w, s) in enumerate(ROWS):
        lines.append("\t".join([*_levels(k), target, actual, _n(w), _n(s), "", name]))
    doc = read_bytes("\n".join(lines).encode("utf-8"), "copy.txt")
    (strict,) = parse_document(doc, DEFAULT.resolve({"scrambled.order_cost": 1e9}))
    assert NOTES["name_last"] not in strict.parse_notes
    assert rows(strict) != ROWS
