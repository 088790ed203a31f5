"""Writers: every format opens with its own library and carries the same merged table."""
from __future__ import annotations

import io
import zipfile

import pytest
from bs4 import BeautifulSoup

from etl.records import Filing, Indicator, Section, SpendPoint
from etl.write import render

NASTY = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"


def _self_eval(n_extra: int = 0, unit: str = "万元") -> Filing:
    inds = [
        Indicator(1, "产出指标", "数量指标", NASTY, target="≥50个", actual="50个", weight=20, score=20),
        Indicator(2, "产出指标", "数量指标", "培训人数", target="≥100人", actual="80人", weight=15, score=12,
                  reason="受疫情影响 & 延期，下一步线上培训。"),
        Indicator(3, "产出指标", "质量指标", FORMULA, target="≥95%", actual="96%", weight=15, score=15),
        Indicator(4, "效益指标", "社会效益指标", "受益人数", target="≥1000人", actual="1200人", weight=30, score=30),
        Indicator(5, "满意度指标", "服务对象满意度指标", "群众满意度", target="≥90%", actual="95%", weight=10, score=10),
    ]
    for k in range(n_extra):
        inds.insert(2, Indicator(0, "产出指标", "数量指标", f"附加指标{k}", target="1次", actual="1次", weight=0, score=0))
    for i, ind in enumerate(inds, start=1):
        ind.seq = i
    return Filing(
        doc_kind="project_self_eval", title="湖南省株洲市渌口区教育局2022年度测试项目项目支出绩效自评表（示例数据）",
        province="湖南省", city="株洲市", county="渌口区", department="渌口区教育局", unit="渌口区教育局本级",
        project="测试项目", year=2022, amount_unit=unit,
        budget_initial=100.0, budget_adjusted=120.0, budget_executed=108.0, budget_fiscal=120.0,
        exec_rate_reported=0.9, exec_weight=10, exec_score=9, total_weight=100, total_score=96,
        indicators=inds,
        sections=[Section("goal_expected", "预期目标", "完成培训"), Section("goal_actual", "实际完成情况", "基本完成")],
    )


def _target() -> Filing:
    return Filing(
        doc_kind="project_target", title="测试项目支出绩效目标表（示例数据）", department="渌口区教育局",
        unit="渌口区教育局本级", project="校舍维修", project_code="43021222P00101", year=2023,
        budget_initial=1.33, budget_fiscal=1.33,
        spending_plan=[SpendPoint(f"{m}月底", m, v) for m, v in ((3, 0.33), (6, 0.66), (10, 0.99), (12, 0.34))],
        indicators=[Indicator(1, "产出指标", "数量指标", "维修面积", target="≥100平方米", basis="历史惊讶标准")],
        sections=[Section("goal", "绩效目标", "完成维修")],
    )


def _row_of(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if first in r)


def test_text_is_tab_separated_with_merged_cells_left_empty():
    text = render(_self_eval(), "txt").decode("utf-8")
    rows = [line.split("\t") for line in text.splitlines()]
    head = _row_of(rows, "一级指标")
    assert head == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    first = _row_of(rows, NASTY)
    assert first[1] == "产出指标(50分)" and first[2] == "数量指标"
    second = _row_of(rows, "培训人数")
    assert second[:3] == ["", "", ""]  # covered by the 一级 / 二级 merges
    assert second[5:] == ["80人", "15", "12", "受疫情影响 & 延期，下一步线上培训。"]
    total = _row_of(rows, "总分")
    assert total[6:8] == ["100", "96"]
    assert _row_of(rows, "年度资金总额")[3:9] == ["100.00", "120.00", "108.00", "10", "90%", "9"]


def test_yuan_table_prints_amounts_in_yuan():
    text = render(_self_eval(unit="元"), "txt").decode("utf-8")
    assert "单位：元" in text and "项目资金（元）" in text
    assert "1200000.00" in text and "1080000.00" in text


def test_html_escapes_text_and_keeps_spans():
    page = render([_self_eval(), _target()], "html").decode("utf-8")
    assert NASTY not in page  # only the escaped form is in the markup
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None
    assert NASTY in soup.get_text()
    tables = soup.find_all("table")
    assert len(tables) == 2
    l1 = tables[0].find("td", string="产出指标(50分)")
    assert l1["rowspan"] == "3"
    assert tables[0].find("td", string="总分")["colspan"] == "6"
    assert [h.get_text() for h in soup.find_all("h2")] == [_self_eval().title, _target().title]


def test_docx_has_one_table_per_filing_with_vertical_merges():
    from docx import Document

    doc = Document(io.BytesIO(render([_self_eval(), _target()], "docx")))
    assert len(doc.tables) == 2
    t = doc.tables[0]
    texts = [[c.text for c in row.cells] for row in t.rows]
    r = next(i for i, row in enumerate(texts) if NASTY in row)
    assert t.cell(r, 1)._tc is t.cell(r + 1, 1)._tc  # 产出指标 merged down over its rows
    assert t.cell(r, 1).text == "产出指标(50分)"
    assert t.cell(r, 0).text == "绩效指标"
    paras = [p.text for p in doc.paragraphs]
    assert _self_eval().title in paras and _target().title in paras
    assert "历史惊讶标准" in [c.text for c in doc.tables[1].rows[-1].cells]


def test_xlsx_keeps_formula_like_text_inert_and_merges():
    from openpyxl import load_workbook

    data = render([_self_eval(), _target()], "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert len(wb.worksheets) == 2
    ws = wb.worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value}
    assert cells[FORMULA].data_type == "s"
    assert cells[NASTY].data_type == "s"
    l1 = cells["产出指标(50分)"]
    assert any(rng.min_row == l1.row and rng.max_row == l1.row + 2 and rng.min_col == l1.column
               for rng in ws.merged_cells.ranges)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet  # no formula anywhere


def test_pdf_long_table_breaks_with_repeated_header():
    import pdfplumber

    data = render(_self_eval(n_extra=60), "pdf")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        assert len(pages) >= 2
        assert "项目支出绩效自评表" in pages[0]
        assert NASTY in pages[0]  # printed as text, not taken as markup
        assert all("一级指标" in p and "偏差原因分析及改进措施" in p for p in pages)
        assert "总分" in pages[-1]
        table = pdf.pages[0].extract_tables()
        assert any("年度资金总额" in (c or "") for t in table for row in t for c in row)


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf", "html", "txt"])
def test_same_filing_gives_same_bytes(fmt):
    assert render(_self_eval(), fmt) == render(_self_eval(), fmt)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render(_self_eval(), "doc")
