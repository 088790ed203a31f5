"""Damage a generated filing's text the way real web copies are damaged, and keep its truth correct.

A round trip through our own writer proves the readers, not the parser's
generality: the writer prints the parser's own wording in clean columns. This
module takes the text rendering of one generated filing (etl.write.text_writer) and its
truth (a label, as in tests/data/real/LABELS.md) and applies named damages, each
registered in DAMAGES:

    text2, truth2 = damage(text, truth, ["glue_cells", "traditional"], random.Random(7))

The text is split into lines of cells once; every damage is a pure function of
that model and a seeded random.Random (same seed, same bytes), and damages are
always applied in the registry's order, so a combination is well defined.

Truth. Most damages change only how the filing looks, so the truth stays as it
is (a perfect reader joins wrapped cells, ignores chrome and glosses, strips
`指标N：` prefixes, skips placeholder rows). Three change what a perfect reader
extracts, and adjust the truth:

- ocr_confusions: a string value it changes is expected as printed (the label
  convention); a number it changes (分值, 得分) can no longer be known and is
  listed in the row's `_skip` (not counted by etl.eval.score).
- traditional: strings are stored as printed (the contract), so expected
  strings are converted to traditional as the text is.
- truncation: the row cut mid-value and every row after it are not expected,
  nor the 总分 row; the truth says `truncated: true`. Reports (prose, no table) are left whole:
  which stated figure a cut would lose is not known per paragraph.
Words used (synonyms, chrome, OCR confusions, glosses, a document-sharing site's lines) are data in
damage.toml.

The damages that real copies of dev3 showed (issue 17) reproduce a document-sharing site's run-on
DOCX/XLSX text (glue_wrapped: cells glued, a wrapped cell leaving a space inside a word; glue_levels:
a level wrapped before 指标 and run into the name; page_markers: one run a page, '2、' where the page
broke), header words broken by spaces (spaced_headers), text layers that scramble a row's cells
(scramble_cells) or print a block of names before their values (name_block), and OCR's operators and
look-alike characters (ocr_confusions, from damage.toml; form keys too), specks read as characters after a value
(ocr_specks: the truth drops them), five-character labels read down a narrow cell's columns
(column_read_labels) and 二级 labels printed with their points (level2_points). Which real files show which class, and the
real score beside the generated one: tests/data/real/damage_classes.toml, bench/damage_bench.py --classes.
"""
from __future__ import annotations

import copy
import random
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import opencc

from etl.eval.score import SKIP_KEY
from etl.lexicon import lexicon
from etl.parse.meta import key_words

# the indicator table header as our writer prints it (etl.write.blocks.py) -> field of that column
WRITER_HEADER = {
    "绩效指标": "label", "一级指标": "level1", "二级指标": "level2", "三级指标": "name",
    "年度指标值": "target", "指标值": "target", "实际完成值": "actual", "分值": "weight", "得分": "score",
    "偏差原因分析及改进措施": "reason", "绩效指标描述": "description", "指标值确定依据": "basis",
}
STRING_FIELDS = ("name", "target", "actual", "reason")
NUMBER_FIELDS = ("weight", "score")
TABLE_KINDS = ("table", "header", "row", "cont", "total")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def words() -> dict:
    with open(Path(__file__).with_name("damage.toml"), "rb") as fh:
        return tomllib.load(fh)


# ---------------------------------------------------------------- the text model


@dataclass
class Cell:
    text: str
    field: str | None = None  # the indicator column it stands in (level1, name, target, ...), else None


@dataclass
class Line:
    cells: list[Cell]
    kind: str  # title, text, blank, table, header, row, cont, vert, total, chrome, cut
    row: int | None = None  # printed indicator row it belongs to (row, cont, vert lines)
    sep: str = "\t"
    wrap: bool = False  # the continuation line of cells wrapped in their columns (wrap_cells)
    run_on: bool = False  # printed on the line before it, after a space (one_line)

    def text(self) -> str:
        return self.sep.join(c.text for c in self.cells)


@dataclass
class Sheet:
    lines: list[Line]
    truth: dict  # label-shaped; truth["indicators"] holds the real rows only
    printed: list[dict | None] = field(default_factory=list)  # per printed row: its truth row, None = placeholder

    def render(self) -> str:
        out: list[str] = []
        for line in self.lines:
            if line.run_on and out:
                out[-1] = (out[-1] + " " + line.text().strip()).rstrip()
            else:
                out.append(line.text())
        return "\n".join(out).rstrip("\n") + "\n"

    def header(self) -> Line | None:
        return next((ln for ln in self.lines if ln.kind == "header"), None)


