"""The overseer's workbench (issue 20): numbers that agree, peers that stay, one filter state, readable cells.

Through Streamlit's AppTest over the test database (tests/dashboard_db.py), as a file and as a lake.
"""
from __future__ import annotations

import re

import pytest

from test_dashboard_pages import corpus_db, frame, run_page  # noqa: F401  (the fixture runs over a file and a lake)
from test_dashboard_explorer import caption_total


def notices(at) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]


def test_problem_count_equals_the_findings_list_of_every_filing(monkeypatch, corpus_db):  # noqa: F811
    """问题数 in the explorer is the filing's findings list, copy and soft-target findings included."""
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", sort="finding_count")
    shown = frame(at, "ex_rows")
    for fid, n in shown[["filing_id", "finding_count"]].itertuples(index=False):
        assert n == c.problems(fid)[0], fid
    # and the filing page says the same as its own list
    for fid in list(shown["filing_id"])[:3]:
        page = run_page(monkeypatch, db, "detail", filing=fid)
        assert [m.value for m in page.metric if m.label == "问题数"] == [str(c.problems(fid)[0])]
        assert len(next(d.value for d in page.dataframe if {"rule", "message"} <= set(d.value.columns))) == \
            c.problems(fid)[0]


def test_compare_keeps_five_peers_under_a_sidebar_county(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "compare", county="攸县", scope="all")
    same = frame(at, "cmp_dept_table")
    places = {p.removeprefix("★ ") for p in same["place"]}
    assert len(places) >= 5 and "★ 株洲市 攸县" in set(same["place"])
    soft = next(d.value for d in at.dataframe if "soft_share" in d.value.columns)
    assert len(soft) >= 5 and "★ 攸县" in set(soft["place"])


