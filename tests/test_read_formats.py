"""The binary readers: merged cells once, equal grid widths, provenance, failures named plainly."""
from __future__ import annotations

import importlib.util

import pytest

from etl.read.cell_text import clean_text, format_number
from etl.read.docx import read_docx
from etl.read.html import read_html
from etl.read.pdf import read_pdf
from etl.read.xlsx import read_xls, read_xlsx
from etl.read.text import join_share_pages
from etl.records import ReadError, UnsupportedFormat
from tests import fixtures_formats as fx

HEAD1 = ["一级指标", "二级指标", "三级指标", "指标值", "", "分值", "得分", "偏差原因分析及改进措施"]
HEAD2 = ["", "", "", "年度指标值", "实际完成值", "", "", ""]


def table_rows(doc, index=0):
    return [r for r in doc.rows if r.table == index]


def free_text(doc):
    return [r.cells[0].text for r in doc.rows if r.table is None]


def assert_selfeval_table(rows, body=None):
    """The shared 自评表: header, merged cells once with '' below/right, one grid width."""
    texts = [r.texts for r in rows]
    assert {len(t) for t in texts} == {8}
    assert texts[0] == HEAD1
    assert texts[1] == HEAD2
    assert texts[2:9] == (body or fx.body_texts())
    col1 = [t[0] for t in texts]
    assert col1.count("产出指标(50分)") == 1
    assert col1[3:6] == ["", "", ""]


# --- cell text and numbers ----------------------------------------------------------


def test_clean_text_joins_wrapped_cjk_and_keeps_latin_spaces():
    assert clean_text("经济效\n益指标") == "经济效益指标"
    assert clean_text(" Level\n2 ") == "Level 2"
    assert clean_text("\u00a0≧90%\u00a0") == "≧90%"
    assert clean_text("满意度\u00a0指标") == "满意度 指标"
    assert clean_text("ＡＢＣ　１２３") == "ＡＢＣ　１２３"  # full-width kept


def test_numbers_render_as_printed():
    assert format_number(0.86, "0%") == "86%"
    assert format_number(0.8612, "0.00%") == "86.12%"
    assert format_number(0.1 + 0.2, "General") == "0.3"
    assert format_number(10.0, "General") == "10"
    assert format_number(1234.5, "#,##0.00") == "1,234.50"
    assert format_number(116.4, "0.00_ ") == "116.40"
    assert format_number(1e-7, "General") == "0.0000001"


# --- DOCX ----------------------------------------------------------------------------


def test_docx_merged_cells_once_in_reading_order():
    doc = read_docx(fx.make_docx(), "自评表.docx")
    assert (doc.fmt, doc.layout) == ("docx", "tables")
    assert free_text(doc) == [fx.TITLE, fx.UNIT, fx.NOTE]
    # reading order: title and unit before the table, the note after it
    kinds = [r.table for r in doc.rows]
    assert kinds == [None, None] + [0] * 9 + [None]
    rows = table_rows(doc)
    assert_selfeval_table(rows)
    cell = rows[6].cells[1]  # 经济效益指标
    assert cell.text == "经济效益指标"
    assert (cell.loc.table, cell.loc.row, cell.loc.col) == (0, 7, 2)
    assert rows[6].loc.row == 7


def test_docx_garbage_and_old_doc_are_read_errors():
    with pytest.raises(ReadError):
        read_docx(b"this is not a word file", "x.docx")
    with pytest.raises(UnsupportedFormat, match="doc"):
        read_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.docx")


# --- XLSX / XLS -------------------------------------------------------------------------


