"""The 筛选查询 explorer: combined conditions, counts checked against independent SQL, full exports."""
from __future__ import annotations

import csv
import io

import duckdb
import pytest
from openpyxl import load_workbook

from test_dashboard_pages import corpus_db, frame, run_page  # noqa: F401 - fixture


def caption_total(at) -> int:
    heads = [h.value for h in at.subheader if h.value.startswith("共 ")]
    assert heads, [h.value for h in at.subheader]
    return int(heads[0].removeprefix("共 ").removesuffix(" 条").replace(",", ""))


def sql_count(db, where: str, params=()) -> int:
    """Independent of dashboard/: the filing's rate is B/A when both are known, else the printed rate."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"""
            SELECT count(*) FROM filings f LEFT JOIN filing_metrics m USING (filing_id)
            WHERE {where}""", list(params)).fetchone()[0]
    finally:
        con.close()


RATE = "coalesce(f.budget_executed / nullif(f.budget_adjusted, 0), f.exec_rate_reported)"


def test_preset_inflated_equals_sql_and_exports_every_row(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore")
    assert caption_total(at) == len(c.filings)
    at.button(key="ex_preset_inflated").click().run()
    expected = sql_count(db, f"f.total_score >= 95 AND {RATE} < 0.8")
    from_rows = sum(1 for f in c.filings if (f["total_score"] or 0) >= 95
                    and f["budget_executed"] is not None and f["budget_executed"] / f["budget_adjusted"] < 0.8)
    assert expected == from_rows > 0
    assert caption_total(at) == expected
    shown = frame(at, "ex_rows")
    assert len(shown) == expected
    assert (shown["total_score"] >= 95).all() and (shown["exec_rate"] < 0.8).all()
    assert at.query_params["smin"] == ["95"] and at.query_params["emax"] == ["80"]
    # the conditions in force, said in words above the result
    assert "条件：自评得分 ≥ 95；执行率 < 80%" in [c.value.replace("\\", "") for c in at.caption]

    at.button(key="ex_full_csv").click().run()
    at.button(key="ex_full_xlsx").click().run()
    done = {"n": at.session_state["_ex_full_csv"]["n"], "csv": at.session_state["_ex_full_csv"]["data"],
            "xlsx": at.session_state["_ex_full_xlsx"]["data"]}
    rows = list(csv.reader(io.StringIO(done["csv"].decode("utf-8-sig"))))
    assert done["csv"].startswith(b"\xef\xbb\xbf")
    assert rows[0][:3] == ["填报编号", "地区", "部门"]
    assert len(rows) - 1 == expected == done["n"]
    assert all(r[rows[0].index("执行率")].endswith("%") for r in rows[1:])
    ws = load_workbook(io.BytesIO(done["xlsx"])).active
    assert ws.max_row - 1 == expected
    assert ws.freeze_panes == "A2"


def test_state_lives_in_the_url_and_pages(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", counties=["株洲市 攸县", "益阳市 赫山区"], year="2022",
                  reason="no_reason")
    expected = [f for f, m in zip(c.filings, c.metrics) if f["county"] in ("攸县", "赫山区") and f["year"] == 2022
                and m["deductions_no_reason"] > 0]
    assert caption_total(at) == len(expected)
    assert set(frame(at, "ex_rows")["filing_id"]) == {f["filing_id"] for f in expected}


def test_export_is_not_capped_by_the_page(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore")
    assert len(frame(at, "ex_rows")) == 48  # one page of 50
    at.number_input(key="ex_smin").set_value(0.0).run()
    n = caption_total(at)
    assert n == sum(f["total_score"] is not None for f in c.filings)
    at.button(key="ex_full_csv").click().run()
    assert at.session_state["_ex_full_csv"]["n"] == n


def test_finding_conditions_and_sorting(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", fams="vague", sort="total_score", desc="0")
    with_vague = {x["filing_id"] for x in c.findings if x["family"] == "vague"}
    assert caption_total(at) == len(with_vague)
    shown = frame(at, "ex_rows")
    # target tables have no self-score: shown as "—", sorted last
    scores = [float(s) for s in shown["total_score"] if s != "—"]
    assert scores == sorted(scores) and len(scores) < len(shown)
    assert set(shown["total_score"][len(scores):]) == {"—"}


@pytest.mark.parametrize("params", [{"smin": "abc"}, {"emax": "-5"}, {"year": "²"}, {"reason": "x"}, {"p": "0"}])
def test_bad_address_values_fall_back(monkeypatch, corpus_db, params):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", **params)
    assert at.warning, "a notice names the ignored value"
    assert caption_total(at) == len(c.filings)


def test_empty_result(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", county="攸县", kind="project_target")
    assert caption_total(at) == 0
    assert any("没有符合条件的填报" in i.value for i in at.info)


def test_preset_vague_departments(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore")
    at.button(key="ex_preset_vague_dept").click().run()
    ranking = next(d.value for d in at.dataframe if {"department", "share", "indicator_count"} <= set(d.value.columns))
    shares = {}
    for f, m in zip(c.filings, c.metrics):
        v, n = shares.get(f["department"], (0, 0))
        shares[f["department"]] = (v + m["vague_count"], n + m["indicator_count"])
    best = max(v / n for v, n in shares.values())
    # a rate reaches the grid rounded as shown (one decimal of a percent): the grid would cut it otherwise
    assert ranking["share"].iloc[0] == pytest.approx(round(best * 100, 1) / 100)
    shown = frame(at, "ex_rows")
    top = max(m["vague_count"] / m["indicator_count"] for m in c.metrics)
    assert shown["vague_share"].iloc[0] == pytest.approx(round(top * 100, 1) / 100)


def test_findings_list_export_holds_every_row_not_the_page(monkeypatch, corpus_db):
    """The page shows the first rows; the export is the same query without the cut."""
    from dashboard import full_export
    from dashboard import queries as q
    from dashboard.filtering import Filters

    c, db = corpus_db
    shown, total = q.connect(db).findings_list(Filters(), limit=5)
    assert len(shown) == 5 and total == len(c.findings)
    buf = io.BytesIO()
    n = full_export.write(db, *q.connect(db).findings_list_sql(Filters()), "csv", buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue().decode("utf-8-sig"))))
    assert n == len(rows) - 1 == len(c.findings)
    assert "规则编号" in rows[0] and "来源位置" in rows[0]
    at = run_page(monkeypatch, db, "quality", family="reason")
    at.button(key="ql_findings_full_xlsx").click().run()
    assert at.session_state["_ql_findings_full_xlsx"]["n"] == sum(x["family"] == "reason" for x in c.findings)


def test_parse_confidence_condition_when_the_column_exists(monkeypatch, tmp_path):
    """filings.parse_confidence (the parser's confidence in its reading) is a condition and a column."""
    from dashboard_db import build_dashboard_db

    db = tmp_path / "conf.duckdb"
    c = build_dashboard_db(db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE filings SET parse_confidence = (hash(filing_id) % 100) / 100.0")
    low = con.execute("SELECT count(*) FROM filings WHERE parse_confidence <= 0.5").fetchone()[0]
    con.close()
    at = run_page(monkeypatch, db, "explore", cmax="50")
    assert caption_total(at) == low
    shown = frame(at, "ex_rows")
    assert "confidence" in shown.columns and (shown["confidence"] <= 0.5).all()


@pytest.mark.parametrize("params", [{"desc": "x"}, {"smin": "nan"}, {"smin": "９５"}, {"emax": "1e9"}])
def test_more_bad_values(monkeypatch, corpus_db, params):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", **params)
    assert at.warning and caption_total(at) == len(c.filings)


def test_conditions_are_said_in_chinese():
    """Each condition object carries its sentence: what the page shows above the result."""
    from dashboard.queries import explorer as ex

    class NoConfidence:  # the sentences need to know only whether the database has the column
        def has_column(self, table, column):
            return False

    c = ex.Conditions(score=(80, None), exec_rate=(0.5, 0.9), kinds=("project_self_eval",), years=(2022, 2023),
                      department="教育", reason="no_reason", families=("vague",), severities=("error",),
                      confidence=(0.5, None))
    assert ex.sentences(NoConfidence(), c) == [
        "自评得分 ≥ 80", "执行率 ≥ 50% 且 < 90%", "文件类型为 项目支出绩效自评表", "年度为 2022年、2023年",
        "部门名称包含“教育”", "偏差原因：有扣分未写原因", "有一条问题类别为 指标模糊且严重程度为 错误"]
    assert ex.sentences(NoConfidence(), ex.Conditions()) == []
