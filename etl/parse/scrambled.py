"""Rows a text layer printed out of order, read as the cheapest of the orders such layers produce.

A PDF's or spreadsheet's text layer emits a row's cells in the order they were drawn, not the
order the header prints: the name after the row's values ('50人 52人 7 7 保障在职人员人数'), the
分值 / 得分 pair before the values ('保障在职人员人数 7 7 50人 52人'), or a block of merged rows
as a run of names followed by a run of their values, one line a name:

    产出指标 数量指标 保障在职人员人数 保障退休人员人数 维修改造校舍面积
    50人 52人 7 7
    28人 32人 7 6
    ≥4666平方米 4805平方米 6 5

Both are readings of the one decoder (etl/parse/decode.py), not passes of their own:

- `cheapest_order` decodes a table's rows under the header's printed order and under each
  scrambled order (`orders`: the same columns, name last or scores first), a grid's cell
  positions reassigned to the columns in that order; the cheapest reading wins, a reading in
  another order than the printed one paying `order_cost` and costing at most `order_share` of
  the printed reading (a table of another template reads badly every way, and keeps its order).
- `zip_name_blocks` puts a line of names back beside the lines of values under it (name 1 with
  the first value line, …) where the counts agree, every line under it holds a value, and the
  decoder reads the block zipped more cheaply, by `zip_cost`, than as printed. A tabbed copy's
  one-value lines (no tab, so no table row to its reader) stay in the table (`lone_value_rows`).
- `deal_held_back` does the same where a copy flattened onto one line has no lines to go by: a few rows
  print their leading cells (names, or names and targets) and then a run of their other cells, row by row
  or column by column ('指标4:甲 指标5:乙 ≥90% 95% 20 20 ≥85% 80% 20 18'); the run is dealt evenly among
  the rows where the decoder reads it so more cheaply, by `zip_cost`, than as printed.

Rows read so carry at most `row_confidence`, and the table a note saying so. Every number is a
field of `ScrambleSettings` (etl/parse/parse_settings.py, `scrambled.*`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Callable, TypeVar

from etl.lexicon import lexicon
from etl.normalise.measure import parse_measure
from etl.parse.cells import is_empty_value
from etl.parse.decode import INF, STRUCTURAL, Piece, decode, name_cost
from etl.parse.parse_settings import DEFAULT, ParseSettings
from etl.parse.vocab import is_level1, is_level2, is_unknown_level
from etl.records import Row

PRINTED = "printed"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEVELS = ("level1", "level2")
NOTES = {
    "name_last": "单元格顺序与表头不符（指标名称在数值之后）：按此顺序读取（请核对）",
    "scores_first": "单元格顺序与表头不符（分值、得分在指标值之前）：按此顺序读取（请核对）",
}
# a block of names zipped with the value lines under it, or rows put back together with the cells held back
# after them (deal_held_back): both read cells printed apart from their rows, paired by their order
ZIP_NOTE = "指标名称与其数值分开印出：按顺序配对读取（请核对）"
DEAL_NOTE = ZIP_NOTE

T = TypeVar("T")


def orders(roles: list[str]) -> list[tuple[str, list[str]]]:
    """The printed order of a header's columns and the scrambled orders a text layer prints its rows in.

    Only a header in a template's own order (levels, name, values) has them: a header that is itself
    out of order, or holds repeated column groups, is read as printed (etl/parse/stream.py judges it)."""
    out = [(PRINTED, roles)]
    levels = [r for r in roles if r in _LEVELS]
    values = [r for r in roles if r not in STRUCTURAL]
    if "name" not in roles or roles != levels + ["name"] + values or not values:
        return out
    # the level columns are spelt out: a grammar inserts missing ones just before the name, which here
    # would put them after the values
    out.append(("name_last", list(_LEVELS) + values + ["name"]))
    scores = [r for r in values if r in ("weight", "score")]
    if scores and values[: len(scores)] != scores:
        out.append(("scores_first", list(_LEVELS) + ["name"] + scores + [r for r in values if r not in scores]))
    return out


def moved_columns(roles: list[str], order: list[str], columns: dict[str, int] | None) -> dict[str, int] | None:
    """A grid's positions under a scrambled order: the printed header's cells keep their places, the
    columns move (a row printing its name last puts the name where the header's last column stands)."""
    if columns is None:
        return None
    printed = [r for r in roles if r not in _LEVELS and r in columns]
    moved = [r for r in order if r not in _LEVELS and r in columns]
    out = {r: columns[r] for r in _LEVELS if r in columns}
    out.update({r: columns[p] for p, r in zip(printed, moved)})
    return out


def cheapest_order(read: Callable[..., T], cost: Callable[[T], float],
                   roles: list[str], columns: dict[str, int] | None = None,
                   s: ParseSettings = DEFAULT, bounded: bool = False) -> tuple[T, str, list[str]]:
    """(reading, order name, roles in that order) of the cheapest reading of a table under its printed
    order and the scrambled ones; `read(roles, columns)` decodes the table's rows under one order.
    `bounded`: `read` takes a third argument, the cost above which a scrambled order's reading can neither
    be kept nor win (the decoder may then stop early and answer a reading costing INF)."""
    best = None
    printed = None
    for name, order in orders(roles):
        if name == PRINTED:
            result = read(order, columns)
        else:
            moved = moved_columns(roles, order, columns)
            result = read(order, moved, min(s.scrambled.order_share * printed, best[0] - s.scrambled.order_cost)) \
                if bounded else read(order, moved)
        c = cost(result)
        if name == PRINTED:
            printed = c
        else:
            # another order must read the rows far better than the printed one, not only a little: a table
            # that reads badly every way (rows of another template) keeps the order it was printed in
            if c > s.scrambled.order_share * printed:
                continue
            c += s.scrambled.order_cost
        if best is None or c < best[0]:
            best = (c, result, name, order)
    assert best is not None
    return best[1], best[2], best[3]


# --- a block of names, then their values ---------------------------------------------------------

def _line_key(p: Piece) -> tuple:
    return p.loc.page, p.loc.sheet, p.loc.table, p.loc.row, p.loc.line_start


def _lines(pieces: list[Piece]) -> list[list[Piece]]:
    out: list[list[Piece]] = []
    for p in pieces:
        if out and _line_key(out[-1][-1]) == _line_key(p) and not p.row_first:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _is_level(t: str) -> bool:
    return is_level1(t) or is_level2(t) or is_unknown_level(t)


def _name_like(t: str, s: ParseSettings) -> bool:
    """Words that can name an indicator and are no value (no figure with a unit or an operator); not one
    character, which is the wrapped end of a cell ('率')."""
    return len(_CJK.findall(t)) >= 2 and name_cost(t, s.decode) < s.decode.number_as_name \
        and parse_measure(t) is None and not is_empty_value(t)


@lru_cache(maxsize=1 << 16)  # asked of every piece of a flattened line, once per order and grammar tried
def _value_like(t: str) -> bool:
    """A figure with its unit or operator, or a qualitative value ('明显改善', '按时完成')."""
    return parse_measure(t) is not None or t.startswith(lexicon().value_cues)


def _placeholder(t: str) -> bool:
    return bool(lexicon().placeholder_row.fullmatch(t)) or is_empty_value(t)


def _block_at(lines: list[list[Piece]], i: int, s: ParseSettings) -> tuple[list[Piece], list[list[Piece]], list[Piece], int] | None:
    """(leading level pieces, each row's leading pieces, trailing placeholders, number of value lines) of a
    name block starting at line i, where its rows are as many as the lines of values under it. A row's
    leading pieces are its name, or its name and target where the line prints each name with its target
    (`_heads_with_targets`)."""
    line = lines[i]
    k = 0
    while k < len(line) and _is_level(line[k].text):
        k += 1
    rest = line[k:]
    tail = len(rest)
    while tail > 0 and _placeholder(rest[tail - 1].text):
        tail -= 1  # '指标3:' printed last with nothing under it: an unfilled template row
    names = rest[:tail]
    if all(_name_like(p.text, s) for p in names):
        heads = [[p] for p in names]
    else:
        heads = _heads_with_targets(names, lines, i, s)
        if heads is None:
            return None
    n = len(heads)
    # one name makes a block only with an unfilled template row after it ('指标1：满意度 指标2：' over '≥90%'):
    # a name and a value alone on a line are a row
    if n < (1 if tail < len(rest) else 2) or i + n >= len(lines):
        return None
    below = lines[i + 1: i + 1 + n]
    if any(p.glued for ln in lines[i: i + 1 + n] for p in ln):
        return None  # cells run together: the decoder's lattice cuts them, its pieces are no lines of cells
    if any(_is_level(p.text) for ln in below for p in ln):
        return None  # a level starts a new block of rows: these lines are rows of their own
    if not all(any(_value_like(p.text) for p in ln) for ln in below):
        return None  # a line with no value is no name's values (the wrapped rest of cells above, more names)
    return line[:k], heads, rest[tail:], n


def _heads_with_targets(items: list[Piece], lines: list[list[Piece]], i: int, s: ParseSettings) -> list[list[Piece]] | None:
    """Each row's leading pieces where a line of a block prints every name with its target ('指标1:甲 ≥90%
    指标2:乙 100%'), the rows' other cells on the lines under it, one row a line. A name may be lost: the
    targets count the rows (one each), and numbered names ('指标5:') go to the rows their numbers place them
    on, the first printed name on the first row; a row left without a name starts at its target (read
    nameless). None where the line is no such block."""
    if not items or not _name_like(items[0].text, s) or _value_like(items[0].text):
        return None
    names = [p for p in items if not _value_like(p.text)]
    targets = [p for p in items if _value_like(p.text)]
    if not targets or not all(_name_like(p.text, s) for p in names):
        return None
    n = len(targets)
    below = lines[i + 1: i + 1 + n]
    if len(below) < n or not all(any(_value_like(p.text) for p in ln) for ln in below):
        return None
    if len(names) == n:
        # every name with its target, in turn
        if any(a is not b for a, b in zip(items, [p for pair in zip(names, targets) for p in pair])):
            return None
        return [[a, b] for a, b in zip(names, targets)]
    numbers = [_number(p.text) for p in names]
    if any(k is None for k in numbers) or len(names) > n:
        return None
    places = [k - numbers[0] for k in numbers]
    if places != sorted(set(places)) or places[-1] >= n:
        return None
    heads: list[list[Piece]] = [[t] for t in targets]
    for r, name in zip(places, names):
        heads[r].insert(0, name)
    return heads


WRAP_REACH = 3  # lines above a line of names whose wrapped rest it may be instead (a cell wraps over a few lines)


def zip_name_blocks(pieces: list[Piece], roles: list[str], s: ParseSettings = DEFAULT,
                    columns: dict[str, int] | None = None,
                    between: Callable[[list[Piece]], list[Piece]] | None = None) -> tuple[list[Piece], int]:
    """The pieces with every block of names zipped with the value lines under it (where the decoder reads
    the block more cheaply so, by `zip_cost`), and how many blocks were zipped. `between` is applied to
    each stretch of pieces outside the zipped blocks (joining wrapped lines, which a block has none of)."""
    lines = _lines(pieces)
    out: list[Piece] = []
    stretch: list[Piece] = []  # pieces since the last zipped block
    zipped = 0
    i = 0

    def flush() -> None:
        out.extend(between(stretch) if between and stretch else stretch)
        stretch.clear()

    while i < len(lines):
        found = _block_at(lines, i, s)
        if found is None:
            stretch.extend(lines[i])
            i += 1
            continue
        levels, heads, tail, n = found
        below = lines[i + 1: i + 1 + n]
        printed = [p for ln in lines[i: i + 1 + n] for p in ln]
        rows: list[Piece] = list(levels)
        for j, (head, vals) in enumerate(zip(heads, below)):
            # each name now starts a row (the first after its levels); its values follow it on its line. A row
            # whose name was lost starts at its first value, and is read nameless
            lost = not _name_like(head[0].text, s) or _value_like(head[0].text)
            rows.append(replace(head[0], col=None, row_first=j > 0 or not levels, nameless=lost))
            rows.extend(replace(v, col=None, row_first=False) for v in head[1:] + vals)
        rows.extend(tail)
        # both readings with the line above, whose wrapped rest the line of names may be instead ('率 准确率情况'
        # under '质量指标 资助对象认定准确 反映资助对象认定 100% 计划标准'), joined as `between` joins lines
        above = [p for ln in lines[max(0, i - WRAP_REACH): i] for p in ln]
        join = between or (lambda ps: ps)
        with_above = join(above + lines[i])
        if len(with_above) < len(join(above)) + len(lines[i]):
            stretch.extend(lines[i])  # the wrapped rest of the lines above, no line of names
            i += 1
            continue
        as_printed = decode(with_above + printed[len(lines[i]):], roles, s.decode, columns=columns).cost
        as_zipped = decode(join(above) + rows, roles, s.decode, columns=columns).cost
        if as_zipped < INF and as_zipped + s.scrambled.zip_cost < as_printed:
            flush()
            out.extend(rows)
            zipped += 1
            i += 1 + n
        else:
            stretch.extend(lines[i])
            i += 1
    flush()
    return out, zipped


# --- rows whose trailing cells were held back after the block -----------------------------------

def _wrap_rest(t: str) -> bool:
    """One character left of a cell that wrapped ('报告' over '数'): no name, no value, part of the cell before."""
    return len(t) == 1 and bool(_CJK.match(t))


def _head_rows(pieces: list[Piece], end: int, lead: int, s: ParseSettings) -> list[tuple[int, int]]:
    """The rows ending at `end` (nearest first, as (start, stop)) that each print a name, the wrapped rest
    of it and `lead` values, on the line of the piece before `end`; they stop at a row of another shape, a
    level, a piece cut out of glued text or a grid's cell, or a line break."""
    line = _line_key(pieces[end - 1])

    def fits(p: Piece) -> bool:
        return _line_key(p) == line and not p.glued and p.col is None

    rows: list[tuple[int, int]] = []
    stop = end
    while stop > 0:
        k = stop
        while k > 0 and stop - k < lead and _value_like(pieces[k - 1].text):
            k -= 1
        if stop - k != lead:
            break
        while k > 0 and _wrap_rest(pieces[k - 1].text):
            k -= 1
        if k == 0 or not _name_like(pieces[k - 1].text, s) or _is_level(pieces[k - 1].text) \
                or pieces[k - 1].text in lexicon().header_words:
            break  # (a header word left among the rows, '分值 得分', names no row)
        k -= 1
        if not all(fits(p) for p in pieces[k:stop]):
            break
        rows.append((k, stop))
        stop = k
    return rows


def _dealt(tail: list[Piece], n: int, by_column: bool) -> list[list[Piece]]:
    """A run of held-back values dealt to n rows: one row's values after another, or one column's after another."""
    c = len(tail) // n
    if by_column:
        return [[tail[j * n + i] for j in range(c)] for i in range(n)]
    return [tail[i * c:(i + 1) * c] for i in range(n)]


def deal_held_back(pieces: list[Piece], roles: list[str], s: ParseSettings = DEFAULT) -> tuple[list[Piece], int]:
    """The pieces with every block of rows whose trailing cells were held back put together again, and how
    many blocks were. A text layer that prints a row's cells as it meets them may print the leading cells of
    a few rows (their names, or names and targets) and only then their other cells, row by row or column by
    column, all on one line:

        指标4:路面完好率 指标5:排水畅通率 ≥90% 95% 20 20 ≥85% 80% 20 18
        养护道路里程 ≥120公里 新建排水沟长度 ≥3000米 126公里 2800米 20 20 20 18

    A block is a run of value pieces after rows that each print a name and the same number of values, which
    the run deals evenly among them; it is read so where the decoder reads it more cheaply, by `zip_cost`,
    than as printed. Lines of cells are `zip_name_blocks`'s: here the block and its values share one line."""
    width = len([r for r in roles if r not in STRUCTURAL])
    out = list(pieces)
    dealt = 0
    printed = None
    i = 0
    while i < len(out):
        if not _value_like(out[i].text) or i == 0 or _value_like(out[i - 1].text) or out[i].glued \
                or out[i].col is not None:
            i += 1
            continue
        j = i
        while j < len(out) and _value_like(out[j].text) and not out[j].glued and _line_key(out[j]) == _line_key(out[i]):
            j += 1
        best = None
        # the run's first values may be the last row's own leading ones ('… 新建排水沟长度 ≥3000米 126公里 …')
        for lead in range(0, min(j - i, width)):
            tail = out[i + lead: j]
            if len(tail) <= width - lead:
                continue  # the last row holds the whole run as printed: nothing was held back from the rows above
            head = _head_rows(out, i + lead, lead, s)
            for n in range(len(head), 1, -1):
                if len(tail) % n or not 1 <= len(tail) // n <= width - lead:
                    continue
                rows = sorted(head[:n])
                for by_column in (False, True):
                    block: list[Piece] = []
                    for (a, b), vals in zip(rows, _dealt(tail, n, by_column)):
                        block.extend(out[a:b])
                        block.extend(vals)
                    candidate = out[:rows[0][0]] + block + out[j:]
                    if printed is None:
                        printed = decode(out, roles, s.decode).cost
                    cost = decode(candidate, roles, s.decode).cost
                    if cost < INF and cost + s.scrambled.zip_cost < printed and (best is None or cost < best[0]):
                        best = (cost, candidate)
        # a block of numbered names some of whose names the layer lost: the names' numbers place them
        for candidate in _numbered_blocks(out, i, j, width):
            if printed is None:
                printed = decode(out, roles, s.decode).cost
            cost = decode(candidate, roles, s.decode).cost
            if cost < INF and cost + s.scrambled.zip_cost < printed and (best is None or cost < best[0]):
                best = (cost, candidate)
        if best is None:
            i = j
            continue
        printed, out = best
        dealt += 1
        i = j
    return out, dealt


_NUMBER = re.compile(r"\d+")
NUMBERED_REACH = 40  # pieces before a run of held-back cells a numbered block may stretch over


def _number(t: str) -> int | None:
    """The number of a numbered name ('指标5:举办讲座' -> 5), None for any other text."""
    m = lexicon().name_prefix.match(t)
    if m is None or not _name_like(t[m.end():], DEFAULT):
        return None
    d = _NUMBER.search(m.group(0))
    return int(d.group(0)) if d else None


def _numbered_blocks(out: list[Piece], i: int, j: int, width: int):
    """Candidate readings of a run of held-back cells out[i:j] after a block of numbered names printed with
    their rows' leading values, where the layer lost some of the names and scattered header words among them:

        指标1:甲 t1 指标2:乙 t2 t3 t4 t5 二级指标 三级指标 指标5:戊 分值 得分 a1 w1 s1 a2 w2 s2 … a5 w5 s5

    The leading values (t1…t5) count the rows, the run deals each row its other cells (row by row or column
    by column), and each name goes to the row its number places it on (the first name printed is the first
    row's): the rows left without a name are read nameless. Header words in the block are dropped. Only where
    the names' numbers skip one (a name lost between them): a stretch of whole rows is no such block, and
    reading every stretch of rows so would cost a decode each."""
    line = _line_key(out[i])
    words = lexicon().header_words

    def fits(p: Piece) -> bool:
        return _line_key(p) == line and not p.glued and p.col is None

    # the stretch before the run holding only numbered names, values and header words, on the run's line
    a = i
    while a > 0 and i - a < NUMBERED_REACH and fits(out[a - 1]) and (
            _number(out[a - 1].text) is not None or _value_like(out[a - 1].text) or out[a - 1].text in words):
        a -= 1
    run = out[i:j]
    for start in range(a, i):
        first = _number(out[start].text)
        if first is None:
            continue
        names: dict[int, Piece] = {}
        values: list[Piece] = []
        ok = True
        for p in out[start:i]:
            k = _number(p.text)
            if k is not None:
                r = k - first
                if r < 0 or r in names or (names and r < max(names)):
                    ok = False
                    break
                names[r] = p
            elif _value_like(p.text):
                values.append(p)
        # a name was lost: the names' numbers skip one (the rows of a block printed whole are deal_held_back's)
        if not ok or not values or max(names) + 1 == len(names):
            continue
        for lead in range(1, width):
            if len(values) % lead:
                continue
            n = len(values) // lead
            # fewer names than rows (a block with all its names is deal_held_back's), every name on a row
            if n < 2 or len(names) >= n or max(names) >= n or len(run) % n or not 1 <= len(run) // n <= width - lead:
                continue
            for by_column in (False, True):
                block: list[Piece] = []
                for r, vals in enumerate(_dealt(run, n, by_column)):
                    cells = values[r * lead:(r + 1) * lead] + vals
                    if r in names:
                        block.append(names[r])
                    else:  # a row whose name was lost starts at its first value, and is read nameless
                        cells[0] = replace(cells[0], row_first=True, nameless=True)
                    block.extend(cells)
                yield out[:start] + block + out[j:]


MAX_LONE_VALUE_ROWS = 8  # value lines of one cell a block of names may leave between a tabbed table's rows


def lone_value_rows(rows: list[Row], i: int) -> int | None:
    """Where a tabbed table goes on after rows[i:] of one value each (or None): a block of names
    leaves one line a row of values under it, and a row holding one value has no tab, so a reader of
    tab-separated text ends the table there ('保障在职人员人数 | 保障退休人员人数' / '50人' / '28人')."""
    j = i
    while j < len(rows) and j - i < MAX_LONE_VALUE_ROWS and rows[j].table is None:
        texts = [t for t in rows[j].texts if t.strip()]
        if len(texts) != 1 or not _value_like(texts[0].strip()):
            return None
        j += 1
    return j if i < j < len(rows) and rows[j].table is not None else None


def mark_rows(indicators, notes: list[str], order: str, zipped: int, s: ParseSettings = DEFAULT,
              dealt: int = 0) -> None:
    """A table read in another order than printed: its rows trusted less, and a note saying how it was read."""
    if order == PRINTED and not zipped and not dealt:
        return
    for ind in indicators:
        ind.parse_confidence = min(ind.parse_confidence or 1.0, s.scrambled.row_confidence)
    if order != PRINTED:
        notes.append(NOTES[order])
    if zipped or dealt:
        notes.append(ZIP_NOTE)
