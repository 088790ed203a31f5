"""The password gate holds (issue 22, item 9).

In-process (AppTest): the gate follows the address Streamlit listens on, whatever an
environment variable says, and wrong passwords are limited for the whole server with a
lockout notice. Against a real `streamlit` server: started outside the repository it still
binds to this machine only; bound wide, a client reusing a signed-in session's id after
its owner left gets the sign-in form, and the upload endpoint refuses a connection that
has not signed in. The owner signs in in real headless Chromium.
"""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from dashboard import access
from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "一个足够长的访问密码"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    from tests.conftest import SEEDS
    from etl.pipeline import ingest_paths

    db = tmp_path_factory.mktemp("gate") / "gate.duckdb"
    assert ingest_paths([SEEDS], db).failed == 0
    return db


def app_test(monkeypatch, db: Path, **env):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("JIXIAO_DB", str(db))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shows_data(at) -> bool:
    return any(m.label == "填报数" for m in at.metric)


def test_the_gate_follows_the_listening_address_not_an_environment_variable(monkeypatch, small_db, listen_on):
    monkeypatch.delenv("JIXIAO_PASSWORD_HASH", raising=False)
    listen_on("0.0.0.0")
    at = app_test(monkeypatch, small_db, JIXIAO_BIND="127.0.0.1", JIXIAO_PASSWORD_HASH=access.hash_password(PASSWORD))
    assert not shows_data(at)
    assert at.text_input and at.text_input[0].label == "访问密码"
    listen_on("")  # Streamlit's default: every interface
    assert not shows_data(app_test(monkeypatch, small_db, JIXIAO_BIND="127.0.0.1"))
    listen_on("127.0.0.1")
    assert shows_data(app_test(monkeypatch, small_db))


class Clock:
    """The gate's clock, moved by the test: the lockout's length is measured without sleeping, and
    a page run that takes seconds on a loaded machine does not eat into it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.mark.slow
def test_wrong_passwords_are_limited_for_the_whole_server(monkeypatch, small_db, listen_on):
    listen_on("0.0.0.0")
    clock = Clock()
    monkeypatch.setattr(access, "time", SimpleNamespace(monotonic=clock.monotonic, sleep=time.sleep))
    access.reset_tries()
    stored = access.hash_password(PASSWORD)
    try:
        # each try from a session of its own, as 30 browsers would
        for k in range(access.FREE_TRIES):
            at = app_test(monkeypatch, small_db, JIXIAO_PASSWORD_HASH=stored)
            at.text_input[0].input(f"guess {k}").run()
            at.button[0].click().run()
            assert not shows_data(at)
        notices = [e.value for e in at.error]
        assert any("登录已暂停" in n for n in notices), notices
        assert access.locked_for() == access.LOCKOUT_SECONDS
        # while locked, even the right password gets the notice, from a new session too
        clock.now += access.LOCKOUT_SECONDS - 1
        at = app_test(monkeypatch, small_db, JIXIAO_PASSWORD_HASH=stored)
        assert any("登录已暂停" in w.value for w in at.warning)
        at.text_input[0].input(PASSWORD).run()
        at.button[0].click().run()
        assert not shows_data(at)
        assert any("登录已暂停" in e.value and "1 秒后再试" in e.value for e in at.error)
        # one more wrong one, once the pause is over, doubles the pause
        clock.now += 1
        at.text_input[0].input("guess again").run()
        at.button[0].click().run()
        assert access.locked_for() == 2 * access.LOCKOUT_SECONDS
        assert any("登录已暂停" in e.value for e in at.error)
        clock.now += 2 * access.LOCKOUT_SECONDS
        at.text_input[0].input(PASSWORD).run()
        at.button[0].click().run()
        assert shows_data(at)
        assert access.locked_for() == 0
    finally:
        access.reset_tries()


# ----------------------------------------------------------------- a real server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_on(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, size in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            addr, p = parts[1].split(":")
            if parts[3] == "0A" and int(p, 16) == port:  # 0A: LISTEN
                if size == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1]))
                else:
                    raw = b"".join(bytes.fromhex(addr[k:k + 8])[::-1] for k in range(0, 32, 8))
                    found.add(socket.inet_ntop(socket.AF_INET6, raw))
    return found


def start_server(args: list[str], cwd: Path, log: Path, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, *args, "--server.port", str(port), "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
                            + (["--"] + env.pop("_app_args") if env and "_app_args" in env else []),
                            cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT), **(env or {})})
    deadline = time.time() + 90
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return proc, port
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail("streamlit did not start:\n" + log.read_text())
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_started_outside_the_repository_it_binds_to_this_machine_only(tmp_path):
    proc, port = start_server(["-m", "streamlit", "run", APP], cwd=tmp_path, log=tmp_path / "s.log")
    try:
        assert listening_on(port) == {"127.0.0.1"}
    finally:
        stop(proc)


async def _session(port: int, existing: str | None = None, upload: bool = False,
                   timeout: float = 60) -> tuple[str, bytes, int | None]:
    """Connect a websocket as Streamlit's frontend does (reusing `existing` session id if given), ask
    for a script run, and return the session id, every message of the run, raw, and (with
    `upload`) the status of an upload made in the session's name while it is still connected."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from tornado.websocket import websocket_connect

    protocols = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"] + ([existing] if existing else [])
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=protocols)
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    await ws.write_message(msg.SerializeToString(), binary=True)
    session_id, raw = "", b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = await asyncio.wait_for(ws.read_message(), timeout=deadline - time.monotonic())
        if data is None:
            break
        raw += data
        fm = ForwardMsg()
        fm.ParseFromString(data)
        if fm.HasField("new_session"):
            session_id = fm.new_session.initialize.session_id
        if fm.HasField("script_finished") and session_id:  # (a reconnected session may first end an old run)
            break
    status = await asyncio.get_running_loop().run_in_executor(None, _upload, port, session_id) if upload else None
    ws.close()
    return session_id, raw, status


