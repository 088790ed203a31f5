"""Layouts of real templates built as real DOCX / XLSX files (made-up filings), read end to end.

Each test builds one class of layout the finance bureaus publish: a 项目支出绩效自评表 with its key block,
money block and indicator table, varied the way templates vary, and asserts the rows the parser reads.
"""
from __future__ import annotations

import io

import pytest

from etl.parse import parse_document
from etl.read import read_path

ROWS = [  # level1, level2, name, target, actual, weight, score, reason
    ("产出指标", "数量指标", "新建污水管网长度", "≥8公里", "8.4公里", 20, 20, ""),
    ("产出指标", "数量指标", "覆盖自然村数", "6个", "6个", 10, 10, ""),
    ("产出指标", "质量指标", "管网验收合格率", "100%", "100%", 10, 10, ""),
    ("产出指标", "时效指标", "完工时间", "2024年10月前", "2024年12月", 10, 7, "征地协调延误工期"),
    ("效益指标", "生态效益指标", "生活污水收集率", "≥85%", "88%", 20, 20, ""),
    ("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "93%", 20, 20, ""),
]
# the same targets printed as sign | figure | unit
PARTS = {"≥8公里": ("≥", "8", "公里"), "6个": ("", "6", "个"), "100%": ("", "100", "%"),
         "2024年10月前": ("", "2024年10月前", ""), "≥85%": ("≥", "85", "%"), "≥90%": ("≥", "90", "%")}
WORDS = {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "target": "年度指标值", "actual": "实际完成值",
         "weight": "分值", "score": "得分", "reason": "偏差原因分析及改进措施", "sign": "符号", "fig": "数值", "unit": "单位"}


def _table(cols: list[str], parents: dict[str, list[str]] | None = None, repeat_at: int | None = None):
    """(grid, merges) of the indicator table: a header (one row, or two with `parents` over their parts),
    level cells merged down, and the total row. None in the grid is a cell covered by a merge."""
    grid, merges = [], []
    if parents:
        owner = {k: p for p, ks in parents.items() for k in ks}
        top, bottom = [], []
        for c, k in enumerate(cols):
            p = owner.get(k)
            if p is None:
                top.append(WORDS[k])
                bottom.append(None)
                merges.append((0, c, 1, c))
            elif parents[p][0] == k:
                top.append(p)
                bottom.append(WORDS[k])
                merges.append((0, c, 0, c + len(parents[p]) - 1))
            else:
                top.append(None)
                bottom.append(WORDS[k])
        grid += [top, bottom]
    else:
        grid.append([WORDS[k] for k in cols])
    head = [list(r) for r in grid]
    first = len(grid)
    for n, (l1, l2, name, target, actual, weight, score, reason) in enumerate(ROWS):
        if n == repeat_at:
            grid += [list(r) for r in head]
        sign, fig, unit = PARTS[target]
        cells = {"l1": l1, "l2": l2, "name": name, "target": target, "actual": actual, "weight": weight,
                 "score": score, "reason": reason, "sign": sign, "fig": fig, "unit": unit}
        grid.append([cells[k] for k in cols])
    # level cells merged down over their rows (not across a repeated header)
    body = [r for r in range(first, len(grid)) if grid[r][0] not in (WORDS["l1"], None)]
    for col, key in ((0, lambda r: grid[r][0]), (1, lambda r: (grid[r][0], grid[r][1]))):
        run = [body[0]]
        for r in body[1:] + [None]:
            if r is not None and r == run[-1] + 1 and key(r) == key(run[0]):
                run.append(r)
                continue
            if len(run) > 1:
                merges.append((run[0], col, run[-1], col))
            run = [r] if r is not None else []
    grid.append(["总分"] + [None] * (cols.index("weight") - 1) + [100, 97] + [""] * (len(cols) - cols.index("score") - 1))
    merges.append((len(grid) - 1, 0, len(grid) - 1, cols.index("weight") - 1))
    return grid, merges


def _filing(cols, parents=None, repeat_at=None):
    """Title, key block, money block and the indicator table in one grid of the table's width."""
    w = len(cols)
    grid = [["2024年度项目支出绩效自评表"] + [None] * (w - 1),
            ["项目名称", "农村生活污水治理项目"] + [None] * (w - 2),
            ["主管部门", "某县生态环境局"] + [None] * (w // 2 - 2) + ["实施单位", "某县环境监测站"] + [None] * (w - w // 2 - 2),
            ["项目资金（万元）", ""] + [None] * (w - 8) + ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            [None, "年度资金总额"] + [None] * (w - 8) + [500, 600, 540, 10, 0.9, 9]]
    merges = [(0, 0, 0, w - 1), (1, 1, 1, w - 1), (2, 1, 2, w // 2 - 1), (2, w // 2 + 1, 2, w - 1),
              (3, 0, 4, 0), (3, 1, 3, w - 7), (4, 1, 4, w - 7)]
    table, table_merges = _table(cols, parents, repeat_at)
    merges += [(a + len(grid), b, c + len(grid), d) for a, b, c, d in table_merges]
    grid += table
    for a, b, c, d in merges:  # a merged region's text stands once, in its first cell
        for r in range(a, c + 1):
            for k in range(b, d + 1):
                if (r, k) != (a, b):
                    grid[r][k] = None
    return grid, merges


def _docx(path, grid, merges):
    import docx

    d = docx.Document()
    t = d.add_table(rows=len(grid), cols=len(grid[0]))
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v not in (None, ""):
                t.cell(r, c).text = f"{v:.0%}" if isinstance(v, float) else str(v)
    for a, b, c, e in merges:
        t.cell(a, b).merge(t.cell(c, e))
    d.save(path)


def _xlsx(path, grid, merges):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if v not in (None, ""):
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, float):
                    cell.number_format = "0%"  # a rate stored as a number, shown as a percentage
    for a, b, c, e in merges:
        ws.merge_cells(start_row=a + 1, start_column=b + 1, end_row=c + 1, end_column=e + 1)
    wb.save(path)


WRITERS = {"docx": _docx, "xlsx": _xlsx}


def _read(tmp_path, fmt, grid, merges):
    path = tmp_path / f"filing.{fmt}"
    WRITERS[fmt](path, grid, merges)
    filings = parse_document(read_path(path))
    assert len(filings) == 1
    return filings[0]


def _rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason or "") for i in f.indicators]


