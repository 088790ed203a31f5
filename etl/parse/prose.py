"""Indicators stated in lines of prose, on a short target page with no table:

    产出指标：资助学生人次≥800人次；资助准确率100%
    满意度指标：受助学生满意度≥90%

A line that starts with a level name and a colon holds that level's
indicators, one per clause; each clause is a name and its target run together,
which the decoder's lattice cuts like any glued cell.
"""
from __future__ import annotations

import re

from etl.parse.cells import cell_text
from etl.parse.decode import Piece, decode
from etl.parse.indicators import TableResult, rows_from_steps
from etl.parse.vocab import fold_cell, is_level1, is_level2
from etl.records import Indicator, Row

_LEVEL_LINE = re.compile(r"^(?P<level>[^:：]{2,12})[:：](?P<rest>.+)$")
_CLAUSE = re.compile(r"[；;。]")
MIN_LINES = 2  # a page states at least this many level lines before they are read as its indicators
ROLES = ["level1", "level2", "name", "target"]


def prose_indicators(rows: list[Row]) -> TableResult | None:
    pieces: list[Piece] = []
    starts: set[str] = set()  # the level words that open lines
    lines = 0
    for r in rows:
        text = " ".join(t for t in r.texts if t.strip())
        m = _LEVEL_LINE.match(fold_cell(text)) if text else None
        if not m or not (is_level1(m.group("level")) or is_level2(m.group("level"))):
            continue
        lines += 1
        starts.add(m.group("level"))
        pieces.append(Piece(m.group("level"), r.loc))
        for clause in _CLAUSE.split(m.group("rest")):
            clause = cell_text(clause)
            if clause:
                pieces.append(Piece(clause, r.loc, glued=True, sure_glued=True))
    if lines < MIN_LINES:
        return None
    out: list[Indicator] = []
    decoded = decode(pieces, ROLES)
    for st in decoded.steps:
        if st.label == "level2" and is_level1(st.text) and st.text in starts:
            st.label = "level1"  # a line's own level word: '满意度指标：…' opens a level-1 block, not a level-2
    rows_from_steps(decoded.steps, out, ROLES, table_ended=True)
    if not out:
        return None
    return TableResult(indicators=out, notes=["指标读自正文各行（页面没有指标表）"], decoded=decoded, roles=ROLES)
