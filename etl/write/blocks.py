"""Turn a Filing into abstract blocks (paragraphs and one grid) that every writer renders.

The grid is the printed table as real templates draw it: a label column on the
left, merged 一级 / 二级 cells, the 项目资金 block, and so on. Writers only
draw it, so DOCX, XLSX, PDF, HTML and text all carry the same cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from etl.records import YUAN_PER_WAN, Filing, Indicator

KIND_NAMES = {
    "project_target": "项目支出绩效目标表",
    "dept_target": "部门整体支出绩效目标表",
    "project_self_eval": "项目支出绩效自评表",
    "dept_self_eval": "部门整体支出绩效自评表",
    "self_eval_report": "绩效自评报告",
}


@dataclass
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # a label or column header: drawn bold / shaded


@dataclass
class Grid:
    ncols: int
    rows: list[list[GCell | None]]  # None = a position covered by a merged cell
    widths: list[float]  # relative column widths
    repeat_row: int | None = None  # the indicator header: repeated when a page breaks

    def texts(self) -> list[list[str]]:
        """Rows as a reader sees them: merged text once at the top-left, covered positions empty."""
        return [[c.text if c is not None else "" for c in row] for row in self.rows]


@dataclass
class Block:
    kind: str  # title, meta, heading, para, table
    text: str = ""
    grid: Grid | None = None


@dataclass
class _Builder:
    ncols: int
    cells: dict[tuple[int, int], GCell] = field(default_factory=dict)
    covered: set[tuple[int, int]] = field(default_factory=set)
    nrows: int = 0

    def put(self, r: int, c: int, text, rs: int = 1, cs: int = 1, header: bool = False) -> None:
        assert c + cs <= self.ncols, (r, c, cs)
        self.cells[(r, c)] = GCell("" if text is None else str(text), rs, cs, header)
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                if (i, j) != (r, c):
                    self.covered.add((i, j))
        self.nrows = max(self.nrows, r + rs)

    def row(self, r: int, items: list, header: bool = False) -> None:
        """Lay out a row left to right from (text, colspan) pairs or plain texts."""
        c = 0
        for it in items:
            text, cs = it if isinstance(it, tuple) else (it, 1)
            while (r, c) in self.covered or (r, c) in self.cells:
                c += 1
            self.put(r, c, text, cs=cs, header=header)
            c += cs

    def grid(self, widths: list[float], repeat_row: int | None = None) -> Grid:
        rows = []
        for r in range(self.nrows):
            row: list[GCell | None] = []
            for c in range(self.ncols):
                if (r, c) in self.covered:
                    row.append(None)
                else:
                    row.append(self.cells.get((r, c), GCell("")))
            rows.append(row)
        return Grid(self.ncols, rows, widths, repeat_row)


# ---------------------------------------------------------------- numbers


def fmt_num(v: float | None, places: int = 2) -> str:
    """10.0 -> '10', 2.5 -> '2.5', None -> ''."""
    if v is None:
        return ""
    s = f"{v:.{places}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def fmt_amount(v: float | None, unit: str) -> str:
    """A stored 万元 amount as printed in the table's unit (元 tables print yuan)."""
    if v is None:
        return ""
    if unit == "元":
        return f"{v * YUAN_PER_WAN:.2f}"
    return f"{v:.2f}"


def fmt_rate(v: float | None) -> str:
    return "" if v is None else fmt_num(v * 100, 2) + "%"


def _unit_label(f: Filing) -> str:
    return "元" if f.amount_unit == "元" else "万元"


def _section(f: Filing, kind: str) -> str:
    for s in f.sections:
        if s.kind == kind:
            return s.text
    return ""


# ---------------------------------------------------------------- indicator spans


def _groups(inds: list[Indicator], key) -> list[tuple[int, int]]:
    """(start, length) runs of consecutive rows with the same key value."""
    runs: list[tuple[int, int]] = []
    for i, ind in enumerate(inds):
        if runs and key(inds[runs[-1][0]]) == key(ind):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((i, 1))
    return runs


