"""Re-submissions and removal (etl/load/versions.py): a corrected file under its name replaces the current
version, the same bytes under a new name rename it, `jixiao remove` takes a file out; one current filing each
time, with the new figures in the tables and the marts, the history on the filing page, nothing else changed.

Real DuckDB files, the real CLI (typer's runner), the real dashboard page (AppTest)."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.load.schema import SCHEMA_VERSION
from etl.sample.generate import generate_filings
from etl.write import render
from tests.test_dashboard_pages import run_page

runner = CliRunner()

NAME = "报告.txt"


def _filings():
    """Four self-evaluations with money (one county's department), and two of a department in another province."""
    pool = [f for f in generate_filings(80) if f.budget_adjusted and f.doc_kind.endswith("_self_eval")]
    mine, other = pool[:4], copy.deepcopy(pool[4:6])
    for f in other:
        f.province, f.city, f.county, f.department = "河北省", "石家庄市", "正定县", "正定县卫生健康局"
    return mine, other


def corrected(filings, add: float = 1.0):
    """The same filings with every 全年预算数 raised by `add` 万元 (what a department's correction changes)."""
    out = copy.deepcopy(filings)
    for f in out:
        f.budget_adjusted = round(f.budget_adjusted + add, 2)
    return out


def q(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def ingest(db, *paths, code=0):
    result = runner.invoke(app, ["ingest", *map(str, paths), "--db", str(db), "-q"])
    assert result.exit_code == code, result.output
    return result.output


def remove(db, *names, code=0):
    result = runner.invoke(app, ["remove", *map(str, names), "--db", str(db)])
    assert result.exit_code == code, result.output
    return result.output


def other_rows(db, source_file: str) -> dict[str, list]:
    """Every row of the other file, table by table (what a correction or removal of 报告.txt must not touch)."""
    out = {}
    for table in ("filings", "indicators", "sections", "spending_plan", "filing_metrics", "findings", "indicator_reasons",
                  "reason_texts", "copy_bands", "indicator_keys", "mart_facts", "mart_finding_rows"):
        out[table] = sorted(map(repr, q(db, f"SELECT * FROM {table} WHERE filing_id IN "
                                            "(SELECT filing_id FROM filings WHERE source_file = ?)", [source_file])))
    out["source_files"] = q(db, "SELECT * FROM source_files WHERE source_file = ?", [source_file])
    return out


def filing_tables(db) -> list[str]:
    return [r[0] for r in q(db, "SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'filing_id'")]


@pytest.fixture()
def setup(tmp_path):
    mine, other = _filings()
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / NAME).write_bytes(render(mine, "txt"))
    (inbox / "其他.txt").write_bytes(render(other, "txt"))
    db = tmp_path / "x.duckdb"
    ingest(db, inbox)
    assert q(db, "SELECT source_file, count(*) FROM filings GROUP BY 1 ORDER BY 1") == [("其他.txt", 2), (NAME, 4)]
    return tmp_path, inbox, db, mine


def money(db, source_file=NAME):
    return q(db, "SELECT count(*), round(sum(budget_adjusted), 2) FROM filings WHERE source_file = ?", [source_file])[0]


def mart_money(db, source_file=NAME):
    return q(db, "SELECT count(*), round(sum(budget_adjusted), 2) FROM mart_facts WHERE source_file = ?", [source_file])[0]


@pytest.mark.slow
def test_a_corrected_file_under_its_name_replaces_the_old_version(setup):
    tmp, inbox, db, mine = setup
    before_other = other_rows(db, "其他.txt")
    n, old_sum = money(db)
    old_ids = [r[0] for r in q(db, "SELECT filing_id FROM filings WHERE source_file = ? ORDER BY 1", [NAME])]
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))

    out = ingest(db, inbox / NAME)
    assert "loaded 1, duplicate 0, failed 0 (4 filings)" in out
    assert "替换了同名文件的旧版本（4 份填报" in out
    # one current version, with the new figures, in the tables and in the marts
    assert money(db) == (4, round(old_sum + 4, 2))
    assert mart_money(db) == (4, round(old_sum + 4, 2))
    assert q(db, "SELECT sum(filings) FROM mart_filings")[0][0] == 6
    assert q(db, "SELECT count(*) FROM source_files WHERE source_file = ?", [NAME]) == [(1,)]
    # nothing of the old version is current: no table of the current data names its filings
    for table in filing_tables(db):
        if not table.startswith("history_"):
            assert q(db, f"SELECT count(*) FROM {table} WHERE list_contains(?, filing_id)", [old_ids]) == [(0,)], table
    # the old version is history, linked to the new one
    new_sha = q(db, "SELECT source_sha256 FROM source_files WHERE source_file = ?", [NAME])[0][0]
    assert q(db, "SELECT source_file, change, replaced_by_file, replaced_by_sha256, current_sha256, filings FROM file_history") == [
        (NAME, "replaced", NAME, new_sha, new_sha, 4)]
    assert q(db, "SELECT count(*), round(sum(budget_adjusted), 2) FROM history_filings") == [(4, old_sum)]
    assert q(db, "SELECT count(DISTINCT filing_id) FROM history_indicators") == [(4,)]
    assert q(db, "SELECT status, note IS NOT NULL FROM ingest_log WHERE source_file = ? ORDER BY ingested_at", [NAME]) == [
        ("loaded", False), ("loaded", True)]
    assert other_rows(db, "其他.txt") == before_other
    assert n == 4


