"""Outcome, reason, time and peak memory of each hostile case, one file per run, on both engines.

    .venv/bin/python bench/hostile_bench.py                 # all cases, huge ones included, local and Ray
    .venv/bin/python bench/hostile_bench.py --quick         # without the 50 MB text and the 1M-row sheet
    .venv/bin/python bench/hostile_bench.py --engines local # one engine (ray needs the cluster extra)

Local: each case runs as its own `jixiao ingest FILE` in a fresh process tree; peak memory
is the largest resident set of any process in that tree (the ingest or one of its parsing
workers), from getrusage(RUSAGE_CHILDREN) of a helper that waits for them all.
Ray: one local Ray (2 CPUs) for the whole run; each case is its own `ingest --engine ray`
into a lake of its own; peak memory is the largest high-water mark (VmHWM) of Ray's task
processes and the parse processes they fork, reset before each case and read every 50 ms
while it runs ('-' when the driver decided the file without a task: missing, FIFO, link...).
'parse s' is the time spent on the file, from ingest_log; 'wall s' includes starting
Python and opening the database (local) or the driver's run with the lake's refresh (Ray).
The last lines compare the engines: the cases whose outcome or reason differ.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import etl  # noqa: E402,F401  - before ray: keeps Ray's uv-run hook off (etl/__init__.py)
from etl.lake.ray_ingest import ingest_lake  # noqa: E402  (imports ray only when it runs)
from tests.hostile_files import hostile_with_wrappings, write_hostile, write_real_sized  # noqa: E402

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


def _cases(folder: Path, quick: bool) -> list[str]:
    cases = write_hostile(folder, huge=not quick)
    cases.update(hostile_with_wrappings(folder))
    cases.update(write_real_sized(folder))
    for mb in (1, 4, 8):
        _text_report(folder / f"report_{mb}mb.txt", mb)
        cases[f"report_{mb}mb.txt"] = None
    names = []
    for name in sorted(cases):
        path = folder / _fs_name(folder, name)
        if path.is_dir() and not path.is_symlink():
            continue  # a folder (甲/, 乙/): its files are cases of their own
        if path.is_symlink() and path.is_dir():
            continue  # a link to its own folder: only meaningful inside the batch (tests/test_hostile_batch.py)
        names.append(name)
    return names


def run_local(path: Path, work: Path) -> dict:
    db = work / "b.duckdb"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    run = subprocess.run([sys.executable, "-c", _HELPER, EXE, "ingest", str(path), "--db", str(db), "-q"],
                         capture_output=True, text=True)
    m = json.loads(run.stdout)
    status, seconds, reason = _logged(db)
    return {"status": status, "parse": seconds, "wall": m["wall"], "peak_mb": m["peak_kb"] / 1024, "reason": reason}


class TaskPeaks:
    """The largest VmHWM of Ray's task processes (and the parse processes they fork) while a case runs."""

    def __init__(self):
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = None

    @staticmethod
    def _tasks():
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    if (d / "cmdline").read_bytes().startswith(b"ray::"):
                        yield d
                except OSError:
                    pass

    def __enter__(self):
        for d in self._tasks():  # a long-lived task process starts this case at its current size
            try:
                (d / "clear_refs").write_text("5")
            except OSError:
                pass
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            for d in self._tasks():
                try:
                    status = (d / "status").read_text()
                    cmd = (d / "cmdline").read_bytes()
                except OSError:
                    continue
                if b"MapBatches" not in cmd:
                    continue  # an idle worker: what it holds is not this case's
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            time.sleep(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_ray(path: Path, work: Path) -> dict:
    if work.exists():
        shutil.rmtree(work)
    lake = work / "lake"
    t = time.monotonic()
    with TaskPeaks() as peaks:
        summary = ingest_lake([path], lake)
    wall = time.monotonic() - t
    r = summary.results[0] if summary.results else None
    return {"status": r.status if r else "-", "parse": r.seconds if r else 0.0, "wall": wall,
            "peak_mb": peaks.peak_kb / 1024 if peaks.peak_kb else None,
            "reason": r.error.split(": ", 1)[-1] if r and r.error else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--engines", default="local,ray")
    args = ap.parse_args()
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "cases"
        names = _cases(folder, args.quick)
        if "ray" in engines:
            import ray  # the cluster extra: only when asked for

            ray.init(num_cpus=2, include_dashboard=False, _system_config={"task_oom_retries": 2})
        results: dict[str, dict[str, dict]] = {}
        head = f"{'case':34} {'engine':6} {'result':8} {'parse s':>8} {'wall s':>7} {'peak MB':>8}  reason"
        print(head)
        for name in names:
            path = folder / _fs_name(folder, name)
            for engine in engines:
                res = (run_local if engine == "local" else run_ray)(path, tmp / "work")
                results.setdefault(name, {})[engine] = res
                peak = f"{res['peak_mb']:8.0f}" if res["peak_mb"] is not None else f"{'-':>8}"
                print(f"{name[:34]:34} {engine:6} {res['status']:8} {res['parse']:8.2f} {res['wall']:7.2f} {peak}"
                      f"  {(res['reason'] or '')[:70]}", flush=True)
        if len(engines) == 2:
            differ = [(n, r) for n, r in results.items()
                      if (r[engines[0]]["status"], r[engines[0]]["reason"]) != (r[engines[1]]["status"], r[engines[1]]["reason"])]
            print(f"\n{len(results)} cases; outcome and reason identical on both engines: {len(results) - len(differ)}")
            for n, r in differ:
                print(f"  differ: {n}: " + " | ".join(f"{e} {r[e]['status']} {r[e]['reason']}" for e in engines))
            for e in engines:
                peaks = [r[e]["peak_mb"] for r in results.values() if r[e]["peak_mb"] is not None]
                print(f"  {e}: largest peak {max(peaks):.0f} MB, slowest parse "
                      f"{max(r[e]['parse'] for r in results.values()):.1f} s")
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _fs_name(folder: Path, logged: str) -> str:
    """The on-disk name of a case whose logged name is escaped (the GBK one)."""
    if (folder / logged).exists() or (folder / logged).is_symlink():
        return logged
    for raw in os.listdir(os.fsencode(folder)):
        if raw.decode("utf-8", "backslashreplace") == logged:
            return os.fsdecode(raw)
    return logged


def _logged(db: Path):
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
