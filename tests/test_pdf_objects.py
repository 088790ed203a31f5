"""The fast PDF path (PDFium's objects, the quicker table finder and cell text) reads what pdfplumber reads.

Each page is either mirrored (the same chars, lines, rects and curves pdfminer
gives) or handed back to pdfminer; the rows of the whole reader are the same
either way. The pages below exercise the text and path operators that PDFium's
text page treats differently from pdfminer.
"""
from __future__ import annotations

import io
import random

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfplumber.table import edges_to_intersections, intersections_to_cells
from pdfplumber.utils import extract_text

import tests.fixtures_formats as fx
from etl.read.pdf import _bound_pdfminer, read_pdf
from etl.read.pdf_objects import page_objects
from etl.read.pdf_tables import _cells, cell_text

# one page each: (name, raw content-stream operators); F1 Helvetica, F2 STSong-Light (CID), F3 Times
CASES = {
    "plain": "BT /F1 10 Tf 50 700 Td (Plain text) Tj ET",
    "font_size_in_matrix": "BT /F1 1 Tf 12 0 0 12 50 700 Tm (Hello World 12) Tj ET",
    "horizontal_scaling": "BT /F1 10 Tf 80 Tz 50 680 Td (Scaled text 80) Tj ET",
    "char_and_word_spacing": "BT /F1 10 Tf 2 Tc 3 Tw 50 660 Td (Spaced  out text) Tj ET",
    "rise": "BT /F1 10 Tf 3 Ts 50 640 Td (Rise text) Tj ET",
    "scaled_ctm": "q 2 0 0 2 10 10 cm BT /F1 5 Tf 25 310 Td (cm scaled) Tj ET Q",
    "kerning": "BT /F1 10 Tf 50 620 Td [(A) -500 (B) 300 (C) -2000 (D)] TJ ET",
    "fake_bold": "BT /F1 10 Tf 50 600 Td (Bold) Tj ET BT /F1 10 Tf 50.3 600 Td (Bold) Tj ET",
    "invisible": "BT 3 Tr /F1 10 Tf 50 580 Td (Invisible) Tj ET",
    "rotated": "BT /F1 10 Tf 0 1 -1 0 300 300 Tm (Rotated) Tj ET",
    "mirrored": "BT /F1 10 Tf -1 0 0 1 300 300 Tm (Mirror) Tj ET",
    "flipped": "q 1 0 0 -1 0 842 cm BT /F1 10 Tf 1 0 0 -1 50 100 Tm (Flipped) Tj ET Q",
    "lines": "0.5 w 50 500 m 300 500 l S 50 480 m 300 480 l 300 400 l S 50 400 m 300 400 l h S",
    "rects": "50 300 200 50 re S 60 310 20 20 re f 100 200 m 200 200 l 200 250 l 100 250 l h B",
    "rect_by_lines": "100 200 m 200 200 l 200 250 l 100 250 l 100 200 l S",
    "curves": "100 100 m 150 150 200 150 250 100 c S 100 100 m 120 120 l 140 100 l 160 120 l S "
              "100 300 m 150 350 200 300 v S 100 400 m 150 450 200 400 y S",
    "subpaths": "50 50 m 100 50 l 50 60 m 100 60 l 50 70 m 50 90 l S",
    "clip": "50 50 200 200 re W n BT /F1 10 Tf 60 60 Td (Clipped) Tj ET",
    "shifted_grid": "q 1 0 0 1 12.345 6.789 cm 0.5 w 50 500 m 300 500 l S 50 480 200.3333 30.1 re S Q",
    "nested_ctm": "q 1.1 0 0 1.1 3.3 4.4 cm q 0.9 0 0 0.9 1.7 2.3 cm 50 500 m 300 500 l S "
                  "BT /F1 10 Tf 50 400 Td (Nested cm text) Tj ET Q Q",
    "two_fonts": "BT /F1 10 Tf 50 500 Td (Mixed) Tj /F3 10 Tf ( fonts) Tj ET",
    "empty_string": "BT /F1 10 Tf 50 500 Td () Tj ET BT /F1 10 Tf 50 480 Td (After empty) Tj ET",
    "runs_of_spaces": "BT /F1 10 Tf 50 500 Td (   ) Tj ET BT /F1 10 Tf 50 480 Td (x  y) Tj ET",
    "wide_gap": "BT /F1 10 Tf 50 500 Td (left) Tj 200 0 Td (right) Tj ET",
    "negative_size": "BT /F1 -10 Tf 50 500 Td (Neg size) Tj ET",
    "hairline_and_dash": "0 w 50 500 m 300 500 l S [3 2] 0 d 50 480 m 300 480 l S",
    "drawn_right_to_left": "BT /F1 10 Tf 200 500 Td (right) Tj ET BT /F1 10 Tf 120 500 Td (middle) Tj ET "
                           "BT /F1 10 Tf 50 500 Td (left) Tj ET",
    "hyphen_at_line_end": "BT /F1 10 Tf 50 500 Td (some-) Tj ET BT /F1 10 Tf 50 488 Td (thing) Tj ET",
}


