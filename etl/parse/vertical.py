"""Labels printed vertically: a merged level cell copied one character per line.

    产
    出        ->  产出指标 (one cell, in the table the rows around it belong to)
    指
    标

A run of rows that each hold one or two characters and nothing else is one
cell broken by the copy. The run is joined when it is at least MIN_RUN rows
long; the joined cell joins the table of the rows next to it, so the
indicator table is not cut at the label.
"""
from __future__ import annotations

import re
from functools import lru_cache

from etl.lexicon import lexicon
from etl.records import Cell, Row

MIN_RUN = 2  # rows of one or two characters each
MAX_VERTICAL_RUN = 24  # rows: a level-1 and its level-2 printed down their cells ('效益指标(30分)社会效益指标') fit
MAX_PIECE = 2  # characters per row in a vertical run
_PIECE = re.compile(r"^[\u4e00-\u9fff]{1,%d}$" % MAX_PIECE)
_SCORE_PART = re.compile(r"[（(]\d+(\.\d+)?分?[)）]")
_SCORE_PIECE = re.compile(r"^[（()）0-9.分]{1,2}$")


def _piece(row: Row) -> str | None:
    texts = [c.text.strip() for c in row.cells if c.text.strip()]
    if len(texts) == 1 and _PIECE.match(texts[0]):
        return texts[0]
    return None


def _score_piece(row: Row) -> str | None:
    texts = [c.text.strip() for c in row.cells if c.text.strip()]
    if len(texts) == 1 and _SCORE_PIECE.match(texts[0]):
        return texts[0]
    return None


MAX_FORM_PIECE = 4  # characters a line of a form's side label printed down its cell ('完成', '情况')
_FORM_PIECE = re.compile(r"^([\u4e00-\u9fff]{1,%d}|[（(][\u4e00-\u9fff]{1,3}[)）])$" % MAX_FORM_PIECE)  # or its unit '(万元)'
_UNIT_TAIL = re.compile(r"[（(][\u4e00-\u9fff]{1,3}[)）]$")


def _form_label_run(rows: list[Row], i: int) -> int:
    """The end of a form's side label printed down its cell from rows[i] ('年度' / '目标' / '完成' / '情况'), or i."""
    labels = set(lexicon().form_side_labels)
    longest = max(map(len, labels)) + MAX_FORM_PIECE  # (and its unit): a longer run is no label, stop reading it
    text, j, end = "", i, i
    while j < len(rows) and len(text) <= longest:
        texts = [c.text.strip() for c in rows[j].cells if c.text.strip()]
        if len(texts) != 1 or not _FORM_PIECE.match(texts[0]):
            break
        text += texts[0]
        j += 1
        if _UNIT_TAIL.sub("", text) in labels and j - i >= MIN_RUN:
            end = j
    return end


def _known(text: str) -> bool:
    """Only vocabulary is printed vertically (level names, headers): '好', '好' stay two cells."""
    from etl.parse.vocab import column_role, is_level1, is_level2

    return len(_levels(text)) > 1 or is_level1(text) or is_level2(text) or column_role(text) is not None


def _money_row_label(text: str) -> bool:
    """A money block's row label ('总额', '合计', '财政资金') is a cell of its own: in a copy that prints one
    cell per line it follows the header's last cell ('原因' / '总额'), which is no word broken in two."""
    money = lexicon().money_labels
    return any(text == w for key in ("total", "fiscal", "carryover", "other") for w in money[key])


@lru_cache(maxsize=1)
def _level_words() -> re.Pattern:
    """The level names, longest first, each with its points: built once (every row of a run asks)."""
    lx = lexicon()
    words = sorted(set(lx.level1_names) | set(lx.level2_words), key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(w) for w in words) + r")([（(]\d+(?:\.\d+)?分?[)）])?")


def _levels(text: str) -> list[str]:
    """'效益指标(30分)社会效益指标' (a level-1 and its level-2, both vertical) -> two cells."""
    pat = _level_words()
    parts, pos = [], 0
    for m in pat.finditer(text):
        if m.start() != pos:
            return [text]
        parts.append(m.group())
        pos = m.end()
    return parts if pos == len(text) and len(parts) > 1 else [text]


def join_vertical(rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    renumber: dict[int, int] = {}  # a table the reader split at the vertical label -> the table it continues
    i = 0
    while i < len(rows):
        form_end = _form_label_run(rows, i)
        if form_end > i:  # a form's side label: one cell of its own, in no table
            run = rows[i:form_end]
            loc = run[0].loc
            for r in run[1:]:
                loc = loc.merge(r.loc)
            out.append(Row(cells=[Cell("".join(c.text.strip() for r in run for c in r.cells if c.text.strip()), loc)],
                           loc=loc, table=None))
            i = form_end
            continue
        j = i
        # (a run longer than any label printed down a cell is read no further: a text of one character a line
        # would otherwise be re-read from each of its rows, quadratic in its length)
        while j < len(rows) and j - i < MAX_VERTICAL_RUN and _piece(rows[j]) is not None:
            j += 1
        label = "".join(_piece(r) for r in rows[i:j])
        k = j  # a score part printed vertically after the label: '(', '3', '0', '分', ')'
        while k < len(rows) and _score_piece(rows[k]) is not None:
            k += 1
        score = "".join(_score_piece(r) for r in rows[j:k])
        if not _SCORE_PART.fullmatch(score):
            k, score = j, ""
        whole = sum(1 for r in rows[i:j] if _known(_piece(r)) or _money_row_label(_piece(r)))
        if j - i >= MIN_RUN and _known(label) and whole < 2:  # '分值' '得分' are two cells, not one broken word
            text = label + score
            run = rows[i:k]
            loc = run[0].loc
            for r in run[1:]:
                loc = loc.merge(r.loc)
            j = k
            before = out[-1].table if out else None
            after = rows[j].table if j < len(rows) else None
            if before is not None and after is not None and after != before:
                renumber[after] = renumber.get(before, before)
            table = before if before is not None else after
            out.append(Row(cells=[Cell(t, loc) for t in _levels(text)], loc=loc, table=table))
            i = j
        else:
            row = rows[i]
            if row.table in renumber:
                row = Row(cells=row.cells, loc=row.loc, table=renumber[row.table])
            out.append(row)
            i += 1
    return out
