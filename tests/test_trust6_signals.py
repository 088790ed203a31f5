"""Signals of issue 18 (etl/trust/signals.py): readings a person would doubt on sight, on invented filings.

- a self-evaluation read without its 总分 row whose 分值 or 得分 add up to more than the full mark (100);
- a row value that is an operator alone ('>='), a target table's row holding an 实际完成值 or a 得分, a name that
  begins with the figure of the row before ('0起市民满意度');
- a report whose prose speaks of a project far more than of a whole body's spending, read without its project;
- a department read as the tail of the name the source prints ('交通运输局' for '青山县交通运输局').
"""
from __future__ import annotations

import pytest

from etl.check import load_settings
from etl.records import Cell, Document, Filing, Indicator, Loc, Row
from etl.train import confidence as training
from etl.trust import assess_filings
from etl.trust.signals import evidence, meta_missing, name_cut, points_gap, report_of_project, row_signals

ACCEPT = load_settings().accept_confidence


def _doc(lines: list[list[str]]) -> Document:
    rows = [Row([Cell(t, Loc(line_start=i + 1, line_end=i + 1, col=k + 1)) for k, t in enumerate(cells)],
                Loc(line_start=i + 1, line_end=i + 1), table=0) for i, cells in enumerate(lines)]
    return Document("表.txt", "txt", rows, layout="tabbed")


SELF_EVAL = [
    ["青山县2023年农村公路养护项目支出绩效自评表"],
    ["项目名称", "农村公路养护", "主管部门", "青山县交通运输局"],
    ["年度资金总额", "80", "80", "78", "10", "97.5%", "9.75"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "养护里程", "≥120公里", "126公里", "40", "40"],
    ["效益指标", "社会效益指标", "群众出行时间缩短率", "≥10%", "12%", "30", "30"],
    ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "95%", "20", "19"],
]


def _self_eval(scores: list[tuple[float | None, float | None]]) -> Filing:
    rows = [Indicator(seq=i, level1=c[0], level2=c[1], name=c[2], target=c[3], actual=c[4], weight=w, score=s,
                      loc=Loc(line_start=i + 4, line_end=i + 4), parse_confidence=1.0)
            for i, (c, (w, s)) in enumerate(zip(SELF_EVAL[4:], scores), start=1)]
    return Filing(doc_kind="project_self_eval", title=SELF_EVAL[0][0], department="青山县交通运输局",
                  project="农村公路养护", year=2023, province="湖南省", city="株洲市", county="青山县",
                  budget_initial=80.0, budget_adjusted=80.0, budget_executed=78.0, exec_rate_reported=0.975,
                  exec_weight=10.0, exec_score=9.75, indicators=rows, loc=Loc(line_start=1, line_end=len(SELF_EVAL)))


def test_scores_above_the_full_mark_of_a_self_evaluation_without_its_total_are_an_arithmetic_failure():
    # no 总分 row was read; the 分值 and 得分 as printed add up within 100; a reading that took the targets'
    # percentages for the scores (90, 95, 98) adds up far above it, which no self-evaluation can
    right = _self_eval([(40.0, 40.0), (30.0, 30.0), (20.0, 19.0)])
    wrong = _self_eval([(None, 90.0), (None, 95.0), (None, 98.0)])
    assert points_gap(right) == 0.0
    assert points_gap(wrong) == pytest.approx(90 + 95 + 98 + 9.75 - 100)
    doc = _doc(SELF_EVAL)
    (a_right,), (a_wrong,) = assess_filings(doc, [right]), assess_filings(doc, [wrong])
    assert a_wrong.capped_by == "arithmetic" and a_wrong.conf < ACCEPT
    assert a_right.capped_by is None and a_right.conf > a_wrong.conf
    # a table cut before its last rows adds up to less than the full mark: no failure of its arithmetic
    short = _self_eval([(40.0, 40.0)])
    assert points_gap(short) == 0.0
    # the full mark is a setting; a target table is not held to it
    assert points_gap(wrong, full_mark=400.0) == 0.0
    target = _self_eval([(60.0, None), (60.0, None)])
    target.doc_kind = "project_target"
    assert points_gap(target) == 0.0


def test_a_value_that_is_an_operator_alone_or_a_value_the_kind_does_not_print_is_odd():
    f = _self_eval([(40.0, 40.0), (30.0, 30.0), (20.0, 19.0)])
    f.indicators[1].actual = ">="  # the cut left the operator of '>=12%' in the value
    flags = row_signals(f)
    assert [s["value_odd"] for s in flags] == [0.0, 1.0, 0.0]
    # a target table prints no 实际完成值 and no 得分: a row holding either took another part's cells
    target = _self_eval([(40.0, None), (30.0, None), (20.0, None)])
    target.doc_kind = "project_target"
    for ind in target.indicators[1:]:
        ind.actual = None
    target.indicators[2].score = 20.0
    assert [s["value_odd"] for s in row_signals(target)] == [1.0, 0.0, 1.0]