def parse_text(text: str, truth: dict) -> Sheet:
    """The writer's text as lines of cells, each indicator row tied to its truth row.

    truth["indicators"] lists every printed row in order; placeholder rows (printed,
    not real indicators) carry "_placeholder": true and leave the truth here.
    """
    truth = copy.deepcopy(truth)
    rows = truth.get("indicators", [])
    raw = text.rstrip("\n").split("\n")
    lines: list[Line] = []
    cols: list[str | None] = []
    in_rows = False
    k = 0
    for t in raw:
        if "\t" not in t:
            in_rows = False
            kind = "blank" if not t.strip() else ("title" if not any(ln.kind == "title" for ln in lines) else "text")
            lines.append(Line([Cell(t)], kind))
            continue
        cells = t.split("\t")
        if not cols and "三级指标" in cells:
            cols = [WRITER_HEADER.get(c) for c in cells]
            lines.append(Line([Cell(c, f) for c, f in zip(cells, cols)], "header"))
            in_rows = True
        elif in_rows and cells[0] != "总分":
            lines.append(Line([Cell(c, cols[j] if j < len(cols) else None) for j, c in enumerate(cells)], "row", row=k))
            k += 1
        else:
            in_rows = False
            lines.append(Line([Cell(c) for c in cells], "total" if cells[0] == "总分" else "table"))
    if k != len(rows):
        raise ValueError(f"the text prints {k} indicator rows, the truth has {len(rows)}")
    printed = [None if r.get("_placeholder") else r for r in rows]
    truth["indicators"] = [r for r in rows if not r.get("_placeholder")]
    for r in rows:
        r.pop("_placeholder", None)
    return Sheet(lines, truth, printed)