def odd_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    fx._cjk_font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, pageCompression=0, invariant=1)
    for name, code in CASES.items():
        c.setFont("Helvetica", 10)
        c.drawString(10, 820, name)
        c.setFont("STSong-Light", 10)
        c.drawString(10, 805, "绩效目标 自评 123 abc")
        c.setFont("Times-Roman", 10)
        c.drawString(200, 820, "times")
        c._code.append(code)
        c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(50, 700, "Rotated page")
    c.setPageRotation(90)
    c.showPage()
    c.setPageRotation(0)
    c.beginForm("frm")
    c.setFont("Helvetica", 10)
    c.drawString(50, 700, "In a form")
    c.line(50, 690, 300, 690)
    c.endForm()
    c.doForm("frm")
    c.showPage()
    c.save()
    return out.getvalue()


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-3


def _differences(ref: dict, mine: dict) -> list[str]:
    out = []
    for kind in sorted((set(ref) | set(mine)) - {"image"}):
        r, m = ref.get(kind, []), mine.get(kind, [])
        if len(r) != len(m):
            out.append(f"{kind}: {len(r)} vs {len(m)}")
            continue
        for i, (a, b) in enumerate(zip(r, m)):
            keys = ["x0", "x1", "top", "bottom", "doctop", "width", "height", "y0", "y1"]
            bad = [k for k in keys if not _same(a[k], b[k])]
            if kind == "char":
                bad += [k for k in ("text", "fontname", "upright") if a[k] != b[k]]
                bad += [] if _same(a["size"], b["size"]) else ["size"]
            else:
                bad += [k for k in ("stroke", "fill") if a[k] != b[k]]
                if len(a["pts"]) != len(b["pts"]) or not all(
                        _same(p[0], q[0]) and _same(p[1], q[1]) for p, q in zip(a["pts"], b["pts"])):
                    bad.append("pts")
            if bad:
                out.append(f"{kind}[{i}] differs in {bad}")
    return out


def _mirror_each_page(data: bytes) -> tuple[int, int]:
    """(pages mirrored, pages left to pdfminer); fails on a mirrored page that differs from pdfminer's."""
    _bound_pdfminer()
    mirrored = left = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        doc = pdfium.PdfDocument(data)
        try:
            for i, page in enumerate(pdf.pages):
                fpage = doc[i]
                mine = page_objects(page, fpage.raw)
                fpage.close()
                if mine is None:
                    left += 1
                    continue
                mirrored += 1
                problems = _differences(page.objects, mine)
                assert not problems, f"page {i + 1}: {problems[:5]}"
        finally:
            doc.close()
    return mirrored, left


def _rows(doc):
    return doc.layout, doc.warnings, [(r.table, r.loc, [(c.text, c.loc) for c in r.cells]) for r in doc.rows]


