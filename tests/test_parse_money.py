"""Classes of input for the filing-level figures: the money block (资金情况 / 预算执行) of a 自评表 or
目标表 and its total row. Each test names a class seen in published filings; the text is invented."""
from __future__ import annotations

import pytest

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def money(f):
    return f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score


INDICATORS = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
              "产出指标", "数量指标", "培训人次", "≥200人次", "230人次", "10", "10"]


def test_a_money_row_with_one_trailing_figure_reads_it_as_the_weight_not_the_score():
    # class: 得分 left blank at the row's end; the last figure is the 分值 the template prints
    text = "\n".join(["某县某局2022年度项目支出绩效自评表", "项目名称", "某某项目", "预算执行情况(10分)",
                      "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因",
                      "总额", "120.5", "130.25", "130.25", "100.00%", "10"] + INDICATORS)
    (f,) = parse(text)
    assert money(f) == (120.5, 130.25, 130.25, 1.0, 10, None)


def test_an_unscored_self_evaluation_total_is_the_weight():
    # class: a 自评表 whose rows print 分值 and no 得分; its 合计 row's one figure is the total weight
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表",
        "项目名称\t某某项目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t培训人次\t≥200人次\t230人次\t60\t",
        "效益指标\t社会效益指标\t群众知晓率\t≥90%\t95%\t40\t",
        "合计\t\t\t\t\t100\t",
    ])
    (f,) = parse(text)
    assert (f.total_weight, f.total_score) == (100, None)


def test_a_scored_self_evaluation_total_stays_the_score():
    # the same form scored: a lone total figure is its score, as before
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表",
        "项目名称\t某某项目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t培训人次\t≥200人次\t230人次\t60\t55",
        "效益指标\t社会效益指标\t群众知晓率\t≥90%\t95%\t40\t38",
        "合计\t\t\t\t\t\t93",
    ])
    (f,) = parse(text)
    assert f.total_score == 93


def test_unlabelled_glued_figures_run_into_the_next_block_and_ocr_letters():
    # class: a glued copy of a department form; the money header is followed directly by its figures
    # (no 年度资金总额 label), the blank amounts vanished, an OCR 'O' stands first, and the next block's
    # words follow with no separator
    text = "\n".join([
        "某区某中心2021年度部门整体绩效自评表",
        "主管部门某区某局自评总分(分)91.5部门预算执行情况年初预算数全年预算数全年执行数执行率(%)执行率权重"
        "执行率得分(分)O82%108.2当年绩效目标年初绩效目标全年目标实际完成情况完成",
    ])
    (f,) = parse(text)
    assert (f.exec_rate_reported, f.exec_weight, f.exec_score) == (0.82, 10, 8.2)


