"""Doubts of issue 18 (etl/trust), fifth round (helper trust11), on invented filings.

- a row whose name is the 指标解释 cell worded after naming the indicator ('该指标主要考察…情况'): the explanation read
  as the name (name_generic), as one that opens with the cue itself ('反映…情况');
- a row whose target or actual is worded as a scoring rule ('未达指标值酌情扣分'): the 评分标准 cell read as the value,
  the row's cells a column off (value_odd); a worded target that states no rule is a value;
- a row whose name ends with its own target or actual ('…查找检阅独有数据资源查询' of a target '独有数据资源查询'): the
  value's cell ran into the name when cells were joined (name_glued); a name that opens with its value ('≥360天服务
  读者') is a template's wording;
- a self-evaluation whose money block prints its rate as 支出实现率 and is read without any 执行率: a money field the
  source names left empty (money_missing), as one worded 执行率;
- a project table whose 项目名称 key is printed blank (the next cell, of its row or the next, is another key): there is
  no project to read, so a reading without one lost none (project_unread, and its guarantee, do not hold it).
"""
from __future__ import annotations

from etl.records import Cell, Filing, Indicator, Loc, Row
from etl.trust.combine import shipped_model
from etl.trust.signals import money_missing, project_blank, project_unread, row_signals


def _target(rows: list[tuple[str, str | None, str | None]], kind: str = "project_target") -> Filing:
    """A table of `kind` holding the rows (name, target, actual); a self-evaluation's rows score 10 of 10."""
    scored = kind.endswith("self_eval")
    inds = [Indicator(seq=i, level1="产出指标", level2="数量指标", name=n, target=t, actual=a,
                      weight=10.0 if scored else None, score=10.0 if scored else None,
                      loc=Loc(line_start=i + 4, line_end=i + 4), parse_confidence=1.0)
            for i, (n, t, a) in enumerate(rows, start=1)]
    return Filing(doc_kind=kind, title="青山县2023年农村公路养护项目绩效目标表", department="青山县交通运输局",
                  project="农村公路养护", year=2023, county="青山县", budget_initial=80.0, indicators=inds,
                  loc=Loc(line_start=1, line_end=4 + len(inds)))


def test_an_explanation_worded_after_naming_the_indicator_is_no_name():
    f = _target([
        ("该指标主要考察养护路段完成情况", "≥95%", None),  # the 指标解释 cell read as the name
        ("本指标考察群众出行便利情况", "明显改善", None),
        ("该项目养护路段合格率", "≥95%", None),  # a name that only opens like one
        ("养护农村公路里程", "≥120公里", None),
    ])
    assert [s["name_generic"] for s in row_signals(f)] == [1.0, 1.0, 0.0, 0.0]


def test_a_value_worded_as_a_scoring_rule_stands_a_column_off():
    f = _target([
        ("养护农村公路里程", "未达指标值酌情扣分", None),  # the 评分标准 cell read as the target
        ("养护路段合格率", "≥95%", "每少1个百分点扣1分"),  # … as the actual
        ("群众出行便利度", "明显改善", "明显改善"),  # a worded value
        ("养护工作完成及时率", "按时完成", "按时完成"),
    ], kind="project_self_eval")
    assert [s["value_odd"] for s in row_signals(f)] == [1.0, 1.0, 0.0, 0.0]


def test_a_name_ending_with_its_own_value_ran_into_it():
    f = _target([
        ("方便群众查询路况信息实时发布路况信息", "实时发布路况信息", None),  # the target's cell joined to the name
        ("群众满意度明显提高", "明显", "明显提高"),  # … the actual's
        ("≥120公里养护里程", "≥120公里", "120公里"),  # a name that opens with its value is the template's wording
        ("养护农村公路里程", "≥120公里", "120公里"),
    ], kind="project_self_eval")
    assert [s["name_glued"] for s in row_signals(f)] == [1.0, 1.0, 0.0, 0.0]


def test_the_shipped_row_model_trusts_such_rows_less():
    f = _target([("养护农村公路里程", "≥120公里", None), ("养护农村公路里程", "未达指标值酌情扣分", None),
                 ("该指标主要考察养护里程完成情况", "≥120公里", None)])
    whole, rule, explained = row_signals(f)
    model = shipped_model()
    assert model.row(rule) < model.row(whole) and model.row(explained) < model.row(whole)


def _self_eval(rate: float | None) -> Filing:
    return Filing(doc_kind="dept_self_eval", title="青山县地震局2022年部门整体支出绩效自评表", department="青山县地震局",
                  year=2022, county="青山县", budget_adjusted=188.6, budget_executed=188.4, exec_rate_reported=rate,
                  total_score=95.0, loc=Loc(line_start=1, line_end=12))


def test_a_rate_printed_as_zhichu_shixianlv_is_a_money_field_the_source_names():
    text = "资金结构预算安排小计年度拨付金额支出实现率(%)⑤=④/③财政资金小计130.5458.07188.61188.4599.92"
    assert money_missing(_self_eval(None), text) == 1
    assert money_missing(_self_eval(0.9992), text) == 0
    assert money_missing(_self_eval(None), "资金结构预算安排小计年度拨付金额188.61188.45") == 0


def _rows(*lines: list[str]) -> list[Row]:
    return [Row([Cell(t) for t in cells], loc=Loc(line_start=n, line_end=n)) for n, cells in enumerate(lines, start=1)]


def test_a_project_key_printed_blank_leaves_no_project_to_read():
    blank = _rows(["绩效目标表"], ["单位信息:", "001-青山县市场监督管理局机关", "项目名称:"],
                  ["主管部门:", "001-青山县市场监督管理局"], ["一级指标", "二级指标", "三级指标", "指标值"])
    f = Filing(doc_kind="project_target", title="绩效目标表", department="青山县市场监督管理局", year=2023,
               county="青山县", budget_initial=10.0, loc=Loc(line_start=1, line_end=4))
    assert project_blank(blank) and project_unread(f, "", blank) == 0
    # the key's value in the next cell, of its row or (one cell a line) of the next row: a project the reading lost
    beside = _rows(["项目名称:", "食品安全抽检", "主管部门:", "青山县市场监督管理局"])
    below = _rows(["项目名称"], ["食品安全抽检"], ["主管部门"], ["青山县市场监督管理局"])
    for rows in (beside, below):
        assert not project_blank(rows) and project_unread(f, "", rows) == 1
    # a list table's header ('项目名称 | 预算数 | …') is no blank key
    assert not project_blank(_rows(["单位名称", "项目名称", "预算数", "年度目标"]))
    # without the source rows the template's 项目名称 is taken as printed
    assert project_unread(f, "") == 1
