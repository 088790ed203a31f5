"""Structured imports beside published documents: each project once, the differences reported, and the
dashboard's source filter, badges and upload results (AppTest over a database built by `ingest`)."""
from __future__ import annotations

import json

import duckdb
import pytest

from dashboard.upload_runner import ingest_uploads, session_results
from etl.pipeline import ingest_paths
from etl.sample.export_sample import FILE_NAME, write_export
from etl.sample.generate import generate_corpus
from tests.structured_files import HEADER, ROWS, write, xlsx_bytes
from tests.test_dashboard_pages import frame, metric, run_page


@pytest.fixture(scope="module")
def both_db(tmp_path_factory):
    """One county's published filings and, for its projects, the budget system's export (the sample's own)."""
    root = tmp_path_factory.mktemp("both")
    corpus = root / "sample"
    generate_corpus(corpus, seed=2024, counties=1, departments_per_county=2, years=(2023,))
    manifest = write_export(corpus / "export", seed=2024, departments_per_county=2, years=(2023,))
    db = root / "jixiao.duckdb"
    summary = ingest_paths([corpus], db)
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    return db, manifest


def q(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_an_imported_project_and_its_published_copy_are_one_project(both_db):
    db, manifest = both_db
    n_structured = q(db, "SELECT count(*) FROM filings WHERE source_kind = 'structured'")[0][0]
    assert n_structured == manifest["filings"] > 0
    twins = q(db, """SELECT t.match, s.project_code IS NOT DISTINCT FROM d.project_code, s.project = d.project,
                            s.doc_kind = d.doc_kind, d.source_kind, s.source_kind
                     FROM filing_twins t JOIN filings d ON d.filing_id = t.filing_id
                     JOIN filings s ON s.filing_id = t.structured_id""")
    assert len(twins) == n_structured  # every exported project was also published (and read back)
    # target tables print the 项目编码 (matched by code); the self-evaluations do not (department, name, year)
    assert {m for m, *_ in twins} == {"code", "name"}
    assert all((same_code if m == "code" else same_name) and same_kind and (dk, sk) == ("document", "structured")
               for m, same_code, same_name, same_kind, dk, sk in twins)
    assert q(db, "SELECT count(*) FROM filings WHERE superseded")[0][0] == len(twins)
    # the projects whose export states another budget: a finding on the import, both values named
    for changed in manifest["budget_changed"]:
        msgs = q(db, """SELECT x.message FROM findings x JOIN filings f USING (filing_id)
                        WHERE x.rule = 'TWIN_DIFFERS' AND f.project = ? AND f.department = ? AND f.doc_kind = ?""",
                 [changed["project"], changed["department"], changed["doc_kind"]])
        assert msgs, changed
        assert f"全年预算数：系统导出为{changed['budget_adjusted']:g}，公开文件为{changed['published']:g}" in msgs[0][0]
    # a superseded published copy is in no count: the marts hold it apart and every query leaves it out
    assert q(db, "SELECT count(*) FROM filings WHERE superseded AND filing_id IN (SELECT filing_id FROM copy_clusters)") == [(0,)]


def test_overview_counts_each_project_once_and_shows_both_sources(monkeypatch, both_db):
    db, _ = both_db
    shown = q(db, "SELECT count(*) FROM filings WHERE NOT superseded")[0][0]
    structured = q(db, "SELECT count(*) FROM filings WHERE source_kind = 'structured'")[0][0]
    at = run_page(monkeypatch, db)
    assert metric(at, "填报数") == f"{shown:,}"
    badges = [b.proto.body for b in at.get("badge")] if at.get("badge") else [m.value for m in at.markdown]
    text = " ".join(str(b) for b in badges)
    assert f"系统导出 {structured:,}" in text and f"公开文件 {shown - structured:,}" in text


def test_source_filter_on_overview_and_explorer(monkeypatch, both_db):
    db, _ = both_db
    structured = q(db, "SELECT count(*) FROM filings WHERE source_kind = 'structured'")[0][0]
    at = run_page(monkeypatch, db, source="structured")
    assert metric(at, "填报数") == f"{structured:,}"
    at = run_page(monkeypatch, db, "explore", source="document")
    tables = [d.value for d in at.dataframe if "source_kind" in d.value.columns]
    assert tables, "the explorer lists the source kind"
    assert set(tables[0]["source_kind"]) == {"公开文件"}


def test_filing_page_says_which_copy_counts(monkeypatch, both_db):
    db, _ = both_db
    doc, structured = q(db, "SELECT filing_id, structured_id FROM filing_twins ORDER BY 1 LIMIT 1")[0]
    at = run_page(monkeypatch, db, "detail", filing=doc)
    assert any("统计中以系统导出为准" in i.value for i in at.info)
    at = run_page(monkeypatch, db, "detail", filing=structured)
    assert any("统计中只计这份系统导出" in i.value for i in at.info)


@pytest.mark.slow
def test_upload_page_shows_each_files_result_with_row_errors(monkeypatch, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good = write(tmp_path / "a" / "导出.xlsx", xlsx_bytes(HEADER, ROWS))
    rows = [list(r) for r in ROWS]
    rows[2][12] = "三十"
    bad = write(tmp_path / "b" / "坏导出.xlsx", xlsx_bytes(HEADER, rows))
    db = tmp_path / "u.duckdb"
    results = ingest_uploads([good, bad], db)
    assert [r.status for r in results] == ["loaded", "failed"]
    monkeypatch.setenv("JIXIAO_DB", str(db))
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_pages import APP

    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in session_results(results).items():
        at.session_state[k] = v
    at.switch_page("views/upload.py")
    at.run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label in ("已导入", "失败")] == ["1", "1"]
    texts = "\n".join(t.value for t in at.text)
    assert "坏导出.xlsx：工作表「项目绩效目标」 第5行 M列「权重」：权重「三十」不是数字" in texts
    shown = next(d.value for d in at.dataframe if {"source_file", "status", "filings"} <= set(d.value.columns))
    assert list(shown["source_file"]) == ["导出.xlsx", "坏导出.xlsx"]
    assert json.dumps(list(shown["status"]), ensure_ascii=False) == json.dumps(["已导入", "失败"], ensure_ascii=False)
