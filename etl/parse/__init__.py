"""Parse a read Document into typed filings.

    segments (one per title) -> kind, key fields, money block, indicator table,
    goals / report sections -> Filing
"""
from __future__ import annotations

import re

from etl.lexicon import alternation, lexicon
from etl.marts.invariants import SCORES_ADD_UP, WEIGHTS_ADD_UP, tolerances
from etl.normalise.measure import parse_measure
from etl.normalise.place import find_place, find_place_in_prose, find_repeated_county, lies_within
from etl.normalise.script import PrintedText, strip_glosses, to_simplified
from etl.parse import budget as money
from etl.parse.cells import cell_text
from etl.parse.content import content_indicators
from etl.parse.vocab_cut import split_level_prefix, unglue, unscramble_cells, unwrap_rows, wrapped_copy
from etl.parse.groups import project_groups
from etl.parse.indicators import TableResult, find_header, grid_indicators, names_values, unit_columns_as_targets, WrapJudge
from etl.parse.prose import prose_indicators
from etl.parse.periods import period_blocks
from etl.parse.parse_settings import DEFAULT, ParseSettings
from etl.parse.meta import (
    code_and_unit_line, find_year, looks_like_org, meta_key, org_as_subject, org_in_breadcrumb, org_in_prose, org_in_title,
    key_in_cell, read_meta, split_code, split_run_on_keys,
)
from etl.parse.report import sections as report_sections
from etl.parse.report import (
    is_department_report, names_whole_department, org_named_most, project_in_opening, project_money_used_for,
    report_cues, report_project,
    stated_figures,
)
from etl.parse.segment import (
    SENTENCE_END, Segment, govinfo_summaries, join_titles_broken_by_pages, sentences, split_glued_title, split_key_blocks,
    split_segments,
)
from etl.parse.stream import stream_indicators
from etl.parse.totals import result_table_total
from etl.parse.vertical import join_vertical
from etl.parse.wrapped import join_wrapped, join_wrapped_key_values
from etl.parse.vocab import SELF_EVAL_ANY, fold_cell, is_column_number, title_kind
from etl.read.text import GRID_LAYOUTS
from etl.records import Cell, Document, Filing, Loc, Row, Section

_GOAL_KEYS = lexicon().section_keys  # (pattern, 'goal' | 'function' | 'purpose'), etl/lexicon.toml [keys.sections]


class Context:
    """What earlier parts of the same document said (department, year, place)."""

    def __init__(self, preamble: list[Row]):
        texts = [" ".join(r.texts) for r in preamble]
        self.texts = texts
        self.year = find_year(*texts)
        pre = read_meta(preamble)
        cells = [c.text for r in preamble for c in r.cells]
        self.keyed_department = pre.get("department", (None,))[0]  # a key's value, not just an organisation's name
        # the page's breadcrumb names the section's owner; the first organisation above may be the host site's
        self.crumb = org_in_breadcrumb(preamble)
        self.department = self.keyed_department or self.crumb or next((t.strip() for t in cells if looks_like_org(t)), None)
        self.publisher = pre.get("publisher", (None,))[0]
        self.place = None
        self.summaries: list = []  # an open-government page's 内容概述 cells (the document glued onto one line)


def _same_org(from_title: str | None, earlier: str | None) -> str | None:
    """A title's '湖南省株洲市渌口区财政局' is the '渌口区财政局' an earlier part of the document named."""
    if from_title and earlier and from_title.endswith(earlier):
        return earlier
    return from_title


def _signed_by(rows: list[Row]) -> str | None:
    """A report signed at its foot: the organisation alone on one of its last lines, above the date."""
    for r in reversed(rows[-3:]):
        texts = [t.strip() for t in r.texts if t.strip()]
        if len(texts) == 1 and looks_like_org(texts[0]):
            return texts[0]
    return None


