"""Who may see the dashboard: everyone on this machine; beyond it, only with the password.

The server binds 127.0.0.1 (dashboard/.streamlit/config.toml, read wherever Streamlit is
started from, since it sits next to app.py; scripts/run.sh, BIND=...). When the server
really listens on any other address (Streamlit's own `server.address`, as the command line,
environment or config set it: nothing else can disagree with it), or a request comes from
another machine, every page asks for the password whose scrypt hash is configured (never
the password itself):

    .venv/bin/python -m dashboard.access 'the password'     # prints the hash
    JIXIAO_PASSWORD_HASH='scrypt$...'  or  [dashboard] password_hash = "scrypt$..." in .streamlit/secrets.toml

A sign-in belongs to the browser connection that made it: it is marked on that connection's
websocket handler, so a client that reconnects with a signed-in session's id (after its owner
disconnected) starts signed out. Uploads are refused for connections not signed in
(guard_uploads). Wrong passwords are limited for the whole server, not per session: after
FREE_TRIES wrong ones in a row, nobody may try for LOCKOUT_SECONDS, doubling with each
further wrong one (up to LOCKOUT_MAX_SECONDS), and the form says so.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sys
import threading
import time

LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1"}
_N, _R, _P = 2 ** 14, 8, 1
FREE_TRIES = 5  # wrong passwords in a row, server-wide, before the lockout starts
LOCKOUT_SECONDS = 30.0
LOCKOUT_MAX_SECONDS = 900.0
FORGET_SECONDS = 3600.0  # a run of wrong passwords is forgotten after this long without one
SIGNED_IN = "_jixiao_signed_in"  # attribute of the signed-in connection's websocket handler; session_state key

log = logging.getLogger("jixiao.dashboard")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=_N, r=_R, p=_P)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def listening_address() -> str:
    """The address the server listens on: Streamlit's own option, which the server was started
    with; unset means every interface."""
    import streamlit as st

    return st.get_option("server.address") or "0.0.0.0"


def _server():
    """Streamlit's running server runtime, or None (no server, or AppTest's stand-in)."""
    try:
        from streamlit import runtime
        from streamlit.runtime.runtime import Runtime

        # type, not isinstance: AppTest stands in a mock made with Runtime as its spec
        if runtime.exists() and type(runtime.get_instance()) is Runtime:
            return runtime.get_instance()
    except Exception:  # internal API moved: treated as no server, and so no upload passes (fail closed)
        log.debug("no Streamlit runtime", exc_info=True)
    return None


def _client(session_id: str | None = None):
    """The websocket handler of a session's current connection (this script run's when None);
    None without a running server or when the session has no live connection."""
    server = _server()
    if server is None:
        return None
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.web.server.browser_websocket_handler import BrowserWebSocketHandler

        if session_id is None:
            ctx = get_script_run_ctx()
            if ctx is None:
                return None
            session_id = ctx.session_id
        client = server.get_client(session_id)
        return client if isinstance(client, BrowserWebSocketHandler) else None
    except Exception:  # internal API moved: no client, no sign-in (fail closed)
        log.debug("no session client", exc_info=True)
        return None


def _remote_ip(client) -> str | None:
    request = getattr(client, "request", None)
    return getattr(request, "remote_ip", None)


def password_required(client=None) -> bool:
    """True unless the server listens on this machine only and the request comes from it."""
    if listening_address() not in LOCAL_ADDRESSES:
        return True
    ip = _remote_ip(client if client is not None else _client())
    return ip is not None and ip not in LOCAL_ADDRESSES


def signed_in() -> bool:
    """This connection signed in (with a server, the mark is on the connection itself)."""
    import streamlit as st

    token = st.session_state.get(SIGNED_IN)
    if not token:
        return False
    if _server() is None:
        return True  # no server (AppTest): the session is the connection
    client = _client()
    return client is not None and hmac.compare_digest(str(getattr(client, SIGNED_IN, "")), str(token))


def _sign_in() -> None:
    import streamlit as st

    token = secrets.token_hex(16)
    client = _client()
    if client is not None:
        setattr(client, SIGNED_IN, token)
    st.session_state[SIGNED_IN] = token


# ----------------------------------------------------------------- wrong passwords, server-wide

_tries_lock = threading.Lock()
_wrong = 0  # wrong passwords in a row
_last_wrong = 0.0
_locked_until = 0.0


def reset_tries() -> None:
    global _wrong, _last_wrong, _locked_until
    with _tries_lock:
        _wrong, _last_wrong, _locked_until = 0, 0.0, 0.0


def locked_for() -> float:
    """Seconds until anyone may try a password again (0: now)."""
    with _tries_lock:
        return max(0.0, _locked_until - time.monotonic())


def _record(ok: bool) -> None:
    global _wrong, _last_wrong, _locked_until
    now = time.monotonic()
    with _tries_lock:
        if ok:
            _wrong = 0
            return
        if now - _last_wrong > FORGET_SECONDS:
            _wrong = 0
        _wrong += 1
        _last_wrong = now
        if _wrong >= FREE_TRIES:
            _locked_until = now + min(LOCKOUT_MAX_SECONDS, LOCKOUT_SECONDS * 2 ** (_wrong - FREE_TRIES))


def _lockout_notice(seconds: float) -> str:
    wait = f"{seconds / 60:.0f} 分钟" if seconds >= 90 else f"{max(1, round(seconds))} 秒"
    return (f"密码错误次数过多，登录已暂停。请在 {wait}后再试。"
            "（为防止猜测密码，暂停期间任何人都不能登录；每次再输错，暂停时间加倍。）")


# ----------------------------------------------------------------- uploads

def _upload_allowed(session_id: str) -> bool:
    client = _client(session_id)
    if client is None:
        return False  # no live connection: nothing may be uploaded in its name
    if not password_required(client):
        return True
    return bool(getattr(client, SIGNED_IN, ""))


def guard_uploads() -> None:
    """Make Streamlit's upload endpoint refuse (403) files for a connection that has not signed in.

    Installed at server start by `python -m dashboard.serve` (scripts/run.sh), and by the first
    page run otherwise. Idempotent.
    """
    from streamlit.web.server.upload_file_request_handler import UploadFileRequestHandler

    if getattr(UploadFileRequestHandler, "_jixiao_guarded", False):
        return
    original = UploadFileRequestHandler.put

    def put(self, **kwargs):
        session_id = self.path_kwargs.get("session_id", "")
        if not _upload_allowed(session_id):
            log.warning("dashboard: upload refused, session not signed in")
            self.send_error(403, reason="Sign in first")
            return None
        return original(self, **kwargs)

    UploadFileRequestHandler.put = put
    UploadFileRequestHandler._jixiao_guarded = True


# ----------------------------------------------------------------- the page

def stored_hash() -> str | None:
    import streamlit as st

    if os.environ.get("JIXIAO_PASSWORD_HASH"):
        return os.environ["JIXIAO_PASSWORD_HASH"]
    try:
        return st.secrets.get("dashboard", {}).get("password_hash")
    except Exception:  # no secrets file: Streamlit raises its own error type
        return None


def gate() -> bool:
    """True when the page may be shown; otherwise draws the sign-in form (or the refusal)."""
    import streamlit as st

    guard_uploads()
    if not password_required() or signed_in():
        return True
    if SIGNED_IN in st.session_state:  # a mark from another connection is worth nothing here
        del st.session_state[SIGNED_IN]
    stored = stored_hash()
    st.title("预算绩效看板")
    if not stored:
        st.error("看板正在对本机以外的地址开放，但没有设置访问密码，因此不显示任何内容。"
                 "请管理员设置密码（见 README“对外开放”一节），或只在本机访问。")
        return False
    with st.form("signin"):
        password = st.text_input("访问密码", type="password")
        ok = st.form_submit_button("进入")
    if ok:
        wait = locked_for()
        if wait > 0:  # the password is not even checked while locked: no guess counts
            log.warning("dashboard: sign-in refused, locked for %.0f s", wait)
            st.error(_lockout_notice(wait))
            return False
        if check_password(password, stored):
            _record(True)
            _sign_in()
            st.rerun()
        _record(False)
        time.sleep(1.0)  # slows one session's guessing; the lockout limits all of them together
        log.warning("dashboard: wrong password")
        wait = locked_for()
        st.error(_lockout_notice(wait) if wait > 0 else "密码不正确。")
    elif locked_for() > 0:
        st.warning(_lockout_notice(locked_for()))
    return False


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m dashboard.access PASSWORD")
    print(hash_password(sys.argv[1]))
