"""Doubts of issue 18 (etl/trust), fourth round, on invented filings.

- a row read without a level-2 family ('数量指标', '社会效益指标'): the level cell was cut off, glued into the name
  or taken by another row, so the row's levels are not as printed (row signal no_level2); a row with its level-2,
  whatever its level-1, is not so doubted;
- a row whose name is worded as an explanation ('反映…情况'): the 指标解释 cell read as the name (name_generic), not
  a name that only begins with such a word ('反映问题办结率');
- a row whose target or actual is a word of the 指标值确定依据 column ('计划标准'): the basis cell read as a value, the
  row's values one column off (value_odd); such a word as the name is no indicator's name (name_generic).
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


def test_a_name_worded_as_an_explanation_is_no_indicators_name():
    f = _target([
        ("产出指标", "时效指标", "反映项目完成时限情况"),  # the explanation column read as the name
        ("产出指标", "质量指标", "反映问题办结率"),  # an indicator's own name that begins with 反映
        ("产出指标", "数量指标", "养护农村公路里程"),
        ("产出指标", "质量指标", "行业标准"),  # the basis column read as the name
    ])
    assert [s["name_generic"] for s in row_signals(f)] == [1.0, 0.0, 0.0, 1.0]


def test_a_value_that_is_a_basis_word_stands_a_column_off():
    f = _target([("产出指标", "数量指标", "养护农村公路里程"), ("产出指标", "质量指标", "养护路段合格率"),
                 ("效益指标", "社会效益指标", "群众出行便利度")])
    f.indicators[0].target = "计划标准"  # the 指标值确定依据 cell read as the target
    f.indicators[1].target = "≥95%"
    f.indicators[2].target = "明显改善"  # a worded target is a value
    assert [s["value_odd"] for s in row_signals(f)] == [1.0, 0.0, 0.0]
