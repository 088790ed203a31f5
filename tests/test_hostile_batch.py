"""Hostile input and concurrent use (issue 11): every input ends in one log row, nothing hangs.

The real `jixiao` command runs in a subprocess against a real DuckDB file;
workers are real processes, killed for real.
"""
from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl.load import store
from tests.conftest import SEED_000, SEED_003, query
from tests.hostile_files import hostile_with_wrappings, write_hostile
from tests.worker_processes import children, kill_all, lock_is_free, slow_reports, wait_gone

EXE = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"
GB = 1024 * 1024 * 1024


def jixiao(*args, timeout=300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kw)


def log_rows(db: Path) -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list] = {}
    for name, status, error in query(db, "SELECT source_file, status, error FROM ingest_log"):
        out.setdefault(name, []).append((status, error))
    return out


def check_outcomes(db: Path, cases: dict, output: str) -> None:
    rows = log_rows(db)
    assert set(rows) == set(cases), (set(rows) ^ set(cases))
    for name, case in cases.items():
        assert len(rows[name]) == 1, (name, rows[name])
        status, error = rows[name][0]
        if case.expect == "any":
            continue
        assert status == case.expect, (name, status, error)
        if status == "failed":
            assert error.startswith(name + ": "), error  # the reason names the file
            for word in case.reason:
                assert word in error, (name, word, error)
            assert "Traceback" not in error
    assert "Traceback" not in output


def _run_hostile(tmp_path: Path, huge: bool):
    batch = tmp_path / "batch"
    cases = write_hostile(batch, huge=huge)
    db = tmp_path / "h.duckdb"
    started = time.monotonic()
    run = jixiao("ingest", batch, "--db", db, "-q")
    elapsed = time.monotonic() - started
    check_outcomes(db, cases, run.stdout + run.stderr)
    loaded = sum(1 for c in cases.values() if c.expect == "loaded")
    failed = sum(1 for c in cases.values() if c.expect == "failed")
    assert run.returncode == 1
    assert f"loaded {loaded}, duplicate 0, failed {failed}" in run.stdout
    # the good files are complete; nothing of a failed one is stored
    assert query(db, "SELECT count(*) FROM filings WHERE source_file = 'good.txt'") == [(3,)]
    assert query(db, "SELECT count(*) FROM source_files") == [(loaded,)]
    # NUL bytes never reach stored text
    assert query(db, "SELECT count(*) FROM sections WHERE contains(text, chr(0))") == [(0,)]
    # every process of the run (ingest and its workers) stayed under 1.5 GB
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < 1.5 * GB, peak
    return elapsed


@pytest.mark.slow
def test_hostile_batch_quick(tmp_path):
    elapsed = _run_hostile(tmp_path, huge=False)
    assert elapsed < 120


@pytest.mark.slow
def test_hostile_batch_with_huge_files(tmp_path):
    elapsed = _run_hostile(tmp_path, huge=True)
    assert elapsed < 240


@pytest.mark.slow
def test_a_path_per_argument_kind_is_logged(tmp_path):
    """Missing paths, a FIFO given directly, and an empty folder: a row or a clear hint, never a hang."""
    db = tmp_path / "a.duckdb"
    os.mkfifo(tmp_path / "fifo.txt")
    run = jixiao("ingest", tmp_path / "nope.txt", tmp_path / "fifo.txt", SEED_003, "--db", db, "-q", timeout=60)
    assert run.returncode == 1
    assert "找不到路径" in run.stderr
    rows = log_rows(db)
    assert rows["nope.txt"][0][0] == "failed" and "不存在" in rows["nope.txt"][0][1]
    assert rows["fifo.txt"][0][0] == "failed" and "FIFO" in rows["fifo.txt"][0][1]
    assert rows[SEED_003.name][0][0] == "loaded"
    empty = tmp_path / "empty"
    empty.mkdir()
    run = jixiao("ingest", empty, "--db", db, "-q", timeout=60)
    assert run.returncode == 1
    assert "没有找到可导入的文件" in run.stderr


@pytest.mark.slow
def test_same_name_in_two_folders_is_told_apart_and_scoring_still_matches(tmp_path):
    batch = tmp_path / "batch"
    for sub, seed in (("a", SEED_000), ("b", SEED_003)):
        (batch / sub).mkdir(parents=True)
        shutil.copy(seed, batch / sub / "filing.txt")
    db = tmp_path / "n.duckdb"
    run = jixiao("ingest", batch, "--db", db, "-q")
    assert run.returncode == 0, run.stderr
    assert sorted(query(db, "SELECT DISTINCT source_file FROM filings")) == [("a/filing.txt",), ("b/filing.txt",)]


