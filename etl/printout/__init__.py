"""The printable report (PDF) of one county (optionally one department) and year, and the departments'
feedback letters (DOCX).

    from etl.printout import build_report
    pdf_bytes = build_report(Path("data/jixiao.duckdb"), county="攸县", year=2022)

`jixiao report` and the dashboard's 下载报告 button both call build_report(_files); the letters are
etl/printout/letters.py (`jixiao report --per-department --format docx`).
"""
from __future__ import annotations

from etl.printout.data import ReportScope, ScopeError, gather
from etl.printout.problem_list import xlsx
from etl.printout.render import attachment_name, embed, render_pdf


def _data(db, county: str, year: int, department: str | None, city: str | None, province: str | None):
    return gather(db, ReportScope(county=county, year=int(year), department=department, city=city, province=province))


def build_report(db, county: str, year: int, department: str | None = None, city: str | None = None,
                 province: str | None = None) -> bytes:
    """The report PDF, its full problem list embedded as an XLSX attachment."""
    return build_report_files(db, county, year, department, city, province)[0]


def build_report_files(db, county: str, year: int, department: str | None = None, city: str | None = None,
                       province: str | None = None) -> tuple[bytes, tuple[str, bytes]]:
    """The report PDF (the list embedded) and the list itself: (pdf, (xlsx file name, xlsx))."""
    r = _data(db, county, year, department, city, province)
    name = attachment_name(r)
    data = xlsx(r.problems, name.removesuffix(".xlsx"))
    return embed(render_pdf(r), name, data), (name, data)


__all__ = ["build_report", "build_report_files", "ReportScope", "ScopeError"]
