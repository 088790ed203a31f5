"""Values whose form disagrees with what the row measures: an operator OCR misread (flagged as a reading
error, template family: "≥92%" read as "292%" on a rate, "≥95%" as "^95%"), a count written as a percentage,
a rate written as a count (category family). All rows invented."""
from etl.check import run_checks
from etl.check.examples import row
from etl.records import Filing


def _findings(*rows_):
    f = Filing(doc_kind="project_self_eval", filing_id="ex-ocr-op", indicators=list(rows_))
    return {(x.indicator_seq, x.rule) for x in run_checks(f)}


def test_a_rate_over_100_percent_that_reads_as_ge_with_its_2_is_flagged():
    got = _findings(row(1, "产出指标", "质量指标", "路面修补验收合格率", "296%", "100%"),
                    row(2, "满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "285%"))
    assert (1, "TPL_LOOKALIKE") in got
    assert (2, "TPL_LOOKALIKE") in got


def test_figures_over_100_percent_that_are_not_a_misread_operator_are_left():
    got = _findings(row(1, "产出指标", "数量指标", "培训人次", "250人", "260人"),  # not a percentage
                    row(2, "效益指标", "经济效益指标", "产值增长", "210%", "230%"),  # not a rate: growth can pass 100 %
                    row(3, "产出指标", "质量指标", "设备完好率", "≥95%", "98%"),
                    row(4, "产出指标", "质量指标", "检测覆盖率", "2%", "3%"))  # the rest is no percentage
    assert not {r for r in got if r[1] == "TPL_LOOKALIKE"}


def test_a_caret_for_the_operator_is_flagged():
    got = _findings(row(1, "满意度指标", "服务对象满意度指标", "学生满意度", "^95%", "96%"))
    assert (1, "TPL_LOOKALIKE") in got


def test_a_count_written_as_a_percentage_and_a_rate_written_as_a_count_disagree_in_unit():
    got = _findings(row(1, "产出指标", "数量指标", "应资助学生数", "100%", "100%"),
                    row(2, "产出指标", "质量指标", "疫苗接种率", "3200人", "3105人"),
                    row(3, "产出指标", "数量指标", "受益群众满意度指数", "≥90%", "95%"),  # an index may be a share
                    row(4, "产出指标", "数量指标", "救助人数", "≥300人", "320人"),
                    row(5, "产出指标", "质量指标", "资金到位率", "100%", "100%"))
    mism = {seq for seq, rule in got if rule == "CAT_UNIT_MISMATCH"}
    assert mism == {1, 2}


def test_amounts_rates_and_times_in_the_wrong_place():
    got = _findings(row(1, "产出指标", "数量指标", "修缮工程资金金额", "52.6", "50.1"),  # an amount as an output, bare
                    row(2, "产出指标", "成本指标", "采购成本节约率", "100", "100"),  # a rate is no cost, bare or not
                    row(3, "产出指标", "成本指标", "单位维修成本", "12.5", "12"),  # a bare amount under 万元: a cost
                    row(4, "产出指标", "数量指标", "补助资金支出率", "100%", "98%"),  # the execution rate again
                    row(6, "产出指标", "数量指标", "维修道路长度", "52.6", "50.1"))
    assert {seq for seq, rule in got if rule == "CAT_MONEY_AS_OUTPUT"} == {1}
    assert {seq for seq, rule in got if rule == "CAT_COST_NOT_MONEY"} == {2}
    assert {seq for seq, rule in got if rule == "CAT_EXEC_RATE_AS_INDICATOR"} == {4}


def test_a_rule_or_price_carried_out_is_not_the_budget_execution_rate():
    got = _findings(row(1, "产出指标", "质量指标", "财务管理制度执行率", "100%", "100%"),
                    row(2, "产出指标", "成本指标", "最低收购价格执行率", "100%", "100%"),
                    row(3, "产出指标", "质量指标", "项目资金执行率", "100%", "96%"))
    assert {seq for seq, rule in got if rule == "CAT_EXEC_RATE_AS_INDICATOR"} == {3}


def test_a_lone_yi_where_a_dash_belongs_is_a_placeholder_not_a_vague_value():
    # OCR reads the template's dash '—' as '一'; a value of one would carry a unit
    got = _findings(row(1, "项目管理", "投入管理", "预算执行率", "一", "100%"),
                    row(2, "产出指标", "数量指标", "举办培训班", "一期", "一期"))
    assert (1, "TPL_PLACEHOLDER_VALUE") in got
    assert not {r for r in got if r[0] == 1 and r[1].startswith("VAGUE")}
    assert (2, "TPL_PLACEHOLDER_VALUE") not in got
