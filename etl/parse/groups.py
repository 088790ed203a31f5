"""One table, several projects: a row group per project.

Some departments publish all their projects' targets in one table whose
header starts with key columns before the indicator columns:

    单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | … | 权重
    820-某镇部门 | 8,827,620.53                                    (the department's total)
    820001-某镇人民政府 | 项目甲 | 3,309,840.00 | 目标… | 效益指标 | …  (a project's first row)
    产出指标 | 时效指标 | …                                         (its other rows: merged cells gone)
    项目乙 | 660,000.00 | 目标… | 满意度指标 | …                     (the next project)

A row whose cells before its first level name hold an amount opens a group.
Each group becomes a filing: its leading cells are given back as key rows
(项目名称, 预算数, 单位名称, 年度目标, each with the cell's own position), so
the ordinary readers take them, and its rows follow the shared header.
"""
from __future__ import annotations

import re

from etl.parse.meta import meta_key
from etl.parse.vocab import column_role, is_level1, is_level2
from etl.records import Cell, Row

_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d{2}$")  # a printed amount: 3,309,840.00 or 66.00


def _level_at(row: Row) -> int | None:
    return next((k for k, c in enumerate(row.cells) if is_level1(c.text) or is_level2(c.text)), None)


def _header_at(rows: list[Row]) -> int | None:
    """A header that prints 项目名称 (and so one project per row group) before its indicator columns."""
    for i, r in enumerate(rows):
        texts = [c.text for c in r.cells]
        keys = [meta_key(t) for t in texts]
        roles = [column_role(t) for t in texts]
        if "project" in keys and {"level1", "level2"} & set(roles):
            first_role = next(k for k, role in enumerate(roles) if role in ("level1", "level2"))
            if keys.index("project") < first_role:
                return i
    return None


def _key_row(label: Cell, value: Cell) -> Row:
    return Row(cells=[Cell(label.text, label.loc), value], loc=value.loc, table=None)


def project_groups(rows: list[Row]) -> list[list[Row]] | None:
    """The rows of each project's filing (before-table rows, key rows, header, its indicator rows), or None."""
    h = _header_at(rows)
    if h is None:
        return None
    header = rows[h]
    label = {meta_key(c.text): c for c in header.cells if meta_key(c.text)}
    goal_label = next((c for c in header.cells if re.fullmatch(r"年度(绩效)?目标", c.text.strip())), None)
    before = rows[:h]
    dept: list[Row] = []
    groups: list[tuple[list[Row], list[Row]]] = []  # (key rows, indicator rows) per project
    budget_label = next((c for c in header.cells if c.text.strip() in ("预算数", "预算金额", "资金总额")), None)
    unit: Cell | None = None
    for r in rows[h + 1:]:
        lv = _level_at(r)
        lead = [c for c in (r.cells if lv is None else r.cells[:lv]) if c.text.strip()]
        amount = next((k for k, c in enumerate(lead) if _AMOUNT.match(c.text.strip())), None)
        if amount is None:
            if groups:
                groups[-1][1].append(r)
            continue
        if lv is None:
            if groups:
                groups[-1][1].append(r)  # an indicator row that prints no level cell ('95.00' is its value)
            elif amount >= 1 and "department" not in label:
                # before any project: a name and an amount, the department's own line and total
                dept = [_key_row(Cell("部门名称", header.cells[0].loc), lead[amount - 1])]
            continue
        keys: list[Row] = []
        if amount >= 1 and "project" in label:
            keys.append(_key_row(label["project"], lead[amount - 1]))
        if "unit" in label and (amount >= 2 or unit is not None):
            # a unit's merged cell spans all its projects: printed on the first one only
            unit = lead[amount - 2] if amount >= 2 else unit
            keys.append(_key_row(label["unit"], unit))
        if budget_label is not None:
            keys.append(_key_row(budget_label, lead[amount]))
        if goal_label is not None and amount + 1 < len(lead):
            keys.append(_key_row(goal_label, lead[amount + 1]))
        # the key cells now stand in their key rows; blank in the row, so a grid's positions stay
        groups.append((keys, [Row(cells=[Cell("", c.loc) for c in r.cells[:lv]] + r.cells[lv:], loc=r.loc, table=r.table)]))
    if not groups:
        return None
    # the header's key columns are read from the key rows: blank there, or they would take the row below
    first_role = next(k for k, c in enumerate(header.cells) if column_role(c.text) in ("level1", "level2"))
    table_header = Row(cells=[Cell("", c.loc) if k < first_role else c for k, c in enumerate(header.cells)],
                       loc=header.loc, table=header.table)
    return [before + dept + keys + [table_header] + body for keys, body in groups]