@pytest.mark.slow
def test_killed_and_hung_workers_never_stall_the_batch(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    slow_reports(batch, 4, 4, prefix="a_slow_")
    shutil.copy(SEED_000, batch / "z_good0.txt")
    shutil.copy(SEED_003, batch / "z_good3.txt")
    for k in range(4):
        (batch / f"z_plain{k}.txt").write_text(f"第{k}份说明，不是绩效文件。\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen([EXE, "ingest", str(batch), "--db", str(db), "-q", "--workers", "2", "--max-seconds", "40"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = children(proc.pid)
        time.sleep(0.05)
    assert len(workers) == 2
    time.sleep(1.0)  # both are inside a multi-second report now
    os.kill(workers[0], signal.SIGKILL)  # the kernel's OOM killer does the same
    os.kill(workers[1], signal.SIGSTOP)  # a worker that hangs forever
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in out + err
    rows = log_rows(db)
    assert len(rows) == 10 and all(len(v) == 1 for v in rows.values())
    failed = {k: v[0][1] for k, v in rows.items() if v[0][0] == "failed"}
    assert sum("解析进程被系统终止" in e for e in failed.values()) == 1, failed
    assert sum("解析超时（40 秒没有任何进展）" in e for e in failed.values()) == 1, failed
    assert rows["z_good0.txt"][0][0] == rows["z_good3.txt"][0][0] == "loaded"
    assert "loaded" in out


@pytest.mark.slow
def test_memory_and_time_limits_name_the_limit(tmp_path):
    db = tmp_path / "m.duckdb"
    run = jixiao("ingest", SEED_000, "--db", db, "-q", "--max-memory-mb", "5")
    assert run.returncode == 1
    assert "内存超过 5 MB" in log_rows(db)[SEED_000.name][0][1]
    run = jixiao("ingest", SEED_003, "--db", db, "-q", "--max-seconds", "0.01")
    assert run.returncode == 1
    assert "解析超时（CPU 时间超过 0.01 秒）" in log_rows(db)[SEED_003.name][0][1]


@pytest.fixture(scope="module")
def full_corpus(tmp_path_factory):
    """The synthetic sample corpus, generated once for the tests that take subsets of it."""
    from etl.sample.generate import generate_corpus

    full = tmp_path_factory.mktemp("corpus") / "full"
    return full, generate_corpus(full, seed=2024)


def _sample_subset(tmp_path: Path, n: int, corpus) -> Path:
    full, manifest = corpus
    # files with copied indicators and the files they copied from, so the subset holds copy clusters
    by_key = {f["key"]: entry["file"] for entry in manifest.files for f in entry["filings"]}
    chosen: list[str] = []
    for entry in manifest.files:
        for f in entry["filings"]:
            for d in f["defects"]:
                if d["code"] == "copied_indicators" and len(chosen) < n // 2:
                    src = d["detail"].split("「", 1)[-1].split("」", 1)[0]
                    chosen += [entry["file"], by_key.get(src, entry["file"])]
    chosen += [e["file"] for e in manifest.files]
    sub = tmp_path / "subset"
    sub.mkdir()
    for name in list(dict.fromkeys(chosen))[:n]:
        shutil.copy(full / name, sub / name)
    return sub


def _snapshot(db: Path):
    return (
        query(db, "SELECT source_sha256 FROM source_files ORDER BY 1"),
        query(db, "SELECT filing_id, count(*) FROM indicators GROUP BY 1 ORDER BY 1"),
        query(db, "SELECT count(*) FROM findings"),
        query(db, "SELECT cluster_id, filing_id FROM copy_clusters ORDER BY 1, 2"),
    )


def _consistent(db: Path) -> None:
    # killed before the new database's tables were committed (one transaction): an empty database
    tables = {r[0] for r in query(db, "SELECT table_name FROM information_schema.tables")}
    if "source_files" not in tables:
        assert tables == set(), tables  # never a part of the tables
        return
    # every stored file has exactly one 'loaded' log row and all its filings; no orphan rows
    assert query(db, """
        SELECT count(*) FROM source_files s
        WHERE (SELECT count(*) FROM ingest_log l WHERE l.source_sha256 = s.source_sha256 AND l.status = 'loaded') <> 1
    """) == [(0,)]
    assert query(db, "SELECT count(*) FROM filings f LEFT JOIN source_files s USING (source_sha256) WHERE s.source_sha256 IS NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM indicators i LEFT JOIN filings f USING (filing_id) WHERE f.filing_id IS NULL") == [(0,)]
    assert query(db, """
        SELECT count(*) FROM ingest_log l LEFT JOIN source_files s USING (source_sha256)
        WHERE l.status = 'loaded' AND s.source_sha256 IS NULL
    """) == [(0,)]


@pytest.mark.slow
def test_sigkill_at_random_moments_then_rerun_completes_everything(tmp_path, full_corpus):
    corpus = _sample_subset(tmp_path, 36, full_corpus)
    ref = tmp_path / "ref.duckdb"
    started = time.monotonic()
    assert jixiao("ingest", corpus, "--db", ref, "-q").returncode == 0
    full_run = time.monotonic() - started
    expected = _snapshot(ref)
    assert expected[3], "the subset should hold copy clusters"

    db = tmp_path / "k.duckdb"
    rng = random.Random(11)
    try:
        for _ in range(10):
            proc = subprocess.Popen([EXE, "ingest", str(corpus), "--db", str(db), "-q"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, max(1.0, full_run * 0.6)))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            # its parse workers die with it, and the writer lock is free for the next ingest at once
            assert wait_gone(str(db)) == []
            assert lock_is_free(db)
            if db.exists():
                _consistent(db)
    finally:
        kill_all(str(db))
    final = jixiao("ingest", corpus, "--db", db, "-q")
    assert final.returncode == 0, final.stderr
    _consistent(db)
    assert _snapshot(db) == expected
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'copies_pending'") == [(0,)]


@pytest.mark.slow
def test_two_ingests_at_once_take_turns(tmp_path, full_corpus):
    """While one ingest holds a database, an impatient one gives up with exit code 2 and a patient
    one says it waits, then loads its files once the first is done.

    The first writer holds the very lock `jixiao ingest` takes (store.ingest_lock) until the others
    have shown what they do: the test does not depend on how long a process takes to start or an
    ingest to run (40 files once outlasted two process start-ups; with faster PDF pages they no longer do)."""
    corpus = _sample_subset(tmp_path, 40, full_corpus)
    db = tmp_path / "two.duckdb"
    assert jixiao("ingest", corpus, "--db", db, "-q").returncode == 0  # the database exists, 40 files in it
    with store.ingest_lock(db):  # an ingest is writing
        impatient = jixiao("ingest", SEED_000, "--db", db, "-q", "--wait", "0.5")
        second = subprocess.Popen([EXE, "ingest", str(SEED_000), str(SEED_003), "--db", str(db), "-q"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said: list[str] = []
        reader = threading.Thread(target=lambda: said.extend(second.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not any("等待它完成" in line for line in said) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert second.poll() is None, "the second ingest waits while the first writes"
    out, _ = second.communicate(timeout=300)
    reader.join(timeout=10)
    assert impatient.returncode == 2
    assert "另一个导入正在写入" in impatient.stderr and "Traceback" not in impatient.stderr
    assert second.returncode == 0, "".join(said)
    assert any("等待它完成" in line for line in said) and not any("Traceback" in line for line in said)
    assert "loaded 2, duplicate 0, failed 0" in out
    assert query(db, "SELECT count(*) FROM source_files") == [(42,)]


@pytest.mark.slow
def test_government_xls_wrappings_are_read(tmp_path):
    cases = hostile_with_wrappings(tmp_path / "wrap")
    db = tmp_path / "x.duckdb"
    run = jixiao("ingest", tmp_path / "wrap", "--db", db, "-q")
    check_outcomes(db, cases, run.stdout + run.stderr)


def test_pdf_with_only_an_owner_password_is_read():
    """Restrictions without an open password (common on government PDFs) do not stop reading.

    (Chinese CID fonts under RC4, which pdfminer decodes as (cid:…), are read through PDFium:
    tests/test_read_formats.py.)
    """
    import io

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    from etl.read.pdf import read_pdf

    buf = io.BytesIO()
    enc = StandardEncryption(userPassword="", ownerPassword="owner-only", canPrint=1, canModify=0, canCopy=0, strength=128)
    c = canvas.Canvas(buf, encrypt=enc)
    c.drawString(72, 720, "Self-evaluation score 93")
    c.save()
    doc = read_pdf(buf.getvalue(), "owner.pdf")
    assert [r.texts for r in doc.rows] == [["Self-evaluation score 93"]]


@pytest.mark.slow
def test_a_run_killed_before_copy_detection_is_finished_by_the_next(tmp_path, full_corpus):
    """The state a kill leaves after the last file commits: files in, marker set, no clusters.
    The next ingest, with nothing new to load, finishes the copy detection."""
    import duckdb

    corpus = _sample_subset(tmp_path, 24, full_corpus)
    db = tmp_path / "c.duckdb"
    assert jixiao("ingest", corpus, "--db", db, "-q").returncode == 0
    clusters = query(db, "SELECT cluster_id, filing_id FROM copy_clusters ORDER BY 1, 2")
    copying = query(db, "SELECT count(*) FROM findings WHERE family = 'copying'")
    assert clusters and copying[0][0] > 0
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM copy_clusters")
    con.execute("DELETE FROM findings WHERE family = 'copying'")
    con.execute("INSERT INTO meta VALUES ('copies_pending', 'killed-run')")
    con.close()
    again = jixiao("ingest", corpus, "--db", db, "-q")
    assert again.returncode == 0, again.stderr
    assert "loaded 0, duplicate 24, failed 0" in again.stdout
    assert query(db, "SELECT cluster_id, filing_id FROM copy_clusters ORDER BY 1, 2") == clusters
    assert query(db, "SELECT count(*) FROM findings WHERE family = 'copying'") == copying
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'copies_pending'") == [(0,)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_logged(tmp_path):
    secret = tmp_path / "secret.txt"
    shutil.copy(SEED_000, secret)
    secret.chmod(0)
    db = tmp_path / "u.duckdb"
    run = jixiao("ingest", secret, "--db", db, "-q")
    assert run.returncode == 1
    assert "没有读取权限" in log_rows(db)["secret.txt"][0][1]


def test_a_database_that_is_not_duckdb_fails_cleanly(tmp_path):
    db = tmp_path / "not.duckdb"
    db.write_text("garbage", encoding="utf-8")
    run = jixiao("ingest", SEED_000, "--db", db, "-q", timeout=60)
    assert run.returncode == 2
    assert "无法写入数据库" in run.stderr and "Traceback" not in run.stderr + run.stdout


@pytest.mark.slow
def test_a_long_pdf_that_keeps_reading_is_not_cut_off(tmp_path, monkeypatch):
    """The CPU budget restarts with each PDF page read: a long PDF loads past it
    (the CLI shows the pages), while a hung file is still stopped (see the worker test)."""
    # pages read the reference way (pdfminer), so reading dominates the run as it does for a PDF whose
    # pages PDFium cannot mirror; read fast, the pages would take about as long as the parsing after them
    monkeypatch.setenv("JIXIAO_PDF_REFERENCE", "1")
    from etl.parse import parse_document
    from etl.read import read_bytes
    from etl.write import render

    filings = []
    for seed in (SEED_000, SEED_003):
        filings += parse_document(read_bytes(seed.read_bytes(), seed.name))
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render(filings * 6, "pdf"))  # 42 filings, dozens of pages
    first = tmp_path / "a.duckdb"
    assert jixiao("ingest", pdf, "--db", first, "-q").returncode == 0
    (seconds,), = query(first, "SELECT seconds FROM ingest_log")
    # the budget must cover what happens after the last page (parsing the read rows, checks and confidence,
    # which no page progress refreshes: about 4 times the parse alone) but not the whole file: half the run,
    # or more if parsing needs it. The parse is timed in CPU seconds, as the budget is (the clock follows the load).
    import time

    doc = read_bytes(pdf.read_bytes(), pdf.name)
    t0 = time.process_time()
    parse_document(doc)
    parse_seconds = time.process_time() - t0
    budget = round(max(seconds / 2, 5 * parse_seconds), 2)
    assert budget < seconds, (budget, seconds)
    second = tmp_path / "b.duckdb"
    run = jixiao("ingest", pdf, "--db", second, "-q", "--max-seconds", budget)
    assert run.returncode == 0, run.stderr
    (status, took, n), = query(second, "SELECT status, seconds, filings FROM ingest_log")
    assert (status, n) == ("loaded", 42)
    assert took > budget  # it ran past the plain budget because its pages kept coming
