"""The indicator table (一级 / 二级 / 三级 / 指标值 / 实际完成值 / 分值 / 得分 / 偏差原因).

Finds a grid's header row, hands the table's cells to the decoder
(etl/parse/decode.py) with their column positions as evidence, and turns the
decoder's labelled pieces into Indicator rows (`rows_from_steps`, shared with
the web-copy path in etl/parse/stream.py): level cells carried down, a glued
row read again with its arithmetic, placeholder rows dropped, a confidence
per row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from etl.lexicon import lexicon, operator_cell_pattern
from etl.parse.decode import SETTINGS as DECODE
from etl.parse.decode import STRUCTURAL, DecodeSettings, Piece, Step, decode, redecode_glued_row, row_confidence
from etl.normalise.measure import fold, parse_measure, parse_number, parse_number_ocr
from etl.parse.cells import cell_text, indicator_name, is_empty_value
from etl.parse.vocab import (
    END_OF_TABLE_RE,
    LONG_TERM,
    TOTAL_ROW_RE,
    column_role,
    fold_cell,
    header_roles,
    holds_no_field,
    is_level1,
    is_level2,
    is_target_part_unit,
    level1_of,
    no_field_role,
    scrambled_level1,
    strip_score,
    title_kind,
)
from etl.parse.totals import read_total
from etl.parse.parse_settings import DEFAULT, ContentSettings, ParseSettings
from etl.parse import scrambled
from etl.records import Indicator, Loc, Row

_OUTER_LEVEL1 = lexicon().level1_as_level2_under


@dataclass
class Header:
    row_index: int  # index into the segment's rows
    roles: dict[int, str]  # cell position -> role
    rows_used: int = 1


def find_header(rows: list[Row], start: int = 0) -> Header | None:
    """The first row that names at least three indicator columns (or name + target)."""
    for i in range(start, len(rows)):
        roles = {}
        for pos, role in enumerate(header_roles(rows[i].texts)):
            if role == "description" and "description" in roles.values() and "name" not in roles.values():
                # '指标内容 | 指标描述': the first names the indicators, the second explains them
                roles[next(p for p, r in roles.items() if r == "description")] = "name"
            if role and role not in roles.values():
                roles[pos] = role
        _description_as_name(roles)
        names = set(roles.values())
        if len(names) >= 3 and ("name" in names or {"level1", "level2"} <= names) or {"name", "target"} <= names:
            header = Header(i, roles)
            _merge_second_header_row(rows, header)
            _merge_header_row_above(rows, header)
            return header
    return None


def is_value(text: str | float | None) -> bool:
    """A cell that states a figure ('≥200人', '96%', '10'), as a target or an actual does (a row's points are
    figures already)."""
    if isinstance(text, (int, float)):
        return True
    return parse_measure(text) is not None or parse_number(text) is not None


# the order every template prints its value columns in (指标值, 实际完成值, 分值, 得分; a 分值 printed before the
# 指标值 is a template of its own, whose unnamed cells are left alone)
VALUE_ORDER = ("target", "actual", "weight", "score")


def missing_value_roles(before: list[str], after: list[str], named: set[str]) -> list[str]:
    """The value columns the header misses that may stand between the roles named `before` a cell and those
    named `after` it, in VALUE_ORDER, after the name (none where nothing is named on either side: only a
    column next to a named one is placed, '分值' before '得分')."""
    if "name" not in before:
        return []
    lo = max((VALUE_ORDER.index(r) for r in before if r in VALUE_ORDER), default=-1)
    hi = min((VALUE_ORDER.index(r) for r in after if r in VALUE_ORDER), default=len(VALUE_ORDER))
    if lo < 0 and hi == len(VALUE_ORDER):
        return []
    return [r for r in VALUE_ORDER[lo + 1: hi] if r not in named]


def _unnamed_value_column(rows: list[Row], header: Header, s: ContentSettings) -> Header:
    """A header cell worded as no template we know ('全年预期目标', '完成指标值', '考核得分'), standing where the
    header's one missing value column stands in the order every template prints them (指标值, 实际完成值, 分值,
    得分), over a column of values ('≥200人', '96%', '10'): that column is the missing one. Without it the
    decoder's grammar has no such column, and every row's value is read into the name or the next column. The
    header's vocabulary never is complete; the position and the values are what every template shares. (A copy
    without its grid: etl/parse/stream.py `_unnamed_value_order`.)"""
    roles = dict(header.roles)
    cells = rows[header.row_index].cells
    width = len(cells)
    top = header.row_index + header.rows_used
    body = [r for r in rows[top: top + s.unnamed_rows] if abs(len(r.cells) - width) <= ROW_WIDTH_SLACK]
    for pos in range(min(roles) + 1, max(roles)):
        if pos in roles or not cells[pos].text.strip() or not body:
            continue
        fits = missing_value_roles([r for p, r in roles.items() if p < pos], [r for p, r in roles.items() if p > pos],
                                   set(roles.values()))
        if len(fits) != 1:  # (a grid's cell is one column)
            continue
        role = fits[0]
        texts = [r.cells[pos].text for r in body if pos < len(r.cells) and r.cells[pos].text.strip()]
        if texts and sum(map(is_value, texts)) >= s.unnamed_values_share * len(texts):
            roles[pos] = role
    return replace(header, roles=dict(sorted(roles.items())))


VALUE_COLUMNS = ("target", "actual", "weight", "score", "adjusted_target", "coef")


def names_values(header: Header) -> bool:
    """Does the header name a column of values (指标值, 实际完成值, 分值, 得分 …), not only the levels, the name
    and words about them?"""
    return any(r.removeprefix(LONG_TERM) in VALUE_COLUMNS for r in header.roles.values())


def unit_columns_as_targets(rows: list[Row], header: Header) -> Header | None:
    """A target table whose value columns the header names by the units they are for ('三级指标 | 指标解释 |
    东山村 | 西岭村 | 南湖村'): the first such column holds the row's target, the others the same target for
    the other units (no field of the row). None where no unnamed column follows the header's named ones."""
    cells = rows[header.row_index].cells
    last = max(header.roles)
    unnamed = [p for p in range(last + 1, len(cells)) if cells[p].text.strip()]
    if not unnamed:
        return None
    roles = dict(header.roles)
    roles[unnamed[0]] = "target"
    for k, p in enumerate(unnamed[1:], start=1):
        roles[p] = no_field_role("aside", k)
    return Header(header.row_index, roles, header.rows_used)


def _description_as_name(roles: dict) -> None:
    """A header with no 三级指标 column but a '指标内容' one: that column names the indicators."""
    if "name" not in roles.values():
        for pos, role in roles.items():
            if role == "description":
                roles[pos] = "name"
                return


def _merge_second_header_row(rows: list[Row], header: Header) -> None:
    """Two-row headers: a parent cell over its parts. '年度指标值' over '指标性质 | 指标值 | 度量单位' (or
    '符号 | 数值 | 单位'), '指标值' over '年度指标值 | 实际完成值', '自评得分' over '分值 | 得分'."""
    j = header.row_index + 1
    if j >= len(rows):
        return
    above, nxt = rows[header.row_index], rows[j]
    sub = {pos: _sub_role(above, header, pos, c.text) for pos, c in enumerate(nxt.cells) if c.text.strip()}
    if sub and all(sub.values()) and not any(is_level1(c.text) or is_level2(c.text) for c in nxt.cells):
        asides = sum(r.startswith("aside") for r in header.roles.values())
        for pos, role in sub.items():
            if role in _SUB_ROLES:
                # the parent's role moves to the part that names it ('预期指标值' to '数值', not to '符号'); a
                # column of its own the upper row gave that role ('指标分值' beside '自评得分' over '得分 | 权重
                # 占比') holds no field: the part beside its group's other parts is the row's
                for p in [p for p, r in header.roles.items() if r == role and p != pos and p not in sub]:
                    asides += 1
                    header.roles[p] = no_field_role("aside", asides)
                header.roles[pos] = role
            elif role == "aside":  # '折算得分' under '自评得分': no field, but its own cell of the row
                asides += 1
                header.roles[pos] = no_field_role("aside", asides)
        header.rows_used = 2


def _merge_header_row_above(rows: list[Row], header: Header) -> None:
    """Two-row headers whose upper row names the value columns (merged down) and a parent over the levels:
    '绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分' over '一级指标 | 二级指标 | 三级指标'. The header was the lower
    row alone, and every value column was lost."""
    i = header.row_index
    if i == 0 or rows[i - 1].table is None or rows[i - 1].table != rows[i].table:
        return
    above, here = rows[i - 1], rows[i]
    found = {pos: r for pos, r in enumerate(header_roles(above.texts)) if r}
    # the upper row's columns stand over blank cells of the lower row (their cells merged down)
    extra = {pos: r for pos, r in found.items() if r not in header.roles.values()
             and (pos >= len(here.cells) or not here.cells[pos].text.strip())}
    # (a parent over context columns, '年度主要任务' over '任务名称 | 主要内容 | 资金额度', is no column of its own;
    # one value column is enough where the lower row names none)
    others = {pos: r for pos, r in found.items() if pos not in extra and holds_no_field(r)}
    lone_values = any(not holds_no_field(r) for r in extra.values()) and not names_values(header)
    if (len(extra) < 2 and not lone_values) or len(extra) + len(others) < len(found):
        return
    header.roles.update(extra)
    header.roles = dict(sorted(header.roles.items()))
    header.row_index, header.rows_used = i - 1, header.rows_used + 1


# the parts a parent header cell is split into on the next row
_SUB_ROLES = ("nature", "measure_unit", "target", "actual", "adjusted_target", "weight", "score")


def _sub_role(above: Row, header: Header, pos: int, text: str) -> str | None:
    """A second header row's cell's role. '单位' alone names no column (实施单位), but under a split 指标值
    (the nearest printed parent cell to its left, or above it, is the target's) it is the target's unit."""
    role = column_role(text)
    if role is None and is_target_part_unit(text):
        parent = next((p for p in range(min(pos, len(above.cells) - 1), -1, -1) if above.cells[p].text.strip()), None)
        if parent is not None and header.roles.get(parent) == "target":
            return "measure_unit"
    return role


def _join_target(vals: dict[str, tuple[str, Loc]]) -> str | None:
    """Target split over 指标性质 (an operator) | 指标值 | 度量单位 columns is joined back."""
    target = vals.get("target", (None,))[0]
    unit = vals.get("measure_unit", (None,))[0]
    if target is None:
        return None
    # the operator stands in 指标性质, or in 指标方向 where a template swaps the two
    op = next((v for v in (vals.get(r, (None,))[0] for r in ("nature", "direction"))
               if v and operator_cell_pattern().fullmatch(v)), "")
    if op and not unit:
        # sign | value | unit printed apart (计算符号 | 指标值 | 计量单位) is one target whatever the columns' order:
        # a 计量单位 column printed before the sign belongs to it too. Without a sign column the unit column
        # stays the table's own ('计量单位 | 指标性质(定量) | 指标值': the value is read as printed)
        unit = vals.get("unit_column", (None,))[0]
    if unit and not target.endswith(unit) and not re.search(r"[\u4e00-\u9fff%]$", target):
        target = target + unit
    return op + target


MIN_BLANK_ROW_NAME = 4  # characters a name must have for its row to count with every value blank


def _names_an_indicator(name: str | None) -> bool:
    return bool(name) and len(name) >= MIN_BLANK_ROW_NAME and bool(re.search(r"[\u4e00-\u9fff]{2}", name)) \
        and column_role(name) is None and not title_kind(name) and not END_OF_TABLE_RE.match(fold_cell(name)) \
        and fold_cell(strip_score(name)) not in lexicon().not_levels  # a group label ('年度绩效目标(80分)')


def _unless_ellipsis(text: str | None) -> str | None:
    """'……' left in a reason cell is the template's filler, not a reason ('无' is an answer and stays)."""
    return None if text is not None and re.fullmatch(r"[.…。·\s]+", text) else text


def make_indicator(seq: int, level1, level2, name, vals: dict[str, tuple[str, Loc]], loc: Loc) -> Indicator:
    """An indicator from the cells of one row, keyed by column role."""
    def get(role):
        return vals.get(role, (None,))[0]

    return Indicator(
        seq=seq, level1=level1, level2=level2, name=name, description=get("description"),
        target=_join_target(vals), actual=get("actual"), weight=parse_number_ocr(get("weight")),
        score=parse_number_ocr(get("score")), reason=_unless_ellipsis(get("reason")), basis=get("basis"),
        nature=get("nature"), loc=loc,
    )


def _long_term(vals: dict[str, tuple[str, Loc]]) -> str | None:
    """The long-term group's cells of a row ('重点工程数量 ≥5个'), where the header has one."""
    name, target = (vals.get(LONG_TERM + r, (None,))[0] for r in ("name", "target"))
    parts = [p for p in (name, target) if p and not is_empty_value(p)]
    return " ".join(parts) or None  # a level name alone (repeated in both groups) says nothing long-term


def end_of_table(row: Row) -> bool:
    first = next((c.text for c in row.cells if c.text.strip()), "")
    return bool(END_OF_TABLE_RE.match(fold_cell(first))) or bool(title_kind(first))


def total_row(row: Row) -> tuple[float | None, float | None, str | None] | None:
    """'总分 | 100 | 93 | 优' -> (100, 93, '优')."""
    return read_total(row.texts)


@dataclass
class TableResult:
    indicators: list[Indicator]
    total_weight: float | None = None
    total_score: float | None = None
    grade: str | None = None
    end_index: int = 0
    notes: list[str] | None = None
    decoded: object | None = None  # the decoder's labelled pieces (etl.parse.decode.Decoded), for --explain
    roles: list[str] | None = None  # the header's columns the decoder read the rows against
    by_content: bool = False  # read by the rows' content under no header we know: its columns are a guess


def _step_cuts(steps: list) -> set[int]:
    """Where the decoded cells of a row join, as offsets into their texts run together."""
    out, at = set(), 0
    for st in steps[:-1]:
        at += len(st.text)
        out.add(at)
    return out


def _is_placeholder_row(name: str | None, vals: dict) -> bool:
    """'生态效益指标 | 无 | (empty)' or '指标2:' with nothing: not an indicator."""
    has_value = any(not is_empty_value(vals.get(r, (None,))[0]) for r in ("target", "actual", "weight", "score"))
    if name is None:
        return not has_value
    if is_empty_value(name) and not has_value:
        return True
    if lexicon().placeholder_row.fullmatch(name) and not has_value:
        return True
    if re.fullmatch(r"[.…。·]+", name):
        return True
    return False


ROW_WIDTH_SLACK = 1  # cells a grid row may have more or fewer than its header and still line up


def _grammar(header: Header) -> tuple[list[str], dict[str, int]]:
    """The header's roles in printed order, and each role's grid column."""
    ordered = sorted(header.roles.items())
    roles = [r for _, r in ordered]
    columns = {r: pos for pos, r in ordered}
    if "measure_unit" in roles and "target" in roles and roles.index("measure_unit") < roles.index("target"):
        # a 计量单位 column of its own (next to the name) is not part of the 指标值 group
        roles = ["unit_column" if r == "measure_unit" else r for r in roles]
        columns["unit_column"] = columns.pop("measure_unit")
    return roles, columns


def _pieces(rows: list[Row], header: Header, width: int) -> list[Piece]:
    """A grid's cells as decoder pieces, each with its column where the row lines up with the header."""
    pieces: list[Piece] = []
    for row in rows:
        first = True
        # positions are evidence only where the row is as wide as the header: a copy that dropped the
        # row's leading blank cells shifts every position, and then the cells' content decides
        aligned = abs(len(row.cells) - width) <= ROW_WIDTH_SLACK
        for pos, cell in enumerate(row.cells):
            text = cell_text(cell.text)
            if text is None or (pos not in header.roles and is_empty_value(text)):
                continue
            # an indicator's provenance is its whole row (level cells and wrapped lines included)
            pieces.append(Piece(text, row.loc, glued=cell.glued, col=pos if aligned else None, row_first=first))
            first = False
    return pieces


def _whole_level(text: str) -> bool:
    t = text.strip()
    return bool(t) and (is_level1(t) or is_level2(t))


class WrapJudge:
    """For etl.parse.wrapped: is a line under an indicator block's first row the rest of that row's cells
    (joined) or the block's next indicator? The decoder reads both ways; the cheaper reading wins."""

    def __init__(self, rows: list[Row], s: ParseSettings = DEFAULT):
        self.s = s
        self.headers: dict[int, tuple[Header, int]] = {}
        self.body: set[int] = set()  # id() of the rows under an indicator header
        self.bodies: dict[int, list[Row]] = {}  # table -> the rows under its header
        self.orders: dict[int, tuple[list[str], dict[str, int]]] = {}  # table -> (roles, columns) its rows are read in
        for t in {r.table for r in rows if r.table is not None}:
            table = [r for r in rows if r.table == t]
            header = find_header(table)
            if header is not None:
                self.headers[t] = (header, len(table[header.row_index].cells))
                self.bodies[t] = table[header.row_index + header.rows_used:]
                self.body.update(id(r) for r in self.bodies[t])

    def _order(self, t: int) -> tuple[list[str], dict[str, int]]:
        """The order table t's rows are printed in (a text layer may print the name last …), judged once over
        its rows as printed, when a line of it is first judged: a line is joined to the row above under it."""
        if t not in self.orders:
            header, width = self.headers[t]
            roles, columns = _grammar(header)
            pieces = _pieces(self.bodies[t], header, width)
            s = self.s
            (_, moved), _, order = scrambled.cheapest_order(
                lambda r, c, bound=None: (decode(pieces, r, s.decode, columns=c, bound=bound), c),
                lambda d: d[0].cost, roles, columns, s, bounded=True)
            self.orders[t] = (order, moved)
        return self.orders[t]

    def in_body(self, row: Row) -> bool:
        return id(row) in self.body

    def __call__(self, above: Row, cont: Row, joined: Row) -> bool:
        if id(cont) not in self.body:
            return False
        if any(_whole_level(a.text) and _whole_level(b.text) for a, b in zip(above.cells, cont.cells)):
            return False  # a level label under another starts a group of rows: no cell wraps into a second label
        header, width = self.headers[above.table]
        roles, columns = self._order(above.table)
        dec = self.s.decode
        apart = decode(_pieces([above, cont], header, width), roles, dec, columns=columns).cost
        return decode(_pieces([joined], header, width), roles, dec, columns=columns).cost + self.s.wrap.judge_margin < apart


def grid_indicators(rows: list[Row], header: Header, s: ParseSettings = DEFAULT) -> TableResult:
    """The indicator table of a grid (DOCX, XLSX, HTML, PDF, tab-separated text).

    The cells go to the same decoder as a web copy's stream; a cell's column is
    strong evidence for its label but not a rule, so a row whose blank cells
    vanished (a text copy drops them) still reads right.
    """
    header = _unnamed_value_column(rows, header, s.content)
    out: list[Indicator] = []
    result = TableResult(indicators=out, notes=[])
    i = header.row_index + header.rows_used
    table = rows[header.row_index].table
    width = len(rows[header.row_index].cells)
    roles, columns = _grammar(header)
    head = {fold_cell(c.text) for r in rows[header.row_index:i] for c in r.cells if c.text.strip()}
    body: list[Row] = []
    ended = False
    while i < len(rows):
        row = rows[i]
        if row.table is None and table is not None and (resumes := scrambled.lone_value_rows(rows, i)) is not None:
            body.extend(rows[i:resumes])  # the value lines of a block of names, which have no tab
            i, table = resumes, rows[resumes].table
            continue
        if row.table != table or end_of_table(row):
            ended = True
            break
        if _repeats_header(row, head):
            i += 1  # the header printed again at the top of a page the table runs on to
            continue
        tot = total_row(row)
        if tot is not None:
            result.total_weight, result.total_score, result.grade = tot
            i += 1
            ended = True
            break
        if len(row.cells) > width + 1:
            result.notes.append(f"表格第{i + 1}行的单元格数({len(row.cells)})多于表头({width})")
        body.append(row)
        i += 1
    result.end_index = i

    # a text layer may print a row's cells out of order, or a block of names before their values: the
    # cheapest of the orders such layers print wins (etl/parse/scrambled.py)
    pieces, zipped = scrambled.zip_name_blocks(_pieces(body, header, width), roles, s, columns)
    decoded, order, roles = scrambled.cheapest_order(
        lambda r, c, bound=None: decode(pieces, r, s.decode, columns=c, bound=bound), lambda d: d.cost, roles,
        columns, s, bounded=True)
    # a table whose name column is empty on every row, in the order it was printed
    alt = nameless_reading(pieces, roles, decoded, s.decode, columns=columns) if order == scrambled.PRINTED else None
    result.decoded, result.roles = alt or decoded, roles
    rows_from_steps((alt or decoded).steps, out, roles, table_ended=ended, s=s.decode, nameless=alt is not None)
    scrambled.mark_rows(out, result.notes, order, zipped, s)
    return result


def _repeats_header(row: Row, head: set[str]) -> bool:
    """A row of the table's own header words (at least two of them, nothing else): the header repeated where
    the table breaks across pages, which names no indicator."""
    texts = [fold_cell(c.text) for c in row.cells if c.text.strip()]
    return len(texts) >= 2 and all(t in head for t in texts)


@lru_cache(maxsize=16)
def _nameless_settings(s: DecodeSettings) -> DecodeSettings:
    """`s` with a missing name costing `nameless_row` (the cache holds `s`, so no other object takes its key)."""
    return replace(s, name_missing=s.nameless_row)


def nameless_reading(pieces: list[Piece], roles: list[str], decoded, s: DecodeSettings = DECODE,
                     columns: dict[str, int] | None = None):
    """The reading of a table whose name column is empty on every row (each row keyed by its level-2), when
    it reads the pieces much more cheaply than `decoded`, whose names repeat (a level label's bare '指标'
    taken for a name, row after row); else None."""
    names = [st.text for st in decoded.steps if st.label == "name"]
    if len(names) < 2 or len(names) - len(set(names)) < s.nameless_repeat_share * len(names):
        return None
    alt = decode(pieces, roles, _nameless_settings(s), columns=columns)
    if alt.cost + s.nameless_margin >= decoded.cost or any(st.label == "name" for st in alt.steps):
        return None
    return alt


def rows_from_steps(steps, out: list[Indicator], roles: list[str], table_ended: bool = False,
                    s: DecodeSettings = DECODE, nameless: bool = False) -> None:
    """Indicator rows from the decoder's labelled pieces, carrying level cells down.

    A row ends where the next label stands at or before the last one in the header's order.
    `table_ended`: the table closed (a total row, an end-of-table label, another table) rather than
    running to the end of the text, so its last row was not cut off by an excerpt.
    `nameless`: the table's name column is empty on every row (`nameless_reading`): a row with a level-2
    and values is an indicator without a name.
    """
    values = [r for r in roles if r not in STRUCTURAL and not holds_no_field(r)]
    level1 = level2 = None
    seen_level1 = False
    rows: list[list] = []
    last = None
    for st in steps:
        if st.label == "blank":
            last = None
            rows.append([])
            continue
        if last is None or st.col_index <= last:
            rows.append([])
        rows[-1].append(st)
        last = st.col_index
    # the table's final row may be an excerpt cut mid-row, unless anything (a level cell) follows it
    nonempty = [r for r in rows if r]
    last_named = nonempty[-1] if nonempty and any(st.label == "name" for st in nonempty[-1]) else None
    # a table of one level column (level-1 words only: '产出指标 | 清扫保洁面积'): a word that names a level-1
    # family and a level-2 alike ('满意度指标') is its level-1 there, as the column's other words are
    one_level = not any(st.label == "level2" and not is_level1(st.text) for st in steps)
    for row in rows:
        name_step = None
        vals: dict[str, tuple[str, Loc]] = {}
        row_steps = []
        locs: list[Loc] = []
        for st in row:
            if st.label == "level1" or (st.label == "level2" and is_level1(st.text) and not is_level2(st.text)
                                        and level1 not in _OUTER_LEVEL1) \
                    or (st.label == "level2" and one_level and seen_level1 and level1 not in _OUTER_LEVEL1):
                t = strip_score(st.text)
                t = scrambled_level1(t) or t  # '出标产指': 产出指标 read across a narrow cell's lines
                if level1 in _OUTER_LEVEL1 and t not in _OUTER_LEVEL1:
                    level2 = t  # national templates nest one family inside another: 实施效果指标 > 产出指标
                elif t != level1:
                    level1, level2, seen_level1 = t, None, True
                # else: a merged level-1 cell printed again in a middle row of its block keeps the block's level-2
            elif st.label == "level2":
                level2 = strip_score(st.text)
                if not seen_level1 or level1 is None:
                    level1 = level1_of(level2) if not seen_level1 else level1
            elif st.label == "name":
                name_step = st
            elif holds_no_field(st.label):
                continue  # the block's duty or task (部门职责 | 工作任务): context, no field of the row
            elif st.label == "name_more" and name_step is not None:
                # a wrapped name: joined without a space, as the contract joins a cell's broken lines
                name_step = Step(text=name_step.text + st.text, loc=name_step.loc.merge(st.loc), label="name",
                                 cost=name_step.cost + st.cost)
            else:
                row_steps.append(st)
                vals[st.label] = (st.text, st.loc)
            locs.append(st.loc)
        # (a row a scrambled text layer printed without its name is kept nameless: etl/parse/scrambled.py)
        if name_step is None and not (nameless and any(st.label == "level2" for st in row)) \
                and not any(st.nameless for st in row):
            continue
        if any(x.inner for x in row_steps):
            # values cut out of glued text: read the row again as a whole, with its arithmetic
            again = redecode_glued_row("".join(x.text for x in row_steps), values, s, word_cuts=_step_cuts(row_steps))
            if again:
                vals = {role: (text, row_steps[0].loc) for role, text in again}
        name = indicator_name(name_step.text) if name_step is not None else None
        if _is_placeholder_row(name, vals):
            continue
        if not any(r in vals for r in ("target", "actual", "score")):
            # a name whose values were left blank is still an indicator of the table ('改善村容村貌，…' under
            # 生态效益指标 with no 指标值); at the table's end it may be an excerpt cut mid-row, or a label
            if (row is last_named and not table_ended) or not _names_an_indicator(name) or nameless:
                continue
        loc = locs[0]
        for other in locs[1:]:
            loc = loc.merge(other)
        ind = make_indicator(len(out) + 1, level1, level2, name, vals, loc)
        ind.long_term = _long_term(vals)
        ind.parse_confidence, _ = row_confidence([v for v, _ in vals.values()], values, s)
        out.append(ind)
