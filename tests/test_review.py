"""Corrections that stick: applied by the per-file step and by every save, kept across re-reads, flagged when
the file's bytes change, exported as labels that score 1.000; the source shown beside the reading.

Every filing here is made up (a project self-evaluation table as a web page copies it, tab-separated),
ingested through the real pipeline into a real DuckDB file.
"""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from etl.check import settings as settings_mod
from etl.load import store
from etl.marts import MART_SQL, mart_select, refresh_marts_for
from etl.pipeline import ingest_paths
from etl.read import read_bytes
from etl.records import Filing, Indicator
from etl.review import blobs, ledger
from etl.review.edits import (ADD_ROW, CONFIRM, DELETE_ROW, MARK, SET, Correction, CorrectionError, apply_corrections,
                              current_keys)
from etl.review.source_view import UNUSED, USED, build_view, pdf_page_image
from etl.sample.export_sample import write_export
from etl.sample.generate import generate_corpus
from etl.write import render

ROOT = Path(__file__).resolve().parents[1]
ROWS = [
    ("产出指标", "数量指标", "养护道路里程", "≥120公里", "125公里", 20, 20, ""),
    ("产出指标", "质量指标", "道路优良率", "≥85%", "88%", 20, 20, ""),
    ("产出指标", "时效指标", "养护完成时间", "2023年12月底前", "2023年11月完成", 10, 10, ""),
    ("效益指标", "社会效益指标", "群众出行时间缩短", "≥10分钟", "12分钟", 20, 20, ""),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "88%", 20, 18, "部分路段施工影响出行，下年度错峰施工"),
]


def self_eval_text(project: str = "乡村道路养护", dept: str = "某某县交通运输局", rows=ROWS, executed: int = 180,
                   extra: str = "") -> str:
    """A project self-evaluation table copied from a web page: one row a line, cells between tabs."""
    lines = [f"{dept}2023年度项目支出绩效自评表", f"项目名称\t{project}", f"主管部门\t{dept}\t实施单位\t某某县公路养护中心",
             "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
             f"\t年度资金总额\t200\t200\t{executed}\t10\t{executed / 2:g}%\t9",
             "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施"]
    lines += ["\t".join(str(v) for v in r) for r in rows]
    lines += ([extra] if extra else []) + ["总分\t\t\t\t100\t97\t"]
    return "\n".join(lines) + "\n"


def rows_of(db, fid) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT seq, name, target, score, parse_confidence FROM indicators WHERE filing_id = ? "
                           "ORDER BY seq", [fid]).fetchall()
    finally:
        con.close()


