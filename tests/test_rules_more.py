"""Rule behaviour found by checking the generated corpus against its injected defects."""
from __future__ import annotations

import pytest

from etl.check import run_checks
from etl.check.examples import row
from etl.normalise.measure import parse_measure
from etl.records import Filing, Indicator


def filing(*rows: Indicator, kind="project_self_eval") -> Filing:
    for r in rows:
        r.target_m, r.actual_m = parse_measure(r.target), parse_measure(r.actual)
    return Filing(doc_kind=kind, indicators=list(rows))


def rules_on(f: Filing, seq: int) -> set[str]:
    return {x.rule for x in run_checks(f) if x.indicator_seq == seq}


def test_cost_kept_under_its_ceiling_but_scored_down_is_deducted_though_met():
    f = filing(Indicator(seq=1, level1="成本指标", level2="经济成本指标", name="项目总成本",
                         target="≤1513.2万元", actual="1331.21万元", weight=10, score=9))
    assert "SCORE_DEDUCTED_THOUGH_MET" in rules_on(f, 1)


def test_funds_arriving_is_not_a_benefit():
    f = filing(Indicator(seq=1, level1="效益指标", level2="可持续影响指标", name="资金到位率",
                         target="≥95%", actual="97%", weight=10, score=10),
               Indicator(seq=2, level1="产出指标", level2="时效指标", name="资金到位及时率",
                         target="100%", actual="100%", weight=10, score=10))
    assert "CAT_EXEC_RATE_AS_INDICATOR" in rules_on(f, 1)
    assert not {r for r in rules_on(f, 2) if r.startswith("CAT_")}  # a timeliness measure where it belongs


def test_misspelt_basis_is_reported_with_the_word_it_should_be():
    f = filing(Indicator(seq=1, level1="产出指标", level2="质量指标", name="农村自来水普及率", target="≥90%",
                         basis="行业标淮"), kind="project_target")
    found = [x for x in run_checks(f) if x.indicator_seq == 1 and x.family == "template"]
    assert found and "行业标准" in found[0].message


def test_a_target_that_is_only_a_unit_is_a_placeholder_and_vague():
    from etl.check import run_checks
    from etl.records import Filing, Indicator

    f = Filing(doc_kind="project_target", indicators=[
        Indicator(seq=1, level1="产出指标", level2="数量指标", name="新建道路长度", target="公里"),
        Indicator(seq=2, level1="产出指标", level2="质量指标", name="验收合格率", target="≧ %"),
        Indicator(seq=3, level1="产出指标", level2="质量指标", name="验收合格率", target="≥95%"),
    ])
    found = run_checks(f)
    for seq in (1, 2):
        fams = {x.family for x in found if x.indicator_seq == seq}
        assert {"template", "vague"} <= fams, (seq, fams)
    assert not {x.family for x in found if x.indicator_seq == 3} & {"template", "vague"}


def test_rows_read_with_low_confidence_are_listed_for_checking_by_hand():
    from etl.check import run_checks
    from etl.parse import parse_document
    from etl.read import read_bytes

    text = "\n".join(["某县某局2022年度项目支出绩效自评表", "项目名称", "某某项目", "一级指标", "二级指标", "三级指标", "年度指标值",
                      "实际完成值", "分值", "得分", "产出指标", "数量指标", "培训人次", "≥200人次", "230人次", "10", "10",
                      "质量指标", "培训合格率", "10", "10"])
    (f,) = parse_document(read_bytes(text.encode("utf-8"), "copy.txt"))
    low = [x for x in run_checks(f) if x.rule == "PARSE_LOW_CONFIDENCE"]
    assert [x.indicator_seq for x in low] == [2]
    assert low[0].family == "parse" and "对照原件" in low[0].message


@pytest.mark.parametrize("basis, meant", [
    ("历史惊讶标准", "历史经验标准"),  # two characters of six substituted: not the shorter 历史标准
    ("行业标淮", "行业标准"),
    ("计化标准", "计划标准"),
])
def test_a_misspelt_basis_names_the_word_it_misspells(basis, meant):
    f = Filing(doc_kind="project_target", filing_id="b", indicators=[row(1, "产出指标", "数量指标", "培训人次", "≥100人次",
                                                                          basis=basis)])
    hit = [x for x in run_checks(f) if x.rule == "TPL_BASIS_UNKNOWN"]
    assert len(hit) == 1 and f"疑为「{meant}」之误" in hit[0].message


def test_a_basis_two_characters_off_in_four_is_not_a_misspelling():
    """'部门标准' differs from 计划标准 in half its characters: another basis, no guess at which one it meant."""
    f = Filing(doc_kind="project_target", filing_id="b", indicators=[row(1, "产出指标", "数量指标", "培训人次", "≥100人次",
                                                                          basis="部门标准")])
    hit = [x for x in run_checks(f) if x.rule == "TPL_BASIS_UNKNOWN"]
    assert len(hit) == 1 and "疑为" not in hit[0].message


def _magnitude(f: Filing) -> list:
    return [x for x in run_checks(f) if x.rule == "NUM_AMOUNT_MAGNITUDE"]


def test_a_county_budget_in_yuan_under_a_wan_heading_is_named_with_its_amount():
    # 3,860,000 元 written under 单位：万元 reads as 386 亿元 for one county project
    f = Filing(doc_kind="project_self_eval", county="示例县", project="乡村道路养护", budget_adjusted=3860000.0,
               budget_executed=3712500.0)
    (found,) = _magnitude(f)
    assert "全年预算数 3860000 万元（约 386 亿元）" in found.message and "全年执行数" in found.message
    assert "示例县" in found.message and found.severity == "warning"


def test_ordinary_amounts_and_a_provinces_filings_are_not_judged():
    assert not _magnitude(Filing(doc_kind="project_self_eval", county="示例县", budget_adjusted=386.0,
                                 budget_executed=371.25))
    # a province's department may spend 100 亿元 and more
    assert not _magnitude(Filing(doc_kind="dept_target", province="示例省", budget_initial=3860000.0))


def test_a_row_with_a_value_but_no_indicator_name_is_named_and_its_value_vague():
    # a template whose 三级指标 column was never filled: the level cells and a number, nothing measured
    f = filing(Indicator(seq=1, level1="产出指标", level2="数量指标", name=None, target="88"),
               Indicator(seq=2, level1="产出指标", level2="质量指标", name="验收合格率", target="100%"),
               kind="project_target")
    assert {"TPL_NAMELESS_ROW", "VAGUE_TARGET"} <= rules_on(f, 1)
    assert not rules_on(f, 2)
    (found,) = [x for x in run_checks(f) if x.rule == "TPL_NAMELESS_ROW"]
    assert "「数量指标」" in found.message and "「88」" in found.message
