"""A long-format export (one row per indicator, many projects and departments) -> typed filings.

Nothing is guessed: a column is what its header says (etl/structured/header.py), a filing is the rows
that share a key (division, year, kind, project code or name; for a department-level filing the
department code or name), and every value is checked as it is converted. Each problem names its
sheet, row and column. Without `skip_bad_rows` any problem fails the whole file (`ExportRejected`);
with it, the rows at fault are left out and reported back.

Meta columns may repeat on every row or stand once per block: a row that names no division,
department, unit or project continues the filing above it, and the division, year, kind and
department carry down until a row gives new ones. Merged cells are filled over the rows and columns
they cover. 一级/二级 carry down within a filing (a level printed once over its rows).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from etl.lexicon import lexicon
from etl.limits import progress
from etl.link.keys import fold_project
from etl.measures import fold_key
from etl.normalise.measure import parse_measure, parse_number, parse_rate
from etl.normalise.place import find_place, place_of_code
from etl.records import (YUAN_PER_WAN, Filing, Indicator, Loc, Measure, ReadError, Section, SpendPoint,
                         many_records)
from etl.structured.header import (CODE_FIELDS, EVAL_FIELDS, FILING_FIELDS, IDENTITY_FIELDS, INDICATOR_FIELDS,
                                   Header, column_letter, field_of, find_header, vocabulary)
from etl.structured.sheets import Sheet, fmt_of, read_sheets

MAX_LISTED = 200  # problems spelled out in one error; the rest are counted
SNIFF_TEXT_BYTES = 1 << 20  # how much of a CSV / text file is decoded to look for an export's header
SYMBOL = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
SECTION_FIELDS = {"goal": "goal", "goal_expected": "goal_expected", "goal_actual": "goal_actual",
                  "function": "function"}
MONEY_FIELDS = ("budget_initial", "budget_adjusted", "budget_executed", "budget_fiscal", "budget_other",
                "budget_carryover")
NUMBER_FIELDS = MONEY_FIELDS + ("exec_weight", "exec_score", "total_weight", "total_score")
CONTEXT_FIELDS = ("div_code", "div_name", "province", "city", "county", "year", "doc_kind", "department_code",
                  "department")
KIND_LABEL = {"project_target": "项目绩效目标", "project_self_eval": "项目绩效自评", "dept_target": "部门整体绩效目标",
              "dept_self_eval": "部门整体绩效自评"}
_SCI = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_YEAR = re.compile(r"^((?:19|20)\d{2})(?:年度|年)?$")
_MONTH = re.compile(r"(\d{1,2})\s*月")
_FLOAT_CODE = re.compile(r"\d+\.0")  # a code column written from floats
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")


@dataclass
class Problem:
    sheet: str | None
    row: int | None  # 1-based sheet row
    col: int | None  # 0-based column
    header: str | None  # the column's header as printed (or the field's wording when the column is missing)
    message: str

    def where(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.col is not None:
            parts.append(f"{column_letter(self.col)}列「{self.header}」")
        elif self.header:
            parts.append(f"「{self.header}」列")
        return " ".join(parts)

    def text(self, file: str) -> str:
        return f"{file}：{self.where()}：{self.message}"


class NotAnExport(ReadError):
    """No sheet of the file has the header of a long-format export."""


class ExportRejected(ReadError):
    """The file is an export, but rows of it are malformed: nothing of it is loaded."""

    def __init__(self, file: str, problems: list[Problem], missing_columns: bool = False):
        self.file, self.problems = file, problems
        self.missing_columns = missing_columns  # only required columns are missing: maybe not an export at all
        listed = "\n".join(p.text(file) for p in problems[:MAX_LISTED])
        more = f"\n…另有 {len(problems) - MAX_LISTED} 处问题" if len(problems) > MAX_LISTED else ""
        head = f"系统导出文件有 {len(problems)} 处问题，整个文件未导入（可用 --skip-bad-rows 跳过有问题的行）：\n"
        super().__init__(head + listed + more)


@dataclass
class Export:
    fmt: str
    filings: list[Filing]
    skipped: list[Problem] = field(default_factory=list)  # rows left out under skip_bad_rows
    sheets: list[str] = field(default_factory=list)  # the sheets read as indicator rows


class _RowError(Exception):
    def __init__(self, col: int | None, message: str):
        self.col, self.message = col, message


# ------------------------------------------------------------------ values

def _txt(v) -> str:
    if v.__class__ is str:  # the rows' text is cleaned once where they are read (_rows)
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else format(v, ".15g")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return _clean_text(str(v))


def _clean_text(s: str) -> str:
    if "\n" in s or "\r" in s:  # a cell's line breaks are layout (docs/contract.md: joined)
        s = "".join(part.strip() for part in s.splitlines())
    return s.strip()


def _code(v, col: int, what: str) -> str:
    """A code as text: a number cell is taken when it is a whole number Excel stored exactly."""
    if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool)):
        if float(v).is_integer() and abs(v) < 2 ** 53:
            return str(int(v))
        raise _RowError(col, f"{what}以数字保存（{format(float(v), '.6g')}），超过 15 位有效数字，原代码已丢失；"
                             "请在系统中把代码列导出为文本")
    s = _txt(v)
    if s.isdigit():  # (most codes: neither pattern below can match digits alone)
        return s
    if _SCI.match(s):
        raise _RowError(col, f"{what}「{s}」是科学计数法，原代码已丢失；请在系统中把代码列导出为文本")
    if _FLOAT_CODE.fullmatch(s):  # a code column written from floats
        s = s[:-2]
    return s


def _num(v, col: int, what: str) -> float | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        raise _RowError(col, f"{what}「{_txt(v)}」不是数字")
    if isinstance(v, (int, float)):
        return float(v)
    s = _txt(v)
    if not s:
        return None
    got = parse_number(s)
    if got is None:
        raise _RowError(col, f"{what}「{s}」不是数字")
    return got


def _year(v, col: int) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and 1990 <= v <= 2100:
        return int(v)
    m = _YEAR.match(_txt(v))
    if not m:
        raise _RowError(col, f"年度「{_txt(v)}」不是四位年份")
    return int(m.group(1))


def num_text(x: float) -> str:
    """A number as the composed target prints it: 95, 95.5 (never 95.0 or 9.5e+01)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else format(x, ".15g")


