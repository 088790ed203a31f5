"""Chinese line breaking for the PDF report, and a text flowable that uses it.

ReportLab's own wrapping either breaks only at spaces (a Chinese sentence has none, so a number
in it is cut anywhere) or, with wordWrap='CJK', between any two characters (a line may then
start with "，" and "15.2%" may be cut into "15." and "2%"). Here a line is broken only where
Chinese typesetting allows: never before closing punctuation (，。、；：？！）》” …), never after
opening punctuation (（《“ …), never inside a number ("12,345.67", "95.5%", "2023") or a Latin
word. `Text` draws the lines itself, one drawString per line: text from filings is never
parsed as markup.
"""
from __future__ import annotations

import re

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

# 行首禁则 / 行尾禁则 (GB/T 15834 practice): what may not start, and what may not end, a line
NO_START = set("，。、；：？！）》」』】〕〉”’,.;:?!)]}%‰…—～/")
NO_END = set("（《「『【〔〈“‘([{")
# a number with its separators and sign, a percentage, a Latin word or code: never cut
ATOM = re.compile(r"[+\-−]?\d[\d,.]*%?|\.?[A-Za-z][A-Za-z0-9_\-.]*|.", re.S)  # '.': any other character, 　 included


def atoms(text: str) -> list[str]:
    """The text as pieces a line may be broken between (closing punctuation glued to what precedes it,
    opening punctuation to what follows)."""
    raw = ATOM.findall(text.replace("\t", " ")) if text else []
    out: list[str] = []
    glue_next = False
    for piece in raw:
        if out and (glue_next or piece[0] in NO_START):
            out[-1] += piece
        else:
            out.append(piece)
        glue_next = piece[-1] in NO_END
    return out


def break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """The lines `text` is set in at this font, size and width (hard line breaks kept)."""
    lines: list[str] = []
    for para in ("" if text is None else str(text)).split("\n"):
        line, used = "", 0.0
        for piece in re.split(r"( +)", para):
            if not piece:
                continue
            for a in ([piece] if piece.isspace() else atoms(piece)):
                w = stringWidth(a, font, size)
                if line and used + w > width and not a.isspace():
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                if not line and a.isspace():
                    continue
                if w > width:  # one piece wider than the column (a long code): cut it by characters
                    for ch in a:
                        cw = stringWidth(ch, font, size)
                        if line and used + cw > width:
                            lines.append(line)
                            line, used = "", 0.0
                        line += ch
                        used += cw
                    continue
                line += a
                used += w
        lines.append(line.rstrip())
    return lines


class Text(Flowable):
    """A paragraph of plain text, broken into lines by `break_lines`; splits across pages by lines."""

    def __init__(self, text, font: str, size: float = 10, leading: float | None = None, color=colors.black,
                 align: str = "left", space_before: float = 0, space_after: float = 0, keep_with_next: bool = False,
                 border=None, padding: float = 0):
        super().__init__()
        self.text = "" if text is None else str(text)
        self.font, self.size = font, size
        self.leading = leading or size * 1.45
        self.color, self.align = color, align
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.keepWithNext = keep_with_next
        self.border, self.padding = border, padding
        self.lines: list[str] = []

    def _inner(self, width: float) -> float:
        return max(width - 2 * self.padding, self.size)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.lines = break_lines(self.text, self.font, self.size, self._inner(availWidth) - 0.5)
        self.height = len(self.lines) * self.leading + 2 * self.padding
        return availWidth, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fit = int((availHeight - 2 * self.padding) // self.leading)
        if fit < 2 or fit >= len(self.lines) or self.border is not None:
            return []  # never one line left alone at a page foot; a boxed note moves whole
        head = self._copy("\n".join(self.lines[:fit]))
        head.spaceAfter = 0
        tail = self._copy("\n".join(self.lines[fit:]))
        tail.spaceBefore = 0
        return [head, tail]

    def _copy(self, text: str) -> "Text":
        return Text(text, self.font, self.size, self.leading, self.color, self.align, self.spaceBefore,
                    self.spaceAfter, self.keepWithNext, self.border, self.padding)

    def draw(self):
        c = self.canv
        if self.border is not None:
            c.setStrokeColor(self.border)
            c.setLineWidth(0.8)
            c.rect(0, 0, self.width, self.height)
        c.setFillColor(self.color)
        c.setFont(self.font, self.size)
        y = self.height - self.padding - self.size
        for line in self.lines:
            if self.align == "center":
                c.drawCentredString(self.width / 2, y, line)
            elif self.align == "right":
                c.drawRightString(self.width - self.padding, y, line)
            else:
                c.drawString(self.padding, y, line)
            y -= self.leading
