"""A PDF page's chars and drawn lines as pdfplumber would give them, read through PDFium.

pdfplumber reads a page by running pdfminer's content-stream interpreter in
Python: about 85 % of the time a PDF takes to read. PDFium (pypdfium2, which
pdfplumber already ships) interprets the same page in C. This module turns what
PDFium found into pdfplumber's object dicts (the same keys and, for the common
case, the same coordinates), so pdfplumber's own table finder and text
extraction run on them unchanged.

Only the common case is mirrored: upright horizontal text in fonts pdfminer
reads from the page's own resources, paths drawn straight on the page, no page
rotation or shifted media box. For anything else `page_objects` returns None
and the caller lets pdfminer read that page, as before.
"""
from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c
from pdfminer.pdffont import PDFCIDFont, PDFType3Font
from pdfminer.pdftypes import PDFObjRef, dict_value, resolve1
from pdfminer.psparser import PSLiteral

from etl.records import ReadError

_PATH = pdfium_c.FPDF_PAGEOBJ_PATH
_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT
_FORM = pdfium_c.FPDF_PAGEOBJ_FORM
_MOVE = pdfium_c.FPDF_SEGMENT_MOVETO
_LINE = pdfium_c.FPDF_SEGMENT_LINETO
_BEZIER = pdfium_c.FPDF_SEGMENT_BEZIERTO
# render modes whose glyphs pdfminer also reports (it ignores the mode); clip modes are left to pdfminer
_RENDER_MODES = {
    pdfium_c.FPDF_TEXTRENDERMODE_FILL, pdfium_c.FPDF_TEXTRENDERMODE_STROKE,
    pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE,
}


_GENERATED = (0x20, 0x0D, 0x0A)
# the text object of a char as a plain address (the wrapped pointer type costs a cast per char)
_text_object_of = ctypes.CFUNCTYPE(ctypes.c_void_p, pdfium_c.FPDF_TEXTPAGE, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)


class _Unmirrored(Exception):
    """The page has something this module does not reproduce exactly: pdfminer reads it."""


def page_objects(ppage, fpage) -> dict | None:
    """pdfplumber's `objects` for one page (chars, lines, rects, curves), or None to let pdfminer read it.

    ppage is the pdfplumber page (its boxes, numbering and fonts), fpage the same page opened in PDFium.
    """
    if ppage.rotation or ppage.mediabox[:2] != (0, 0) or ppage.bbox != ppage.mediabox:
        return None
    try:
        fonts = _fonts(ppage)
        paths, text_objects = _paths(ppage, fpage)  # text_objects: address -> place in the content stream
        chars = _chars(ppage, fpage, fonts, text_objects)
    except _Unmirrored:
        return None
    objects: dict[str, list] = {}
    if chars:
        objects["char"] = chars
    for obj in paths:
        objects.setdefault(obj["object_type"], []).append(obj)
    return objects


# --- fonts -------------------------------------------------------------------------------------------


def _fonts(ppage) -> dict[bytes, tuple | None]:
    """Base font name -> (pdfminer's fontname, descent per unit of size) for the fonts of the page.

    pdfminer places a glyph box by the font descriptor's Descent (PDFium uses the
    font program's metrics), so the descent is taken from pdfminer's own font
    object. A name that two different fonts share maps to None.
    """
    resources = resolve1(ppage.page_obj.resources) or {}
    specs = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
    out: dict[bytes, tuple | None] = {}
    if not isinstance(specs, dict):
        return out
    rsrcmgr = ppage.pdf.rsrcmgr
    for spec in specs.values():
        objid = spec.objid if isinstance(spec, PDFObjRef) else None
        try:
            spec = dict_value(spec)
            font = rsrcmgr.get_font(objid, spec)
        except ReadError:
            raise  # a budget hit inside the font (a Flate bomb): the file's error, not this page's
        except Exception as e:  # pdfminer itself would fail or warn on this font: let it
            raise _Unmirrored from e
        if isinstance(font, PDFType3Font) or font.is_vertical():
            info = None  # glyph boxes from a FontMatrix or vertical metrics: not mirrored
        else:
            name = font.fontname
            if isinstance(name, bytes):
                raise _Unmirrored
            info = (name, font.get_descent())
        for key in _base_names(spec, font):
            if key in out and out[key] != info:
                out[key] = None
            else:
                out[key] = info
    return out