def _unit(u: str) -> str | None:
    return lexicon().unit_aliases.get(u, u) or None


# ------------------------------------------------------------------ one row

@dataclass
class _Row:
    no: int  # 1-based sheet row
    get: dict  # field -> raw value


def _measure_side(g: dict, h: Header, sign_f: str, value_f: str, unit_f: str, text_f: str,
                  default_unit: str | None, what: str) -> tuple[str | None, Measure | None, str | None]:
    """(text as stored, measure, unit given) of the target or the actual of one row (`g`: field -> raw value).

    Asked twice for each of an export's rows: a text cell is taken as it is (the rows' text is cleaned
    where they are read), other values through _txt."""
    raw = g.get(value_f, "")
    cls = raw.__class__
    numeric = cls is float or cls is int or (isinstance(raw, (int, float)) and not isinstance(raw, bool))
    value = raw if cls is str else None if numeric else _txt(raw)  # (a number's text only where it is printed)
    unit = g.get(unit_f, "")
    if unit.__class__ is not str:
        unit = _txt(unit)
    unit_n = _unit(unit) if unit else None
    sign_raw = g.get(sign_f, "")
    if sign_raw.__class__ is not str:
        sign_raw = _txt(sign_raw)
    op = ""
    if sign_raw:
        op = vocabulary().signs.get(sign_raw.replace(" ", "").lower())
        if op is None:
            raise _RowError(h.columns.get(sign_f), f"计算符号「{sign_raw}」不在符号字典中（etl/lexicon.toml [structured.signs]）")
    printed = g.get(text_f, "")
    printed = (printed if printed.__class__ is str else _txt(printed)) or None
    if value == "":
        return printed, None, unit_n
    if op == "qualitative":
        return printed or (_txt(raw) if value is None else value), None, unit_n
    if numeric:
        number = float(raw)
    elif _PLAIN_NUMBER.fullmatch(value):
        number = float(value.replace(",", ""))
    else:
        number = None
    if op and number is None:
        raise _RowError(h.columns.get(value_f), f"计算符号为「{sign_raw}」，{what}「{value}」却不是数字")
    if number is not None:
        u = unit_n or default_unit
        text = printed or f"{SYMBOL.get(op, '')}{num_text(number)}{u or ''}"
        return text, Measure(op=op or None, num=number, unit=u), unit_n
    text = printed or (value + unit if unit and not value.endswith(unit) else value)
    return text, parse_measure(text), unit_n


