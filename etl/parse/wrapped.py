"""Cells wrapped onto continuation lines: a grid copied from a PDF as text.

A long cell of a printed table breaks at its column's width, and a text copy
puts the rest on the next line, in the same column, with the other columns
blank:

    部门职能    负责全区教育          ->  部门职能 | 负责全区教育事业发展规划
                事业发展规划
    人员经费    ≤670.2               ->  人员经费 | ≤670.21万元
                1万元

A line is a continuation of the row above it when its cells stand only under
cells of that row, each is no wider than the line
above it in its column, and each cell above it fills its column (a cell wraps
only when it is as wide as the column). No cell of the line may be a label on
its own (a key, a header, a level name), which starts a row rather than
continuing one; and a whole figure under another is the next row ('100%' over
'95%'), unless it is only the short rest of a long one ('1280.6' over '5').

Rows whose blank cells are level names carried down (an indicator table's
rowspan) look the same as a wrap; they are joined only where a `judge` says
the joined reading is better (the indicator decoder, in etl/parse/indicators.py).
Every threshold is a named setting printed by `--explain`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from etl.lexicon import lexicon
from etl.normalise.measure import parse_measure
from etl.parse.budget import is_money_key
from etl.parse.meta import ORG_FIELDS, is_key_label, looks_like_org, meta_key
from etl.parse.vocab import END_OF_TABLE_RE, TOTAL_ROW_RE, column_role, fold_cell, is_level1, is_level2, title_kind, without_column_number
from etl.records import Cell, Row


@dataclass(frozen=True)
class WrapSettings:
    full_share: float = 0.75  # a wrapped cell's line fills at least this share of its column's widest line
    slack: int = 1  # display columns a continuation may be wider than the line above it
    min_width: int = 4  # a column narrower than this (display columns) is not read as wrapping
    # the joined reading must beat the two lines apart by this much: one row always costs less than two,
    # so a whole row under a row (its own name and value) must not be joined for that alone
    judge_margin: float = 1.0
    line_judge_margin: float = 0.5  # the same for a copy with no positions, whose lines are less sure evidence
    # a copy with no positions: the rest of a line joined to a cell shorter than the line's widest costs this
    # times the share it falls short (a cell wraps only when it fills its column, so of two cells that read
    # the same either way the fuller one is the one that wrapped)
    short_line_cost: float = 0.5
    # a copy with no positions: a piece of the line that mends a token the cell above broke (a figure cut between
    # two digits, '2022年1' / '2月底前'; a bracket opened above and closed here) takes this much off the join's
    # cost: a token cut in two is the surest sign of which cell wrapped
    broken_token: float = 1.0
    # a line holding at least this many pieces holds many rows (a table flattened onto one line): a cell that
    # wrapped there is printed with its lines together, a space where each broke (etl/parse/flat_wraps.py)
    flat_line_cells: int = 24


SETTINGS = WrapSettings()

class Judge(Protocol):
    def in_body(self, row: Row) -> bool:
        """Is the row under an indicator table's header (not a key or money row)?"""

    def __call__(self, above: Row, cont: Row, joined: Row) -> bool:
        """Is the joined row the better reading of the row above and the line under it?"""