def test_xlsx_sheets_merges_numbers_and_sheet_coordinates():
    doc = read_xlsx(fx.make_xlsx(), "自评表.xlsx")
    assert (doc.fmt, doc.layout) == ("xlsx", "tables")
    sheet1 = table_rows(doc, 0)
    # title row: value at B1, the rest of the merge B1:I1 empty; blank row 2 dropped
    assert sheet1[0].texts == [fx.TITLE] + [""] * 7
    assert [r.loc.row for r in sheet1[:3]] == [1, 3, 4]
    body = fx.body_texts()
    assert_selfeval_table(sheet1[1:], body)
    first = sheet1[3].cells[0]
    assert (first.loc.sheet, first.loc.row, first.loc.col, first.loc.table) == ("自评表", 5, 2, 0)
    # 分值 15.0 stored as a float prints '15'
    assert sheet1[3].cells[5].text == "15"
    budget = table_rows(doc, 1)
    assert budget[1].texts == ["基本支出", "116.41", "1,234.50", "86.12%", "2023-12-31", "0.3"]
    assert budget[1].cells[0].loc.sheet == "预算执行"
    # the hidden list sheet is not read, and the user is told
    assert all(r.table in (0, 1) for r in doc.rows)
    assert any("下拉选项" in w for w in doc.warnings)


@pytest.mark.slow
def test_xlsx_5000_rows_are_all_read():
    """Every row of a long sheet (how fast: bench/ingest_bench.py, not a timed test)."""
    data = fx.make_xlsx(extra_rows=5000)
    doc = read_xlsx(data, "big.xlsx")
    rows = table_rows(doc, 0)
    assert len(rows) == 1 + 9 + 5000
    assert rows[-1].texts == ["产出指标", "数量指标", "指标5000", "≥95%", "97%", "5", "4.5", ""]


def test_xlsx_garbage_is_read_error():
    with pytest.raises(ReadError, match="XLSX"):
        read_xlsx(b"PK\x03\x04 broken zip", "x.xlsx")
    with pytest.raises(ReadError):
        read_xlsx(b"just some text, not a workbook", "x.xlsx")


def test_xls_merges_and_formats():
    pytest.importorskip("xlwt")
    doc = read_xls(fx.make_xls(), "自评表.xls")
    assert (doc.fmt, doc.layout) == ("xls", "tables")
    rows = table_rows(doc)
    assert rows[0].texts == [fx.TITLE] + [""] * 7
    assert_selfeval_table(rows[1:9] + [r for r in rows[9:] if r.loc.row != 12])
    last = rows[-1]
    assert last.loc.row == 12
    assert last.texts[:4] == ["执行率", "86%", "0.3", "2023-12-31"]
    assert (last.cells[1].loc.sheet, last.cells[1].loc.col) == ("自评表", 2)


def test_workbook_with_the_wrong_extension_is_still_read():
    doc = read_xls(fx.make_xlsx(), "自评表.xls")  # an .xlsx saved as .xls
    assert doc.fmt == "xlsx" and any(".xlsx" in w for w in doc.warnings)
    assert table_rows(doc)[0].texts[0] == fx.TITLE
    if importlib.util.find_spec("xlwt"):
        doc = read_xlsx(fx.make_xls(), "自评表.xlsx")  # an .xls saved as .xlsx
        assert doc.fmt == "xls" and table_rows(doc)[0].texts[0] == fx.TITLE


def test_docx_nested_table_reads_into_its_cell():
    import io

    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(1, 0).text = "资金来源", "金额（万元）", "合计"
    inner = t.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "财政资金", "100"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "其他资金", "20"
    out = io.BytesIO()
    d.save(out)
    doc = read_docx(out.getvalue(), "n.docx")
    assert [r.texts for r in doc.rows] == [["资金来源", "金额（万元）"], ["合计", "财政资金 100其他资金 20"]]


def test_xls_garbage_is_read_error():
    with pytest.raises(ReadError, match="XLS"):
        read_xls(b"\x00\x01 not a workbook at all", "x.xls")


def test_html_saved_as_xls_is_read_as_html():
    doc = read_xls(fx.html_page("utf-8").encode("utf-8"), "导出.xls")
    assert doc.fmt == "html"
    assert_selfeval_table(table_rows(doc))
    assert any("HTML" in w for w in doc.warnings)


# --- PDF -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_doc():
    return read_pdf(fx.make_pdf(n_extra=40), "自评表.pdf")


