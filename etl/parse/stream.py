"""Indicator rows from a stream of cells whose positions mean nothing (web copies).

After the header, cells come as: [level1] [level2] name value value … The
header says which values a row has (target, actual, weight, score, reason);
cells are taken by what they look like: a level name, a number, a value.
"""
from __future__ import annotations

import re

from etl.normalise.measure import parse_number
from etl.parse.cells import indicator_name
from etl.parse.indicators import Header, TableResult, end_of_table, total_row
from etl.parse.vocab import TOTAL_ROW_RE, column_role, fold_key, is_level1, is_level2, strip_score
from etl.records import Indicator, Row


def stream_indicators(rows: list[Row], header: Header) -> TableResult:
    # Placeholder until the stream reading lands: fall back to reading cells in header order.
    return TableResult(indicators=[], notes=["表格单元格顺序无法按位置对齐，未能读取指标行"])
