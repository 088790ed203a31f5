"""Run one function over many jobs in worker processes that may die, hang or blow up.

concurrent.futures and multiprocessing.Pool lose track of a job whose worker is
killed (the pool hangs or breaks as a whole). Here each worker is a plain
process with its own pipe; the parent waits on the pipes, the process sentinels
and the per-job deadline at once, so a worker that dies, is killed by the
kernel or runs past its time is noticed, reported as that job's failure, and
replaced. Each worker limits its own address space (RLIMIT_AS), so a file that
inflates past the memory budget fails with MemoryError inside the worker
instead of taking the machine down.

A file's time budget is CPU time (read from /proc), not the clock: the same file
gets the same outcome alone or beside a busy batch. A worker whose CPU time stops
moving (blocked, stopped) is stopped after the budget in wall time, and no file
runs longer than WALL_FACTOR budgets by the clock.

Workers die with the process that started them (PR_SET_PDEATHSIG, and every
inherited pipe end closed so a worker sees end-of-file when its parent is gone):
a killed ingest leaves no orphan behind to hold files or locks.
"""
from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

from etl import limits as budget

try:
    import resource  # address-space limits (POSIX)
except ImportError:
    resource = None

# No file runs longer than this many budgets by the clock, whatever its CPU time (a file that
# sleeps, or a machine so loaded that it gets almost no CPU); a PDF's pages restart its CPU
# clock up to the same number of budgets.
WALL_FACTOR = 20
# A busy worker whose CPU time did not move for this long (and for at least its budget) is
# hung: blocked on something, or stopped.
HANG_MIN_SECONDS = 5.0
# How often the CPU time of busy workers is read.
POLL_SECONDS = 0.25

# A worker is retired after this many jobs: memory fragmentation of one long-lived
# worker must not count against the budget of a later file.
JOBS_PER_WORKER = 40


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit_memory(extra_mb: int) -> None:
    """Cap this process's address space at what it has now plus `extra_mb`."""
    if resource is None:  # not on POSIX: only the wall clock applies
        return
    base = _vm_bytes()
    if not base:
        return
    cap = base + extra_mb * budget.MB
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass


_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process (Linux /proc), None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat_line = fh.read()
    except OSError:
        return None
    fields_after = stat_line.rsplit(b")", 1)[-1].split()  # the name in (...) may hold spaces
    try:
        return (int(fields_after[11]) + int(fields_after[12])) / _CLK_TCK  # utime, stime
    except (IndexError, ValueError):
        return None


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill this process when its parent exits (Linux); exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the request above took effect
        os._exit(1)


