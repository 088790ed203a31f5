"""Doubts of issue 18 (etl/trust), sixth round (helper trust12), on invented filings.

- a guarantee that names fields read wrong (a name cut from the one the source prints, a project lost) leaves at most
  the share of the filing's other fields: a report of six fields with its project lost is at most 5/6 right, below
  the cap a table of many rows is held at;
- a row whose name is a clause of a sentence the source prints whole in one cell (it opens with the punctuation that
  ended the clause before, or the source prints a clause's punctuation and more words right after it, or a clause's
  punctuation right before it, at every place it prints it): the reading cut a cell of prose at its commas
  (name_glued), and the name is wrong as read (guarantee names_split). Of the labelled files the guarantee holds one
  that no other guarantee held (dev5 dept5_16);
- a table read without rows whose source lists lines that read as indicator rows written out in prose (an enumerator
  and a measure: '1.群众满意度≥95%'): rows the reading lost, held as a table read without the rows its source shows
  (zero_rows), not as an excerpt that stops before its table (rowless, just below accept);
- a self-evaluation row read without a reason whose own line ends, after its scores, with a cell of words none of its
  fields holds, under a source that heads a reason column ('未完成原因'): the reason column left unread, a field wrong
  as read in each such row (guarantee reason_unread). Of the labelled files it fires on one only (dev5 dept5_09).
"""
from __future__ import annotations

import pytest

from etl.check import load_settings
from etl.records import Cell, Document, Filing, Indicator, Loc, Row
from etl.trust import assess_filings, held, lost_fields
from etl.trust.signals import evidence, reason_unread, row_signals

CAP = load_settings().doubt_cap


def _doc(lines: list[list[str]]) -> Document:
    """A text document: each line a row of cells."""
    return Document(name="invented.txt", fmt="txt",
                    rows=[Row(cells=[Cell(text=t, loc=Loc(line_start=i, line_end=i)) for t in cells],
                              loc=Loc(line_start=i, line_end=i))
                          for i, cells in enumerate(lines, start=1)])


REPORT = [["青山县交通运输局2023年农村公路养护项目绩效自评报告"],
          ["一、项目基本情况"],
          ["项目名称：农村公路养护项目。主管部门：青山县交通运输局。"],
          ["全年预算80万元，实际支出80万元，执行率100%。经自评，本项目自评得分95分。"]]


def _report(project: str | None) -> Filing:
    return Filing(doc_kind="self_eval_report", title=REPORT[0][0], department="青山县交通运输局", project=project,
                  year=2023, county="青山县", budget_adjusted=80.0, budget_executed=80.0, exec_rate_reported=1.0,
                  total_score=95.0, loc=Loc(line_start=1, line_end=len(REPORT)))


def test_a_guarantee_naming_a_lost_field_leaves_at_most_the_share_of_the_other_fields():
    (whole,), (lost,) = (assess_filings(_doc(REPORT), [_report(p)]) for p in ("农村公路养护项目", None))
    assert whole.capped_by is None
    assert lost.capped_by == "project_unread" and lost_fields("project_unread", lost.evidence) == 1
    # six fields (kind, department, project, year, money, score): one of them lost leaves at most five right
    assert lost.conf <= 1 - 1 / lost.evidence.fields < CAP
    # a table of many rows with one name lost is held at the cap, its other fields being nearly all of them
    e = evidence(Filing(doc_kind="project_target", indicators=[Indicator(seq=i, name=f"指标{i}") for i in range(10)]), [])
    e.project_unread = 1
    assert held(0.99, "project_unread", CAP, e) == pytest.approx(CAP)
    # a guarantee that counts no field (the arithmetic does not add up) is held at the cap alone
    assert lost_fields("arithmetic", e) == 0 and held(0.99, "arithmetic", CAP, lost.evidence) == CAP


def test_a_name_cut_from_a_sentence_at_its_punctuation_is_not_as_printed():
    lines = [["某县实验中学部门整体支出绩效目标表"],
             ["一级指标", "二级指标", "三级指标", "指标值"],
             ["效益指标", "社会效益指标:完成学历教育,收支平衡,确保全年未发生安全事故,校园稳定。"],
             ["满意度指标", "服务对象满意度指标", "家长满意度", "≥95%"],
             ["产出指标", "质量指标", "网络全覆盖,绿色环保", "良好"],
             ["年度目标:开展课后服务,提升家长满意度。"]]
    rows = [("完成学历教育,收支平衡", None),  # the sentence cut at a comma: the first clause …
            ("确保全年未发生安全事故,校园稳定", None),  # … the next one (its comma before it)
            (",校园稳定", None),  # a name opening with the comma that ended the clause before
            ("家长满意度", "≥95%"),  # a cell of its own, though the prose prints it inside a sentence too
            ("网络全覆盖,绿色环保", "良好")]  # a name holding a comma, printed whole in its cell
    f = Filing(doc_kind="dept_target", department="某县实验中学", year=2023, loc=Loc(line_start=1, line_end=len(lines)),
               indicators=[Indicator(seq=i, level1="效益指标", level2="社会效益指标", name=n, target=t,
                                     loc=Loc(line_start=3, line_end=3)) for i, (n, t) in enumerate(rows, start=1)])
    doc = _doc(lines)
    assert [s["name_glued"] for s in row_signals(f, doc.rows)] == [1.0, 1.0, 1.0, 0.0, 0.0]
    # without the source, nothing is compared
    assert [s["name_glued"] for s in row_signals(f)] == [0.0, 0.0, 1.0, 0.0, 0.0]
    # each such name is wrong as read: the reading is held as one with three fields wrong (names_split)
    (a,) = assess_filings(doc, [f])
    assert (a.capped_by, a.evidence.names_split) == ("names_split", 3) and a.conf <= CAP
    whole = Filing(doc_kind="dept_target", department="某县实验中学", year=2023, loc=f.loc, indicators=f.indicators[3:])
    assert assess_filings(doc, [whole])[0].evidence.names_split == 0


