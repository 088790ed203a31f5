"""What the tests of killed, hung and budgeted workers share: inputs that keep a worker busy for
seconds, the processes an ingest has forked or left behind, and whether its lock is free."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from etl.load import store
from tests.conftest import SEED_003


def slow_reports(folder: Path, n: int, mb: int, prefix: str = "slow_") -> None:
    """`n` distinct long narrative reports of about `mb` MB each (seconds of parsing each)."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED_003.read_text(encoding="utf-8")
    block = "\n一、基本情况\n" + "本项目年初预算100万元，全年执行率99%，完成情况良好。\n" * 2000
    for k in range(n):
        body = seed + f"\n附件{k}\n" + block * (mb * 1024 * 1024 // len(block.encode()))
        (folder / f"{prefix}{k}.txt").write_text(body, encoding="utf-8")


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux's /proc)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def pids_naming(text: str) -> list[int]:
    """Live processes whose command line contains `text` (what `pgrep -f` shows), zombies left out."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid():
            continue
        try:
            if text.encode() in (d / "cmdline").read_bytes() and b") Z " not in (d / "stat").read_bytes():
                out.append(int(d.name))
        except OSError:
            pass
    return out


def wait_gone(text: str, seconds: float = 5.0) -> list[int]:
    """Poll until no process names `text`; the ones still alive after `seconds`."""
    deadline = time.monotonic() + seconds
    while (alive := pids_naming(text)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def kill_all(text: str) -> None:
    for pid in pids_naming(text):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def lock_is_free(db: Path) -> bool:
    try:
        with store.ingest_lock(db, wait=0):
            return True
    except store.DatabaseBusy:
        return False