def _worker_main(conn, inherited: list, parent_pid: int, fn: Callable[[Any], Any], limits: budget.Limits) -> None:
    die_with_parent(parent_pid)
    for other in inherited:  # the parent's ends of this and earlier workers' pipes
        try:
            other.close()
        except OSError:
            pass
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    except ValueError:  # forked from a non-main thread (the dashboard's upload): Python refuses
        pass
    budget.use(limits)
    limit_memory(limits.memory_mb)
    last = [0.0]

    def tell(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:  # at most two messages a second
            last[0] = now
            conn.send(Progress(done, total))

    budget.set_progress(tell)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            out = fn(job)
        except MemoryError:
            out = MemoryError()
        except BaseException as exc:  # the job's function should not raise; report it anyway
            out = RuntimeError(f"{type(exc).__name__}: {exc}")
        try:
            conn.send(out)
        except MemoryError:
            conn.send(MemoryError())
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    proc: Any
    conn: Any
    jobs: deque = field(default_factory=deque)  # sent, not yet answered; the first is running
    began: float = 0.0  # when the first of `jobs` began (wall clock)
    cpu_began: float = 0.0  # the worker's CPU time then
    cpu_start: float = 0.0  # ... or when the job last reported progress (a PDF page)
    cpu_seen: float = 0.0  # the CPU time last read
    moved: float = 0.0  # when the CPU time last moved (wall clock)
    sent: int = 0

    def cpu(self) -> float:
        """The worker's CPU time; where it cannot be read, the wall clock since its job began stands in."""
        value = cpu_seconds(self.proc.pid)
        if value is None:
            return self.cpu_began + (time.monotonic() - self.began)
        return value

    def begin(self, now: float) -> None:
        """The head job starts now."""
        self.began = self.moved = now
        self.cpu_began = self.cpu_start = self.cpu_seen = self.cpu()

    def over_budget(self, now: float, limits: budget.Limits) -> str | None:
        """Why the running job must stop, or None."""
        cpu = self.cpu()
        if cpu > self.cpu_seen + 0.005:
            self.cpu_seen, self.moved = cpu, now
        if cpu - self.cpu_start > limits.seconds:
            return f"解析超时（CPU 时间超过 {limits.seconds:g} 秒），已停止"
        if cpu - self.cpu_began > WALL_FACTOR * limits.seconds:
            return f"解析超时（CPU 时间共超过 {WALL_FACTOR * limits.seconds:g} 秒），已停止"
        if now - self.moved > max(limits.seconds, HANG_MIN_SECONDS):
            return f"解析超时（{max(limits.seconds, HANG_MIN_SECONDS):g} 秒没有任何进展），已停止"
        if now - self.began > WALL_FACTOR * limits.seconds:
            return f"解析超时（超过 {WALL_FACTOR * limits.seconds:g} 秒），已停止"
        return None

    def next_check(self, now: float, limits: budget.Limits) -> float:
        """Seconds until over_budget() could first say yes (CPU time cannot run ahead of the clock
        by more than the worker's threads; the poll interval bounds that)."""
        left_cpu = limits.seconds - (self.cpu_seen - self.cpu_start)
        return max(0.005, min(POLL_SECONDS, left_cpu, self.moved + max(limits.seconds, HANG_MIN_SECONDS) - now,
                              self.began + WALL_FACTOR * limits.seconds - now))


@dataclass
class Outcome:
    job: Any
    value: Any = None  # what fn returned
    error: str | None = None  # why the worker gave no value (timeout, death, memory)
    progress: "Progress | None" = None  # not an end: the job is still running, this far


@dataclass
class Progress:
    done: int
    total: int


def _context():
    # fork: workers start warm (readers already imported) in milliseconds
    return mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")


# Jobs handed to a worker ahead: the next file is already there while the parent
# writes the last one's rows, so workers do not idle during database writes.
DEPTH = 2


def run(fn: Callable[[Any], Any], jobs: Iterable[Any], workers: int, limits: budget.Limits) -> Iterator[Outcome]:
    """Yield one Outcome per job, in the order they finish. Never hangs on a dead worker."""
    ctx = _context()
    queue = deque(jobs)
    pool: list[_Worker] = []
    refused = 0

    def start() -> _Worker:
        parent, child = ctx.Pipe(duplex=True)
        inherited = [w.conn for w in pool] + [parent]
        proc = ctx.Process(target=_worker_main, args=(child, inherited, os.getpid(), fn, limits), daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        pool.append(w)
        return w

    def retire(w: _Worker, kill: bool) -> None:
        """Stop a worker; jobs it had queued but not started go back to the front of the queue."""
        if kill and w.proc.is_alive():
            w.proc.kill()
        else:
            try:
                w.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        w.proc.join(5)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join()
        w.conn.close()
        pool.remove(w)
        queue.extendleft(reversed(w.jobs))
        w.jobs.clear()

    def fail_head(w: _Worker, error: str) -> Outcome:
        return Outcome(w.jobs.popleft(), error=error)

    try:
        while queue or any(w.jobs for w in pool):
            # top up every worker to DEPTH jobs, starting new workers up to `workers`
            for w in list(pool):
                while queue and len(w.jobs) < DEPTH and w.sent < JOBS_PER_WORKER:
                    if not _send(w, queue[0]):
                        retire(w, kill=True)  # gone while idle: its jobs are requeued
                        break
                    queue.popleft()
            while queue and len(pool) < workers:
                w = start()
                if _send(w, queue[0]):
                    queue.popleft()
                    refused = 0
                else:
                    retire(w, kill=True)
                    refused += 1
                    if refused >= 3:  # workers die as they start: give up on this job, not the batch
                        yield Outcome(queue.popleft(), error="无法启动解析进程")
                        refused = 0
            for w in [w for w in pool if not w.jobs and w.sent >= JOBS_PER_WORKER]:
                retire(w, kill=False)  # served its share: a fresh one takes over
            busy = [w for w in pool if w.jobs]
            if not busy:
                continue
            now = time.monotonic()
            timeout = min(w.next_check(now, limits) for w in busy)
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
            now = time.monotonic()
            for w in busy:
                if w.conn in ready:
                    try:
                        value = w.conn.recv()
                    except (EOFError, OSError):
                        w.proc.join(1)
                        yield fail_head(w, _death_reason(w.proc.exitcode, limits))
                        retire(w, kill=True)
                        continue
                    if isinstance(value, Progress):
                        # a long PDF moving page by page: its CPU clock restarts (WALL_FACTOR budgets in all)
                        w.cpu_start = w.cpu()
                        w.moved = now
                        yield Outcome(w.jobs[0], progress=value)
                        continue
                    job = w.jobs.popleft()
                    if w.jobs:
                        w.begin(now)  # the next queued job began when this one ended
                    if isinstance(value, MemoryError):
                        yield Outcome(job, error=f"内存超过 {limits.memory_mb} MB（解析时内存不足，已停止）")
                        retire(w, kill=True)  # a worker that hit its cap may be left fragmented
                    elif isinstance(value, RuntimeError):
                        yield Outcome(job, error=f"解析进程出错：{value}")
                    else:
                        yield Outcome(job, value=value)
                elif w.proc.sentinel in ready:
                    w.proc.join(1)
                    yield fail_head(w, _death_reason(w.proc.exitcode, limits))
                    retire(w, kill=True)
                elif (why := w.over_budget(now, limits)) is not None:
                    out = fail_head(w, why)
                    retire(w, kill=True)
                    yield out
    finally:
        for w in list(pool):
            retire(w, kill=bool(w.jobs))


def _send(w: _Worker, job: Any) -> bool:
    """Hand a job to a worker; False if the worker is already gone."""
    try:
        w.conn.send(job)
    except (BrokenPipeError, ConnectionResetError, OSError):
        return False
    if not w.jobs:
        w.begin(time.monotonic())
    w.jobs.append(job)
    w.sent += 1
    return True


def _death_reason(exitcode: int | None, limits: budget.Limits) -> str:
    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        if sig == signal.SIGKILL:
            return f"解析进程被系统终止（信号 {sig}），可能内存超过 {limits.memory_mb} MB"
        if sig in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):  # C libraries crash when malloc fails
            return f"解析进程异常退出（信号 {sig}），可能内存超过 {limits.memory_mb} MB"
        return f"解析进程异常退出（信号 {sig}）"
    return f"解析进程异常退出（退出码 {exitcode}）"


def default_workers(n_jobs: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cpus, n_jobs))
