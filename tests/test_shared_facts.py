"""Each fact defined once: the measures (etl/measures.py) and the invariants (etl/marts/invariants.py)
say the same in Python and in SQL, and the stages that read them agree with each other."""
from __future__ import annotations

import copy

import duckdb
import pytest

from dashboard_db import write_filings
from etl.check import load_settings
from etl.check.examples import example_for
from etl.lexicon import lexicon
from etl.marts.invariants import (INVARIANTS, RATE_IS_B_OVER_A, SCORES_ADD_UP, SCORES_WITHIN_WEIGHTS, WEIGHTS_ADD_UP,
                                  tolerances, violations_sql)
from etl.measures import GRADE_BAND, GRADES, PHRASE, fold, grade_for
from etl.records import Filing, Indicator


def test_grades_are_the_settings_grades_in_python_and_sql():
    settings = load_settings()
    assert list(GRADES) == settings.grades
    con = duckdb.connect()
    try:
        for score in (100, 90, 89.99, 80, 79.5, 60, 59.9, 0, None):
            got = con.execute(f"SELECT {GRADE_BAND.format(c='s')} FROM (SELECT ?::DOUBLE AS s)", [score]).fetchone()[0]
            assert got == grade_for(score) == settings.grade_for(score), score
    finally:
        con.close()


def test_phrase_folds_stored_text_as_fold_does():
    con = duckdb.connect()
    try:
        for text in ("≧ 95 %", "≦10 天", "═ 100%", "效果 明显"):
            assert con.execute(f"SELECT {PHRASE.format(c='?')}", [text]).fetchone()[0] == fold(text)
    finally:
        con.close()


def test_the_dashboard_reads_the_same_grade_bands():
    from dashboard.charts import grade_legend, scale_for

    assert grade_legend() == "优 ≥90 · 良 80–90 · 中 60–80 · 差 <60"
    assert scale_for("self_score")["colorbar"]["tickvals"] == [0, 60, 80, 90, 100]


def test_a_low_execution_rate_and_a_high_self_score_are_one_line_for_the_rule_the_scorecard_and_the_chart():
    """The county scorecard's "执行率<80%占比", the execution chart's red band and the soft rule that flags a
    low 执行率 beside a high self-score read the thresholds of settings.toml [soft]."""
    from dashboard.charts import scale_for
    from etl.measures import EXEC_LOW, SCORECARD, SELF_SCORE_HIGH

    settings = load_settings()
    assert (EXEC_LOW, SELF_SCORE_HIGH) == (settings.soft("exec_rate_low", 0.0), settings.soft("self_score_high", 0.0))
    assert scale_for("exec_rate")["colorbar"]["tickvals"][1] == EXEC_LOW
    assert f"执行率<{EXEC_LOW:.0%}" in SCORECARD["low_exec_share"].label
    assert f"自评≥{SELF_SCORE_HIGH:g}" in SCORECARD["high_share"].label


def _filing(fid, rows, **kw):
    return Filing(doc_kind="project_self_eval", filing_id=fid, source_file=f"{fid}.txt", source_sha256=fid,
                  department="示例县教育局", county="示例县", province="示例省", year=2023, indicators=rows, **kw)


def _row(seq, weight, score):
    return Indicator(seq=seq, level1="产出指标", level2="数量指标", name=f"指标{seq}", target="≥1人", actual="1人",
                     weight=weight, score=score)


FILINGS = [
    _filing("ok", [_row(1, 50, 50), _row(2, 40, 38)], exec_weight=10, exec_score=9, total_weight=100, total_score=97,
            budget_adjusted=100, budget_executed=90, exec_rate_reported=0.9),
    _filing("sums_off", [_row(1, 50, 50), _row(2, 40, 40)], exec_weight=10, exec_score=10, total_weight=95,
            total_score=98),
    _filing("over", [_row(1, 50, 55), _row(2, 50, 40)], total_weight=100, total_score=95),
    _filing("rate_off", [_row(1, 100, 90)], total_weight=100, total_score=90, budget_adjusted=100, budget_executed=80,
            exec_rate_reported=0.85),
    _filing("no_total", [_row(1, 100, None)]),
]


def _python_says(key: str, f: Filing) -> bool:
    inv = INVARIANTS[key]
    if inv in (WEIGHTS_ADD_UP, SCORES_ADD_UP):
        return inv.holds(f) is not False
    if inv is SCORES_WITHIN_WEIGHTS:
        return not any(inv.over(i.weight, i.score) for i in f.indicators)
    gap = RATE_IS_B_OVER_A.gap(f)
    return gap is None or gap <= tolerances()["rate"]


@pytest.mark.parametrize("key", list(INVARIANTS))
def test_invariants_say_the_same_in_python_and_over_the_stored_tables(tmp_path, key):
    db = tmp_path / "inv.duckdb"
    write_filings(db, copy.deepcopy(FILINGS))
    con = duckdb.connect(str(db), read_only=True)
    try:
        broken = {r[0] for r in con.execute(violations_sql(key)).fetchall()}
    finally:
        con.close()
    assert broken == {f.filing_id for f in FILINGS if not _python_says(key, f)}
    assert broken, "each invariant is broken by one of the filings above"


def test_the_rules_report_what_the_invariants_find():
    """The sum, over-weight and B/A rules fire exactly where the declarations say the figures disagree."""
    from etl.check import run_checks

    fired = {f.filing_id: {x.rule for x in run_checks(copy.deepcopy(f))} for f in FILINGS}
    assert {fid for fid, r in fired.items() if "SCORE_WEIGHT_SUM" in r} == {"sums_off"}
    assert {fid for fid, r in fired.items() if "SCORE_TOTAL_SUM" in r} == {"sums_off"}
    assert {fid for fid, r in fired.items() if "SCORE_OVER_WEIGHT" in r} == {"over"}
    assert {fid for fid, r in fired.items() if "NUM_EXEC_RATE" in r} == {"rate_off"}


def test_a_table_partial_only_because_its_sums_disagree_is_judged_by_the_sum_rules():
    """The parser's note for sums that disagree is the invariant's own note: the rule finds it without
    knowing the parser's words; any other note means the table may not have been read whole."""
    f = example_for("SCORE_TOTAL_SUM")
    f = f[0] if isinstance(f, list) else f
    from etl.check import run_checks

    assert "SCORE_TOTAL_SUM" in {x.rule for x in run_checks(copy.deepcopy(f))}
    partial = copy.deepcopy(f)
    partial.parse_status, partial.parse_notes = "partial", [n for n in (SCORES_ADD_UP.note(f),) if n]
    assert "SCORE_TOTAL_SUM" in {x.rule for x in run_checks(partial)}
    partial.parse_notes = partial.parse_notes + ["表格在第2页之后缺失"]
    assert "SCORE_TOTAL_SUM" not in {x.rule for x in run_checks(partial)}


def test_word_lists_live_in_the_lexicon_only():
    """The checks' word lists are read from etl/lexicon.toml; the settings file holds none."""
    settings_text = (load_settings.__globals__["DEFAULT_PATH"]).read_text(encoding="utf-8")
    tables = [line for line in settings_text.splitlines() if line.startswith("[")]
    assert not [t for t in tables if t.startswith("[lexicon")] and "placeholders =" not in settings_text
    s = load_settings()
    assert s.words("placeholders") == list(lexicon().value_placeholders)
    assert s.typos and s.words("vague")
