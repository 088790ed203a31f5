"""Run-on copies of document-sharing sites (issue 17, 'docshare_runon'), with made-up text.

A DOCX shown by a document-sharing site as run-on text: a page a line opened by its number ('2、'), cells
and paragraphs glued, wrapped cells leaving a space inside a word. Each test names the sub-class of
misreading it shows.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


# --- a report's prose run on: a piece cut out at vocabulary words is no title ---------------------------
# The prose holds vocabulary words ('部门', '得分'), so the line is cut there as a glued table would be; the
# piece between them ('整体支出绩效自评') matched the pattern of a page titled with the evaluation alone and
# opened a second filing that took the report's score.
REPORT_RUN_ON = (
    "《西河县水利局2021年度部门整体支出绩效自评报告.docx》由会员分享，可在线阅读，更多相关《西河县水利局2021年度"
    "部门整体支出绩效自评报告.docx（2页珍藏版）》请在某某文库上搜索。\n"
    "1、西河县水利局2021年度部门整体支出绩效自评报告一、基本情况西河县水利局内设机构4个，编制30人。二、预算执行"
    "情况2021年年初预算856.4万元，全年预算900.2万元，全年执行880.1万元，执行率97.77%。三、绩效目标实现情况各项"
    "产出、效益和满意度指标总体完成，服务对象满意度达到92%。四、结果应用经对照评分标准逐项自评，西河县水利局2021"
    "年度部门整体支出绩效自评得分93.5分，评价等级为优。自评结果将在部门门户网\n"
    "2、站公开。\n"
)


def test_a_reports_run_on_prose_is_one_filing_with_its_score():
    (f,) = parse(REPORT_RUN_ON)
    assert f.doc_kind == "self_eval_report"
    assert f.total_score == 93.5
    assert f.budget_initial == 856.4


# --- a target table's money block run on: amounts glued to the next part's words ------------------------
# '预算数 其中：财政资金 其他资金' over '250.50 250.50' printed as one run: the amounts run straight into the
# 资金支出计划 row's words, so the run of amounts was never cut off and the keys found none.
MONEY_RUN_ON = (
    "1、西河县2022年农村道路养护项目支出绩效目标表填报单位：西河县交通运输局    单位：万元项目名称农村道路养护项目编码"
    "43021219P00101主管部门西河县交通运输局实施单位西河县公路中心预算资金（万 元）预算数其中：财政资 金其他资金"
    "250.50250.50资金支出计划 （万元）3月底6月底10月底12月底25.05100.20200.40250.50绩效目标完成道路养护任务。一级指标"
    "二级指标三级指标绩效指标描述指标值指标值确定依据产出 指标数量 指标养护里程反映养护 里程情况≥120公里计划标准\n"
)


def test_a_run_on_money_block_reads_its_amounts_glued_to_the_next_words():
    (f,) = parse(MONEY_RUN_ON)
    assert f.budget_initial == 250.5
    assert [(i.name, i.target) for i in f.indicators] == [("养护里程", "≥120公里")]


# --- a worded target and its worded actual glued, the actual opened by a word values begin with -----------
# '依规使用已落实88': no figure to cut at between the two words; an actual reporting the target met ('已…',
# '全部…', '基本…') starts a cell, as the lexicon's other value cues do. Before, the cut fell one character
# before the figures ('依规使用已落 | 实').
WORDED_PAIRS = (
    "1、东湖镇卫生院整体支出绩效自评表(2022年度)部门名称东湖县东湖镇卫生院一级指标二级指标三级指标年度指标值"
    "全年完成值分值得分偏差及原因分析产出指标质量指标药品采购合规率依规使用已落实88时效指标公示及时性按规定公示已公示55"
    "成本指标支出控制率不超预算全部达成44效益指标社会效益指标健康宣传覆盖面明显扩大基本覆盖1010"
    "满意度指标服务对象满意度指标患者满意度90%92%1010\n"
)


def test_a_worded_actual_glued_to_its_worded_target_is_cut_at_its_opening_word():
    (f,) = parse(WORDED_PAIRS)
    got = {i.name: (i.target, i.actual, i.weight, i.score) for i in f.indicators}
    assert got["药品采购合规率"] == ("依规使用", "已落实", 8, 8)
    assert got["健康宣传覆盖面"] == ("明显扩大", "基本覆盖", 10, 10)
    assert got["支出控制率"] == ("不超预算", "全部达成", 4, 4)


# --- a worded value that ends in a unit's character ------------------------------------------------------
# '明显提升' ends in 升 (a litre): read as the next row's name and its unit column, it cost far more than a
# value, so the name took '明显' ('居民健康素养水平明显 | 提升 | 达成预期指标').
UNIT_CHARACTER = (
    "1、东湖镇卫生院整体支出绩效自评表(2022年度)部门名称东湖县东湖镇卫生院一级指标二级指标三级指标年度指标值"
    "全年完成值分值得分偏差及原因分析效益指标社会效益指标居民健康素养水平明显提升达成预期1010"
    "满意度指标服务对象满意度指标患者满意度90%92%1010\n"
)


def test_a_worded_value_ending_in_a_units_character_is_a_value():
    (f,) = parse(UNIT_CHARACTER)
    got = {i.name: (i.target, i.actual) for i in f.indicators}
    assert got["居民健康素养水平"] == ("明显提升", "达成预期")


# --- an actual that states a change before its figure, glued to its worded target ------------------------
# '超上年增收46万元': the target is worded ('超上年'), the actual states the change and its figure ('增收46万元');
# the only cut the lattice had was before the figure ('超上年增收 | 46万元').
CHANGE_ACTUALS = (
    "1、东湖镇卫生院整体支出绩效自评表(2022年度)部门名称东湖县东湖镇卫生院一级指标二级指标三级指标年度指标值"
    "全年完成值分值得分偏差及原因分析产出指标数量指标门诊服务量增加增1250人次88效益指标经济效益指标业务收入"
    "超上年增收46万元1010满意度指标服务对象满意度指标患者满意度90%92%1010\n"
)


def test_an_actual_stating_a_change_keeps_its_change_words():
    (f,) = parse(CHANGE_ACTUALS)
    got = {i.name: (i.target, i.actual, i.weight, i.score) for i in f.indicators}
    assert got["门诊服务量"] == ("增加", "增1250人次", 8, 8)
    assert got["业务收入"] == ("超上年", "增收46万元", 10, 10)


# --- dates worded as values, glued ----------------------------------------------------------------------
# '2021年12月底前2021年10月完成1010': a 完成时限 row's target and actual are dates; no cell could hold a date
# with its words, so the figures were cut anywhere ('2021年 | 1 | 2 | 月底 …').
DATES = (
    "1、西河县2022年农村道路养护项目绩效自评表项目名称农村道路养护主管部门西河县交通运输局一级指标二级指标三级指标"
    "年度指标值实际完成值分值得分偏差原因分析及改进措施产出指标时效指标养护完工时间2022年11月底前2022年10月完工55"
    "质量指标验收合格率100%100%1010\n"
)


def test_dates_worded_as_values_are_cells_of_their_own():
    (f,) = parse(DATES)
    got = {i.name: (i.target, i.actual, i.weight, i.score) for i in f.indicators}
    assert got["养护完工时间"] == ("2022年11月底前", "2022年10月完工", 5, 5)
    assert got["验收合格率"] == ("100%", "100%", 10, 10)


# --- a figure wrapped before its unit in a glued line ----------------------------------------------------
# A narrow column broke '2022年11月底前' after the year's digits ('2022 年11月 底前'): the space between two
# characters of text goes as a wrap space, the one between the figure and its unit stayed and cut the date.
WRAPPED_DATES = DATES.replace("2022年11月底前2022年10月完工", "2022 年11月 底前2022 年10月 完工")


def test_a_figure_wrapped_before_its_unit_is_joined_in_glued_text():
    (f,) = parse(WRAPPED_DATES)
    got = {i.name: (i.target, i.actual, i.weight, i.score) for i in f.indicators}
    assert got["养护完工时间"] == ("2022年11月底前", "2022年10月完工", 5, 5)


# --- a wrap space beside the text's own punctuation ------------------------------------------------------
# '“三公” 经费控制率': a narrow cell wrapped after the closing quote; the space between two characters of text
# went, the one after a quote stayed inside the name.
QUOTE_WRAP = (
    "1、西河县水利局2022年部门整体支出绩效目标表一级指标二级指标三级指标指标值产出 指标质量 指标“三公” 经费压减 率"
    "≥5%时效 指标工程款拨付及时率100%\n"
)


def test_a_wrap_space_after_a_quote_is_no_part_of_the_name():
    (f,) = parse(QUOTE_WRAP)
    assert [(i.name, i.target) for i in f.indicators] == [("“三公”经费压减率", "≥5%"), ("工程款拨付及时率", "100%")]


# --- a reason said as '无' run into the next row's name --------------------------------------------------
# '…108.5无家庭经济困难学生资助率100%…': the reason '无' after the row's figures and the next name are both words, so
# no cut stood between them and the name took the '无'.
PLACEHOLDER_REASON = (
    "1、东湖县教育局2022年部门整体支出绩效自评表一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析"
    "效益指标社会效益指标适龄儿童入学率≥99%81.5%108.5无家庭经济困难学生资助率100%100%1010\n"
)


def test_a_placeholder_reason_is_not_run_into_the_next_name():
    (f,) = parse(PLACEHOLDER_REASON)
    got = {i.name: (i.reason, i.weight, i.score) for i in f.indicators}
    assert got["适龄儿童入学率"] == ("无", 10, 8.5)
    assert "家庭经济困难学生资助率" in got


# --- a vocabulary word ending a clause of a reason --------------------------------------------------------
# '…下一步科学设置绩效目标。': the glued line is cut at vocabulary words, and '绩效目标' (a label of the form) was cut
# out of the reason's sentence and passed over as a label, so the reason lost it.
SENTENCE_WORD = (
    "1、东湖县教育局2022年部门整体支出绩效自评表一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析"
    "产出指标数量指标培训教师人数≥300人260人108测算依据不充分，下一步合理设置绩效目标。质量指标培训合格率100%100%1010\n"
)


def test_a_vocabulary_word_ending_a_clause_stays_in_its_sentence():
    (f,) = parse(SENTENCE_WORD)
    got = {i.name: i.reason for i in f.indicators}
    assert got["培训教师人数"] == "测算依据不充分，下一步合理设置绩效目标。"


# --- a title's kind words inside an indicator's name -----------------------------------------------------
# '…1010评价报告合格率有效改善效果明显…': a name that holds '评价报告' was cut out of the glued line as a title, and
# opened a report that took the table's last rows and its 总分.
KIND_WORDS_IN_NAME = (
    "1、东湖县财政局2022年度预算绩效管理项目绩效自评表项目名称预算绩效管理主管部门东湖县财政局一级指标二级指标三级指标"
    "年度指标值实际完成值分值得分偏差原因分析产出指标数量指标重点评价项目数≥9个10个1010质量指标评价报告合格率有效改善"
    "效果明显1010效益指标社会效益指标预算公开率100%100%1010总分10090\n"
)


def test_kind_words_inside_a_name_after_the_figures_open_no_filing():
    (f,) = parse(KIND_WORDS_IN_NAME)
    assert f.doc_kind == "project_self_eval"
    got = {i.name: (i.target, i.actual) for i in f.indicators}
    assert got["评价报告合格率"] == ("有效改善", "效果明显")
    assert (f.total_weight, f.total_score) == (100, 90)
