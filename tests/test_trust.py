"""parse_confidence from evidence (etl/trust): the guarantees, rows, the model file, the refit.

All filings here are invented: a self-evaluation whose scores add up or do not, a target page with no table,
a target table read with no rows, rows whose names are level words read twice.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from etl.eval.floors import corpus
from etl.eval.score import load_labels

from etl.check import load_settings, run_checks
from etl.per_file import analyse
from etl.read import read_bytes
from etl.records import Document, Filing, Indicator, Loc, Row, Cell
from etl.trust import FAILED_NOTE, assess, assess_filings
from etl.train.confidence import FILING_CS, FILING_POWERS, Label, Part, SourceFile, choose_filing_fit, fit, fold_models
from etl.trust.combine import MODEL_FILE, Logistic, Model, StaleModel, read_model, shipped_model
from etl.trust.signals import FILING_SIGNALS, ROW_SIGNALS, evidence, filing_rows, filing_signals, row_signals
from tests.conftest import ROOT

ACCEPT = load_settings().accept_confidence

SELF_EVAL = """攸县文化旅游广电体育局2023年度群众文化活动经费项目支出绩效自评表
项目名称\t群众文化活动经费\t主管部门\t攸县文化旅游广电体育局
实施单位\t攸县文化馆
项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
年度资金总额\t50\t50\t48\t10\t96%\t9.6
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标\t数量指标\t举办文艺演出场次\t≥20场\t22场\t20\t20\t
\t质量指标\t演出合格率\t100%\t100%\t15\t15\t
\t时效指标\t活动按时完成率\t≥95%\t100%\t15\t15\t
效益指标\t社会效益指标\t群众参与人次\t≥5000人次\t6200人次\t30\t30\t
满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t93%\t10\t10\t
总分\t100\t{total}\t
"""


def _one(text: str, name: str = "自评表.txt"):
    lf = analyse(text.encode("utf-8"), name)
    assert len(lf.filings) == 1
    return lf.filings[0]


def test_a_self_evaluation_whose_scores_do_not_add_up_is_not_accepted():
    right = _one(SELF_EVAL.format(total="99.6"))
    wrong = _one(SELF_EVAL.format(total="94.6"))  # the rows and the budget line add up to 99.6
    assert len(right.indicators) == len(wrong.indicators) == 5
    assert wrong.parse_confidence < ACCEPT
    assert right.parse_confidence > wrong.parse_confidence
    doc = read_bytes(SELF_EVAL.format(total="94.6").encode("utf-8"), "自评表.txt")
    (a,) = assess_filings(doc, [wrong])
    assert a.capped_by == "arithmetic" and a.evidence.points_gap == pytest.approx(5.0)


def test_a_target_page_without_its_table_is_not_accepted():
    text = ("攸县教育局2023年学生资助项目支出绩效目标表\n"
            "项目名称：学生资助补助经费\n主管部门：攸县教育局\n资金总额：120万元\n"
            "绩效目标：按时足额发放资助资金，困难学生应助尽助。\n")
    f = _one(text, "目标表.txt")
    assert f.doc_kind.endswith("target") and not f.indicators
    assert f.parse_confidence < ACCEPT


def _grid_doc(lines: list[list[str]]) -> Document:
    rows = [Row([Cell(t, Loc(line_start=i + 1, line_end=i + 1, col=k + 1)) for k, t in enumerate(cells)],
                Loc(line_start=i + 1, line_end=i + 1), table=0) for i, cells in enumerate(lines)]
    return Document("表.txt", "txt", rows, layout="tabbed")


TABLE_LINES = [
    ["攸县教育局2023年学生资助项目支出绩效目标表"],
    ["项目名称", "学生资助补助经费", "主管部门", "攸县教育局"],
    ["资金总额", "120"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "资助学生人数", "≥300人"],
    ["", "质量指标", "资助资金发放准确率", "100%"],
    ["", "时效指标", "资金发放及时率", "≥95%"],
    ["效益指标", "社会效益指标", "困难学生应助尽助率", "100%"],
    ["满意度指标", "服务对象满意度指标", "学生及家长满意度", "≥90%"],
]


def _target(indicators: list[Indicator]) -> Filing:
    return Filing(doc_kind="project_target", title="攸县教育局2023年学生资助项目支出绩效目标表", department="攸县教育局",
                  project="学生资助补助经费", year=2023, province="湖南省", city="株洲市", county="攸县",
                  budget_initial=120.0, budget_adjusted=120.0, indicators=indicators,
                  loc=Loc(line_start=1, line_end=len(TABLE_LINES)))


def _rows() -> list[Indicator]:
    out = []
    for i, cells in enumerate(TABLE_LINES[4:], start=1):
        level1 = cells[0] or out[-1].level1
        out.append(Indicator(seq=i, level1=level1, level2=cells[1], name=cells[2], target=cells[3],
                             loc=Loc(line_start=i + 4, line_end=i + 4), parse_confidence=1.0))
    return out


def test_a_table_read_with_no_rows_is_doubted_however_clean_the_rest():
    doc = _grid_doc(TABLE_LINES)
    read, empty = _target(_rows()), _target([])
    (a_read,) = assess_filings(doc, [read])
    (a_empty,) = assess_filings(doc, [empty])
    assert a_empty.capped_by == "zero_rows" and a_empty.conf < ACCEPT
    # the rows the source holds and the reading lacks are counted: five rows, their level words and figures
    assert a_empty.evidence.rows_expected >= 5 and a_empty.evidence.figures_unused >= 5
    assert a_read.evidence.figures_unused == 0 and a_read.capped_by is None
    # the model alone puts it below the accept threshold and well below the full reading (not by more: real
    # excerpts that stop before their table are rightly read with no rows, so 'no rows' alone is no proof of a
    # misreading; and the filing model's cube-root calibration reads a low logistic value as a higher share,
    # 0.61 -> 0.85); the cap does the rest
    assert a_empty.model_conf < ACCEPT
    assert a_read.conf > a_empty.conf + 0.1


def test_rows_whose_names_are_level_words_read_twice_are_flagged_for_checking():
    doc = _grid_doc(TABLE_LINES)
    rows = _rows()
    bad = [Indicator(seq=6 + k, level1="产出指标", level2="数量指标", name="数量指标", target="88100",
                     loc=Loc(line_start=5, line_end=5), parse_confidence=1.0) for k in range(2)]
    f = _target(rows + bad)
    assess(doc, [f])
    good_conf = [i.parse_confidence for i in f.indicators[:5]]
    bad_conf = [i.parse_confidence for i in f.indicators[5:]]
    assert min(good_conf) > max(bad_conf)
    limit = load_settings().low_confidence
    assert max(bad_conf) < limit <= min(good_conf)
    f.filing_id = "t"
    flagged = {x.indicator_seq for x in run_checks(f) if x.rule == "PARSE_LOW_CONFIDENCE"}
    assert flagged == {6, 7}


def test_a_satisfaction_row_named_with_its_level2_words_is_not_taken_for_a_level_cell():
    # templates name the satisfaction family's indicators with level-2 words ('服务对象满意度指标' >
    # '群众满意度'): such a row is not held at the level-name cap, while a '数量指标' read as a name still is
    doc = _grid_doc(TABLE_LINES)
    named = [Indicator(seq=6, level1="满意度指标", level2="服务对象满意度指标", name=n, target="≥90%",
                       loc=Loc(line_start=5, line_end=5), parse_confidence=1.0) for n in ("群众满意度",)]
    level = [Indicator(seq=7, level1="产出指标", level2="数量指标", name="质量指标", target="100%",
                       loc=Loc(line_start=5, line_end=5), parse_confidence=1.0)]
    f = _target(_rows() + named + level)
    assess(doc, [f])
    cap = load_settings().level_name_row_cap
    assert f.indicators[5].parse_confidence > cap
    assert f.indicators[6].parse_confidence <= cap


def test_the_decoders_margin_is_kept_and_a_second_assessment_gives_the_same_values():
    doc = _grid_doc(TABLE_LINES)
    rows = _rows()
    rows[0].parse_confidence = 0.2  # the decoder barely preferred this reading
    f = _target(rows)
    assess(doc, [f])
    first = [i.parse_confidence for i in f.indicators], f.parse_confidence
    assert f.indicators[0].decoder_margin == 0.2 and f.indicators[0].parse_confidence < f.indicators[1].parse_confidence
    assess(doc, [f])
    assert ([i.parse_confidence for i in f.indicators], f.parse_confidence) == first


def test_an_assessment_that_fails_leaves_the_filing_at_zero_with_the_reason():
    doc = _grid_doc(TABLE_LINES)
    f = _target(_rows())
    broken = Model(Logistic(("no_such_signal",), (1.0,), 0.0), shipped_model().filing, {})
    assert assess(doc, [f], broken) == []
    assert f.parse_confidence == 0.0
    assert f.parse_notes[-1].startswith(FAILED_NOTE.split("（")[0]) and "KeyError" in f.parse_notes[-1]


def test_the_shipped_model_is_data_that_names_the_signals_the_code_computes(tmp_path):
    model = read_model(MODEL_FILE)
    assert model.row.signals == ROW_SIGNALS and model.filing.signals == FILING_SIGNALS
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["fitted"]["labels"] >= 70 and "lofo" in data["fitted"]
    stale = dict(data)
    stale["row"] = {"intercept": 1.0, "weights": {k: 0.0 for k in ROW_SIGNALS[1:]}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(StaleModel, match="jixiao train confidence"):
        read_model(path)


def test_filing_rows_split_a_document_between_its_filings():
    lines = TABLE_LINES + [["攸县教育局2023年校舍维修项目支出绩效目标表"], ["资金总额", "80"]]
    doc = _grid_doc(lines)
    first = _target(_rows())
    second = Filing(doc_kind="project_target", loc=Loc(line_start=len(TABLE_LINES) + 1, line_end=len(lines)))
    spans = filing_rows(doc, [first, second])
    assert [len(s) for s in spans] == [len(TABLE_LINES), 2]
    e = evidence(second, spans[1], [first, second])
    assert e.rows == 0 and e.money_missing == 1  # it names 资金总额 and its amount was not read
    assert evidence(first, spans[0], [first, second]).money_missing == 0


@pytest.mark.slow
def test_train_confidence_refits_the_shipped_model_deterministically(tmp_path):
    out = tmp_path / "model.json"
    run = subprocess.run([sys.executable, "-m", "etl.cli", "train", "confidence", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    n = len(load_labels(corpus(ROOT)[1]))
    assert lines[-1].startswith(f"leave-one-file-out calibration: filings={n} ")
    assert lines[-2].startswith(f"in-sample calibration: filings={n} ")
    refit = read_model(out)
    shipped = read_model(MODEL_FILE)
    # the model in the repo is the fit of the data and code in the repo: after a parser change, refit
    assert refit.row == shipped.row and refit.filing == shipped.filing, "stale model: run `jixiao train confidence`"


def test_a_part_of_the_document_whose_title_no_reading_has_lowers_every_reading():
    # a target table read well, and a self-evaluation table the parser made nothing of: the document's titles
    # name a self-evaluation, so the file is not accepted on the strength of the part that was read
    lines = TABLE_LINES + [["攸县教育局2023年学生资助项目支出绩效自评表"], ["自评得分", "见附件"]]
    doc = _grid_doc(lines)
    first = _target(_rows())
    alone = _grid_doc(TABLE_LINES)
    e_alone = evidence(first, filing_rows(alone, [first])[0], [first], alone.rows)
    e_both = evidence(first, filing_rows(doc, [first])[0], [first], doc.rows)
    assert (e_alone.kinds_unread, e_both.kinds_unread) == (0, 1)
    # the part left unread holds the reading below accept, whatever the model makes of the part that was read
    (a_alone,) = assess_filings(alone, [first])
    (a_both,) = assess_filings(doc, [_target(_rows())])
    assert a_both.capped_by == "kinds_unread" and a_both.conf < ACCEPT
    assert a_alone.capped_by is None and a_alone.conf > a_both.conf
    # a self-evaluation table is not met by a report; a title that says self-evaluation without table or
    # report ('…绩效自评') is met by either
    report = Filing(doc_kind="self_eval_report", loc=Loc(line_start=len(TABLE_LINES) + 1, line_end=len(lines)))
    assert evidence(first, filing_rows(doc, [first, report])[0], [first, report], doc.rows).kinds_unread == 1
    loose = _grid_doc(TABLE_LINES + [["攸县教育局2023年学生资助项目绩效自评"], ["自评得分", "见附件"]])
    assert evidence(first, filing_rows(loose, [first, report])[0], [first, report], loose.rows).kinds_unread == 0
    assert evidence(first, filing_rows(loose, [first])[0], [first], loose.rows).kinds_unread == 1


def test_an_annex_announced_inside_a_run_of_text_counts_as_a_named_kind():
    # a glued copy: the report's run ends with the annex's title and the annex's table runs on unread
    line = ["本年度项目资金10万元，执行率100%。附件2:攸县教育局2023年学生资助项目绩效自评表 单位名称:攸县教育局 填报日期"]
    doc = _grid_doc([["攸县教育局2023年学生资助项目绩效自评报告"], line])
    report = Filing(doc_kind="self_eval_report", loc=Loc(line_start=1, line_end=2))
    assert evidence(report, doc.rows, [report], doc.rows).kinds_unread == 1
    table = Filing(doc_kind="project_self_eval", loc=Loc(line_start=2, line_end=2))
    assert evidence(report, doc.rows[:1], [report, table], doc.rows).kinds_unread == 0


REPORT_LINES = [
    ["攸县教育局2023年学生资助项目绩效自评报告"],
    ["一、项目基本情况。学生资助项目由攸县教育局实施，全年预算120万元，实际支出118万元。"],
    ["二、自评结论。经自评，本项目自评得分96分，等级为优。"],
]


def _report(**names) -> Filing:
    return Filing(doc_kind="self_eval_report", title=REPORT_LINES[0][0], year=2023, province="湖南省",
                  city="株洲市", county="攸县", budget_adjusted=120.0, budget_executed=118.0, total_score=96.0,
                  loc=Loc(line_start=1, line_end=len(REPORT_LINES)), **names)


def test_a_report_whose_title_names_what_the_reading_lacks_is_trusted_less():
    # the title names the department and the project; a reading that lost the project (or cut the department)
    # holds fewer of the title's names than one that has both
    doc = _grid_doc(REPORT_LINES)
    whole = _report(department="攸县教育局", project="学生资助项目")
    no_project = _report(department="攸县教育局")
    cut = _report(department="教育局", project="资助")
    (a_whole,), (a_none,), (a_cut,) = (assess_filings(doc, [f]) for f in (whole, no_project, cut))
    assert a_whole.evidence.title_unread == 0
    assert a_none.evidence.title_unread == 1 and 0 < a_cut.evidence.title_unread < 1
    # the whole reading is accepted and neither of the others is; which of the two falls lower is the model's to
    # weigh (the cut reading has two fields wrong, the other one missing), so no order between them is asserted
    assert a_whole.conf >= ACCEPT > max(a_cut.conf, a_none.conf)
    # a report without a title at all cannot show its names were read
    untitled = Filing(doc_kind="self_eval_report", department="攸县教育局", project="学生资助项目", year=2023,
                      county="攸县", loc=Loc(line_start=2, line_end=len(REPORT_LINES)))
    (a_untitled,) = assess_filings(_grid_doc(REPORT_LINES[1:]), [untitled])
    assert a_untitled.evidence.title_unread == 1 and a_untitled.conf < a_whole.conf
    # the year and the kind words name no one: a title of only those leaves nothing to read
    bare = Filing(doc_kind="self_eval_report", title="2023年度部门整体支出绩效自评报告", department="攸县教育局")
    assert evidence(bare, [], [bare]).title_unread == 0
    # nor does a web page's trail before the title
    crumbs = Filing(doc_kind="self_eval_report", title="您现在的位置: 首页 > 通知公告 > 攸县教育局2023年学生资助项目绩效自评报告",
                    department="攸县教育局", project="学生资助项目")
    assert evidence(crumbs, [], [crumbs]).title_unread == 0


def test_a_table_of_one_row_is_trusted_less_than_the_same_table_read_whole():
    # the same clean table, read with its five rows or cut after the first: nothing else in the source says
    # rows are missing (the rest of the source is not given), yet one row is more often a cut than a table
    doc = _grid_doc(TABLE_LINES[:5])
    rows = _rows()
    one = _target(rows[:1])
    one.loc = Loc(line_start=1, line_end=5)
    (a_one,) = assess_filings(doc, [one])
    (a_all,) = assess_filings(_grid_doc(TABLE_LINES), [_target(rows)])
    assert a_one.signals["rows_few"] == 0.5 and a_all.signals["rows_few"] == pytest.approx(1 / 6)
    assert a_one.evidence.rows_expected == 1  # the source shown holds one row: only the row count speaks
    assert a_one.conf < a_all.conf


def test_a_table_whose_level1_families_named_in_the_source_no_row_has_is_trusted_less():
    # the source names 产出指标, 效益指标 and 满意度指标; five rows all read as 产出指标: the 效益 and 满意度 rows
    # lost their family (as when a merged level-1 cell was carried down past where it ends)
    doc = _grid_doc(TABLE_LINES)
    rows = _rows()
    flat = [Indicator(seq=r.seq, level1="产出指标", level2=r.level2, name=r.name, target=r.target, loc=r.loc,
                      parse_confidence=1.0) for r in rows]
    (a_all,) = assess_filings(doc, [_target(rows)])
    (a_flat,) = assess_filings(doc, [_target(flat)])
    assert (a_all.evidence.level1_unread, a_flat.evidence.level1_unread) == (0, 2)
    model = shipped_model()
    # the family signal alone, with the row model's view of the rows held equal
    same_rows = [model.row(s) for s in row_signals(_target(rows))]
    conf = [model.filing(filing_signals(f, a.evidence, same_rows)) for f, a in ((_target(rows), a_all), (_target(flat), a_flat))]
    assert conf[1] < conf[0]


def test_a_project_read_without_the_place_and_year_its_source_prints_before_it_is_trusted_less():
    # the report names its project only as '青山县2023年农村公路养护工程'; a reading that kept '农村公路养护工程' cut the
    # place and the year off the name's head (a character of the same run stands right before it, everywhere)
    lines = [["青山县2023年农村公路养护工程绩效自评报告"],
             ["青山县交通运输局组织实施青山县2023年农村公路养护工程，全年预算80万元，实际支出80万元。"],
             ["经自评，本项目自评得分95分。"]]
    doc = _grid_doc(lines)

    def report(project: str) -> Filing:
        return Filing(doc_kind="self_eval_report", title=lines[0][0], department="青山县交通运输局", project=project,
                      year=2023, county="青山县", budget_adjusted=80.0, budget_executed=80.0, total_score=95.0,
                      loc=Loc(line_start=1, line_end=len(lines)))

    (whole,), (cut,) = (assess_filings(doc, [report(p)]) for p in ("青山县2023年农村公路养护工程", "农村公路养护工程"))
    assert (whole.evidence.name_cut, cut.evidence.name_cut) == (0, 1)
    model = shipped_model()
    assert model.filing.weights[model.filing.signals.index("name_cut")] < 0
    assert cut.conf < whole.conf
    # a name that stands whole once (at the start of a cell, or after a word that introduces it in prose) is
    # not cut, wherever else it is printed after its place
    prose = _grid_doc(lines[:2] + [["关于农村公路养护工程的自评：得分95分。"]])
    assert assess_filings(prose, [report("农村公路养护工程")])[0].evidence.name_cut == 0
    # a table's 项目名称 cell holds the project whole, though its title prints it after the department
    titled = [["攸县教育局学生资助补助经费项目支出绩效目标表"]] + TABLE_LINES[1:]
    (table,) = assess_filings(_grid_doc(titled), [_target(_rows())])
    assert table.evidence.name_cut == 0


def test_a_report_that_states_a_rate_its_reading_does_not_hold_is_trusted_less():
    # the prose states 完成率 with its figure; a reading without 执行率 left that stated figure unread
    lines = [["青山县2023年农村公路养护工程绩效自评报告"],
             ["全年预算80万元，实际支出80万元，各项任务完成率均达到 100%。"],
             ["经自评，本项目自评得分95分。"]]
    doc = _grid_doc(lines)

    def report(rate: float | None) -> Filing:
        return Filing(doc_kind="self_eval_report", title=lines[0][0], department="青山县交通运输局",
                      project="青山县2023年农村公路养护工程", year=2023, county="青山县", budget_adjusted=80.0,
                      budget_executed=80.0, exec_rate_reported=rate, total_score=95.0,
                      loc=Loc(line_start=1, line_end=len(lines)))

    (held,), (unheld,) = (assess_filings(doc, [report(r)]) for r in (1.0, None))
    assert (held.evidence.rate_unheld, unheld.evidence.rate_unheld) == (0, 1)
    assert unheld.conf < held.conf
    # a rate word without a figure after it states nothing; nor does a table's own 执行率 cell count here
    vague = _grid_doc([lines[0], ["项目完成率较高，资金执行率符合要求。"]])
    assert evidence(report(None), vague.rows, [report(None)]).rate_unheld == 0
    table = _target(_rows())
    assert evidence(table, _grid_doc(TABLE_LINES + [["执行率", "100%"]]).rows, [table]).rate_unheld == 0


def test_the_filing_model_reads_back_the_root_of_the_power_it_was_fitted_on(tmp_path):
    # fitted on the share cubed, the logistic's 0.512 is a share of 0.8; the power goes into the model file
    plain = Logistic(("a",), (0.0,), 0.0)
    cubed = Logistic(("a",), (0.0,), 0.048009, 3.0)  # logistic(0.048) = 0.512
    assert plain({"a": 1.0}) == pytest.approx(0.5)
    assert cubed({"a": 1.0}) == pytest.approx(0.8, abs=1e-5)
    model = Model(plain, cubed, {})
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "power" not in data["row"] and data["filing"]["power"] == 3.0
    assert Logistic.from_dict(data["filing"], ("a",), "filing") == cubed
    # the shipped model was fitted with a power of training's grid, and says which
    shipped = shipped_model()
    assert shipped.filing.power in FILING_POWERS and shipped.filing.power == shipped.meta["filing_power"]


def test_a_target_table_read_without_its_budget_is_trusted_less():
    # the same five rows, read with the 资金总额 line or without it: the template prints the money line, so a
    # reading without it lost a field, whatever the source's words (a glued copy loses the cue words too)
    doc = _grid_doc(TABLE_LINES)
    whole = _target(_rows())
    lost = _target(_rows())
    lost.budget_initial = lost.budget_adjusted = None
    (a_whole,), (a_lost,) = assess_filings(doc, [whole]), assess_filings(doc, [lost])
    assert (a_whole.evidence.budget_unread, a_lost.evidence.budget_unread) == (0, 1)
    assert a_lost.conf < a_whole.conf
    bare = _grid_doc([r for r in TABLE_LINES if r[0] != "资金总额"])
    assert evidence(lost, bare.rows, [lost]).budget_unread == 1
    # a self-evaluation or a report is not held to a target table's money line
    report = _report(department="攸县教育局", project="学生资助项目")
    report.budget_initial = None
    assert evidence(report, _grid_doc(REPORT_LINES).rows, [report]).budget_unread == 0


def test_a_report_is_not_doubted_for_spending_figures_its_prose_states_of_other_parts():
    # a department's report states 基本支出 and 项目支出 figures; its own budget and score are read: nothing the
    # labels would count is missing, so no miss is counted for the spending the reading did not take
    lines = [["攸县教育局2023年度部门整体支出绩效自评报告"],
             ["全年预算120万元，其中基本支出80万元，项目支出40万元，拨付学校经费35万元。"],
             ["经自评，本部门自评得分96分。"]]
    f = Filing(doc_kind="self_eval_report", title=lines[0][0], department="攸县教育局", year=2023, county="攸县",
               budget_adjusted=120.0, total_score=96.0, loc=Loc(line_start=1, line_end=len(lines)))
    assert evidence(f, _grid_doc(lines).rows, [f]).money_missing == 0
    # its budget or its score stated and not read still counts
    f.total_score = None
    assert evidence(f, _grid_doc(lines).rows, [f]).money_missing == 1


SELF_EVAL_LINES = [
    ["攸县文化馆2023年群众文化活动经费项目支出绩效自评表"],
    ["项目名称", "群众文化活动经费", "主管部门", "攸县文化旅游广电体育局"],
    ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "50", "50", "48", "10", "96%", "9.6"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "举办文艺演出场次", "≥20场", "22场", "50", "50"],
    ["效益指标", "社会效益指标", "群众参与人次", "≥5000人次", "6200人次", "30", "30"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%", "10", "9.6"],
]


def _self_eval(money: bool) -> Filing:
    rows = [Indicator(seq=i, level1=c[0], level2=c[1], name=c[2], target=c[3], actual=c[4], weight=float(c[5]),
                      score=float(c[6]), loc=Loc(line_start=i + 5, line_end=i + 5), parse_confidence=1.0)
            for i, c in enumerate(SELF_EVAL_LINES[5:], start=1)]
    f = Filing(doc_kind="project_self_eval", title=SELF_EVAL_LINES[0][0], department="攸县文化旅游广电体育局",
               project="群众文化活动经费", year=2023, province="湖南省", city="株洲市", county="攸县", indicators=rows,
               exec_weight=10.0, exec_score=9.6, total_weight=100.0, total_score=99.2,
               loc=Loc(line_start=1, line_end=len(SELF_EVAL_LINES)))
    if money:
        f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported = 50.0, 50.0, 48.0, 0.96
    return f


def test_a_self_evaluation_read_without_any_figure_of_its_money_block_is_trusted_less():
    # the same self-evaluation, read with its 年度资金总额 line or with none of its figures (a page whose money
    # cells were glued or lost): the template prints the block, so a reading with none of it lost a part
    doc = _grid_doc(SELF_EVAL_LINES)
    (a_whole,), (a_lost,) = assess_filings(doc, [_self_eval(True)]), assess_filings(doc, [_self_eval(False)])
    assert (a_whole.evidence.money_unread, a_lost.evidence.money_unread) == (0, 1)
    assert a_lost.signals["money_unread"] == 1.0 and a_whole.signals["money_unread"] == 0.0
    assert a_lost.conf < a_whole.conf
    # one figure of the block read is enough not to count the block as lost (the others are money_missing's)
    partly = _self_eval(False)
    partly.budget_executed = 48.0
    assert evidence(partly, doc.rows, [partly]).money_unread == 0
    # a target table is held to its own money line (budget_unread), a report to nothing of the kind
    target = _target(_rows())
    target.budget_initial = target.budget_adjusted = None
    e = evidence(target, _grid_doc(TABLE_LINES).rows, [target])
    assert (e.budget_unread, e.money_unread) == (1, 0)
    report = _report(department="攸县教育局", project="学生资助项目")
    assert evidence(report, _grid_doc(REPORT_LINES).rows, [report]).money_unread == 0


def _corpus(accuracies: list[float]) -> list[SourceFile]:
    """Invented labelled files: self-evaluations read with their money block (label accuracy as given) or, every
    third one, without it."""
    doc = _grid_doc(SELF_EVAL_LINES)
    out = []
    for k, acc in enumerate(accuracies):
        f = _self_eval(money=k % 3 != 0)
        part = Part(f, evidence(f, doc.rows, [f]), row_signals(f))
        out.append(SourceFile(f"f{k:02d}.txt", [part], [Label(f"set/f{k:02d}.json", acc, 0, [1.0] * len(f.indicators))]))
    return out


def test_the_filing_models_penalty_and_power_are_chosen_without_the_file_left_out():
    accs = [0.6 if k % 3 == 0 else 1.0 - 0.01 * (k % 4) for k in range(12)]
    files = _corpus(accs)
    choice = choose_filing_fit(files)
    assert choice[0] in FILING_CS and choice[1] in FILING_POWERS
    assert choose_filing_fit(files) == choice  # the same files, the same choice: the refit is reproducible
    model = fit(files)
    assert (model.meta["filing_c"], model.meta["filing_power"]) == choice
    # a fold's model is the fit, choice included, of the other files: whatever the left-out file's label says
    folds = fold_models(files)
    changed = _corpus(accs[:5] + [0.0] + accs[6:])
    assert fold_models(changed)[files[5].name] == folds[files[5].name]
    assert folds[files[5].name] == fit([sf for sf in files if sf is not files[5]])
    # on these files a lost money block goes with lower accuracy, and the fit learns it
    assert model.filing.weights[model.filing.signals.index("money_unread")] < 0
