"""Time and peak memory of `jixiao ingest` on each hostile case of issue 11, one file per run.

    .venv/bin/python bench/hostile_bench.py            # all cases, huge ones included
    .venv/bin/python bench/hostile_bench.py --quick    # without the 50 MB text and the 1M-row sheet

Each case runs as its own `jixiao ingest FILE` in a fresh process tree; peak
memory is the largest resident set of any process in that tree (the ingest or
one of its parsing workers), from getrusage(RUSAGE_CHILDREN) of a helper that
waits for them all. 'parse s' is the time the worker spent on the file, from
ingest_log; 'wall s' includes starting Python and opening the database.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_files import hostile_with_wrappings, write_hostile  # noqa: E402

EXE = shutil.which("jixiao") or f"{sys.prefix}/bin/jixiao"

# Runs one ingest and reports its wall time and the peak RSS of its whole process tree.
_HELPER = r"""
import json, resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"wall": time.monotonic() - t, "rc": p.returncode,
                  "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "out": p.stdout[-300:], "err": p.stderr[-600:]}))
"""


def _text_report(path: Path, mb: int) -> None:
    seed = (ROOT / "data" / "seeds" / "003_483a086a129c8058.txt").read_text(encoding="utf-8")
    block = "\n一、基本情况\n" + "本项目年初预算100万元，全年执行率99%，完成情况良好。\n" * 2000
    path.write_text(seed + block * (mb * 1024 * 1024 // len(block.encode())), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = write_hostile(tmp / "cases", huge=not args.quick)
        cases.update(hostile_with_wrappings(tmp / "cases"))
        for mb in (1, 4, 8):
            _text_report(tmp / "cases" / f"report_{mb}mb.txt", mb)
            cases[f"report_{mb}mb.txt"] = None
        print(f"{'case':34} {'result':8} {'parse s':>8} {'wall s':>7} {'peak MB':>8}  reason")
        for name in sorted(cases):
            path = tmp / "cases" / _fs_name(tmp / "cases", name)
            if path.is_dir():
                continue  # a link to its own folder: only meaningful inside the batch (tests/test_hostile_batch.py)
            db = tmp / "db" / "b.duckdb"
            if db.parent.exists():
                shutil.rmtree(db.parent)
            db.parent.mkdir()
            run = subprocess.run([sys.executable, "-c", _HELPER, EXE, "ingest", str(path), "--db", str(db), "-q"],
                                 capture_output=True, text=True)
            m = json.loads(run.stdout)
            status, seconds, reason = _logged(db)
            print(f"{name[:34]:34} {status:8} {seconds:8.2f} {m['wall']:7.2f} {m['peak_kb'] / 1024:8.0f}  {(reason or '')[:70]}")


def _fs_name(folder: Path, logged: str) -> str:
    """The on-disk name of a case whose logged name is escaped (the GBK one)."""
    if (folder / logged).exists() or (folder / logged).is_symlink():
        return logged
    import os

    for raw in os.listdir(os.fsencode(folder)):
        if raw.decode("utf-8", "backslashreplace") == logged:
            return os.fsdecode(raw)
    return logged


def _logged(db: Path):
    import duckdb

    if not db.exists():
        return "-", 0.0, None
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT status, seconds, error FROM ingest_log").fetchone()
    finally:
        con.close()
    if row is None:
        return "-", 0.0, None
    status, seconds, error = row
    return status, seconds or 0.0, error.split(": ", 1)[-1] if error else None


if __name__ == "__main__":
    main()
