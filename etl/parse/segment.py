"""Cut a document into filings: each starts at a title row (…绩效自评表, …绩效目标表, …自评报告).

A web copy often prints the title twice (page title, then the table's own
title), so a title only opens a new filing once the open one holds
something of its own (a table, a key field, or a few paragraphs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.lexicon import lexicon
from etl.parse.meta import key_in_cell, looks_like_org, meta_key, read_meta
from etl.parse.flat_wraps import rest_follows
from etl.parse.wrapped import SETTINGS as WRAP
from etl.parse.vocab import ANNEX_TITLE, SELF_EVAL_ANY, TITLE_PATTERNS, column_role, fold_cell, title_kind
from etl.records import Cell, Row


@dataclass
class Segment:
    kind: str | None  # doc_kind from the title (None for the document's preamble)
    title: str | None
    rows: list[Row] = field(default_factory=list)
    title_rows: list[Row] = field(default_factory=list)


SENTENCE_END = re.compile(r"[。！!]")  # a whole sentence ends here


def sentences(texts) -> int:
    """Whole sentences in these texts (a page's title, key or header has none)."""
    return sum(len(SENTENCE_END.findall(t)) for t in texts)


_VALUE_BEFORE_TITLE = re.compile(r"[^\u4e00-\u9fff《]+")  # a figure with its operator and sign, no words
_VALUE_END = set("0123456789%\uff05")  # a value ends in a digit or a percent sign ('6、…' numbers a list)
_YEAR_ONLY = re.compile(r"(19|20)\d{2}")  # '2022年度项目支出绩效自评表' begins with its year, not a value
MIN_SENTENCES = 2  # paragraphs ended by a full stop that give a segment content of its own


_HEADING = lexicon().report_heading  # a report's numbered section heading ('一、项目基本情况')
# … and one run on after a sentence or a bracket, in a copy that lost its line breaks ('…(示例数据)一、基本情况…')
_HEADING_RUN_ON = re.compile(r"[。！!)）]\s*" + _HEADING.pattern.removeprefix("^"))


def _substance(seg: Segment, kind: str | None = None, title: str | None = None) -> bool:
    """Has the segment content of its own, so a new title (of `kind`) cannot belong to it? A report followed
    by a table's title (its annexed 自评表) has content of its own once it holds a few whole sentences, however
    short its paragraphs; followed by another report's title naming another subject (a department's report,
    then one of its projects'), once it also has a numbered section of its own (a cover page's lines and a
    site's blurb have none)."""
    report_then_table = seg.kind == "self_eval_report" and kind not in (None, "self_eval_report")
    # (a numbered heading of the report's own, '二、绩效自评情况说明', is a section, never another report's title)
    report_then_report = seg.kind == "self_eval_report" and kind == "self_eval_report" \
        and _other_subject(seg.title, title) and not (lexicon().level_number.match(fold_cell(title or ""))
                                                      and not _PAGE_MARKER.match(title or ""))  # '1、' of a page
    keys = headings = 0
    prose = said = 0
    for row in seg.rows:
        texts = [fold_cell(t) for t in row.texts if t.strip()]
        if sum(1 for t in texts if column_role(t)) >= 3:
            return True
        if any(re.match(r"^(项目名称|主管部门|部门名称|预算部门|年初预算数|预算数|资金总额)", t) for t in texts):
            keys += 1
        headings += bool(texts and (_HEADING.match(texts[0]) or any(_HEADING_RUN_ON.search(t) for t in texts)))
        # whole sentences, which a repeated page title has none of: a short report's paragraphs, or, in a copy
        # that lost its line breaks, the many sentences of one line (cut into pieces by the glued-text reader)
        stops = sentences(texts)
        if len(texts) == 1 and len(texts[0]) > 40:
            prose += 1
            said += max(0, stops - 1)  # the paragraph itself is counted as prose
        else:
            said += stops
    return keys >= 2 or prose >= 3 or (report_then_table and prose + said >= MIN_SENTENCES) \
        or (report_then_report and headings >= 1 and prose + said >= MIN_SENTENCES)


_YEAR_WORDS = lexicon().title_subject_noise


def _subject(title: str | None) -> str:
    """What a title names before its kind words, without the year: '某县教育局2022年度学生资助项目绩效自评报告' ->
    '某县教育局学生资助'; '' when it names nothing."""
    s = fold_cell(title or "")
    for pat, _ in TITLE_PATTERNS:
        m = pat.search(s)
        if m:
            return _KIND_WORDS.sub("", _YEAR_WORDS.sub("", s[: m.start()]))
    return s


def _other_subject(title: str | None, new: str | None) -> bool:
    """Do two titles name different subjects? A page's title adds the body's name before the document's own
    ('某县教育局…学生资助…报告' over '…学生资助…报告'): the same subject when one's ends the other's."""
    a, b = _subject(title), _subject(new)
    return bool(a and b) and not (a.endswith(b) or b.endswith(a))


def _title_cells(row: Row, contents: "_Contents | None" = None) -> list[int]:
    # (a piece cut out of glued text at vocabulary words is a title only by a pattern that finds one inside
    # text: '…渌口区教育局2019年度部门整体支出绩效自评得分95.5分' holds no title, though cut at 部门 and 得分)
    # (so is a piece of a table flattened onto one line, after its header, with its wrapped rest after it: a
    # cell wrapped in its column keeps its lines there, a space where each broke, and a line may look like a
    # title on its own: '开展重点绩效评价 项目数', '反映评价报告 合格率情况')
    entries = contents.entries(row) if contents is not None else set()
    cells = row.cells
    body = _table_body_start(row)

    def guessed(i: int) -> bool:
        return cells[i].glued or bool(i and cells[i - 1].glued) or (i >= body and _run_on(cells, i))

    return [i for i, c in enumerate(cells) if title_kind(c.text, whole=not guessed(i)) and id(c) not in entries
            and not (guessed(i) and bare_title_in_run(cells[i - 1].text if i else "", c.text,
                                                      cells[i + 1].text if i + 1 < len(cells) else ""))]


def _table_body_start(row: Row) -> int:
    """Where the body of an indicator table starts on a row holding a table flattened onto one line (at least
    `wrap.flat_line_cells` cells): after its header's name column ('三级指标', or '三级 指标' broken by a space);
    past the row's end elsewhere."""
    cells = row.cells
    if len(cells) >= WRAP.flat_line_cells:
        for i, c in enumerate(cells):
            if column_role(c.text) == "name":
                return i + 1
            if i + 1 < len(cells) and column_role(c.text + cells[i + 1].text) == "name":
                return i + 2
    return len(row.cells) + 1


def _run_on(cells: list[Cell], i: int, j: int | None = None) -> bool:
    """Do cells i..j-1 (i alone by default) read as a wrapped cell's line, the rest of the cell after them?"""
    j = i + 1 if j is None else j
    return j < len(cells) and rest_follows("".join(c.text.strip() for c in cells[i:j]), cells[j].text)


CONTENTS_GAP = 3  # cells in a row, none an entry, that end a table of contents
CONTENTS_PROSE = 40  # a cell this long is a paragraph: the contents are over


class _Contents:
    """Which cells are entries of a report's table of contents ('目 录 1、项目基本概括 … 6、项目绩效目标自评表
    7、附件'): a title there names a filing the document holds, and opens none. Cells are seen in reading order;
    the contents begin at their heading and end at a paragraph, a key field, a title without a list number,
    an entry printed again (the body's first heading), or a few cells that are no entries."""

    def __init__(self) -> None:
        self.open = False
        self.gap = 0
        self.seen: set[int] = set()
        self.entry_ids: set[int] = set()
        self.entry_texts: set[str] = set()

    def entries(self, row: Row) -> set[int]:
        lx = lexicon()
        cells = row.cells
        for k, c in enumerate(cells):
            if id(c) in self.seen:
                continue
            self.seen.add(id(c))
            s = re.sub(r"\s+", "", fold_cell(c.text))
            if not s:
                continue
            nxt = re.sub(r"\s+", "", fold_cell(cells[k + 1].text)) if k + 1 < len(cells) else ""
            if lx.contents.match(s) or (len(s) == 1 and lx.contents.match(s + nxt[:1])):  # '目 | 录', spaced apart
                self.open, self.gap = True, 0
                continue
            if not self.open:
                continue
            numbered = bool(lx.level_number.match(s))
            if numbered or lx.contents_entry.match(s):
                if numbered and s in self.entry_texts:
                    self.open = False  # the body's first heading, named by the contents before
                    continue
                self.entry_texts.add(s)
                self.entry_ids.add(id(c))
                self.gap = 0
                continue
            self.gap += 1
            if len(s) > CONTENTS_PROSE or meta_key(s) or key_in_cell(s) or title_kind(c.text) \
                    or self.gap >= CONTENTS_GAP:
                self.open = False
        return self.entry_ids


_RUN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def bare_title_in_run(before: str, text: str, after: str) -> bool:
    """A title word that names no one ('评价报告') cut out of the middle of a line, words right before and after it
    ('…历史标准|评价报告|合格率反映…', a glued run cut at vocabulary words): part of an indicator's name
    ('评价报告合格率'), not a title."""
    return bool(before) and bool(after) and bool(_RUN_CHAR.match(before[-1])) and bool(_RUN_CHAR.match(after[0])) \
        and len(fold_cell(text)) <= BARE_TITLE_LEN and _names_nothing(text) and not title_kind(text + after[:1])


BARE_TITLE_LEN = 6  # a kind word alone ('评价报告', '绩效评价报告'); a title of the copy's next table is longer


GLUED_TITLE_SPAN = 100  # a title glued to the text after it is looked for in this many leading characters


_PAGE_MARKER = re.compile(r"^\s*\d{1,2}、")  # a document-sharing copy's page number opening its page's line
TITLE_BREAK_SPAN = 40  # the characters each side of a page break searched for a title broken by it


def join_titles_broken_by_pages(rows: list[Row]) -> list[Row]:
    """'…附件2:某馆2020年度项目绩效自' / '2、评表 单位名称…': a copy that prints a page a line breaks a title
    where the page ends. A line opened by a page marker is joined to the line before (marker dropped) when a
    title spans the join, so the title can be found whole."""
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        m = _PAGE_MARKER.match(row.cells[0].text) if row.cells else None
        if prev is not None and prev.cells and m:
            tail = prev.cells[-1].text[-TITLE_BREAK_SPAN:]
            head = row.cells[0].text[m.end():]
            joined = tail + head[:TITLE_BREAK_SPAN]
            if any(t.start() < len(tail) < t.end() for pat, _ in TITLE_PATTERNS for t in pat.finditer(joined)):
                last = Cell(prev.cells[-1].text + head, prev.cells[-1].loc)
                out[-1] = Row(cells=prev.cells[:-1] + [last] + row.cells[1:], loc=prev.loc, table=prev.table)
                continue
        out.append(row)
    return out


def split_glued_title(row: Row) -> Row:
    """'1、某局2023年度部门整体绩效自评表主管部门某局…' (title glued to the table): cut the title off."""
    for k, cell in enumerate(row.cells):
        text = cell.text
        cut = max((m.end() for m in SENTENCE_END.finditer(text)), default=0)
        value = _VALUE_BEFORE_TITLE.match(text)
        if value and value.group().rstrip()[-1:] in _VALUE_END and not _YEAR_ONLY.fullmatch(value.group().strip()) \
                and title_kind(text[value.end():]):
            cut = value.end()  # '≥90%某局…目标表': the last row's value, the next form's title run on after it
        if 0 < cut < len(text) and "《" not in text[cut:] and title_kind(text[cut:]):
            # '…作为下年度预算安排的参考。某局部门整体支出绩效自评表(2019年度)': the next form's title after the
            # last sentence, the line break between them lost (a title is the whole of what follows, by title_kind)
            cells = row.cells[:k] + [Cell(text[:cut], cell.loc), Cell(text[cut:], cell.loc)] + row.cells[k + 1:]
            return Row(cells=cells, loc=row.loc, table=row.table)
        if len(text) <= 40 or title_kind(text):
            continue
        head = text[:GLUED_TITLE_SPAN]
        for pat, _ in TITLE_PATTERNS:
            m = pat.search(head)
            if not m:
                continue
            title = head[: m.end()]
            # a title has no clause punctuation ('…工具：读取各种格式的绩效目标表' is a sentence); '1、' may lead
            if "《" in title or re.search(r"[：:，,、。；]", re.sub(r"^\d{1,2}、", "", title)) or not title_kind(title):
                continue
            cells = row.cells[:k] + [Cell(title, cell.loc), Cell(text[m.end():], cell.loc)] + row.cells[k + 1:]
            return Row(cells=cells, loc=row.loc, table=row.table)
        for m in ANNEX_TITLE.finditer(text):  # '…(无)附件2:某馆2020年度项目绩效自评表 …': the annex's title
            if m.start() > 0 and re.match(r"附件\s*\d{1,2}\s*[:：]", m.group(0)) and title_kind(m.group(1)):
                pieces = [text[:m.start(1)], m.group(1), text[m.end(1):]]
                cells = row.cells[:k] + [Cell(t, cell.loc) for t in pieces if t.strip()] + row.cells[k + 1:]
                return Row(cells=cells, loc=row.loc, table=row.table)
    return row


# the kind's words and nothing else (a page's metadata list may print it as a bullet: '- 绩效自评报告', '• 自评报告')
_BARE_TITLE = re.compile(r"([-•·*]\s*)?(绩效)?(自评|评价|目标)(情况)?(报告|表)")
_FILE_NAME = re.compile(r"\.(docx?|xlsx?|pdf|wps|txt)\W*$", re.I)
SPLIT_TITLE_CELLS = 4
_WORDS_ONLY = re.compile(r"[\u4e00-\u9fff]{1,40}")  # a piece of a title: words, no figures, no clause marks
_YEAR_PIECE = re.compile(r"[(（]?\d{4}(年度?)?[)）]?")  # a title broken by spaces spans at most this many cells


def join_spaced_title(row: Row) -> Row:
    """'某中心 2022 年整体绩效自评总结报告' in a copy that keeps spaces as cell breaks: the title's cells joined
    (the issuing body and the year belong to it). Only outside tables, never across glued cells or clauses."""
    if row.table is not None or len(row.cells) < 2:
        return row
    texts = [c.text.strip() for c in row.cells]

    def part(k: int) -> bool:  # a piece of a title before its kind words: the issuing body or the year
        return not row.cells[k].glued and (looks_like_org(texts[k]) or bool(_YEAR_PIECE.fullmatch(texts[k])))

    hits = _title_cells(row)
    body = _table_body_start(row)
    span = None
    if hits:
        i = k = hits[0]
        while k > 0 and i - k < SPLIT_TITLE_CELLS - 1 and part(k - 1) and title_kind("".join(texts[k - 1: i + 1])):
            k -= 1
        span = (k, i + 1) if k < i else None
    else:
        # no piece alone is a title: words split by the PDF's spaces ('关于 2021 年度某项目资金绩效评价 报告')
        def word(k: int) -> bool:
            return part(k) or bool(_WORDS_ONLY.fullmatch(texts[k]))

        for k in range(len(texts)):
            if row.cells[k].glued:
                continue  # (its first cell too: '质量指标' cut out of a glued run and '评价报告' are no title)
            for j in range(k + 2, min(len(texts), k + SPLIT_TITLE_CELLS) + 1):
                if not word(j - 2) or row.cells[j - 1].glued:
                    break
                if title_kind("".join(texts[k:j])) and not title_kind("".join(texts[k:j - 1])):
                    # (on a table flattened onto one line, no pieces with a wrapped rest after them: a wrapped
                    # cell's lines and the next cell's, '报告合格率 反映评价报告 合格率情况')
                    if not (k >= body and _run_on(row.cells, k, j)):
                        span = (k, j)
                    break
            if span:
                break
    if span is None:
        return row
    k, j = span
    loc = row.cells[k].loc
    for c in row.cells[k + 1:j]:
        loc = loc.merge(c.loc)
    return Row(cells=row.cells[:k] + [Cell("".join(texts[k:j]), loc)] + row.cells[j:], loc=row.loc, table=row.table)


WRAPPED_TITLE_LINES = 3  # a title wrapped by a narrow page spans at most this many lines
WRAPPED_TITLE_GAP = 2  # lines apart (one blank line between) that pieces of one title may stand
# words (a year, brackets): no clause, no key, no link, no bare figure (a table's last cells above the next
# title), no attachment number ('附件3' above the title)
_TITLE_PIECE = re.compile(r"(?!附件)(?=(.*[\u4e00-\u9fff]){4})[\u4e00-\u9fff\d（）()]{2,40}")
# what a title says besides its kind: the year and the kind's own words ('建设项目绩效评价报告' names nothing)
_KIND_WORDS = re.compile(r"([(（]?20\d\d年度?[)）]?|项目|专项|资金|支出|预算|部门|整体|单位|绩效|年度|的|关于)+$")
NAMELESS_TITLE = 4  # characters left of a title once its kind words go: this few name no project or body


def _lone_text(row: Row) -> str | None:
    """The text of a row that is one line of words outside any table, else None."""
    texts = [t.strip() for t in row.texts if t.strip()]
    return texts[0] if row.table is None and len(texts) == 1 else None


def _names_nothing(title: str) -> bool:
    """Does a title say only its kind ('绩效评价报告', '建设项目绩效评价报告', '2023年项目支出绩效目标表')?"""
    s = fold_cell(title)
    for pat, _ in TITLE_PATTERNS:
        m = pat.search(s)
        if m:
            rest = _KIND_WORDS.sub("", s[: m.start()])
            return len(rest) <= NAMELESS_TITLE and not looks_like_org(rest)  # '田心乡…自评报告' names its body
    return False


def join_wrapped_titles(rows: list[Row]) -> list[Row]:
    """A title a narrow page wrapped over two or three lines ('某县某指挥部某项目资金' / '绩效评价报告'): the
    lines joined into one title row, when the joined text is a title and no piece alone is one, or only the
    last is and it names nothing (a full title under the site's name is not wrapped: it stays apart)."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        joined = None
        for n in range(WRAPPED_TITLE_LINES, 1, -1):
            span = rows[i: i + n]
            texts = [_lone_text(r) for r in span]
            if len(span) < n or any(t is None for t in texts) or any(
                    not _TITLE_PIECE.fullmatch(fold_cell(t)) or column_role(t) or meta_key(t) for t in texts[:-1]):
                continue
            if any(b.loc.line_start is None or a.loc.line_end is None
                   or not 0 < b.loc.line_start - a.loc.line_end <= WRAPPED_TITLE_GAP for a, b in zip(span, span[1:])):
                continue
            whole = "".join(t for t in texts)
            if not title_kind(whole) or any(title_kind(t) for t in texts[:-1]):
                continue
            if title_kind(texts[-1]) and not _names_nothing(texts[-1]):
                continue
            loc = span[0].loc.merge(span[-1].loc)
            joined = Row(cells=[Cell(whole, loc)], loc=loc, table=None)
            i += n
            break
        if joined is None:
            out.append(rows[i])
            i += 1
        else:
            out.append(joined)
    return out


def _key_word(text: str) -> str:
    return fold_cell(text).rstrip(":：")


def drop_govinfo_copies(rows: list[Row]) -> list[Row]:
    """An open-government page's metadata table repeats the document: '信息名称 | <its title>' and '内容概述 | <the
    document glued onto one line>'. The summary's copy goes; so does the name when the title is printed again
    elsewhere (when it is not, the name is the page's only title and stays)."""
    lx = lexicon()
    titles = [(id(c), fold_cell(c.text)) for r in rows for c in r.cells if title_kind(c.text)]
    out = []
    for r in rows:
        drop = set()
        for k, c in enumerate(r.cells[:-1]):
            word = _key_word(c.text)
            if word not in lx.govinfo_title | lx.govinfo_copy:
                continue
            value = r.cells[k + 1]
            name = fold_cell(value.text)
            printed_again = any(i != id(value) and t and (t in name or name in t) for i, t in titles)
            if word in lx.govinfo_copy or (title_kind(value.text) and printed_again):
                drop.add(k + 1)
        out.append(Row(cells=[c for k, c in enumerate(r.cells) if k not in drop], loc=r.loc, table=r.table)
                   if drop else r)
    return out


def govinfo_summaries(rows: list[Row]) -> list[Cell]:
    """The summaries (内容概述) of an open-government page's metadata table: the document glued onto one line. No
    filing of their own (drop_govinfo_copies takes them out), but the one full copy of a form the page cut short."""
    copy_words = lexicon().govinfo_copy
    return [r.cells[k + 1] for r in rows for k, c in enumerate(r.cells[:-1])
            if _key_word(c.text) in copy_words and r.cells[k + 1].text.strip()]


_YEAR_IN = lexicon().title_year
_GLUED_YEAR = re.compile(f"(?:{_YEAR_IN.pattern})$")


def _year_back_to_title(before: list[Cell], title: Cell) -> tuple[list[Cell], Cell]:
    """'总分 | 100992023年度 | 项目支出绩效目标表': in glued text a title that begins with its year loses the year
    to the cell before (the last table's total row); it goes back to the title, which names no year else."""
    if not before or not (before[-1].glued and title.glued) or _YEAR_IN.search(title.text):
        return before, title
    m = _GLUED_YEAR.search(before[-1].text.strip())
    if not m:
        return before, title
    rest = before[-1].text.strip()[: m.start()]
    cells = before[:-1] + ([Cell(rest, before[-1].loc, glued=True)] if rest else [])
    return cells, Cell(m.group(0) + title.text, title.loc, glued=True)


def split_segments(rows: list[Row], contents: _Contents | None = None) -> list[Segment]:
    contents = contents or _Contents()
    segments = [Segment(kind=None, title=None)]
    for row in join_wrapped_titles(drop_govinfo_copies(rows)):
        row = split_glued_title(join_spaced_title(row))
        hits = _title_cells(row, contents)
        if not hits:
            segments[-1].rows.append(row)
            continue
        # A title may stand inside a flattened row with other cells: cut the row there.
        i = hits[0]
        before, title_cell, after = row.cells[:i], row.cells[i], row.cells[i + 1:]
        before, title_cell = _year_back_to_title(before, title_cell)
        if before:
            segments[-1].rows.append(Row(cells=before, loc=row.loc, table=row.table))
        kind = title_kind(title_cell.text)
        cur = segments[-1]
        title_row = Row(cells=[title_cell], loc=title_cell.loc if title_cell.loc.line_start else row.loc, table=None)
        if cur.kind is not None and not _substance(cur, kind, title_cell.text):
            # Same filing, printed title again (or a fuller title): keep the more specific kind.
            if kind != cur.kind and (_more_specific(kind, cur.kind) or _BARE_TITLE.fullmatch(fold_cell(cur.title or ""))):
                # a fuller kind, or the page's bare category label ('公开目录 | 自评报告') before the real title
                cur.kind = kind
                cur.title = title_cell.text.strip()
            elif _BARE_TITLE.fullmatch(fold_cell(cur.title or "")) and not _BARE_TITLE.fullmatch(fold_cell(title_cell.text)):
                cur.title = title_cell.text.strip()  # the page's category label gives way to a title that names something
            elif _FILE_NAME.search(cur.title or "") and not _FILE_NAME.search(title_cell.text.strip()):
                cur.title = title_cell.text.strip()  # the page's file name gives way to the document's own title
            cur.title_rows.append(title_row)
        else:
            segments.append(Segment(kind=kind, title=title_cell.text.strip(), title_rows=[title_row]))
        if after:
            rest = Row(cells=after, loc=row.loc, table=row.table)
            # more titles later in the same flattened row
            for seg in split_segments([rest], contents):
                if seg.kind is None:
                    segments[-1].rows.extend(seg.rows)
                else:
                    segments.append(seg)
    return segments


_BLOCK_LEAD = re.compile(r"单位[:：]\s*(万元|元)|^\d{5,9}\s*[\u4e00-\u9fff]")  # '101001某院 | 单位:万元'

# The key that opens a filing's key block, by the kind of its segment: a project's name for project forms (and
# for rows under no title), the department's or the unit's name for a department's whole-spending forms.
_OPENING_FIELDS = {"dept_target": ("department", "unit"), "dept_self_eval": ("department", "unit")}
# keys a block may print before its opening key ('主管部门 | 某局' above '项目名称 | 某项目'): they belong to it
_LEADING_FIELDS = ("department", "unit", "filer", "project_code", "department_code")


def _opening_fields(kind: str | None) -> tuple[str, ...]:
    return _OPENING_FIELDS.get(kind or "", ("project",))


def _opens_key_block(texts: list[str], k: int, fields: tuple[str, ...] = ("project",)) -> bool:
    """texts[k] is an opening key (a project's name, or a department's for its whole-spending form) followed by
    its value (not by a column header or another key), or such a key with its value in the one cell
    ('项目名称：校舍维修'): the start of a filing's key block, not a 项目名称 column header."""
    if key_in_cell(texts[k]) in fields:
        return True
    return (meta_key(texts[k]) in fields and k + 1 < len(texts)
            and bool(texts[k + 1]) and not column_role(texts[k + 1]) and not meta_key(texts[k + 1]))


def _leading_key(texts: list[str], k: int) -> int:
    """How many cells before texts[k] are keys of the same block printed before its opening key: key | value
    pairs ('主管部门 | 某局 | 实施单位 | 某中心') or keys with their value in the cell ('主管部门：某局')."""
    j = k
    while j > 0:
        if key_in_cell(texts[j - 1]) in _LEADING_FIELDS:
            j -= 1
        elif j > 1 and meta_key(texts[j - 2]) in _LEADING_FIELDS and texts[j - 1] \
                and not column_role(texts[j - 1]) and not meta_key(texts[j - 1]) and not key_in_cell(texts[j - 1]):
            j -= 2
        else:
            break
    return k - j


def _opens_block_after_leading_keys(texts: list[str], fields: tuple[str, ...]) -> bool:
    """Does a row open a key block: its opening key first, or after keys the block prints before it?"""
    j = 0
    while j < len(texts) and not _opens_key_block(texts, j, fields):
        if key_in_cell(texts[j]) in _LEADING_FIELDS:
            j += 1
        elif j + 2 <= len(texts) and meta_key(texts[j]) in _LEADING_FIELDS and _leading_key(texts, j + 2) == j + 2:
            j += 2
        else:
            return False
    return j < len(texts)


def _cut_glued_key_blocks(rows: list[Row], fields: tuple[str, ...] = ("project",)) -> list[Row]:
    """A copy whose cells ran together puts a page on one line, so the next filing's key block can follow
    the last table's 总分 inside a line: the line is cut before that block (its opening key, or the keys it
    prints before that one), once a table header has been seen."""
    out: list[Row] = []
    header_seen = False
    for row in rows:
        texts = [fold_cell(t) for t in row.texts]
        start, roles = 0, 0
        for k, t in enumerate(texts):
            if not t:
                continue
            if k > start and header_seen and _opens_key_block(texts, k, fields):
                cut = max(start + 1, k - _leading_key(texts[start:], k - start))
                out.append(Row(cells=row.cells[start:cut], loc=row.loc, table=row.table))
                start, header_seen, roles = cut, False, 0
            roles += bool(column_role(t))
            header_seen = header_seen or roles >= 3
        out.append(Row(cells=row.cells[start:], loc=row.loc, table=row.table) if start else row)
    return out


_MONEY_WORDS = re.compile("^(" + "|".join(re.escape(w) for w in (*lexicon().money_labels["total"],
                                                                  *lexicon().money_labels["fiscal"])) + ")")


def _own_content(rows: list[Row]) -> bool:
    """Does a part of a segment open a table of its own: a table's header, or a money row? (Keys alone after a
    table are that table's key block printed under it; keys and rows with no header are its keys printed again
    at the top of its next page, the rows its continuation.)"""
    heads = [lexicon().money_patterns[h] for h in ("head_initial", "head_adjusted", "head_executed")]
    if any(_header_rows(rows)):
        return True
    return any(_MONEY_WORDS.match(t) or any(h.match(t) for h in heads) for t in _texts(rows))


def _names_same_or_missing(before: list[Row], keys: list[Row], fields: tuple[str, ...]) -> bool:
    """Do keys after a table, with no table of their own, name what the table's part lacks, or name it again (a
    footer's 填报单位, the keys printed again on the form's next page)? Then they are that part's keys. Keys
    naming another filing than the part's own (a copy cut short after the next filing's keys) are not."""
    had, named = read_meta(before), read_meta(keys)
    return all(f not in had or fold_cell(had[f][0]) == fold_cell(named[f][0]) for f in fields if f in named)


_STRUCTURAL_ROLES = {"level1", "level2", "name", "description"}
_VALUE_ROLES = {"target", "actual"}


def _is_table_header(roles: list[str]) -> bool:
    """Roles enough for an indicator table's header: three columns, or a name and a value ('指标内容 | 指标值')."""
    return len(roles) >= 3 or bool(set(roles) & _STRUCTURAL_ROLES and set(roles) & _VALUE_ROLES)


def _header_rows(rows: list[Row]) -> list[bool]:
    """For each row: does a table's header end there? A header is one row of column names, or a run of rows
    holding column names only (a copy that prints one cell a line)."""
    out, run = [], []
    for row in rows:
        texts = [fold_cell(t) for t in row.texts if t.strip()]
        roles = [r for r in map(column_role, texts) if r]
        run = run + roles if texts and len(roles) == len(texts) else roles
        out.append(_is_table_header(roles) or _is_table_header(run))
    return out


def _texts(rows: list[Row]) -> list[str]:
    return [fold_cell(t) for r in rows for t in r.texts if t.strip()]


def _names_again(before: list[Row], keys: list[Row], fields: tuple[str, ...]) -> bool:
    """Do the keys name again what the part before already named (its keys printed again on its next page)?"""
    had, named = read_meta(before), read_meta(keys)
    return any(f in had and f in named for f in fields)


def _key_row(texts: list[str]) -> bool:
    """A row of keys and their values only ('项目名称 | 某项目', '主管部门 | 某局 | 实施单位 | 某中心')."""
    j = 0
    while j < len(texts):
        if key_in_cell(texts[j]):
            j += 1
        elif meta_key(texts[j]) and j + 1 < len(texts) and not meta_key(texts[j + 1]):
            j += 2
        else:
            return False
    return bool(texts)


def split_key_blocks(seg: Segment) -> list[Segment]:
    """Several filings under one page title, each with its own key block and table: '项目名称 | A' … table …
    '项目名称 | B' … table (a department's form opens with its 部门名称). An opening key after a table has
    started opens the next filing (with the lines that lead its block: '101001某院 | 单位:万元', and the keys it
    prints before its opening key: '主管部门 | 某局'). A copy printing one cell a line puts the key's value, and
    the header's names, on lines of their own. Keys after a table with no money or table of their own stay with
    the table when they name what it lacks (its keys printed under it) or name it again (its keys printed again
    over its next page's rows, which are dropped from them)."""
    fields = _opening_fields(seg.kind)
    rows = _cut_glued_key_blocks(seg.rows, fields)
    headers = _header_rows(rows)
    starts = []
    table_seen = False
    for i, row in enumerate(rows):
        texts = [fold_cell(t) for t in row.texts if t.strip()]
        if len(texts) == 1 and i + 1 < len(rows):  # a key alone on its line: its value is the next line's
            texts = texts + _texts(rows[i + 1: i + 2])[:1]
        if table_seen and texts and _opens_block_after_leading_keys(texts, fields):
            k = i
            while k > 0:
                if any(_BLOCK_LEAD.search(t) for t in rows[k - 1].texts):
                    k -= 1
                    continue
                # keys of the block above its opening key, one row each or a key and its value a line each
                back = next((n for n in (1, 2) if k - n >= 0 and (lead := _texts(rows[k - n:k]))
                             and _leading_key(lead, len(lead)) == len(lead)), None)
                if back is None:
                    break
                k -= back
            starts.append(k)
            table_seen = False
        table_seen = table_seen or headers[i]
    if not starts:
        return [seg]
    bounds = [0, *starts, len(rows)]
    parts = [rows[a:b] for a, b in zip(bounds, bounds[1:]) if rows[a:b]]
    kept: list[list[Row]] = []
    for part in parts:
        if kept and not _own_content(part) and _names_same_or_missing(kept[-1], part, fields):
            if _names_again(kept[-1], part, fields):  # the form's keys printed again over its next page's rows
                part = [r for r in part if not _key_row(_texts([r]))]
            kept[-1] = kept[-1] + part
        else:
            kept.append(part)
    return [Segment(kind=seg.kind, title=seg.title, rows=p, title_rows=seg.title_rows) for p in kept]


def _more_specific(new: str, old: str) -> bool:
    # A report title beats a table title on the same page only when it names a report;
    # a dept/project kind beats the generic project_target / project_self_eval guess.
    # A title that says only 'self-evaluation' (SELF_EVAL_ANY) gives way to any title that says which.
    order = {SELF_EVAL_ANY: -1, "project_target": 0, "project_self_eval": 0, "dept_target": 1, "dept_self_eval": 1,
             "self_eval_report": 2}
    return order.get(new, 0) > order.get(old, 0)