def test_a_name_that_begins_with_the_figure_of_the_row_before_is_glued():
    f = _self_eval([(40.0, 40.0), (30.0, 30.0), (20.0, 19.0)])
    f.indicators[2].name = "12%沿线群众满意度"  # the actual of the row before ran into the name
    f.indicators[1].name = "1、群众出行时间缩短率"  # an enumerator is not a figure of a value
    assert [s["name_glued"] for s in row_signals(f)] == [0.0, 0.0, 1.0]


REPORT = [
    ["青山县农村公路养护项目绩效自评报告"],
    ["一、项目基本情况。农村公路养护项目，实施单位：青山县交通运输局，全年预算80万元，实际支出78万元。"],
    ["二、项目绩效。养护里程126公里，项目自评得分95分。"],
]


def _report(lines: list[list[str]], project: str | None) -> Filing:
    return Filing(doc_kind="self_eval_report", title=lines[0][0], department="青山县交通运输局", project=project,
                  year=2023, county="青山县", budget_adjusted=80.0, budget_executed=78.0, total_score=95.0,
                  loc=Loc(line_start=1, line_end=len(lines)))


def test_a_report_of_a_project_read_without_its_project_lost_a_field():
    doc = _doc(REPORT)
    lost, whole = _report(REPORT, None), _report(REPORT, "农村公路养护项目")
    e_lost, e_whole = evidence(lost, doc.rows, [lost]), evidence(whole, doc.rows, [whole])
    assert e_lost.meta_missing == e_whole.meta_missing + 1
    (a_lost,), (a_whole,) = assess_filings(doc, [lost]), assess_filings(_doc(REPORT), [whole])
    assert a_lost.conf < a_whole.conf
    # a whole body's report speaks of its projects too, and of its whole spending (整体): no project to read
    dept = [["青山县交通运输局2023年部门整体支出绩效自评报告"],
            ["一、部门整体支出情况。全年预算800万元，其中项目支出300万元。"],
            ["二、自评结论。部门整体支出自评得分95分。"]]
    body = _report(dept, None)
    assert not report_of_project(body, "".join(c.text for r in _doc(dept).rows for c in r.cells))
    assert evidence(body, _doc(dept).rows, [body]).meta_missing == meta_missing(body)
    # a table's project is its own field whatever its text says
    table = _self_eval([(40.0, 40.0)])
    assert not report_of_project(table, "项目")


def test_a_grid_of_one_choice_is_returned_without_fitting_the_inner_folds(monkeypatch):
    def no_fit(*a, **k):
        raise AssertionError("the inner folds were fitted for a grid of one choice")

    monkeypatch.setattr(training, "fit_rows", no_fit)
    assert training.choose_filing_fit([], cs=(100.0,), powers=(3.0,)) == (100.0, 3.0)


def test_a_department_read_as_the_tail_of_its_name_counts_as_a_cut_name_as_the_project_does():
    doc = _doc(REPORT)
    text = "\n".join(" ".join(c.text for c in r.cells) for r in doc.rows)
    whole = _report(REPORT, "农村公路养护项目")
    cut = _report(REPORT, "农村公路养护项目")
    cut.department = "交通运输局"  # the text prints it only after its place: '青山县交通运输局'
    both = _report(REPORT, "公路养护项目")  # and the project after '农村'
    both.department = "交通运输局"
    assert [name_cut(f, text) for f in (whole, cut, both)] == [0, 1, 2]
    (a_whole,), (a_cut,), (a_both,) = (assess_filings(_doc(REPORT), [f]) for f in (whole, cut, both))
    # a cut name is a wrong field: the guarantee holds both cut readings below accept, and the model's own
    # estimate still weighs two cuts below one
    assert a_whole.conf >= ACCEPT > a_cut.conf >= a_both.conf
    assert a_cut.capped_by == a_both.capped_by == "name_cut" and a_cut.model_conf > a_both.model_conf
    # a department the text also prints whole, at the start of a line or after a word that introduces it, is whole
    prose = _doc(REPORT + [["交通运输局对本项目的自评得分95分。"]])
    assert name_cut(cut, "\n".join(" ".join(c.text for c in r.cells) for r in prose.rows)) == 0