def _base_names(spec: dict, font) -> list[bytes]:
    names = []
    for raw in (spec.get("BaseFont"), getattr(font, "basefont", None)):
        raw = resolve1(raw)
        if isinstance(raw, PSLiteral):
            raw = raw.name
        if isinstance(raw, str):
            raw = raw.encode("latin-1", "replace")
        if isinstance(raw, bytes):
            names.append(raw)
    if isinstance(font, PDFCIDFont):  # PDFium names a Type0 font by its descendant's base font
        for d in resolve1(spec.get("DescendantFonts")) or []:
            raw = resolve1(resolve1(d).get("BaseFont")) if isinstance(resolve1(d), dict) else None
            if isinstance(raw, PSLiteral):
                names.append(raw.name.encode("latin-1", "replace") if isinstance(raw.name, str) else raw.name)
    return names


def _font_name(textobj) -> bytes:
    font = pdfium_c.FPDFTextObj_GetFont(textobj)
    if not font:
        raise _Unmirrored
    n = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buf = ctypes.create_string_buffer(n)
    pdfium_c.FPDFFont_GetBaseFontName(font, buf, n)
    return buf.value


# --- chars -------------------------------------------------------------------------------------------


def _chars(ppage, fpage, fonts: dict, text_objects: dict) -> list[dict]:
    textpage = pdfium_c.FPDFText_LoadPage(fpage)
    if not textpage:
        raise _Unmirrored
    try:
        return _read_chars(ppage, textpage, fonts, text_objects)
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)