def _opt(v) -> str | None:
    """A field's text, None when empty (a row's fields hold no empty text: _rows drops it)."""
    if v is None:
        return None
    return (v if v.__class__ is str else _txt(v)) or None


def _indicator(row: _Row, h: Header, seq: int, sheet: str) -> Indicator:
    g = row.get
    target, target_m, t_unit = _measure_side(g, h, "target_sign", "target", "target_unit", "target_text", None, "指标值")
    actual, actual_m, a_unit = _measure_side(g, h, "actual_sign", "actual", "actual_unit", "actual_text",
                                             t_unit, "完成值")
    if t_unit and a_unit and t_unit != a_unit:
        raise _RowError(h.columns.get("actual_unit"), f"完成值的计量单位「{a_unit}」与指标值的计量单位「{t_unit}」不一致")
    reason = _opt(g.get("reason"))
    improvement = _opt(g.get("improvement"))
    if improvement:
        reason = f"{reason}；改进措施：{improvement}" if reason else f"改进措施：{improvement}"
    code = g.get("indicator_code")
    code = _code(code, h.columns["indicator_code"], "三级指标代码") if code is not None and code != "" else None
    weight = g.get("weight")
    score = g.get("score")
    return Indicator(
        seq=seq, level1=_opt(g.get("level1")), level2=_opt(g.get("level2")),
        name=_opt(g.get("name")), description=_opt(g.get("description")),
        target=target, actual=actual,
        weight=None if weight is None else _num(weight, h.columns.get("weight"), "权重"),
        score=None if score is None else _num(score, h.columns.get("score"), "得分"),
        reason=reason, basis=_opt(g.get("basis")), nature=_opt(g.get("nature")),
        target_m=target_m, actual_m=actual_m, loc=Loc(sheet=sheet, row=row.no), parse_confidence=1.0, code=code,
    )


# ------------------------------------------------------------------ filings

def indicator_key(ind: Indicator):
    """What makes an indicator row unique within its filing: its code, else its levels and name."""
    return ind.code or (fold_key(ind.level1), fold_key(ind.level2), fold_key(ind.name))


def has_repeated_rows(f: Filing) -> bool:
    """True when the filing holds the same indicator twice (a published table may; an export may not)."""
    keys = [indicator_key(i) for i in f.indicators]
    return len(set(keys)) < len(keys)


@dataclass
class _Draft:
    key: tuple
    kind: str
    first_row: int
    sheet: str
    meta: dict  # field -> converted value
    meta_rows: dict = field(default_factory=dict)  # field -> row that gave it (for conflicts)
    rows: list[tuple[int, Indicator]] = field(default_factory=list)  # (sheet row, indicator): not the raw cells
    seen: dict = field(default_factory=dict)  # indicator key -> row


def _filing_value(fld: str, raw, h: Header):
    col = h.columns.get(fld)
    if fld in NUMBER_FIELDS:
        return _num(raw, col, vocabulary().first[fld])
    if fld == "exec_rate":
        s = _txt(raw)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return round(float(raw) / 100.0, 6) if raw > 1.5 else float(raw)
        got = parse_rate(s) if s else None
        if s and got is None:
            raise _RowError(col, f"执行率「{s}」不是数字或百分比")
        return got
    if fld == "spending_plan":
        s = _txt(raw)
        if s:
            _plan(s, col)  # checked here, where the row is known
        return s or None
    return _txt(raw) or None


def _plan(text: str, col: int | None) -> list[SpendPoint]:
    out = []
    for part in re.split(r"[；;]", text):
        part = part.strip()
        if not part:
            continue
        period, sep, value = part.rpartition(":") if ":" in part else part.rpartition("：")
        if not sep:
            raise _RowError(col, f"资金支出计划「{part}」应写成「时期:金额」，如「6月底:60」")
        try:
            number = float(value) if value.strip() else None
        except ValueError:
            raise _RowError(col, f"资金支出计划「{part}」的金额不是数字") from None
        m = _MONTH.search(period)
        out.append(SpendPoint(period=period.strip(), month=int(m.group(1)) if m else None, value=number))
    return out


