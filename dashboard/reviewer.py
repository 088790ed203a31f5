"""Who corrects: every correction carries the name of the person who made it (no correction is anonymous).

On this machine alone (127.0.0.1) a local setting names the reviewer: JIXIAO_REVIEWER, or
`[dashboard] reviewer = "姓名"` in .streamlit/secrets.toml. Exposed to the network with a password
(see access.py), the dashboard asks each session for a name once, before the first correction,
whatever the setting says: several people share the password, not their names. Where no name is
known the page asks, and nothing is saved until it has one.
"""
from __future__ import annotations

import os

import streamlit as st

from dashboard import access

ENV_VAR = "JIXIAO_REVIEWER"
SESSION_KEY = "_reviewer"
MAX_LEN = 40


def local_setting() -> str | None:
    if os.environ.get(ENV_VAR, "").strip():
        return os.environ[ENV_VAR].strip()[:MAX_LEN]
    try:
        name = st.secrets.get("dashboard", {}).get("reviewer")
    except Exception:  # no secrets file: Streamlit raises its own error type
        return None
    return str(name).strip()[:MAX_LEN] or None if name else None


def exposed() -> bool:
    return access.listening_address() not in access.LOCAL_ADDRESSES


def current() -> str | None:
    """The reviewer of this session: the name given here, else (on this machine only) the local setting."""
    name = st.session_state.get(SESSION_KEY)
    if name:
        return name
    return None if exposed() else local_setting()


def ask(key: str = "rv_name") -> str | None:
    """The reviewer's name; draws a one-line form asking for it when it is not known yet."""
    name = current()
    if name:
        return name
    with st.form(key):
        st.write("请填写复核人姓名：每一处更正都会记录是谁、在什么时候、因为什么修改的。"
                 + ("（本会话内只需填写一次）" if exposed() else "（也可在本机设置 JIXIAO_REVIEWER）"))
        typed = st.text_input("复核人姓名", max_chars=MAX_LEN)
        if st.form_submit_button("确定") and typed.strip():
            st.session_state[SESSION_KEY] = " ".join(typed.split())
            st.rerun()
    return None
