"""Who may see the dashboard: everyone on this machine; beyond it, only with the password.

The server binds 127.0.0.1 unless told otherwise (scripts/run.sh, BIND=...).
When it listens on any other address, every page asks for the password whose
scrypt hash is configured (never the password itself):

    .venv/bin/python -m dashboard.access 'the password'     # prints the hash
    JIXIAO_PASSWORD_HASH='scrypt$...'  or  [dashboard] password_hash = "scrypt$..." in .streamlit/secrets.toml
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sys
import time

LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1"}
_N, _R, _P = 2 ** 14, 8, 1

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


def bind_address() -> str:
    """The address the server listens on; Streamlit's default (unset) means every interface."""
    import streamlit as st

    return os.environ.get("JIXIAO_BIND") or (st.get_option("server.address") or "0.0.0.0")


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

    if bind_address() in LOCAL_ADDRESSES or st.session_state.get("_signed_in"):
        return True
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
        if check_password(password, stored):
            st.session_state["_signed_in"] = True
            st.rerun()
        time.sleep(1.0)  # slows guessing
        log.warning("dashboard: wrong password")
        st.error("密码不正确。")
    return False


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m dashboard.access PASSWORD")
    print(hash_password(sys.argv[1]))