def _want(targets=None):
    return [(a, b, c, (targets or {}).get(d, d), e, float(w), float(s), r) for a, b, c, d, e, w, s, r in ROWS]


STD = ["l1", "l2", "name", "target", "actual", "weight", "score", "reason"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_plain_template_reads_every_field(tmp_path, fmt):
    f = _read(tmp_path, fmt, *_filing(STD))
    assert (f.project, f.department, f.unit) == ("农村生活污水治理项目", "某县生态环境局", "某县环境监测站")
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (500, 600, 540, 0.9)
    assert (f.total_weight, f.total_score) == (100, 97)
    assert _rows(f) == _want()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_score_parent_over_weight_and_score(tmp_path, fmt):
    """Class: a two-row header whose parent cell ('自评得分') spans the 分值 | 得分 parts. The parent's own
    score word made its first part the score column and left the second unread: every weight was lost."""
    f = _read(tmp_path, fmt, *_filing(STD, parents={"自评得分": ["weight", "score"]}))
    assert _rows(f) == _want()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_target_parent_over_sign_figure_unit(tmp_path, fmt):
    """Class: '预期指标值' over '符号 | 数值 | 单位' in a grid (the web-copy path knew it, the grid did not:
    '单位' alone names no column, so the second header row was not taken and every row was misread)."""
    cols = ["l1", "l2", "name", "sign", "fig", "unit", "actual", "weight", "score", "reason"]
    f = _read(tmp_path, fmt, *_filing(cols, parents={"预期指标值": ["sign", "fig", "unit"]}))
    assert _rows(f) == _want()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("parents", [None, {"指标值": ["target", "actual"]}])
def test_header_repeated_at_a_page_break_is_no_indicator(tmp_path, fmt, parents):
    """Class: the table's header printed again inside the table (a page break of a converted document):
    the repeat was read as an indicator named '实际完成值' (or '年度指标值')."""
    f = _read(tmp_path, fmt, *_filing(STD, parents=parents, repeat_at=3))
    assert _rows(f) == _want()


def _target_filing(basis: str):
    """A 项目支出绩效目标表: key block, money block, goal, then 一级 | 二级 | 三级 | 指标值 | 指标值设定依据."""
    grid = [["2025年度项目支出绩效目标表", None, None, None, None],
            ["项目名称", "农村生活污水治理项目", None, None, None],
            ["主管部门", "某县生态环境局", None, "实施单位", "某县环境监测站"],
            ["项目资金（万元）", "年度资金总额", None, 600, None],
            ["年度总体目标", "完成6个自然村污水管网建设。", None, None, None],
            ["一级指标", "二级指标", "三级指标", "指标值", "指标值设定依据"]]
    merges = [(0, 0, 0, 4), (1, 1, 1, 4), (2, 1, 2, 2), (3, 1, 3, 2), (3, 3, 3, 4), (4, 1, 4, 4)]
    first = len(grid)
    last = {}
    for l1, l2, name, target, *_ in ROWS:
        grid.append([None if last.get(0) == l1 else l1, None if last.get(1) == (l1, l2) else l2, name, target, basis])
        last = {0: l1, 1: (l1, l2)}
    for col in (0, 1):
        start = first
        for r in range(first + 1, len(grid) + 1):
            if r == len(grid) or grid[r][col] is not None:
                if r - 1 > start:
                    merges.append((start, col, r - 1, col))
                start = r
    return grid, merges


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("basis", ["项目实施方案", "根据行业标准设定"])
def test_free_text_basis_column_keeps_rows_apart(tmp_path, fmt, basis):
    """Class: a target table's 指标值设定依据 column of free text, the same on every row. Such a cell cost the
    decoder as much as text out of place, so two rows read cheaper glued into one (one basis instead of two),
    and the row under a group's first row (its level cells merged, so blank) was joined to it as a wrapped
    line: '新建污水管网长度覆盖自然村数' with target '≥8公里6个'."""
    path = tmp_path / f"target.{fmt}"
    WRITERS[fmt](path, *_target_filing(basis))
    (f,) = parse_document(read_path(path))
    assert f.doc_kind == "project_target"
    assert [(i.level1, i.level2, i.name, i.target, i.basis) for i in f.indicators] == \
        [(a, b, c, d, basis) for a, b, c, d, *_ in ROWS]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_target_money_block_of_one_line(tmp_path, fmt):
    """Class: a target table's money block of one line, its group label then its total label then the amount
    ('项目资金（万元） | 年度资金总额 | 600', no 其中 lines). The two labels name the same figure, but were taken
    for a run of keys whose amounts follow the run, and the amount beside the second was never read."""
    path = tmp_path / f"target.{fmt}"
    WRITERS[fmt](path, *_target_filing("项目实施方案"))
    (f,) = parse_document(read_path(path))
    assert f.budget_initial == 600


def _dept_target():
    """A 部门整体支出绩效目标表: the year's tasks, each with 总额 | 财政拨款 | 其他资金 under 预算金额, closed by
    a 金额合计 row; then the goal and the indicators."""
    grid = [["某县水利局2025年度部门整体支出绩效目标表", None, None, None, None, None],
            ["部门名称", "某县水利局", None, None, None, None],
            ["年度主要任务", "任务名称", "主要内容", "预算金额（万元）", None, None],
            [None, None, None, "总额", "财政拨款", "其他资金"],
            [None, "河道清淤", "清淤河道12公里", 300, 280, 20],
            [None, "水利设施维护", "维护泵站8座", 150, 150, 0],
            ["金额合计", None, None, 450, 430, 20],
            ["年度总体目标", "完成河道清淤和泵站维护。", None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "指标值", None, None]]
    merges = [(0, 0, 0, 5), (1, 1, 1, 5), (2, 0, 5, 0), (2, 1, 3, 1), (2, 2, 3, 2), (2, 3, 2, 5), (6, 0, 6, 2),
              (7, 1, 7, 5), (8, 3, 8, 5)]
    for l1, l2, name, target, *_ in ROWS[:3]:
        grid.append([l1, l2, name, target, None, None])
        merges.append((len(grid) - 1, 3, len(grid) - 1, 5))
    return grid, merges


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_department_tasks_closed_by_a_sum_row(tmp_path, fmt):
    """Class: a department target's money as a list of tasks under 总额 | 财政拨款 | 其他资金, closed by a
    金额合计 row. The cell under each key was taken, the first task's: the budget read 280 (its 财政拨款,
    standing in for a total never seen) instead of the 450 of the sum row."""
    path = tmp_path / f"dept.{fmt}"
    WRITERS[fmt](path, *_dept_target())
    (f,) = parse_document(read_path(path))
    assert f.doc_kind == "dept_target"
    assert (f.budget_initial, f.budget_fiscal, f.budget_other) == (450, 430, 20)


# The national framework for a department's whole spending (部门整体支出绩效评价共性指标体系): 投入 / 过程 /
# 产出 / 效益, with its own level-2 names
FRAMEWORK = [("投入", "目标设定", "绩效目标合理性", "合理", "合理", 10, 10),
             ("投入", "预算配置", "重点支出安排率", "≥80%", "85%", 10, 10),
             ("过程", "预算执行", "预算完成率", "100%", "96%", 20, 19),
             ("产出", "职责履行", "重点工作办结率", "100%", "100%", 30, 30),
             ("效益", "履职效益", "社会公众满意度", "≥90%", "94%", 30, 28)]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_department_framework_levels(tmp_path, fmt):
    """Class: a department self-evaluation on the national framework. Its level-2 names 目标设定, 预算配置 and
    职责履行 were unknown, so their rows lost both level cells ('投入' too) or took the group above's."""
    grid = [["2024年度部门整体支出绩效自评表"] + [None] * 6, ["部门（单位）名称", "某县审计局"] + [None] * 5,
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]]
    merges = [(0, 0, 0, 6), (1, 1, 1, 6)]
    for n, (l1, *rest) in enumerate(FRAMEWORK):
        grid.append([None if n and FRAMEWORK[n - 1][0] == l1 else l1, *rest])
    merges.append((3, 0, 4, 0))
    grid.append(["总分", None, None, None, None, 100, 97])
    merges.append((len(grid) - 1, 0, len(grid) - 1, 4))
    path = tmp_path / f"dept.{fmt}"
    WRITERS[fmt](path, grid, merges)
    (f,) = parse_document(read_path(path))
    assert f.doc_kind == "dept_self_eval"
    assert [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == \
        [(a, b, c, d, e, float(w), float(s)) for a, b, c, d, e, w, s in FRAMEWORK]


def _formatted_workbook(path, grid, fmt: str) -> None:
    """A workbook of `grid`; a cell given as (value, number format) is stored with that format."""
    if fmt == "xls":
        _xls(path, grid, [])
        return
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if isinstance(v, tuple):
                ws.cell(row=r, column=c, value=v[0]).number_format = v[1]
            elif v is not None:
                ws.cell(row=r, column=c, value=v)
    wb.save(path)


def _xls(path, grid, merges):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("自评表")
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if isinstance(v, tuple):
                ws.write(r, c, v[0], xlwt.easyxf(num_format_str=v[1]))
            elif v not in (None, ""):
                ws.write(r, c, v)
    wb.save(str(path))


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_dates_stored_as_dates_read_as_printed(tmp_path, fmt):
    """Class: a workbook's time-limit row whose target and actual are date cells under a Chinese date format
    ('2024年10月', shown so by the bureau's Excel). They were read as '2024-10-01': a day the filing never
    printed. A format without Chinese date words still reads YYYY-MM-DD."""
    import datetime as dt

    ym, ymd = 'yyyy"年"m"月"', 'yyyy"年"m"月"d"日"'
    grid = [["2024年度项目支出绩效自评表", None, None, None, None, None, None],
            ["项目名称", "农村生活污水治理项目", None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "时效指标", "完工时间", (dt.datetime(2024, 10, 1), ym), (dt.datetime(2024, 12, 1), ym), 10, 7],
            ["产出指标", "时效指标", "验收时间", (dt.datetime(2024, 11, 30), ymd), (dt.datetime(2024, 12, 20), "yyyy-mm-dd"), 10, 8]]
    path = tmp_path / f"dates.{fmt}"
    _formatted_workbook(path, grid, fmt)
    (f,) = parse_document(read_path(path))
    assert [(i.name, i.target, i.actual) for i in f.indicators] == \
        [("完工时间", "2024年10月", "2024年12月"), ("验收时间", "2024年11月30日", "2024-12-20")]


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_hidden_rows_and_columns_are_not_read(tmp_path, fmt):
    """Class: a workbook that hides what it does not print: the template's example row ('示例：…') and a helper
    column of indicator codes. Both were read: the example became the first indicator, and the codes took
    the target column of every row."""
    grid = [["2024年度项目支出绩效自评表", None, None, None, None, None, None, None],
            ["项目名称", "农村生活污水治理项目", None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "指标代码", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "示例：培训人数", "X000", "≥100人", "120人", 5, 5]]
    for n, (l1, l2, name, target, actual, weight, score, _) in enumerate(ROWS):
        grid.append([l1, l2, name, f"C{n:03d}", target, actual, weight, score])
    path = tmp_path / f"hidden.{fmt}"
    if fmt == "xls":
        import xlwt

        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("自评表")
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
        ws.row(3).hidden = True
        ws.col(3).hidden = True
        wb.save(str(path))
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        for row in grid:
            ws.append(row)
        ws.row_dimensions[4].hidden = True
        ws.column_dimensions["D"].hidden = True
        ws.column_dimensions.group("J", "XFD", hidden=True)  # every unused column hidden: no grid to build
        wb.save(path)
    doc = read_path(path)
    assert not any("示例" in c.text or c.text.startswith(("C0", "X0")) for r in doc.rows for c in r.cells)
    assert any("隐藏" in w for w in doc.warnings)
    (f,) = parse_document(doc)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == \
        [(c, d, e, float(w), float(s)) for _, _, c, d, e, w, s, _ in ROWS]


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_number_formats_that_print_a_unit_or_a_sign(tmp_path, fmt):
    """Class: figures stored as numbers under a format that prints text around them ('0"公里"' shows 8公里,
    '"≥"0%' shows ≥85%). The text was dropped: targets read '8' and '85%', the unit and the operator lost.
    A currency sign is still dropped (amounts are read without it)."""
    grid = [["2024年度项目支出绩效自评表", None, None, None, None, None, None],
            ["项目名称", "农村生活污水治理项目", None, None, None, None, None],
            ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", None, None, None],
            ["年度资金总额", (500, "¥#,##0.00"), (600, "#,##0.00_ "), (540, '#,##0.00"万元"'), None, None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "新建污水管网长度", (8, '"≥"0"公里"'), (8.4, '0.0"公里"'), (20, '0"分"'), 20],
            ["效益指标", "生态效益指标", "生活污水收集率", (0.85, '"≥"0%'), (0.88, "0%"), 20, 20]]
    path = tmp_path / f"formats.{fmt}"
    _formatted_workbook(path, grid, fmt)
    (f,) = parse_document(read_path(path))
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (500, 600, 540)
    assert [(i.name, i.target, i.actual, i.weight) for i in f.indicators] == \
        [("新建污水管网长度", "≥8公里", "8.4公里", 20.0), ("生活污水收集率", "≥85%", "88%", 20.0)]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_unlisted_level2_in_its_column(tmp_path, fmt):
    """Class: a level-2 the lexicon does not name ('预算编制', '制度建设': provinces word the department
    framework their own way), printed in the grid's 二级指标 column. The decoder had no label for it, so it
    dropped the row's level cells, the known level-1 ('投入') with them, and the rows took no level or the
    group above's."""
    rows = [("投入", "预算编制", "预算编制科学性", "科学合理", "科学合理", 10, 10),
            ("投入", "预算编制", "重点支出安排率", "≥80%", "85%", 10, 10),
            ("过程", "制度建设", "内控制度健全性", "健全", "健全", 20, 20),
            ("产出", "重点任务", "重点工作办结率", "100%", "100%", 30, 30),
            ("效益", "履职效益", "社会公众满意度", "≥90%", "94%", 30, 27)]
    grid = [["2024年度部门整体支出绩效自评表"] + [None] * 6, ["部门（单位）名称", "某县审计局"] + [None] * 5,
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]]
    merges = [(0, 0, 0, 6), (1, 1, 1, 6), (3, 0, 4, 0), (3, 1, 4, 1)]
    for n, (l1, l2, *rest) in enumerate(rows):
        grid.append([None if n == 1 else l1, None if n == 1 else l2, *rest])
    grid.append(["总分", None, None, None, None, 100, 97])
    merges.append((len(grid) - 1, 0, len(grid) - 1, 4))
    path = tmp_path / f"dept.{fmt}"
    WRITERS[fmt](path, grid, merges)
    (f,) = parse_document(read_path(path))
    assert [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == \
        [(a, b, c, d, e, float(w), float(s)) for a, b, c, d, e, w, s in rows]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_parent_over_the_level_columns(tmp_path, fmt):
    """Class: a two-row header whose upper row holds a parent over the level columns ('绩效指标' over
    一级 | 二级 | 三级) and the value columns merged down. Only the lower row named an indicator column, so the
    header was that row alone and every value column was lost: rows read with names and no values."""
    f = _read(tmp_path, fmt, *_filing(STD, parents={"绩效指标": ["l1", "l2", "name"]}))
    assert _rows(f) == _want()
    assert (f.total_weight, f.total_score) == (100, 97)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_money_as_label_amount_pairs_over_two_rows(tmp_path, fmt):
    """Class: a money block printed as label | amount pairs over two grid rows ('年初预算数（万元） | 500 |
    全年预算数（万元） | 600' over '全年执行数（万元） | 540 | 执行率 | 90%'). Pairs were read only when one row held
    both the budget and its spending, and 年初预算数 was no key of theirs: no figure was read."""
    grid = [["2024年度项目支出绩效自评表", None, None, None, None, None, None, None],
            ["项目名称", "农村生活污水治理项目", None, None, None, None, None, None],
            ["年初预算数（万元）", "500", None, None, "全年预算数（万元）", "600", None, None],
            ["全年执行数（万元）", "540", None, None, "执行率", "90%", None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]]
    merges = [(0, 0, 0, 7), (1, 1, 1, 7), (2, 1, 2, 3), (2, 5, 2, 7), (3, 1, 3, 3), (3, 5, 3, 7)]
    for l1, l2, name, target, actual, weight, score, reason in ROWS:
        grid.append([l1, l2, name, target, actual, weight, score, reason])
    path = tmp_path / f"keyed.{fmt}"
    WRITERS[fmt](path, grid, merges)
    (f,) = parse_document(read_path(path))
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (500, 600, 540, 0.9)
    assert len(f.indicators) == len(ROWS)


@pytest.mark.parametrize("gap", ["\u3000\u3000\u3000\u3000", "    ", "\u3000"])
def test_two_key_value_pairs_in_one_paragraph(tmp_path, gap):
    """Class: a DOCX whose key block is typed as paragraphs above the table, two pairs to a line
    ('主管部门：某局　　　　实施单位：某中心'). The line's first key took it, and the second pair was lost."""
    import docx

    d = docx.Document()
    d.add_paragraph("2024年度项目支出绩效自评表")
    d.add_paragraph("项目名称：农村生活污水治理项目")
    d.add_paragraph(f"主管部门：某县生态环境局{gap}实施单位：某县环境监测站")
    grid, merges = _filing(STD)
    grid, merges = grid[3:], [(a - 3, b, c - 3, e) for a, b, c, e in merges if a >= 3]
    path = tmp_path / "paras.docx"
    d.save(path)
    body = docx.Document(path)
    t = body.add_table(rows=len(grid), cols=len(grid[0]))
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v not in (None, ""):
                t.cell(r, c).text = f"{v:.0%}" if isinstance(v, float) else str(v)
    for a, b, c, e in merges:
        t.cell(a, b).merge(t.cell(c, e))
    body.save(path)
    (f,) = parse_document(read_path(path))
    assert (f.project, f.department, f.unit) == ("农村生活污水治理项目", "某县生态环境局", "某县环境监测站")
    assert _rows(f) == _want()
