"""Uploads are ingested in a child process with a memory cap and a time limit.

A hostile file (a zip bomb, a huge merged range) can then exhaust only the child:
the dashboard server keeps serving, and the upload's files get a clear failed row.
The child is the ordinary `jixiao ingest` command, so uploads are read exactly as
files ingested from a terminal; results come back from ingest_log (by content hash).
"""
from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dashboard import queries

ROOT = Path(__file__).resolve().parent.parent
MEMORY_MB = 2048  # address space of the child (DuckDB and Python need ~600 MB of it to start)
SECONDS_BASE, SECONDS_PER_FILE, SECONDS_MAX = 60, 30, 900


@dataclass
class UploadResult:
    source_file: str
    status: str  # loaded, duplicate, failed
    filings: int
    error: str | None
    sha256: str
    note: str | None = None  # an older version replaced, the file renamed (etl/load/versions.py)


def _limits(memory_mb: int):
    def apply():  # runs in the child before exec
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return apply


def ingest_uploads(paths: list[Path], db: Path, memory_mb: int = MEMORY_MB, timeout_s: float | None = None) -> list[UploadResult]:
    """Ingest `paths` into `db` in a bounded child process; one result per file, whatever happens to the child."""
    shas = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    timeout_s = timeout_s or min(SECONDS_BASE + SECONDS_PER_FILE * len(paths), SECONDS_MAX)
    start = datetime.now(timezone.utc).replace(tzinfo=None)
    why = None
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "ingest", *map(str, paths), "--db", str(db), "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_limits(memory_mb),
        start_new_session=True,  # its own process group: a timeout stops the ingest and its parse workers
    )
    try:
        try:
            _, stderr = proc.communicate(timeout=timeout_s)
        except BaseException:  # timed out, or the page's script was stopped: the child must not outlive it
            _kill_group(proc)
            raise
        if "lock" in stderr.lower() or "另一个导入正在写入" in stderr:
            why = "数据库正被其他程序写入（例如终端里正在运行 jixiao ingest），请稍后再试"
        elif proc.returncode == 2 and stderr.strip():  # the database was refused, with the reason
            why = stderr.strip().splitlines()[-1]
        elif proc.returncode not in (0, 1):  # 1: some file failed, and said so in ingest_log
            why = (f"导入进程异常结束（可能超过内存上限 {memory_mb} MB）" if proc.returncode < 0 or "MemoryError" in stderr
                   else f"导入进程异常结束（退出码 {proc.returncode}）")
    except subprocess.TimeoutExpired:
        why = f"导入超时（超过 {timeout_s:g} 秒），已中止"
    logged = queries.connect(db).ingest_results(list(shas.values()), start) if db.exists() else {}
    out = []
    for p, sha in shas.items():
        row = logged.get(sha)
        if row:
            out.append(UploadResult(p.name, row["status"], int(row["filings"] or 0), row["error"], sha, row.get("note")))
        else:
            out.append(UploadResult(p.name, "failed", 0, why or "导入进程没有记录这个文件", sha))
    return out


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the ingest and everything it started (its parse workers also die with it on their own)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def session_results(results: list[UploadResult]) -> dict:
    """What the upload page keeps of an upload to show it: a row per file, the counts, the loaded files' hashes."""
    from dashboard.labels import INGEST_STATUS

    return {
        "up_last": [{"source_file": r.source_file, "status": INGEST_STATUS.get(r.status, r.status), "filings": r.filings,
                     "note": r.note, "error": r.error} for r in results],
        "up_summary": tuple(sum(r.status == s for r in results) for s in ("loaded", "duplicate", "failed")),
        "up_shas": tuple(r.sha256 for r in results if r.status == "loaded"),
    }