def _site_in_title(title: str | None) -> str | None:
    """The organisation a page title's site suffix names: '…自评报告-民生工程-某县人民政府' -> '某县人民政府'."""
    parts = re.split(r"\s*[-—–_|｜]\s*", title or "")
    return next((p for p in reversed(parts[1:]) if looks_like_org(p)), None)


def _fuller(name: str | None, other: str | None) -> str | None:
    """Of two names of one body ('林业局' in a title, '零陵区林业局' as the page's publisher), the fuller."""
    if name and other and other != name and other.endswith(name):
        return other
    return name


def _is_grid(doc: Document) -> bool:
    """Did the reader keep a grid? Text copies say by their layout (a PDF read as text says 'pdf_text:…')."""
    if doc.fmt == "txt" or doc.layout.startswith("pdf_text:"):
        return doc.layout.split(":")[-1] in GRID_LAYOUTS
    return True


def _numbers_columns(row: Row) -> bool:
    """A header row of column numbers under the names ('① | ② | ③ | ④=②/③'): no row of the table."""
    texts = [c.text for c in row.cells if c.text.strip()]
    return bool(texts) and all(is_column_number(t) for t in texts)


def parse_document(doc: Document, settings: ParseSettings | None = None) -> list[Filing]:
    """The filings of a read document. `settings`: every cost and threshold the parse uses (DEFAULT when None;
    `DEFAULT.resolve({...})` for other values)."""
    s = settings or DEFAULT
    printed = strip_glosses(doc)
    doc = to_simplified(printed)
    as_printed = PrintedText(printed, doc) if doc is not printed else None
    rows = unscramble_cells([r for r in join_vertical(doc.rows) if not _numbers_columns(r)])
    if not _is_grid(doc) and wrapped_copy(rows, s.cut):
        rows = unwrap_rows(rows)  # Word's wrap spaces inside words, kept by a doc-sharing copy
    rows = join_wrapped(rows, judge=WrapJudge(rows, s), s=s.wrap) if _is_grid(doc) \
        else [split_run_on_keys(r) for r in unglue([split_glued_title(r) for r in join_titles_broken_by_pages(rows)], s.cut)]
    if doc.layout.split(":")[-1] == "spaced":  # a pipe copy or one cell a line never wraps a value onto a bare line
        rows = join_wrapped_key_values(rows, s.wrap)
    rows = split_level_prefix(rows)
    segs = split_segments(rows)
    ctx = Context(segs[0].rows if segs and segs[0].kind is None else [])
    ctx.summaries = govinfo_summaries(doc.rows)  # as read: joining wrapped lines keeps only a long cell's title
    filings: list[Filing] = []
    fragments: set[int] = set()  # filings read from rows before any title
    for seg in segs:
        if seg.kind is None and find_header(seg.rows) is None and (_is_grid(doc) or stream_indicators(seg.rows, s) is None) \
                and content_indicators(seg.rows, s, fragment=True) is None:
            # (rows before any title that read as indicators are a fragment of a table: a filing); a report's text
            # whose title was lost, before the title of the form printed after it, is a report of its own
            if len(segs) > 1 and sentences(t for r in seg.rows for t in r.texts) >= MIN_REPORT_SENTENCES:
                for f in _untitled_report(seg.rows, ctx, s):
                    f.part_index = len(filings)
                    f.parse_notes = doc.warnings + f.parse_notes
                    filings.append(f)
            continue
        if not any(t.strip() for r in seg.rows for t in r.texts) and len(segs) > 1:
            continue  # a title with nothing under it (a page's file name above or below the real title)
        parts = []
        for block in split_key_blocks(seg):  # several projects, each with its key block, under one title
            groups = project_groups(block.rows)  # one table holding several projects: a filing per project
            parts += [Segment(kind=block.kind, title=block.title, rows=g, title_rows=block.title_rows)
                      for g in groups] if groups else [block]
        for part in [p for block in parts for p in report_and_its_form(block, _is_grid(doc), s)]:
            f = parse_segment(part, _is_grid(doc), ctx, s)
            if seg.kind is None:
                fragments.add(id(f))
            f.part_index = len(filings)
            f.parse_notes = doc.warnings + f.parse_notes
            filings.append(f)
            ctx.year = ctx.year or f.year
            ctx.department = ctx.department or f.department
            ctx.keyed_department = ctx.keyed_department or f.department
            ctx.place = ctx.place or (f.province, f.city, f.county, f.adcode)
    if not filings:
        filings = _untitled_report(rows, ctx, s)
    _fragment_of_the_run(filings, fragments)
    _report_from_its_tables(filings)
    if as_printed is not None:
        for f in filings:
            _restore_printed(f, as_printed)
    return filings