@pytest.mark.slow
def test_the_same_bytes_under_a_new_name_rename_the_file(setup):
    tmp, inbox, db, mine = setup
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))
    ingest(db, inbox / NAME)
    before_other = other_rows(db, "其他.txt")
    figures = money(db)
    ids = q(db, "SELECT filing_id FROM filings WHERE source_file = ? ORDER BY 1", [NAME])
    renamed = tmp / "更正后" / "报告_更正.txt"
    renamed.parent.mkdir()
    shutil.copy(inbox / NAME, renamed)

    out = ingest(db, renamed)
    assert "loaded 0, duplicate 1, failed 0" in out
    assert "文件名改为「报告_更正.txt」" in out
    assert money(db, NAME) == (0, None)
    assert money(db, "报告_更正.txt") == figures
    assert mart_money(db, "报告_更正.txt") == figures and mart_money(db, NAME) == (0, None)
    assert q(db, "SELECT filing_id FROM filings WHERE source_file = '报告_更正.txt' ORDER BY 1") == ids
    assert q(db, "SELECT source_file, change, replaced_by_file FROM file_history ORDER BY replaced_at") == [
        (NAME, "replaced", NAME), (NAME, "renamed", "报告_更正.txt")]
    assert q(db, "SELECT count(*) FROM filings")[0][0] == 6
    assert other_rows(db, "其他.txt") == before_other
    # the same bytes again under either name change nothing more
    ingest(db, renamed)
    assert q(db, "SELECT count(*) FROM file_history") == [(2,)]


@pytest.mark.slow
def test_the_old_bytes_sent_again_become_current_again(setup):
    tmp, inbox, db, mine = setup
    first = (inbox / NAME).read_bytes()
    _, old_sum = money(db)
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))
    ingest(db, inbox / NAME)
    (inbox / NAME).write_bytes(first)
    out = ingest(db, inbox / NAME)
    assert "loaded 1" in out
    assert money(db) == (4, old_sum) and mart_money(db) == (4, old_sum)
    # the history holds the version it replaced, not the one that is current again
    assert q(db, "SELECT count(*), round(sum(budget_adjusted), 2) FROM history_filings") == [(4, round(old_sum + 4, 2))]
    assert q(db, "SELECT count(*) FROM file_history") == [(1,)]


@pytest.mark.slow
def test_two_files_of_one_name_in_one_run_are_kept_and_a_later_one_is_not_guessed(tmp_path):
    mine, other = _filings()
    for folder, fs in (("甲", mine), ("乙", other)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / NAME).write_bytes(render(fs, "txt"))
    db = tmp_path / "x.duckdb"
    ingest(db, tmp_path / "甲", tmp_path / "乙")  # both are stored as 报告.txt (the path under the folder given)
    assert money(db)[0] == 6
    (tmp_path / "甲" / NAME).write_bytes(render(corrected(mine), "txt"))
    out = ingest(db, tmp_path / "甲")
    assert "无法确定更正的是哪一个" in out
    assert money(db)[0] == 10 and q(db, "SELECT count(*) FROM file_history") == [(0,)]


@pytest.mark.slow
def test_remove_takes_a_file_out_with_its_rows_and_versions(setup):
    tmp, inbox, db, mine = setup
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))
    ingest(db, inbox / NAME)
    before_other = other_rows(db, "其他.txt")
    ids = [r[0] for r in q(db, "SELECT filing_id FROM filings WHERE source_file = ? UNION ALL "
                               "SELECT filing_id FROM history_filings", [NAME])]
    assert len(ids) == 8

    out = remove(db, NAME)
    assert f"已删除「{NAME}」：4 份填报，连同 1 个旧版本" in out
    assert "removed 1, unknown 0" in out
    for table in filing_tables(db):
        assert q(db, f"SELECT count(*) FROM {table} WHERE list_contains(?, filing_id)", [ids]) == [(0,)], table
    assert q(db, "SELECT count(*) FROM source_files") == [(1,)]
    assert q(db, "SELECT count(*) FROM file_history") == [(0,)]
    assert q(db, "SELECT sum(filings) FROM mart_filings")[0][0] == 2
    assert q(db, "SELECT status, filings FROM ingest_log WHERE source_file = ? ORDER BY ingested_at DESC LIMIT 1",
             [NAME]) == [("removed", 4)]
    assert other_rows(db, "其他.txt") == before_other

    # an unknown name says so and changes nothing; the same file ingested again is new
    out = remove(db, NAME, code=1)
    assert f"数据库中没有名为「{NAME}」的文件" in out
    ingest(db, inbox / NAME)
    assert money(db)[0] == 4


