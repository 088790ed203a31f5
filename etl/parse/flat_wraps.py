"""Cells wrapped in their columns, printed together on a table flattened onto one line.

A document-sharing site shows a PDF's or spreadsheet's text layer as one long line, cells separated by
spaces; a long cell wrapped in its narrow column keeps its lines together, a space where each broke:

    新建供水管网 长度 12公里 12公里 20 20 水质检测合格 率 ≥95% 97% 20 15 受汛期影响工期推 迟，下一步加快施 工进度。

With no line breaks left, the wrapped rest of a cell is no line of its own to join (etl/parse/stream.py's
join_wrapped_lines): it is the next piece on the line. The cell tagger (etl/parse/tagger.py) reads such a
space as inside a cell and a space between cells as a cell's start, and a piece that wrapped filled its
column (it is at least `wrap.min_width` long). Two pieces are joined (without the space, as labels join a
cell's lines) where both hold words and neither is a cell on its own (a header word, a level, a value), or where
the second mends a figure the first broke ('≤670.2' '1万元', '≥4666平' '方米'); and the tagger reads the space
between them as inside a cell; and the rest is no longer than the line it wrapped from, nor the same words
again. Only on a line holding at least `wrap.flat_line_cells` pieces (many rows: a flattened table; a copy with
a row a line puts a wrapped rest on the next line), and not in a table with an explanation column.
"""
from __future__ import annotations

import re

from etl.lexicon import lexicon
from etl.normalise.measure import parse_measure
from etl.parse import tagger
from etl.parse.decode import Piece
from etl.parse.meta import is_key_label, meta_key
from etl.parse.parse_settings import DEFAULT, ParseSettings
from etl.parse.wrapped import mends_token
from etl.parse.vocab import END_OF_TABLE_RE, TOTAL_ROW_RE, column_role, fold_cell, is_level1, is_level2

_CJK = re.compile(r"[\u4e00-\u9fff]")


def rest_follows(line: str, after: str, slack: int = DEFAULT.wrap.slack) -> bool:
    """On a table flattened onto one line, does the piece after `line` read as its wrapped rest: words, no key
    label, no longer than the line (a wrapped cell's line followed by its rest may look like a title on its own:
    '开展重点绩效评价 项目数', '反映评价报告 合格率情况')?"""
    after = after.strip()
    return bool(after) and bool(_CJK.match(after[0])) and len(after) <= len(line.strip()) + slack \
        and not is_key_label(after) and meta_key(after) is None


def _line(p: Piece) -> tuple:
    return p.loc.page, p.loc.sheet, p.loc.table, p.loc.row, p.loc.line_start


def _label(t: str) -> bool:
    """A piece that is a cell on its own: a header word, a level name, the total row's or table end's label."""
    f = fold_cell(t)
    return t in lexicon().header_words or column_role(t) is not None or is_level1(t) or is_level2(t) \
        or bool(TOTAL_ROW_RE.match(f) or END_OF_TABLE_RE.match(f))


def _value(t: str) -> bool:
    """A figure with its unit or operator, or a worded value ('明显改善'): a cell on its own (two of them side by
    side are a target and its actual, not one cell's lines)."""
    return parse_measure(t) is not None or t.startswith(lexicon().value_cues)


def _joinable(p: Piece, explained: bool = False) -> bool:
    """`explained`: the piece follows an explanation's line ('反映评价完成'), whose rest may start with a value's
    cue word ('及时情况', '合格率情况'); only a figure there is a cell of its own."""
    if p.glued or p.col is not None or not _CJK.search(p.text) or _label(p.text):
        return False
    return parse_measure(p.text) is None if explained else not _value(p.text)


def join_flat_wraps(pieces: list[Piece], s: ParseSettings = DEFAULT, roles: list[str] | None = None) -> list[Piece]:
    """The pieces with every cell that wrapped on a flattened line put back together. `roles`: the header's
    columns, where one is known; a table with an explanation column (指标解释, 绩效指标描述) is left alone: the
    tagger has no role for it, and a name, its explanation and a worded target side by side read to it like
    one cell's lines ('合理使用经费 经费使用情况'). Such a table's joins are offered to the decoder as a
    reading of their own instead (`flat_wrap_readings`)."""
    if roles and "description" in roles:
        return pieces
    return _joined(pieces, s)


def flat_wrap_readings(pieces: list[Piece], s: ParseSettings = DEFAULT, roles: list[str] | None = None) -> list[list[Piece]]:
    """The pieces to decode a table from: the one list `join_flat_wraps` gives, and for a table with an
    explanation column, where the tagger joins anything, the pieces as printed and as joined, both: the decoder
    keeps the cheaper reading. (An explanation wrapped in its column ('反映开展重点绩效 评价项目数情况') leaves
    a rest the decoder can read as no cell; a worded target beside an explanation ('合理使用经费 经费使用情况')
    read as one cell leaves the row without its target: each costs the decoder more than the other reading.)"""
    if not (roles and "description" in roles):
        return [join_flat_wraps(pieces, s, roles)]
    joined = _joined(pieces, s)
    return [pieces] if len(joined) == len(pieces) else [pieces, joined]


def _joined(pieces: list[Piece], s: ParseSettings) -> list[Piece]:
    if not s.decode.tagger_weight or not tagger.available():
        return pieces
    out: list[Piece] = []
    k = 0
    while k < len(pieces):
        j = k + 1
        while j < len(pieces) and _line(pieces[j]) == _line(pieces[k]) and not pieces[j].row_first:
            j += 1
        out.extend(_join_line(pieces[k:j], s) if j - k >= s.wrap.flat_line_cells else pieces[k:j])
        k = j
    return out


def _join_line(line: list[Piece], s: ParseSettings) -> list[Piece]:
    tg = tagger.tagged("".join(p.text for p in line))
    if tg is None:
        return line
    out: list[Piece] = [line[0]]
    pos = len(line[0].text)
    prev_part = line[0].text
    before = ""  # the piece printed before the one being joined to
    for p in line[1:]:
        prev = out[-1]
        # a cell's wrapped line filled its column: the piece before the space is at least the narrowest width
        # (the one before it may itself be a joined cell: only its last printed line counts)
        last = prev_part
        inside = tg.begin[pos] < s.decode.tagger_cut
        words = _joinable(prev) and _joinable(p, explained=prev.text.startswith(lexicon().description_cues))
        # a figure cut at its column's width ('≤670.2' '1万元', '≥4666平' '方米'): the rest mends the token
        figure = not (p.glued or prev.glued or p.col is not None or prev.col is not None) and mends_token(last, p.text)
        # (and the rest is no longer than the line it wrapped from, nor the same words again: two cells side by
        # side, a name and its explanation, '服务完成度 服务完成度')
        # (nor is the line it would continue the cell before it printed again: a name restated as its explanation
        # is a whole cell, '合理使用经费 合理使用经费 经费使用情况')
        fits = len(p.text) <= len(last) + s.wrap.slack and p.text != last and last != before
        if inside and (words or figure) and fits and len(last) >= s.wrap.min_width:
            out[-1] = Piece(prev.text + p.text, prev.loc.merge(p.loc), row_first=prev.row_first)
        else:
            out.append(p)
        before = prev_part
        prev_part = p.text
        pos += len(p.text)
    return out
