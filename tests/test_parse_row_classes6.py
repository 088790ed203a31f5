"""Classes of indicator rows read into the wrong columns or as extra rows (issue 17, Parser v3
generalisation), each with made-up text.

Each test names a class of input seen in published filings, not one file; the text is invented, the
shapes are real.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_explanation_beside_the_target_where_no_header_names_the_values():
    # a target table whose value columns are headed with words no template uses (one column per village):
    # the rows are read by their content, and the explanation cell after the name ('反映…情况') is the
    # 指标解释 column, never the target
    # (a copy printing one cell a line, each ending in ' |')
    cells = [
        "一级指标", "二级指标", "三级指标", "指标解释", "东山村", "西河村", "",
        "产出指标", "数量指标", "修建灌溉水渠(条)", "反映灌溉水渠修建完成情况", "2", "2", "|",
        "质量指标", "工程验收合格率(%)", "反映工程建设质量达标情况", "100", "100", "|",
        "效益指标", "社会效益指标", "受益农户数(户)", "反映工程惠及农户的范围", "300", "200",
    ]
    text = "\n".join(["某县2023年农村水利专项资金绩效目标表", "项目名称 |", "农村水利专项资金 |"]
                     + [f"{c} |" for c in cells])
    (f,) = parse(text)
    got = [(i.name, i.target, i.description) for i in f.indicators]
    assert got == [
        ("修建灌溉水渠(条)", "2", "反映灌溉水渠修建完成情况"),
        ("工程验收合格率(%)", "100", "反映工程建设质量达标情况"),
        ("受益农户数(户)", "300", "反映工程惠及农户的范围"),
    ]


def test_glued_name_that_starts_with_a_date_of_the_calendar():
    # a time-limit indicator named by its date ('11月底前完成发放'), in a copy whose cells ran together:
    # the month's figures are the name's, not the end of the level cell before it
    text = "\n".join([
        "某县2021年度项目支出绩效自评表",
        "项目名称耕地地力保护补贴",
        "一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分",
        "产出指标数量指标补贴农户数1200户1200户20质量指标补贴发放准确率100%100%10"
        "时效指标11月底前完成发放100%100%10",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name, i.target) for i in f.indicators] == [
        ("数量指标", "补贴农户数", "1200户"),
        ("质量指标", "补贴发放准确率", "100%"),
        ("时效指标", "11月底前完成发放", "100%"),
    ]


def test_actual_column_headed_with_a_qualifier_before_its_word():
    # '单项指标实际完成值': a header word qualified in front, as 分值 and 得分 headers are ('指标分值',
    # '单项指标得分'), still names the actual column
    text = "\n".join([
        "某县2021年度预算项目绩效自评表",
        "项目名称: 残疾人生活补贴",
        "一级指标\t二级指标\t三级指标\t指标分值\t预期指标值\t单项指标实际完成值\t单项指标得分",
        "产出指标\t数量指标\t补贴发放人数(人)\t30\t≥500\t512\t30",
        "\t时效指标\t补贴按月发放率\t30\t100%\t100%\t30",
        "满意度指标\t服务对象满意度指标\t受助对象满意度\t20\t≥90%\t95%\t20",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "补贴发放人数(人)", "≥500", "512", 30, 30),
        ("产出指标", "时效指标", "补贴按月发放率", "100%", "100%", 30, 30),
        ("满意度指标", "服务对象满意度指标", "受助对象满意度", "≥90%", "95%", 20, 20),
    ]


def test_glued_levels_whose_points_run_on_without_brackets():
    # a PDF's text layer prints each level with its points ('数量指标 15 分') and runs them into the
    # name after it: the 分 closes the level's cell, it does not start the indicator's name
    text = "\n".join([
        "某市财政预算支出项目绩效目标自评表",
        "项目名称 社区服务设施维护费",
        "一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分",
        "产出指标数量指标15分更换照明灯具200盏200盏15质量指标10分设施完好率95%96%10",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name, i.target, i.actual) for i in f.indicators] == [
        ("数量指标", "更换照明灯具", "200盏", "200盏"),
        ("质量指标", "设施完好率", "95%", "96%"),
    ]


def test_table_whose_name_column_is_empty_on_every_row():
    # a target table whose 指标内容 column was left blank on every row, in a copy whose cells ran together:
    # each row is its level-2 and its value; the bare '指标' of a level label is no indicator's name
    text = "\n".join([
        "项目绩效目标表(2022年度)",
        "项目名称村级道路维修",
        "年度绩效指标一级指标二级指标指标内容指标值备注"
        "产出指标数量指标12公里质量指标95%时效指标11月效益指标社会效益指标300户",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", None, "12公里"),
        ("产出指标", "质量指标", None, "95%"),
        ("产出指标", "时效指标", None, "11月"),
        ("效益指标", "社会效益指标", None, "300户"),
    ]


def test_level_label_read_across_the_lines_of_a_narrow_cell():
    # a level-1 label printed down a narrow merged cell over two lines ('效益' over '指标'), which OCR or
    # a text layer reads across the lines: '益标效指' is 效益指标 with its characters out of order
    text = "\n".join([
        "某区2020年度项目自评表",
        "项目名称农机购置补贴",
        "一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分",
        "产出指标数量指标补贴农机台数120台120台20质量指标补贴资金兑付率100%100%20"
        "益标效指社会效益指标受益农户满意度90%95%10",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name) for i in f.indicators] == [
        ("产出指标", "数量指标", "补贴农机台数"),
        ("产出指标", "质量指标", "补贴资金兑付率"),
        ("效益指标", "社会效益指标", "受益农户满意度"),
    ]


def test_group_label_with_its_points_is_no_indicator():
    # a self-evaluation template labels its indicator block '年度绩效目标(80分)' in a merged cell that a
    # text layer prints after the rows, among the other merged cells (the levels): a group label with no values, not an indicator
    text = "\n".join([
        "2020年市级文化发展资金项目自评表",
        "项目名称 市级文化发展资金",
        "三级指标 年初目标值(A) 实际完成值(B) 得分",
        "文艺演出场次(场) 20 24 20",
        "观众人数(人次) 5000 6200 20",
        "群众满意度 90% 96% 20",
        "数量指标 年度绩效目标(80分) 产出指标(60分) 效益指标(40分)",
        "总分 100 100",
    ])
    (f,) = parse(text)
    assert [i.name for i in f.indicators] == ["文艺演出场次(场)", "观众人数(人次)", "群众满意度"]


def test_a_template_number_with_an_ascii_full_stop_is_no_part_of_the_name():
    # '指标1.' as a form typed on a keyboard prints it; '指标1.5' would be a figure, not a number and a stop
    from etl.parse.cells import indicator_name
    assert indicator_name("指标1.药品抽验品种") == "药品抽验品种"
    assert indicator_name("指标12. 培训人员覆盖率") == "培训人员覆盖率"
    assert indicator_name("指标1.5倍以上") == "指标1.5倍以上"


def test_levels_worded_as_goals_instead_of_indicators():
    # some provinces' department forms word the levels '产出目标 / 数量目标' where the templates say 指标
    text = "\n".join([
        "2023年度部门整体支出绩效自评表",
        "一级指标\t二级指标\t三级指标\t年度目标值\t实际完成值\t分值\t得分",
        "产出目标\t数量目标\t开展科普宣传活动场数\t≥12场\t15场\t20\t20",
        "\t质量目标\t监测设备运行率\t≥95%\t98%\t20\t20",
        "效益目标\t社会效益目标\t公众防灾意识\t明显提高\t明显提高\t30\t28",
        "满意度目标\t服务对象满意度目标\t群众满意度\t≥90%\t95%\t10\t10",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出目标", "数量目标", "开展科普宣传活动场数", "≥12场", "15场", 20, 20),
        ("产出目标", "质量目标", "监测设备运行率", "≥95%", "98%", 20, 20),
        ("效益目标", "社会效益目标", "公众防灾意识", "明显提高", "明显提高", 30, 28),
        ("满意度目标", "服务对象满意度目标", "群众满意度", "≥90%", "95%", 10, 10),
    ]


def test_a_numbered_name_with_no_values_is_a_row_not_the_rest_of_the_name_above():
    # a copy with no positions: '指标3.' opens a row even when the row prints no values (the filer left them blank)
    text = "\n".join([
        "2021年项目支出绩效自评表",
        "一级指标 二级指标 三级指标 指标值 完成值",
        "产出指标 质量指标 指标1.药品抽检完成率 100% 100%",
        "指标2.医疗器械抽验完成率 100% 100%",
        "指标3.不合格产品处置率",
        "指标4.药品不良反应报告数 ≥150 150",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual) for i in f.indicators] == [
        ("药品抽检完成率", "100%", "100%"), ("医疗器械抽验完成率", "100%", "100%"),
        ("不合格产品处置率", None, None), ("药品不良反应报告数", "≥150", "150")]
