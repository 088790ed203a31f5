"""pdfplumber's table finder and cell text, with the same results at a fraction of the cost.

`find_tables` runs pdfplumber's own steps (edges, intersections, cells, tables)
but finds the cells with each intersection's edges turned into a set once and
the points below and to the right of a point looked up by index: pdfplumber
rebuilds both sets for every pair it tests. `cell_text` is
`pdfplumber.utils.extract_text` with its default settings, for upright text,
without the per-call setup that dominates for the few characters of a cell.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from operator import itemgetter

from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.utils import cluster_objects, extract_text, obj_to_bbox
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE, LIGATURES


def find_tables(page, settings: dict) -> list[Table]:
    """page.find_tables(settings), the cells found by `_cells`."""
    finder = TableFinder.__new__(TableFinder)  # its steps, with the slow one replaced
    finder.page = page
    finder.settings = TableSettings.resolve(settings)
    edges = finder.get_edges()
    s = finder.settings
    intersections = edges_to_intersections(edges, s.intersection_x_tolerance, s.intersection_y_tolerance)
    return [Table(page, group) for group in cells_to_tables(_cells(intersections))]


def _cells(intersections: dict) -> list[tuple]:
    """pdfplumber.table.intersections_to_cells: for each point (sorted), the smallest cell it is the
    top-left corner of, trying the points below it, then those to its right, in order."""
    v_sets = {p: {obj_to_bbox(e) for e in d["v"]} for p, d in intersections.items()}
    h_sets = {p: {obj_to_bbox(e) for e in d["h"]} for p, d in intersections.items()}

    def connects(p1, p2) -> bool:
        if p1[0] == p2[0] and not v_sets[p1].isdisjoint(v_sets[p2]):
            return True
        return p1[1] == p2[1] and not h_sets[p1].isdisjoint(h_sets[p2])

    points = sorted(intersections)
    same_x: dict = defaultdict(list)  # positions in `points`, ascending
    same_y: dict = defaultdict(list)
    for i, p in enumerate(points):
        same_x[p[0]].append(i)
        same_y[p[1]].append(i)
    cells = []
    for i, pt in enumerate(points[:-1]):
        col, row = same_x[pt[0]], same_y[pt[1]]
        below = [points[j] for j in col[bisect_right(col, i):]]
        right = [points[j] for j in row[bisect_right(row, i):]]
        cell = _smallest(pt, below, right, intersections, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(pt, below, right, intersections, connects):
    for below_pt in below:
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            if not connects(pt, right_pt):
                continue
            bottom_right = (right_pt[0], below_pt[1])
            if bottom_right in intersections and connects(bottom_right, right_pt) and connects(bottom_right, below_pt):
                return (pt[0], pt[1], bottom_right[0], bottom_right[1])
    return None


_TOP = itemgetter("top")
_X0 = itemgetter("x0")
_X_TOL, _Y_TOL = DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE


def cell_text(chars: list[dict]) -> str:
    """extract_text(chars) with pdfplumber's defaults: lines by `top`, words split at blanks and gaps."""
    if not chars:
        return ""
    if not all(c["upright"] for c in chars):
        return extract_text(chars)
    tops = [c["top"] for c in chars]
    # tops spanning no more than the tolerance make one cluster (pdfplumber chains the gaps between them)
    lines = [chars] if max(tops) - min(tops) <= _Y_TOL else cluster_objects(chars, _TOP, _Y_TOL)
    words = []  # (top, text)
    for line in lines:
        word: list[dict] = []
        for c in sorted(line, key=_X0):
            t = c["text"]
            if t.isspace():
                if word:
                    words.append(_word(word))
                word = []
            elif t == "":  # pdfplumber splits at '' (`'' in ''`): a word of its own
                if word:
                    words.append(_word(word))
                words.append(_word([c]))
                word = []
            elif word and _new_word(word[-1], c):
                words.append(_word(word))
                word = [c]
            else:
                word.append(c)
        if word:
            words.append(_word(word))
    word_tops = [w[0] for w in words]
    if not words or max(word_tops) - min(word_tops) <= _Y_TOL:  # one line of words, as above
        return " ".join(w[1] for w in words)
    return "\n".join(" ".join(w[1] for w in line) for line in cluster_objects(words, itemgetter(0), _Y_TOL))


def _new_word(prev: dict, c: dict) -> bool:
    return c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + _X_TOL or abs(c["top"] - prev["top"]) > _Y_TOL


def _word(chars: list[dict]) -> tuple[float, str]:
    return min(c["top"] for c in chars), "".join(LIGATURES.get(c["text"], c["text"]) for c in chars)
