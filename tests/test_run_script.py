"""`scripts/run.sh` as a user runs it: DB=… opens that database without loading the sample corpus into it,
and it leaves the test tools `scripts/test.sh` installed in place."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import SEED_000
from dashboard import local_server

ROOT = Path(__file__).resolve().parents[1]


def _filings(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM filings").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_run_sh_opens_your_database_without_loading_the_sample(tmp_path):
    if not (ROOT / ".tools" / "bin" / "uv").exists():
        pytest.skip("scripts/run.sh needs the environment scripts/test.sh installs (.tools/bin/uv)")
    from etl.pipeline import ingest_paths

    db = tmp_path / "mine.duckdb"
    ingest_paths([SEED_000], db)  # the user's own database: one real file
    before = _filings(db)
    port = local_server.free_port()
    log = open(tmp_path / "run.log", "w+")
    proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "DB": str(db), "PORT": str(port)}, start_new_session=True)
    try:
        try:
            local_server.wait_healthy(f"http://127.0.0.1:{port}", proc, log, timeout=300, poll=0.5)
        except local_server.ServerDidNotStart as e:
            pytest.fail("run.sh did not start the dashboard:\n" + str(e))
    finally:
        os.killpg(proc.pid, 15)  # the script's own process group: uv and the server it started
        proc.wait(timeout=30)
    log.seek(0)
    said = log.read()
    assert _filings(db) == before, said  # 1 real filing stays 1 (it became 2,395)
    assert "不导入示例数据" in said
    # run.sh synced the environment without removing what test.sh installed
    assert subprocess.run([sys.executable, "-c", "import pytest, playwright"], cwd=ROOT).returncode == 0