def _kind(row: _Row, h: Header, ctx: dict, has_project: bool) -> str:
    raw = ctx.get("doc_kind")
    if raw:
        got = vocabulary().kinds.get(raw.replace(" ", "").lower())
        if got is None:
            raise _RowError(h.columns.get("doc_kind"), f"表类型「{raw}」无法识别（可用：{'、'.join(KIND_LABEL.values())}）")
        if got.startswith("project") and not has_project:
            got = "dept" + got[len("project"):]
        return got
    evals = any(f in h.columns for f in EVAL_FIELDS)
    return ("project" if has_project else "dept") + ("_self_eval" if evals else "_target")


def read_export(data: bytes, name: str, skip_bad_rows: bool = False) -> Export:
    """Read a long-format export. Raises NotAnExport when no sheet has its header, ExportRejected when
    rows are malformed (unless `skip_bad_rows`), ReadError when the file cannot be read."""
    with many_records():  # a record or more per row, none in a cycle
        return _read_export(data, name, skip_bad_rows)


def _read_export(data: bytes, name: str, skip_bad_rows: bool) -> Export:
    fmt, sheets = read_sheets(data, name)
    problems: list[Problem] = []
    drafts: dict[tuple, _Draft] = {}
    summaries: list[tuple[str, Header, list[_Row]]] = []
    blocks: list[tuple[tuple, str, int]] = []  # (key, sheet, row) of rows naming a filing but no indicator
    read_any: list[str] = []
    fatal: list[Problem] = []  # missing columns: the file fails, --skip-bad-rows or not
    best_missing: Problem | None = None
    for sheet in sheets:
        top, rest = _head(sheet)
        h = find_header(top, sheet.merged)
        if h is None:
            continue
        if not h.has(*INDICATOR_FIELDS):
            if h.has("project_code", "project", "department_code", "department") and h.has("total_score", "grade"):
                summaries.append((sheet.name, h, list(_rows(sheet, h, top, rest))))
            continue
        missing = _missing(h)
        if missing:
            p = Problem(sheet.name, h.row, None, "、".join(missing), f"缺少必需的列「{'」「'.join(missing)}」（表头在第{h.row}行）")
            if best_missing is None:
                best_missing = p
            if h.good_enough():
                fatal.append(p)
            continue
        read_any.append(sheet.name)
        _read_sheet(sheet.name, h, _rows(sheet, h, top, rest), drafts, problems, blocks)
    if not read_any and not fatal:
        if best_missing is not None:
            raise ExportRejected(name, [best_missing], missing_columns=True)
        raise NotAnExport("没有找到系统导出的长表表头（需要三级指标、年度和项目或部门的代码/名称等列，"
                          "列名见 etl/lexicon.toml [structured.columns]）")
    if fatal:  # a missing column fails the file, skip or not
        raise ExportRejected(name, fatal + problems, missing_columns=not read_any and not problems)
    for sheet_name, h, rows in summaries:
        _apply_summary(sheet_name, h, rows, drafts, problems)
    with_rows = {k for k, d in drafts.items() if d.rows}
    for key, sheet_name, row_no in blocks:
        if key not in with_rows:
            d = drafts.get(key)
            label = _label(d) if d else "该项目"
            problems.append(Problem(sheet_name, row_no, None, None, f"{label}没有任何指标行"))
    bad_rows = {(p.sheet, p.row) for p in problems}
    if problems and not skip_bad_rows:
        problems.sort(key=lambda p: (p.sheet or "", p.row or 0, p.col or 0))
        raise ExportRejected(name, problems)
    filings = []
    for d in drafts.values():
        rows = [(no, ind) for no, ind in d.rows if (d.sheet, no) not in bad_rows]
        if not rows:
            continue
        filings.append(_build(d, rows, len(filings)))
    if not filings:
        problems.append(Problem(None, None, None, None, "没有可导入的指标行"))
        raise ExportRejected(name, problems)
    problems.sort(key=lambda p: (p.sheet or "", p.row or 0, p.col or 0))
    return Export(fmt=fmt, filings=filings, skipped=problems, sheets=read_any)


def _missing(h: Header) -> list[str]:
    first = vocabulary().first
    out = []
    if "name" not in h.columns:
        out.append(first["name"])
    if "year" not in h.columns:
        out.append(first["year"])
    if not h.has("project_code", "project", "department_code", "department"):
        out.append(f"{first['project_code']}或{first['department']}")
    return out


