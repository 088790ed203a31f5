"""The indicator table (一级 / 二级 / 三级 / 指标值 / 实际完成值 / 分值 / 得分 / 偏差原因).

Two readings of the same table:

- by position (`grid_indicators`), when the reader kept the grid: every
  row's cells line up with the header, merged level cells are empty and
  carry the value above;
- by meaning (`stream_indicators`, in etl/parse/stream.py), when a web copy
  ran the cells together and positions mean nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.lexicon import lexicon, operator_cell_pattern
from etl.normalise.measure import fold, parse_number
from etl.parse.cells import cell_text, indicator_name, is_empty_value
from etl.parse.vocab import (
    END_OF_TABLE_RE,
    TOTAL_ROW_RE,
    column_role,
    fold_key,
    is_level1,
    is_level2,
    level1_of,
    strip_score,
    title_kind,
)
from etl.records import Indicator, Loc, Row


@dataclass
class Header:
    row_index: int  # index into the segment's rows
    roles: dict[int, str]  # cell position -> role
    rows_used: int = 1


def find_header(rows: list[Row], start: int = 0) -> Header | None:
    """The first row that names at least three indicator columns (or name + target)."""
    for i in range(start, len(rows)):
        roles = {}
        for pos, cell in enumerate(rows[i].cells):
            role = column_role(cell.text)
            if role and role not in roles.values():
                roles[pos] = role
        names = set(roles.values())
        if len(names) >= 3 and ("name" in names or {"level1", "level2"} <= names) or {"name", "target"} <= names:
            header = Header(i, roles)
            _merge_second_header_row(rows, header)
            return header
    return None


def _merge_second_header_row(rows: list[Row], header: Header) -> None:
    """Two-row headers: '年度指标值' over '指标性质 | 指标值 | 度量单位'."""
    j = header.row_index + 1
    if j >= len(rows):
        return
    nxt = rows[j]
    sub = {pos: column_role(c.text) for pos, c in enumerate(nxt.cells) if c.text.strip()}
    if sub and all(sub.values()) and not any(is_level1(c.text) or is_level2(c.text) for c in nxt.cells):
        for pos, role in sub.items():
            if role in ("nature", "measure_unit", "target", "actual", "adjusted_target"):
                header.roles[pos] = role
        header.rows_used = 2


def _row_values(row: Row, roles: dict[int, str]) -> dict[str, tuple[str, Loc]]:
    out = {}
    for pos, role in roles.items():
        if pos < len(row.cells):
            cell = row.cells[pos]
            text = cell_text(cell.text)
            if text is not None:
                out[role] = (text, cell.loc)
    return out


def _join_target(vals: dict[str, tuple[str, Loc]]) -> str | None:
    """Target split over 指标性质 (an operator) | 指标值 | 度量单位 columns is joined back."""
    target = vals.get("target", (None,))[0]
    nature = vals.get("nature", (None,))[0]
    unit = vals.get("measure_unit", (None,))[0]
    if target is None:
        return None
    op = nature if nature and operator_cell_pattern().fullmatch(nature) else ""
    if unit and not target.endswith(unit) and not re.search(r"[\u4e00-\u9fff%]$", target):
        target = target + unit
    return op + target


def make_indicator(seq: int, level1, level2, name, vals: dict[str, tuple[str, Loc]], loc: Loc) -> Indicator:
    """An indicator from the cells of one row, keyed by column role."""
    def get(role):
        return vals.get(role, (None,))[0]

    return Indicator(
        seq=seq, level1=level1, level2=level2, name=name, description=get("description"),
        target=_join_target(vals), actual=get("actual"), weight=parse_number(get("weight")),
        score=parse_number(get("score")), reason=get("reason"), basis=get("basis"), nature=get("nature"), loc=loc,
    )


def end_of_table(row: Row) -> bool:
    first = next((c.text for c in row.cells if c.text.strip()), "")
    return bool(END_OF_TABLE_RE.match(fold_key(first))) or bool(title_kind(first))


def total_row(row: Row) -> tuple[float | None, float | None, str | None] | None:
    """'总分 | 100 | 93 | 优' -> (100, 93, '优')."""
    texts = [t for t in row.texts if t.strip()]
    if not texts or not TOTAL_ROW_RE.match(fold_key(texts[0])):
        return None
    nums = [parse_number(t) for t in texts[1:]]
    nums = [n for n in nums if n is not None]
    grade = next((fold(t) for t in texts[1:] if fold(t) in ("优", "良", "中", "差", "优秀", "良好", "合格", "不合格")), None)
    if len(nums) >= 2:
        return nums[0], nums[1], grade
    if len(nums) == 1:
        return None, nums[0], grade
    return None, None, grade


@dataclass
class TableResult:
    indicators: list[Indicator]
    total_weight: float | None = None
    total_score: float | None = None
    grade: str | None = None
    end_index: int = 0
    notes: list[str] | None = None
    decoded: object | None = None  # the decoder's labelled pieces (etl.parse.decode.Decoded), for --explain


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


def grid_indicators(rows: list[Row], header: Header) -> TableResult:
    roles = header.roles
    level1 = level2 = None
    out: list[Indicator] = []
    result = TableResult(indicators=out, notes=[])
    i = header.row_index + header.rows_used
    table = rows[header.row_index].table
    width = len(rows[header.row_index].cells)
    while i < len(rows):
        row = rows[i]
        if row.table != table or end_of_table(row):
            break
        tot = total_row(row)
        if tot is not None:
            result.total_weight, result.total_score, result.grade = tot
            i += 1
            break
        cells = row.cells
        # A text copy may drop trailing empty cells; leading positions still line up.
        vals = _row_values(row, roles)
        l1 = vals.get("level1", (None,))[0]
        l2 = vals.get("level2", (None,))[0]
        if l1:
            level1 = strip_score(l1) or None  # a level-1 cell printed only as '(50分)'
            level2 = None
        if l2:
            level2 = strip_score(l2)
            if level1 is None:
                level1 = level1_of(level2)
        # Some templates put the level-1 in the level-2 column for its first row (and vice versa).
        if l2 and is_level1(l2) and not is_level2(l2) and not l1:
            level1, level2 = strip_score(l2), None
        name = indicator_name(vals.get("name", (None,))[0])
        if _is_placeholder_row(name, vals):
            i += 1
            continue
        if name is None and not any(r in vals for r in ("target", "actual")):
            i += 1
            continue
        ind = make_indicator(len(out) + 1, level1, level2, name, vals, row.loc)
        if len(cells) > width + 1:
            result.notes.append(f"第{len(out) + 1}个指标所在行的单元格数({len(cells)})多于表头({width})")
        out.append(ind)
        i += 1
    result.end_index = i
    return result
