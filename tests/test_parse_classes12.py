"""Classes of input from filings nobody here had read (issue 17), each with made-up text.

Every test names a class seen in published filings of more than one county or template; the text
is invented, the shapes are real.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


SELF_EVAL_MONEY = ["年初预算数", "调整预算数", "全年执行数", "分值", "执行率", "得分"]


def money(values: list[str], header: list[str] = SELF_EVAL_MONEY):
    text = "\n".join(["某县某局2021年度项目支出绩效自评表", "项目名称", "某某检测经费", "项目资金（万元）"] + header
                     + ["年度资金总额"] + values + ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                                               "得分", "产出指标", "数量指标", "抽检批次", "≥80批次", "95批次", "10", "10"])
    (f,) = parse(text)
    return f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score


def test_money_line_with_a_blank_amount_and_a_score_no_budget_line_could_get():
    # One amount cell of the money line left blank, and in the 得分 place a figure above any 分值 a budget line is
    # given (the form's total typed there): the two amounts are the budget and its spending, as 执行率 100% says,
    # and the small whole figure is the 分值, not a third amount that breaks the rate.
    initial, adjusted, executed, rate, weight, _ = money(["45", "45", "10", "100%", "97"])
    assert (adjusted, executed, rate, weight) == (45, 45, 1.0, 10)


def test_required_cells_marked_with_an_asterisk():
    # A form that marks its required cells with a leading asterisk ('*项目名称', '*指标值', '*指标解释',
    # '*评(扣)分标准'): the mark is no part of the key or the header word, so each cell still names its field or
    # column, and the explanation and scoring-rule cells stay in their columns instead of reading as a row.
    text = "\n".join([
        "某县某站2024年度项目绩效目标表",
        "*项目名称 | 某某防治经费 | *主管部门 | 某县某局 |",
        "一级指标 | 二级指标 | 三级指标 | 指标值类型 | *指标值 | 计量单位 | *指标解释 | *评(扣)分标准 | 备注 |",
        "产出指标 | 数量指标 | 监测点位数 | 定量 | 12 | 个 | 该指标主要考察监测点位建设情况 | 未达指标值酌情扣分 | |",
        "质量指标 | 设备运行正常率 | 定量 | 98 | % | 该指标主要考察设备运行情况 | 每低1个百分点扣1分 | |",
        "效益指标 | 社会效益指标 | 预警信息发布及时率 | 定量 | 100 | % | 该指标主要考察预警发布情况 | 未达指标值酌情扣分 | |",
    ])
    (f,) = parse(text)
    assert (f.project, f.department) == ("某某防治经费", "某县某局")
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "监测点位数", "12个"),
        ("产出指标", "质量指标", "设备运行正常率", "98%"),
        ("效益指标", "社会效益指标", "预警信息发布及时率", "100%"),
    ]


def test_money_total_label_printed_with_a_space_between_its_characters():
    # A PDF's text layer spaces out a short label ('合 计', '总 计'): the label's characters, cut at the space, are
    # still the total row's label, and its figures (with a rate printed without its % under a '(%)' header) are read.
    text = "\n".join([
        "某市某中心部门整体支出绩效自评表",
        "( 2021 年度)",
        "部门(单位)名称 某市某中心 部门预算编码 409001009",
        "财政资金安排和使用情况 资金结构 预算安排 拨付情况 结余情况",
        "(万元) 年初部门预算安排金额(含历年结余结转)① 年中调整金额② 小计 年度拨付金额 支出实现率(%)⑤=④/③"
        " 本年度结余金额⑥=③-④ 资金结余率(%)⑦=⑥/③",
        "  ③=①+②",
        "财政资金小计 220.5 30.1 250.6 240.1 95.81 10.5 4.19",
        "合 计 220.5 30.1 250.6 240.1 95.81 10.5 4.19",
        "一级指标 二级指标 三级指标 绩效目标值 实际完成值 指标分值 自评得分 未完成原因",
        "产出目标 数量目标 开展某某检查次数 12次 12次 10 10 已完成",
    ])
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (220.5, 250.6, 240.1, 0.9581)


def test_county_named_by_the_implementing_unit_under_a_city_department():
    # The 主管部门 is the city's bureau and the 实施单位 (资金使用单位) the county's: the filing comes from that county,
    # which the city's name alone does not say.
    text = "\n".join([
        "某某补助资金绩效自评表 | |||",
        "(2023年度) | |||",
        "转移支付(项目)名称 | 某某补助资金 | ||",
        "地方主管部门 | 湖南省株洲市民政局 |",
        "资金使用单位 | 株洲市渌口区民政局 | ||",
        "全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%) | |",
        "年度资金总额: | 120 | 110 | 91.67% | |",
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |",
        "产出指标 | 数量指标 | 补助发放人数 | ≥300人 | 320人 |",
    ])
    (f,) = parse(text)
    assert (f.province, f.city, f.county) == ("湖南省", "株洲市", "渌口区")


def test_money_header_word_wrapped_inside_on_a_flattened_line():
    # A narrow header cell wrapped its word ('年初预' / '算数', '年初预算' / '数') and the copy flattened the form onto
    # one line, the wrap now a space: the two halves are one column, so the amounts stay under their columns.
    for head in ("年初预 算数", "年初预算 数"):
        text = ("某县某局2022年度某某设备购置项目支出绩效自评表 项目名称  某某设备购置 主管部门  某县某局 "
                f"项目资金（万元）    {head}    全年预算数    全年执行数    分值    执行率    得分 "
                "年度资金总额    120.5    120.5    110.2    10    91.45%    9.15 "
                "一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分 "
                "产出指标    数量指标    购置设备数量    ≥20台    22台    10    10")
        (f,) = parse(text)
        assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight,
                f.exec_score) == (120.5, 120.5, 110.2, 0.9145, 10, 9.15), head


def test_money_header_words_spaced_out_character_by_character():
    # A PDF's text layer spaces out a short header word ('执 行 率', '分 值', '得 分') as it does a label: the
    # characters, cut into cells at the spaces, are still the column's header.
    text = ("某县某局2022年度某某设备购置项目支出绩效自评表 项目名称  某某设备购置 主管部门  某县某局 "
            "项目资金（万元）    年初预算数    全年预算数    全年执行数    分 值    执 行 率    得 分 "
            "年度资金总额    120.5    120.5    110.2    10    91.45%    9.15 "
            "一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分 "
            "产出指标    数量指标    购置设备数量    ≥20台    22台    10    10")
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight,
            f.exec_score) == (120.5, 120.5, 110.2, 0.9145, 10, 9.15)


def test_key_value_wrapped_inside_a_narrow_cell_on_a_flattened_line():
    # A narrow value cell wrapped its last characters ('某某河道综合整 治', '某县水利 局'), and the copy flattened the
    # form onto one line, the wrap now a space: the tail between the value and the next key is the value's.
    text = ("某县某局2022年度某某河道综合整治项目支出绩效自评表 项目名称  某某河道综合整 治 主管部门  某县水利 局 "
            "实施单位  某县河道管理所 "
            "项目资金（万元）    年初预算数    全年预算数    全年执行数    分值    执行率    得分 "
            "年度资金总额    80    80    80    10    100%    10 "
            "一级指标  二级指标  三级指标  年度指标值  实际完成值  分值  得分 "
            "产出指标    数量指标    清淤河道长度    ≥12公里    12.5公里    10    10")
    (f,) = parse(text)
    assert (f.project, f.department, f.unit) == ("某某河道综合整治", "某县水利局", "某县河道管理所")
    (f,) = parse(text.replace("主管部门", "主管部 门"))  # the next key wrapped too
    assert (f.project, f.department, f.unit) == ("某某河道综合整治", "某县水利局", "某县河道管理所")
    (f,) = parse(text.replace("主管部门", "主管 部门"))  # the next key's head is no tail of the value
    assert (f.project, f.department, f.unit) == ("某某河道综合整治", "某县水利局", "某县河道管理所")
    (f,) = parse(text.replace("综合整 治", "综 合整治"))  # a longer tail
    assert f.project == "某某河道综合整治"


def test_target_money_key_wrapped_inside_on_a_flattened_line():
    # A target table's money keys over their amounts, flattened onto one line, one key wrapped inside
    # ('其中：财政资 金'): the keys are still a run, and the amounts fall under them.
    text = ("某县某局2023年某某维修项目绩效目标表 项目名称  某某维修 主管部门 某县某局 "
            "预算资金（万元）  预算数  其中：财政资 金  其他资金 86.5 86.5 "
            "一级指标    二级指标    三级指标    指标值 产出指标  数量指标  维修面积  ≥500平方米")
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted) == (86.5, 86.5)
