"""Bad input: a clear reason naming the file, the rest of the batch loads, exit code 1."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from etl.cli import app
from tests.conftest import SEED_000, SEED_003, query

runner = CliRunner()


def make_batch(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SEED_003, batch / "good.txt")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (batch / "notafiling.txt").write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8")
    (batch / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (batch / "broken.xlsx").write_bytes(b"this is not a workbook")
    return batch


def test_bad_files_fail_with_reasons_and_the_good_one_loads(tmp_path):
    batch = make_batch(tmp_path)
    db = tmp_path / "x.duckdb"
    result = runner.invoke(app, ["ingest", str(batch), "--db", str(db), "--quiet"])
    assert result.exit_code == 1
    assert "loaded 1, duplicate 0, failed 5" in result.output
    log = dict(query(db, "SELECT source_file, error FROM ingest_log WHERE status = 'failed'"))
    assert set(log) == {"empty.txt", "binary.txt", "notafiling.txt", "old.doc", "broken.xlsx"}
    assert "文件为空" in log["empty.txt"]
    assert "二进制" in log["binary.txt"] or "编码" in log["binary.txt"]
    assert "没有找到绩效文件" in log["notafiling.txt"]
    assert "DOCX" in log["old.doc"]
    assert all(err.startswith(name) for name, err in log.items())  # every reason names its file
    assert "Traceback" not in result.output
    # the good file is complete
    assert query(db, "SELECT count(*) FROM filings WHERE source_file = 'good.txt'") == [(3,)]
    assert query(db, "SELECT count(*) FROM filings WHERE source_file <> 'good.txt'") == [(0,)]


def test_gbk_and_bom_encoded_copies_parse_like_the_original(tmp_path):
    text = SEED_003.read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    db = tmp_path / "enc.duckdb"
    result = runner.invoke(app, ["ingest", str(tmp_path / "gbk.txt"), str(tmp_path / "bom.txt"), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    scores = query(db, "SELECT source_file, total_score FROM filings WHERE doc_kind = 'dept_self_eval' ORDER BY 1")
    assert scores == [("bom.txt", 93.0), ("gbk.txt", 93.0)]


def test_same_bytes_twice_change_nothing(tmp_path):
    db = tmp_path / "idem.duckdb"
    first = runner.invoke(app, ["ingest", str(SEED_000), str(SEED_003), "--db", str(db), "-q"])
    assert first.exit_code == 0
    counts = lambda: query(db, "SELECT (SELECT count(*) FROM filings), (SELECT count(*) FROM indicators), (SELECT count(*) FROM findings)")
    before = counts()
    # same bytes under another name are the same filing
    copy = tmp_path / "renamed.txt"
    shutil.copy(SEED_003, copy)
    again = runner.invoke(app, ["ingest", str(SEED_000), str(copy), "--db", str(db), "-q"])
    assert again.exit_code == 0
    assert "loaded 0, duplicate 2, failed 0" in again.output
    assert counts() == before
    assert query(db, "SELECT status, count(*) FROM ingest_log GROUP BY 1 ORDER BY 1") == [("duplicate", 2), ("loaded", 2)]


def test_rebuilding_from_scratch_gives_the_same_rows(tmp_path):
    dumps = []
    for k in range(2):
        db = tmp_path / f"r{k}.duckdb"
        assert runner.invoke(app, ["ingest", str(SEED_003), str(SEED_000), "--db", str(db), "-q"]).exit_code == 0
        dumps.append(
            (
                query(db, "SELECT * EXCLUDE (parse_notes) FROM filings ORDER BY filing_id"),
                query(db, "SELECT * FROM indicators ORDER BY filing_id, seq"),
                query(db, "SELECT * FROM findings ORDER BY ALL"),
            )
        )
    assert dumps[0] == dumps[1]
    assert len(dumps[0][0]) == 7


@pytest.mark.slow
def test_real_command_line_prints_summary_and_exit_code(tmp_path):
    db = tmp_path / "cli.duckdb"
    exe = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"
    ok = subprocess.run([exe, "ingest", str(SEED_003), "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "loaded 1, duplicate 0, failed 0 (3 filings)" in ok.stdout
    missing = subprocess.run([exe, "ingest", str(tmp_path / "nope.txt"), "--db", str(db), "-q"], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1
    assert "找不到路径" in missing.stderr
