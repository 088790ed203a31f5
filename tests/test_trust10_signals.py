"""Doubts of issue 18 (etl/trust), fourth round, on invented filings.

- a row read without a level-2 family ('数量指标', '社会效益指标'): the level cell was cut off, glued into the name
  or taken by another row, so the row's levels are not as printed (row signal no_level2); a row with its level-2,
  whatever its level-1, is not so doubted.
"""
from __future__ import annotations

from etl.records import Filing, Indicator, Loc
from etl.trust.combine import shipped_model
from etl.trust.signals import row_signals


def _target(rows: list[tuple[str | None, str | None, str]]) -> Filing:
    inds = [Indicator(seq=i, level1=l1, level2=l2, name=n, target="≥95%", loc=Loc(line_start=i + 4, line_end=i + 4),
                      parse_confidence=1.0)
            for i, (l1, l2, n) in enumerate(rows, start=1)]
    return Filing(doc_kind="project_target", title="青山县2023年农村公路养护项目绩效目标表", department="青山县交通运输局",
                  project="农村公路养护", year=2023, county="青山县", budget_initial=80.0, indicators=inds,
                  loc=Loc(line_start=1, line_end=4 + len(inds)))


def test_a_row_without_its_level2_family_is_doubted():
    f = _target([
        ("产出指标", "数量指标", "养护农村公路里程"),
        ("产出指标", None, "养护路段合格率"),  # the level-2 cell lost (glued into the row before, cut off)
        (None, None, "群众满意度"),  # neither level read
        (None, "社会效益指标", "群众出行便利度"),  # a level-2 read, its level-1 not
    ])
    assert [s["no_level2"] for s in row_signals(f)] == [0.0, 1.0, 1.0, 0.0]


def test_the_shipped_row_model_trusts_a_row_without_its_level2_less():
    whole, cut = row_signals(_target([("产出指标", "数量指标", "养护农村公路里程"), ("产出指标", None, "养护农村公路里程")]))
    model = shipped_model()
    assert model.row(cut) < model.row(whole)
