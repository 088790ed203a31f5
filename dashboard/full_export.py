"""Exports of a whole query result, streamed from DuckDB in chunks (never capped by what a page shows).

The query is run on its own read-only connection and fetched EXPORT_CHUNK rows at a
time into the CSV or XLSX writer, so memory stays bounded by the chunk, not the result.
Codes become Chinese labels as on screen; the rule keeps its id in a column of its own.
"""
from __future__ import annotations

import io
from pathlib import Path

from dashboard import export
from dashboard.queries.running import stream
from dashboard.labels import COLUMN_KINDS, COLUMNS, DOC_KINDS, FAMILIES, SEVERITIES, kinds_label, rule_title
from etl.check.evidence import readable

EXPORT_CHUNK = 10_000
LABELS = {"doc_kind": DOC_KINDS.get, "family": FAMILIES.get, "severity": SEVERITIES.get, "rule": rule_title,
          "evidence": readable, "kinds": kinds_label}


def _plan(columns: list[str], drop: tuple[str, ...]):
    """For each output column: (header, kind, source index, label function)."""
    out = []
    for i, c in enumerate(columns):
        if c in drop:
            continue
        label = LABELS.get(c)
        out.append((COLUMNS.get(c, c), COLUMN_KINDS.get(c, "text"), i, label))
        if c == "rule":
            out.append(("规则编号", "text", i, None))
    return out


def write(db: Path, sql: str, params: list, fmt: str, out, drop: tuple[str, ...] = ("total",),
          sheet: str = "数据") -> int:
    """Run `sql` and write every row to the binary stream `out` as "csv" (UTF-8 BOM) or "xlsx"; returns rows."""
    with stream(Path(db), sql, params) as cur:
        plan = _plan([d[0] for d in cur.description], drop)

        def chunks():
            while True:
                rows = cur.fetchmany(EXPORT_CHUNK)
                if not rows:
                    return
                yield [tuple((lab(r[i]) or r[i]) if lab and r[i] is not None else r[i] for _, _, i, lab in plan)
                       for r in rows]

        headers, kinds = [p[0] for p in plan], [p[1] for p in plan]
        if fmt == "csv":
            out.write("\ufeff".encode("utf-8"))
            text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
            try:
                return export.write_csv(text, headers, kinds, chunks())
            finally:
                text.detach()
        return export.write_xlsx(out, headers, kinds, chunks(), sheet=sheet)
