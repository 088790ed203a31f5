"""Classes of indicator rows read into the wrong columns (issue 17), each with made-up text.

Each test names a class of input seen in published filings, not one file; the
text is invented, the shapes are real.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_space_separated_rows_that_print_only_the_target():
    # a self-evaluation copied with spaces between cells, its 实际完成值 and 得分 columns left blank on
    # every row: a line's first cell is the next row's name, not the actual of the line above
    text = "\n".join([
        "某县2022年度项目支出绩效自评表",
        "项目名称 乡村文化广场建设项目",
        "主管部门 某县文化旅游局 实施单位 某县文化馆",
        "一级指标 二级指标 三级指标 年初目标值(A) 实际完成值(B) 得分",
        "产出指标 数量指标 新建广场面积(平方米) 3000",
        "配套座椅数量(张) 120",
        "宣传栏数量(块) 40",
        "质量指标 验收合格率(%) 98",
        "效益指标 社会效益指标 受益群众人数(人) 8000",
        "满意度指标 服务对象满意度指标 群众满意度(%) 90",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "新建广场面积(平方米)", "3000", None, None, None),
        ("产出指标", "数量指标", "配套座椅数量(张)", "120", None, None, None),
        ("产出指标", "数量指标", "宣传栏数量(块)", "40", None, None, None),
        ("产出指标", "质量指标", "验收合格率(%)", "98", None, None, None),
        ("效益指标", "社会效益指标", "受益群众人数(人)", "8000", None, None, None),
        ("满意度指标", "服务对象满意度指标", "群众满意度(%)", "90", None, None, None),
    ]


def test_name_printed_with_a_space_before_its_bracketed_unit():
    # '年新增产值 (万元)': the bracketed unit is the end of the name, not the row's target
    text = "\n".join([
        "某县2022年度项目支出绩效自评表",
        "项目名称 特色种植示范项目",
        "一级指标 二级指标 三级指标 年初目标值(A) 实际完成值(B) 得分",
        "产出指标 数量指标 示范种植面积(亩) 500",
        "效益指标 经济效益指标 年新增产值 (万元) 260",
        "带动种植户数(户) 150",
    ])
    (f,) = parse(text)
    assert [(i.name.replace(" ", ""), i.target, i.actual) for i in f.indicators] == [
        ("示范种植面积(亩)", "500", None),
        ("年新增产值(万元)", "260", None),
        ("带动种植户数(户)", "150", None),
    ]


def test_a_numbered_name_is_never_the_value_of_the_row_before():
    # a spreadsheet's text layer prints the whole table on one line; a row whose values were left blank is
    # followed by the next row's '指标N:' name, which is a name: neither the actual of the row before nor
    # the rest of its name
    text = "\n".join([
        "某县2021年度项目支出绩效自评表",
        "项目名称 基本公共卫生服务 主管部门 某县卫生健康局",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 "
        "产出指标 数量指标 指标1:建立健康档案人数 12000人 指标2:开展健康讲座次数 "
        "指标3:随访管理人数 800人 760人 5 4.5",
    ])
    (f,) = parse(text)
    got = [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]
    assert got[0] == ("建立健康档案人数", "12000人", None, None, None)
    assert got[-1] == ("随访管理人数", "800人", "760人", 5, 4.5)
    assert not any("指标" in (v or "") for row in got for v in row[1:3])


def test_glued_copy_whose_levels_carry_their_points():
    # a document-sharing site's copy runs the cells together; the level-1 cell carries the level's points
    # ('过程指标20'), the header ends in a reason column worded '偏差及原因分析'
    text = "\n".join([
        "某县某医院2021年度部门整体支出绩效自评表",
        "1、某县某医院整体支出绩效自评表(2021年度)评价部门名称某县某医院一级指标二级指标三级指标年度指标值"
        "全年完成值分值得分偏差及原因分析过程指标20资金管理资金使用合规性合规合规1010"
        "资产管理资产登记完整率100%100%1010产出指标30数量指标门诊服务人次≥5000人次5200人次1515"
        "质量指标病历书写合格率≥95%93%1512部分科室书写不规范",
    ])
    (f,) = parse(text)
    got = [(i.level1, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]
    assert got == [
        ("过程指标", "资金使用合规性", "合规", "合规", 10, 10),
        ("过程指标", "资产登记完整率", "100%", "100%", 10, 10),
        ("产出指标", "门诊服务人次", "≥5000人次", "5200人次", 15, 15),
        ("产出指标", "病历书写合格率", "≥95%", "93%", 15, 12),
    ]
    assert f.indicators[-1].reason == "部分科室书写不规范"


def test_glued_name_holding_a_span_of_years():
    # '编制2021-2025年发展规划' is one name: the figures of a span of years are no cells of their own
    text = "\n".join([
        "某县2021年度项目支出绩效自评表",
        "1、项目名称规划编制主管部门某县发展和改革局一级指标二级指标三级指标年度指标值实际完成值分值得分"
        "产出指标数量指标完成调研报告数量3份3份1010进度指标完成2021-2025年发展规划编制100%100%2020",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("完成调研报告数量", "3份", "3份", 10, 10),
        ("完成2021-2025年发展规划编制", "100%", "100%", 20, 20),
    ]


def test_target_table_with_an_operator_column_headed_value_type():
    # a target table whose 指标值类型 column holds the operator ('≥', '≤') or '定性', and whose 指标值内容
    # column explains the row: the operator is the target's, the explanation no value
    text = "\n".join([
        "某县2025年项目支出绩效目标表",
        "项目支出名称 | 农村饮水安全维护 | 部门预算 | 50.00 |",
        "一级指标 | 二级指标 | 三级指标 | 指标值类型 | 目标值 | 度量单位 | 指标值内容 | 备注 |",
        "产出指标 | 数量指标 | 维修供水管网长度 | ≥ | 12 | 公里 | 反映维修管网的长度。 | |",
        "成本指标 | 经济成本指标 | 维修工程成本 | ≤ | 50 | 万元 | 反映工程的成本。 | |",
        "效益指标 | 社会效益指标 | 农村供水保障水平 | 定性 | 提高 | | 反映供水保障的改善。 | |",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("维修供水管网长度", "≥12公里"),
        ("维修工程成本", "≤50万元"),
        ("农村供水保障水平", "提高"),  # a qualitative value whose blank 度量单位 vanished is no unit
    ]
