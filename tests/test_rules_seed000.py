"""Seed 000 (正定县工商业联合会, 2023 绩效目标表, three project tables)."""
from etl.check import run_checks
from etl.check.examples import seed000_p1, seed000_p2, seed000_p3


def _rules_on(found, seq):
    return {x.rule for x in found if x.indicator_seq == seq}


def _row(f, name):
    return next(i.seq for i in f.indicators if i.name == name)


def test_cost_rows_are_not_money_in_all_three_tables():
    for build, target in ((seed000_p1, "≥95%"), (seed000_p2, "经费使用情况"), (seed000_p3, "合理使用经费")):
        f = build()
        found = run_checks(f)
        seq = _row(f, "合理使用经费")
        assert f.indicators[seq - 1].target == target
        assert "CAT_COST_NOT_MONEY" in _rules_on(found, seq)
        # a % or a word for a cost is meaningless: the row is vague too
        assert any(x.family == "vague" and x.indicator_seq == seq for x in found)


def test_recognition_target_is_vague():
    f = seed000_p1()
    found = run_checks(f)
    seq = _row(f, "社会影响力")
    hit = [x for x in found if x.rule == "VAGUE_TARGET" and x.indicator_seq == seq]
    assert hit and "充分认可" in hit[0].message


def test_spending_description_as_target_is_vague():
    f = seed000_p2()
    seq = _row(f, "合理使用经费")
    assert "VAGUE_TARGET" in _rules_on(run_checks(f), seq)


def test_basis_typo_is_reported():
    """历史惊讶标准 is close to the allowed 历史经验标准: the basis rule names it, with the word it should be
    (no entry of its own among the typos)."""
    f = seed000_p1()
    found = run_checks(f)
    hit = [x for x in found if x.rule == "TPL_BASIS_UNKNOWN"]
    assert [x.indicator_seq for x in hit] == [_row(f, "满意度")]
    assert "历史惊讶标准" in hit[0].message and "疑为「历史经验标准」之误" in hit[0].message


def test_project_2_spending_plan_is_not_cumulative_and_misses_the_budget():
    found = run_checks(seed000_p2())
    msgs = {x.rule: x.message for x in found if x.indicator_seq is None}
    assert "NUM_PLAN_NOT_CUMULATIVE" in msgs and "0.34" in msgs["NUM_PLAN_NOT_CUMULATIVE"]
    assert "NUM_PLAN_END" in msgs and "1.33" in msgs["NUM_PLAN_END"]


def test_project_3_plan_is_fine_and_project_1_plan_stops_in_october():
    assert not {x.rule for x in run_checks(seed000_p3())} & {"NUM_PLAN_NOT_CUMULATIVE", "NUM_PLAN_END"}
    end = [x for x in run_checks(seed000_p1()) if x.rule == "NUM_PLAN_END"]
    assert end and "10月底" in end[0].message


def test_definite_targets_are_not_vague_and_target_tables_never_judge_actuals():
    for build in (seed000_p1, seed000_p2, seed000_p3):
        f = build()
        found = run_checks(f)
        for i in f.indicators:
            if i.target in ("1次", "≥95%", "≥1 个", "≥3次", "≥2次") and i.name != "合理使用经费":
                assert not any(x.family == "vague" and x.indicator_seq == i.seq for x in found), i
        assert not any(x.rule.startswith("VAGUE_ACTUAL") for x in found)


def test_misplaced_rows_are_reported_as_category():
    f1, f3 = seed000_p1(), seed000_p3()
    assert "CAT_TIMELINESS_WITHOUT_TIME" in _rules_on(run_checks(f1), _row(f1, "服务完成度"))
    assert "CAT_QUANTITY_AS_QUALITY" in _rules_on(run_checks(f3), _row(f3, "提交调研报告数量"))
    # 各项工作完成及时率 and 按期完成率 are about time
    f2 = seed000_p2()
    assert "CAT_TIMELINESS_WITHOUT_TIME" not in _rules_on(run_checks(f2), _row(f2, "各项工作完成及时率"))
    assert "CAT_TIMELINESS_WITHOUT_TIME" not in _rules_on(run_checks(f3), _row(f3, "按期完成率"))


def test_goal_placeholder_is_reported():
    assert any(x.rule == "TPL_GOAL_PLACEHOLDER" for x in run_checks(seed000_p2()))