_TABLE_KINDS = ("project_target", "project_self_eval", "dept_target", "dept_self_eval")
MIN_REPORT_SENTENCES = 2  # whole sentences before a form that make the text above it a report of its own


def report_and_its_form(seg: Segment, grid: bool, s: ParseSettings = DEFAULT) -> list[Segment]:
    """A report holds no indicator table (a report's labelled rows are always none): a report whose text runs on
    into a form printed without a title of its own (its keys, its money block, a header naming indicators and
    their values) is two filings, the report and the form. The form begins at the first key (填报单位, 部门名称,
    项目名称 …) that starts a row, or follows the last sentence of a row, after the report's first sentences; it
    is a form if a header reads indicator rows out of it. Its kind is its own (from its table and keys). A
    report titled over a form with no sentences of its own above it is left as it was (a page title printed
    over the table)."""
    if seg.kind != "self_eval_report":
        return [seg]
    seen = 0  # sentences of the report so far
    for k, row in enumerate(seg.rows):
        texts = [t for t in row.texts if t.strip()]
        if not texts:
            continue
        first = texts[0]
        cut = max((m.end() for m in SENTENCE_END.finditer(first)), default=0)
        rest = first[cut:].strip()
        before = seen + sentences([first[:cut]])
        if before >= MIN_REPORT_SENTENCES and rest and (meta_key(rest) or key_in_cell(rest)):
            form_rows = seg.rows[k:]
            if cut:  # '…特此报告。填报单位：某局': the key's line break lost after the report's last sentence
                cells = row.cells
                form_rows = [Row(cells=[Cell(rest, cells[0].loc), *cells[1:]], loc=row.loc, table=row.table),
                             *seg.rows[k + 1:]]
            table, _ = read_table(form_rows, grid, SELF_EVAL_ANY, s)
            if table is None or not table.indicators:
                return [seg]
            report_rows = seg.rows[:k] + ([Row(cells=[Cell(first[:cut], row.cells[0].loc)], loc=row.loc, table=row.table)]
                                          if cut else [])
            return [Segment(kind=seg.kind, title=seg.title, rows=report_rows, title_rows=seg.title_rows),
                    Segment(kind=None, title=None, rows=form_rows)]
        seen += sentences(texts)
    return [seg]


def _fragment_of_the_run(filings: list[Filing], fragments: set[int]) -> None:
    """A fragment of a table before the first title (a copy cut inside a run of the same forms) names no project
    and no department: it is of the run's scope, project or department, as the titled form after it is. Left
    to itself it is guessed a department's for want of a 项目名称. Whether it reports results stays its own.
    It lies where the run does, as every later filing of the document without a place of its own does (the
    page's place, ctx.place); its year it does not print (the next title's is the next form's)."""
    for f, nxt in zip(filings, filings[1:]):
        if id(f) not in fragments or id(nxt) in fragments or f.project or f.department:
            continue
        if f.doc_kind in _TABLE_KINDS and nxt.doc_kind in _TABLE_KINDS:
            f.doc_kind = nxt.doc_kind.split("_", 1)[0] + "_" + f.doc_kind.split("_", 1)[1]
            if not (f.province or f.county) and (nxt.province or nxt.county):
                f.province, f.city, f.county, f.adcode = nxt.province, nxt.city, nxt.county, nxt.adcode