def _upload(port: int, session_id: str) -> int:
    boundary = "jixiaoboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + b"x" * 1024 + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/_stcore/upload_file/{session_id}/file-1", data=body, method="PUT",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                 # Tornado's double-submit check: any cookie with the same header passes it
                 "Cookie": "_streamlit_xsrf=0123abcd", "X-Xsrftoken": "0123abcd"})
    try:
        return urllib.request.urlopen(req, timeout=30).status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def wide_server(tmp_path_factory, small_db):
    log = tmp_path_factory.mktemp("wide") / "streamlit.log"
    proc, port = start_server(["-m", "dashboard.serve", "--server.address", "0.0.0.0"], cwd=ROOT, log=log,
                              env={"JIXIAO_PASSWORD_HASH": access.hash_password(PASSWORD),
                                   "_app_args": ["--db", str(small_db)]})
    yield port
    stop(proc)
    assert "Traceback" not in log.read_text()


def test_the_upload_endpoint_refuses_a_connection_that_has_not_signed_in(wide_server):
    session_id, raw, status = asyncio.run(_session(wide_server, upload=True))
    assert session_id and "访问密码".encode() in raw  # the page showed the sign-in form
    assert status == 403  # while its connection is open: it is the connection that has not signed in


@pytest.mark.slow
@pytest.mark.browser
def test_a_session_id_reused_after_its_owner_left_gets_the_sign_in_form(wide_server):
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, _need_browser

    _need_browser()
    from playwright.sync_api import sync_playwright

    ids: list[str] = []

    def on_frame(payload):
        if isinstance(payload, bytes):
            fm = ForwardMsg()
            try:
                fm.ParseFromString(payload)
            except Exception:
                return
            if fm.HasField("new_session"):
                ids.append(fm.new_session.initialize.session_id)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        page.goto(f"http://127.0.0.1:{wide_server}/")
        page.get_by_label("访问密码").fill(PASSWORD)
        page.get_by_role("button", name="进入").click()
        page.get_by_text("填报数").first.wait_for(timeout=90000)  # signed in: the data is shown
        owner = ids[-1]
        assert _upload(wide_server, owner) == 204  # the owner's connection may upload
        page.close()
        browser.close()
    # Streamlit gives a session back only once it has noticed its owner's disconnect (until then it
    # starts a new one): reconnect until it does, as an attacker would
    deadline = time.monotonic() + 60
    while True:
        reused, raw, status = asyncio.run(_session(wide_server, existing=owner, upload=True))
        if reused == owner or time.monotonic() > deadline:
            break
        assert "访问密码".encode() in raw and "填报数".encode() not in raw and status == 403  # a new session
        time.sleep(0.2)
    assert reused == owner  # Streamlit gave the old session back...
    assert "访问密码".encode() in raw  # ...but not its sign-in
    assert "填报数".encode() not in raw
    assert status == 403  # nor may it upload in the owner's name
