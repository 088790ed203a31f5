"""Files that hold several filings: each filing's meta, money block and indicator table are cut at the right
boundary and kept together (the classes with made-up text; the two real files of the kind at the end)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from etl.eval.damaged import generated
from etl.eval.multi import JOINERS, measure_pairs, pairings
from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


# Class 1: a glued copy (cells run together, one page a line, page markers '2、' opening the next page) of a
# set of project self-evaluations printed under one title: each project's key block follows the previous
# project's 总分 inside the same line, and its own title is not repeated.
GLUED_SET = (
    "《某单位项目支出绩效自评表.docx》由会员分享,可在线阅读。\n"
    "1、项目支出绩效自评表(2021 年度)项目名称道路灯具维修经费主管部门某县路灯所实施单位某县城管局"
    "项目资金 (万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额50504510 90%9"
    "其中:当年财政拨款505045 90%上年结转资金其他资金年度 总体 目标预期目标实际完成情况维修城区损坏的路灯。已完成"
    "绩 效 指 标一级指标二级指标三级指标年度 指标值实际 完成值分 值得 分偏差原因分析 及改进措施"
    "产出指标数量指标维修路灯数量200盏200盏3030质量指标维修合格率100%100%3030"
    "满意度指标服务对象满意度指标市民满意度95%96%3028\n"
    "2、总分10097项目名称环卫车辆购置经费主管部门某县路灯所实施单位某县城管局"
    "项目资金 (万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额80807010 87.5%8"
    "其中:当年财政拨款808070 87.5%上年结转资金其他资金年度 总体 目标预期目标实际完成情况购置环卫车辆三台。已完成"
    "绩 效 指 标一级指标二级指标三级指标年度 指标值实际 完成值分 值得 分偏差原因分析 及改进措施"
    "产出指标数量指标购置车辆数3台3台5050满意度指标服务对象满意度指标环卫工人满意度90%92%5050总分100100\n"
)


def test_a_glued_set_of_project_tables_gives_each_project_its_own_money_and_rows():
    first, second = parse(GLUED_SET)
    assert (first.project, second.project) == ("道路灯具维修经费", "环卫车辆购置经费")
    assert (first.department, second.department) == ("某县路灯所", "某县路灯所")
    assert (first.year, second.year) == (2021, 2021)  # the second table's year comes from the set's one title
    assert (first.budget_adjusted, first.budget_executed, first.exec_rate_reported) == (50, 45, 0.9)
    assert (second.budget_adjusted, second.budget_executed, second.exec_rate_reported) == (80, 70, 0.875)
    assert [r[2] for r in rows(first)] == ["维修路灯数量", "维修合格率", "市民满意度"]
    assert (first.total_weight, first.total_score) == (100, 97)
    assert [r[2] for r in rows(second)] == ["购置车辆数", "环卫工人满意度"]
    assert (second.total_weight, second.total_score) == (100, 100)


def test_a_glued_set_cut_at_the_second_tables_header_keeps_the_second_projects_money():
    cut = GLUED_SET[: GLUED_SET.index("产出指标数量指标购置车辆数")]
    first, second = parse(cut)
    assert (first.project, second.project) == ("道路灯具维修经费", "环卫车辆购置经费")
    assert (first.budget_adjusted, second.budget_adjusted) == (50, 80)
    assert len(first.indicators) == 3 and not second.indicators
    assert (first.total_weight, first.total_score) == (100, 97)


# Class 2: a web page reposting a run of tables as pipe rows, cut at both ends: it starts inside one filing's
# indicator table (no title, no keys, no money block above) and ends inside the next filing's table.
PIPED_RUN = (
    "产出指标 | 数量指标 | 培训人次 | ≥ | 200 | 人次 | 230 | 50 | 50 ||\n"
    "效益指标 | 社会效益指标 | 群众知晓率 | ≥ | 90 | % | 93% | 40 | 38 ||\n"
    "合计 | 90 | 88 ||||||||\n"
    "评价结论 | 项目按计划完成。 |||||||||\n"
    "项目负责人:某甲 | 财务负责人:某乙 |||||||||\n"
    "部门预算项目支出绩效自评表(2022年度) ||||||||||\n"
    "项目名称 | 2022年某县法律援助补助资金 |||||||||\n"
    "主管部门 | 某县司法局 | 实施单位 | 某县法律援助中心 |||||||\n"
    "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 ||\n"
    "总额 | 12.00 | 15.00 | 14.25 | 95.00% | 10 | 9.5 | 无 |||\n"
    "其中:财政资金 | 12.00 | 15.00 | 14.25 | 95.00% | / | / ||||\n"
    "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析 |\n"
    "产出指标 | 数量指标 | 办理援助案件 | ≥ | 100 |\n"
)


def test_a_run_of_piped_tables_cut_at_both_ends_keeps_each_filing_apart():
    fragment, titled = parse(PIPED_RUN)
    # the fragment before the first title is a filing of its own, with none of the next filing's keys
    assert (fragment.project, fragment.department, fragment.budget_adjusted) == (None, None, None)
    assert [r[2] for r in rows(fragment)] == ["培训人次", "群众知晓率"]
    assert (fragment.total_weight, fragment.total_score) == (90, 88)
    # the titled filing keeps its keys and its money block
    assert (titled.project, titled.department, titled.unit) == ("2022年某县法律援助补助资金", "某县司法局", "某县法律援助中心")
    assert titled.year == 2022
    assert (titled.budget_initial, titled.budget_adjusted, titled.budget_executed) == (12, 15, 14.25)
    assert (titled.exec_rate_reported, titled.exec_weight, titled.exec_score) == (0.95, 10, 9.5)


# Class 3 (seen in such glued sets): a qualitative target and its actual, the same words printed twice, run
# into the name before them and the points after them ('…质量等合格合格3030'); a template's empty placeholder
# rows after a level label ('时效指标指标1:指标2:') are no such doubled value.
def test_a_doubled_qualitative_value_in_glued_text_is_the_target_and_actual_not_the_names_end():
    text = GLUED_SET.replace("维修合格率100%100%3030", "维修灯具质量等合格合格3030时效指标指标1:指标2:")
    first = parse(text)[0]
    assert rows(first) == [
        ("产出指标", "数量指标", "维修路灯数量", "200盏", "200盏", 30, 30),
        ("产出指标", "质量指标", "维修灯具质量等", "合格", "合格", 30, 30),
        ("满意度指标", "服务对象满意度指标", "市民满意度", "95%", "96%", 30, 28),
    ]


def test_a_doubled_value_broken_by_a_page_marker_is_still_the_target_and_actual():
    text = GLUED_SET.replace("维修合格率100%100%3030", "维修灯具、\n2、工具 质量达标达标3030")
    assert rows(parse(text)[0])[1] == ("产出指标", "质量指标", "维修灯具、工具质量", "达标", "达标", 30, 30)


# The two real files of this kind, read in document order. The scorer pairs a label with no rows with the
# first filing left when it sorts first (its row overlap ties at 0), so the benchmark cannot show these
# readings; they are held here.
REAL = Path(__file__).parent / "data" / "real" / "dev4"


# Class: a department's page of its projects' self-evaluations under one title, each project opened by a key
# with its value in one cell ('项目名称：校舍维修') and its own table; the title is printed once.
KEYED_SET = "\n".join([
    "某县教育局2023年度项目支出绩效自评表",
    *[line for name, row1, row2 in [
        ("学生资助", "资助学生人数 ≥500人 520人 50 50", "学生满意度 ≥90% 95% 50 50"),
        ("校舍维修", "维修校舍面积 ≥3000平方米 3200平方米 50 50", "师生满意度 ≥90% 92% 50 45"),
        ("教师培训", "培训教师人次 ≥800人次 850人次 50 50", "教师满意度 ≥90% 93% 50 50"),
    ] for line in (f"项目名称：{name}", "主管部门：某县教育局", "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
                   f"产出指标 数量指标 {row1}", f"满意度指标 服务对象满意度指标 {row2}")],
])


def test_projects_opened_by_a_key_and_its_value_in_one_cell_are_filings_of_their_own():
    fs = parse(KEYED_SET)
    assert [(f.doc_kind, f.project, f.department, f.year) for f in fs] == [
        ("project_self_eval", p, "某县教育局", 2023) for p in ("学生资助", "校舍维修", "教师培训")]
    assert [[i.name for i in f.indicators] for f in fs] == [
        ["资助学生人数", "学生满意度"], ["维修校舍面积", "师生满意度"], ["培训教师人次", "教师满意度"]]
    assert fs[1].indicators[1].score == 45


# Class: a short report (a few sentences a paragraph) with its project's self-evaluation table annexed under
# the table's own title: two filings, the report and the table.
REPORT_AND_TABLE = "\n".join([
    "某县民政局2023年度困难群众救助项目绩效自评报告",
    "一、项目基本情况",
    "困难群众救助项目年初预算500万元，全年支出480万元，预算执行率96%。",
    "二、自评结论",
    "项目自评得分95分。",
    "附件：项目支出绩效自评表",
    "项目支出绩效自评表",
    "项目名称 困难群众救助",
    "主管部门 某县民政局",
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
    "产出指标 数量指标 救助人数 ≥2000人 2100人 50 50",
    "满意度指标 服务对象满意度指标 救助对象满意度 ≥90% 96% 50 45",
])


def assert_the_report_and_its_table(report, table):
    """REPORT_AND_TABLE's two filings, however its lines were joined: the report with its spending and no rows,
    the table with its project and both rows."""
    assert (report.doc_kind, report.budget_executed, report.indicators) == ("self_eval_report", 480, [])
    assert (table.doc_kind, table.project, [i.name for i in table.indicators]) == \
        ("project_self_eval", "困难群众救助", ["救助人数", "救助对象满意度"])


def test_a_short_report_and_its_annexed_table_are_two_filings():
    report, table = parse(REPORT_AND_TABLE)
    assert (report.doc_kind, report.budget_initial, report.budget_executed, report.indicators) == \
        ("self_eval_report", 500, 480, [])
    assert (table.doc_kind, table.project, [i.name for i in table.indicators]) == \
        ("project_self_eval", "困难群众救助", ["救助人数", "救助对象满意度"])


# The same report copied from a document-sharing site: each paragraph's line breaks lost, so the whole report is
# one long line of many sentences (and the annexed table glued after its own title). Its sentences are its
# content as much as when each stood on a line of its own.
GLUED_REPORT_AND_TABLE = "\n".join([
    "某县民政局2023年度困难群众救助项目绩效自评报告一、项目基本情况困难群众救助项目年初预算500万元，全年支出480万元，"
    "预算执行率96%。二、自评结论项目自评得分95分。",
    *REPORT_AND_TABLE.splitlines()[6:],  # the table under its own title, as before
])


def test_a_report_glued_into_one_line_and_its_annexed_table_are_two_filings():
    report, table = parse(GLUED_REPORT_AND_TABLE)
    assert_the_report_and_its_table(report, table)


def test_a_tables_title_run_on_from_the_reports_last_sentence_opens_the_table():
    # the line break between the report's last sentence and the annexed table's title lost
    lines = REPORT_AND_TABLE.splitlines()
    glued = "\n".join(lines[:4] + [lines[4] + lines[6]] + lines[7:])
    report, table = parse(glued)
    assert_the_report_and_its_table(report, table)


def test_a_sentence_that_names_a_table_and_goes_on_is_no_title():
    lines = REPORT_AND_TABLE.splitlines()
    text = "\n".join(lines[:4] + [lines[4] + "详见项目支出绩效自评表，各项指标均已完成。"])
    (report,) = parse(text)
    assert report.doc_kind == "self_eval_report"


def test_a_title_with_one_sentence_of_chrome_over_its_table_is_still_one_filing():
    # one sentence between a report-worded page title and the table's own title is a page's chrome, not a report
    (f,) = parse("\n".join(["某县民政局2023年度困难群众救助项目绩效自评报告",
                             "本页面信息由某县民政局发布，请以正式文件为准。",
                             *REPORT_AND_TABLE.splitlines()[6:]]))
    assert len(f.indicators) == 2


def test_a_page_title_printed_again_over_its_table_is_still_one_filing():
    # the page's title, then the document's own title and its table: no sentences between, one filing
    (f,) = parse("\n".join(["某县民政局2023年度困难群众救助项目绩效自评报告", "发布日期：2024-03-15",
                             *REPORT_AND_TABLE.splitlines()[6:]]))
    assert len(f.indicators) == 2


def test_the_real_glued_set_gives_each_project_its_own_money_and_rows():
    shebei, peixun = parse((REAL / "proj4_12_hubei-xinzhou-chujutuan-multi-selfeval.txt").read_text("utf-8"))
    assert (shebei.project, shebei.budget_adjusted, shebei.budget_executed) == ("演出设备更新专项经费", 30, 30)
    assert (shebei.total_weight, shebei.total_score, len(shebei.indicators)) == (100, 98, 5)
    assert (peixun.project, peixun.budget_initial, peixun.budget_adjusted, peixun.budget_executed) == (
        "中青年演员培训经费", 40, 40, 40)
    assert not peixun.indicators


def test_the_real_piped_run_keeps_the_fragment_apart_from_the_titled_filing():
    fragment, anke = parse((REAL / "proj4_29_sichuan-daying-sifa-anke-multi-selfeval.txt").read_text("utf-8"))
    assert (fragment.project, fragment.department) == (None, None)
    assert [i.name for i in fragment.indicators] == ["成本控制数"]
    assert anke.project.endswith("2023年全县安可替代补助资金项目") and anke.department == "大英县司法局部门"
    assert (anke.year, anke.budget_initial, anke.budget_adjusted, anke.budget_executed) == (2023, 0, 3.36, 3.36)
    assert (anke.exec_rate_reported, anke.exec_weight, anke.exec_score) == (1, 10, 10)


def test_a_page_category_printed_as_a_bullet_gives_way_to_the_forms_own_title():
    # an open-government page: its title (naming the project, 'self-evaluation' only), its metadata as a bulleted
    # list whose category is '绩效自评报告', then the form's own title: one filing, of the form's kind and year
    text = "\n".join([
        "某区2021年农机购置补贴项目补助资金绩效自评",
        "- 索引号", "- 01525707-9/20230529-00013", "- 发文机构", "- 某区农业农村局", "- 公开目录", "- 绩效自评报告",
        "- 日期", "- 2023-05-29",
        "2022年度项目支出绩效自评表",
        "项目名称 | 某区2021年农机购置补贴项目补助资金 |",
        "主管部门 | 某区农业农村局 | 项目实施单位 | 某区农机站 |",
        "预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) |",
        "年度财政资金总额 | 120 | 118 | 98.33% | 19.67 |",
        "一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |",
        "产出指标 | 数量指标 | 补贴机具数量 | ≧300台 | 320台 | 20 |",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.year, len(f.indicators)) == ("project_self_eval", 2022, 1)
    assert (f.budget_adjusted, f.budget_executed) == (120, 118)


# Class: a report whose text runs on into its form printed without a title of its own (the annex's title lost,
# or never printed): the form's keys, money block and indicator table are a filing of their own, as a report
# never holds indicator rows.
def test_a_report_running_on_into_an_untitled_form_is_two_filings():
    lines = REPORT_AND_TABLE.splitlines()
    report, table = parse("\n".join(lines[:5] + lines[7:]))
    assert (report.doc_kind, report.budget_executed, report.indicators) == ("self_eval_report", 480, [])
    assert (table.doc_kind, table.project, table.department, table.year, [i.name for i in table.indicators]) == \
        ("project_self_eval", "困难群众救助", "某县民政局", 2023, ["救助人数", "救助对象满意度"])


def test_a_report_titled_over_its_form_with_no_sentences_above_it_stays_one_filing():
    lines = REPORT_AND_TABLE.splitlines()
    (f,) = parse("\n".join(lines[:1] + lines[7:]))
    assert len(f.indicators) == 2


def test_a_forms_first_key_run_on_from_the_reports_last_sentence_opens_the_form():
    lines = REPORT_AND_TABLE.splitlines()
    report, table = parse("\n".join(lines[:4] + [lines[4] + lines[7]] + lines[8:]))
    assert (report.doc_kind, report.indicators) == ("self_eval_report", [])
    assert (table.doc_kind, table.project, [i.name for i in table.indicators]) == \
        ("project_self_eval", "困难群众救助", ["救助人数", "救助对象满意度"])


def test_a_report_whose_later_lines_name_a_key_but_hold_no_table_stays_one_filing():
    lines = REPORT_AND_TABLE.splitlines()
    (f,) = parse("\n".join(lines[:5] + ["填报单位：某县民政局", "联系人：张某"]))
    assert f.doc_kind == "self_eval_report"


# Class: a report whose title was lost (printed only in the page's chrome) before the titled form after it: the
# text before the first title is a report of its own when it states the report's figures in whole sentences.
def test_a_report_without_its_title_before_a_titled_form_is_a_filing_of_its_own():
    lines = REPORT_AND_TABLE.splitlines()
    # (a report's text speaks of 绩效; a page's other text before a form need not)
    report, table = parse("\n".join(lines[1:4] + ["项目绩效自评得分95分。"] + lines[6:]))
    assert (report.doc_kind, report.budget_initial, report.budget_executed, report.indicators) == \
        ("self_eval_report", 500, 480, [])
    assert (table.doc_kind, [i.name for i in table.indicators]) == ("project_self_eval", ["救助人数", "救助对象满意度"])


def test_one_sentence_over_a_titled_form_is_no_report():
    lines = REPORT_AND_TABLE.splitlines()
    (table,) = parse("\n".join(["根据绩效管理要求，现将困难群众救助项目年初预算500万元、支出480万元的自评结果公开如下。",
                                *lines[6:]]))
    assert table.doc_kind == "project_self_eval"


# Class: two reports of two departments in one document-sharing copy: each report's paragraphs run together on
# its page's line, the second report's title opened by the page marker '1、' and run on into its first heading.
TWO_GLUED_REPORTS = "\n".join([
    "《两份自评报告.docx》由会员分享,可在线阅读。",
    "1、某县民政局2023年度部门整体支出绩效自评报告(公开)一、基本情况本局内设机构3个。二、预算执行情况年初预算500万元，"
    "全年支出480万元，执行率96%。三、自评结论自评得分95分。",
    "1、某县教育局2023年度部门整体支出绩效自评报告(公开)一、基本情况本局内设机构5个。二、预算执行情况年初预算900万元，"
    "全年支出870万元，执行率96.7%。三、自评结论自评得分92分。",
])


def test_two_glued_reports_of_two_departments_are_two_filings():
    a, b = parse(TWO_GLUED_REPORTS)
    assert [(f.doc_kind, f.department, f.budget_executed, f.total_score) for f in (a, b)] == [
        ("self_eval_report", "某县民政局", 480, 95), ("self_eval_report", "某县教育局", 870, 92)]


def test_a_forms_title_run_on_from_the_last_rows_value_opens_the_form():
    # the line break between one form's last row and the next form's title lost: '≥90%某县民政局…目标表'
    first = ["某县民政局2023年度困难群众救助项目绩效目标表", "项目名称 困难群众救助",
             "一级指标 二级指标 三级指标 指标值",
             "产出指标 数量指标 救助人数 ≥2000人",
             "满意度指标 服务对象满意度指标 救助对象满意度 ≥90%"]
    second = ["某县民政局2023年度临时救助项目绩效目标表", "项目名称 临时救助",
              "一级指标 二级指标 三级指标 指标值",
              "产出指标 数量指标 临时救助人次 ≥300人次",
              "满意度指标 服务对象满意度指标 受助群众满意度 ≥85%"]
    a, b = parse("\n".join(first[:-1] + [first[-1] + second[0]] + second[1:]))
    assert [(i.name, i.target) for i in a.indicators] == [("救助人数", "≥2000人"), ("救助对象满意度", "≥90%")]
    assert (b.project, b.title) == ("临时救助", "某县民政局2023年度临时救助项目绩效目标表")


@pytest.mark.slow
@pytest.mark.parametrize("untitled", ["", "first", "second"])
def test_generated_pages_of_two_filings_give_both(untitled):
    # bench/multi_bench.py's pairings of generated filings, joined by a blank line or run on in one line, with
    # either one's title dropped: every filing is found (two reports run together under one title are one text)
    items = generated(60, seed=5)
    pairs = pairings(items, random.Random(5))
    for name, ps in pairs.items():
        if name == "two reports" and untitled == "second":
            continue
        for joiner in ("blank_line", "same_line"):
            score, files, errors = measure_pairs(items, ps, JOINERS[joiner], (), 5, second_untitled=untitled == "second",
                                                 first_untitled=untitled == "first")
            assert not errors and files > 0
            assert score.found == len(score.labels), (name, joiner, untitled)
