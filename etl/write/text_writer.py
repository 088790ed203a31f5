"""Tab-separated text, as tables look when copied out of a document (the seed 000 style)."""
from __future__ import annotations

from etl.records import Filing
from etl.write.blocks import layout


def _clean(s: str) -> str:
    # a tab or line break inside a cell would shift every later column
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def render_text(filings: list[Filing]) -> bytes:
    lines: list[str] = []
    for f in filings:
        for block in layout(f):
            if block.kind == "table":
                lines.extend("\t".join(_clean(t) for t in row) for row in block.grid.texts())
                lines.append("")
            else:
                lines.extend([_clean(block.text), ""])
        lines.append("")
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
