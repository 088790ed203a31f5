"""Classes of filing-level fields of unseen real filings (issue 17, parser v3), each with made-up text.
Every test names a class of input seen in published filings, not one file."""
from __future__ import annotations

import pytest

from etl.parse import parse_document
from etl.parse.report import report_project
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


# --- a report's title names its project as printed ---------------------------------------------------------
# The convention of a table's 项目名称 cell: the title's place, year, 项目 and 专项资金 stay; only the report's
# own words after the name ('(项目支出)绩效自评报告', '绩效评估报告', a page suffix, a trailing year) and an
# attachment number before it go.

@pytest.mark.parametrize("title, project", [
    ("示例县2021年第二批乡村道路硬化工程绩效自评报告", "示例县2021年第二批乡村道路硬化工程"),
    ("示例县2022年河道清淤水利发展资金绩效自评报告", "示例县2022年河道清淤水利发展资金"),
    ("2019年示例补助项目绩效自评报告", "2019年示例补助项目"),             # 项目 before 绩效 is the name's
    ("2019年示例防汛专项资金绩效自评报告_第1页", "2019年示例防汛专项资金"),  # a copy's page suffix
    ("示例县2023年示例补贴项目支出绩效自评报告", "示例县2023年示例补贴"),     # 项目支出: the report's words
    ("示例对象生活补助经费2023年度绩效自评报告", "示例对象生活补助经费"),      # the year after the name
    ("附件2:示例县2020年示例学校维修工程绩效评价报告", "示例县2020年示例学校维修工程"),
    ("示例营养改善计划绩效评估报告", "示例营养改善计划"),
    ("关于2022年度示例河道保洁资金绩效自评情况的报告", "2022年度示例河道保洁资金"),
    ("对口帮扶示例村道路项目绩效自评报告", "对口帮扶示例村道路项目"),
    # report wordings without 自评 or 评价
    ("示例县2023年示例农田建设项目绩效情况说明", "示例县2023年示例农田建设项目"),
    ("关于2023年度示例农田建设资金绩效情况的报告", "2023年度示例农田建设资金"),
    ("示例县2023年示例农田建设项目绩效目标完成情况报告", "示例县2023年示例农田建设项目"),
])
def test_report_title_names_its_project_as_printed(title, project):
    assert report_project(title) == project


@pytest.mark.parametrize("title, project", [
    # the body that reports, before the year, is not part of the name
    ("示例市示例区水务局2022年示例衔接资金项目绩效自评报告", "2022年示例衔接资金项目"),
    ("示例县财政局关于2022年度示例乡村道路养护项目绩效自评报告", "2022年度示例乡村道路养护项目"),
    ("示例县财政局关于示例乡村道路养护项目绩效自评情况的报告", "示例乡村道路养护项目"),
    # ... and a title that names only who reports and a kind of spending names no project
    ("示例市档案局2017年度项目绩效自评报告", None),
    ("示例市第四中学专项资金绩效自评价报告", None),
    ("示例市预算支出项目绩效评价报告", None),
    ("示例市示例新区财政支出项目绩效评价自评报告", None),
    ("示例局2022年度部门整体支出绩效自评报告", None),
    ("项目绩效自评报告", None),
    ("示例局2023年度项目支出绩效自评", None),  # a page titled with the evaluation alone
    ("示例局2023年度项目支出绩效报告", None),
])
def test_report_title_reporter_and_kind_of_spending_are_no_project(title, project):
    assert report_project(title) == project


def test_a_reports_project_keeps_its_place_and_year_through_the_parser():
    (f,) = parse("示例县2020年第一批示例防护工程绩效自评报告\n一、项目基本情况\n全年下达资金35万元,已全部支出。")
    assert (f.doc_kind, f.project, f.year) == ("self_eval_report", "示例县2020年第一批示例防护工程", 2020)


# --- a department's table under a page's menu of project tabs -----------------------------------------------
# A budget page lists its tabs ('部门整体支出绩效目标表', then each project's name, many ending 项目) above the
# department's own table, which has no title we know ('部门整体绩效目标') and keys a department (部门名称), no
# project: the menu's 项目 is not the table's.

def _dept_table_under_menu(keys: list[str]) -> str:
    return "\n".join([
        "概览", "部门整体支出绩效目标表示例服务", "示例巡护工作经费", "示例帮扶项目", "示例苗木补植项目",
        "| 部门整体绩效目标 | | |",
        *keys,
        "| 年度绩效总目标 | 保障示例局职能实现 | |",
        "| 一级指标 | 二级指标 | 三级指标 | 目标值 |",
        "| 产出指标 | 数量指标 | 保障在职职工人数(人) | 40人 |",
        "| 效益指标 | 满意度指标 | 服务对象满意度 | ≥90% |",
    ])


def test_a_department_table_under_a_menu_of_project_tabs_is_the_departments():
    (f,) = parse(_dept_table_under_menu(["| 部门编码: | 901 | 部门名称: | 示例县示例局 |"]))
    assert (f.doc_kind, f.department, f.project) == ("dept_target", "示例县示例局", None)


def test_a_table_with_a_project_key_under_the_same_menu_stays_a_projects():
    (f,) = parse(_dept_table_under_menu(["| 项目名称 | 示例帮扶项目 | 主管部门 | 示例县示例局 |"]))
    assert (f.doc_kind, f.project) == ("project_target", "示例帮扶项目")


# --- a report's result table and its total row ----------------------------------------------------------------
# A report that states no score in its prose prints its result table ('一级指标 | 分值 | 得分 | 等级'): the graded
# row of the full weight is the total, labelled ('合计 | 100 | 91.5 | 优') or, in a copy that lost the table's
# words, unlabelled but with the weights of the rows above adding up to it. A money table prints no grade.