def label_of(t: dict, file: str = "") -> dict:
    """A generated filing's manifest truth (etl.sample.generate) as a label the scorer reads."""
    target_kind = t["doc_kind"].endswith("target")
    budget = {
        "initial": t.get("budget_initial"),
        # the contract stores a target table's 预算数 as its full-year budget too
        "adjusted": t.get("budget_initial") if target_kind and t.get("budget_adjusted") is None else t.get("budget_adjusted"),
        "executed": t.get("budget_executed"),
        "exec_rate": t.get("exec_rate_reported"),
        "exec_weight": t.get("exec_weight"),
        "exec_score": t.get("exec_score"),
    }
    rows = []
    for r in t.get("indicators", []):
        row = {k: r.get(k) for k in ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")}
        if r.get("skip"):
            row["_placeholder"] = True
        rows.append(row)
    return {
        "file": file, "doc_kind": t["doc_kind"], "truncated": False,
        "region": {"province": t.get("province"), "city": t.get("city"), "county": t.get("county")},
        "department": t.get("department"), "unit": t.get("unit"), "project": t.get("project"), "year": t.get("year"),
        "budget": budget, "total_weight": t.get("total_weight"), "total_score": t.get("total_score"),
        "indicators": rows,
    }


# ---------------------------------------------------------------- the registry

DAMAGES: dict[str, Callable[[Sheet, random.Random], Sheet]] = {}


def damage_type(fn: Callable[[Sheet, random.Random], Sheet]):
    """Register a damage under its function name; it works on its own copy, so it is pure."""

    def pure(sheet: Sheet, rng: random.Random) -> Sheet:
        return fn(copy.deepcopy(sheet), rng)

    pure.__name__ = pure.__qualname__ = fn.__name__
    pure.__doc__ = fn.__doc__
    DAMAGES[fn.__name__] = pure
    return pure


def damage(text: str, truth: dict, names: Iterable[str], rng: random.Random) -> tuple[str, dict]:
    """Apply the named damages (in registry order) to a filing's text; returns (text, truth)."""
    names = set(names) - {"none"}
    unknown = names - set(DAMAGES)
    if unknown:
        raise ValueError(f"unknown damage {sorted(unknown)}; known: {', '.join(DAMAGES)}")
    sheet = parse_text(text, truth)
    for name, fn in DAMAGES.items():
        if name in names:
            sheet = fn(sheet, rng)
    return sheet.render(), sheet.truth


def _rows(sheet: Sheet, kinds=("row",)) -> list[Line]:
    return [ln for ln in sheet.lines if ln.kind in kinds]


def _cell(line: Line, fld: str) -> Cell | None:
    return next((c for c in line.cells if c.field == fld), None)


# Order matters and is the order of definition: damages that need the columns come before
# those that destroy them (drop, glue), text-wide ones after, truncation next to last, and last the
# document-sharing site's run-on pages (page_markers), which flatten whatever the others left.


@damage_type
def qualitative_values(sheet: Sheet, rng: random.Random) -> Sheet:
    """A third of the rows' 指标值 and 实际完成值 worded as text with no figure (`按规定公开` / `已公开`,
    damage.toml [qualitative]): real copies hold many (a sixth of the labelled targets), the generator
    few, and glued into one run such a pair has no digit to cut at. The truth takes the new strings."""
    pairs = words()["qualitative"]["pairs"]
    eligible = [ln for ln in _rows(sheet) if (c := _cell(ln, "target")) is not None and c.text
                and ln.row is not None and sheet.printed[ln.row] is not None]
    picked = [ln for ln in eligible if rng.random() < 0.33] or eligible[:1]  # one row at least
    for line in picked:
        target, actual = _cell(line, "target"), _cell(line, "actual")
        want = sheet.printed[line.row]
        t, a = rng.choice(pairs)
        n = rng.randint(2, 400)
        target.text = want["target"] = t.format(n=n)
        if actual is not None and actual.text:
            actual.text = want["actual"] = a.format(n=n)
    return sheet


@damage_type
def column_read_labels(sheet: Sheet, rng: random.Random) -> Sheet:
    """Four- and five-character labels of a narrow merged cell, printed two characters a line ('产出' over '指标'),
    read column by column, right column first: '出标产指', '意指满度标' for 满意度指标 (OCR'd and
    document-sharing copies show it on level labels and header words). Half of the 一级 labels, a third of the
    four-character header cells; the truth keeps
    the labels as written (the label convention joins a cell's broken lines)."""
    def words_of(t: str) -> int:  # the label's characters before its score part
        k = 0
        while k < len(t) and _CJK_CHAR.match(t[k]):
            k += 1
        return k

    def column_read(t: str) -> str:  # right column then left; a level's score part stays after them
        k = words_of(t)
        return t[1:k:2] + t[0:k:2] + t[k:]

    def fits(t: str, most: int) -> bool:
        # a five-character label breaks over three lines ('满意' / '度指' / '标'): read '意指满度标'
        return 4 <= words_of(t) <= most and (len(t) == words_of(t) or t[words_of(t)] in "(（")

    levels = [c for ln in sheet.lines if ln.kind == "row" for c in ln.cells if c.field == "level1" and fits(c.text, 5)]
    heads = [c for ln in sheet.lines if ln.kind == "header" for c in ln.cells if len(c.text) == 4 and fits(c.text, 4)]
    picked = [c for c in levels if rng.random() < 0.5] + [c for c in heads if rng.random() < 0.33]
    for c in picked or (levels + heads)[:1]:  # one label at least
        c.text = column_read(c.text)
    return sheet


@damage_type
def level2_points(sheet: Sheet, rng: random.Random) -> Sheet:
    """The 二级 labels printed with their points too, where the 一级 labels print theirs ('数量指标(10分)' under
    '产出指标(30分)'), as older provincial templates do: the points are the sum of the group's 分值. The truth keeps
    the labels without them (the label convention)."""
    rows = _rows(sheet)
    if not any("分)" in c.text for ln in rows for c in ln.cells if c.field == "level1"):
        return sheet
    start: Cell | None = None
    total = 0.0

    def close():
        if start is not None and total > 0:
            start.text += f"({total:g}分)"

    for line in rows:
        l1, l2, w = _cell(line, "level1"), _cell(line, "level2"), _cell(line, "weight")
        if (l2 is not None and l2.text) or (l1 is not None and l1.text):
            close()
            start, total = (l2 if l2 is not None and l2.text else None), 0.0
        try:
            total += float(w.text) if w is not None and w.text else 0.0
        except ValueError:
            pass
    close()
    return sheet


@damage_type
def ocr_confusions(sheet: Sheet, rng: random.Random) -> Sheet:
    """0/O, 1/l/I, 项/顼, ≥ read as 2 or ^ … in indicator cells and fixed labels.

    A changed string value is expected as printed; a changed 分值 / 得分 is not expected.
    Meta values and amounts are left alone (their truth could not be stated per cell).
    """
    table = words()["ocr"]
    labels = set(words()["header_synonyms"]) | set(WRITER_HEADER)
    keys = _key_labels()

    def confuse(s: str, only: str | None = None, same_length: bool = False) -> str:
        return "".join(rng.choice([r for r in table[ch] if len(r) == 1 or not same_length] or [ch])
                       if ch in table and (only is None or ch == only) and rng.random() < 0.35
                       else ch for ch in s)

    for line in sheet.lines:
        if line.kind == "row":
            want = sheet.printed[line.row] if line.row is not None else None
            for c in line.cells:
                if c.field not in STRING_FIELDS + NUMBER_FIELDS or not c.text:
                    continue
                new = confuse(c.text)
                if new == c.text:
                    continue
                c.text = new
                if want is None:
                    continue
                if c.field in STRING_FIELDS:
                    want[c.field] = new
                else:
                    want.setdefault(SKIP_KEY, []).append(c.field)
        elif line.kind in ("header", "table", "total"):
            for c in line.cells:
                if c.text in labels or c.text.startswith(("项目资金（", "预算资金（", "年度预算申请（")):
                    c.text = confuse(c.text)
                elif c.text in keys:
                    # a form's key labels too ('实施第位' for 实施单位, '顼目名称'): the values stay as printed. Only
                    # readings of one character each (no 'Fl' for 目): the real copies show those in keys
                    c.text = confuse(c.text, same_length=True)
        elif line.kind == "title":  # only 项 -> 顼: digits there carry the year
            line.cells = [Cell(confuse(c.text, only="项"), c.field) for c in line.cells]
    return sheet


@lru_cache(maxsize=1)
def _key_labels() -> frozenset[str]:
    """The lexicon's key labels of a filing's form (项目名称, 主管部门, 实施单位 …)."""
    return frozenset(w for _, pat in lexicon().keys for w in key_words(pat.pattern))


@damage_type
def ocr_specks(sheet: Sheet, rng: random.Random) -> Sheet:
    """A speck, a checkbox's stroke or a cell border read as a character or two after a 指标值 or 实际完成值
    (damage.toml [ocr_specks]: '提高1%X体检率…'), in a sixth of the rows or so. The truth stays: a perfect reader
    drops a mark between two cells, as it drops a mirror's noise (LABELS.md)."""
    marks = words()["ocr_specks"]["marks"]
    cells = [c for line in _rows(sheet) for c in line.cells if c.field in ("target", "actual") and c.text]
    picked = [c for c in cells if rng.random() < 0.09] or cells[:1]  # one cell at least
    for c in picked:
        c.text += rng.choice(marks)
    return sheet


@damage_type
def indicator_prefixes(sheet: Sheet, rng: random.Random) -> Sheet:
    """`指标1：` before every indicator name, numbered within its 二级 group, and empty placeholder rows."""
    style = rng.choice(["指标{n}：", "指标{n}:", "指标{n}"])  # '指标1工程完工率': no colon at all
    header = sheet.header()
    if header is None:
        return sheet
    n = 0
    group_ends: list[tuple[int, int]] = []  # (line index of a group's last row, its count)
    rows = [i for i, ln in enumerate(sheet.lines) if ln.kind == "row"]
    for pos, i in enumerate(rows):
        line = sheet.lines[i]
        l1, l2, name = _cell(line, "level1"), _cell(line, "level2"), _cell(line, "name")
        if (l2 and l2.text) or (l1 and l1.text):
            n = 0
        n += 1
        if name is not None and name.text and not name.text.startswith("指标"):
            name.text = style.format(n=n) + name.text
        nxt = sheet.lines[rows[pos + 1]] if pos + 1 < len(rows) else None
        if nxt is None or any(c.text for c in nxt.cells if c.field in ("level1", "level2")):
            group_ends.append((i, n))
    picks = rng.sample(group_ends, k=min(len(group_ends), rng.choice([1, 2])))
    for i, n in sorted(picks, reverse=True):
        text = rng.choice(words()["placeholders"]["rows"]).format(n=n + 1)
        cells = [Cell(text if c.field == "name" else "", c.field) for c in header.cells]
        sheet.lines.insert(i + 1, Line(cells, "row", row=None))
    return sheet


@damage_type
def header_synonyms(sheet: Sheet, rng: random.Random) -> Sheet:
    """Column headers and key labels in other real wordings (指标分值, 权重(%), 自评得分(分), 年度实际完成值 …)."""
    syn = words()["header_synonyms"]
    changed = []
    for line in sheet.lines:
        if line.kind not in ("header", "table"):
            continue
        for c in line.cells:
            if c.text in syn and rng.random() < (0.8 if line.kind == "header" else 0.5):
                c.text = rng.choice(syn[c.text])
                changed.append(c)
    header = sheet.header()
    if header is not None and not any(c in changed for c in header.cells):
        options = [c for c in header.cells if c.text in syn]
        if options:
            c = rng.choice(options)
            c.text = rng.choice(syn[c.text])
    return sheet


def _header_labels() -> set[str]:
    syn = words()["header_synonyms"]
    return set(WRITER_HEADER) | set(syn) | {w for ws in syn.values() for w in ws}


@damage_type
def spaced_headers(sheet: Sheet, rng: random.Random) -> Sheet:
    """Header words broken by spaces, as DOCX text copied from a document-sharing site prints a narrow
    or wrapped header cell: `绩 效 指 标` (the table's side label, one character a line), `二级 指标`
    (a cell wrapped before 指标). The side label always, a third of the other header cells."""
    labels = _header_labels()
    for line in sheet.lines:
        if line.kind not in ("header", "table"):
            continue
        for c in line.cells:
            t = c.text
            if t not in labels or len(t) < 2:
                continue
            if t == "绩效指标" and line.kind == "header":
                c.text = " ".join(t)
                continue
            if rng.random() > 0.33:
                continue
            k = t.rfind("指标")
            if len(t) <= 3:
                c.text = " ".join(t)
            elif k > 0:
                c.text = t[:k] + " " + t[k:]
            else:
                k = rng.randint(2, len(t) - 1)
                c.text = t[:k] + " " + t[k:]
    return sheet


@damage_type
def reorder_columns(sheet: Sheet, rng: random.Random) -> Sheet:
    """The indicator columns after 二级指标 in another order; header and rows reordered alike."""
    header = sheet.header()
    if header is None:
        return sheet
    pos = [j for j, c in enumerate(header.cells) if c.field not in (None, "label", "level1", "level2")]
    if len(pos) < 2:
        return sheet
    perm = pos[:]
    while perm == pos:
        rng.shuffle(perm)
    for line in sheet.lines:
        if line.kind in ("header", "row") and len(line.cells) == len(header.cells):
            old = line.cells[:]
            for a, b in zip(pos, perm):
                line.cells[a] = old[b]
    return sheet


LEVEL_FIELDS = ("label", "level1", "level2")


@damage_type
def scramble_cells(sheet: Sheet, rng: random.Random) -> Sheet:
    """A row's cells out of order, as a PDF's or spreadsheet's text layer emits them, one way per table:
    the name after its values, the 分值/得分 pair before the values, or every level label held back and
    printed as a block after the rows. Target stays before actual and weight before score (a reader
    could not tell them apart otherwise). Levels printed only as a detached block are not expected
    (the label convention: a level no printed row makes certain is null)."""
    mode = rng.choice(["name_last", "scores_first", "levels_last"])
    rows = _rows(sheet)
    if not rows:
        return sheet
    held: list[str] = []
    for line in rows:
        lv = [c for c in line.cells if c.field in LEVEL_FIELDS]
        name = [c for c in line.cells if c.field == "name"]
        vals = [c for c in line.cells if c.field not in LEVEL_FIELDS and c.field != "name"]
        if mode == "name_last":
            line.cells = lv + vals + name
        elif mode == "scores_first":
            ws = [c for c in vals if c.field in ("weight", "score")]
            line.cells = lv + name + ws + [c for c in vals if c not in ws]
        else:
            for c in lv:
                if c.text and c.text not in held:
                    held.append(c.text)
                c.text = ""
    if mode == "levels_last" and held:
        last = max(i for i, ln in enumerate(sheet.lines) if ln.kind == "row")
        sep = rows[0].sep
        sheet.lines.insert(last + 1, Line([Cell(t) for t in held], "table", sep=sep))
        for r in sheet.truth.get("indicators", []):
            r["level1"] = r["level2"] = None
    return sheet


@damage_type
def name_block(sheet: Sheet, rng: random.Random) -> Sheet:
    """A run of names followed by a run of their values, as a spreadsheet's text layer prints a block of
    merged rows: `指标1：甲 指标2：乙 指标3：丙` then `甲的指标值 实际值 分值 得分` row after row. Some blocks
    of up to five rows a table; the names keep their order, so the values pair up by position.
    Where the block's rows hold the same cells and the target column stands beside the name (no explanation
    column between them), half the time each name is printed with its target instead
    (`指标1：甲 甲的指标值 指标2：乙 乙的指标值`, then the rows' other cells), and a numbered name after the first
    may be lost (its row's name is then not expected), as a real spreadsheet's layer printed
    (tests/data/real/damage_classes.toml: name_block)."""
    out: list[Line] = []
    block: list[Line] = []
    numbered = re.compile(r"^指标\s*\d")
    header = sheet.header()
    cols = [c.field for c in header.cells] if header is not None else []
    beside = "name" in cols and cols.index("name") + 1 < len(cols) and cols[cols.index("name") + 1] == "target"

    def rest(ln: Line) -> list[Cell]:
        return [c for c in ln.cells if c.field not in LEVEL_FIELDS and c.field not in ("name", "target") and c.text]

    def with_targets() -> bool:
        # (a layer prints a name with the cell beside it: only where the target column stands next to the name;
        # a table with an explanation column between them prints no name with its target)
        if not beside:
            return False
        if not all(_cell(ln, "target") is not None and _cell(ln, "target").text and _cell(ln, "name") is not None
                   and sheet.printed[ln.row] is not None for ln in block):
            return False
        counts = {len(rest(ln)) for ln in block}  # (a target table's rows hold nothing after their targets)
        return len(counts) == 1 and min(counts) > 0 and rng.random() < 0.5

    def flush():
        if len(block) >= 2 and with_targets():
            first = block[0]
            head = [c for c in first.cells if c.field in LEVEL_FIELDS]
            for j, ln in enumerate(block):
                name = _cell(ln, "name")
                if j and numbered.match(name.text) and rng.random() < 0.4:
                    sheet.printed[ln.row]["name"] = None  # the layer lost it
                else:
                    head.append(Cell(name.text, "name"))
                head.append(Cell(_cell(ln, "target").text, "target"))
            out.append(Line(head, "row", row=first.row, sep=first.sep))
            for ln in block:
                out.append(Line(rest(ln), "cont", row=ln.row, sep=ln.sep))
        elif len(block) >= 2 and rng.random() < 0.7:
            first = block[0]
            lv = [c for c in first.cells if c.field in LEVEL_FIELDS]
            names = [Cell(c.text, "name") for ln in block for c in ln.cells if c.field == "name"]
            out.append(Line(lv + names, "row", row=first.row, sep=first.sep))
            for ln in block:
                vals = [c for c in ln.cells if c.field not in LEVEL_FIELDS and c.field != "name"]
                out.append(Line(vals or [Cell("")], "cont", row=ln.row, sep=ln.sep))
        else:
            out.extend(block)
        block.clear()

    for line in sheet.lines:
        if line.kind != "row":
            flush()
            out.append(line)
            continue
        starts = any(c.text for c in line.cells if c.field in LEVEL_FIELDS)
        if starts or len(block) >= 5:
            flush()
        block.append(line)
    flush()
    sheet.lines = out
    return sheet


@damage_type
def vertical_levels(sheet: Sheet, rng: random.Random) -> Sheet:
    """一级 labels printed one character per line above their group; so are half of the 二级 labels that do
    not start a 一级 group (two vertical labels in a row would run into one column of characters)."""
    out: list[Line] = []
    for line in sheet.lines:
        if line.kind == "row":
            l1, l2 = _cell(line, "level1"), _cell(line, "level2")
            for c in (l1, l2):
                if c is None or not c.text or (c is l2 and ((l1 is not None and l1.text) or rng.random() < 0.5)):
                    continue
                out.extend(Line([Cell(ch)], "vert", row=line.row) for ch in c.text if not ch.isspace())
                c.text = ""
        out.append(line)
    sheet.lines = out
    return sheet


@damage_type
def wrap_cells(sheet: Sheet, rng: random.Random) -> Sheet:
    """Cell text wrapped at a fixed width: the rest of each long cell on continuation lines, in its column."""
    width = rng.choice([6, 8, 10])
    out: list[Line] = []
    for line in sheet.lines:
        if line.kind not in TABLE_KINDS or not any(len(c.text) > width for c in line.cells):
            out.append(line)
            continue
        chunks = [[c.text[i:i + width] for i in range(0, len(c.text), width)] or [""] for c in line.cells]
        for k in range(max(len(ch) for ch in chunks)):
            cells = [Cell(ch[k] if k < len(ch) else "", c.field) for ch, c in zip(chunks, line.cells)]
            out.append(Line(cells, line.kind if k == 0 else "cont", row=line.row, sep=line.sep, wrap=k > 0))
    sheet.lines = out
    return sheet


def _filled(line: Line) -> list[Cell]:
    """A table line's cells without its blank ones (what a copy that drops them keeps)."""
    return [c for c in line.cells if c.text.strip()] or [Cell("")]


@damage_type
def one_line(sheet: Sheet, rng: random.Random) -> Sheet:
    """Everything after the first line printed as one line, the lines run on after a space, as a
    document-sharing site shows a PDF's or spreadsheet's text layer (its file name on a line above): no line
    break is left to tell one row, or a block of names, from the next (the cells keep their separators; with
    space_cells, spaces). The layer prints a cell's wrapped lines together, a space where each broke
    ('新建供水管网 长度'): a wrapped line's continuation lines (wrap_cells) go back into its cells
    first, column by column (so this comes before space_cells, while the columns still line up)."""
    merged: list[Line] = []
    for ln in sheet.lines:
        into = merged[-1] if merged else None
        if ln.wrap and into is not None and len(into.cells) == len(ln.cells):
            for x, c in zip(into.cells, ln.cells):
                if c.text.strip():
                    x.text = (x.text + " " + c.text) if x.text else c.text
            continue
        if ln.kind != "blank" or not merged:
            merged.append(ln)
    for ln in merged[2:]:  # the first line (the copy's file name or title) stands alone; the rest is one run
        ln.run_on = True
    sheet.lines = merged
    return sheet


@damage_type
def space_cells(sheet: Sheet, rng: random.Random) -> Sheet:
    """Cells separated by runs of spaces, as a PDF's text layer copies: blank cells vanish into the spaces."""
    for line in sheet.lines:
        if line.kind in TABLE_KINDS and len(line.cells) > 1:
            line.cells = _filled(line)
            line.sep = " " * rng.choice([1, 2, 4])
    return sheet


@damage_type
def cells_per_line(sheet: Sheet, rng: random.Random) -> Sheet:
    """Every cell on a line of its own, as a web page's table copies to text; blank cells vanish."""
    out: list[Line] = []
    for line in sheet.lines:
        if line.kind in TABLE_KINDS and len(line.cells) > 1:
            out.extend(Line([c], line.kind if k == 0 else "cont", row=line.row) for k, c in enumerate(_filled(line)))
        else:
            out.append(line)
    sheet.lines = out
    return sheet


@damage_type
def pipe_cells(sheet: Sheet, rng: random.Random) -> Sheet:
    """A markdown-style copy: '| a | b |', with the blank cells of merged ranges dropped."""
    for line in sheet.lines:
        if line.kind in TABLE_KINDS and len(line.cells) > 1:
            filled = _filled(line)
            line.cells = [Cell("| " + filled[0].text, filled[0].field)] + filled[1:-1] + (
                [Cell(filled[-1].text + " |", filled[-1].field)] if len(filled) > 1 else [])
            line.sep = " | "
    return sheet


@damage_type
def drop_empty_cells(sheet: Sheet, rng: random.Random) -> Sheet:
    """Empty cells left out: a row without 实际完成值 or 偏差原因 is shorter, later cells shift left."""
    for line in sheet.lines:
        if line.kind in TABLE_KINDS and len(line.cells) > 1:
            line.cells = _filled(line)
    return sheet


def _wrap_space(text: str, width: int) -> str:
    """A cell wrapped at `width` characters, its line breaks turned into spaces by the copy."""
    return " ".join(text[i:i + width] for i in range(0, len(text), width)) if len(text) > width else text


@damage_type
def glue_levels(sheet: Sheet, rng: random.Random) -> Sheet:
    """A level label wrapped before its 指标 and run into the next cell: `质量 指标验收合格率100%`."""
    for line in sheet.lines:
        if line.kind != "row":
            continue
        cells: list[Cell] = []
        carry = ""
        for c in line.cells:
            if c.field in ("level1", "level2") and c.text:
                k = c.text.find("指标")
                carry += (c.text[:k] + " " + c.text[k:]) if k > 0 else c.text
                continue
            if carry and c.text:
                cells.append(Cell(carry + c.text, c.field))
                carry = ""
            else:
                cells.append(c)
        if carry:
            cells.append(Cell(carry))
        line.cells = cells
    return sheet


@damage_type
def glue_cells(sheet: Sheet, rng: random.Random) -> Sheet:
    """Table cells glued with no separator at all: `保障在职人员人数7人8人66`."""
    for line in sheet.lines:
        if line.kind in TABLE_KINDS:
            line.sep = ""
    return sheet


@damage_type
def glue_wrapped(sheet: Sheet, rng: random.Random) -> Sheet:
    """Cells glued with no separator, and a long cell wrapped in its narrow column leaves a space where
    its line broke: `道路养护 合格率100%100%55` (a DOCX table on a document-sharing site)."""
    width = rng.choice([4, 5, 6, 8])
    for line in sheet.lines:
        if line.kind in TABLE_KINDS:
            line.sep = ""
            for c in line.cells:
                # words wrap in their column; a figure wraps only when its cell is long; a cell that already
                # holds a wrapped level (glue_levels) is not wrapped twice
                short_value = c.field in ("target", "actual") and len(c.text) <= 8
                if _CJK_CHAR.search(c.text) and " " not in c.text and not short_value:
                    c.text = _wrap_space(c.text, width)
    return sheet


@damage_type
def page_chrome(sheet: Sheet, rng: random.Random) -> Sheet:
    """Site chrome above and below (breadcrumbs, 【字体：大 中 小】, a publication date a year or two after the
    fiscal year), page markers inside the table, and the table header repeated after a page break."""
    w = words()["chrome"]
    year = sheet.truth.get("year") or 2022
    params = {"pub_year": year + rng.choice([1, 2]), "month": rng.randint(1, 12), "day": rng.randint(1, 28),
              "county": (sheet.truth.get("region") or {}).get("county") or "", "views": rng.randint(10, 3000)}
    top = [Line([Cell(t.format(**params))], "chrome") for t in rng.sample(w["top"], k=3)]
    bottom = [Line([Cell(t.format(**params))], "chrome") for t in rng.sample(w["bottom"], k=2)]
    header = sheet.header()
    every = rng.randint(6, 12)
    marker = rng.choice(w["page"])
    body: list[Line] = []
    first_table = next((i for i, ln in enumerate(sheet.lines) if ln.kind in TABLE_KINDS), len(sheet.lines))
    page = 1
    pages = 1 + max(0, len(sheet.lines) - first_table) // every
    for i, line in enumerate(sheet.lines):
        if i > first_table and (i - first_table) % every == 0 and line.kind in ("row", "table", "total", "vert"):
            body.append(Line([Cell(marker.format(page=page, pages=pages))], "chrome"))
            page += 1
            if line.kind in ("row", "vert") and header is not None and rng.random() < 0.6:
                body.append(Line(copy.deepcopy(header.cells), "chrome", sep=header.sep))
        body.append(line)
    sheet.lines = top + body + [Line([Cell(marker.format(page=page, pages=pages))], "chrome")] + bottom
    return sheet


@damage_type
def pinyin_glosses(sheet: Sheet, rng: random.Random) -> Sheet:
    """Pinyin glosses after some characters, as document-sharing mirrors insert them: 数(shù)据(jù)."""
    gloss = words()["pinyin"]
    for line in sheet.lines:
        if line.kind == "chrome":
            continue
        for c in line.cells:
            c.text = "".join(ch + f"({gloss[ch]})" if ch in gloss and rng.random() < 0.4 else ch for ch in c.text)
    return sheet


@lru_cache(maxsize=1)
def traditional_converter():
    """Simplified -> traditional (OpenCC s2t), built once; the cell tagger's training uses it too."""
    return opencc.OpenCC("s2t")


@damage_type
def traditional(sheet: Sheet, rng: random.Random) -> Sheet:
    """The whole text in traditional characters (a mirror site's conversion).

    Strings are stored as printed (the contract), so the expected strings are converted too, cell by
    cell as the text is; numbers and doc_kind stay, and so do places: a place is the gazetteer's name (in
    simplified script, as the real labels of traditional copies give it). (s2t then t2s gives the generator's
    text back.)"""
    conv = traditional_converter()
    for line in sheet.lines:
        for c in line.cells:
            c.text = conv.convert(c.text)
    t = sheet.truth
    for key in ("department", "unit", "project"):
        if t.get(key):
            t[key] = conv.convert(t[key])
    for row in t.get("indicators", []):
        for key in ("level1", "level2", "name", "target", "actual", "reason"):
            if row.get(key):
                row[key] = conv.convert(row[key])
    return sheet


@damage_type
def truncation(sheet: Sheet, rng: random.Random) -> Sheet:
    """The copy stops in the middle of an indicator row: that row, the rows after it and 总分 are not expected."""
    cands = [i for i, ln in enumerate(sheet.lines) if ln.kind in ("row", "cont", "vert") and ln.text().strip("\t ")]
    if not cands:
        return sheet
    i = rng.choice(cands)
    text = sheet.lines[i].text().rstrip("\t ")
    cut = rng.randint(1, max(1, len(text) - 1))
    lost = min((ln.row for ln in sheet.lines[i:] if ln.row is not None), default=len(sheet.printed))
    keep = [r for r in sheet.printed[:lost] if r is not None]
    sheet.lines = sheet.lines[:i] + [Line([Cell(text[:cut])], "cut", run_on=sheet.lines[i].run_on)]
    sheet.truth["indicators"] = keep
    sheet.printed = sheet.printed[:lost]
    sheet.truth.update(truncated=True, total_weight=None, total_score=None)
    return sheet


@damage_type
def page_markers(sheet: Sheet, rng: random.Random) -> Sheet:
    """A document-sharing site's run-on text: everything from the title on printed as one run per page,
    each page on a line of its own starting with its number (`2、`), so a page break falls anywhere,
    mid-row and mid-cell; the site's own line on top."""
    w = words()["docshare"]
    body = [ln for ln in sheet.lines if ln.kind not in ("blank",)]
    if not body:
        return sheet
    run = "".join(ln.text() for ln in body)
    title = (body[0].text() if body[0].kind == "title" else "绩效自评表").strip()
    size = rng.randint(250, 500)
    pages = [run[i:i + size] for i in range(0, len(run), size)]
    top = rng.choice(w["preamble"]).format(title=title, pages=len(pages))
    sheet.lines = [Line([Cell(top)], "chrome")] + [
        Line([Cell(w["marker"].format(page=k + 1) + p)], "page") for k, p in enumerate(pages)]
    return sheet