def _report_from_its_tables(filings: list[Filing]) -> None:
    """A project's report printed with its self-evaluation or target table in one document ('附件2:…自评表')
    is about that table's project, filed by that table's department: a report that names neither takes it,
    when the document's tables name one only. A whole department's report (its title or text says 部门整体)
    printed beside one project's table keeps no project: the table is one of its projects, not its subject."""
    tables = [f for f in filings if f.doc_kind != "self_eval_report"]
    for field in ("project", "department"):
        named = {getattr(f, field) for f in tables if getattr(f, field)
                 and (field != "project" or f.doc_kind.startswith("project"))}
        if len(named) == 1:
            for f in filings:
                if f.doc_kind != "self_eval_report" or getattr(f, field):
                    continue
                if field == "project" and (is_department_report(f.title) or names_whole_department(
                        f.title, *(x for sec in f.sections for x in (sec.heading, sec.text)))):
                    continue
                setattr(f, field, next(iter(named)))


MIN_STATED_FIGURES = 2  # an untitled page stating this many of budget, spending, rate and score is a report
MIN_CUED_FIGURES = 1  # as many, on a page whose text says what only a report says ('…自评情况报告如下')


def _untitled_report(rows: list[Row], ctx: Context, s: ParseSettings) -> list[Filing]:
    """A page with no title we know (its title only in the site's chrome, or '2020年度绩效评价') that states
    a budget, its spending, a rate or a score in prose about 绩效 is read as a self-evaluation report; one
    figure is enough when the page also has a report's own headings or opening sentence."""
    text = " ".join(" ".join(r.texts) for r in rows)
    if "绩效" not in text:
        return []
    stated = len(set(stated_figures(rows)) & {"adjusted", "executed", "rate", "score"})
    if stated < MIN_STATED_FIGURES and not (stated >= MIN_CUED_FIGURES and report_cues(rows)):
        return []
    seg = Segment(kind="self_eval_report", title=None, rows=rows)
    f = parse_segment(seg, False, ctx, s)
    f.parse_notes = ["未找到标题：按正文所述的预算、执行和得分读作自评报告"] + f.parse_notes
    return [f]


def _money_from_summary(seg: Segment, ctx: Context, kind: str, s: ParseSettings) -> money.Budget | None:
    """An open-government page whose form is cut before its money block, while the page's summary (内容概述) holds the
    same form glued onto one line: the money is read from the summary, cut into cells as a glued copy is. Only a
    summary that prints the filing's own title is its copy."""
    title = fold_cell(seg.title or "")
    for cell in ctx.summaries:
        if not title or title not in fold_cell(cell.text):
            continue
        rows = unglue([Row(cells=[cell], loc=cell.loc, table=None)], s.cut)
        b = money.self_eval_budget(rows, s.money) if kind.endswith("self_eval") else money.target_budget(rows)
        if any(x is not None for x in (b.initial, b.adjusted, b.executed)):
            b.notes.append("表格在资金一栏之前截断：资金取自页面的内容概述")
            return b
    return None


def _restore_printed(f: Filing, printed: PrintedText) -> None:
    """Store text as the filing printed it (traditional stays traditional); places keep the gazetteer's names."""
    for attr in ("title", "department", "unit", "project"):
        setattr(f, attr, printed(getattr(f, attr)))
    for ind in f.indicators:
        for attr in ("level1", "level2", "name", "target", "actual", "reason", "description", "basis"):
            setattr(ind, attr, printed(getattr(ind, attr)))
    for sec in f.sections:
        sec.heading, sec.text = printed(sec.heading), printed(sec.text)


_EXECUTION_HEAD = lexicon().spending_head


