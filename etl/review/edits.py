"""Corrections as typed records, and applying them to a parsed filing.

A correction names what it changes the way a person sees it: a field of the filing, or a field of
one indicator row, a row added or deleted, a row or the whole filing confirmed as read right, or
the filing marked as not a filing at all. Rows are named by a key that survives re-reading the
same bytes: `p3` is the parser's third row, `a…` a row a person added. Each row correction also
keeps the name the parser read for its row, so when a new parser version reads the file again and
its rows shift, the row is found by that name; a row that cannot be found any more makes the
correction stale (reported, never silently dropped or put on another row).

`apply_corrections` is a plain function over etl.records: the per-file step of both engines runs it
between parsing and the checks, and every save in the dashboard runs it on the stored rows, so a
corrected value is what the checks, the marts and the exports see.
"""
from __future__ import annotations

import json
import math
import uuid
import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from etl.normalise.measure import parse_measure
from etl.records import DOC_KINDS, Filing, Indicator

# kinds of correction
SET, ADD_ROW, DELETE_ROW, CONFIRM, MARK = "set", "add_row", "delete_row", "confirm", "mark"
KINDS = (SET, ADD_ROW, DELETE_ROW, CONFIRM, MARK)
# what a filing can be marked as instead of being read: it then leaves the figures (not a filing,
# or nothing in it can be read), and the mark stays in the corrections table
MARKS = {"not_filing": "非绩效文件", "unreadable": "无法识别"}
# applied: in the stored rows of its bytes; superseded: as well, but a file of the same name has since come in
# with other bytes, so it does not hold for the newest version; stale: a re-read of its bytes has no row it fits
STATES = {"applied": "已应用", "superseded": "已过期（源文件已更新）", "stale": "已过期（找不到对应的行）"}
ACTIVE = ("applied", "superseded")  # the states whose corrections are part of their bytes' reading

# Editable fields: column -> (Chinese label, type). Types: text, number, int, kind.
FILING_FIELDS: dict[str, tuple[str, str]] = {
    "doc_kind": ("文件类型", "kind"),
    "title": ("标题", "text"),
    "province": ("省份", "text"),
    "city": ("地市", "text"),
    "county": ("县区", "text"),
    "department": ("部门", "text"),
    "unit": ("单位", "text"),
    "project": ("项目", "text"),
    "year": ("年度", "int"),
    "budget_initial": ("年初预算数（万元）", "number"),
    "budget_adjusted": ("全年预算数 A（万元）", "number"),
    "budget_executed": ("全年执行数 B（万元）", "number"),
    "exec_rate_reported": ("执行率（填报，小数）", "number"),
    "exec_weight": ("执行率分值", "number"),
    "exec_score": ("执行率得分", "number"),
    "total_weight": ("总分值", "number"),
    "total_score": ("总得分", "number"),
}
ROW_FIELDS: dict[str, tuple[str, str]] = {
    "level1": ("一级指标", "text"),
    "level2": ("二级指标", "text"),
    "name": ("三级指标", "text"),
    "target": ("指标值", "text"),
    "actual": ("实际完成值", "text"),
    "weight": ("分值", "number"),
    "score": ("得分", "number"),
    "reason": ("偏差原因", "text"),
}
CONFIRMED = 1.0  # parse_confidence of what a person confirmed or corrected: its fields are right


class CorrectionError(ValueError):
    """An edit that cannot be a correction (unknown field, a value of the wrong type); message in Chinese."""


@dataclass
class Correction:
    """One edit by one person, with what it replaced."""

    kind: str
    field: str | None = None  # SET: the column; MARK: 'status'
    row_key: str | None = None  # row edits: 'p3' or 'a…'; None for the filing
    row_name: str | None = None  # the name the parser read for that row (finds it again after a re-read)
    old_value: Any = None
    new_value: Any = None  # ADD_ROW: {"after": key or None, "after_name": its parsed name, "values": {field: value}}
    reviewer: str = ""
    reason: str | None = None
    corrected_at: datetime | None = None
    seq: int = 0  # order of application (over the whole table)
    correction_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    source_sha256: str | None = None
    part_index: int | None = None
    filing_id: str | None = None
    source_file: str | None = None
    state: str = "applied"
    note: str | None = None  # why it is stale (Chinese)


