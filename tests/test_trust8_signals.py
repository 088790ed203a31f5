"""Doubts of issue 18 (etl/trust), third round, on invented filings: readings a person would doubt on sight.

- a row name holding an indicator family's name past its head ('满意指度服务对象满意度受益群众满意度',
  '道路养护数量指标里程'): the level cells and the name of a scrambled or glued copy ran together, so the row's
  levels and name are not as printed (row signal name_glued); not so for a satisfaction family's name that ends
  the name ('受益群众服务对象满意度') or a department-framework word in an indicator's own wording ('年度预算执行率');
"""
from __future__ import annotations

from etl.records import Cell, Document, Filing, Indicator, Loc, Row
from etl.trust.signals import arithmetic_doubt, evidence, filing_rows, filing_signals, row_signals, sample_page


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


def _doc(lines: list[str]) -> Document:
    rows = [Row([Cell(t, Loc(line_start=i + 1, line_end=i + 1))], Loc(line_start=i + 1, line_end=i + 1))
            for i, t in enumerate(lines)]
    return Document("报告.txt", "txt", rows, layout="flattened")


REPORT = [
    "青山县交通运输局2023年农村公路养护项目绩效自评报告",
    "一、项目基本情况",
    "项目名称：农村公路养护。2023年全年预算80万元，执行78万元，执行率97.5%。",
    "二、绩效目标完成情况",
    "全年养护农村公路126公里，群众满意度95%。自评得分95分。",
]


def _report() -> Filing:
    return Filing(doc_kind="self_eval_report", title=REPORT[0], department="青山县交通运输局", project="农村公路养护",
                  year=2023, county="青山县", budget_adjusted=80.0, budget_executed=78.0, exec_rate_reported=0.975,
                  total_score=95.0, loc=Loc(line_start=1, line_end=len(REPORT)))


def test_a_sample_writing_sites_page_gathering_several_texts_is_a_doubt():
    # a page of a site that gathers sample texts: its preamble says so (simplified or traditional script)
    page = ["农村公路养护绩效评价报告(通用3篇)",
            "以下是小编为大家收集整理的农村公路养护绩效评价报告，仅供参考，希望能够帮助到大家。", *REPORT]
    trad = ["下面是小編幫大家整理的農村公路養護績效評價報告", *REPORT]
    for lines in (page, trad):
        doc = _doc(lines)
        f = _report()
        assert sample_page(doc.rows) == 1
        e = evidence(f, filing_rows(doc, [f])[0], [f], doc.rows)
        assert e.sample_page == 1 and filing_signals(f, e, [])["sample_page"] == 1.0
    # the body's own report, and one that counts articles or sections ('发表论文3篇'), are no such page
    for lines in (REPORT, [*REPORT, "全年在省级刊物发表论文3篇，编印宣传资料2000份。"]):
        doc = _doc(lines)
        f = _report()
        assert sample_page(doc.rows) == 0
        assert evidence(f, filing_rows(doc, [f])[0], [f], doc.rows).sample_page == 0


def _self_eval(scores: list[float], rate: float = 0.975) -> Filing:
    names = ["养护里程", "养护路段合格率", "群众出行时间缩短率", "沿线群众满意度"]
    weights = [30.0, 20.0, 20.0, 20.0]
    rows = [Indicator(seq=i, level1="产出指标", level2="数量指标", name=n, target="≥95%", actual="96%", weight=w,
                      score=s, loc=Loc(line_start=i + 5, line_end=i + 5), parse_confidence=1.0)
            for i, (n, w, s) in enumerate(zip(names, weights, scores), start=1)]
    return Filing(doc_kind="project_self_eval", title="青山县2023年农村公路养护项目支出绩效自评表",
                  department="青山县交通运输局", project="农村公路养护", year=2023, county="青山县",
                  budget_initial=80.0, budget_adjusted=80.0, budget_executed=78.0, exec_rate_reported=rate,
                  exec_weight=10.0, exec_score=9.75, total_weight=100.0, total_score=sum(scores) + 9.75,
                  indicators=rows, loc=Loc(line_start=1, line_end=5 + len(rows)))


def test_the_arithmetic_doubt_grows_with_the_gap():
    doc = _doc(["青山县2023年农村公路养护项目支出绩效自评表"])

    def doubt_of(f: Filing) -> float:
        return filing_signals(f, evidence(f, doc.rows, [f]), [1.0] * len(f.indicators))["points_gap"]

    whole = _self_eval([30.0, 20.0, 19.0, 18.0])
    slip = _self_eval([30.0, 20.0, 19.0, 18.0])
    slip.total_weight = 90.0  # the filer's total left out the 执行率 line's 10 points: a slip of ten points
    misread = _self_eval([98.0, 75.0, 96.0, 90.0])  # the 得分 column read from the 实际完成值 percentages
    rate_off = _self_eval([30.0, 20.0, 19.0, 18.0], rate=0.0975)  # 执行率 read as 9.75% beside 78 of 80 spent
    assert doubt_of(whole) == 0.0
    assert 0.0 < doubt_of(slip) < doubt_of(misread)
    assert doubt_of(rate_off) > 0.9  # nearly a whole rate off: as deep as a gap of the full mark
    # within the settings' arithmetic_points (a rounded score) there is no doubt
    assert arithmetic_doubt(0.5) == 0.0 and arithmetic_doubt(100.0) == 1.0
