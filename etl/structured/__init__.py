"""Structured imports: the budget-management system's own long-format exports, loaded exactly.

    read_export(data, name, skip_bad_rows=False) -> Export   (etl/structured/longform.py)
    sniff(data, name) -> bool                                  does a sheet have an export's header?
    export_long(db, out, filing_ids=None) -> ExportSummary     (etl/structured/export_long.py)

Filings read here carry source_kind 'structured' and parse_confidence 1.0: every value comes from a
named column, nothing is guessed. Published documents go through etl/read + etl/parse instead.
"""
from __future__ import annotations

from etl.structured.longform import Export, ExportRejected, NotAnExport, Problem, read_export, sniff
from etl.structured.sheets import FORMATS, fmt_of

__all__ = ["read_export", "sniff", "Export", "ExportRejected", "NotAnExport", "Problem", "FORMATS", "fmt_of"]