@dataclass
class Applied:
    """What applying corrections did to a filing."""

    filing: Filing
    keys: list[str]  # the row key of each indicator row, in order
    applied: list[Correction] = dataclasses.field(default_factory=list)
    stale: list[tuple[Correction, str]] = dataclasses.field(default_factory=list)  # (correction, why)
    mark: str | None = None  # a key of MARKS: the filing leaves the figures

    @property
    def excluded(self) -> bool:
        return self.mark is not None


def parser_keys(n: int) -> list[str]:
    return [f"p{k}" for k in range(1, n + 1)]


def new_row_key() -> str:
    return "a" + uuid.uuid4().hex[:10]


def field_type(name: str, row: bool) -> str:
    fields = ROW_FIELDS if row else FILING_FIELDS
    if name not in fields:
        raise CorrectionError(f"“{name}”不是可更正的{'指标行' if row else '填报'}字段")
    return fields[name][1]


def coerce(name: str, value: Any, row: bool) -> Any:
    """A value as stored for the field: text trimmed (empty is no value), numbers as float, a year as int."""
    kind = field_type(name, row)
    label = (ROW_FIELDS if row else FILING_FIELDS)[name][0]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind in ("text", "kind"):
        text = " ".join(str(value).split()) if kind == "kind" else str(value).strip()
        if not text:
            return None
        if kind == "kind" and text not in DOC_KINDS:
            raise CorrectionError(f"{label}必须是 {'、'.join(DOC_KINDS)} 之一，而不是“{text}”")
        return text
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "")
        if not value:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CorrectionError(f"{label}应是数字，而不是“{value}”") from None
    if math.isnan(number) or math.isinf(number):
        raise CorrectionError(f"{label}应是数字，而不是“{value}”")
    if kind == "int":
        if number != int(number):
            raise CorrectionError(f"{label}应是整数，而不是“{value}”")
        return int(number)
    return number


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def current_keys(n_rows: int, corrections: list[Correction]) -> list[str]:
    """The row keys of a stored filing's rows: the parser's rows with the applied corrections' adds and deletes replayed.

    The stored rows are the parser's reading with every applied correction on it, in order; so the
    parser had n_rows - added + deleted rows, and replaying the adds and deletes gives each stored row's key.
    """
    applied = [c for c in sorted(corrections, key=lambda c: c.seq) if c.state in ACTIVE]
    added = sum(c.kind == ADD_ROW for c in applied)
    deleted = sum(c.kind == DELETE_ROW for c in applied)
    keys = parser_keys(n_rows - added + deleted)
    for c in applied:
        if c.kind == DELETE_ROW and c.row_key in keys:
            keys.remove(c.row_key)
        elif c.kind == ADD_ROW:
            after = (c.new_value or {}).get("after")
            at = keys.index(after) + 1 if after in keys else (0 if after is None else len(keys))
            keys.insert(at, c.row_key)
    if len(keys) != n_rows:  # the stored rows were changed some other way: key them afresh
        return parser_keys(n_rows)
    return keys


def _set_row_field(ind: Indicator, name: str, value: Any) -> None:
    setattr(ind, name, value)
    if name == "target":
        ind.target_m = parse_measure(value) if value else None
    elif name == "actual":
        ind.actual_m = parse_measure(value) if value else None


def _new_row(values: dict) -> Indicator:
    ind = Indicator(seq=0, parse_confidence=CONFIRMED)
    for name, value in (values or {}).items():
        _set_row_field(ind, name, coerce(name, value, row=True))
    return ind


