"""Glued copies of DOCX/XLSX tables (issue 17), with made-up text.

Level labels run into the indicator's name: DOCX and XLSX tables copied from document-sharing sites lose the boundary between a level cell and the
next one; a level cell that wrapped before its 指标 leaves a space inside the label:
'产出 指标数量 指标培训人次'. The labels are cut off as cells of their own; a label that merely starts a
name or carries a word of its own ('服务对象满意度指标等') is left whole.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes
from etl.records import Cell, Row
from etl.parse.vocab_cut import split_level_prefix


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target) for i in f.indicators]


def test_wrapped_level_labels_glued_to_the_name_are_read_as_the_rows_levels():
    text = "\n".join([
        "示例县农业农村局2023年项目支出绩效目标表",
        "项目名称\t高标准农田建设",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出 指标数量 指标新建高标准农田面积\t≥1200亩",
        "\t\t修建机耕道长度\t≥8公里",
        "\t质量 指标工程验收合格率\t100%",
        "效益 指标经济效益 指标亩均增产粮食\t≥50公斤",
        "满意度 指标服务对象满意度 指标受益农户满意度\t≥90%",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "新建高标准农田面积", "≥1200亩"),
        ("产出指标", "数量指标", "修建机耕道长度", "≥8公里"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("效益指标", "经济效益指标", "亩均增产粮食", "≥50公斤"),
        ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%"),
    ]


def test_a_level_one_label_with_its_points_is_cut_with_them():
    (row,) = split_level_prefix([Row(cells=[Cell("产出 指标（40分）数量 指标培训人次"), Cell("≥300人次")])])
    assert [c.text for c in row.cells] == ["产出指标（40分）", "数量指标", "培训人次", "≥300人次"]


def test_names_that_start_with_a_levels_topic_are_not_cut():
    cells = ["服务对象满意度指标等", "服务对象满意度", "成本节约率", "产出指标", "数量指标（个）", "社会效益指标 ≥95%"]
    (row,) = split_level_prefix([Row(cells=[Cell(t) for t in cells])])
    assert [c.text for c in row.cells] == cells


def test_a_glued_header_in_another_templates_wording_keeps_its_columns():
    # '一级目标二级目标指标内容年度指标值': cut at the shorter words inside the wordings ('指标值' in '年度指标值'
    # is fine, but '一级目标' and '指标内容' were no cutting words), the header was lost and no row was read
    text = "\n".join([
        "示例县水利局2023年项目支出绩效目标表",
        "项目名称农村饮水安全巩固提升",
        "一级目标二级目标指标内容年度指标值",
        "产出指标数量指标新建供水管网长度≥12公里",
        "维修水源工程数量≥3处",
        "质量指标水质检测合格率≥95%",
        "效益指标社会效益指标受益人口≥5000人",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "新建供水管网长度", "≥12公里"),
        ("产出指标", "数量指标", "维修水源工程数量", "≥3处"),
        ("产出指标", "质量指标", "水质检测合格率", "≥95%"),
        ("效益指标", "社会效益指标", "受益人口", "≥5000人"),
    ]


def test_wrap_spaces_inside_words_of_a_glued_copy_are_not_cell_boundaries():
    # a DOCX shown as run-on text: the cells lost their separators and every wrapped cell kept a space where
    # Word broke it ('年初预算 数'), so the spaces fall inside words; read as cell boundaries, the project
    # name was cut to '乡村文化' and the money block was not found
    text = "\n".join([
        "示例县2022年度乡村文化广场建设项目支出绩效自评表",
        "项目名称乡村文化 广场建设",
        "主管部门示例县文 化旅游局实施单位示例县文 化馆",
        "项目资金 （万元）年初预算 数全年预算 数全年执行 数分值执行率得分",
        "年度资金 总额80.0080.0076.001095%9.5",
        "其中：财 政拨款80.00",
        "一级指标二级指标三级指标年度指标值实际完成值分值得分",
        "产出指标数量指标新建广场 面积≥3000平方米3100平方米2020",
        "质量指标验收合格 率100%100%2020",
        "效益指标社会效益 指标受益群众 人数≥8000人8200人3030",
        "满意度指标服务对象 满意度指标群众满意 度≥90%92%2020",
    ])
    (f,) = parse(text)
    assert (f.project, f.department) == ("乡村文化广场建设", "示例县文化旅游局")
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (80, 80, 76, 0.95)
    assert [i.name for i in f.indicators] == ["新建广场面积", "验收合格率", "受益群众人数", "群众满意度"]
