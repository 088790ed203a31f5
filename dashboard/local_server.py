"""A dashboard server on a free local port, for the browser tests and the browser benchmark.

`start(db, log)` runs `python -m dashboard.serve` (what scripts/run.sh serves) against a database
and returns once the server answers its health check; `wait_healthy` is the waiting part alone,
for a server started another way (scripts/run.sh itself). Written once because a server that is
waited for differently in each caller fails differently in each.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The server answers its health check only once it has warmed the first page (10-21 s at load 9-15 on 2 cores),
# so the default wait leaves room for a busy CI machine; a server that dies ends the wait at once.
START_TIMEOUT = 180


def wait_healthy(url: str, proc: subprocess.Popen, log: IO[str], timeout: float = START_TIMEOUT,
                 poll: float = 0.3) -> None:
    """Return when `url` answers Streamlit's health check; raise with the log if `proc` ends first or time runs out."""
    deadline = time.time() + timeout
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            log.flush()
            log.seek(0)
            raise ServerDidNotStart("streamlit did not start:\n" + log.read())
        time.sleep(poll)


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    log: IO[str]

    def stop(self) -> str:
        """Stop the server and return its log."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.seek(0)
        text = self.log.read()
        self.log.close()
        return text


def start(db: Path, log_path: Path, env: dict[str, str] | None = None, timeout: float = START_TIMEOUT,
          poll: float = 0.3) -> Server:
    """Serve the dashboard over `db` on a free port of 127.0.0.1, writing the server's output to `log_path`."""
    port = free_port()
    log = open(log_path, "w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.serve", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--", "--db", str(db)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    try:
        wait_healthy(server.url, proc, log, timeout=timeout, poll=poll)
    except ServerDidNotStart:
        proc.kill()
        proc.wait(timeout=10)
        raise
    return server