def _read_chars(ppage, tp, fonts: dict, text_objects: dict) -> list[dict]:
    """The page's glyphs in pdfminer's terms; _Unmirrored where PDFium's text page may have changed them.

    PDFium's text page is built for reading, not for geometry: it adds spaces and
    line breaks (flagged as generated: dropped here), folds a run of spaces into
    one, drops a glyph printed again over itself, reorders objects on a line
    (put back here in content-stream order), splits ligatures and substitutes
    marked-content ActualText. pdfminer keeps
    every glyph as drawn. Each of these leaves a trace that is checked: a text
    object whose first glyph is missing, a gap after a space, two characters at
    one origin, a control character, a text object with no glyphs at all.
    """
    height = ppage.height
    doctop0 = ppage.initial_doctop
    pno = ppage.page_number
    n = pdfium_c.FPDFText_CountChars(tp)
    x, y = ctypes.c_double(), ctypes.c_double()
    width = ctypes.c_float()
    m = pdfium_c.FS_MATRIX()
    is_generated = pdfium_c.FPDFText_IsGenerated
    unicode_of = pdfium_c.FPDFText_GetUnicode
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    origin_of = pdfium_c.FPDFText_GetCharOrigin
    glyph_width = pdfium_c.FPDFFont_GetGlyphWidth
    xp, yp, wp, mp = ctypes.byref(x), ctypes.byref(y), ctypes.byref(width), ctypes.byref(m)
    out: list[dict] = []
    seen_objects = set()
    key = None
    a = d = fontsize = dr = 0.0
    fontname = ""
    font = None
    widths: dict = {}
    width_cache: dict = {}
    order: list[int] = []  # each char's text object's place in the content stream
    in_order = True
    last_place = -1
    expect = None  # where the next glyph of the current object must start, when a space (or a generated one) went before
    last = None
    for i in range(n):
        u = unicode_of(tp, i)
        if u in _GENERATED and is_generated(tp, i):  # PDFium adds only spaces and line breaks
            if not origin_of(tp, i, xp, yp):
                raise _Unmirrored
            expect = (x.value, y.value)  # a space PDFium added stands where the next glyph starts
            continue
        if u < 0x20 or 0xD800 <= u < 0xE000 or _rtl_or_ligature(u) or map_error(tp, i):
            raise _Unmirrored  # pdfminer would give '(cid:…)', keep the ligature whole, or PDFium joined a hyphen
        addr = _text_object_of(tp, i)
        if not origin_of(tp, i, xp, yp):
            raise _Unmirrored
        e, f = x.value, y.value
        if addr != key:
            key = addr
            if not addr or addr in seen_objects or addr not in text_objects:
                raise _Unmirrored
            seen_objects.add(addr)
            place = text_objects[addr]
            in_order = in_order and place > last_place
            last_place = place
            obj = ctypes.cast(addr, pdfium_c.FPDF_PAGEOBJECT)
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) not in _RENDER_MODES or _has_actual_text(obj):
                raise _Unmirrored
            info = fonts.get(_font_name(obj))
            if info is None:
                raise _Unmirrored
            fontname, descent = info
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            size = ctypes.c_float()
            if not pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)) or size.value <= 0:
                raise _Unmirrored
            fontsize = size.value
            if not pdfium_c.FPDFText_GetMatrix(tp, i, mp):
                raise _Unmirrored
            a, b, c, d = m.a, m.b, m.c, m.d
            if b != 0 or c != 0 or a <= 0 or d <= 0:
                raise _Unmirrored  # rotated, skewed or mirrored text
            if not (_near(e, m.e) and _near(f, m.f)):
                raise _Unmirrored  # the object's first glyph is not its first character: something was dropped
            dr = descent * fontsize
            widths = width_cache.setdefault((ctypes.cast(font, ctypes.c_void_p).value, fontsize, a), {})
            last = None
        else:
            if expect is not None and not (_near(e, expect[0]) and _near(f, expect[1])):
                raise _Unmirrored  # room for a space PDFium folded away (or char/word spacing)
            if last == (e, f):
                raise _Unmirrored  # one glyph giving several characters: pdfminer keeps it whole
        last = (e, f)
        # the advance from the font's widths (/W, /Widths), as pdfminer takes it
        w = widths.get(u)
        if w is None:
            if not glyph_width(font, u, fontsize, wp):
                raise _Unmirrored
            w = widths[u] = a * width.value
        x1 = w + e
        expect = (x1, f) if u == 0x20 else None
        y0 = d * dr + f
        y1 = d * (dr + fontsize) + f
        top = height - y1
        h = y1 - y0
        out.append({
            "matrix": (a, 0.0, 0.0, d, e, f), "fontname": fontname, "adv": w / a, "upright": True,
            "x0": e, "y0": y0, "x1": x1, "y1": y1, "width": w, "height": h, "size": h,
            "mcid": None, "tag": None, "object_type": "char", "page_number": pno, "text": chr(u),
            "top": top, "bottom": height - y0, "doctop": doctop0 + top,
        })
        order.append(last_place)
    if len(seen_objects) != len(text_objects):
        raise _Unmirrored  # PDFium left a text object out (a copy printed over itself, an empty one)
    if not in_order:  # pdfminer lists glyphs as drawn; PDFium sorted a line's objects left to right
        out = [c for _, c in sorted(zip(order, out), key=lambda pair: pair[0])]
    return out


_TOL = 0.01  # points: PDFium computes positions in single precision


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL


def _rtl_or_ligature(u: int) -> bool:
    # right-to-left scripts are reordered and mirrored by PDFium; U+FB00-FB06 ligatures are split
    return 0x0590 <= u <= 0x08FF or 0xFB00 <= u <= 0xFDFF or 0xFE70 <= u <= 0xFEFF or 0x10800 <= u <= 0x10FFF


def _has_actual_text(obj) -> bool:
    """A marked-content ActualText around the object: PDFium reads that text instead of the glyphs."""
    for k in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, k)
        if mark and pdfium_c.FPDFPageObjMark_GetParamValueType(mark, b"ActualText") != pdfium_c.FPDF_OBJECT_UNKNOWN:
            return True
    return False