def test_a_table_read_without_rows_whose_source_lists_indicator_lines_lost_them():
    head = [["青山县2023年农村公路养护项目绩效目标表"], ["项目名称", "农村公路养护"], ["主管部门", "青山县交通运输局"],
            ["资金总额", "80万元"]]
    listed = [["年度绩效目标:"], ["1.养护农村公路里程≥120公里"], ["(2)养护路段合格率不低于95%"], ["三、群众满意度≥90%"],
              ["2023年3月1日起实施。"]]

    def target(lines):
        return Filing(doc_kind="project_target", title=head[0][0], department="青山县交通运输局", project="农村公路养护",
                      year=2023, county="青山县", budget_initial=80.0, loc=Loc(line_start=1, line_end=len(lines)))

    (cut,), (lost,) = (assess_filings(_doc(lines), [target(lines)]) for lines in (head, head + listed))
    assert (cut.capped_by, cut.evidence.rows_expected) == ("rowless", 0)
    assert (lost.capped_by, lost.evidence.rows_expected) == ("zero_rows", 3)
    assert lost.conf <= CAP < cut.conf < load_settings().accept_confidence
    # prose that numbers its points without a measure ('1.加强道路养护管理') lists no indicator rows
    prose = head + [["1.加强道路养护管理"], ["2.提升群众出行满意度"]]
    assert assess_filings(_doc(prose), [target(prose)])[0].capped_by == "rowless"


def test_a_reason_column_left_unread_is_a_field_wrong_in_each_row_that_prints_one():
    lines = [["某市地震局2023年部门整体支出绩效自评表"],
             ["一级指标", "二级指标", "三级指标", "目标值", "完成值", "分值", "得分", "未完成原因"],
             ["产出指标", "数量指标", "监测台站巡检个数", "12个", "10个", "10", "8", "两个台站道路中断"],
             ["产出指标", "数量指标", "科普宣传活动场数", "10场", "11场", "10", "10", ""],
             ["产出指标", "质量指标", "设备完好率", "≥95%", "90%", "10", "9", "部分设备老化"]]
    rows = [("数量指标", "监测台站巡检个数", "12个", "10个", 8.0, None),  # its reason cell left unread
            ("数量指标", "科普宣传活动场数", "10场", "11场", 10.0, None),  # nothing printed under the reason
            ("质量指标", "设备完好率", "≥95%", "90%", 9.0, "部分设备老化")]  # read

    def filing(read: list, doc_lines: list) -> Filing:
        inds = [Indicator(seq=i, level1="产出指标", level2=l2, name=n, target=t, actual=a, weight=10.0, score=sc,
                          reason=why, loc=Loc(line_start=i + 2, line_end=i + 2), parse_confidence=1.0)
                for i, (l2, n, t, a, sc, why) in enumerate(read, start=1)]
        return Filing(doc_kind="dept_self_eval", title=doc_lines[0][0], department="某市地震局", year=2023, city="某市",
                      budget_adjusted=100.0, budget_executed=99.0, exec_rate_reported=0.99, total_score=None,
                      indicators=inds, loc=Loc(line_start=1, line_end=len(doc_lines)))

    doc = _doc(lines)
    assert reason_unread(filing(rows, lines), doc.rows) == 1
    (a,) = assess_filings(doc, [filing(rows, lines)])
    assert a.capped_by == "reason_unread" and a.conf <= CAP
    # every reason read: nothing lost
    whole = [r[:5] + ("两个台站道路中断",) if k == 0 else r for k, r in enumerate(rows)]
    assert reason_unread(filing(whole, lines), doc.rows) == 0
    # a source that heads no reason column (the last cell is another column's, e.g. 备注) is not held so
    plain = [lines[0], lines[1][:-1] + ["备注"], *lines[2:]]
    assert reason_unread(filing(rows, plain), _doc(plain).rows) == 0
    # nor a row read from a line it shares with another row (a flattened copy's line holds several)
    shared = filing(rows, lines)
    for ind in shared.indicators:
        ind.loc = Loc(line_start=3, line_end=5)
    assert reason_unread(shared, doc.rows) == 0
