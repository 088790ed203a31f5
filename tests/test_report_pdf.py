"""`jixiao report`: a Chinese A4 PDF worth forwarding, read back (text and character boxes) to check it.

The county report puts its conclusions first, the county against its peers on every measure, charts,
the problems grouped by department and by rule, and the full list as an embedded XLSX; a county of the
sample data fits in six pages, typeset as Chinese is (no punctuation starting a line, no number cut,
no heading alone at a page foot, no header outside its column). `--per-department --format docx`
writes one editable feedback letter per department.
"""
from __future__ import annotations

import io
import re
import statistics
from pathlib import Path

import docx
import pdfplumber
import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dashboard_db import build_dashboard_db, write_filings
from etl.check.examples import row
from etl.cli import app
from etl.records import Filing
from etl.printout.typeset import NO_START

FAMILY_CODES = re.compile(r"\b(vague|scoring|reason|category|numbers|copying|template|parse|soft)\b")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "jixiao.duckdb"
    return build_dashboard_db(path), path


def text_of(pdf_path) -> tuple[str, int, tuple]:
    with pdfplumber.open(pdf_path) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages), len(pdf.pages), (pdf.pages[0].width,
                                                                                    pdf.pages[0].height)


def flat(text: str) -> str:
    return "".join(text.split())


def attachment(pdf_path) -> tuple[str, bytes]:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        assert doc.count_attachments() == 1
        att = doc.get_attachment(0)
        return att.get_name(), bytes(att.get_data())
    finally:
        doc.close()


