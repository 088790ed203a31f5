"""Data shown inside Streamlit's Markdown-rendering widgets (st.warning, st.subheader, button labels).

A value from a filing or from the address bar must show as typed: `![x](http://…)` would
otherwise become an image fetched from another host, `**` bold, `[a](b)` a link.
Every Markdown-active character gets a backslash; Streamlit shows the text as is.
"""
from __future__ import annotations

import re

_ACTIVE = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=])")


def escape(text) -> str:
    return _ACTIVE.sub(r"\\\1", "" if text is None else str(text))