def _infer_kind(seg: Segment, table: TableResult | None, has_project: bool, has_dept_key: bool = False) -> str:
    kind = seg.kind
    self_eval = table is not None and any(i.actual or i.score is not None for i in table.indicators)
    if kind and kind.endswith("target") and table is not None and table.by_content:
        # a title that says target over rows read by their content alone (no header we know): the figures read
        # as actuals and scores are the decoder's guess at unnamed columns, the title's word is printed
        self_eval = False
    if kind == SELF_EVAL_ANY:
        # titled only as a self-evaluation: a table of indicators makes it a 自评表, prose a 自评报告
        if table is None or not table.indicators:
            return "self_eval_report"
        kind = None
        self_eval = True  # the title says so, whatever the table prints
    head = fold_cell(" ".join([seg.title or ""] + [" ".join(r.texts) for r in seg.rows[:12]]))
    # a money block that reports spending (全年执行数, 执行率) makes an untitled table a self-evaluation
    self_eval = self_eval or (kind is None and bool(_EXECUTION_HEAD.search(head)))
    titled = {title_kind(t) for r in seg.title_rows for t in r.texts if title_kind(t)}
    if kind and kind.endswith("self_eval") and not self_eval and table is not None and table.indicators \
            and kind.replace("self_eval", "target") in titled:
        # '…自评表填写样例' over '样例项目支出绩效目标申报表': the titles disagree, the table has no actuals
        return kind.replace("self_eval", "target")
    # an untitled table whose head says 部门整体 is a department's, unless it names a project: by a 项目名称 key, or
    # by 项目 in its head when it has no keys to go by (a page's menu of project tabs above a department's table
    # names projects that are not this table's)
    dept_words = bool(re.search(r"部门整体|整体支出|部门绩效", fold_cell(seg.title or ""))) or (
        kind is None and not has_project and (has_dept_key or "项目" not in head)
        and bool(re.search(r"部门整体|整体支出", head))
    )
    has_project = has_project or (kind is None and "项目" in head)
    if kind in (None, "project_target", "project_self_eval", "dept_target", "dept_self_eval"):
        is_dept = (kind or "").startswith("dept") or dept_words or (not has_project and kind is None)
        if kind is None:
            kind = ("dept_" if is_dept else "project_") + ("self_eval" if self_eval else "target")
        elif kind.endswith("target") and self_eval:
            kind = kind.replace("target", "self_eval")
    return kind


