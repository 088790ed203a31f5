"""Seed 003 (株洲市渌口区工商业联合会, 2022): the self-evaluation and its target table."""
from etl.check import filing_metrics, run_checks
from etl.check.examples import seed003_selfeval, seed003_target


def _by_row(findings, rule):
    return {f.indicator_seq for f in findings if f.rule == rule}


def test_sustainability_rows_lose_a_point_although_actual_equals_target():
    f = seed003_selfeval()
    found = run_checks(f)
    rows = _by_row(found, "SCORE_DEDUCTED_THOUGH_MET")
    names = {i.seq: i.name for i in f.indicators}
    assert {names[s] for s in rows} == {"引导民营经济人士自觉把自身企业的发展与国家的发展结合起来", "引导非公有制经济人士承担社会责任"}
    msg = next(x.message for x in found if x.rule == "SCORE_DEDUCTED_THOUGH_MET")
    assert "4" in msg and "5" in msg and "≧92%" in msg


def test_every_deducted_row_lacks_a_reason_and_no_other_row_is_called_so():
    f = seed003_selfeval()
    found = run_checks(f)
    deducted = {i.seq for i in f.indicators if i.score < i.weight}
    assert len(deducted) == 6
    assert _by_row(found, "REASON_MISSING") == deducted


def test_actuals_written_as_inequalities_are_vague_and_nothing_else_is():
    f = seed003_selfeval()
    found = run_checks(f)
    ineq = {i.seq for i in f.indicators if i.actual.startswith("≧")}
    vague_rows = {x.indicator_seq for x in found if x.family == "vague"}
    assert vague_rows == ineq and len(ineq) == 6
    assert _by_row(found, "VAGUE_ACTUAL_INEQUALITY") == ineq


def test_no_finding_contradicts_the_numbers():
    f = seed003_selfeval()
    found = run_checks(f)
    full = {i.seq for i in f.indicators if i.score == i.weight}
    for x in found:
        if x.rule in ("SCORE_DEDUCTED_THOUGH_MET", "REASON_MISSING"):
            assert x.indicator_seq not in full, x
    # the table adds up: 10 + 50 + 23 + 10 = 93 of 100; no total or weight finding
    assert not {x.rule for x in found} & {"SCORE_TOTAL_SUM", "SCORE_WEIGHT_SUM", "SCORE_LEVEL1_WEIGHTS", "NUM_EXEC_RATE"}


def test_typo_2bian_is_reported_on_its_row():
    f = seed003_selfeval()
    found = run_checks(f)
    row = next(i.seq for i in f.indicators if i.target == "2编")
    hit = [x for x in found if x.rule == "TPL_TYPO" and x.indicator_seq == row]
    assert hit and "2篇" in hit[0].message


def test_target_table_has_no_findings_at_all():
    # every value of the 2022 target table is definite ('7人', '28家企业帮扶28个村', '≧95%')
    assert run_checks(seed003_target()) == []


def test_metrics_of_the_self_evaluation():
    f = seed003_selfeval()
    found = run_checks(f)
    m = filing_metrics(f, found)
    assert m["indicator_count"] == 22
    assert m["deductions"] == 6 and m["deductions_no_reason"] == 6
    assert m["vague_count"] == 6
    assert m["exec_rate_computed"] == 1.0
    assert m["grade_computed"] == "优"
    assert m["measurable_share"] == 1.0
    # the two met rows re-score to full marks, the 92/95 rows in proportion: we give more than 93
    assert m["score_recomputed"] > 93 and m["inflation"] == round(93 - m["score_recomputed"], 2)
    assert m["error_count"] == 2 and m["finding_count"] == len(found)


def test_total_that_does_not_add_up_is_a_scoring_error_even_though_marked_partial():
    from pathlib import Path

    from etl.check import run_checks
    from etl.parse import parse_document
    from etl.read import read_bytes

    seed = Path(__file__).resolve().parents[1] / "data" / "seeds" / "003_483a086a129c8058.txt"
    text = seed.read_text(encoding="utf-8").replace("\t总分\n\t100\n\t93", "\t总分\n\t100\n\t98")
    (_, self_eval, _) = parse_document(read_bytes(text.encode("utf-8"), "edited.txt"))
    assert self_eval.total_score == 98 and self_eval.parse_status == "partial"
    rules = {x.rule for x in run_checks(self_eval)}
    assert "SCORE_TOTAL_SUM" in rules
