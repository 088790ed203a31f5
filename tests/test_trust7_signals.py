"""Doubts of issue 18 (etl/trust), second round, on invented filings: readings a person would doubt on sight.

- a target table read with an 实际完成值 or a 得分 on a row: the template prints neither, so the row took cells of
  another part, and the reading is held below accept (guarantee `not_printed`);
- a project table (target or self-evaluation) read without its project: the template prints 项目名称 first, so the
  reading lost a field it had (guarantee `project_unread`), and a report that presents its project under a heading
  of its own ('一、项目基本情况') read without a project (same guarantee);
- a row name that ends with the header of a value column ('…讲座分值'): the header ran into the rows, the cells
  stand a column off (row signal name_glued);
- a 执行率 stated beside spending above a budget (A) of 0: no share of nothing is spent, the 0 was another cell
  (the arithmetic guarantee, money_gap);
- not a doubt: a department printed right after a year ('2023年某县交通运输局…报告') stands whole there, as no
  department's name begins with a year (name_cut no longer counts it as cut);
- not a doubt: a title of kind words alone ('部门评价报告', without 绩效) names no one the reading could lack
  (title_unread);
- not as deep a doubt: a table read with no rows whose source shows none either (an excerpt that stops before its
  table) is held just below accept ([parse] rowless_cap), above the readings a guarantee finds a field wrong in;
"""
from __future__ import annotations

import pytest

from etl.check import load_settings
from etl.records import Cell, Document, Filing, Indicator, Loc, Row
from etl.trust import assess_filings
from etl.trust.signals import evidence, money_gap, name_cut, row_signals, title_unread

ACCEPT = load_settings().accept_confidence


def _doc(lines: list[list[str]]) -> Document:
    rows = [Row([Cell(t, Loc(line_start=i + 1, line_end=i + 1, col=k + 1)) for k, t in enumerate(cells)],
                Loc(line_start=i + 1, line_end=i + 1), table=0) for i, cells in enumerate(lines)]
    return Document("表.txt", "txt", rows, layout="tabbed")


TARGET = [
    ["青山县2023年农村公路养护项目绩效目标表"],
    ["项目名称", "农村公路养护", "主管部门", "青山县交通运输局"],
    ["资金总额", "80"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "养护里程", "≥120公里"],
    ["产出指标", "质量指标", "养护路段合格率", "≥95%"],
    ["效益指标", "社会效益指标", "群众出行时间缩短率", "≥10%"],
    ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"],
]


def _target(lines: list[list[str]] = TARGET) -> Filing:
    rows = [Indicator(seq=i, level1=c[0], level2=c[1], name=c[2], target=c[3],
                      loc=Loc(line_start=i + 4, line_end=i + 4), parse_confidence=1.0)
            for i, c in enumerate(lines[4:], start=1)]
    return Filing(doc_kind="project_target", title=lines[0][0], department="青山县交通运输局",
                  project="农村公路养护", year=2023, province="湖南省", city="株洲市", county="青山县",
                  budget_initial=80.0, indicators=rows, loc=Loc(line_start=1, line_end=len(lines)))


def test_a_target_table_read_with_an_actual_or_a_score_is_held_below_accept():
    doc = _doc(TARGET)
    whole = _target()
    scored = _target()
    # the last row took the cells of a self-evaluation printed beside the target table: a value done and its score
    scored.indicators[-1].actual, scored.indicators[-1].weight, scored.indicators[-1].score = "96%", 10.0, 10.0
    assert evidence(whole, doc.rows, [whole]).not_printed == 0
    assert evidence(scored, doc.rows, [scored]).not_printed == 1
    (a_whole,), (a_scored,) = assess_filings(doc, [whole]), assess_filings(_doc(TARGET), [scored])
    assert a_whole.capped_by is None and a_scored.capped_by == "not_printed"
    assert a_scored.conf < ACCEPT and a_scored.conf < a_whole.conf
    # a 分值 alone is printed by some target templates (the weight of each indicator): no doubt
    weighted = _target()
    for ind in weighted.indicators:
        ind.weight = 25.0
    assert evidence(weighted, doc.rows, [weighted]).not_printed == 0
    # a self-evaluation holds both, of course
    own = _target()
    own.doc_kind = "project_self_eval"
    own.indicators[-1].actual, own.indicators[-1].score = "96%", 10.0
    assert evidence(own, doc.rows, [own]).not_printed == 0


