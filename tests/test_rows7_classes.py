"""Classes of indicator rows that unseen real filings read into the wrong columns (issue 17, Parser v3:
read filings nobody here has seen), each with made-up text.

Each test names a class of input seen in published filings, not one file; the text is invented, the
shapes are real.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_unit_printed_after_a_space_stays_with_its_figure():
    # a space-separated copy of a table whose value cells held a space between the figure and its unit
    # ('不少于20 册'): the unit is the value's, not the next column's cell
    text = "\n".join([
        "某县2022年度项目支出绩效自评表",
        "项目名称 农家书屋建设",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标 数量指标 配送图书 不少于20 册 26 册 10 10",
        "产出指标 数量指标 培训管理员 不少于15 人 18人 10 10",
        "产出指标 质量指标 图书验收合格率 100% 100% 10 10",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("数量指标", "配送图书", "不少于20册", "26册", 10, 10),
        ("数量指标", "培训管理员", "不少于15人", "18人", 10, 10),
        ("质量指标", "图书验收合格率", "100%", "100%", 10, 10),
    ]


def test_a_value_opening_with_an_operator_word_is_no_name():
    # '不少于12种' holds two characters of words, but they are its operator's: read as (the rest of) a name
    # it costs what a figure costs there, so a row with more values than columns does not hide its target
    # in the name ('指标2:发放健康教育资料' + '不少于12种' as a wrapped name)
    from etl.parse.decode import SETTINGS, name_cost

    assert name_cost("不少于12种", SETTINGS) == SETTINGS.number_as_name
    assert name_cost("不低于95%", SETTINGS) == SETTINGS.number_as_name
    assert name_cost("12月底前完成率", SETTINGS) < SETTINGS.number_as_name  # a name with a date stays a name
    assert name_cost("达标率", SETTINGS) == 0.0


def test_unit_after_a_space_where_no_header_names_the_columns():
    # rows read by their content (the header is a wording no template uses): a target with its operator
    # word and its unit after a space ('不少于12 种') is one value; a bare figure keeps a unit after it
    # apart (a 计量单位 column may follow it)
    text = "\n".join([
        "某镇卫生院2021年度项目支出绩效自评表",
        "项目名称 基本公共卫生服务",
        "考核项目 考核内容 预定指标 完成指标 分值 得分",
        "指标1:建立居民健康档案 38000人 37442人 3 2.9",
        "指标2:发放健康教育资料 不少于12 种 14种 2 2",
        "指标3:适龄儿童疫苗接种率 ≥95% 97.3% 2 2",
        "指标4:孕产妇访视数 214人 203人 2 1.8",
        "指标5:高血压规范管理数 3807人 3224人 2 1.9",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("建立居民健康档案", "38000人", "37442人", 3, 2.9),
        ("发放健康教育资料", "不少于12种", "14种", 2, 2),
        ("适龄儿童疫苗接种率", "≥95%", "97.3%", 2, 2),
        ("孕产妇访视数", "214人", "203人", 2, 1.8),
        ("高血压规范管理数", "3807人", "3224人", 2, 1.9),
    ]


def test_side_label_run_into_a_cell_of_glued_text():
    # the table's side label (绩效指标, a merged cell beside the rows) printed among the rows where a page of a
    # run-together copy broke: neither the start of the next name nor the end of the cell before it
    text = "\n".join([
        "某县2021年度部门整体支出绩效自评表",
        "单位名称某县融媒体中心",
        "一级指标二级指标三级指标年度指标值实际完成值分值得分"
        "产出指标数量指标播发新闻稿件数2000篇2200篇1010质量指标稿件差错率0%0%1010绩效指标"
        "效益指标社会效益指标绩效指标新闻信息公开及时性及时及时1010",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("数量指标", "播发新闻稿件数", "2000篇", "2200篇", 10, 10),
        ("质量指标", "稿件差错率", "0%", "0%", 10, 10),
        ("社会效益指标", "新闻信息公开及时性", "及时", "及时", 10, 10),
    ]


def test_a_table_of_one_level_column_reads_satisfaction_as_its_level1():
    # '绩效指标 | 指标内容 | 指标值': one level column holding level-1 words; '满意度指标', which names a level-2 in
    # other templates, is that column's level-1 here, not a level-2 under the 效益指标 above it
    text = "\n".join([
        "某县2024年度项目支出绩效目标表",
        "项目名称：城乡环卫一体化",
        "绩效指标 指标内容 指标值",
        "产出指标 清扫保洁面积 ≥120万平方米",
        "效益指标 城乡环境 明显改善",
        "满意度指标 群众满意度 ≥90%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name) for i in f.indicators] == [
        ("产出指标", None, "清扫保洁面积"), ("效益指标", None, "城乡环境"), ("满意度指标", None, "群众满意度")]


def test_satisfaction_under_a_printed_level2_column_stays_where_it_is_printed():
    # with level-2 words in the table ('社会效益指标'), the level-2 column is printed: nothing is moved
    text = "\n".join([
        "某县2024年度项目支出绩效目标表",
        "项目名称：城乡环卫一体化",
        "一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 清扫保洁面积 ≥120万平方米",
        "效益指标 社会效益指标 城乡环境 明显改善",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2) for i in f.indicators] == [
        ("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]


def test_an_evaluation_frameworks_scoring_table_is_read_without_a_target():
    # the evaluation frameworks' tables (部门整体: 投入 > 目标设定 …; 项目: 决策 > 项目立项 …) print 分值, an
    # explanation, a scoring standard and 得分, but no target: their rows are still indicators
    for standard in ("评价标准", "评分标准"):
        text = "\n".join([
            "某县文化广电旅游局2022年度部门整体支出绩效自评表",
            f"一级指标 二级指标 三级指标 分值 指标解释 {standard} 得分",
            "投入 目标设定 绩效目标合理性 3 部门所设立的整体绩效目标依据是否充分 目标符合国家法律法规得1分 3",
            "投入 预算配置 在职人员控制率 3 部门本年度实际在职人员数与编制数的比率 在职人员控制率≤100%得满分 3",
            "过程 预算执行 预算完成率 5 部门本年度预算完成数与预算数的比率 预算完成率=100%得满分 4.5",
            "产出 职责履行 重点工作实际完成率 10 部门实际完成工作数与计划工作数的比率 完成率100%得满分 10",
        ])
        (f,) = parse(text)
        assert [(i.level1, i.level2, i.name, i.target, i.weight, i.score) for i in f.indicators] == [
            ("投入", "目标设定", "绩效目标合理性", None, 3, 3),
            ("投入", "预算配置", "在职人员控制率", None, 3, 3),
            ("过程", "预算执行", "预算完成率", None, 5, 4.5),
            ("产出", "职责履行", "重点工作实际完成率", None, 10, 10),
        ], standard


def test_a_score_column_headed_self_score_is_the_score():
    # '自评分' / '自评分数' head the 得分 column in some provinces' templates (Hubei's 自评表: 年初指标值 |
    # 年终完成值 | 自评分 | 复核分)
    for head in ("自评分", "自评分数"):
        text = "\n".join([
            "某县2023年度项目支出绩效自评表",
            "项目名称：办公网络维护",
            f"一级指标 二级指标 三级指标 年初指标值 年终完成值 分值 {head}",
            "产出指标 数量指标 维护设备数量 ≥10台套 10台套 50 50",
            "效益指标 社会效益指标 办公效率 明显提高 明显提高 50 45",
        ])
        (f,) = parse(text)
        assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
            ("维护设备数量", "≥10台套", "10台套", 50, 50), ("办公效率", "明显提高", "明显提高", 50, 45)], head


def test_level_labels_with_a_list_number_are_levels():
    # '一、产出指标 | 1.数量指标': the list number is no part of the level; the level is read as one, not glued into
    # the name. A name that only begins with a number ('1.培训人次') keeps it: what follows is no level
    text = "\n".join([
        "某县2023年度项目支出绩效自评表",
        "项目名称：饮水安全",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "一、产出指标 1.数量指标 新建供水管网 ≥20公里 21公里 40 40",
        "二、效益指标 （一）社会效益指标 受益人口 ≥1万人 1.2万人 30 30",
        "三、满意度指标 1、服务对象满意度指标 群众满意度 ≥90% 95% 30 28",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target, i.score) for i in f.indicators] == [
        ("产出指标", "数量指标", "新建供水管网", "≥20公里", 40),
        ("效益指标", "社会效益指标", "受益人口", "≥1万人", 30),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", 28),
    ]
    from etl.parse.vocab import strip_score

    assert (strip_score("1.培训人次"), strip_score("一、产出指标(40分)")) == ("1.培训人次", "产出指标")