# --- paths -------------------------------------------------------------------------------------------


def _paths(ppage, fpage) -> tuple[list[dict], dict]:
    """Lines, rects and curves as pdfminer classifies painted paths, and the text objects' places."""
    out: list[dict] = []
    texts: dict[int, int] = {}
    m = pdfium_c.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    for k in range(pdfium_c.FPDFPage_CountObjects(fpage)):
        obj = pdfium_c.FPDFPage_GetObject(fpage, k)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == _TEXT:
            texts[ctypes.cast(obj, ctypes.c_void_p).value] = k
            continue
        if kind == _FORM:
            raise _Unmirrored  # a form's contents sit under its own matrix and resources
        if kind != _PATH:
            continue
        if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
            raise _Unmirrored
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
            raise _Unmirrored
        ctm = (m.a, m.b, m.c, m.d, m.e, m.f)
        segments = []
        for s in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
            if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(fx), ctypes.byref(fy)):
                raise _Unmirrored
            segments.append((pdfium_c.FPDFPathSegment_GetType(seg), fx.value, fy.value,
                             bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
        if fill_mode.value == pdfium_c.FPDF_FILLMODE_NONE and not stroke.value:
            continue  # 'n': a clipping path, never painted
        info = {
            "linewidth": None, "stroke": bool(stroke.value), "fill": fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE,
            "evenodd": fill_mode.value == pdfium_c.FPDF_FILLMODE_ALTERNATE,
        }
        for sub in _subpaths(segments):
            obj_dict = _paint(sub, ctm, ppage, info)
            if obj_dict is not None:
                out.append(obj_dict)
    return out, texts


def _subpaths(segments):
    """PDFium's segments as pdfminer's path operations ('m', 'l', 'c', 'h' with points), one list a subpath."""
    subs, cur = [], []
    i = 0
    while i < len(segments):
        kind, x, y, close = segments[i]
        if kind == _MOVE:
            if cur:
                subs.append(cur)
            cur = [("m", x, y)]
            i += 1
        elif kind == _LINE:
            cur.append(("l", x, y))
            i += 1
        elif kind == _BEZIER:
            if i + 2 >= len(segments):
                raise _Unmirrored
            (_, x1, y1, _), (_, x2, y2, _), (_, x3, y3, close) = segments[i:i + 3]
            cur.append(("c", x1, y1, x2, y2, x3, y3))
            i += 3
        else:
            raise _Unmirrored
        if close:
            cur.append(("h",))
    if cur:
        subs.append(cur)
    return subs


def _pt(ctm, x, y):
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def _paint(path, ctm, ppage, info) -> dict | None:
    """One subpath as pdfminer's paint_path makes it: a line, a rect or a curve (converter.py)."""
    shape = "".join(op[0] for op in path)
    if shape[:1] != "m" or len(path) < 2:
        return None
    raw = [op[-2:] if op[0] != "h" else path[0][-2:] for op in path]
    pts = [_pt(ctm, x, y) for x, y in raw]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        return _curve("line", pts[:2], ppage, info)
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        closed = pts[0] == pts[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            (rx0, ry0), (rx1, ry1) = pts[0], pts[2]
            return _curve("rect", [(rx0, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1)], ppage, info)
    return _curve("curve", pts, ppage, info)


def _curve(kind: str, pts, ppage, info) -> dict:
    x0, y0 = min(p[0] for p in pts), min(p[1] for p in pts)
    x1, y1 = max(p[0] for p in pts), max(p[1] for p in pts)
    height = ppage.height
    top = height - y1
    return {
        **info, "object_type": kind, "page_number": ppage.page_number,
        "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": y1 - y0,
        "pts": [(x, height - y) for x, y in pts],
        "top": top, "bottom": height - y0, "doctop": ppage.initial_doctop + top,
    }