def test_pdf_table_stitched_across_pages_without_repeated_header(pdf_doc):
    doc = pdf_doc
    assert (doc.fmt, doc.layout) == ("pdf", "tables")
    rows = table_rows(doc)
    assert len({r.loc.page for r in rows}) >= 2, "fixture must run onto a second page"
    assert [r.texts for r in rows] == fx.pdf_rows(40)  # every row once, header once
    assert [r.loc.row for r in rows] == list(range(1, len(rows) + 1))


def test_pdf_merged_cells_and_provenance(pdf_doc):
    rows = table_rows(pdf_doc)
    assert_selfeval_table(rows)
    cell = rows[2].cells[0]
    assert cell.text == "产出指标(50分)"
    assert (cell.loc.page, cell.loc.table, cell.loc.row, cell.loc.col) == (1, 0, 3, 1)
    x0, top, x1, bottom = cell.loc.bbox
    assert x0 < x1 and top < bottom
    # the merged cell is four rows tall
    assert bottom - top > 3 * (rows[3].loc.bbox[3] - rows[3].loc.bbox[1])
    page2 = [r for r in rows if r.loc.page == 2]
    assert page2 and page2[0].cells[2].loc.bbox is not None


def test_pdf_text_outside_tables_in_reading_order(pdf_doc):
    doc = pdf_doc
    # page numbers and the running header are dropped; the second table gets its own index
    assert free_text(doc) == [fx.TITLE, fx.UNIT, fx.NOTE]
    assert [r.table for r in doc.rows[:3]] == [None, None, 0]
    note = next(i for i, r in enumerate(doc.rows) if r.table is None and r.cells[0].text == fx.NOTE)
    assert {r.table for r in doc.rows[:note]} == {None, 0}
    assert [r.texts for r in doc.rows[note + 1:]] == fx.BUDGET_ROWS
    assert {r.table for r in doc.rows[note + 1:]} == {1}
    assert doc.rows[0].loc.page == 1 and doc.rows[0].loc.bbox is not None


def test_pdf_image_only_is_unsupported():
    with pytest.raises(UnsupportedFormat, match="OCR"):
        read_pdf(fx.make_image_pdf(), "扫描件.pdf")


def test_pdf_encrypted_and_garbage_are_read_errors():
    with pytest.raises(ReadError, match="加密"):
        read_pdf(fx.make_encrypted_pdf(), "加密.pdf")
    with pytest.raises(ReadError) as e:
        read_pdf(b"%PDF-1.4 garbage that is not a pdf", "坏.pdf")
    assert not isinstance(e.value, UnsupportedFormat)
    with pytest.raises(ReadError):
        read_pdf(b"not a pdf at all", "x.pdf")


@pytest.mark.slow
def test_pdf_50_pages_one_table_across_them():
    """A table continued over 30+ pages is one table of every row (speed: bench/ingest_bench.py)."""
    data = fx.make_pdf(n_extra=1100)
    doc = read_pdf(data, "big.pdf")
    pages = {r.loc.page for r in doc.rows}
    assert len(pages) >= 30
    assert len(table_rows(doc)) == 2 + 7 + 1100


# --- HTML ------------------------------------------------------------------------------


def test_html_rowspan_colspan_and_text():
    doc = read_html(fx.html_page("utf-8").encode("utf-8"), "自评表.html")
    assert (doc.fmt, doc.layout) == ("html", "tables")
    assert free_text(doc) == [fx.TITLE, fx.UNIT, fx.NOTE]  # no <title>/<script> text
    rows = table_rows(doc)
    body = fx.body_texts()
    body[3][7] = "个别合同付款滞后，下年度加强跟踪"
    assert_selfeval_table(rows, body)
    cell = rows[2].cells[0]
    assert (cell.loc.table, cell.loc.row, cell.loc.col) == (0, 3, 1)


def test_html_gbk_meta_and_undeclared_gb18030():
    page = fx.html_page("gbk").replace(fx.UNIT, fx.UNIT + "（䶮）")  # 䶮 is only in GB18030
    doc = read_html(page.encode("gb18030"), "gbk.html")
    assert free_text(doc)[1] == fx.UNIT + "（䶮）"
    assert_selfeval_table(table_rows(doc), _html_body())
    doc = read_html(fx.html_page(None).encode("gb18030"), "nometa.htm")
    assert free_text(doc)[0] == fx.TITLE
    doc = read_html(fx.html_page(None).encode("utf-8"), "nometa-utf8.htm")
    assert free_text(doc)[0] == fx.TITLE


