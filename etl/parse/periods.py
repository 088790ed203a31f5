"""A target table printed twice, a block per period: '长期绩效指标' over one header, '年度绩效指标' over the same
header again. The annual block holds the filing's indicators; the long-term block's rows are kept apart
(a `long_term_target` section per indicator, like a header's 长期 column group)."""
from __future__ import annotations

from dataclasses import dataclass

from etl.lexicon import lexicon
from etl.parse.vocab import fold_cell
from etl.records import Row


@dataclass
class PeriodBlocks:
    annual: list[Row]  # the rows before the first block and the annual block
    long_term: list[Row]  # the long-term block


def _marker(text: str) -> str | None:
    """'long' or 'annual' for a block marker cell ('中期绩效指标', '年度绩效指标')."""
    m = lexicon().period_block.match(fold_cell(text))
    if not m:
        return None
    return "long" if m.group("p") in lexicon().long_periods else "annual"


def _split_at_markers(rows: list[Row]) -> list[tuple[str | None, list[Row]]]:
    """The rows cut where a marker cell stands (inside a flattened row too), each part with its marker."""
    parts: list[tuple[str | None, list[Row]]] = [(None, [])]
    for row in rows:
        start = 0
        for k, cell in enumerate(row.cells):
            period = _marker(cell.text)
            if period is None:
                continue
            if k > start:
                parts[-1][1].append(Row(cells=row.cells[start:k], loc=row.loc, table=row.table))
            parts.append((period, []))
            start = k + 1
        if start < len(row.cells):
            parts[-1][1].append(Row(cells=row.cells[start:], loc=row.loc, table=row.table) if start else row)
    return parts


def period_blocks(rows: list[Row]) -> PeriodBlocks | None:
    """The annual and long-term blocks, where the segment prints a long-term block and an annual one."""
    parts = _split_at_markers(rows)
    periods = [p for p, _ in parts if p]
    if "long" not in periods or "annual" not in periods:
        return None
    annual = list(parts[0][1])
    long_term: list[Row] = []
    for period, block in parts[1:]:
        (long_term if period == "long" else annual).extend(block)
    return PeriodBlocks(annual=annual, long_term=long_term)
