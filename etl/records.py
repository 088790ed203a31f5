"""Plain typed records that flow between the ETL stages.

read  -> Document (rows of cells, each with a Loc saying where it came from)
parse -> Filing (with Indicator rows)
check -> Finding
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field


# Loc, Measure, Indicator and Finding have slots: a bulk import holds 100,000 indicator rows, each with its
# Loc and two Measures, and a __dict__ apiece cost ~45 MB of its peak memory.
@dataclass(frozen=True, slots=True)
class Loc:
    """Where a piece of a filing came from inside its source file.

    Every field is optional: a text file has lines, a workbook has a sheet with
    rows and columns, a PDF has pages (and boxes), a DOCX or HTML page has
    tables with rows and columns.
    """

    page: int | None = None  # 1-based PDF page
    sheet: str | None = None  # workbook sheet name
    table: int | None = None  # 0-based table index in DOCX / HTML / PDF page
    row: int | None = None  # 1-based row (sheet row, table row)
    col: int | None = None  # 1-based column
    line_start: int | None = None  # 1-based text line range
    line_end: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # PDF (x0, top, x1, bottom)

    def merge(self, other: "Loc | None") -> "Loc":
        """Span of two locations (for a filing or a row that covers several)."""
        if other is None:
            return self

        def lo(a, b):
            return b if a is None else a if b is None else min(a, b)

        def hi(a, b):
            return b if a is None else a if b is None else max(a, b)

        return Loc(
            page=lo(self.page, other.page),
            sheet=self.sheet or other.sheet,
            table=lo(self.table, other.table),
            row=lo(self.row, other.row),
            col=None,
            line_start=lo(self.line_start, other.line_start),
            line_end=hi(self.line_end, other.line_end),
            bbox=None,
        )

    def describe(self) -> str:
        """Short Chinese description for the dashboard: 第2页 表1 第5行."""
        parts = []
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table + 1}")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.col is not None:
            parts.append(f"第{self.col}列")
        if self.line_start is not None:
            if self.line_end is not None and self.line_end != self.line_start:
                parts.append(f"第{self.line_start}-{self.line_end}行(文本)")
            else:
                parts.append(f"第{self.line_start}行(文本)")
        return " ".join(parts)


@dataclass
class Cell:
    text: str
    loc: Loc = field(default_factory=Loc)
    glued: bool = False  # cut out of text whose separators were lost: its edges are only a guess


@dataclass
class Row:
    """One row of a table, or one paragraph of free text (a single cell).

    Merged cells are resolved by the reader: the value stands once, at the
    top-left position; the positions it covers are empty cells. This is how
    tables look when copied to text, so every format parses the same way.
    """

    cells: list[Cell]
    loc: Loc = field(default_factory=Loc)
    table: int | None = None  # index of the table in the document; None = free text

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Document:
    """A source file read into rows, in reading order."""

    name: str  # file name as ingested
    fmt: str  # txt, docx, xlsx, xls, pdf, html
    rows: list[Row]
    layout: str = ""  # how the reader understood it (for text: tabbed, cell_per_line, flattened, pipe)
    warnings: list[str] = field(default_factory=list)


class ReadError(Exception):
    """A file that cannot be read. The message names the problem in Chinese-friendly plain words."""


def library_error(what: str, exc: Exception) -> "ReadError":
    """A reader library's failure said in Chinese: what could not be read, and the error's kind as a code.

    The library's own English sentence ("Unexpected EOF", "File is not a zip file") is left out: users
    read the message in Chinese; the kind (PSEOF, BadZipFile) tells a maintainer which library failed.
    """
    kind = type(exc).__name__.removesuffix("Error").removesuffix("Exception") or type(exc).__name__
    return ReadError(f"{what}（错误类型：{kind}）")


class UnsupportedFormat(ReadError):
    """A format we recognise but do not read (.doc, .wps, image-only PDF)."""


@dataclass(slots=True)
class Measure:
    """A target or actual read as a measure: op, number, unit."""

    op: str | None  # '>=', '<=', '=', '>', '<' or None when no operator was printed
    num: float
    unit: str | None  # '%', '万元', '人', ... as printed (normalised spelling: 百分比 -> %)
    raw_unit: str | None = None  # unit as printed when it was normalised


@dataclass(slots=True)
class Indicator:
    seq: int  # 1-based order in the filing
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    description: str | None = None  # 绩效指标描述 / 指标解释
    target: str | None = None  # 年度指标值 as printed
    actual: str | None = None  # 实际完成值 as printed
    weight: float | None = None  # 分值
    score: float | None = None  # 得分
    reason: str | None = None  # 偏差原因分析及改进措施
    basis: str | None = None  # 指标值确定依据 / 绩效标准
    nature: str | None = None  # 指标性质 (定量 / 定性) when printed
    target_m: Measure | None = None
    actual_m: Measure | None = None
    loc: Loc = field(default_factory=Loc)
    parse_confidence: float | None = None  # 0-1: estimated share of the row's fields read right (etl/trust)
    code: str | None = None  # 三级指标代码 of a structured export (as text)
    long_term: str | None = None  # the long-term group's indicator and value, where a header has 长期 | 年度 groups
    # the parser's own margin over the runner-up reading (0-1), kept by etl/trust before it sets parse_confidence
    decoder_margin: float | None = field(default=None, compare=False)


@dataclass
class SpendPoint:
    """One period of a 资金支出计划: amount (or share) planned by the end of that period."""

    period: str  # as printed: 3月底
    month: int | None  # 3
    value: float | None
    loc: Loc = field(default_factory=Loc)


@dataclass
class Section:
    """A headed section of a narrative report, or a goal text of a table."""

    kind: str  # 'report' for report sections; 'goal_expected', 'goal_actual', 'goal', 'function' for table text
    heading: str
    text: str
    loc: Loc = field(default_factory=Loc)


# Every stored amount is in 万元: 1 万元 is this many 元 (etl/measures.py MONEY_IN_WAN for other units).
YUAN_PER_WAN = 10000.0

DOC_KINDS = ("project_target", "dept_target", "project_self_eval", "dept_self_eval", "self_eval_report")
# The names users read (dashboard, report, letters), defined once.
DOC_KIND_TITLES = {
    "project_target": "项目绩效目标表",
    "dept_target": "部门整体绩效目标表",
    "project_self_eval": "项目支出绩效自评表",
    "dept_self_eval": "部门整体支出绩效自评表",
    "self_eval_report": "绩效自评报告",
}


@dataclass
class Filing:
    doc_kind: str
    part_index: int = 0
    title: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None
    department: str | None = None
    department_code: str | None = None
    unit: str | None = None
    project: str | None = None
    project_code: str | None = None
    year: int | None = None
    amount_unit: str = "万元"  # unit the table printed amounts in (all stored amounts are 万元)
    budget_initial: float | None = None
    budget_adjusted: float | None = None
    budget_executed: float | None = None
    budget_fiscal: float | None = None  # 财政资金 / 财政拨款
    budget_other: float | None = None  # 其他资金
    budget_carryover: float | None = None  # 上年结转
    exec_rate_reported: float | None = None
    exec_weight: float | None = None
    exec_score: float | None = None
    total_weight: float | None = None
    total_score: float | None = None
    grade_reported: str | None = None  # 优 / 良 / 中 / 差 when printed
    spending_plan: list[SpendPoint] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    parse_status: str = "ok"  # ok / partial / failed
    parse_confidence: float | None = None  # 0-1: estimated share of the filing's fields read right (etl/trust)
    trace: object | None = field(default=None, repr=False, compare=False)  # the decoder's steps, for --explain
    parse_notes: list[str] = field(default_factory=list)
    loc: Loc = field(default_factory=Loc)
    # 'document' (a published filing, parsed) or 'structured' (an export of the budget system, imported as is)
    source_kind: str = "document"
    # filled by the pipeline
    source_file: str | None = None
    source_sha256: str | None = None
    filing_id: str | None = None


@dataclass(slots=True)
class Finding:
    rule: str
    family: str  # vague, scoring, reason, category, numbers, copying, template, parse
    severity: str  # error, warning, info
    message: str  # Chinese: what is wrong, what was expected, the evidence
    indicator_seq: int | None = None
    filing_id: str | None = None
    evidence: str | None = None  # the values the finding rests on, as text


@contextmanager
def many_records():
    """Pause the cycle collector while a bulk step builds many records (they hold no cycles).

    Each collection walks every object alive, so building a bulk export's 100,000 indicator rows (and
    the rows written from them, and the cross-year rules' copy of them) with it running cost about
    3 s of CPU in ~30 for the whole import. Garbage cycles made meanwhile are collected when the
    collector runs again after the step. Nested steps leave it as the outer one set it.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