def test_a_project_table_read_without_its_project_is_held_below_accept():
    doc = _doc(TARGET)
    whole, lost = _target(), _target()
    lost.project = None  # the 项目名称 line printed, its value not read
    assert (evidence(whole, doc.rows, [whole]).project_unread, evidence(lost, doc.rows, [lost]).project_unread) == (0, 1)
    (a_whole,), (a_lost,) = assess_filings(doc, [whole]), assess_filings(_doc(TARGET), [lost])
    assert a_whole.capped_by is None and a_lost.capped_by == "project_unread"
    assert a_lost.conf < ACCEPT and a_lost.conf < a_whole.conf
    # a department's table has no project to read
    dept = _target()
    dept.doc_kind, dept.project = "dept_target", None
    assert evidence(dept, doc.rows, [dept]).project_unread == 0


def test_a_name_ending_with_the_header_of_a_value_column_is_glued():
    f = _target()
    f.indicators[0].name = "养护里程指标值"  # the header row's cells ran into the first row's name
    f.indicators[2].name = "群众出行时间缩短率分值"
    f.indicators[3].name = "沿线群众满意度得分率"  # a header word inside a name, not at its end, is the name's own
    assert [s["name_glued"] for s in row_signals(f)] == [1.0, 0.0, 1.0, 0.0]
    # a header alone is a generic name, not a glued one
    f.indicators[1].name = "指标值"
    assert row_signals(f)[1]["name_glued"] == 0.0