def test_a_filing_pdf_is_mirrored_page_by_page():
    mirrored, left = _mirror_each_page(fx.make_pdf(n_extra=40))
    assert mirrored >= 2 and left == 0


def test_unusual_operators_are_mirrored_or_left_to_pdfminer():
    mirrored, left = _mirror_each_page(odd_pdf())
    # the cases PDFium's text page changes (folded spaces, a copy over itself, rotation, forms...)
    # are left to pdfminer; the plain ones are read through PDFium
    assert mirrored >= 15 and left >= 6


def test_pages_pdfium_text_would_change_go_to_pdfminer():
    data = odd_pdf()
    names = list(CASES) + ["rotated_page", "form"]
    _bound_pdfminer()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        doc = pdfium.PdfDocument(data)
        left = set()
        for i, page in enumerate(pdf.pages):
            fpage = doc[i]
            if page_objects(page, fpage.raw) is None:
                left.add(names[i])
            fpage.close()
        doc.close()
    assert {"fake_bold", "runs_of_spaces", "char_and_word_spacing", "rotated", "mirrored", "rotated_page",
            "negative_size"} <= left
    assert not {"plain", "lines", "rects", "font_size_in_matrix", "scaled_ctm", "shifted_grid",
                "drawn_right_to_left"} & left


@pytest.mark.parametrize("make", [lambda: fx.make_pdf(n_extra=40), odd_pdf], ids=["filing", "operators"])
def test_fast_reader_gives_the_rows_pdfplumber_gives(make):
    data = make()
    assert _rows(read_pdf(data, "a.pdf")) == _rows(read_pdf(data, "a.pdf", reference=True))


def test_the_reference_can_be_chosen_from_the_environment(monkeypatch):
    data = fx.make_pdf(n_extra=5)
    monkeypatch.setenv("JIXIAO_PDF_REFERENCE", "1")
    assert _rows(read_pdf(data, "a.pdf")) == _rows(read_pdf(data, "a.pdf", reference=False))


def test_cells_are_the_cells_pdfplumber_finds():
    _bound_pdfminer()
    with pdfplumber.open(io.BytesIO(fx.make_pdf(n_extra=40))) as pdf:
        for page in pdf.pages:
            edges = page.edges
            inter = edges_to_intersections(edges, 3, 3)
            assert _cells(inter) == intersections_to_cells(inter)
    # a grid with a merged cell and a missing edge, made up
    h = [(0, 100, 0), (0, 100, 20), (0, 50, 40), (0, 100, 60)]  # (x0, x1, top)
    v = [(0, 0, 60), (50, 0, 60), (100, 0, 20), (100, 20, 60)]  # (x, top, bottom)
    edges = [{"x0": a, "x1": b, "top": t, "bottom": t, "width": b - a, "height": 0, "orientation": "h",
              "object_type": "line"} for a, b, t in h]
    edges += [{"x0": x, "x1": x, "top": t, "bottom": b, "width": 0, "height": b - t, "orientation": "v",
               "object_type": "line"} for x, t, b in v]
    inter = edges_to_intersections(edges, 3, 3)
    assert _cells(inter) == intersections_to_cells(inter) != []


def test_cell_text_is_pdfplumbers_extract_text():
    rng = random.Random(5)
    alphabet = "绩效目标ab1 ﬁ\u3000"
    for _ in range(3000):
        chars = []
        for _ in range(rng.randint(0, 14)):
            x0, top = rng.uniform(0, 60), rng.choice([0, 1.5, 2.9, 3.1, 12, 13.5, rng.uniform(0, 30)])
            w = rng.choice([0, 2.5, 5, 10])
            chars.append({"text": rng.choice(alphabet), "x0": x0, "x1": x0 + w, "top": top, "bottom": top + 10,
                          "doctop": top, "upright": True, "size": 10})
        assert cell_text(chars) == extract_text(chars), chars
