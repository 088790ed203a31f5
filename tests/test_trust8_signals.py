"""Doubts of issue 18 (etl/trust), third round, on invented filings: readings a person would doubt on sight.

- a row name holding an indicator family's name past its head ('满意指度服务对象满意度受益群众满意度',
  '道路养护数量指标里程'): the level cells and the name of a scrambled or glued copy ran together, so the row's
  levels and name are not as printed (row signal name_glued); not so for a satisfaction family's name that ends
  the name ('受益群众服务对象满意度') or a department-framework word in an indicator's own wording ('年度预算执行率');
"""
from __future__ import annotations

from etl.records import Filing, Indicator, Loc
from etl.trust.signals import row_signals


def _target(names: list[str]) -> Filing:
    rows = [Indicator(seq=i, level1="产出指标", level2="数量指标", name=n, target="≥95%",
                      loc=Loc(line_start=i + 4, line_end=i + 4), parse_confidence=1.0)
            for i, n in enumerate(names, start=1)]
    return Filing(doc_kind="project_target", title="青山县2023年农村公路养护项目绩效目标表", department="青山县交通运输局",
                  project="农村公路养护", year=2023, county="青山县", budget_initial=80.0, indicators=rows,
                  loc=Loc(line_start=1, line_end=4 + len(rows)))


def test_a_name_holding_a_family_name_past_its_head_is_glued():
    damaged = _target([
        "满意指度服务对象满意度受益群众满意度",  # a scrambled copy: the level-2 cell ran into the name
        "道路养护数量指标里程",  # a family's name with 指标 inside the name
        "养护路段合格率产出指标",  # and at its end
    ])
    assert [s["name_glued"] for s in row_signals(damaged)] == [1.0, 1.0, 1.0]
    clean = _target([
        "受益群众服务对象满意度",  # a satisfaction family's name ending the name: the indicator's own wording
        "年度预算执行率",  # a department-framework word ('预算执行') inside an indicator's name
        "服务对象满意度",  # the family's name alone is a generic name (name_generic), not a run-on
        "养护路段合格率",
    ])
    assert [s["name_glued"] for s in row_signals(clean)] == [0.0, 0.0, 0.0, 0.0]