def test_html_layout_table_holds_data_table():
    inner = fx.html_page(None).split("<body>")[1].split("</body>")[0]
    page = f"<html><body><table><tr><td>导航</td></tr><tr><td>{inner}</td></tr></table></body></html>"
    doc = read_html(page.encode("utf-8"), "layout.html")
    assert free_text(doc)[:2] == ["导航", fx.TITLE]
    assert_selfeval_table(table_rows(doc, 0), _html_body())


def _html_body():
    body = fx.body_texts()
    body[3][7] = "个别合同付款滞后，下年度加强跟踪"
    return body


def test_owner_password_pdf_with_chinese_fonts_is_read_through_pdfium():
    """Government PDFs often carry an owner password only; pdfminer then decodes CID fonts as (cid:…)."""
    import io

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    from etl.parse import parse_document
    from etl.read import read_bytes
    from tests.fixtures_formats import _cjk_font

    buf = io.BytesIO()
    enc = StandardEncryption(userPassword="", ownerPassword="owner-only", canPrint=1, canModify=0, canCopy=0, strength=128)
    c = canvas.Canvas(buf, encrypt=enc)
    c.setFont(_cjk_font(), 11)
    lines = ["某县某局2022年度项目支出绩效目标表", "项目名称  校舍维修", "主管部门  某县教育局",
             "一级指标  二级指标  三级指标  指标值", "产出指标  数量指标  维修面积  ≥500平方米", "产出指标  质量指标  验收合格率  100%"]
    for k, line in enumerate(lines):
        c.drawString(60, 760 - 20 * k, line)
    c.save()
    doc = read_bytes(buf.getvalue(), "owner.pdf")
    assert doc.fmt == "pdf" and any("PDFium" in w for w in doc.warnings)
    (f,) = parse_document(doc)
    assert (f.project, f.department) == ("校舍维修", "某县教育局")
    assert [(i.name, i.target) for i in f.indicators] == [("维修面积", "≥500平方米"), ("验收合格率", "100%")]


def test_a_sharing_sites_pages_cut_inside_a_word_are_joined_back():
    # a document-sharing copy opens each page of ~150-300 characters with its number, wherever the cut falls
    body = "某县农业局2022年度项目绩效自评报告。" + "本年度完成了全部建设任务，资金拨付及时，管理规范" * 6
    text = f"1、 {body}附件2:某县农业局2022年度项目绩效自\n\n2、评表 项目名称 耕地保护补助 主管部门 某县农业局\n"
    joined = join_share_pages(text.split("\n"))
    assert "项目绩效自评表 项目名称" in joined[0] and not joined[0].startswith("1、")
    assert joined[1:3] == ["", ""]  # later lines keep their numbers
    # numbered paragraphs that end their sentences, or short numbered headings, stay as they are
    paragraphs = [f"1、{body}。", "", f"2、{body}。", ""]
    assert join_share_pages(paragraphs) == paragraphs
    headings = ["1、项目基本情况", "2、绩效目标完成情况"]
    assert join_share_pages(headings) == headings


def test_text_with_a_short_tabbed_table_among_its_paragraphs_keeps_the_tables_cells():
    # a report copied with its three-row annexed table: the tabs are cell breaks, though most lines are prose
    from etl.read import read_bytes

    prose = [f"第{k}段，本单位按计划推进各项工作，资金使用规范。" for k in range(12)]
    table = ["一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t维修道路\t5公里", "效益指标\t社会效益指标\t通行便利\t改善"]
    doc = read_bytes("\n".join(prose[:6] + table + prose[6:]).encode("utf-8"), "报告.txt")
    cells = [r.texts for r in doc.rows if r.table is not None]
    assert cells == [t.split("\t") for t in table]
    assert [r.texts for r in doc.rows if r.table is None][0] == [prose[0]]