def run_report(db, out, *args) -> str:
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(out), *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_report_command_writes_the_county_report(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "攸县2022.pdf"
    run_report(db, out, "--county", "攸县", "--year", "2022")
    text, pages, size = text_of(out)
    assert size == pytest.approx((595.3, 841.9), abs=1)  # A4
    mine = [f for f in c.filings if f["county"] == "攸县" and f["year"] == 2022]
    assert "攸县2022 年预算绩效分析报告" in text
    # the conclusions come first, written from the figures
    assert text.index("一、主要结论") < text.index("二、评分卡") < text.index("三、图表") < text.index("四、问题汇总")
    body = flat(text)
    assert f"共有{len(mine)}份绩效文件" in body
    assert f"自评得分中位数{statistics.median(f['total_score'] for f in mine):.1f}分" in body
    ids = {f["filing_id"] for f in mine}
    n_find = sum(x["filing_id"] in ids for x in c.findings)  # every family, copy and soft findings included
    n_err = sum(x["filing_id"] in ids and x["severity"] == "error" for x in c.findings)
    assert f"共发现问题{n_find}个（其中错误{n_err}个）" in body
    assert f"第 1 页 / 共 {pages} 页" in text
    # the scorecard row: the county against 湖南's counties; a self-score ranked by height, not as merit
    med = {k: statistics.median(f["total_score"] for f in c.filings if f["county"] == k and f["year"] == 2022)
           for k in ("渌口区", "攸县", "赫山区")}
    rank = 1 + sum(v > med["攸县"] for v in med.values())
    assert f"自评得分中位数{med['攸县']:.1f}" in body and f"第{rank}高/3" in body
    assert "湖南省3个县区" in body
    assert not FAMILY_CODES.search(text), FAMILY_CODES.search(text)
    assert "合成的样例填报" not in text
    # the full list is an XLSX attached to the PDF and written beside it: every finding, with its source position
    name, data = attachment(out)
    assert name == "攸县2022年问题清单.xlsx"
    assert (tmp_path / f"攸县2022_{name}").read_bytes() == data
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert len(rows) == n_find
    head = [c.value for c in ws[2]]
    listed = {(r[head.index("来源位置")], r[head.index("说明")]) for r in rows}
    for x in c.findings:
        if x["filing_id"] in ids and x["indicator_seq"] is not None:
            ind = next(i for i in c.indicators if i["filing_id"] == x["filing_id"] and i["seq"] == x["indicator_seq"])
            assert (ind["src_where"], x["message"]) in listed
    # evidence reads as Chinese: no key=value codes
    assert not any("=" in (r[head.index("依据")] or "") for r in rows)


def test_sample_data_is_flagged(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "r.pdf"
    run_report(db, out, "--county", "昭化区", "--year", "2021")
    text, _, _ = text_of(out)
    assert "合成的样例填报" in text


def test_unknown_county_or_year_is_a_clear_error(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "r.pdf"
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--county", "正定县", "--year", "2021", "--out", str(out)])
    assert res.exit_code == 1 and "正定县" in res.output and not out.exists()
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--county", "攸县", "--year", "2019", "--out", str(out)])
    assert res.exit_code == 1 and "2021" in res.output and not out.exists()


def test_an_empty_chart_says_no_data(tmp_path):
    """A county with target tables only has no execution rate: its chart says 无数据, it draws no empty axes."""
    db = tmp_path / "targets.duckdb"
    write_filings(db, [Filing(doc_kind="project_target", department="示例县教育局", county="示例县", province="湖南省",
                              year=2023, project="学生营养餐", indicators=[row(1, "产出指标", "数量指标", "受益学生人数",
                                                                          "≥1000人")],
                              filing_id="t1", source_file="t1.txt", source_sha256="t1")])
    out = tmp_path / "r.pdf"
    run_report(db, out, "--county", "示例县", "--year", "2023")
    with pdfplumber.open(out) as pdf:
        charts = next(p for p in pdf.pages if "预算执行率分布" in (p.extract_text() or ""))
        text = charts.extract_text()
    assert "三、图表" in text and "无数据" in text
    assert "40–50%" not in text and "90–100%" not in text  # no axis of an empty chart
    assert typesetting_problems(out) == []


def test_download_report_button_on_the_overview(monkeypatch, corpus_db):
    from test_dashboard_pages import run_page

    c, db = corpus_db
    at = run_page(monkeypatch, db, county="攸县", year="2023")
    at.button(key="ov_report_make").click().run()
    scope, pdf, (name, data) = at.session_state["_ov_report_pdf"]
    assert scope == ("攸县", None, 2023, None)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(p.extract_text() for p in doc.pages)
    assert "攸县2023 年预算绩效分析报告" in text
    assert f"共有 {sum(f['county'] == '攸县' and f['year'] == 2023 for f in c.filings)} 份绩效文件" in text
    assert name.endswith("问题清单.xlsx") and load_workbook(io.BytesIO(data)).active.max_row > 2


# ------------------------------------------------------------------ typesetting, read back from the PDF

def segments(page) -> list[dict]:
    """The page's text as runs on one baseline with no gap wider than a character: a line of a cell or
    of a paragraph (x0, x1, top, text, size)."""
    chars = sorted(page.chars, key=lambda ch: (round(ch["top"]), ch["x0"]))
    out: list[dict] = []
    for ch in chars:
        last = out[-1] if out else None
        if (last and abs(ch["top"] - last["top"]) < 1.5 and ch["x0"] - last["x1"] < ch["size"] * 0.5
                and ch["size"] == last["size"]):
            last["text"] += ch["text"]
            last["x1"] = ch["x1"]
        else:
            out.append(dict(x0=ch["x0"], x1=ch["x1"], top=ch["top"], text=ch["text"], size=ch["size"]))
    return out


def typesetting_problems(pdf_path) -> list[str]:
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            segs = segments(page)
            body = [s for s in segs if s["top"] < page.height - 40]  # the footer is one line of its own
            for s in body:
                if s["text"][0] in NO_START and s["text"] != "—":  # (a lone — is a cell's "no value")
                    found.append(f"p{page.page_number}: line starts with punctuation: {s['text'][:20]}")
            # a line ending inside a number, continued on the next line of the same column
            for a in body:
                for b in body:
                    if (abs(a["x0"] - b["x0"]) < 2 and 6 < b["top"] - a["top"] < a["size"] * 1.8 and a["size"] == b["size"]
                            and re.search(r"[0-9][.,]?$", a["text"]) and re.match(r"[0-9.,%]", b["text"])):
                        found.append(f"p{page.page_number}: number broken: {a['text'][-8:]} / {b['text'][:8]}")
            # no character outside its table cell: none straddles a column rule, none is outside the table
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                rules = sorted({round(c[0], 1) for r in table.rows for c in r.cells if c} |
                               {round(c[2], 1) for r in table.rows for c in r.cells if c})
                for ch in page.chars:
                    if top < (ch["top"] + ch["bottom"]) / 2 < bottom:
                        if ch["x0"] < x0 - 0.5 or ch["x1"] > x1 + 0.5:
                            found.append(f"p{page.page_number}: text outside its table: {ch['text']}")
                        if any(ch["x0"] < x - 0.3 and ch["x1"] > x + 0.3 for x in rules):
                            found.append(f"p{page.page_number}: text over a column rule: {ch['text']}")
            # no heading alone at the page foot: the last line above the footer is not a heading
            if body:
                lowest = max(body, key=lambda s: s["top"])
                if lowest["size"] >= 13:
                    found.append(f"p{page.page_number}: heading at the page foot: {lowest['text']}")
    return found


@pytest.mark.slow
def test_a_county_of_the_sample_data_fits_six_pages_typeset_as_chinese(sample_county_db, tmp_path):
    db, filings = sample_county_db
    county = filings[0].county
    mine = [f for f in filings if f.county == county and f.year == 2023]
    assert len(mine) > 80 and len({f.department for f in mine}) == 20
    out = tmp_path / "county.pdf"
    run_report(db, out, "--county", county, "--year", "2023")
    text, pages, _ = text_of(out)
    assert pages <= 6, pages
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0].extract_text()
    assert "一、主要结论" in first and "二、评分卡" in first  # conclusions and the scorecard open the report
    sentences = re.findall(r"\n\d\. ", "\n" + text.split("二、评分卡")[0])
    assert 3 <= len(sentences) <= 5
    body = flat(text)
    assert "四、问题汇总（按部门）" in text and "五、问题汇总（按规则）" in text
    assert "最严重的三个例子" in body
    assert not FAMILY_CODES.search(text)
    assert typesetting_problems(out) == []
    name, data = attachment(out)
    assert load_workbook(io.BytesIO(data)).active.max_row - 2 == len(_findings(db, {f.filing_id for f in mine}))


def _findings(db: Path, ids: set[str]) -> list:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r for r in con.execute("SELECT filing_id FROM findings").fetchall() if r[0] in ids]
    finally:
        con.close()


def test_the_typesetting_check_catches_what_it_looks_for(tmp_path):
    """The checker above is not vacuous: ReportLab's own CJK wrapping fails it (a line starting with "，",
    a number cut in two), and the report's Text does not."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from etl.printout.render import font
    from etl.printout.typeset import Text

    sentence = "本县区2023年共119份填报、20个部门，资金合计12,345.67万元。自评得分中位数97.4分，65.5%的填报自评95分以上。"
    widths = [60 + 7 * k for k in range(12)]  # many column widths: some cut before "，" or inside a number
    style = ParagraphStyle("b", fontName=font(), fontSize=10, leading=14, wordWrap="CJK")
    bad, good = tmp_path / "bad.pdf", tmp_path / "good.pdf"
    SimpleDocTemplate(str(bad)).build([_column(Paragraph(sentence, style), w) for w in widths])
    SimpleDocTemplate(str(good)).build([_column(Text(sentence, font(), 10, 14), w) for w in widths])
    problems = typesetting_problems(bad)
    assert any("punctuation" in p for p in problems) and any("number broken" in p for p in problems), problems
    assert typesetting_problems(good) == []


def _column(flowable, width: float):
    """The flowable set in a column of this width (a one-cell table without rules)."""
    from reportlab.platypus import Table

    return Table([[flowable]], colWidths=[width])


# ------------------------------------------------------------------ feedback letters

def test_one_editable_letter_per_department(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "letters"
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--per-department", "--format", "docx",
                                   "--out", str(out), "--year", "2022"])
    assert res.exit_code == 0, res.output
    mine = [f for f in c.filings if f["year"] == 2022]
    units = {(f["county"] or f["city"] or f["province"], f["department"]) for f in mine}
    files = sorted(out.glob("*.docx"))
    assert len(files) == len(units)
    for path in files:
        d = docx.Document(str(path))  # opens in python-docx: an editable Word document
        text = "\n".join(p.text for p in d.paragraphs)
        dept = next(dep for _, dep in units if f"{dep}：" in text)
        ids = {f["filing_id"] for f in mine if f["department"] == dept}
        n = sum(x["filing_id"] in ids for x in c.findings)
        assert "整改通知" in d.paragraphs[0].text
        if n:
            assert f"发现问题 {n} 个" in text and "整改要求" in text
            assert len(d.tables[0].rows) == n + 1
            cells = [cell.text for r in d.tables[0].rows for cell in r.cells]
            assert not any(FAMILY_CODES.fullmatch(x) for x in cells)
        else:
            assert "未发现问题" in text
    # the evidence reads as words (最高相似度：97%), not as the stored key=value (最高相似度=0.97)
    cells = [cell.text for p in files for t in docx.Document(str(p)).tables for r in t.rows for cell in r.cells]
    assert any("最高相似度：" in x and "%" in x for x in cells) and not any("最高相似度=" in x for x in cells)


def test_letters_for_a_county_or_a_department_only(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "one"
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--per-department", "--format", "docx",
                                   "--out", str(out), "--county", "攸县", "--year", "2023"])
    assert res.exit_code == 0, res.output
    assert len(list(out.glob("*.docx"))) == len({f["department"] for f in c.filings
                                                  if f["county"] == "攸县" and f["year"] == 2023})
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--per-department", "--out", str(out)])
    assert res.exit_code == 2  # letters are DOCX: the format is said
