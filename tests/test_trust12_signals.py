"""Doubts of issue 18 (etl/trust), sixth round (helper trust12), on invented filings.

- a guarantee that names fields read wrong (a name cut from the one the source prints, a project lost) leaves at most
  the share of the filing's other fields: a report of six fields with its project lost is at most 5/6 right, below
  the cap a table of many rows is held at;
"""
from __future__ import annotations

import pytest

from etl.check import load_settings
from etl.records import Cell, Document, Filing, Indicator, Loc, Row
from etl.trust import assess_filings, held, lost_fields
from etl.trust.signals import evidence

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
