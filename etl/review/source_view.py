"""A filing's source as the review page shows it beside the reading.

The file is read again (the same reader as the ingest: etl.read) into rows of cells with their
positions, and each row is set against the reading by the provenance the database stores (src_page,
src_sheet, src_table, src_row, src_line_start/end of every indicator row and of the filing):

- a row an indicator was read from is `used`, and within it the cells holding one of that
  indicator's values are marked;
- a row holding a value of the filing itself (its money, scores, year, names) is `used` too;
- a row of the filing's part of the file that carries a number and was used for nothing is
  `unused`: the numbers the reading left out, where a misread table usually shows;
- other rows (headers, prose without numbers) are plain.

For a PDF the pages of the filing are drawn (pypdfium2) with a box around each used and unused
row. Everything here is data for the page to show as text or image: no HTML, no Markdown.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium
from PIL import ImageDraw

from etl.records import YUAN_PER_WAN, Document, Row

USED, UNUSED, PLAIN = "used", "unused", "plain"
MAX_ROWS = 600  # rows shown of one filing's part of the file (a long report is cut, and says so)
MAX_PAGES = 8  # PDF pages drawn
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
MONEY_FIELDS = ("budget_initial", "budget_adjusted", "budget_executed", "budget_fiscal", "budget_other",
                "budget_carryover")
SCORE_FIELDS = ("exec_weight", "exec_score", "total_weight", "total_score")
TEXT_FIELDS = ("title", "department", "unit", "project", "project_code", "department_code")
ROW_VALUE_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")


@dataclass
class SourceRow:
    index: int  # position in the document
    where: str  # 第15行(文本) / 表1 第7行 / 第2页 表1 第7行
    cells: list[str]
    state: str = PLAIN
    seqs: list[int] = field(default_factory=list)  # the indicator rows read from it
    used_cells: set[int] = field(default_factory=set)
    what: str = ""  # 第3项 / 填报信息 / 含数字未读取
    page: int | None = None
    bbox: tuple | None = None  # PDF: the row's box (x0, top, x1, bottom) in points
    cell_boxes: list = field(default_factory=list)  # PDF: each cell's box, or None


@dataclass
class SourceView:
    fmt: str
    rows: list[SourceRow]
    cut: int = 0  # rows of the part not shown (past MAX_ROWS)
    pages: list[int] = field(default_factory=list)  # PDF pages of the part

    @property
    def used(self) -> int:
        return sum(r.state == USED for r in self.rows)

    @property
    def unused(self) -> int:
        return sum(r.state == UNUSED for r in self.rows)


def _fold(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


def _numbers(text: str) -> list[float]:
    return [float(x) for x in _NUMBER.findall(unicodedata.normalize("NFKC", text).replace(",", ""))]


def _is_num(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and isinstance(v, (int, float))


def _val(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _where(row: Row) -> str:
    loc = row.loc
    return loc.describe() or f"第{row.loc.line_start or '?'}行"


def _grid_key(loc) -> tuple | None:
    if loc.row is None or loc.table is None and loc.sheet is None:
        return None
    return (loc.page, loc.sheet, loc.table, loc.row)


def _matches(row: Row, src: dict, whole: bool = False) -> bool:
    """Whether a document row is where `src` (src_page, src_sheet, src_table, src_row, src_line_start/end) points.

    With `whole`, src spans a filing (its first table row, its line range); else one indicator row."""
    loc = row.loc
    page = _val(src.get("src_page"))
    if page is not None and loc.page is not None and int(page) != loc.page:
        return False
    key = _grid_key(loc)
    if key is not None and _val(src.get("src_row")) is not None:
        if (_val(src.get("src_sheet")), _val(src.get("src_table")), _val(src.get("src_row"))) == key[1:]:
            return True
    a, b = _val(src.get("src_line_start")), _val(src.get("src_line_end"))
    if a is not None and loc.line_start is not None:
        b = a if b is None else b
        lo, hi = loc.line_start, loc.line_end or loc.line_start
        return lo <= int(b) and int(a) <= hi if not whole else int(a) <= lo <= int(b)
    return False


def _start(doc: Document, src: dict) -> int | None:
    for k, row in enumerate(doc.rows):
        if _matches(row, src, whole=True):
            return k
    return None


def part_range(doc: Document, filing: dict, siblings: list[dict]) -> tuple[int, int]:
    """The document rows of this filing's part of the file: from where it starts to where the next filing starts."""
    mine = _start(doc, filing)
    if mine is None:
        return 0, len(doc.rows)
    starts = sorted(s for s in (_start(doc, f) for f in siblings if f.get("filing_id") != filing.get("filing_id"))
                    if s is not None and s > mine)
    return mine, starts[0] if starts else len(doc.rows)