def one(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture()
def made(tmp_path):
    """Two made-up filings in two files, ingested; returns (db, folder, {file: filing_id})."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "道路养护.txt").write_text(self_eval_text(), encoding="utf-8")
    (folder / "学校维修.txt").write_text(self_eval_text(project="学校维修", dept="某某县教育局", rows=[
        ("产出指标", "数量指标", "维修校舍面积", "≥3000平方米", "3200平方米", 40, 40, ""),
        ("效益指标", "社会效益指标", "学生安全事故数", "0起", "0起", 30, 30, ""),
        ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%", "95%", 20, 20, ""),
    ]), encoding="utf-8")
    db = tmp_path / "made.duckdb"
    summary = ingest_paths([folder], db, workers=1)
    assert summary.failed == 0 and summary.loaded == 2
    ids = dict(one(db, "SELECT source_file, filing_id FROM filings"))
    return db, folder, ids


def save(db, fid, edits, who="张三", reason=None):
    with store.writer(db) as con:
        return ledger.save(con, fid, edits, who, reason)


# ------------------------------------------------------------------ applying corrections (plain functions)

def made_filing(n: int = 4) -> Filing:
    return Filing(doc_kind="project_self_eval", indicators=[
        Indicator(seq=k, name=f"指标{'甲乙丙丁戊己'[k - 1]}", target=f"≥{k}0%", weight=10, score=10, parse_confidence=0.7)
        for k in range(1, n + 1)])


def test_apply_sets_adds_deletes_and_renumbers():
    f = made_filing()
    done = apply_corrections(f, [
        Correction(kind=SET, row_key="p2", field="target", new_value="≥95%", seq=1),
        Correction(kind=ADD_ROW, row_key="a1", new_value={"after": "p1", "values": {"name": "新增", "weight": "5"}}, seq=2),
        Correction(kind=DELETE_ROW, row_key="p3", seq=3),
        Correction(kind=SET, field="total_score", new_value="88.5", seq=4),
    ])
    assert [i.name for i in f.indicators] == ["指标甲", "新增", "指标乙", "指标丁"]
    assert [i.seq for i in f.indicators] == [1, 2, 3, 4]
    assert f.indicators[2].target == "≥95%" and f.indicators[2].target_m.num == 95  # the measure follows the text
    assert f.indicators[1].weight == 5.0 and f.total_score == 88.5
    # a row a person read is right: corrected and added rows count as confirmed, the others keep the parser's value
    assert [i.parse_confidence for i in f.indicators] == [0.7, 1.0, 1.0, 0.7]
    assert done.keys == ["p1", "a1", "p2", "p4"] and not done.stale
    # the stored rows' keys are found again from the corrections alone
    assert current_keys(4, done.applied) == ["p1", "a1", "p2", "p4"]


def test_confirming_the_filing_trusts_every_row():
    f = made_filing()
    apply_corrections(f, [Correction(kind=CONFIRM, seq=1)])
    assert f.parse_confidence == 1.0 and {i.parse_confidence for i in f.indicators} == {1.0}


def test_a_reread_finds_a_row_by_its_name_or_flags_the_correction():
    """A new reading of the same bytes may shift rows: a correction follows its row's parsed name."""
    made = [Correction(kind=SET, row_key="p2", row_name="指标乙", field="score", new_value=7, seq=1),
            Correction(kind=SET, row_key="p3", row_name="不存在的行", field="score", new_value=1, seq=2)]
    f = made_filing()
    f.indicators.insert(0, Indicator(seq=0, name="新读出的一行"))  # the parser now finds one more row on top
    done = apply_corrections(f, made)
    assert [(i.name, i.score) for i in f.indicators][:3] == [("新读出的一行", None), ("指标甲", 10), ("指标乙", 7)]
    assert [c.row_name for c, _ in done.stale] == ["不存在的行"]


def test_values_are_typed_or_refused_in_chinese():
    f = made_filing()
    with pytest.raises(CorrectionError, match="分值应是数字"):
        apply_corrections(f, [Correction(kind=SET, row_key="p1", field="weight", new_value="十分", seq=1)])
    with pytest.raises(CorrectionError, match="不是可更正"):
        apply_corrections(f, [Correction(kind=SET, field="filing_id", new_value="x", seq=1)])


# ------------------------------------------------------------------ saving into a database

def test_a_save_changes_rows_findings_and_every_mart_as_a_rebuild_would(made):
    db, _, ids = made
    fid = ids["道路养护.txt"]
    before = {r for (r,) in one(db, "SELECT rule FROM findings WHERE filing_id = ?", [fid])}
    assert "VAGUE_TARGET" not in before
    result = save(db, fid, [
        Correction(kind=SET, row_key="p1", field="target", new_value="效果明显"),  # now unmeasurable
        Correction(kind=SET, row_key="p2", field="score", new_value="12"),  # deducted, no reason given
        Correction(kind=SET, field="county", new_value="东风县"),  # moves the filing to another group
        Correction(kind=ADD_ROW, new_value={"after": "p2", "values": {"level1": "产出指标", "name": "新增巡查次数",
                                                                      "target": "≥12次", "weight": 0}}),
        Correction(kind=DELETE_ROW, row_key="p3"),
    ], reason="对照原件第1页")
    assert len(result.saved) == 5
    names = [r[1] for r in rows_of(db, fid)]
    assert names == ["养护道路里程", "道路优良率", "新增巡查次数", "群众出行时间缩短", "沿线群众满意度"]
    found = one(db, "SELECT rule, family, indicator_seq FROM findings WHERE filing_id = ?", [fid])
    assert ("VAGUE_TARGET", "vague", 1) in found
    assert any(fam == "reason" and seq == 2 for _, fam, seq in found), found
    assert one(db, "SELECT county FROM mart_facts WHERE filing_id = ?", [fid]) == [("东风县",)]
    # the filing's keyed rows are replaced where they stand, never doubled or left behind
    assert one(db, "SELECT county FROM filings WHERE filing_id = ?", [fid]) == [("东风县",)]
    assert one(db, "SELECT count(*) FROM filing_metrics WHERE filing_id = ?", [fid]) == [(1,)]
    who = one(db, "SELECT DISTINCT reviewer, reason FROM corrections")
    assert who == [("张三", "对照原件第1页")]
    assert_marts_as_rebuilt(db)


def assert_marts_as_rebuilt(db) -> None:
    """The marts a save updated row by row hold what a full rebuild gives, the findings list in the same order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        for name in MART_SQL:
            cur = con.execute(f"SELECT * FROM {name}").df()
            full = con.execute(mart_select(name)).df()
            cols = [c for c in cur.columns if c != "list_order"]
            key = lambda df: df[cols].map(lambda v: round(v, 9) if isinstance(v, float) else str(v)).astype(str)\
                .sort_values(cols).reset_index(drop=True)  # noqa: E731
            assert key(cur).equals(key(full)), name
        order = "SELECT filing_id, indicator_seq, rule, message FROM {} ORDER BY list_order"
        assert con.execute(order.format("mart_finding_rows")).fetchall() == \
            con.execute(order.format(f"({mart_select('mart_finding_rows')})")).fetchall()
    finally:
        con.close()


def test_no_correction_is_anonymous(made):
    db, _, ids = made
    with pytest.raises(CorrectionError, match="不能匿名"):
        save(db, ids["道路养护.txt"], [Correction(kind=SET, field="total_score", new_value=90)], who="  ")
    assert one(db, "SELECT count(*) FROM corrections") == [(0,)]


def test_marking_a_file_takes_it_out_of_the_figures_and_keeps_the_mark(made):
    db, _, ids = made
    fid = ids["学校维修.txt"]
    save(db, fid, [Correction(kind=MARK, new_value="not_filing")], reason="是通知，不是自评表")
    assert one(db, "SELECT count(*) FROM filings WHERE filing_id = ?", [fid]) == [(0,)]
    assert one(db, "SELECT count(*) FROM mart_facts WHERE filing_id = ?", [fid]) == [(0,)]
    assert one(db, "SELECT sum(filings) FROM mart_filings") == [(1,)]
    assert one(db, "SELECT kind, new_value, state FROM corrections") == [("mark", '"not_filing"', "applied")]


def test_a_reread_applies_the_corrections_again(made):
    db, folder, ids = made
    fid = ids["道路养护.txt"]
    save(db, fid, [Correction(kind=SET, row_key="p4", field="target", new_value="≥15分钟"),
                   Correction(kind=DELETE_ROW, row_key="p1")])
    save(db, ids["学校维修.txt"], [Correction(kind=MARK, new_value="unreadable")])
    corrected = rows_of(db, fid)
    summary = ingest_paths([folder], db, workers=1, reread=True)  # e.g. after a parser upgrade
    assert summary.loaded == 2 and summary.failed == 0
    assert rows_of(db, fid) == corrected
    assert corrected[2][1:3] == ("群众出行时间缩短", "≥15分钟")
    assert one(db, "SELECT count(*) FROM filings") == [(1,)]  # the marked filing stays out
    assert one(db, "SELECT DISTINCT state FROM corrections") == [("applied",)]
    # the same bytes ingested again without --reread: a duplicate, nothing changes
    assert ingest_paths([folder], db, workers=1).duplicate == 2
    assert rows_of(db, fid) == corrected


@pytest.mark.slow
def test_changed_bytes_flag_the_corrections_instead_of_applying_them(made):
    """A corrected file under the same name replaces the version a person corrected (etl/load/versions.py):
    the correction is flagged, not put on the new reading and not lost; the new version's figures are the
    current ones everywhere; the old version's bytes sent again are read with the correction once more."""
    db, folder, ids = made
    fid = ids["道路养护.txt"]
    old_bytes = (folder / "道路养护.txt").read_bytes()
    save(db, fid, [Correction(kind=SET, row_key="p1", field="target", new_value="≥130公里"),
                   Correction(kind=SET, field="budget_executed", new_value="185")])
    assert one(db, "SELECT budget_executed FROM mart_facts WHERE filing_id = ?", [fid]) == [(185.0,)]
    (folder / "道路养护.txt").write_text(self_eval_text(executed=190), encoding="utf-8")  # re-published, other bytes
    summary = ingest_paths([folder / "道路养护.txt"], db, workers=1)
    assert summary.loaded == 1 and "替换了同名文件的旧版本" in summary.results[0].note
    states = one(db, "SELECT state, note FROM corrections ORDER BY seq")
    assert [s for s, _ in states] == ["superseded", "superseded"] and all("源文件已更新" in n for _, n in states)
    (new,), = one(db, "SELECT filing_id FROM filings WHERE source_file = '道路养护.txt'")
    assert new != fid
    assert rows_of(db, new)[0][2] == "≥120公里"  # the new version's own reading, not the old correction
    # the new figures are the current ones: in the filings, the marts and the county's totals
    assert one(db, "SELECT budget_executed FROM filings WHERE filing_id = ?", [new]) == [(190.0,)]
    assert one(db, "SELECT budget_executed FROM mart_facts WHERE filing_id = ?", [new]) == [(190.0,)]
    assert one(db, "SELECT count(*) FROM mart_facts WHERE filing_id = ?", [fid]) == [(0,)]
    # the old version, as corrected, is history
    assert one(db, "SELECT target FROM history_indicators WHERE filing_id = ? AND seq = 1", [fid]) == [("≥130公里",)]
    assert one(db, "SELECT budget_executed FROM history_filings WHERE filing_id = ?", [fid]) == [(185.0,)]
    # the old bytes again: that version is current again, read with its corrections, no longer flagged
    (folder / "道路养护.txt").write_bytes(old_bytes)
    assert ingest_paths([folder / "道路养护.txt"], db, workers=1).loaded == 1
    assert one(db, "SELECT filing_id FROM filings WHERE source_file = '道路养护.txt'") == [(fid,)]
    assert rows_of(db, fid)[0][2] == "≥130公里"
    assert one(db, "SELECT budget_executed FROM mart_facts WHERE filing_id = ?", [fid]) == [(185.0,)]
    assert one(db, "SELECT DISTINCT state, note FROM corrections") == [("applied", None)]


@pytest.mark.slow
def test_files_beside_one_another_and_renamed_files_keep_their_corrections(made, tmp_path):
    """Only a replaced version's corrections are flagged: a second file of the same name loaded beside the
    first (two folders in one run) replaces nothing, and a renamed file carries its corrections along."""
    db, folder, ids = made
    fid = ids["学校维修.txt"]
    save(db, fid, [Correction(kind=SET, row_key="p1", field="target", new_value="≥3100平方米")])
    renamed = tmp_path / "改名"
    renamed.mkdir()
    (renamed / "学校维修（定稿）.txt").write_bytes((folder / "学校维修.txt").read_bytes())
    summary = ingest_paths([renamed / "学校维修（定稿）.txt"], db, workers=1)
    assert summary.duplicate == 1 and "文件名改为" in summary.results[0].note
    assert one(db, "SELECT state, source_file FROM corrections") == [("applied", "学校维修（定稿）.txt")]
    # two files under one name (the path under each folder given), one corrected: a third file of that name
    # does not say which one it corrects, so it is loaded beside them and replaces nothing
    def folder_with(name: str, executed: int):
        d = tmp_path / name
        d.mkdir()
        (d / "维修.txt").write_text(self_eval_text(project="学校维修", dept="某某县教育局", executed=executed),
                                    encoding="utf-8")
        return d

    ingest_paths([folder_with("甲", 150), folder_with("乙", 160)], db, workers=1)
    twin = one(db, "SELECT filing_id FROM filings WHERE source_file = '维修.txt' AND budget_executed = 150")[0][0]
    save(db, twin, [Correction(kind=SET, row_key="p2", field="target", new_value="1起")])
    summary = ingest_paths([folder_with("丙", 170)], db, workers=1)
    assert summary.loaded == 1 and "无法确定更正的是哪一个" in summary.results[0].note
    assert one(db, "SELECT count(*) FROM source_files WHERE source_file = '维修.txt'") == [(3,)]
    assert one(db, "SELECT DISTINCT state FROM corrections") == [("applied",)]
    assert rows_of(db, fid)[0][2] == "≥3100平方米" and rows_of(db, twin)[1][2] == "1起"
    # reading one of them again (after a parser upgrade) is no new version either
    assert ingest_paths([tmp_path / "甲"], db, workers=1, reread=True).loaded == 1
    assert one(db, "SELECT count(*) FROM source_files WHERE source_file = '维修.txt'") == [(3,)]
    assert one(db, "SELECT DISTINCT state FROM corrections") == [("applied",)] and rows_of(db, twin)[1][2] == "1起"


# ------------------------------------------------------------------ labels

@pytest.mark.slow
def test_reviewed_filings_export_as_labels_that_score_one(made, tmp_path):
    db, _, ids = made
    save(db, ids["道路养护.txt"], [Correction(kind=SET, row_key="p2", field="score", new_value="15"),
                                  Correction(kind=SET, field="county", new_value="东风县"),
                                  Correction(kind=CONFIRM)])
    save(db, ids["学校维修.txt"], [Correction(kind=SET, row_key="p1", field="actual", new_value="3100平方米")])
    out = tmp_path / "labels"
    cli = [sys.executable, "-m", "etl.cli"]
    run = subprocess.run(cli + ["corrections", "export", str(out), "--db", str(db)], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    labels = sorted(out.glob("*.json"))
    assert [p.name for p in labels] == ["道路养护__000.json"]  # only the filing confirmed as a whole
    label = json.loads(labels[0].read_text(encoding="utf-8"))
    assert label["file"] == "道路养护.txt" and label["region"]["county"] == "东风县"
    assert label["indicators"][1]["score"] == 15
    scored = subprocess.run(cli + ["score", "--labels", str(out), "--db", str(db)], cwd=ROOT, capture_output=True,
                            text=True)
    assert scored.stdout.strip().splitlines()[-1] == "fields=1.000 rows_f1=1.000 filings=1/1"


# ------------------------------------------------------------------ the source beside the reading

def test_a_copy_of_each_file_is_kept_and_checked(made, tmp_path, monkeypatch):
    db, folder, _ = made
    con = duckdb.connect(str(db), read_only=True)
    try:
        sha = con.execute("SELECT source_sha256 FROM source_files WHERE source_file = '道路养护.txt'").fetchone()[0]
        assert blobs.fetch(con, sha) == (folder / "道路养护.txt").read_bytes()
        codec, data = con.execute("SELECT codec, data FROM source_blobs WHERE source_sha256 = ?", [sha]).fetchone()
    finally:
        con.close()
    assert blobs.unpack(codec, data, "0" * 64) is None  # other bytes than the ones hashed are never shown
    # the bound: files over [review] source_copy_mb get no copy (0: none at all)
    own = tmp_path / "settings.toml"
    own.write_text("[review]\nsource_copy_mb = 0\n", encoding="utf-8")
    monkeypatch.setenv(settings_mod.SETTINGS_ENV, str(own))
    other = tmp_path / "other.duckdb"
    ingest_paths([folder], other, workers=1)
    assert one(other, "SELECT count(*) FROM source_blobs") == [(0,)]


def test_the_source_view_marks_used_cells_and_numbers_left_unread(made):
    db, folder, ids = made
    text = self_eval_text(extra="备注：另有配套资金35万元")  # a number-bearing line the reading does not use
    doc = read_bytes(text.encode("utf-8"), "道路养护.txt")
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("SELECT * FROM filings WHERE filing_id = ?", [ids["道路养护.txt"]])
        filing = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        cur = con.execute("SELECT * FROM indicators WHERE filing_id = ? ORDER BY seq", [ids["道路养护.txt"]])
        rows = [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
    finally:
        con.close()
    view = build_view(doc, filing, rows, [filing])
    by_text = {r.cells[0] if r.cells[0] else r.cells[1]: r for r in view.rows}
    first = next(r for r in view.rows if "养护道路里程" in r.cells)
    assert first.state == USED and first.seqs == [1]
    assert {first.cells[j] for j in first.used_cells} >= {"养护道路里程", "≥120公里", "125公里", "20"}
    assert by_text["备注：另有配套资金35万元"].state == UNUSED
    money = next(r for r in view.rows if "年度资金总额" in r.cells)
    assert money.state == USED and {money.cells[j] for j in money.used_cells} >= {"200", "180"}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
def test_every_row_read_is_found_again_in_the_source(tmp_path, fmt):
    """The side by side finds each indicator row in the file it was read from, by the provenance stored,
    in every format; a PDF page is drawn with a box around the cells read."""
    f = Filing(doc_kind="project_self_eval", project="乡村道路养护", department="某某县交通运输局", year=2023,
               budget_adjusted=200, budget_executed=180, indicators=[
                   Indicator(seq=k + 1, level1=r[0], level2=r[1], name=r[2], target=r[3], actual=r[4], weight=r[5],
                             score=r[6], reason=r[7] or None) for k, r in enumerate(ROWS)])
    data = render(f, fmt)
    (tmp_path / f"道路.{fmt}").write_bytes(data)
    db = tmp_path / "fmt.duckdb"
    assert ingest_paths([tmp_path / f"道路.{fmt}"], db, workers=1).loaded == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("SELECT * FROM filings")
        filing = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        cur = con.execute("SELECT * FROM indicators ORDER BY seq")
        rows = [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
    finally:
        con.close()
    view = build_view(read_bytes(data, f"道路.{fmt}"), filing, rows, [filing])
    used = [r for r in view.rows if r.state == USED and r.seqs]
    assert [r.seqs for r in used] == [[k + 1] for k in range(len(ROWS))]
    assert {"养护道路里程", "≥120公里"} <= {used[0].cells[j] for j in used[0].used_cells}
    if fmt != "pdf":
        return
    assert view.pages == [1]
    png = Image.open(io.BytesIO(pdf_page_image(data, 1, view.rows, scale=1.0))).convert("RGB")
    box = next(b for j, b in enumerate(used[0].cell_boxes) if b and j in used[0].used_cells)
    near = {png.getpixel((x, y)) for x in range(int(box[0]) - 5, int(box[0]) + 5)
            for y in range(int(box[1]) - 5, int(box[1]) + 5)}
    assert (46, 160, 67) in near  # the green outline of a cell that was read


@pytest.mark.slow
def test_a_recheck_keeps_the_corrected_reading(made):
    """`jixiao check` re-runs every rule over the stored rows, which are the corrected reading."""
    db, _, ids = made
    fid = ids["道路养护.txt"]
    save(db, fid, [Correction(kind=SET, row_key="p1", field="target", new_value="效果明显")])
    corrected = rows_of(db, fid)
    run = subprocess.run([sys.executable, "-m", "etl.cli", "check", "--db", str(db)], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert rows_of(db, fid) == corrected
    assert ("VAGUE_TARGET", 1) in one(db, "SELECT rule, indicator_seq FROM findings WHERE filing_id = ?", [fid])
    assert one(db, "SELECT count(*) FROM mart_finding_rows WHERE filing_id = ? AND rule = 'VAGUE_TARGET'", [fid]) == [(1,)]


@pytest.mark.slow
def test_a_save_keeps_each_project_once_beside_a_structured_import(tmp_path):
    """Published filings whose projects the budget system's export also holds (etl/structured/twins.py): a
    correction of either copy keeps the published one left out and the import's TWIN_DIFFERS finding; marking
    the import as not a filing counts the published copy again at once."""
    corpus = tmp_path / "sample"
    generate_corpus(corpus, seed=2024, counties=1, departments_per_county=2, years=(2023,))
    write_export(corpus / "export", seed=2024, departments_per_county=2, years=(2023,))
    db = tmp_path / "both.duckdb"
    assert ingest_paths([corpus], db).failed == 0
    doc, imported = one(db, """SELECT t.filing_id, t.structured_id FROM filing_twins t
                               JOIN findings x ON x.filing_id = t.structured_id AND x.rule = 'TWIN_DIFFERS'
                               ORDER BY 1 LIMIT 1""")[0]
    counted = "SELECT sum(n) FROM mart_units WHERE unit_kind = 'all' AND grain = 7"
    shown = one(db, counted)[0][0]
    save(db, doc, [Correction(kind=SET, field="total_score", new_value=88)])
    assert one(db, "SELECT superseded FROM filings WHERE filing_id = ?", [doc]) == [(True,)]
    save(db, imported, [Correction(kind=SET, field="total_score", new_value=87)])
    assert one(db, "SELECT count(*) FROM findings WHERE filing_id = ? AND rule = 'TWIN_DIFFERS'", [imported]) == [(1,)]
    assert one(db, counted)[0][0] == shown  # each project once, as before
    assert_marts_as_rebuilt(db)
    save(db, imported, [Correction(kind=MARK, new_value="not_filing")])
    assert one(db, "SELECT superseded FROM filings WHERE filing_id = ?", [doc]) == [(False,)]
    assert one(db, "SELECT count(*) FROM filing_twins WHERE structured_id = ?", [imported]) == [(0,)]
    assert one(db, counted)[0][0] == shown  # the import left, its published copy came back
    assert one(db, "SELECT count(*) FROM mart_facts WHERE filing_id = ? AND superseded IS NOT TRUE", [doc]) == [(1,)]
    assert_marts_as_rebuilt(db)


def test_a_save_over_marts_of_an_older_shape_builds_them_whole_with_a_full_builds_memory(made):
    """Marts of an older shape are built whole at the next save, inside the caller's full-build memory
    (the writer's own limit bounds an ingest's refresh, not a build of every mart of a large database)."""
    from etl.marts import MARTS_VERSION, MARTS_VERSION_KEY

    db, _, ids = made
    fid = ids["道路养护.txt"]
    con = store.connect(db)
    try:
        con.execute("UPDATE meta SET value = 'older' WHERE key = ?", [MARTS_VERSION_KEY])
        limit = lambda c: c.execute("SELECT memory_limit FROM pragma_database_size()").fetchone()[0]  # noqa: E731
        writer_limit = limit(con)  # what the buffer manager holds to, not only what the setting says
        seen = []

        @contextlib.contextmanager
        def whole(c):
            with store.rebuild_memory(c):
                seen.append(limit(c))
                yield

        group = con.execute("SELECT province, city, county, year, doc_kind, department FROM filings "
                            "WHERE filing_id = ?", [fid]).fetchone()
        con.execute("BEGIN TRANSACTION")
        refresh_marts_for(con, [fid], [group], whole=whole)
        con.execute("COMMIT")
        assert len(seen) == 1 and seen[0] != writer_limit  # entered once, around the whole build, with more memory
        assert con.execute("SELECT value FROM meta WHERE key = ?", [MARTS_VERSION_KEY]).fetchone() == (MARTS_VERSION,)
        assert limit(con) == writer_limit  # put back
    finally:
        con.close()
    assert_marts_as_rebuilt(db)
