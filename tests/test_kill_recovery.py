"""A killed ingest leaves nothing behind (issue 22, items 1 and 2).

Real `jixiao` processes are killed with SIGKILL: their parse workers must be gone
within seconds, the next ingest must get the writer lock at once, and a kill at any
step of the cross-file refresh (copy clusters, cross-year links, marts) must be
repaired by the next run, while the dashboard never counts from stale marts.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dashboard import queries as q
from dashboard.filtering import Filters
from dashboard.queries import running
from etl.load import store
from etl.marts import MARTS
from tests.conftest import ROOT, SEED_003, query
from tests.worker_processes import children, kill_all, lock_is_free, pids_naming, slow_reports, wait_gone

EXE = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"


def test_a_lock_whose_holder_was_killed_is_free_though_a_child_it_forked_lives(tmp_path):
    """The orphan of a killed holder (it inherited every descriptor) does not keep the lock."""
    db = tmp_path / "held.duckdb"
    script = (
        "import os, sys, time\n"
        "from etl.load import store\n"
        f"with store.ingest_lock({str(db)!r}, wait=0):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(120)\n"
        "        os._exit(0)\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert not lock_is_free(db)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert int(store.lock_path(db).read_text()) == proc.pid  # the file names a dead process
        assert lock_is_free(db)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the forked child, still sleeping
        proc.stdout.close()


@pytest.mark.slow
def test_parse_workers_die_with_a_killed_ingest_and_the_next_ingest_starts_at_once(tmp_path):
    batch = tmp_path / "batch"
    slow_reports(batch, 3, 3)
    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen([EXE, "ingest", str(batch), "--db", str(db), "-q", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(children(proc.pid)) == 2, "the workers never started"
        time.sleep(0.5)  # inside their reports
        proc.kill()
        proc.wait()
        assert wait_gone(str(db)) == []
        assert lock_is_free(db)
        run = subprocess.run([EXE, "ingest", str(SEED_003), "--db", str(db), "-q", "--wait", "2"],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
    finally:
        kill_all(str(db))


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory):
    """A batch of every format plus two long reports (workers busy for seconds), and the number of
    filings a clean ingest of it loads."""
    from etl.sample.generate import generate_corpus

    root = tmp_path_factory.mktemp("mixed")
    batch = root / "batch"
    generate_corpus(batch, seed=21, counties=1, departments_per_county=2, years=(2023,))
    (batch / "manifest.json").unlink()
    slow_reports(batch / "long", 2, 2)
    clean = root / "clean.duckdb"
    run = subprocess.run([EXE, "ingest", str(batch), "--db", str(clean), "-q"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return batch, query(clean, "SELECT count(*) FROM filings")[0][0]


# seconds after the start of an ingest at which it is killed: before its workers exist, while they
# start, parse, and write, and near its end (a clean run of the batch takes ~10-20 s on 2 cores)
KILL_AFTER = (0.05, 0.4, 0.9, 1.5, 2.5, 3.5, 5.0, 7.0, 9.0, 12.0)


@pytest.mark.slow
def test_a_kill_at_ten_moments_leaves_no_process_and_the_next_ingest_completes(mixed_batch, tmp_path):
    batch, clean_filings = mixed_batch
    for k, after in enumerate(KILL_AFTER):
        db = tmp_path / f"moment{k}.duckdb"
        try:
            proc = subprocess.Popen([EXE, "ingest", str(batch), "--db", str(db), "-q", "--workers", "2"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(after)
            proc.kill()
            proc.wait()
            assert wait_gone(str(db)) == [], after  # within 5 s
            assert lock_is_free(db), after
            run = subprocess.run([EXE, "ingest", str(batch), "--db", str(db), "-q", "--wait", "2"],
                                 capture_output=True, text=True, timeout=600)
            assert run.returncode == 0, (after, run.stderr[-2000:])
            assert query(db, "SELECT count(*) FROM filings")[0][0] == clean_filings, after
            assert query(db, "SELECT key FROM meta WHERE key IN ('copies_pending', 'marts_pending')") == [], after
        finally:
            kill_all(str(db))


def bulk_export(path: Path, projects: int) -> Path:
    """A long-format export (one row per indicator) of `projects` invented projects, four rows each."""
    import csv
    import io

    from tests.structured_files import HEADER

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    for p in range(projects):
        code = f"{p:021d}"
        for name, value in (("完成数量", 100 + p % 50), ("验收合格率", 100), ("按期完成率", 95), ("群众满意度", 90)):
            w.writerow(["430224000", "2023", f"{p % 40:06d}", f"示范部门{p % 40}", code, f"示范项目{p}",
                        "产出指标", "数量指标", name, "≥", value, "%" if value <= 100 else "个", 25])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return path


@pytest.mark.slow
def test_check_processes_of_a_killed_import_die_with_it(tmp_path):
    """`jixiao import` spreads a large export's checks over forked processes: they die with it."""
    export = bulk_export(tmp_path / "bulk.csv", 6_000)
    db = tmp_path / "import.duckdb"
    proc = subprocess.Popen([EXE, "import", str(export), "--db", str(db), "-q", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(children(proc.pid)) == 2, ("the check processes never started", proc.poll())
        proc.kill()
        proc.wait()
        assert wait_gone(str(db)) == []
        assert lock_is_free(db)
        run = subprocess.run([EXE, "import", str(export), "--db", str(db), "-q", "--wait", "2"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        assert query(db, "SELECT count(*) FROM filings WHERE source_kind = 'structured'") == [(6_000,)]
    finally:
        proc.stderr.close()
        kill_all(str(db))


@pytest.mark.slow
def test_an_upload_that_times_out_leaves_no_process_and_no_lock(tmp_path):
    """The dashboard's upload gives up after its time limit: the ingest and its workers stop with it."""
    from dashboard.upload_runner import ingest_uploads

    batch = tmp_path / "up"
    slow_reports(batch, 10, 6)  # about a minute of parsing on two workers: still running at the limit
    db = tmp_path / "upload.duckdb"
    paths = sorted(batch.iterdir())
    seen: list[int] = []  # processes of the upload's ingest, as counted while it ran
    done = threading.Event()

    def watch():
        while not done.is_set():
            seen.append(len(pids_naming(str(db))))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        started = time.monotonic()
        res = ingest_uploads(paths, db, timeout_s=20)
        done.set()
        watcher.join()
        assert time.monotonic() - started < 60
        assert max(seen) >= 3, "the parse workers never started: the test proves nothing"  # ingest + 2 workers
        timed_out = [r for r in res if r.status == "failed" and "导入超时" in r.error]
        assert timed_out and all(r.status == "loaded" for r in res if r not in timed_out)
        assert wait_gone(str(db)) == []
        assert lock_is_free(db)
    finally:
        done.set()
        kill_all(str(db))


# ------------------------------------------------------------------ a kill at each refresh step

# Runs `jixiao ARGS...` and SIGKILLs itself at one step of the refresh that follows the files' writes.
KILLER = r"""
import os, signal, sys
import etl.copies as copies
import etl.marts as marts
import etl.recheck as rc
import etl.refresh as rf
import etl.soft_scope as soft_scope

step = sys.argv[1]


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def die_on_call(module, name, n):
    # the n-th call of module.name dies (some of the step's writes done, inside its transaction)
    real, calls = getattr(module, name), []

    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            die()
        return real(*args, **kwargs)

    setattr(module, name, call)


# each step on both refresh paths: the full one (etl.recheck, a first or a repairing run) and the
# incremental one an ingest of new files takes (etl.refresh)
if step == "before_copies":  # the files are committed, nothing of the refresh ran
    rc.refresh_copies_in = rf.refresh_copies_in = rf.refresh_copies_scoped = die
elif step == "in_copies":  # inside the copy clusters' transaction
    rc.write_clusters = die
    die_on_call(copies, "_compare", 1)
elif step == "before_soft":  # copy clusters committed, cross-year links not
    rc.refresh_soft_in = rf.refresh_soft_in = rf.refresh_soft_provinces = rf.refresh_soft_scoped = die
elif step == "in_soft":  # inside the cross-year transaction
    rc.build_indices = die
    die_on_call(rf, "write_soft", 1)
    die_on_call(soft_scope, "write_findings", 1)  # the incremental path's (its old rows deleted, keys rewritten)
elif step == "before_marts":  # every derived table committed, the marts not rebuilt
    marts.build_marts = rc.build_marts = rf.build_marts = rf.refresh_marts = die
elif step == "in_marts":  # inside the marts' transaction, some of them rebuilt
    die_on_call(marts, "mart_select", 4)
    die_on_call(marts, "_narrowed_to", 4)
    die_on_call(marts, "_narrowed_local", 4)
from etl.cli import app

sys.argv = ["jixiao", *sys.argv[2:]]
app()
"""
STEPS = ("before_copies", "in_copies", "before_soft", "in_soft", "before_marts", "in_marts")

# what the refresh writes; sums of doubles rounded (the last bit may follow row order)
REFRESHED = {
    **{m: "*" for m in MARTS},
    "mart_finding_rows": "* EXCLUDE (list_order)",
    "mart_filings": "* REPLACE (round(inflation_sum, 9) AS inflation_sum)",
    "mart_units": "* REPLACE (round(m_inflation, 12) AS m_inflation)",
    "copy_clusters": "*", "findings": "*", "indicator_keys": "*", "filing_links": "*",
    "soft_indices": "* REPLACE (round(soft_share, 12) AS soft_share, round(money, 6) AS money, "
                    "round(inflation_index, 12) AS inflation_index, round(carried_share, 12) AS carried_share)",
}


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory):
    """Two small generated corpora (every format, a copied indicator set each), and a clean
    database holding the first and then the second, ingested one after the other."""
    from etl.sample.generate import generate_corpus

    root = tmp_path_factory.mktemp("two")
    for name, seed in (("a", 11), ("b", 12)):
        generate_corpus(root / name, seed=seed, counties=1, departments_per_county=3, years=(2022, 2023))
        (root / name / "manifest.json").unlink()
    ref = root / "ref.duckdb"
    assert subprocess.run([EXE, "ingest", str(root / "a"), "--db", str(ref), "-q"]).returncode == 0
    base = root / "base.duckdb"  # the first corpus alone: every test starts from a copy
    shutil.copy(ref, base)
    assert subprocess.run([EXE, "ingest", str(root / "a"), str(root / "b"), "--db", str(ref), "-q"]).returncode == 0
    assert query(ref, "SELECT count(*) FROM copy_clusters")[0][0] > 0
    return root, base, ref


def snapshot(db: Path) -> dict:
    out = {t: query(db, f"SELECT {cols} FROM {t} ORDER BY ALL") for t, cols in REFRESHED.items()}
    # the findings list by its order: an ingest's refresh numbers new rows between their neighbours, a full
    # build 1..N (etl/marts._place_finding_rows), so the order is compared, not the numbers
    out["findings list order"] = query(db, "SELECT filing_id, indicator_seq, rule, message, evidence "
                                           "FROM mart_finding_rows ORDER BY list_order")
    return out


def killed_at(step: str, root: Path, base: Path, tmp_path: Path) -> Path:
    db = tmp_path / f"{step}.duckdb"
    shutil.copy(base, db)
    run = subprocess.run([sys.executable, "-c", KILLER, step, "ingest", str(root / "a"), str(root / "b"),
                          "--db", str(db), "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == -signal.SIGKILL, (step, run.returncode, run.stderr[-2000:])
    return db


def dashboard_counts(db: Path) -> dict:
    running.USE_CACHE = False
    try:
        return q.connect(db).overview_counts(Filters())
    finally:
        running.USE_CACHE = True


def check_repaired(step: str, root: Path, db: Path, ref: Path) -> None:
    # the dashboard, started now, counts every filing the base tables hold (not the old marts' count)
    (filings,), = query(db, "SELECT count(*) FROM filings")
    assert filings == query(ref, "SELECT count(*) FROM filings")[0][0]
    counts = dashboard_counts(db)
    assert int(counts["filings"]) == filings, (step, counts)
    # the next run, with nothing new to load, finishes what the killed one left
    again = subprocess.run([EXE, "ingest", str(root / "a"), str(root / "b"), "--db", str(db), "-q"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "loaded 0," in again.stdout
    assert snapshot(db) == snapshot(ref), step
    assert query(db, "SELECT key FROM meta WHERE key IN ('copies_pending', 'marts_pending')") == []
    assert int(dashboard_counts(db)["filings"]) == filings


@pytest.mark.slow
def test_a_kill_before_the_marts_are_rebuilt_is_repaired_by_the_next_run(two_corpora, tmp_path):
    root, base, ref = two_corpora
    check_repaired("before_marts", root, killed_at("before_marts", root, base, tmp_path), ref)


@pytest.mark.slow
@pytest.mark.parametrize("step", [s for s in STEPS if s != "before_marts"])
def test_a_kill_at_each_refresh_step_is_repaired_by_the_next_run(two_corpora, tmp_path, step):
    root, base, ref = two_corpora
    check_repaired(step, root, killed_at(step, root, base, tmp_path), ref)


@pytest.mark.slow
def test_a_check_killed_before_its_marts_leaves_them_marked(two_corpora, tmp_path):
    """`jixiao check` rewrites the findings the marts sum: until it rebuilds them they are not read."""
    from etl.marts import MART_SQL, mart_select

    root, base, ref = two_corpora
    db = tmp_path / "check.duckdb"
    shutil.copy(ref, db)
    run = subprocess.run([sys.executable, "-c", KILLER, "before_marts", "check", "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
    assert query(db, "SELECT key FROM meta WHERE key = 'marts_pending'") == [("marts_pending",)]
    running.USE_CACHE = False
    try:
        assert not q.has_marts(db)
        assert q.has_marts(ref)
    finally:
        running.USE_CACHE = True
    again = subprocess.run([EXE, "ingest", str(root / "a"), "--db", str(db), "-q"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    for name in MART_SQL:  # rebuilt over the findings the check wrote
        assert query(db, f"SELECT * FROM {name} ORDER BY ALL") == query(db, f"SELECT * FROM ({mart_select(name)}) ORDER BY ALL"), name
    assert query(db, "SELECT key FROM meta WHERE key = 'marts_pending'") == []