def test_a_money_row_printing_each_amount_after_its_own_label():
    # class: a form whose money row alternates label and amount, the rate after the last amount under a
    # header cell of the rate's wording
    text = "\n".join([
        "某县某局2021年度预算项目绩效自评表",
        "一、基本情况 项目名称: 某某补贴 金额单位: 万元",
        "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)",
        "预算数 12.5 到位数 12.5 执行数 11.25 90.00",
        "其中:财政资金 12.5 其中:财政资金 12.5 其中:财政资金 11.25",
        "四、年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 实际完成值 自评得分",
        "产出指标 数量指标 补贴人数 20 ≥30人 32人 20",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (12.5, 11.25, 0.9)


def test_keyed_amounts_need_both_a_budget_and_its_spending_in_the_row():
    # an indicator row named like a money label is not the money block
    text = "\n".join([
        "某县某局2021年度项目支出绩效自评表",
        "项目名称\t某某项目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t成本指标\t预算执行率\t90\t95\t10\t10",
        "效益指标\t社会效益指标\t群众知晓率\t≥90%\t95%\t40\t40",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (None, None, None)


def test_a_money_header_in_another_templates_wording_with_columns_that_are_none_of_the_figures():
    # class: a department form whose money block names its columns otherwise (年初…预算安排金额, 小计,
    # 年度拨付金额, 支出实现率) and prints carry-over, adjustment and balance columns between them; each header
    # on a line of its own, a unit '(%)' wrapped onto the next line, two headers sharing a line, and each
    # money row copied as one line of space-separated figures with a spaced-out label ('合 计')
    text = "\n".join([
        "部门整体支出绩效自评表", "(2020年度)", "部门(单位)名称 某县某中心",
        "财政资金安排和使用情况", "预算安排 拨付情况 结余情况",
        "年初部门预算安排金额", "历年结余结转", "年中调整金额③ 小计", "年度拨付金额", "支出实现率(%)",
        "本年度结余金额", "资金结余率", "(%)",
        "财政资金小计 300 20 10 330 297 90% 33 10%",
        "其他资金小计",
        "合 计 300 20 10 330 297 90% 33 10%",
        "年度总体目标完成情况",
    ])
    (f,) = parse(text)
    assert money(f)[:4] == (300, 330, 297, 0.9)


def test_a_target_table_states_its_planned_execution_rate_and_its_weight_on_one_line():
    # class: a target table's 预算执行 line, the rate and the weight each after its word
    text = "\n".join([
        "某县某乡2023年度项目支出绩效目标审批表",
        "项目名称 某某道路硬化项目",
        "当年年度预算 80",
        "其中:财政资金 80",
        "年度预算执行率 95% 分值 10分",
        "年度绩效目标(90分) 一级指标 二级指标 三级指标 指标值 分值",
        "产出指标 数量指标 硬化道路长度 ≥2公里 20",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_initial, f.exec_rate_reported, f.exec_weight) == ("project_target", 80, 0.95, 10)


def test_a_glued_money_run_with_a_blank_amount_is_not_cut_into_a_zero_rate_and_a_zero_weight():
    # class: a glued copy whose money row lost a blank amount ('年度资金总额 25 25 _ 10 100%' printed
    # '252510100%'); a cut into 25 | 2510 | 1 | 0 | 0% agrees with '执行率 = B / A' only because 1 / 2510
    # rounds to 0%, and a 分值 of 0 weighs nothing
    text = "某县某局2020年度项目支出绩效自评表(2020年度)项目名称某某设备购置经费主管部门某县某局项目资金(万元)" \
           "年初预算数全年预算数全年执行分值执行率得分年度资金总额252510100%其中:当年财政拨款"
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight) == (25, 25, 1.0, 10)


def test_two_money_headers_run_together_in_one_cell():
    # class: a copy (an OCR'd scan, a flattened spreadsheet) runs two header words into one cell
    # ('年初预算数调整预算数(A)'); the first ends as a header word ends, so both columns are kept and the
    # amounts stay under them
    text = "\n".join([
        "某市本级部门项目支出绩效自评表(2021年)",
        "项目名称\t某某公用经费\t主管部门\t某市某局",
        "项目资金(万元)\t年初预算数调整预算数(A)\t全年执行数(B)\t执行率(B/A)",
        "年度资金总额\t52.5\t52.5\t50\t95.24%",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t保障人数\t1000人\t1000人\t10\t10",
    ])
    (f,) = parse(text)
    assert money(f)[:4] == (52.5, 52.5, 50, 0.9524)


def test_a_stated_self_score_whose_label_a_glued_copy_cut_in_two():
    # class: the header block's '自评得分 NN' where the glued-copy cutter left '…自评' | '得分' | 'NN…'
    text = "某市本级部门项目支出绩效自评表(2021年)项目名称某某公用经费主管部门某市某局实施单位某市某中学自评得分96财政审核评分" \
           "一级指标二级指标三级指标分值指标值全年实际值得分产出指标数量指标保障人数10 1000人 1000人 10"
    (f,) = parse(text)
    assert f.total_score == 96


def test_a_department_target_income_block_states_its_total_after_the_parts():
    # class: a department target table's 收入构成: '财政拨款 a | 其他资金 b | 合计 c' beside the 支出构成 and the
    # previous years' figures; the budget is the total, not the 财政拨款 part
    text = "\n".join([
        "部门整体支出绩效目标申报表",
        "部门(单位)名称 某县某局 填报人 某某",
        "总体资金情况 单位:万元 当年金额 占比 近两年收支金额",
        "收入构成 财政拨款 900.5 90% 850 870 其他资金 100 10% 20 30",
        "合计 1000.5 100% 870 900",
        "支出构成 基本支出 700 70% 项目支出 300.5 30% 合计 1000.5 100%",
        "一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 培训人次 ≥200人次",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_initial) == ("dept_target", 1000.5)


def test_a_report_states_the_money_arranged_and_its_sum_after_a_comma():
    # class: a school's or unit's short report: '按…标准安排,共计N万元' is the budget, '安排支出共计M万元' the spending
    text = "某县某小学专项资金绩效自评价报告\n一、基本情况\n我校2022年公用经费按生均800元安排,共计64万元," \
           "其中上级资金48万元。\n二、预算支出情况\n我校2022年财政安排支出共计60.5万元,余款结转下年。"
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_initial, f.budget_executed) == ("self_eval_report", 64, 60.5)


def test_a_report_states_the_years_budget_its_adjustment_and_spending():
    # class: '年初预算安排资金X万元，全年调整预算为Y万元，实际支出Z万元': the adjusted budget is its own figure
    # (B / A is against it), not the first amount named
    text = "关于2023年度农村环境整治项目绩效自评报告\n一、项目基本情况\n项目由某县农业农村局组织实施。\n" \
           "二、项目资金使用情况\n2023年年初预算安排资金320万元，全年调整预算为300万元，实际支出285万元，" \
           "预算执行率为95%。\n三、自评结论\n该项目综合得分为93分。"
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == \
        ("self_eval_report", 320, 300, 285, 0.95)
    (g,) = parse(text.replace("全年调整预算为300万元", "调整后预算300万元"))
    assert (g.budget_initial, g.budget_adjusted) == (320, 300)


def test_a_reports_budget_worded_otherwise_is_the_amount_its_spending_and_rate_imply():
    # class: a department report states 收入合计 (or 可用资金 …), its spending and its 执行率 but no wording of a
    # budget: the amount the spending over gives the rate as printed is the budget; a rate no amount fits gives none
    text = "某县市场监督管理局2023年度部门整体支出绩效自评报告\n一、部门整体支出情况\n" \
           "2023年度部门收入合计2,456.78万元，其中财政拨款收入2,400.00万元。全年支出合计2,310.45万元，" \
           "其中基本支出1,800.12万元，项目支出510.33万元。预算执行率94.04%。\n二、自评结果\n我局自评得分92.5分。"
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (2456.78, 2310.45, 0.9404)
    (g,) = parse(text.replace("94.04%", "97.50%"))
    assert (g.budget_adjusted, g.budget_executed, g.exec_rate_reported) == (None, 2310.45, 0.975)


def test_a_report_printing_its_money_in_yuan_is_read_in_wan():
    # class: a report printing amounts to the fen in 元 ('1,200,000.00元'): the same figures in 万元
    text = "某县水利局2023年度河道清淤项目支出绩效自评报告\n一、项目概况\n本项目年初预算资金1,200,000.00元，" \
           "全年预算1,200,000.00元，实际支出1,140,000.00元，预算执行率95%。\n二、自评结果\n本项目绩效自评得分为91分。"
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.total_score) == \
        (120, 120, 114, 0.95, 91)


@pytest.mark.parametrize("sentence, want", [
    ("自评结果为优秀（93分）。", {"score": 93.0}),                      # a grade, then its points in brackets
    ("项目绩效评价结果为“优”，得分93分。", {"score": 93.0}),             # a quoted grade, then 得分
    ("经自评，该项目自评总分为93分。", {"score": 93.0}),                 # 自评总分 is the score, not the full mark
    ("总分100分，自评得分92分。", {"score": 92.0, "weight": 100.0}),
    ("产出指标得分38分，效益指标得分30分，自评得分88分。", {"score": 88.0}),  # parts score less than the whole
    ("实际使用资金480万元。", {"executed": 480.0}),
    ("年初预算为500.00万元，调整后预算为520.00万元，决算数为500.00万元。",
     {"initial": 500.0, "adjusted": 520.0, "executed": 500.0}),
    # the budget as it was changed, progress as the rate, the score as 自评分
    ("年初预算安排资金120万元，全年预算调整为150万元，实际支出142.5万元。",
     {"initial": 120.0, "adjusted": 150.0, "executed": 142.5}),
    ("已支出142.5万元，支出进度95%。自评等级：优秀，自评分92分。", {"executed": 142.5, "rate": 0.95, "score": 92.0}),
    ("该项目预算资金150万元，执行142.5万元。", {"adjusted": 150.0, "executed": 142.5}),
    ("其中：案件审判414.35万元，案件执行6.25万元。", {}),  # a kind of spending named 执行 is not the spending
    ("年初预算资金120万元，调整后预算150万元。", {"initial": 120.0, "adjusted": 150.0}),  # 预算资金 inside 年初…
    ("2022年安排项目资金共计1500000元，实际支出1425000元。", {"adjusted": 150.0, "executed": 142.5}),  # in 元
])
def test_a_reports_score_and_money_worded_as_reports_word_them(sentence, want):
    from etl.parse.report import stated_figures
    from etl.records import Cell, Loc, Row

    assert stated_figures([Row(cells=[Cell(sentence, Loc())], loc=Loc())]) == want


@pytest.mark.parametrize("head", [
    "年初预算数(A) 全年预算数(B) 全年执行数(C) 分值 执行率(C/B) 得分",   # every column lettered
    "年初预算数 全年预算数（A） 全年执行数（B） 分值 执行率（B/A） 得分",  # the 2020 template's letters
    "年初预算数 全年预算数 全年执行数 分值 执行率 得分",
])
def test_a_money_header_with_column_letters_reads_its_columns_by_the_rates_formula(head):
    # class: a money block's header lettering its columns for the rate's formula ('执行率(C/B)'): the letters say
    # which column is the budget and which the spending, so the amounts stay under their columns
    text = "\n".join([
        "项目支出绩效自评表", "项目名称 农村公路养护", "主管部门 某县交通运输局",
        f"项目资金（万元） {head}",
        "年度资金总额 200.00 210.00 199.50 10 95.00% 9.5",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标 数量指标 养护里程 ≥150公里 152公里 45 45",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90% 92% 45 45",
    ])
    (f,) = parse(text)
    assert money(f) == (200, 210, 199.5, 0.95, 10, 9.5)


def _money_table(initial: str, adjusted: str, executed: str) -> str:
    return "\n".join([
        "项目支出绩效自评表", "（2023年度）", "项目名称\t城区绿化养护", "主管部门\t某区住建局\t实施单位\t某区园林所",
        "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
        f"\t年度资金总额\t{initial}\t{adjusted}\t{executed}\t10\t83.5%\t8",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "产出指标\t数量指标\t养护面积\t≥20万平方米\t21万平方米\t20\t20\t",
    ])


def test_amounts_that_print_their_own_unit_say_it_whatever_the_header_says():
    # '150万' with no 元 is 万元 as well; '1,500,000元' in a block headed 万元 is still yuan
    assert money(parse(_money_table("150万", "150万", "125.25万"))[0]) == (150, 150, 125.25, 0.835, 10, 8)
    assert money(parse(_money_table("1,500,000元", "1,500,000元", "1,252,500元"))[0]) == (150, 150, 125.25, 0.835, 10, 8)
    assert money(parse(_money_table("150", "150", "125.25"))[0]) == (150, 150, 125.25, 0.835, 10, 8)


def test_a_transfer_payment_form_keys_its_amounts_over_two_lines_under_a_side_label():
    # 中央对地方转移支付 self-evaluation forms: side labels printed down their cells ('预算' / '执行' / '情况' /
    # '(万元)', '年度' / '目标' / '完成' / '情况'), the amounts keyed with their formula's letters over two lines
    text = "\n".join([
        "2021年中央对地方专项转移支付区域绩效目标自评表", "填报类型:整体□  区域√  项目□",
        "单位名称 某区卫生健康局 联系人及电话 张三,13800000000",
        "预算", "执行", "情况", "(万元)",
        " 转移支付预算数(A) 12.5万 预算执行率(B/A) 96%",
        " 转移支付执行数(B) 12万",
        "年度", "目标", "完成", "情况",
        "一级指标 二级指标 三级指标 指标值 全年实际完成值 未完成原因",
        "产出指标 数量指标 培训人次 ≥200人次 230人次 无",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (12.5, 12, 0.96)
    assert [(i.name, i.target, i.actual) for i in f.indicators] == [("培训人次", "≥200人次", "230人次")]


def test_a_target_forms_request_columns_the_current_years_is_the_budget():
    # a provincial 项目支出预算绩效目标申报表: last year's allocation beside this year's request, then the total row
    text = "\n".join([
        "项目支出预算绩效目标申报表", "(2022年度)", " 填报单位:某县教育局",
        "项目基本情况 项目名称 学前教育公用经费",
        "项目资金情况 项目资金申请(万元) 项 目  上年度安排资金 本年度申请资金",
        "合 计 213.4 259",
        "市级资金",
        "县级资金 213.4 259",
        "项目年度绩效目标情况 一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 补助幼儿人数 ≥5180人",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_initial) == ("project_target", 259)


def test_a_report_sums_its_budget_and_says_its_money_was_completed():
    # '项目预算合计为N万元' is the budget; '资金完成M万元' (a works' report) the spending
    text = "2022年度乡村敬老院运行经费项目绩效自评报告\n一、项目基本情况\n该项目预算合计为423.38万元(其中:省级169.35万元)。\n" \
           "二、项目资金使用情况\n1.敬老院运行资金完成410.2万元。群众满意度达90%以上。"
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_adjusted, f.budget_executed) == ("self_eval_report", 423.38, 410.2)


def test_a_goal_stated_for_the_money_is_no_spending():
    text = "2022年度日间照料中心项目绩效自评报告\n一、项目概况\n绩效目标:日间照料中心资金完成173万元。\n" \
           "申报预算资金173万元,已完成批复。\n二、项目绩效情况\n1.日间照料中心资金完成61.99万元。群众满意度达90%以上。"
    (f,) = parse(text)
    assert f.budget_executed == 61.99


def test_a_report_states_its_rate_as_the_spending_rate():
    # '资金支出率' (or '预算支出率') is the 执行率 worded by what was spent
    text = "\n".join([
        "示例县水利局2023年度河道保洁项目绩效自评报告",
        "一、项目基本情况",
        "项目资金120万元已全部到位，截至2023年12月31日，已支出108万元，资金支出率90%。",
        "综合自评得分98分。",
    ])
    [f] = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (120.0, 108.0, 0.9)


@pytest.mark.parametrize("said", ["全年预算安排 120万元", "全年预算安排120万元", "全年预算安排资金120万元"])
def test_a_report_states_the_years_budget_as_arranged(said):
    # '全年预算安排' (the year's budget as arranged) is the 全年预算数, as '年初预算安排' is the 年初预算数; the
    # spending worded '预算支出' is left unread (a budget's spending or its budgeted spending: the words do not say)
    text = "\n".join([
        "示例县自然资源局2023年度示例防治资金绩效评价报告",
        "一、项目基本情况",
        f"2023年示例防治资金{said},预算支出108万元,预算执行率为90%。",
    ])
    [f] = parse(text)
    assert (f.budget_adjusted, f.exec_rate_reported) == (120.0, 0.9)
