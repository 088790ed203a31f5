"""Classes of filing-level fields (project, year, money block, rate, kind, total) the parser must read, each
with made-up text. Every test names a class of input seen in published filings, not one file."""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


# --- a total score printed in the header block (its words in etl/lexicon.toml [totals] stated) -------------

def test_total_score_stated_in_the_header_block_under_another_word():
    text = "\n".join([
        "某县某局2023年度项目支出绩效自评表",
        "项目名称\t河道保洁\t主管部门\t某县水利局",
        "综合得分\t88",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t保洁河道长度\t≥30公里\t32公里\t50\t50",
        "效益指标\t社会效益指标\t群众满意度\t≥90%\t80%\t50\t38",
    ])
    (f,) = parse(text)
    assert f.total_score == 88


def test_total_score_label_cut_in_two_by_a_glued_copy():
    from etl.parse import _stated_total
    from etl.records import Cell, Loc, Row

    row = Row(cells=[Cell(t, Loc()) for t in ["主管部门某县某局自评", "总分", "(分)", "93.5", "联系人"]], loc=Loc())
    assert _stated_total([row]) == 93.5


# --- a list table's column headers after a key word --------------------------------------------------------

def test_key_word_heading_a_list_column_takes_not_the_next_header_as_its_value():
    # a notice lists its attachments (the target table's title among them), then prints its allocation list one
    # cell per line ('序号 | 乡镇名称 | 项目名称 | 金额 | 备注'), then the target table with its own 项目名称: the
    # list's next header is no project
    text = "\n".join([
        "附件:1.某某专项资金分配表", "2.2023年某某专项资金绩效目标表", "某县水利局", "2024年3月1日",
        "附件1", "某某专项资金分配表", "单位:万元", "序号 |", "乡镇名称 |", "项 目 名 称 |", "金额 |", "备注 |",
        "1 |", "甲镇 |", "甲村水渠修复 |", "30 |", "|",
        "附件2", "2023年某某专项资金绩效目标表",
        "项目名称 |", "某某专项资金 |", "主管部门(单位)名称 |", "某县水利局 |",
        "资金情况(万元) |", "资金总额 |", "30 |", "其中:财政拨款 |", "30 |",
    ])
    fs = parse(text)
    assert [f.project for f in fs if f.doc_kind.endswith("target")] == ["某某专项资金"]


def test_target_titled_table_read_by_content_stays_a_target():
    # the title says 绩效目标表; the rows' header is one we do not know (a column per village), so the
    # figures the decoder placed as actuals and scores are its guess: the printed title decides the kind
    text = "\n".join([
        "2023年某某专项资金绩效目标表",
        "项目名称 |", "某某专项资金 |", "主管部门(单位)名称 |", "某县水利局 |",
        "资金情况(万元) |", "资金总额 |", "60 |", "其中:财政拨款 |", "60 |",
        "绩效 指标 |", "一级指标 |", "二级指标 |", "三级指标 |", "指 标 解 释 |", "甲镇甲村 |", "乙镇乙村 |",
        "产出 指标 |", "数量指标 |", "建设小型水利工程(个) |", "反映小型水利工程建设情况 |", "1 |", "1 |",
        "质量指标 |", "工程验收合格率(%) |", "反映工程质量 |", "100 |", "100 |",
    ])
    (f,) = parse(text)
    assert f.doc_kind == "project_target"
    assert f.budget_initial == 60


# --- a report whose title names no project: its opening sentence does -------------------------------------

def test_report_titled_by_the_evaluating_level_names_its_project_in_its_opening_sentence():
    # '部门评价报告' says who evaluated (部门评价 beside 单位自评, 财政评价), not that the report is a whole
    # department's; the opening sentence names the project
    text = ("部门评价报告根据县财政局要求,我办积极组织人员对2022年信息化运维经费绩效情况进行检查,现将我办信息化运维经费"
            "绩效自评情况报告如下: 一、项目基本情况 (一)项目概况。信息化运维经费主要用于机房维护、网络租赁。"
            "二、绩效评价工作开展情况 按照要求组织自评。")
    (f,) = parse(text)
    assert f.doc_kind == "self_eval_report"
    assert f.project == "信息化运维经费"


def test_opening_sentence_of_a_whole_department_report_names_no_project():
    text = "\n".join([
        "2022年度绩效自评报告",
        "根据县财政局要求,现将我局2022年度部门整体支出绩效自评情况报告如下:",
        "一、部门基本情况",
        "我局内设股室5个,年初预算120万元,全年支出118万元。",
    ])
    (f,) = parse(text)
    assert f.project is None


def test_opening_sentence_names_the_project_after_the_reporter_and_the_year():
    text = "\n".join([
        "绩效自评报告",
        "按照市财政局的通知要求,我中心对2023年度农村饮水安全维修养护资金绩效目标完成情况进行了自评,现报告如下:",
        "一、项目基本情况",
        "该项目年初预算50万元,全年支出50万元。",
    ])
    (f,) = parse(text)
    assert f.project == "农村饮水安全维修养护资金"


# --- a form cut before its money block, whose page's summary holds it glued ---------------------------------

