"""Render typed filings back into documents: DOCX, XLSX, PDF, HTML and text.

    from etl.write import render
    data = render(filing, "docx")          # one filing
    data = render([f1, f2, f3], "pdf")     # several filings, one table each

All writers draw the same grid from etl.write.blocks, so a reader sees the same
cells whatever the format.
"""
from __future__ import annotations

from etl.records import Filing
from etl.write.docx_writer import render_docx
from etl.write.html_writer import render_html
from etl.write.blocks import as_list
from etl.write.pdf_writer import render_pdf
from etl.write.text_writer import render_text
from etl.write.xlsx_writer import render_xlsx

FORMATS = ("docx", "xlsx", "pdf", "html", "txt")


def render(filing_or_filings: Filing | list[Filing], fmt: str) -> bytes:
    filings = as_list(filing_or_filings)
    fmt = fmt.lower().lstrip(".")
    if fmt == "docx":
        return render_docx(filings)
    if fmt == "xlsx":
        return render_xlsx(filings)
    if fmt == "pdf":
        return render_pdf(filings)
    if fmt in ("html", "htm"):
        return render_html(filings)
    if fmt in ("txt", "text"):
        return render_text(filings)
    raise ValueError(f"不支持的输出格式：{fmt}（可选 {', '.join(FORMATS)}）")