def _head(sheet: Sheet) -> tuple[list[list], object]:
    n = vocabulary().header_rows
    top = []
    it = iter(sheet.rows)
    for row in it:
        top.append(row)
        if len(top) >= n:
            break
    return top, it


def _rows(sheet: Sheet, h: Header, top: list[list], rest):
    """The data rows below the header as _Row (field -> raw value), merged ranges filled, blank rows dropped."""
    cols = h.columns
    starts: dict[int, list[tuple[int, int, int]]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= h.row:  # below the header (r0 is 0-based, h.row 1-based)
            starts.setdefault(r0, []).append((r1, c0, c1))
    active: list[tuple[int, int, int, object]] = []
    needed = max(cols.values()) + 1
    items = list(cols.items())
    cleaned: dict[str, str] = {}  # text cells repeat (codes, names, units): each cleaned once

    def rows():
        yield from enumerate(top[h.row:], start=h.row)
        yield from enumerate(rest, start=len(top))

    for r, row in rows():
        if r % 10_000 == 0:  # a bulk export keeps moving: in a worker, the file's clock restarts (etl/limits.py)
            progress(r, 0)
        if len(row) < needed:
            row = list(row) + [""] * (needed - len(row))
        for r1, c0, c1 in starts.get(r, ()):
            active.append((r1, c0, c1, row[c0] if c0 < len(row) else ""))
        if active:
            row = list(row)
            for r1, c0, c1, value in active:
                for c in range(c0, min(c1 + 1, len(row))):
                    if row[c] == "" or row[c] is None:
                        row[c] = value
            active = [a for a in active if a[0] > r]
        got = {}
        for f, c in items:
            v = row[c]
            if v.__class__ is str:
                if not v:  # (most cells of a sparse row)
                    continue
                t = cleaned.get(v)
                if t is None:
                    t = _clean_text(v)
                    if len(cleaned) < 200_000:  # bounded: free text (reasons) rarely repeats
                        cleaned[v] = t
                if t:
                    got[f] = t
            elif v is not None:
                got[f] = v
        if got:
            yield _Row(r + 1, got)


def _read_sheet(sheet: str, h: Header, rows, drafts: dict, problems: list[Problem], blocks: list) -> None:
    ctx: dict = {}  # the context carried down: division, year, kind, department
    current: tuple | None = None
    has_code = {f: f in h.columns for f in CODE_FIELDS}
    meta_fields = [f for f in IDENTITY_FIELDS + CONTEXT_FIELDS + FILING_FIELDS + ("doc_kind",) if f in h.columns]
    last_meta: tuple | None = None
    identity_fields = frozenset(IDENTITY_FIELDS)
    for row in rows:
        g = row.get
        try:
            meta = tuple(map(g.get, meta_fields))
            if meta == last_meta and current is not None:
                pass  # the same filing, its values repeated (already taken, already checked)
            elif current is None or not identity_fields.isdisjoint(g):  # a row naming a filing
                last_meta = None  # set again once this row's meta is read without a problem
                for f in CONTEXT_FIELDS:
                    if f in g:
                        ctx[f] = _context(f, g[f], h)
                ctx["year_row"] = row.no if "year" in g else ctx.get("year_row")
                if ctx.get("year") is None:
                    raise _RowError(h.columns["year"], "年度为空")
                pcode = _code(g["project_code"], h.columns["project_code"], "项目代码") if has_code.get("project_code") and "project_code" in g else None
                pname = _txt(g.get("project", "")) or None
                dcode = ctx.get("department_code")
                dname = ctx.get("department")
                kind = _kind(row, h, ctx, bool(pcode or pname))
                if kind.startswith("project"):
                    # a name is unique within its department only (two departments may each have 办公经费)
                    who = ("code", pcode) if pcode else ("name", fold_key(dname or dcode), fold_project(pname))
                elif dcode or dname:
                    who = ("dept", dcode) if dcode else ("deptname", fold_key(dname))
                else:
                    raise _RowError(h.columns.get("department", h.columns.get("department_code")),
                                    "部门级填报没有部门代码或部门名称")
                div = ctx.get("div_code") or fold_key(ctx.get("div_name"))
                current = (div, ctx["year"], kind, *who)
                d = drafts.get(current)
                if d is None:
                    dmeta = {f: ctx.get(f) for f in CONTEXT_FIELDS}
                    dmeta.update(project_code=pcode, project=pname,
                                 unit=_txt(g.get("unit", "")) or None,
                                 unit_code=_code(g["unit_code"], h.columns["unit_code"], "单位代码") if "unit_code" in g else None)
                    d = drafts[current] = _Draft(current, kind, row.no, sheet, dmeta)
                _take_filing_values(d, row, h)
                last_meta = meta
            d = drafts[current]
            if "name" not in g and "indicator_code" not in g:  # INDICATOR_FIELDS
                blocks.append((current, sheet, row.no))
                continue
            if "name" not in g:
                raise _RowError(h.columns.get("name"), "三级指标名称为空")
            ind = _indicator(row, h, len(d.rows) + 1, sheet)
            if d.rows:  # levels printed once over their rows
                prev = d.rows[-1][1]
                ind.level1 = ind.level1 or prev.level1
                ind.level2 = ind.level2 or prev.level2
            ikey = indicator_key(ind)
            if ikey in d.seen:
                col = h.columns.get("indicator_code") if ind.code else h.columns.get("name")
                raise _RowError(col, f"重复的指标：{_label(d)}的指标「{ind.name}」在第{d.seen[ikey]}行已出现"
                                     "（同一区划、年度、项目、指标只能有一行）")
            d.seen[ikey] = row.no
            d.rows.append((row.no, ind))
        except _RowError as e:
            problems.append(Problem(sheet, row.no, e.col, h.labels.get(e.col) if e.col is not None else None,
                                    e.message))


def _context(f: str, raw, h: Header):
    col = h.columns.get(f)
    if f == "year":
        return _year(raw, col)
    if f in ("div_code", "department_code"):
        return _code(raw, col, "区划代码" if f == "div_code" else "部门代码")
    return _txt(raw) or None


def _take_filing_values(d: _Draft, row: _Row, h: Header) -> None:
    """Filing-level values of a row: the first row that gives one sets it; a later row must agree."""
    for f in FILING_FIELDS:
        if f not in row.get:
            continue
        value = _filing_value(f, row.get[f], h)
        if value is None:
            continue
        old = d.meta.get(f)
        if old is None:
            d.meta[f] = value
            d.meta_rows[f] = row.no
        elif old != value:
            raise _RowError(h.columns.get(f), f"{_label(d)}的「{h.labels.get(h.columns.get(f))}」前后不一致："
                                              f"第{d.meta_rows[f]}行为「{_show(old)}」，本行为「{_show(value)}」")
    if d.meta.get("unit") is None and row.get.get("unit"):
        d.meta["unit"] = _txt(row.get["unit"])


def _show(v) -> str:
    return num_text(v) if isinstance(v, float) else str(v)


def _label(d: _Draft) -> str:
    m = d.meta
    if d.kind.startswith("project"):
        name = m.get("project") or ""
        code = m.get("project_code")
        return f"项目「{name}」" + (f"（项目代码 {code}）" if code else "")
    return f"部门「{m.get('department') or m.get('department_code')}」"


def _apply_summary(sheet: str, h: Header, rows: list[_Row], drafts: dict, problems: list[Problem]) -> None:
    """A per-project summary sheet (项目代码 | 项目名称 | 自评总分 | 自评等级): its values join their filings."""
    by_code: dict[tuple, list[_Draft]] = {}
    for d in drafts.values():
        for k in (("code", d.meta.get("project_code")), ("pname", fold_project(d.meta.get("project"))),
                  ("dept", d.meta.get("department_code")), ("deptname", fold_key(d.meta.get("department")))):
            if k[1]:
                by_code.setdefault(k, []).append(d)
    for row in rows:
        g = row.get
        try:
            year = _year(g["year"], h.columns["year"]) if "year" in g else None
            if "project_code" in g:
                key = ("code", _code(g["project_code"], h.columns["project_code"], "项目代码"))
            elif "project" in g:
                key = ("pname", fold_project(_txt(g["project"])))
            elif "department_code" in g:
                key = ("dept", _code(g["department_code"], h.columns["department_code"], "部门代码"))
            else:
                key = ("deptname", fold_key(_txt(g.get("department", ""))))
            found = [d for d in by_code.get(key, []) if year is None or d.key[1] == year]
            if not found:
                who = _txt(g.get("project") or g.get("project_code") or g.get("department") or g.get("department_code"))
                raise _RowError(None, f"汇总表中的「{who}」在指标明细中没有任何指标行")
            for d in found:
                _take_filing_values(d, row, h)
        except _RowError as e:
            problems.append(Problem(sheet, row.no, e.col, h.labels.get(e.col) if e.col is not None else None, e.message))


def _build(d: _Draft, rows: list[tuple[int, Indicator]], part: int) -> Filing:
    m = d.meta
    place = None
    if m.get("div_code"):
        place = place_of_code(m["div_code"])
    if place is None and (m.get("div_name") or m.get("department") or m.get("unit")):
        place = find_place(m.get("div_name"), m.get("department"), m.get("unit"))
    amount_unit = m.get("amount_unit") or "万元"
    scale = 1 / YUAN_PER_WAN if amount_unit == "元" else 1.0  # stored amounts are 万元
    indicators = [ind for _, ind in rows]
    for k, ind in enumerate(indicators, start=1):
        ind.seq = k
    f = Filing(
        doc_kind=d.kind, part_index=part, title=m.get("title"),
        province=m.get("province") or (place.province if place else None),
        city=m.get("city") or (place.city if place else None),
        county=m.get("county") or (place.county if place else None),
        adcode=m.get("div_code") or (place.adcode if place else None),
        department=m.get("department"), department_code=m.get("department_code"), unit=m.get("unit"),
        project=m.get("project") if d.kind.startswith("project") else None,
        project_code=m.get("project_code"), year=m.get("year"), amount_unit=amount_unit,
        exec_rate_reported=m.get("exec_rate"), exec_weight=m.get("exec_weight"), exec_score=m.get("exec_score"),
        total_weight=m.get("total_weight"), total_score=m.get("total_score"), grade_reported=m.get("grade"),
        indicators=indicators, parse_status="ok", parse_confidence=1.0, loc=Loc(sheet=d.sheet, row=d.first_row),
        source_kind="structured",
    )
    for fld in MONEY_FIELDS:
        if m.get(fld) is not None:
            setattr(f, fld, m[fld] * scale)
    if m.get("spending_plan"):
        f.spending_plan = _plan(m["spending_plan"], None)
    first = vocabulary().first
    f.sections = [Section(kind=kind, heading=first[fld], text=m[fld]) for fld, kind in SECTION_FIELDS.items()
                  if m.get(fld)]
    return f


def _line_end(data: bytes, lines: int) -> int:
    """Where the `lines`-th line of a text file ends (-1 when it has fewer), within SNIFF_TEXT_BYTES."""
    at = -1
    for _ in range(lines):
        at = data.find(b"\n", at + 1, SNIFF_TEXT_BYTES)
        if at < 0:
            return data.rfind(b"\n", 0, SNIFF_TEXT_BYTES) if len(data) > SNIFF_TEXT_BYTES else -1
    return at


def sniff(data: bytes, name: str) -> bool:
    """True when a sheet of the file has a long-format export's header (read from the first rows only)."""
    head = data
    if fmt_of(name, data) == "csv":  # a text file's first lines tell: only they are decoded and sniffed
        cut = _line_end(data, vocabulary().header_rows + 1)
        head = data[:cut + (2 if cut % 2 == 0 and data[cut + 1:cut + 2] == b"\x00" else 1)] if cut > 0 else data
        # an export's header row has min_fields cells: without a line that many delimiters long, no decoding
        need = vocabulary().min_fields - 1
        if not any(max(line.count(d) for d in (b",", b";", b"\t")) >= need for line in head.split(b"\n")):
            return False
    try:
        _, sheets = read_sheets(head, name)
        for sheet in sheets:  # (rows are read lazily: a CSV is decoded here)
            top, _ = _head(sheet)
            h = find_header(top, sheet.merged)
            if h is not None and h.good_enough():
                return True
    except Exception:  # noqa: BLE001 - not ours to judge: the document readers will say why
        return False
    return False


__all__ = ["read_export", "sniff", "Export", "Problem", "NotAnExport", "ExportRejected", "field_of"]
