"""The review queue (复核队列), the side by side and the corrections on the filing page, through Streamlit's AppTest.

Made-up filings (tests/test_review.py's self-evaluation table) are ingested into a real DuckDB file. The review
threshold is raised by a settings file of our own (JIXIAO_SETTINGS) above the parser's 0.999, so that rows read
with that confidence count as not trusted yet: their findings are 待核实 until a person confirms them.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from dashboard.review_panel import END, filing_edits, row_edits
from etl.check import settings as settings_mod
from etl.pipeline import ingest_paths
from etl.review.edits import ADD_ROW, DELETE_ROW, SET
from test_dashboard_pages import corpus_db  # noqa: F401 - the shared corpus, over a file and over a lake
from test_review import self_eval_text

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture()
def reviewed_db(tmp_path, monkeypatch):
    own = tmp_path / "settings.toml"
    own.write_text("[review]\nthreshold = 0.9995\n", encoding="utf-8")
    monkeypatch.setenv(settings_mod.SETTINGS_ENV, str(own))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "道路养护.txt").write_text(self_eval_text(), encoding="utf-8")
    (folder / "小额项目.txt").write_text(self_eval_text(project="办公设备购置", dept="某某县统计局"), encoding="utf-8")
    db = tmp_path / "review.duckdb"
    assert ingest_paths([folder], db, workers=1).loaded == 2
    con = duckdb.connect(str(db), read_only=True)
    ids = dict(con.execute("SELECT source_file, filing_id FROM filings").fetchall())
    con.close()
    return db, ids


def run_page(monkeypatch, db: Path, page: str, reviewer: str | None = "李审核", **params) -> AppTest:
    monkeypatch.setenv("JIXIAO_DB", str(db))
    monkeypatch.setenv("JIXIAO_BIND", "127.0.0.1")
    if reviewer:
        monkeypatch.setenv("JIXIAO_REVIEWER", reviewer)
    else:
        monkeypatch.delenv("JIXIAO_REVIEWER", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py")
    at.run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not any("页面出错" in e.value for e in at.error), [e.value for e in at.error]


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


def one_field(at: AppTest, row_key: str | None, field: str, value: str) -> AppTest:
    """The 逐项修改 form: pick the row and the field, type the value, save."""
    next(s for s in at.selectbox if s.label == "位置").set_value(row_key).run()
    next(s for s in at.selectbox if s.label == "字段").set_value(field).run()
    next(t for t in at.text_input if t.label == "改为").input(value).run()
    next(b for b in at.button if b.label == "保存此项").click().run()
    ok(at)
    return at


def test_the_queue_ranks_by_confidence_and_money_and_counts_what_remains(reviewed_db, monkeypatch):
    db, ids = reviewed_db
    at = run_page(monkeypatch, db, "review")
    assert metric(at, "待复核") == "2" and metric(at, "已复核") == "0" and metric(at, "筛选范围内填报") == "2"
    queue = at.dataframe[0].value
    assert set(queue["filing_id"]) == set(ids.values())
    assert list(queue["priority"]) == sorted(queue["priority"], reverse=True)
    # a band with no filing in it, and the reviewed ones (none yet)
    next(s for s in at.selectbox if s.label == "解析置信度").set_value("< 0.5").run()
    assert any("没有符合条件的填报" in i.value for i in at.info)


@pytest.mark.slow
def test_correcting_a_value_changes_the_findings_and_the_filing_page_says_who(reviewed_db, monkeypatch):
    db, ids = reviewed_db
    fid = ids["道路养护.txt"]
    before = run_page(monkeypatch, db, "detail", filing=fid)
    assert not any("人工更正" == h.value for h in before.subheader)
    at = run_page(monkeypatch, db, "review", filing=fid)
    # the title, the key rows, the money row, five indicator rows and the total: every number-bearing line read
    assert metric(at, "读取所用的行") == "10" and metric(at, "含数字未读取") == "0"
    one_field(at, "p1", "target", "效果明显")
    assert any("已保存 1 处更正" in s.value for s in at.success), [s.value for s in at.success]
    detail = run_page(monkeypatch, db, "detail", filing=fid)
    assert any(h.value == "人工更正" for h in detail.subheader)
    corrections = next(d.value for d in detail.dataframe if "复核人" in d.value.columns)
    assert list(corrections["复核人"]) == ["李审核"]
    assert list(corrections["原值"]) == ["≥120公里"] and list(corrections["新值"]) == ["效果明显"]
    texts = " ".join(str(v) for d in detail.dataframe for v in d.value.astype(str).values.ravel())
    assert "效果明显" in texts and "无法客观衡量" in texts


@pytest.mark.slow
def test_findings_on_untrusted_rows_are_counted_apart_until_the_filing_is_confirmed(reviewed_db, monkeypatch):
    db, ids = reviewed_db
    fid = ids["道路养护.txt"]
    at = run_page(monkeypatch, db, "review", filing=fid)
    one_field(at, "p2", "score", "12")  # 20 points, target met, 12 given: the filer's error, if read right
    overview = run_page(monkeypatch, db, "overview")
    unverified = int(metric(overview, "待核实"))
    assert unverified >= 1  # the other rows (confidence 0.999 < 0.9995) carry findings not yet trusted
    detail = run_page(monkeypatch, db, "detail", filing=fid)
    table = next(d.value for d in detail.dataframe if "verify" in d.value.columns)
    on_row2 = table[table["indicator_seq"].astype(str) == "2"]  # shown as text: filing-wide findings have none
    assert set(on_row2["verify"]) == {"—"}  # the corrected row was read by a person: the filer's error
    # 保存并完成复核: the whole filing confirmed, its findings count as the filer's
    at = run_page(monkeypatch, db, "review", filing=fid)
    next(b for b in at.button if b.label == "保存并完成复核").click().run()
    ok(at)
    after = run_page(monkeypatch, db, "overview")
    assert int(metric(after, "待核实")) < unverified
    queue = run_page(monkeypatch, db, "review")
    assert metric(queue, "已复核") == "1" and metric(queue, "待复核") == "1"


def test_no_save_without_a_name_and_an_exposed_dashboard_asks_every_session(reviewed_db, monkeypatch, listen_on):
    db, ids = reviewed_db
    at = run_page(monkeypatch, db, "review", reviewer=None, filing=ids["道路养护.txt"])
    assert not [b for b in at.button if b.label == "保存此项"]
    assert any(t.label == "复核人姓名" for t in at.text_input)
    # exposed with a password: the local setting does not name the person, the session does
    listen_on("0.0.0.0")  # what access.gate() and the reviewer follow: the address Streamlit listens on
    monkeypatch.setenv("JIXIAO_REVIEWER", "本机设置")
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[access.SIGNED_IN] = "session"  # signed in (AppTest: the session is the connection)
    at.query_params["filing"] = ids["道路养护.txt"]
    at.switch_page("views/review.py")
    at.run()
    ok(at)
    assert any(t.label == "复核人姓名" for t in at.text_input)
    next(t for t in at.text_input if t.label == "复核人姓名").input("王审核").run()
    next(b for b in at.button if b.label == "确定").click().run()
    ok(at)
    assert any(t.value == "复核人：王审核" for t in at.text)


def test_marking_a_filing_takes_it_off_the_queue_and_lists_the_mark(reviewed_db, monkeypatch):
    db, ids = reviewed_db
    at = run_page(monkeypatch, db, "review", filing=ids["小额项目.txt"])
    next(r for r in at.radio if r.label == "标记为").set_value("unreadable").run()
    next(c for c in at.checkbox if c.label == "确认标记").check().run()
    next(b for b in at.button if b.label == "标记").click().run()
    ok(at)
    queue = run_page(monkeypatch, db, "review")
    assert metric(queue, "筛选范围内填报") == "1"
    assert any(h.value == "已标记的文件" for h in queue.subheader)


def test_the_editors_changes_become_corrections():
    """What the editable tables hand back (cells changed, a row deleted, rows added at the bottom) as corrections."""
    cols = ["seq", "level1", "level2", "name", "target", "actual", "weight", "score", "reason", "parse_confidence", "key"]
    before = pd.DataFrame([[1, "产出指标", "数量指标", "里程", "≥120公里", "125公里", 20.0, 20.0, "", 0.999, "p1"],
                           [2, "产出指标", "质量指标", "优良率", "≥85%", "88%", 20.0, 20.0, "", 0.999, "p2"],
                           [3, "效益指标", "", "时间缩短", "≥10分钟", "12分钟", 20.0, 20.0, "", 0.999, "a7"]], columns=cols)
    after = before.drop(index=1).copy()
    after.loc[0, "target"] = " ≥130公里 "
    after.loc[2, "score"] = 15.0
    after = after.reset_index(drop=True).astype(object)
    after.loc[len(after)] = [None, "满意度指标", None, "满意度", "≥90%", None, 20.0, None, None, None, None]
    after.loc[len(after)] = [None, None, None, "巡查次数", "12次", None, None, None, None, None, None]
    got = row_edits(before, after, END)
    assert [(c.kind, c.row_key, c.field) for c in got][:3] == [(DELETE_ROW, "p2", None), (SET, "p1", "target"),
                                                               (SET, "a7", "score")]
    assert got[1].new_value == " ≥130公里 " and got[2].new_value == 15.0
    first, second = got[3], got[4]
    assert first.kind == ADD_ROW == second.kind
    assert first.new_value["after"] == "a7" and second.new_value["after"] == first.row_key  # in the table's order
    assert first.new_value["values"]["name"] == "满意度" and first.new_value["values"]["weight"] == 20.0
    fields = pd.DataFrame([("year", "年度", "2023"), ("county", "县区", ""), ("doc_kind", "文件类型", "项目支出绩效自评表")],
                          columns=["field", "label", "value"])
    changed = fields.assign(value=["2023", "东风县", "部门整体支出绩效自评表"])
    assert [(c.field, c.new_value) for c in filing_edits(fields, changed)] == [("county", "东风县"),
                                                                              ("doc_kind", "dept_self_eval")]


def test_a_value_that_is_no_number_is_refused_and_text_is_kept_as_typed(reviewed_db, monkeypatch):
    db, ids = reviewed_db
    fid = ids["道路养护.txt"]
    at = run_page(monkeypatch, db, "review", filing=fid)
    one_field(at, "p1", "score", "十分")
    assert any("未保存" in e.value and "得分应是数字" in e.value for e in at.error), [e.value for e in at.error]
    one_field(at, "p1", "reason", "**见附件** <b>")  # Markdown and HTML are data here
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT score, reason FROM indicators WHERE filing_id = ? AND seq = 1",
                           [fid]).fetchall() == [(20.0, "**见附件** <b>")]
        assert con.execute("SELECT count(*) FROM corrections").fetchone()[0] == 1
    finally:
        con.close()
    at = run_page(monkeypatch, db, "review", filing=fid)
    next(s for s in at.selectbox if s.label == "位置").set_value("p1").run()
    next(s for s in at.selectbox if s.label == "字段").set_value("reason").run()
    assert any(t.value == "当前读取：**见附件** <b>" for t in at.text)


@pytest.mark.parametrize("scope", ["empty", "county", "all"])
def test_the_queue_over_the_shared_corpus_in_a_file_and_a_lake(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    params = {"empty": {"county": "攸县", "kind": "project_target"}, "county": {"county": "攸县"}, "all": {}}[scope]
    at = run_page(monkeypatch, db, "review", **params)
    want = [f for f in c.filings if scope == "all" or (f["county"] == "攸县" and scope == "county")]
    assert metric(at, "筛选范围内填报") == str(len(want)) and metric(at, "已复核") == "0"
    if not want:
        assert any("没有符合条件的填报" in i.value for i in at.info)
        return
    assert set(at.dataframe[0].value["filing_id"]) == {f["filing_id"] for f in want}
    # one filing opened: its reading; saving only where the file holds the tables (not over a lake's views)
    fid = want[0]["filing_id"]
    ws = run_page(monkeypatch, db, "review", filing=fid)
    lake = "attached" in str(db)
    assert bool([b for b in ws.button if b.label == "保存此项"]) != lake
    assert any("没有保存这个文件的副本" in i.value for i in ws.info)  # the shared corpus was written without files


def test_the_report_counts_the_findings_to_verify_as_the_overview_does(reviewed_db, monkeypatch):
    """The PDF report's conclusions and its problem list say which problems are 待核实, as many as 总览 counts."""
    import io

    from openpyxl import load_workbook

    from etl.load import store
    from etl.printout.data import ReportScope, gather
    from etl.printout.render import conclusions
    from etl.printout.problem_list import xlsx
    from etl.review import ledger
    from etl.review.edits import Correction

    db, ids = reviewed_db
    with store.writer(db) as con:  # the made-up filings name no county: a person puts both in one
        for fid in ids.values():
            ledger.save(con, fid, [Correction(kind=SET, field="county", new_value="茶陵县")], "李审核")
    unverified = int(metric(run_page(monkeypatch, db, "overview"), "待核实"))
    assert unverified >= 1
    r = gather(db, ReportScope("茶陵县", 2023))
    assert r.headline["unverified"] == unverified
    said = next(c for c in conclusions(r) if c.startswith("共发现问题"))
    assert f"待核实 {unverified} 个" in said and "0.9995" in said
    sheet = load_workbook(io.BytesIO(xlsx(r.problems, "问题清单"))).active
    marked = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str) and c.endswith("（待核实）")]
    assert len(marked) == unverified