def parse_segment(seg: Segment, grid: bool, ctx: Context, s: ParseSettings = DEFAULT) -> Filing:
    rows = seg.title_rows + seg.rows
    notes: list[str] = []
    meta = read_meta(rows)
    blocks = period_blocks(rows)  # a long-term block and an annual block of the same table
    table, header = read_table(blocks.annual if blocks else rows, grid, seg.kind, s)
    long_term = read_table(blocks.long_term, grid, seg.kind, s)[0] if blocks else None
    if table is not None:
        notes.extend(table.notes or [])
    kind = _infer_kind(seg, table, "project" in meta, "department" in meta)

    f = Filing(doc_kind=kind, title=seg.title)
    f.loc = money.merge_locs(rows) or Loc()
    f.project = meta.get("project", (None,))[0]
    if kind == "self_eval_report":
        # a report's own 项目名称 names the project; else its title does, else its opening sentence
        # ('现将我办某某经费绩效自评情况报告如下'), else what its money was spent on ('…万元用于某某项目'); a
        # department's report names none
        if is_department_report(seg.title):
            f.project = None
        else:
            body = [" ".join(r.texts) for r in seg.rows]
            f.project = f.project or report_project(seg.title) or (
                None if names_whole_department(seg.title, *body)
                else project_in_opening(seg.rows) or project_money_used_for(seg.rows))
    if kind.startswith("dept"):
        f.project = None
    f.project_code = meta.get("project_code", (None,))[0]
    dept = meta.get("department", (None,))[0]
    unit = meta.get("unit", (None,))[0]
    code_unit = code_and_unit_line(rows)
    if code_unit and not unit:
        f.department_code, unit = code_unit
    if not dept:
        # the web page's 发布机构, or the site named after a page title ('…自评报告-民生工程-某县人民政府')
        publisher = meta.get("publisher", (None,))[0] or ctx.publisher or _site_in_title(seg.title)
        named = org_named_most(seg.title, *[" ".join(r.texts) for r in rows]) if kind == "self_eval_report" else None
        dept = (
            (re.sub(r"本级$", "", unit) if unit and unit.endswith("本级") else None)
            or _fuller(_same_org(org_in_title(seg.title, *[r.texts[0] for r in rows[:4] if r.cells]),
                                 ctx.keyed_department), publisher)
            or org_in_breadcrumb(rows[:4]) or ctx.crumb
            or next((r.texts[0].strip() for r in rows[:4] if len(r.cells) == 1 and looks_like_org(r.texts[0])), None)
            # a department's form keyed by its 单位名称 alone names itself there, not the document's earlier one
            # (a run of departments' forms: ctx holds the first's)
            or (unit if kind.startswith("dept") else None)
            or ctx.department
            or (org_in_prose(*[" ".join(r.texts) for r in rows[:20]]) if kind == "self_eval_report" else None)
            or (org_as_subject(*[" ".join(r.texts) for r in rows[:8]]) if kind == "self_eval_report" else None)
            or (_signed_by(rows) if kind == "self_eval_report" else None)
            # the page's publisher ('来源:市某局'), as fully as the prose names it ('东阳市某局…'); else the body
            # the prose names most as its own ('绵阳市某局主要有…')
            or _fuller(publisher, named) or named
        )
    if not dept and unit and kind.startswith("dept"):
        dept, unit = unit, None
    code, _ = split_code(dept)
    f.department = cell_text(dept)
    f.department_code = f.department_code or code or meta.get("department_code", (None,))[0]
    f.unit = cell_text(unit) if unit and fold_cell(unit) != fold_cell(dept or "") else None

    head_texts = [seg.title] + [" ".join(r.texts) for r in rows[:6]]
    # the title's year, else the document's (its own title line, file name), else the table head's
    f.year = find_year(seg.title) or ctx.year or find_year(*head_texts[1:]) or find_year(*[" ".join(r.texts) for r in rows])

    # a place from the filing's own keys and title; else one that begins an organisation's name in the text
    # (the head of the text, and its last lines, where a report is signed: '某市某区交通运输局 / 2022年08月01日')
    place = find_place(f.department, f.unit, seg.title, f.project)
    if place is not None and place.county is None:
        # a city's (or province's) bureau in charge and a county's body carrying the project out ('主管部门 某市某局 |
        # 实施单位 某市某区某局'): the filing is that county's
        implementer = find_place(f.unit)
        if implementer is not None and implementer.county and lies_within(implementer, place):
            place = implementer
    if place is None or place.county is None:
        # keys that name no county ('湖南省某公司' as the implementer): an organisation in the head or the signature
        # that does, within the place the keys name
        prose = find_place_in_prose(*[" ".join(r.texts) for r in rows[:8] + rows[-3:]])
        if place is None or (prose is not None and prose.county and lies_within(prose, place)):
            place = prose
    if (place is None or place.county is None) and not (ctx.place and ctx.place[0]):
        # no organisation named with a county: the one county the page keeps naming in passing, if it lies
        # in the province or city named
        near = find_repeated_county(*ctx.texts, *[" ".join(r.texts) for r in rows])
        if near is not None and (place is None or lies_within(near, place)):
            place = near
    if place is None and ctx.place and ctx.place[0]:
        f.province, f.city, f.county, f.adcode = ctx.place
    elif place is not None:
        f.province, f.city, f.county, f.adcode = place.province, place.city, place.county, place.adcode

    if kind == "self_eval_report":
        stated = stated_figures(rows)
        f.budget_initial = stated.get("initial")
        f.budget_adjusted = stated.get("adjusted")
        f.budget_executed = stated.get("executed")
        f.exec_rate_reported = stated.get("rate")
        f.total_score = stated.get("score")
        f.total_weight = stated.get("weight") if f.total_score is not None else None
        table_total = result_table_total(rows) if f.total_score is None else None
        if table_total:  # no score in the prose: the report's result table's total row
            f.total_weight, f.total_score, f.grade_reported = table_total
        f.sections = report_sections(seg.rows)
    else:
        if kind.endswith("self_eval"):
            b = money.self_eval_budget(rows, s.money)
        else:
            b = money.target_budget(rows)
        if b.initial is None and b.adjusted is None and b.executed is None:
            b = _money_from_summary(seg, ctx, kind, s) or b
        if kind.endswith("self_eval"):
            f.budget_initial, f.budget_adjusted, f.budget_executed = b.initial, b.adjusted, b.executed
            f.exec_rate_reported, f.exec_weight, f.exec_score = b.rate, b.weight, b.score
        else:
            # A target table's 预算数 is both its initial and its (only) full-year budget.
            f.budget_initial = f.budget_adjusted = b.initial
            f.spending_plan = b.plan
            f.exec_rate_reported, f.exec_weight = b.rate, b.weight  # a planned rate and its weight, where stated
        f.budget_fiscal, f.budget_other, f.budget_carryover = b.fiscal, b.other, b.carryover
        f.amount_unit = "元" if b.in_yuan else "万元"
        notes.extend(b.notes)
        table_rows = blocks.annual if blocks else rows
        f.sections = goal_sections(table_rows, header.row_index if header else len(table_rows)) if table \
            else report_sections(seg.rows)

    if table is not None:
        f.indicators = table.indicators
        f.sections += [Section("long_term_target", i.name or "", i.long_term, i.loc) for i in f.indicators if i.long_term]
        f.trace = (table.decoded, table.roles)
        f.total_weight, f.total_score, f.grade_reported = table.total_weight, table.total_score, table.grade
        unscored = bool(f.indicators) and all(i.score is None for i in f.indicators) \
            and any(i.weight is not None for i in f.indicators)
        if (kind.endswith("target") or unscored) and (f.total_weight is None or f.total_weight == f.total_score):
            # a target table scores nothing: its one total is the weight ('合计(100分) | 100' states it twice);
            # so does a self-evaluation form whose rows print weights and no score (left unscored)
            f.total_weight, f.total_score = f.total_score, None
    if long_term is not None:
        f.sections += [Section("long_term_target", i.name or "", " ".join(x for x in (i.name, i.target) if x), i.loc)
                       for i in long_term.indicators]
    if f.total_score is None and kind.endswith("self_eval"):
        f.total_score = _stated_total(rows)
    for ind in f.indicators:
        ind.target_m = parse_measure(ind.target)
        ind.actual_m = parse_measure(ind.actual)

    for ind in f.indicators:
        if ind.parse_confidence is None:
            ind.parse_confidence = 1.0  # a grid row: every cell stood under its own header
    f.parse_confidence = filing_confidence(f)
    status, why = self_check(f, table)
    f.parse_status = status
    f.parse_notes = notes + why
    return f