def test_sidebar_and_explorer_filters_are_one_state_and_a_conflict_is_named(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    # the sidebar says 攸县, the address adds 赫山区 on the page: no silent 0 results, the conflict is said
    at = run_page(monkeypatch, db, "explore", county="攸县", counties="益阳市 赫山区")
    said = " ".join(notices(at))
    assert "益阳市 赫山区" in said and "攸县" in said and "没有结果" in said
    assert caption_total(at) == sum(f["county"] == "攸县" for f in c.filings)
    # the page offers only places inside the sidebar's
    assert at.multiselect(key="ex_counties").options == ["株洲市 攸县"]
    # and no second year filter: years are the sidebar's
    assert not [m for m in at.multiselect if m.label == "年度" and m.key == "ex_years"]
    at = run_page(monkeypatch, db, "explore", year="2022")
    assert caption_total(at) == sum(f["year"] == 2022 for f in c.filings)


def test_a_table_and_its_report_are_one_subject(monkeypatch, tmp_path):
    """A department's 自评表 and 自评报告 of one year: two documents, one subject, when asked."""
    import duckdb

    from dashboard_db import build_dashboard_db

    db = tmp_path / "subjects.duckdb"
    c = build_dashboard_db(db)
    table = next(f for f in c.filings if f["doc_kind"] == "dept_self_eval" and f["county"] == "攸县")
    con = duckdb.connect(str(db))
    try:  # the same department's report of the same year, as a second document
        con.execute("""INSERT INTO filings (filing_id, source_file, source_sha256, part_index, doc_kind, title, province,
                       city, county, department, year, total_score, parse_status, is_sample)
                       SELECT 'R001', 'R001_报告.docx', 'shaR001', 0, 'self_eval_report', title, province, city, county,
                              department, year, total_score, 'ok', false FROM filings WHERE filing_id = ?""",
                    [table["filing_id"]])
    finally:
        con.close()
    at = run_page(monkeypatch, db, "explore")
    assert caption_total(at) == len(c.filings) + 1  # documents
    at = run_page(monkeypatch, db, "explore", subject="1")
    assert at.toggle(key="ex_subject").value
    heading = next(h.value for h in at.subheader if h.value.startswith("共"))
    assert heading == f"共 {len(c.filings)} 个主体"  # the table and its report: one subject
    rows = frame(at, "ex_rows")
    mine = rows[rows["filing_id"] == table["filing_id"]].iloc[0]  # the table stands for the subject
    assert mine["documents"] == 2 and mine["kinds"] == "部门整体支出绩效自评表、绩效自评报告"
    assert "R001" not in set(rows["filing_id"])


def test_a_querys_own_columns_come_first(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "explore", smin="95", emax="80", sort="exec_rate", desc="0")
    grid = next(d for d in at.dataframe if d.proto.id.endswith("-ex_rows"))
    order = list(grid.proto.column_order)
    assert order[:2] == ["total_score", "exec_rate"], order


def test_evidence_reads_as_chinese(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "quality", family="copying")
    found = frame(at, "ql_findings")
    assert len(found) and all("最高相似度：" in e and e.endswith("%") for e in found["evidence"])
    assert not any(re.search(r"[A-Za-z_]+=", str(e)) for e in found["evidence"])


def test_import_history_is_formatted(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    at = run_page(monkeypatch, db, "upload")
    log = frame(at, "up_log")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", str(t)) for t in log["ingested_at"])
    assert all(re.fullmatch(r"\d+\.\d\d", str(s)) for s in log["seconds"]) or log["seconds"].dtype.kind == "f"


def test_headline_figures_never_show_minus_zero():
    from dashboard import ui

    assert ui.num(-0.04) == "0.0" and ui.pct(-0.0004) == "0.0%" and ui.num(-1.25, 1) == "-1.2"
    assert ui.count(12345) == "12,345"


def test_count_axes_read_wan_and_never_repeat_a_tick():
    import json

    import pandas as pd

    from dashboard import charts

    big = json.loads(charts.band_bar(pd.DataFrame({"lo": [0.0, 5.0], "n": [12000, 23456]}), 5.0, "t", "x").to_json())
    ticks = big["layout"]["yaxis"]["ticktext"]
    assert "1万" in ticks and "2万" in ticks and not any(t.endswith("k") for t in ticks)
    small = json.loads(charts.band_bar(pd.DataFrame({"lo": [0.0], "n": [3]}), 5.0, "t", "x").to_json())
    vals = small["layout"]["yaxis"]["tickvals"]
    assert vals == sorted(set(vals)) and all(float(v).is_integer() for v in vals)  # 0 1 2 3 4, not 0 0 1 1 2
    # tooltips with thousands separators
    assert ":," in big["data"][0]["hovertemplate"]


def test_evidence_is_said_in_words():
    from etl.check.evidence import readable

    assert readable("偏差原因=None") == "偏差原因：未填写"
    assert readable("doc_kind=dept_target") == "文件类型：部门整体绩效目标表"
    assert readable("parse_status=partial") == "解析状态：部分解析"
    assert readable("执行率=0.6856；自评得分=97.15") == "执行率：68.56%；自评得分：97.15"
    assert readable("A=983.05；B=983.05；填报执行率=0.8554") == "全年预算数：983.05 万元；全年执行数：983.05 万元；填报执行率：85.54%"
    assert readable("相似组=47；最高相似度=1.00") == "雷同组：47；最高相似度：100%"
    assert readable("效果明显") == "效果明显" and readable(None) is None


@pytest.mark.slow
def test_problem_count_equals_the_findings_list_on_every_sample_filing(sample_county_db):
    """Over whole counties of the sample corpus, loaded as an ingest loads them (copy and soft-target
    findings written by the cross-filing refresh): the explorer's export and the findings list's export
    agree on every filing, as the marts and the base tables do."""
    from collections import Counter

    from dashboard import queries as q
    from dashboard.filtering import Filters
    from dashboard.queries import FileQueries, explorer as ex, running
    from etl.load import store
    from etl.marts import build_marts

    db, filings = sample_county_db
    with store.writer(db) as con:
        build_marts(con)
    running.USE_CACHE = False
    try:
        assert q.connect(db).has_marts
        for qs in (q.connect(db), FileQueries(db)):  # with the marts, and from the base tables
            rows = qs.run(*ex.export_sql(qs, Filters(), ex.Conditions()))
            listed = Counter(qs.run(*qs.findings_list_sql(Filters()))["filing_id"])
            assert len(rows) == len(filings)
            assert {"soft", "copying"} <= set(qs.run("SELECT DISTINCT family FROM findings")["family"])
            wrong = {fid: (n, listed.get(fid, 0)) for fid, n in rows[["filing_id", "finding_count"]].itertuples(index=False)
                     if n != listed.get(fid, 0)}
            assert not wrong, list(wrong.items())[:5]
    finally:
        running.USE_CACHE = True