_REPORT_HEAD = ["示例县示例局2021年度部门整体支出绩效评价报告", "一、基本情况", "示例局2021年度支出300万元。",
                "二、绩效评价结果"]


def test_a_reports_result_table_total_row():
    text = "\n".join(_REPORT_HEAD + ["一级指标 | 分值 | 得分 | 等级", "决策 | 20 | 18 | 优", "过程 | 30 | 27.5 | 优",
                                    "产出 | 30 | 28 | 优", "效益 | 20 | 18 | 优", "合计 | 100 | 91.5 | 优"])
    (f,) = parse(text)
    assert (f.doc_kind, f.total_weight, f.total_score) == ("self_eval_report", 100, 91.5)


def test_a_reports_result_table_that_lost_its_words_keeps_its_arithmetic():
    text = "\n".join(_REPORT_HEAD + ["等级 | |", "20.00 | 优 |", "30.00 | 27.50 | 优", "产出 | 30.00 | 28.00 | 优",
                                    "20.00 | 18.00 | 优", "100.00 | 91.50 | 优", "注:优(≥90)"])
    (f,) = parse(text)
    assert (f.total_weight, f.total_score) == (100, 91.5)


def test_a_reports_money_table_is_no_result_table():
    text = "\n".join(_REPORT_HEAD + ["支出 | 预算数 | 执行数", "基本支出 | 60 | 58", "项目支出 | 40 | 37",
                                    "合计 | 100 | 95"])
    (f,) = parse(text)
    assert (f.total_weight, f.total_score) == (None, None)
    # ... nor a graded row whose weights above do not add up to it
    text = "\n".join(_REPORT_HEAD + ["30.00 | 27.50 | 优", "20.00 | 18.00 | 优", "100.00 | 91.50 | 优"])
    (g,) = parse(text)
    assert (g.total_weight, g.total_score) == (None, None)


# --- keys that name only a province, a head that names the county --------------------------------------------
# The implementer is a province's company ('湖南省某公司'), the 主管部门 a town with no county ('某镇政府'); the page's
# publisher line ('来源:攸县财政局') names the county, within that province.

def _target_under_publisher(source: str) -> str:
    return "\n".join([
        "2019年示例扶贫基地基础设施绩效目标申报表",
        f"发布时间:2019年05月20日\t{source}",
        "项目名称\t2019年示例扶贫基地基础设施\t项目负责人\t某某",
        "主管部门\t青山镇政府\t实施单位\t湖南省青山农业发展有限公司",
        "资金情况(万元)\t年度资金总额:\t10",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t修建道路长度\t≥2公里",
    ])


def test_a_county_named_in_the_head_places_a_filing_whose_keys_name_a_province():
    (f,) = parse(_target_under_publisher("来源:攸县财政局"))
    assert (f.province, f.city, f.county) == ("湖南省", "株洲市", "攸县")


def test_a_county_of_another_province_in_the_head_does_not():
    (f,) = parse(_target_under_publisher("来源:乐昌市财政局"))
    assert (f.province, f.county) == ("湖南省", None)


# --- one key for the implementer and the supervisor -----------------------------------------------------------
# '实施(主管)单位' names the body that carries the project out and supervises it: the department, printed with its
# budget code as the filing prints it.

def test_a_key_naming_implementer_and_supervisor_in_one_names_the_department():
    text = "\n".join([
        "示例县示例局2020年度预算项目绩效自评表",
        "一、基本情况 项目名称: 示例老人津贴 是否为专项资金: 实施(主管)单位 314009-示例县示例局机关 金额单位: 万元",
        "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)",
        "预算数 6.5 到位数 6.5 执行数 6.5 100.00",
    ])
    (f,) = parse(text)
    assert (f.project, f.department, f.department_code) == ("示例老人津贴", "314009-示例县示例局机关", "314009")


def test_a_text_copys_cell_rules_are_no_keys_value():
    # '项目名称 | 某某 |': the rule between a key and its value is not the value
    text = "\n".join(["项目支出绩效目标申报表 | |", "项目名称 | 示例展厅运营维护 |", "实施(主管)单位 | 示例市示例馆 |",
                      "项目预算 | 45 |"])
    (f,) = parse(text)
    assert (f.project, f.department) == ("示例展厅运营维护", "示例市示例馆")


# --- a report names its project where it says what its money was spent on -------------------------------------
# No title (the copy starts at its first section) and an opening sentence that names none: '下达资金N万元用于某某项目,'
# names the one project; money spent on several names none, and a clause that goes on past 项目 is no name.

def _untitled_report(spending: str) -> str:
    return "\n".join([
        "按照示例省财政厅要求,我单位及时开展自评,县级自评情况报告如下:",
        "一、绩效目标分解下达情况",
        f"根据示例县人民政府批复,{spending}",
        "二、绩效自评工作开展情况",
        "资金已全部拨付到位,实际支出80万元,资金执行率100%。",
    ])


def test_a_report_names_the_one_project_its_money_was_spent_on():
    (f,) = parse(_untitled_report("下达预算资金80万元用于示例村饮水维修养护项目,新建水房1座。"))
    assert (f.doc_kind, f.project) == ("self_eval_report", "示例村饮水维修养护项目")


@pytest.mark.parametrize("spending", [
    "下达资金50万元用于甲村道路工程;30万元用于乙村桥梁工程。",   # several: none is the report's
    "下达资金80万元用于示例工程项目预算编制,新建水房1座。",       # the clause goes on: a use, not a name
    "下达资金80万元用于保障示例村群众饮水安全。",
])
def test_money_spent_on_several_or_on_a_purpose_names_no_project(spending):
    (f,) = parse(_untitled_report(spending))
    assert f.project is None