def _level_cells(b: _Builder, r0: int, c0: int, inds: list[Indicator], scored: bool) -> None:
    """Merged 一级 (col c0) and 二级 (col c0+1) cells over the indicator rows starting at row r0."""
    for start, n in _groups(inds, lambda i: i.level1):
        label = inds[start].level1 or ""
        if scored and label:
            w = sum(i.weight or 0 for i in inds[start:start + n])
            label = f"{label}({fmt_num(w)}分)"
        b.put(r0 + start, c0, label, rs=n)
        for s2, n2 in _groups(inds[start:start + n], lambda i: i.level2):
            b.put(r0 + start + s2, c0 + 1, inds[start + s2].level2 or "", rs=n2)


# ---------------------------------------------------------------- layouts


def _self_eval(f: Filing) -> Grid:
    b = _Builder(9)
    u = _unit_label(f)
    r = 0
    if f.doc_kind == "project_self_eval":
        b.row(r, [("项目名称", 1), (f.project, 8)]); b.cells[(r, 0)].header = True
        r += 1
        b.row(r, ["主管部门", (f.department, 3), "实施单位", (f.unit, 4)])
        b.cells[(r, 0)].header = b.cells[(r, 4)].header = True
        r += 1
        block = f"项目资金（{u}）"
    else:
        b.row(r, [("部门名称", 1), (f.department, 8)]); b.cells[(r, 0)].header = True
        r += 1
        block = f"年度预算申请（{u}）"
    b.put(r, 0, block, rs=5, header=True)
    b.row(r, [("", 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], header=True)
    amt = lambda v: fmt_amount(v, f.amount_unit)  # noqa: E731
    b.row(r + 1, [("年度资金总额", 2), amt(f.budget_initial), amt(f.budget_adjusted), amt(f.budget_executed),
                  fmt_num(f.exec_weight), fmt_rate(f.exec_rate_reported), fmt_num(f.exec_score)])
    others = (f.budget_other or 0) + (f.budget_carryover or 0)
    all_fiscal = not others and f.budget_fiscal is not None and f.budget_fiscal == f.budget_adjusted
    if all_fiscal:  # every yuan is fiscal money: the sub-row repeats the three totals, as forms do
        b.row(r + 2, [("其中：财政拨款", 2), amt(f.budget_initial), amt(f.budget_adjusted), amt(f.budget_executed), "", "", ""])
    else:
        b.row(r + 2, [("其中：财政拨款", 2), "", amt(f.budget_fiscal), "", "", "", ""])
    b.row(r + 3, [("上年结转", 2), "", amt(f.budget_carryover), "", "", "", ""])
    b.row(r + 4, [("其他资金", 2), "", amt(f.budget_other), "", "", "", ""])
    r += 5
    b.put(r, 0, "年度总体目标", rs=2, header=True)
    b.row(r, [("预期目标", 4), ("实际完成情况", 4)], header=True)
    b.row(r + 1, [(_section(f, "goal_expected"), 4), (_section(f, "goal_actual"), 4)])
    r += 2
    head = r
    inds = f.indicators
    b.put(r, 0, "绩效指标", rs=len(inds) + 1, header=True)
    b.row(r, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"], header=True)
    r += 1
    _level_cells(b, r, 1, inds, scored=True)
    for k, ind in enumerate(inds):
        for c, v in enumerate([ind.name, ind.target, ind.actual, fmt_num(ind.weight), fmt_num(ind.score), ind.reason], start=3):
            b.put(r + k, c, v)
    r += len(inds)
    b.put(r, 0, "总分", cs=6, header=True)
    b.put(r, 6, fmt_num(f.total_weight))
    b.put(r, 7, fmt_num(f.total_score))
    b.put(r, 8, "")
    return b.grid([1.0, 1.2, 1.3, 2.6, 1.4, 1.4, 0.7, 0.7, 2.4], repeat_row=head)


def _project_target(f: Filing) -> Grid:
    desc = any(i.description for i in f.indicators)
    n = 6 if desc else 5
    b = _Builder(n)
    u = _unit_label(f)
    left = (n - 2 + 1) // 2
    right = n - 3 - left
    b.row(0, ["项目名称", (f.project, left), "项目编码", (f.project_code, right)])
    b.row(1, ["主管部门", (f.department, left), "实施单位", (f.unit, right)])
    for c in (0, left + 1):
        b.cells[(0, c)].header = b.cells[(1, c)].header = True
    amt = lambda v: fmt_amount(v, f.amount_unit)  # noqa: E731
    b.put(2, 0, f"预算资金（{u}）", rs=2, header=True)
    b.row(2, ["预算数", "其中：财政资金", ("其他资金", n - 3)], header=True)
    b.row(3, [amt(f.budget_initial), amt(f.budget_fiscal), (amt(f.budget_other), n - 3)])
    r = 4
    if f.spending_plan:
        b.put(r, 0, f"资金支出计划（{u}）", rs=2, header=True)
        k = len(f.spending_plan)
        spans = [1] * k
        spans[-1] += (n - 1) - k  # the last period takes the spare columns
        b.row(r, [(p.period, s) for p, s in zip(f.spending_plan, spans)], header=True)
        b.row(r + 1, [(amt(p.value), s) for p, s in zip(f.spending_plan, spans)])
        r += 2
    b.row(r, ["绩效目标", (_section(f, "goal"), n - 1)])
    b.cells[(r, 0)].header = True
    r += 1
    head = r
    hdr = ["一级指标", "二级指标", "三级指标"] + (["绩效指标描述"] if desc else []) + ["指标值", "指标值确定依据"]
    b.row(r, hdr, header=True)
    r += 1
    _level_cells(b, r, 0, f.indicators, scored=False)
    for k, ind in enumerate(f.indicators):
        vals = [ind.name] + ([ind.description] if desc else []) + [ind.target, ind.basis]
        for c, v in enumerate(vals, start=2):
            b.put(r + k, c, v)
    widths = [1.1, 1.3, 2.4] + ([2.6] if desc else []) + [1.5, 1.4]
    return b.grid(widths, repeat_row=head)


def _dept_target(f: Filing) -> Grid:
    b = _Builder(4)
    u = _unit_label(f)
    amt = lambda v: fmt_amount(v, f.amount_unit)  # noqa: E731
    b.row(0, ["部门名称", (f.department, 3)])
    b.put(1, 0, f"年度预算申请（{u}）", rs=2, header=True)
    b.row(1, ["资金总额", "其中：财政拨款", "其他资金"], header=True)
    b.row(2, [amt(f.budget_initial), amt(f.budget_fiscal), amt(f.budget_other)])
    b.row(3, ["部门职能", (_section(f, "function"), 3)])
    b.row(4, ["整体绩效目标", (_section(f, "goal"), 3)])
    for r in (0, 3, 4):
        b.cells[(r, 0)].header = True
    b.row(5, ["一级指标", "二级指标", "三级指标", "指标值"], header=True)
    _level_cells(b, 6, 0, f.indicators, scored=False)
    for k, ind in enumerate(f.indicators):
        b.put(6 + k, 2, ind.name)
        b.put(6 + k, 3, ind.target)
    return b.grid([1.2, 1.4, 3.2, 1.6], repeat_row=5)


def meta_line(f: Filing) -> str:
    who = f.unit or f.department or ""
    return f"填报单位：{who}    单位：{_unit_label(f)}"


def layout(f: Filing) -> list[Block]:
    """The blocks of one filing, in reading order."""
    title = f.title or KIND_NAMES.get(f.doc_kind, "")
    if f.doc_kind == "self_eval_report":
        out = [Block("title", title)]
        for s in f.sections:
            if s.kind != "report":
                continue
            if s.heading:
                out.append(Block("heading", s.heading))
            for para in s.text.split("\n"):
                if para.strip():
                    out.append(Block("para", para))
        return out
    if f.doc_kind in ("project_self_eval", "dept_self_eval"):
        grid = _self_eval(f)
    elif f.doc_kind == "project_target":
        grid = _project_target(f)
    elif f.doc_kind == "dept_target":
        grid = _dept_target(f)
    else:
        raise ValueError(f"unknown doc_kind {f.doc_kind!r}")
    return [Block("title", title), Block("meta", meta_line(f)), Block("table", grid=grid)]


def as_list(filing_or_filings) -> list[Filing]:
    return list(filing_or_filings) if isinstance(filing_or_filings, (list, tuple)) else [filing_or_filings]
