"""The printable report (PDF) of one county (optionally one department) and year.

    from etl.printout import build_report
    pdf_bytes = build_report(Path("data/jixiao.duckdb"), county="攸县", year=2022)

`jixiao report` and the dashboard's 下载报告 button both call build_report.
"""
from __future__ import annotations

from etl.printout.data import ReportScope, ScopeError, gather
from etl.printout.render import render


def build_report(db, county: str, year: int, department: str | None = None, city: str | None = None,
                 province: str | None = None) -> bytes:
    return render(gather(db, ReportScope(county=county, year=int(year), department=department, city=city,
                                         province=province)))


__all__ = ["build_report", "ReportScope", "ScopeError"]