def test_money_read_from_the_page_summary_when_the_form_is_cut_before_it():
    # an open-government page: its metadata table's 内容概述 repeats the form glued onto one line; the form printed
    # below is cut before its money block, so the summary is the one copy of the money
    text = "\n".join([
        "索引号 | 000000000/2024-00001 | 组配分类 | 部门项目 |",
        "发布机构 | 某市某局 | 发文日期 | 2024-03-01 |",
        "信息名称 | 某某补助资金绩效目标自评表 (2023年度) | 内容概述 | 某某补助资金绩效目标自评表(2023年度)项目名称某某补助资金"
        "主管部门某市某局实施单位某市某中心资金投入情况(万元)全年预算数(A)全年执行数(B)预算执行率(B/A×100%)年度资金总额:"
        "8075.295%其中:中央财政资金8075.295%地方资金其他资金资金管理情况情况说明存在问题和改进措施分配科学性 |",
        "某某补助资金绩效目标自评表 | | | |",
        "(2023年度) | | | |",
        "项目名称 | 某某补助资金 | | |",
        "主管部门 | 某市某局 | 实施单位 | 某市某 |",
    ])
    (f,) = parse(text)
    assert f.doc_kind == "project_self_eval"
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (80, 75.2, 0.95)


def test_opening_sentence_naming_a_kind_of_money_names_no_project():
    text = "\n".join([
        "绩效自评报告",
        "按照县财政局要求,我县对2023年度重点项目绩效目标完成情况进行了自评。",
        "现将我县2023年度乡村道路养护资金绩效自评情况报告如下:",
        "一、项目基本情况",
    ])
    (f,) = parse(text)
    assert f.project == "乡村道路养护资金"  # '重点项目' is a kind of project, the second sentence names one


def test_checking_against_targets_is_no_opening_that_names_a_project():
    text = "\n".join([
        "绩效自评报告",
        "我局对照项目实施方案绩效目标进行了逐项自评,自评得分95分。",
        "一、项目基本情况",
    ])
    (f,) = parse(text)
    assert f.project is None


# --- an indicator's name that begins with a key word ---------------------------------------------------

def test_an_indicator_name_beginning_with_a_key_word_is_no_unit():
    # '预算单位满意度' begins with the key word 预算单位 but is a row's name: the unit is not '满意度'; a key run
    # into an organisation's name ('实施单位某县财政局') still gives the unit
    rows = [
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标 质量指标 预算公开及时性 按规定公开 已公开 50 50",
        "满意度指标 服务对象满意度指标 预算单位满意度 ≥90% 95% 50 50",
    ]
    (f,) = parse("\n".join(["某县财政局2023年度部门整体支出绩效自评表", "部门名称：某县财政局", *rows]))
    assert f.unit is None and f.department == "某县财政局"
    assert [i.name for i in f.indicators] == ["预算公开及时性", "预算单位满意度"]
    (g,) = parse("\n".join(["某县财政局2023年度项目支出绩效自评表", "项目名称：预算公开", "实施单位某县国库支付中心", *rows]))
    assert g.unit == "某县国库支付中心"


def test_a_heading_under_a_keyed_organisation_is_not_its_wrapped_rest():
    # '部门名称 某县卫生健康局' then a heading line ('年度主要任务'): the organisation's name is whole, the line is
    # no rest of it; an organisation's name that did wrap ('某县卫生健' / '康局') is still joined
    body = ["任务名称 主要内容 预算金额（万元）", "公共卫生服务 开展基本公共卫生服务项目 1,200.00",
            "一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 居民健康档案建档率 ≥90%",
            "满意度指标 服务对象满意度指标 群众满意度 ≥90%"]
    title = "某县2024年度部门整体支出绩效目标表"
    (f,) = parse("\n".join([title, "部门名称 某县卫生健康局", "年度主要任务", *body]))
    assert f.department == "某县卫生健康局"
    (g,) = parse("\n".join([title, "部门名称 某县卫生健", "康局", *body]))
    assert g.department == "某县卫生健康局"


# --- a form's keys typed on one line, a space apart ------------------------------------------------------

def test_a_value_ending_in_a_key_words_start_keeps_it_when_a_space_parts_it_from_the_next_key():
    # '某某项目 主管部门：…': run together, '项目' + '主管部门' made the key '项目主管部门', and the project lost '项目'
    text = "\n".join([
        "某县某局2023年度项目支出绩效自评表",
        "项目名称：河道保洁项目 主管部门：某县水利局",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "产出指标\t数量指标\t保洁河道长度\t≥20公里\t22公里\t20\t20\t无",
        "满意度指标\t服务对象满意度指标\t沿河群众满意度\t≥90%\t95%\t30\t30\t无",
    ])
    [f] = parse(text)
    assert (f.project, f.department) == ("河道保洁项目", "某县水利局")


def test_a_key_run_on_at_the_end_of_a_cell_of_other_keys_takes_the_next_cell():
    # a document-sharing copy runs a form's page into one line but keeps the grid's tabs: the unit line runs
    # into the first key ('…单位：万元项目名称'), whose value is the next cell
    text = "\n".join([
        "《某县某局2023年度河道保洁项目支出绩效自评表.docx》由会员分享,可在线阅读",
        "1、某县某局2023年度河道保洁项目支出绩效自评表填报单位：某县河道管理所    单位：万元项目名称\t河道保洁"
        "\t\t主管部门\t某县水利局\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因"
        "\t产出指标\t数量指标\t保洁河道长度\t≥20公里\t22公里\t20\t20\t无",
    ])
    [f] = parse(text)
    assert (f.project, f.department, f.unit) == ("河道保洁", "某县水利局", "某县河道管理所")


def test_a_key_whose_first_character_was_lost_is_no_run_on_key():
    # '级预算单位名称' (一 lost) holds no other key's value before its label: its next cell is not taken as a
    # key's value run on from the cell
    from etl.parse.meta import _trailing_key

    assert _trailing_key("级预算单位名称") is None
    assert _trailing_key("填报单位：某县河道管理所    单位：万元项目名称") == "project"