SELF_EVAL = [
    ["青山县2023年农村公路养护项目支出绩效自评表"],
    ["项目名称", "农村公路养护", "主管部门", "青山县交通运输局"],
    ["年度资金总额", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "0", "80", "78", "10", "97.5%", "9.75"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "养护里程", "≥120公里", "126公里", "40", "40"],
    ["效益指标", "社会效益指标", "群众出行时间缩短率", "≥10%", "12%", "30", "30"],
    ["满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "95%", "20", "19"],
]


def _self_eval(adjusted: float | None, executed: float | None, rate: float | None) -> Filing:
    rows = [Indicator(seq=i, level1=c[0], level2=c[1], name=c[2], target=c[3], actual=c[4], weight=float(c[5]),
                      score=float(c[6]), loc=Loc(line_start=i + 5, line_end=i + 5), parse_confidence=1.0)
            for i, c in enumerate(SELF_EVAL[5:], start=1)]
    return Filing(doc_kind="project_self_eval", title=SELF_EVAL[0][0], department="青山县交通运输局",
                  project="农村公路养护", year=2023, province="湖南省", city="株洲市", county="青山县",
                  budget_initial=0.0, budget_adjusted=adjusted, budget_executed=executed, exec_rate_reported=rate,
                  exec_weight=10.0, exec_score=9.75, indicators=rows, loc=Loc(line_start=1, line_end=len(SELF_EVAL)))


def test_a_rate_stated_beside_spending_above_a_budget_of_nothing_is_an_arithmetic_failure():
    right = _self_eval(80.0, 78.0, 0.975)
    zero = _self_eval(0.0, 78.0, 0.975)  # the 年初预算数 0 printed beside the block read as 全年预算数 (A)
    assert money_gap(right) == pytest.approx(0.0) and money_gap(zero) == pytest.approx(97.5)
    (a_right,), (a_zero,) = assess_filings(_doc(SELF_EVAL), [right]), assess_filings(_doc(SELF_EVAL), [zero])
    assert a_right.capped_by is None and a_zero.capped_by == "arithmetic"
    assert a_zero.conf < ACCEPT and a_zero.conf < a_right.conf
    # a budget of 0 with nothing spent, or no rate stated, states nothing that fails
    assert money_gap(_self_eval(0.0, 0.0, 0.0)) == 0.0 and money_gap(_self_eval(0.0, 78.0, None)) == 0.0


def test_a_department_printed_right_after_a_year_stands_whole_there():
    # a report's title prints the year before its department ('2023年青山县交通运输局…'): the department is whole,
    # where a project's name keeps a leading year as its own (labels: '2021年中央动物防疫等补助经费项目')
    dated = "2023年青山县交通运输局部门整体支出绩效自评报告\n一、2023 年度青山县交通运输局全年预算800万元。"
    f = Filing(doc_kind="self_eval_report", department="青山县交通运输局", project=None)
    assert name_cut(f, dated) == 0
    # the same department after its province's name is still read cut
    placed = "湖南省青山县交通运输局部门整体支出绩效自评报告"
    assert name_cut(f, placed) == 1
    # a project printed only after the year is still read cut off that year
    p = Filing(doc_kind="self_eval_report", department=None, project="农村公路养护工程")
    assert name_cut(p, "2023年农村公路养护工程绩效自评报告") == 1


def test_a_report_that_presents_its_project_under_its_own_heading_read_without_it_is_held_below_accept():
    lines = [["青山县交通运输局绩效自评报告"],
             ["一、项目基本情况"],
             ["农村公路养护工程全长126公里，全年预算80万元，实际支出78万元。"],
             ["二、自评结论。自评得分95分。"]]

    def report(project: str | None) -> Filing:
        return Filing(doc_kind="self_eval_report", title=lines[0][0], department="青山县交通运输局", project=project,
                      year=2023, county="青山县", budget_adjusted=80.0, budget_executed=78.0, total_score=95.0,
                      loc=Loc(line_start=1, line_end=len(lines)))

    (a_whole,), (a_lost,) = (assess_filings(_doc(lines), [report(p)]) for p in ("农村公路养护工程", None))
    assert a_whole.evidence.project_unread == 0 and a_lost.evidence.project_unread == 1
    assert a_lost.capped_by == "project_unread" and a_lost.conf < ACCEPT and a_lost.conf < a_whole.conf
    # a whole body's report presents the body, not a project: no project to read
    body = [["青山县交通运输局2023年部门整体支出绩效自评报告"],
            ["一、部门基本情况"],
            ["全年预算800万元，其中项目支出300万元。"],
            ["二、自评结论。自评得分95分。"]]
    f = report(None)
    f.title = body[0][0]
    (a_body,) = assess_filings(_doc(body), [f])
    assert a_body.evidence.project_unread == 0 and a_body.capped_by != "project_unread"


def test_a_title_of_kind_words_alone_names_no_one_the_reading_could_lack():
    # '部门评价报告' (no 绩效) says what the page is, not whose: it names no department or project to read
    bare = Filing(doc_kind="self_eval_report", title="部门评价报告", department=None, project="专项工作经费")
    assert title_unread(bare) == 0.0
    # a title that names its department still asks for it, with or without 绩效
    named = Filing(doc_kind="self_eval_report", title="青山县交通运输局评价报告", department=None, project=None)
    assert title_unread(named) == 1.0
    named.department, named.county = "青山县交通运输局", "青山县"
    assert title_unread(named) == 0.0


def test_a_table_read_with_no_rows_where_the_source_shows_none_is_held_just_below_accept():
    # an excerpt that stops after the target table's money line: no indicator row, family or marker in the source
    cut_short = TARGET[:3]
    empty = _target(cut_short)
    (a_short,) = assess_filings(_doc(cut_short), [empty])
    assert a_short.evidence.rows_expected == 0 and a_short.capped_by == "rowless"
    assert a_short.conf <= load_settings().rowless_cap < ACCEPT
    # the whole table in the source and no row of it read: a part not read, held at the doubt cap, lower
    lost = _target(TARGET[:3])
    lost.loc = Loc(line_start=1, line_end=len(TARGET))
    (a_lost,) = assess_filings(_doc(TARGET), [lost])
    assert a_lost.evidence.rows_expected > 0 and a_lost.capped_by == "zero_rows"
    assert a_lost.conf <= load_settings().doubt_cap < load_settings().rowless_cap
    assert a_lost.conf < a_short.conf


def test_a_family_word_inside_a_read_level2_is_no_family_left_unread():
    # '可持续影响指标' is a level-2 of 效益指标; the 影响指标 inside it is not a level-1 family the reading missed
    from etl.trust.signals import level1_unread

    f = Filing(doc_kind="project_self_eval", indicators=[
        Indicator(seq=1, level1="产出指标", level2="数量指标", name="养护里程", target="≥120公里"),
        Indicator(seq=2, level1="效益指标", level2="可持续影响指标", name="道路使用年限", target="≥10年"),
    ])
    text = "产出指标数量指标养护里程≥120公里效益指标可持续影响指标道路使用年限≥10年"
    assert level1_unread(f, text) == 0
    # a family the text names and no row belongs to is still counted
    assert level1_unread(f, text + "满意度指标服务对象满意度指标群众满意度≥90%") == 1


def test_the_about_a_title_opens_with_names_no_one():
    # '关于2023年度…项目绩效自评报告': 关于 is how the title opens, no name the reading lost
    f = Filing(doc_kind="self_eval_report", title="关于2023年度农村环境整治项目绩效自评报告", project="农村环境整治项目")
    assert title_unread(f) == 0
    assert title_unread(Filing(doc_kind="self_eval_report", title="关于2023年度农村环境整治项目绩效自评报告")) == 1