@lru_cache(maxsize=1 << 16)
def display_width(text: str) -> int:
    """Columns a text takes when printed: a CJK character is as wide as two Latin ones."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _filled(row: Row) -> dict[int, str]:
    return {k: c.text.strip() for k, c in enumerate(row.cells) if c.text.strip()}


def _label(text: str) -> bool:
    """A cell that starts a row by itself: a key, a header word, a total or a title (level names aside)."""
    s = fold_cell(without_column_number(text))  # '实际完成值⑤': a header word with its column's number
    # header words by their literal wordings: the header patterns also match the middle of a sentence
    # ('…导致指标值' is a 指标值 header to them)
    return (is_key_label(text) or is_money_key(text) or s.rstrip(":：") in lexicon().header_words
            or bool(TOTAL_ROW_RE.match(s) or END_OF_TABLE_RE.match(s)) or bool(title_kind(text)))


def _last_line(row: Row, k: int, lines: dict[int, str]) -> str:
    """The last printed line of a cell (a joined cell's is its last continuation)."""
    return lines.get(k, row.cells[k].text.strip())


def join_rows(above: Row, cont: Row) -> Row:
    """The row above with each continuation cell appended to the cell over it (no space: a cell's broken
    lines join as the contract joins them)."""
    cells = []
    for k, c in enumerate(above.cells):
        extra = cont.cells[k].text.strip() if k < len(cont.cells) else ""
        if extra:
            cells.append(Cell(c.text.strip() + extra, c.loc.merge(cont.cells[k].loc), c.glued or cont.cells[k].glued))
        else:
            cells.append(c)
    return Row(cells=cells, loc=above.loc.merge(cont.loc), table=above.table)


def column_widths(rows: list[Row]) -> dict[tuple[int, int], tuple[int, int]]:
    """(table, column) -> the widest line printed in that column, in display columns and in characters.

    A PDF wraps at a width on paper (digits are narrower than CJK characters); some copies wrap at a
    count of characters. A line is full by either measure.
    """
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r in rows:
        if r.table is None:
            continue
        for k, c in enumerate(r.cells):
            t = c.text.strip()
            w, n = out.get((r.table, k), (0, 0))
            out[(r.table, k)] = (max(w, display_width(t)), max(n, len(t)))
    return out


NO, YES, ASK = "no", "yes", "ask"


def is_continuation(above: Row, cont: Row, widths: dict[tuple[int, int], tuple[int, int]], last: dict[int, str],
                    s: WrapSettings = SETTINGS, labelled_rows: bool = False) -> str:
    """Is `cont` the wrapped rest of `above`'s cells? NO, YES, or ASK (the shapes allow both readings).

    `labelled_rows`: the rows are key or money rows, each led by its own label cell; a line whose
    label cell is blank then continues the row above whether or not the cells above filled their
    columns (a table's columns are as wide as its widest row group, so "full" is only a hint there).
    """
    if above.table is None or cont.table != above.table:
        return NO
    if len(cont.cells) > len(above.cells) or (len(cont.cells) < len(above.cells) and cont.cells[0].text.strip()):
        # a copy that dropped blank cells lost the columns (only trailing blanks may be trimmed)
        return NO
    a, b = _filled(above), _filled(cont)
    if not b or not set(b) <= set(a):
        return NO  # a continuation stands only under cells of the row above
    every = set(b) == set(a)
    unlabelled = labelled_rows and min(b) > min(a)
    full = 0
    verdict = YES
    for k, text in b.items():
        line = _last_line(above, k, last)
        col, chars = widths.get((above.table, k), (0, 0))
        if col < s.min_width:
            return NO
        if lexicon().placeholder_row.fullmatch(fold_cell(text)) or text in lexicon().empty_cell:
            return NO  # an unfilled template row ('指标3：', '……') is a row of its own, never the rest of one
        if is_level1(text) or is_level2(text):
            verdict = ASK  # '数量' may end a name ('…监测点' + '数量') or be the next block's level cell
        elif _label(text):
            return NO
        if display_width(text) > display_width(line) + s.slack and len(text) > len(line) + s.slack:
            return NO  # wider than the line above it: not the rest of a broken cell
        if _label(line) or (unlabelled and text[:1].isdigit() and not line[-1:].isdigit()):
            return NO  # a value under a label or a word ('预算数' over '371.66'): keys above values
        full += display_width(line) >= s.full_share * col or len(line) >= s.full_share * chars
        if two_values(line, text):
            return NO
    # a cell wraps only when it fills its column: all of them where the line is under every cell,
    # at least one otherwise (a short cell beside a long one wraps with it only in a label-less line)
    if not (unlabelled or (full == len(b) if every else full >= 1)):
        return NO
    return ASK if _carried_labels(above, cont) else verdict


def two_values(line: str, text: str) -> bool:
    """Is `text`, printed under `line`, a whole value of its own rather than the rest of `line`?"""
    if _complete_measure(line) and _complete_measure(text) and len(text) >= len(line) - 1:
        return True  # two whole figures, one under the other ('207.86' over '207.86'); '1280.6' over '5' is a wrap
    cue_line, cue_text = line.startswith(_cues()), text.startswith(_cues())
    # a qualitative value under a value, or a figure under a qualitative value ('≤200/10万' over '按计划完成')
    return (cue_line and (cue_text or _complete_measure(text))) or (cue_text and _complete_measure(line))


def _complete_measure(text: str) -> bool:
    m = parse_measure(text)
    return (m is not None and m.num is not None) or bool(_RATE.match(text))


_RATE = re.compile(r"^[≥≤<>=]?\d+(\.\d+)?/\d*[万千百]?人?$")  # '≤200/10万'


@lru_cache(maxsize=1)
def _cues() -> tuple[str, ...]:
    """How a qualitative value begins (lexicon [values] cues): such a cell is a value of its own."""
    return lexicon().value_cues


def mends_token(line: str, rest: str) -> bool:
    """Does `rest`, printed under `line`, finish a token `line` broke: the digits of one figure ('2022年1' /
    '2月底前', '≤582.3' / '1万元'), or a bracket `line` opened ('(≥' / '95%)')?"""
    if not line or not rest:
        return False
    if line[-1].isdigit() and rest[0].isdigit():
        return True
    if _depth(line) > 0 and _depth(rest) < 0:
        return True
    # a unit cut after its first characters ('≥4869平' / '方米'): a figure whose unit is no unit until the rest
    # is joined
    whole, cut = parse_measure(line + rest), parse_measure(line)
    units = lexicon().known_units
    return bool(cut and cut.unit and cut.unit not in units and whole and whole.num == cut.num and whole.unit in units)


def _carried_labels(above: Row, cont: Row) -> bool:
    """The cells the continuation leaves blank hold level names: the rows of a block look like this too."""
    b = _filled(cont)
    return any(is_level1(t) or is_level2(t) for k, t in _filled(above).items() if k not in b)


def join_wrapped(rows: list[Row], judge: Judge | None = None, s: WrapSettings = SETTINGS) -> list[Row]:
    """Rows with continuation lines joined to the row they continue.

    Where both readings fit the shapes (a line under a row that carries level names, a level word
    in a continuation), the `judge` decides; without one the line stays a row.
    """
    widths = column_widths(rows)
    last: dict[int, str] = {}  # column -> the last printed line of that cell of out[-1], where it was joined
    out: list[Row] = []
    for row in rows:
        labelled = judge is None or not judge.in_body(row)
        verdict = is_continuation(out[-1], row, widths, last, s, labelled_rows=labelled) if out else NO
        if verdict != NO:
            above = out[-1]
            joined = join_rows(above, row)
            if verdict == YES or (judge is not None and judge(above, row, joined)):
                for k in range(len(joined.cells)):
                    piece = row.cells[k].text.strip() if k < len(row.cells) else ""
                    last[k] = piece or _last_line(above, k, last)
                out[-1] = joined
                continue
        last = {}
        out.append(row)
    return out


def join_wrapped_key_values(rows: list[Row], s: WrapSettings = SETTINGS) -> list[Row]:
    """A copy with no positions (cells separated by spaces) of a key block whose long values wrapped:
    '项目名称  乡镇污水处理设施运  项目编码  4302' / '维  1201'. A line under a key row (labels and their values)
    holding as many pieces as the row has full values (a cell wraps only when it fills its column) is their
    rest, piece by piece; a lone piece is the rest of the fullest value. No piece may be wider than the line
    it continues, nor a label, a level name or a whole value of its own. A run of lone pieces is a label
    printed over lines ('资金情况' / '(万元)' before the money block), not the rest of a value."""
    def lone(k: int) -> bool:
        return 0 <= k < len(rows) and sum(1 for c in rows[k].cells if c.text.strip()) == 1

    out: list[Row] = []
    last: dict[int, str] = {}  # value cell index in out[-1] -> the last printed line of that value
    in_table = False  # under an indicator table's header, whose rows' wraps the decoder judges (etl/parse/stream.py)
    for i, row in enumerate(rows):
        if any(title_kind(c.text) for c in row.cells):
            in_table = False
        in_table = in_table or any(column_role(c.text) in ("level1", "level2", "name") for c in row.cells)
        in_run = lone(i) and (lone(i - 1) or lone(i + 1))
        targets = (_rest_of_key_values(out[-1], row, last, s, not in_table) or _closes_bracket(out[-1], row, s)) \
            if out and not in_run else None
        if targets is None:
            out.append(row)
            last = {}
            continue
        above, rests = out[-1], [c for c in row.cells if c.text.strip()]
        cells = list(above.cells)
        for k, rest in zip(targets, rests):
            c = cells[k]
            cells[k] = Cell(c.text.strip() + rest.text.strip(), c.loc.merge(rest.loc), c.glued)
            last[k] = rest.text.strip()
        out[-1] = Row(cells=cells, loc=above.loc.merge(row.loc), table=above.table)
    return out


def _rest_of_key_values(above: Row, row: Row, last: dict[int, str], s: WrapSettings,
                        money_rows: bool) -> list[int] | None:
    """The value cells of the key row `above` that `row` continues, or None; with `money_rows`, of any
    other row's full cells (a money header, its figures)."""
    texts = [c.text.strip() for c in above.cells]
    rests = [c.text.strip() for c in row.cells if c.text.strip()]
    if not rests or len(texts) < 2 or not all(texts):
        return None
    keyed = len(texts) % 2 == 0 and all(is_key_label(t) for t in texts[::2]) \
        and not any(_label(t) for t in texts[1::2])
    if not keyed:
        return _rest_of_money_row(texts, rests, last, s) if money_rows else None
    ends = {k: last.get(k, texts[k]) for k in range(1, len(texts), 2)}  # each value's last printed line
    widest = max(len(t) for t in ends.values())
    full = [k for k, t in ends.items() if len(t) >= s.full_share * widest]
    if len(rests) == len(full):
        targets = full
    elif len(rests) == 1:
        targets = [max(k for k, t in ends.items() if len(t) == widest)]
    else:
        return None
    if any(_org_completed(texts[k - 1], ends[k], rest) for k, rest in zip(targets, rests)):
        return None
    return targets if _rests_fit(targets, rests, ends, s) else None


def _org_completed(key: str, value: str, rest: str) -> bool:
    """An organisation's whole name under its key ('部门名称 | 某县卫生健康局') that the next line would make no
    organisation's ('…局年度主要任务'): that line is a heading of its own, not the name's wrapped rest."""
    return meta_key(key) in ORG_FIELDS and looks_like_org(value) and not looks_like_org(value + rest)


_OPEN, _CLOSE = "(（", ")）"


def _closes_bracket(above: Row, row: Row, s: WrapSettings) -> list[int] | None:
    """A lone short piece that closes the one bracket a cell of the row above left open is that cell's
    rest ('年度预算申请（万' / '元）' over the money block's figures)."""
    rests = [c.text.strip() for c in row.cells if c.text.strip()]
    if len(rests) != 1 or len(above.cells) < 2:
        return None
    text = rests[0]
    if not any(ch in _CLOSE for ch in text) or any(ch in _OPEN for ch in text):
        return None
    open_cells = [k for k, c in enumerate(above.cells) if _depth(c.text) > 0]
    if len(open_cells) != 1 or len(text) > len(above.cells[open_cells[0]].text.strip()) + s.slack:
        return None
    return open_cells


def _depth(text: str) -> int:
    return sum(text.count(ch) for ch in _OPEN) - sum(text.count(ch) for ch in _CLOSE)


def _rest_of_money_row(texts: list[str], rests: list[str], last: dict[int, str], s: WrapSettings) -> list[int] | None:
    """A row outside the indicator table (a money header, its figures) whose full cells wrapped: a line of
    as many pieces as the row has full cells, fewer than its cells, is their rest, piece by piece."""
    if len(rests) < 2 or any(is_level1(t) or is_level2(t) for t in texts):
        return None
    ends = {k: last.get(k, t) for k, t in enumerate(texts)}
    widest = max(len(t) for t in ends.values())
    full = [k for k, t in ends.items() if len(t) >= s.full_share * widest]
    if len(rests) != len(full) and all(r[:1].isdigit() for r in rests):
        # the rests of figures a narrow column broke ('1433.4' / '1') go under the figures, not under the row's
        # label that happens to be as wide ('年度资金总额')
        full = [k for k in full if ends[k][-1:].isdigit()]
    # a line as long as the row is a row of its own, unless each piece is only a short rest ('1433.4' / '1')
    if len(rests) != len(full) or (len(full) == len(texts) and any(2 * len(t) > len(ends[k]) for k, t in zip(full, rests))):
        return None
    return full if _rests_fit(full, rests, ends, s) else None


def _rests_fit(targets: list[int], rests: list[str], ends: dict[int, str], s: WrapSettings) -> bool:
    """Can each piece be the wrapped rest of its cell: no label or level word, under a line wide enough to wrap,
    not longer than that line, and not a second value beside it?"""
    return not any(_label(text) or is_level1(text) or is_level2(text) or display_width(ends[k]) < s.min_width
                   or len(text) > len(ends[k]) + s.slack or two_values(ends[k], text)
                   for k, text in zip(targets, rests))