def test_remove_by_a_path_on_disk_and_several_at_once(setup):
    tmp, inbox, db, _ = setup
    out = remove(db, inbox / "其他.txt", "不存在.txt", code=1)
    assert "已删除「其他.txt」：2 份填报" in out and "数据库中没有名为「不存在.txt」的文件" in out
    assert q(db, "SELECT source_file FROM source_files") == [(NAME,)]


def test_filing_page_shows_the_older_versions_and_an_old_link_leads_to_the_current(monkeypatch, setup):
    tmp, inbox, db, mine = setup
    old = q(db, "SELECT filing_id, budget_adjusted FROM filings WHERE source_file = ? AND part_index = 0", [NAME])[0]
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))
    ingest(db, inbox / NAME)
    new = q(db, "SELECT filing_id, budget_adjusted FROM filings WHERE source_file = ? AND part_index = 0", [NAME])[0]
    assert new[1] == round(old[1] + 1, 2)

    at = run_page(monkeypatch, db, "detail", filing=new[0])
    assert "历史版本" in [h.value for h in at.subheader]
    assert any("1 个被更正替换的旧版本" in i.value for i in at.info)
    versions = next(d.value for d in at.dataframe if "old_filing_id" in d.value.columns)
    assert list(versions["old_filing_id"]) == [old[0]]
    assert list(versions["version_change"]) == ["同名文件更正后重新提交"]
    assert list(versions["budget_adjusted"]) == [old[1]]

    at = run_page(monkeypatch, db, "detail", filing=old[0])
    assert any("已被更正后的新版本替换" in w.value for w in at.warning)
    at.button(key="dt_to_current").click().run()
    assert at.query_params.get("filing") in (new[0], [new[0]])


@pytest.mark.slow
def test_a_database_made_before_versions_opens_and_migrates(monkeypatch, setup):
    tmp, inbox, db, mine = setup
    con = duckdb.connect(str(db))
    for table in ("file_history", "history_filings", "history_indicators", "history_sections", "history_spending_plan"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE ingest_log DROP COLUMN note")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    fid = q(db, "SELECT filing_id FROM filings WHERE source_file = ? LIMIT 1", [NAME])[0][0]
    run_page(monkeypatch, db, "detail", filing=fid)  # read-only: no history tables, no history shown
    run_page(monkeypatch, db, "upload")
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))
    ingest(db, inbox / NAME)  # the writer adds the tables and the column, then replaces
    assert money(db)[0] == 4 and q(db, "SELECT count(*) FROM history_filings") == [(4,)]
    assert q(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]  # 1 -> ... -> current


def test_the_lake_refuses_a_corrected_file_and_remove_refuses_a_lake(setup):
    from etl.lake.attach import attach
    from etl.lake.from_database import export_db
    from etl.lake.ray_ingest import ingest_lake

    tmp, inbox, db, mine = setup
    lake = tmp / "lake"
    export_db(db, lake)
    (inbox / NAME).write_bytes(render(corrected(mine), "txt"))
    summary = ingest_lake([inbox / NAME], lake)  # refused before any Ray task: nothing to parse
    assert [(r.status, r.error) for r in summary.results] == [
        ("failed", f"{NAME}: 数据湖中已有同名文件的另一版本（sha256 "
                   f"{q(db, 'SELECT source_sha256 FROM source_files WHERE source_file = ?', [NAME])[0][0][:12]}）："
                   "数据湖暂不支持替换更正后的文件，本文件未导入")]
    views = tmp / "lake.duckdb"
    attach(views, lake)
    out = remove(views, NAME, code=2)
    assert "数据湖暂不支持删除文件" in out
    assert q(views, "SELECT count(*) FROM filings WHERE source_file = ?", [NAME]) == [(4,)]


@pytest.mark.slow  # a child process ingests, as the upload page does (~40 s at load 10)
def test_an_upload_of_a_corrected_file_says_it_replaced_the_old_one(monkeypatch, setup):
    from streamlit.testing.v1 import AppTest

    from dashboard.upload_runner import ingest_uploads, session_results
    from tests.test_dashboard_pages import APP

    tmp, inbox, db, mine = setup
    _, old_sum = money(db)
    up = tmp / "upload" / NAME
    up.parent.mkdir()
    up.write_bytes(render(corrected(mine), "txt"))
    results = ingest_uploads([up], db)  # the upload page's own path: `jixiao ingest` in a bounded child process
    assert [(r.status, r.filings) for r in results] == [("loaded", 4)]
    assert "替换了同名文件的旧版本" in results[0].note
    assert money(db) == (4, round(old_sum + 4, 2))
    monkeypatch.setenv("JIXIAO_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in session_results(results).items():
        at.session_state[k] = v
    at.switch_page("views/upload.py")
    at.run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if {"source_file", "status", "note"} <= set(d.value.columns))
    assert "替换了同名文件的旧版本" in shown["note"].iloc[0]
    log = next(d.value for d in at.dataframe if {"ingested_at", "note"} <= set(d.value.columns))
    assert [("替换了同名文件的旧版本" in str(v)) for v in log["note"]] == [True, False, False]  # latest first
