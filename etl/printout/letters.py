"""Feedback letters (整改通知): one editable DOCX per department, with its problems and what to fix.

    jixiao report --per-department --format docx --out DIR [--county X] [--year N]

A letter is addressed to one department of one county and year: how many filings were checked,
the problems found (each with its file, indicator, source position and evidence), and per kind
of problem what to correct (etl/check/registry.py FAMILY_FIXES). The issuing body, the deadline
and the date are left as blanks to fill in: the letter is a draft the overseer edits and sends.
Text from filings goes into the document as plain runs, never as fields or markup.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from etl.check.registry import FAMILY_FIXES, FAMILY_TITLES, SEVERITY_TITLES
from etl.measures import place_of
from etl.printout.data import Problem, problem_rows, rule_titles
from etl.records import DOC_KIND_TITLES

BODY_FONT, TITLE_FONT = "仿宋", "宋体"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in a DOCX's XML


@dataclass
class Letter:
    province: str | None
    city: str | None
    county: str | None
    department: str
    year: int | None
    filings: int
    kinds: dict[str, int]
    problems: list[Problem]
    sample: bool

    @property
    def file_name(self) -> str:
        name = f"{place_of(self) or ''}_{self.department}_{self.year or '年度不详'}年_整改通知.docx"
        return re.sub(r'[\\/:*?"<>|\s]+', "_", name)


def _text(v) -> str:
    return _CONTROL.sub("", "" if v is None else str(v))


def gather_letters(db: Path, county: str | None = None, year: int | None = None, city: str | None = None,
                   department: str | None = None) -> list[Letter]:
    """One letter per department (of a county, a year, or the whole database) that has filings in scope."""
    conds, params = ["f.department IS NOT NULL", "f.superseded IS NOT TRUE"], []  # a project once (structured imports)
    for col, val in (("county", county), ("city", city), ("department", department)):
        if val:
            conds.append(f"f.{col} = ?")
            params.append(val)
    if year is not None:
        conds.append("f.year = ?")
        params.append(int(year))
    where = " AND ".join(conds)
    con = duckdb.connect(str(db), read_only=True)
    try:
        units = con.execute(f"""
            SELECT f.province, f.city, f.county, f.department, f.year, count(*) AS n,
                   list(f.doc_kind) AS kinds, bool_or(f.is_sample) AS sample
            FROM filings f WHERE {where} GROUP BY ALL
            ORDER BY f.province NULLS LAST, f.city NULLS LAST, f.county NULLS LAST, f.department, f.year""",
            params).fetchall()
        problems = problem_rows(con, where, params, rule_titles())
        homes = dict(con.execute(f"""SELECT f.filing_id, [f.province, f.city, f.county, f.department,
                                            f.year::VARCHAR] FROM filings f WHERE {where}""", params).fetchall())
    finally:
        con.close()
    by_unit: dict[tuple, list[Problem]] = {}
    for x in problems:
        prov, city_, cty, dept, yr = homes[x.filing_id]
        by_unit.setdefault((prov, city_, cty, dept, int(yr) if yr else None), []).append(x)
    out = []
    for prov, city_, cty, dept, yr, n, kinds, sample in units:
        counts: dict[str, int] = {}
        for k in kinds:
            counts[k] = counts.get(k, 0) + 1
        out.append(Letter(prov, city_, cty, dept, yr, int(n), counts,
                          sorted(by_unit.get((prov, city_, cty, dept, yr), []), key=Problem.seriousness), bool(sample)))
    return out


def _run_font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # the Chinese glyphs' font


def _para(doc, text: str, size: float = 14, bold: bool = False, align=None, indent: bool = False, font=BODY_FONT):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.space_after = Pt(4)
    _run_font(p.add_run(_text(text)), font, size, bold)
    return p


def letter_docx(letter: Letter) -> bytes:
    """The letter as an editable DOCX (python-docx): title, addressee, findings table, what to fix, blanks to sign."""
    doc = Document()
    year = letter.year or "　　"
    _para(doc, f"关于{year}年度预算绩效文件问题的整改通知", 20, True, WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT)
    _para(doc, f"{letter.department}：")
    kinds = "、".join(f"{DOC_KIND_TITLES.get(k, k)} {n} 份" for k, n in sorted(letter.kinds.items()))
    n = len(letter.problems)
    sev = {s: sum(x.severity == s for x in letter.problems) for s in SEVERITY_TITLES}
    if n:
        said = "、".join(f"{SEVERITY_TITLES[s]} {sev[s]} 个" for s in SEVERITY_TITLES if sev[s])
        _para(doc, f"经对你单位报送的{year}年度绩效文件（{kinds}）逐项检查，发现问题 {n} 个（{said}）。"
                   "现将问题清单和整改要求通知如下，请逐项核实、整改，并于　　年　　月　　日前将整改情况书面报送。",
              indent=True)
    else:
        _para(doc, f"经对你单位报送的{year}年度绩效文件（{kinds}）逐项检查，未发现问题。", indent=True)
    if letter.sample:
        _para(doc, "（注意：本通知依据的部分文件是合成的样例数据，仅用于演示。）", 12)
    if n:
        _para(doc, "一、问题清单", 14, True)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for c, head in zip(table.rows[0].cells, ("序号", "文件", "指标及位置", "问题", "依据")):
            c.text = ""
            _run_font(c.paragraphs[0].add_run(head), BODY_FONT, 10.5, True)
        for k, x in enumerate(letter.problems, start=1):
            where = "整份文件" if x.indicator_seq is None else f"第{x.indicator_seq}项「{x.indicator or ''}」"
            if x.src_where:
                where += f"（{x.src_where}）"
            cells = table.add_row().cells
            values = (str(k), f"{x.short_name()}（{x.source_file}）", where,
                      f"[{SEVERITY_TITLES.get(x.severity, x.severity)}{'，待核实' if x.unverified else ''}] "
                      f"{x.rule_title}：{x.message}", x.evidence or "")
            for c, v in zip(cells, values):
                c.text = ""
                _run_font(c.paragraphs[0].add_run(_text(v)), BODY_FONT, 10.5)
        _para(doc, "二、整改要求", 14, True)
        fams = []
        for x in letter.problems:
            if x.family not in fams:
                fams.append(x.family)
        for k, fam in enumerate(fams, start=1):
            rules = "、".join(dict.fromkeys(x.rule_title for x in letter.problems if x.family == fam))
            _para(doc, f"（{k}）{FAMILY_TITLES.get(fam, fam)}（{rules}）：{FAMILY_FIXES.get(fam, '请核实后更正。')}",
                  indent=True)
    _para(doc, "")
    _para(doc, "（单位名称）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "　　年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write_letters(db: Path, out: Path, **scope) -> list[Path]:
    """Every department's letter into `out` (created); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for letter in gather_letters(db, **scope):
        path = out / letter.file_name
        tmp = path.with_name(path.name + ".part")  # never a half-written letter under the final name
        tmp.write_bytes(letter_docx(letter))
        tmp.replace(path)
        paths.append(path)
    return paths
