"""Cleaning of one cell's text as the contract wants it stored."""
from __future__ import annotations

import re

from etl.lexicon import lexicon

_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_BREAK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u3000\u00a0]+(?=[{_CJK}])")


def cell_text(text: str | None) -> str | None:
    """Trimmed, with spaces left by line wrapping between two CJK characters removed."""
    if text is None:
        return None
    s = text.replace("\u00a0", " ").strip(" \t\r\n\u3000")
    s = _BREAK_SPACE.sub("", s)
    return s or None


def indicator_name(text: str | None) -> str | None:
    s = cell_text(text)
    if s is None:
        return None
    return lexicon().name_prefix.sub("", s).strip() or None


def is_empty_value(text: str | None) -> bool:
    return text is None or text.strip(" \u3000") in lexicon().empty_cell