def read_table(rows: list[Row], grid: bool, kind: str | None, s: ParseSettings = DEFAULT) -> tuple[TableResult | None, object]:
    """The indicator table of a segment's rows, and the header it was read under (None if none)."""
    header = find_header(rows)
    table: TableResult | None = None
    if grid and header is not None and not names_values(header):
        # the levels and the name headed, the value columns not: a target table heads them by the units its
        # targets are for (东山村 | 西岭村 …: the first unit's is read as the target); elsewhere the rows'
        # content says which cell is which value
        header = unit_columns_as_targets(rows, header) if kind in ("project_target", "dept_target") else None
    if grid and header is not None:
        table = grid_indicators(rows, header, s)
    elif not grid:
        table = stream_indicators(rows, s, target_table=kind in ("project_target", "dept_target"))
    if (table is None or not table.indicators) and kind not in ("self_eval_report", SELF_EVAL_ANY):
        # no header we know, or one whose grammar read nothing: the rows' content says what they are
        table = content_indicators(rows, s, fragment=kind is None,
                                   target_table=kind in ("project_target", "dept_target")) or table
    if table is None and kind in ("project_target", "dept_target"):
        # a short target page that states its indicators in lines of prose (a report's prose is not a table)
        table = prose_indicators(rows)
    return table, header