def _filing_values(filing: dict) -> tuple[list[float], set[str]]:
    numbers: list[float] = []
    wan = (filing.get("amount_unit") or "万元") == "元"
    for k in MONEY_FIELDS:
        v = _val(filing.get(k))
        if _is_num(v):
            numbers += [v, v * YUAN_PER_WAN] if wan else [v]
    for k in SCORE_FIELDS:
        v = _val(filing.get(k))
        if _is_num(v):
            numbers.append(v)
    rate = _val(filing.get("exec_rate_reported"))
    if _is_num(rate):
        numbers += [rate, rate * 100]
    if _is_num(_val(filing.get("year"))):
        numbers.append(float(filing["year"]))
    texts = {_fold(filing.get(k)) for k in TEXT_FIELDS if _val(filing.get(k))}
    return numbers, {t for t in texts if len(t) >= 2}


def _cell_holds(cell: str, texts: set[str], numbers: list[float]) -> bool:
    c = _fold(cell)
    if not c:
        return False
    if any(t and (t == c or (len(t) >= 2 and t in c)) for t in texts):
        return True
    return any(abs(x - n) <= 0.005 for x in _numbers(cell) for n in numbers)


def build_view(doc: Document, filing: dict, indicators: list[dict], siblings: list[dict] | None = None) -> SourceView:
    """The rows of the filing's part of `doc`, each set against the reading (filing and indicator rows as dicts
    of the database's columns, with their src_* provenance)."""
    lo, hi = part_range(doc, filing, siblings or [])
    f_numbers, f_texts = _filing_values(filing)
    out: list[SourceRow] = []
    pages: list[int] = []
    for k in range(lo, min(hi, lo + MAX_ROWS)):
        row = doc.rows[k]
        cells = [c.text for c in row.cells]
        sr = SourceRow(index=k, where=_where(row), cells=cells, page=row.loc.page, bbox=row.loc.bbox,
                       cell_boxes=[c.loc.bbox for c in row.cells])
        for ind in indicators:
            if _matches(row, ind):
                sr.seqs.append(int(ind["seq"]))
                texts = {_fold(ind.get(f)) for f in ROW_VALUE_FIELDS if isinstance(_val(ind.get(f)), str)}
                nums = [float(ind[f]) for f in ("weight", "score") if _is_num(_val(ind.get(f)))]
                nums += [float(ind[f]) for f in ("target_num", "actual_num") if _is_num(_val(ind.get(f)))]
                sr.used_cells |= {j for j, c in enumerate(cells) if _cell_holds(c, texts, nums)}
        if sr.seqs:
            sr.state, sr.what = USED, "第" + "、".join(str(s) for s in sorted(set(sr.seqs))) + "项"
        else:
            hits = {j for j, c in enumerate(cells) if _cell_holds(c, f_texts, f_numbers)}
            if hits:
                sr.state, sr.what, sr.used_cells = USED, "填报信息", hits
            elif any(_NUMBER.search(unicodedata.normalize("NFKC", c)) for c in cells):
                sr.state, sr.what = UNUSED, "含数字，未读取"
        if row.loc.page is not None and row.loc.page not in pages:
            pages.append(row.loc.page)
        out.append(sr)
    return SourceView(fmt=doc.fmt, rows=out, cut=max(0, hi - lo - MAX_ROWS), pages=pages[:MAX_PAGES])


BOX = {USED: (46, 160, 67), UNUSED: (230, 126, 34)}  # green: read; orange: a number the reading did not use


def pdf_page_image(data: bytes, page: int, rows: list[SourceRow], scale: float = 1.4) -> bytes:
    """One PDF page (1-based) as PNG bytes: a box around each cell the reading used (or its row, where the
    cells have no box of their own) and around each row with numbers it did not use."""
    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    draw = ImageDraw.Draw(image)
    for r in rows:
        if r.page != page or r.state not in BOX:
            continue
        boxes = [b for j, b in enumerate(r.cell_boxes) if b and j in r.used_cells] if r.state == USED else []
        for x0, top, x1, bottom in boxes or ([r.bbox] if r.bbox else []):
            draw.rectangle([x0 * scale - 2, top * scale - 2, x1 * scale + 2, bottom * scale + 2], outline=BOX[r.state],
                           width=2)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
