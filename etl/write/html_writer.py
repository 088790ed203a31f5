"""One HTML page: a heading and a <table> with rowspan / colspan per filing. All text escaped."""
from __future__ import annotations

from html import escape

from etl.records import Filing
from etl.write.blocks import layout

_TAGS = {"title": "h2", "heading": "h3", "meta": "p", "para": "p"}


def render_html(filings: list[Filing]) -> bytes:
    page_title = escape(filings[0].title or "") if filings else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{page_title}</title>",
        "<style>table{border-collapse:collapse;margin-bottom:1.5em}td{border:1px solid #333;padding:2px 4px}</style>",
        "</head><body>",
    ]
    for f in filings:
        for block in layout(f):
            if block.kind != "table":
                tag = _TAGS[block.kind]
                out.append(f"<{tag}>{escape(block.text)}</{tag}>")
                continue
            out.append('<table border="1">')
            for row in block.grid.rows:
                cells = []
                for c in row:
                    if c is None:
                        continue
                    attrs = ""
                    if c.rowspan > 1:
                        attrs += f' rowspan="{c.rowspan}"'
                    if c.colspan > 1:
                        attrs += f' colspan="{c.colspan}"'
                    tag = "td"
                    cells.append(f"<{tag}{attrs}>{escape(c.text)}</{tag}>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")