def filing_confidence(f: Filing) -> float:
    """The filing's reading is as sure as its least sure rows: the mean of the lowest quarter."""
    confs = sorted(i.parse_confidence for i in f.indicators if i.parse_confidence is not None)
    if not confs:
        return 1.0 if f.doc_kind == "self_eval_report" or f.budget_adjusted is not None else 0.5
    low = confs[: max(1, len(confs) // 4)]
    return round(sum(low) / len(low), 3)


def _stated_total(rows: list[Row]) -> float | None:
    """'自评总分(分) | 97.6' printed in the header block instead of a 总分 row (etl/lexicon.toml [totals] stated)."""
    words = lexicon().stated_total_labels
    cells = [fold_cell(c.text) for r in rows for c in r.cells if c.text.strip()]
    # the label cut in two by a glued copy's cutter ('…自评' | '得分' | '98…'): read where the cells join
    joined: list[str] = []
    for t in cells:
        if joined and any(joined[-1].endswith(w[:cut]) and t.startswith(w[cut:])
                          for w in words for cut in range(1, len(w))):
            joined[-1] += t
        else:
            joined.append(t)
    cells = joined
    label = re.compile(rf"({alternation(words)})(\(分\))?[:：]?")
    for k, t in enumerate(cells):
        m = label.search(t)
        if not m:
            continue
        for nxt in [t[m.end():]] + cells[k + 1: k + 3]:
            v = re.match(r"^(\(分\))?(\d+(?:\.\d+)?)", nxt)
            if v and 0 < float(v.group(2)) <= 100:
                return float(v.group(2))
            if nxt and not re.fullmatch(r"\(分\)", nxt):
                break
    return None


def goal_sections(rows: list[Row], stop: int) -> list[Section]:
    """Goal and function texts printed before the indicator table."""
    out = []
    for i, row in enumerate(rows[:stop]):
        texts = [t for t in row.texts if t.strip()]
        if not texts:
            continue
        key = fold_cell(texts[0])
        for pat, kind in _GOAL_KEYS:
            if pat.match(key):
                rest = texts[1:]
                if kind == "goal" and rest[:2] and fold_cell(rest[0]) == "预期目标":
                    # 年度总体目标 | 预期目标 | 实际完成情况, values on the next row
                    if i + 1 < len(rows):
                        vals = [t for t in rows[i + 1].texts if t.strip()]
                        if vals:
                            out.append(Section("goal_expected", "预期目标", vals[0], rows[i + 1].loc))
                        if len(vals) > 1:
                            out.append(Section("goal_actual", "实际完成情况", vals[1], rows[i + 1].loc))
                elif rest:
                    out.append(Section(kind, texts[0], "\n".join(rest), row.loc))
                break
    return out


def self_check(f: Filing, table: TableResult | None) -> tuple[str, list[str]]:
    """Does what we read add up? A table that does not is marked partial, with the reason."""
    why = []
    if f.doc_kind != "self_eval_report" and not f.indicators:
        why.append("未找到绩效指标表")
    if f.doc_kind.endswith("self_eval") and f.indicators:
        if f.total_score is None:
            why.append("未找到总分行（表格可能不完整）")
        # the invariants the checks judge, at the parser's own line (was a row missed?)
        tol = tolerances()["table_sum"]
        why += [inv.note(f) for inv in (WEIGHTS_ADD_UP, SCORES_ADD_UP) if inv.holds(f, tol) is False]
    status = "partial" if why else "ok"
    return status, why