def apply_corrections(filing: Filing, corrections: list[Correction], keys: list[str] | None = None) -> Applied:
    """Apply corrections (in their order) to `filing`, in place; rows are renumbered 1..n at the end.

    `keys` are the row keys of the filing's rows as they stand (`current_keys`); None means a fresh
    parse, whose rows are the parser's p1..pn: then a row correction whose row no longer carries the
    name the parser read for it is moved to the one row that does, or reported stale.
    """
    fresh = keys is None
    keys = list(parser_keys(len(filing.indicators)) if fresh else keys)
    rows = dict(zip(keys, filing.indicators))
    order = list(keys)
    parsed_names = {k: r.name for k, r in rows.items()} if fresh else {}
    moved: dict[str, str] = {}
    out = Applied(filing=filing, keys=order)

    def find(c: Correction) -> str | None:
        key = moved.get(c.row_key, c.row_key)
        if not fresh or c.row_name is None or not key or not key.startswith("p"):
            return key if key in rows else None
        if key in rows and parsed_names.get(key) == c.row_name:
            return key
        same = [k for k, name in parsed_names.items() if name == c.row_name and k in rows]
        if len(same) == 1:
            moved[c.row_key] = same[0]
            return same[0]
        return None

    for c in sorted(corrections, key=lambda c: c.seq):
        if c.state not in ACTIVE:
            continue
        if c.kind == MARK:
            out.mark = c.new_value if c.new_value in MARKS else None
            out.applied.append(c)
            continue
        if c.kind == SET and c.row_key is None:
            setattr(filing, c.field, coerce(c.field, c.new_value, row=False))
            out.applied.append(c)
            continue
        if c.kind == CONFIRM and c.row_key is None:
            filing.parse_confidence = CONFIRMED
            for r in rows.values():
                r.parse_confidence = CONFIRMED
            out.applied.append(c)
            continue
        if c.kind == ADD_ROW:
            after = (c.new_value or {}).get("after")
            anchor = None if after is None else find(
                Correction(kind=SET, row_key=after, row_name=(c.new_value or {}).get("after_name")))
            if after is not None and anchor is None:
                out.stale.append((c, "读取结果已变化，找不到要在其后插入的那一行"))
                continue
            rows[c.row_key] = _new_row((c.new_value or {}).get("values") or {})
            order.insert(order.index(anchor) + 1 if anchor else 0, c.row_key)
            out.applied.append(c)
            continue
        key = find(c)
        if key is None:
            out.stale.append((c, "读取结果已变化，找不到这一行（按原读取的指标名称）"))
            continue
        if c.kind == DELETE_ROW:
            del rows[key]
            order.remove(key)
        elif c.kind == CONFIRM:
            rows[key].parse_confidence = CONFIRMED
        elif c.kind == SET:
            _set_row_field(rows[key], c.field, coerce(c.field, c.new_value, row=True))
            rows[key].parse_confidence = CONFIRMED  # a person read this row against the source
        out.applied.append(c)
    filing.indicators = [rows[k] for k in order]
    for n, ind in enumerate(filing.indicators, start=1):
        ind.seq = n
    return out


def apply_file_corrections(filings: list[Filing], corrections: list[Correction]) -> tuple[list[Filing], list[tuple[str, str]]]:
    """The per-file step's part: each filing of a freshly parsed file with its corrections applied.

    Returns the filings that stay (a filing marked 非绩效文件 or 无法识别 leaves) and the corrections
    that no longer apply, with why: (correction_id, reason) for the writer to flag them stale.
    """
    by_part: dict[int, list[Correction]] = {}
    for c in corrections:
        if c.state in ACTIVE:
            by_part.setdefault(c.part_index, []).append(c)
    kept, stale = [], []
    for f in filings:
        mine = by_part.get(f.part_index)
        if not mine:
            kept.append(f)
            continue
        done = apply_corrections(f, mine)
        stale += [(c.correction_id, why) for c, why in done.stale]
        if not done.excluded:
            kept.append(f)
    return kept, stale
