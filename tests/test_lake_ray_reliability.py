"""The Ray engine under concurrency, budgets and kills (issue 22, items 2-4), through the real CLI.

- one writer per lake: a second run waits (or gives up after --wait) and two runs started
  together give the clean result;
- the local engine's per-file budgets apply in Ray tasks, with the same failed rows and
  reasons, and a run finishes when something kills its tasks' processes (as the kernel's
  out-of-memory killer or Ray's memory monitor does): retries are bounded;
- a kill at a step of the lake's refresh is repaired by the next run, and the dashboard does
  not read the lake's marts in between.
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

import duckdb
import pytest

ray = pytest.importorskip("ray")

from dashboard import queries as q  # noqa: E402
from dashboard.filtering import Filters  # noqa: E402
from dashboard.queries import running  # noqa: E402
from etl.lake.attach import attach  # noqa: E402
from etl.lake.ray_ingest import LOCK_FILE, TASK_RETRIES  # noqa: E402
from etl.load import store  # noqa: E402
from etl.marts import MARTS  # noqa: E402
from tests.conftest import ROOT, SEED_000, query  # noqa: E402
from tests.hostile_files import write_hostile  # noqa: E402
from tests.worker_processes import slow_reports  # noqa: E402

EXE = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"


def ray_ingest(*paths, lake: Path, extra=(), timeout=900, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, "ingest", *map(str, paths), "--engine", "ray", "--lake", str(lake), "-q", *extra],
                          capture_output=True, text=True, timeout=timeout, **kw)


def lake_query(lake: Path, sql: str) -> list[tuple]:
    db = lake.parent / f"{lake.name}.views.duckdb"
    attach(db, lake)
    return query(db, sql)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """Three small generated corpora (12 files each, every format). Two seeds can pick the same department:
    each corpus's names carry its own prefix, or one file would be a corrected version of another's."""
    from etl.sample.generate import generate_corpus

    root = tmp_path_factory.mktemp("corpora")
    for name, seed in (("a", 11), ("b", 12), ("c", 13)):
        generate_corpus(root / name, seed=seed, counties=1, departments_per_county=3, years=(2022, 2023))
        (root / name / "manifest.json").unlink()
        for f in (root / name).iterdir():  # sample_<corpus>_…: still sample data by its name
            f.rename(f.with_name(f.name.replace("sample_", f"sample_{name}_", 1)))
    return root


@pytest.mark.slow
def test_a_second_run_into_a_lake_waits_for_the_first(tmp_path):
    """While another run holds the lake, `--wait 1` gives up with exit code 2 and says why."""
    lake = tmp_path / "lake"
    lake.mkdir()
    with store.ingest_lock(lake, wait=0, path=lake / LOCK_FILE):
        started = time.monotonic()
        run = ray_ingest(SEED_000, lake=lake, extra=("--wait", "1"), timeout=120)
        assert time.monotonic() - started < 60
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "另一个导入正在写入数据湖" in run.stderr and "Traceback" not in run.stderr
    assert not (lake / "_commits").exists()  # nothing was written


@pytest.mark.slow
def test_two_ray_runs_into_one_lake_give_the_clean_result(corpora, tmp_path):
    lake = tmp_path / "lake"
    first = subprocess.Popen([EXE, "ingest", str(corpora / "a"), str(corpora / "b"), "--engine", "ray",
                              "--lake", str(lake), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the first run is committing batches: the second starts in the middle of it
    deadline = time.monotonic() + 300
    while not list((lake / "_commits").glob("*.json")) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    second = ray_ingest(corpora / "c", corpora / "b", lake=lake)
    out1, err1 = first.communicate(timeout=900)
    assert first.returncode == 0, err1
    assert second.returncode == 0, second.stderr
    assert "loaded 24, duplicate 0, failed 0" in out1
    assert "loaded 12, duplicate 12, failed 0" in second.stdout
    # every file once, every logged file with its rows, every filing there
    local = tmp_path / "local.duckdb"
    assert subprocess.run([EXE, "ingest", str(corpora / "a"), str(corpora / "b"), str(corpora / "c"),
                           "--db", str(local), "-q"]).returncode == 0
    assert lake_query(lake, "SELECT count(*), count(DISTINCT source_sha256) FROM source_files") == [(36, 36)]
    assert lake_query(lake, "SELECT count(*) FROM ingest_log WHERE status = 'loaded'") == [(36,)]
    assert lake_query(lake, """SELECT count(*) FROM ingest_log l LEFT JOIN source_files s USING (source_sha256)
                               WHERE l.status = 'loaded' AND s.source_sha256 IS NULL""") == [(0,)]
    assert lake_query(lake, "SELECT count(*), count(DISTINCT filing_id) FROM filings") == query(
        local, "SELECT count(*), count(DISTINCT filing_id) FROM filings")
    assert lake_query(lake, "SELECT count(*) FROM indicators") == query(local, "SELECT count(*) FROM indicators")


# ----------------------------------------------------------------- budgets

def _budget_corpus(folder: Path) -> None:
    write_hostile(folder, huge=False)
    slow_reports(folder / "reports", 2, 3)  # seconds of CPU each: past a 1.5 s budget


def _log(run_db: Path | None = None, lake: Path | None = None) -> dict[str, tuple[str, str | None]]:
    sql = "SELECT source_file, status, error FROM ingest_log"
    rows = lake_query(lake, sql) if lake is not None else query(run_db, sql)
    return {name: (status, error) for name, status, error in rows}


@pytest.mark.slow
def test_ray_refuses_what_the_local_engine_refuses_with_the_same_reasons(tmp_path):
    folder = tmp_path / "in"
    _budget_corpus(folder)
    limits = ("--max-seconds", "1.5")
    local = tmp_path / "local.duckdb"
    subprocess.run([EXE, "ingest", str(folder), "--db", str(local), "-q", *limits], capture_output=True)
    lake = tmp_path / "lake"
    run = ray_ingest(folder, lake=lake, extra=limits)
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr
    expected, got = _log(local), _log(lake=lake)
    assert got == expected
    timed_out = [n for n, (s, e) in got.items() if e and "CPU 时间超过 1.5 秒" in e]
    assert sorted(timed_out) == ["reports/slow_0.txt", "reports/slow_1.txt"]


class TaskKiller:
    """Kills Ray's map-task processes as they appear (what an out-of-memory killer does), or only
    those (and their children) whose resident memory passes `rss_mb`."""

    def __init__(self, rss_mb: float | None = None):
        self.rss_mb, self.kills, self._stop = rss_mb, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss_mb(self, pid: str) -> float:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            for d in Path("/proc").iterdir():
                if not d.name.isdigit():
                    continue
                try:
                    title = (d / "cmdline").read_bytes()
                    if not (title.startswith(b"ray::") and b"MapBatches" in title):
                        continue
                    if self.rss_mb is not None and self._rss_mb(d.name) < self.rss_mb:
                        continue
                    os.kill(int(d.name), signal.SIGKILL)
                    self.kills += 1
                except (OSError, StopIteration):
                    pass
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


@pytest.mark.slow
def test_a_run_whose_task_processes_keep_dying_finishes_with_every_file_logged(corpora, tmp_path):
    lake = tmp_path / "lake"
    with TaskKiller() as killer:
        run = ray_ingest(corpora / "a", lake=lake, timeout=600)
    assert killer.kills >= TASK_RETRIES + 1
    assert run.returncode == 1, run.stderr
    rows = _log(lake=lake)
    assert len(rows) == 12
    for name, (status, error) in rows.items():
        assert status == "failed" and f"解析任务失败 {TASK_RETRIES + 1} 次" in error, (name, error)


def _cells_workbook(path: Path, k: int, rows: int = 20_000, cols: int = 95) -> None:
    """1.9 million numeric cells (inside the grid budget): openpyxl alone needs ~1.6 GB for them."""
    from tests.hostile_files import _SHEET_HEAD, _column, _xlsx

    letters = [_column(c) for c in range(1, cols + 1)]

    def body():
        yield _SHEET_HEAD + "<sheetData>"
        for r in range(1, rows + 1):
            yield f'<row r="{r}">' + "".join(f'<c r="{x}{r}"><v>{(r + k) % 97}</v></c>' for x in letters) + "</row>"
        yield "</sheetData></worksheet>"

    _xlsx(path, body())


@pytest.mark.slow
def test_ray_finishes_under_a_memory_limit(tmp_path):
    """Workbooks that need gigabytes to read, with a killer of any task process past 1.5 GB beside
    the run (a machine's memory limit): the per-file budget (1024 MB) stops them in their parse
    process first, so nothing is killed, and they fail with the local engine's memory reason."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(2):
        _cells_workbook(folder / f"cells_{k}.xlsx", k)
    shutil.copy(SEED_000, folder / "good.txt")
    local = tmp_path / "local.duckdb"
    subprocess.run([EXE, "ingest", str(folder), "--db", str(local), "-q", "--max-seconds", "300"], capture_output=True)
    expected = _log(local)
    assert sorted(n for n, (s, e) in expected.items() if e and "内存超过 1024 MB" in e) == ["cells_0.xlsx", "cells_1.xlsx"]
    lake = tmp_path / "lake"
    with TaskKiller(rss_mb=1536) as killer:
        run = ray_ingest(folder, lake=lake, extra=("--max-seconds", "300"), timeout=900)
    assert killer.kills == 0
    assert run.returncode == 1, run.stderr
    assert _log(lake=lake) == expected


# ----------------------------------------------------------------- a kill at a step of the lake's refresh

KILLER = r"""
import os, signal, sys
import etl.lake.derived as derived

step = sys.argv[1]


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


if step == "before_derived":  # every batch committed and compacted, nothing derived rewritten
    derived.refresh_copies = die
elif step == "before_marts":  # copy clusters and cross-year tables rewritten, marts not
    derived.refresh_marts = die
elif step == "in_marts":  # some marts rewritten
    real, calls = derived.replace_parquet, []

    def replace(con, select, target):
        if target.stem.startswith("mart_"):
            calls.append(target)
            if len(calls) == 4:
                die()
        return real(con, select, target)

    derived.replace_parquet = replace
from etl.cli import app

sys.argv = ["jixiao", *sys.argv[2:]]
app()
"""


@pytest.fixture(scope="module")
def lake_after_a(corpora, tmp_path_factory):
    """A lake holding corpus a, and a reference lake holding a and then b, both by clean runs."""
    root = tmp_path_factory.mktemp("lakes")
    assert ray_ingest(corpora / "a", lake=root / "a").returncode == 0
    shutil.copytree(root / "a", root / "ref")
    assert ray_ingest(corpora / "a", corpora / "b", lake=root / "ref").returncode == 0
    return root / "a", root / "ref"


def _marts(lake: Path) -> dict:
    rounded = {"mart_filings": "* REPLACE (round(inflation_sum, 9) AS inflation_sum)",
               "mart_units": "* REPLACE (round(m_inflation, 12) AS m_inflation)"}
    return {m: lake_query(lake, f"SELECT {rounded.get(m, '*')} FROM {m} ORDER BY ALL") for m in MARTS}


@pytest.mark.slow
@pytest.mark.parametrize("step", ["before_derived", "before_marts", "in_marts"])
def test_a_kill_during_the_lake_refresh_is_repaired_by_the_next_run(corpora, lake_after_a, tmp_path, step):
    base, ref = lake_after_a
    lake = tmp_path / "lake"
    shutil.copytree(base, lake)
    db = tmp_path / "views.duckdb"
    attach(db, lake)
    killed = subprocess.run([sys.executable, "-c", KILLER, step, "ingest", str(corpora / "a"), str(corpora / "b"),
                             "--engine", "ray", "--lake", str(lake), "-q", "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    # the dashboard started now counts every filing the lake holds, not what the old marts say
    attach(db, lake)
    (filings,), = query(db, "SELECT count(*) FROM filings")
    running.USE_CACHE = False
    try:
        assert int(q.connect(db).overview_counts(Filters())["filings"]) == filings
    finally:
        running.USE_CACHE = True
    again = ray_ingest(corpora / "a", corpora / "b", lake=lake)
    assert again.returncode == 0, again.stderr
    assert "loaded 0, duplicate 24" in again.stdout
    assert _marts(lake) == _marts(ref)
    assert not (lake / "derived" / "_pending").exists()
    assert duckdb.connect().execute(  # and the copy clusters are the clean run's
        f"SELECT count(*) FROM read_parquet('{lake}/derived/copy_clusters.parquet')").fetchone() == duckdb.connect().execute(
        f"SELECT count(*) FROM read_parquet('{ref}/derived/copy_clusters.parquet')").fetchone()
