"""Rules on the real-world dev samples (values as hand-labelled in eval/labels/dev)."""
from etl.check import run_checks
from etl.check.examples import (dept03_ningde, dept08_kxc, proj01_chizhou, proj02_yongde, proj05_changning,
                                proj08_daying, proj10_xiangtan, proj13_zhaohua, proj17_jiayuguan)

# rows labelled vague (target or actual) per sample, by name; every other row must get no vague finding
VAGUE = {
    dept03_ningde: {"项目完成时间"},
    dept08_kxc: {"管理制度健全性", "资金使用合规性"},
    proj01_chizhou: {"经费支出合规性", "提交报告及时性", "单项业务成本", "对维护基建市场公平的影响程度",
                     "对控制基建项目成本影响程度", "对推动基建项目“四项制度”健全和落实的持续性影响"},
    proj02_yongde: {"减轻贫困学生家庭经济负担"},
    proj05_changning: set(),
    proj08_daying: {"孤儿助学人数", "按季发放助学金", "孤儿身份、年满18周岁后就学水平情况", "助学制度",
                    "政策知晓率", "救助对象对社会救助实施的满意度"},
    proj10_xiangtan: set(),
    proj13_zhaohua: {"宣传教育", "政府对麻风村休养员、村外康复者和现症病人的关爱", "项目实施情况", "群众幸福感"},
    proj17_jiayuguan: {"对当地文物保护、文化传承影响", "提升博物馆绿化水平", "为当地提供就业LJUI,冈位",
                       "历史文化传承环保意识时限"},
}


def test_vague_rows_match_the_hand_labels():
    for build, want in VAGUE.items():
        f = build()
        found = run_checks(f)
        got = {f.indicators[x.indicator_seq - 1].name for x in found if x.family == "vague"}
        assert got == want, build.__name__


def test_definite_trivial_values_are_not_vague():
    f = proj10_xiangtan()  # '优良', '2023.07-2024.01', '250万', '≥80M'
    assert not [x for x in run_checks(f) if x.family == "vague"]
    f = proj13_zhaohua()  # '12月底前100%到位', '2021年1月-12月', '32人'
    vague = {x.indicator_seq for x in run_checks(f) if x.family == "vague"}
    for i in f.indicators:
        if i.target in ("12月底前100%到位", "2021年1月-12月", "32人", "100%"):
            assert i.seq not in vague


def _rules(f):
    return {(f.indicators[x.indicator_seq - 1].name if x.indicator_seq else None, x.rule) for x in run_checks(f)}


def test_scoring_on_dev_samples():
    r = _rules(proj02_yongde())
    assert ("资金到位及时率", "SCORE_DEDUCTED_THOUGH_MET") in r      # ≧100% vs 100%, 7 of 10
    assert ("资金到位及时率", "REASON_MISSING") in r
    assert ("政策知晓率", "REASON_MISSING") in r                     # 98% of =100%, 9 of 10
    assert ("政策知晓率", "SCORE_DEDUCTED_THOUGH_MET") not in r
    r = _rules(dept08_kxc())
    assert ("政府采购执行率", "SCORE_FULL_THOUGH_MISSED") in r       # 72.74% of 100%, full marks
    # lower-is-better rates met: 调整率 3% -> 0, 控制率 100% -> 92%
    assert not {n for n, rule in r if rule == "SCORE_FULL_THOUGH_MISSED"} & {"预算调整率", "结转结余率", "财政供养人员控制率"}


def test_yunnan_table_without_weights_gets_no_weight_findings():
    found = run_checks(proj05_changning())
    assert not [x for x in found if x.family == "scoring"]
    rules = {x.rule for x in found}
    assert {"NUM_TARGET_EQUALS_ACTUAL", "NUM_OUTPUT_DONE_LOW_EXEC", "REASON_EXEC_LOW"} <= rules


def test_execution_line_of_proj01():
    msgs = {x.rule: x.message for x in run_checks(proj01_chizhou()) if x.indicator_seq is None}
    assert "NUM_EXEC_RATE" in msgs and "100%" in msgs["NUM_EXEC_RATE"]
    assert "SCORE_EXEC" in msgs


def test_category_and_template_on_dev_samples():
    r = _rules(proj08_daying())
    assert ("资金执行率", "CAT_EXEC_RATE_AS_INDICATOR") in r and ("资金执行率", "CAT_COST_NOT_MONEY") in r
    assert ("政策知晓率", "CAT_SATISFACTION_NOT_SATISFACTION") in r
    assert ("资金执行率", "REASON_MISSING") not in r   # its reason is written
    r = _rules(proj17_jiayuguan())
    assert ("资金使用效率", "CAT_COST_NOT_MONEY") in r and ("资金使用效率", "TPL_LOOKALIKE") in r
    assert ("为当地提供就业LJUI,冈位", "TPL_STRAY_LATIN") in r
    r = _rules(proj10_xiangtan())
    assert r == {("服务周期内,市民对空气质量改善的满意程度", "CAT_SATISFACTION_MISPLACED")}
