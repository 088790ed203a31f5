"""Small but realistic filings built in memory, in each binary format.

All hold the same 部门整体支出绩效自评表: a two-row header where 指标值 spans
年度指标值 and 实际完成值, level-1 cells merged down (产出指标(50分) over 4
rows), and a line break inside a cell (经济效 / 益指标).
"""
from __future__ import annotations

import datetime as dt
import io

TITLE = "2023年度部门整体支出绩效自评表"
UNIT = "单位名称（盖章）：正定县工商业联合会"
NOTE = "备注：偏差原因分析及改进措施栏须据实填写。"

HEADER1 = ["一级指标", "二级指标", "三级指标", "指标值", None, "分值", "得分", "偏差原因分析及改进措施"]
HEADER2 = [None, None, None, "年度指标值", "实际完成值", None, None, None]
# (level1, level2, name, target, actual, weight, score, reason); None = covered by the merge above
BODY = [
    ["产出指标(50分)", "数量指标", "培训会员人数", "≧300人", "326人", "15", "15", ""],
    [None, None, "召开座谈会次数", "≥4次", "4次", "10", "10", ""],
    [None, "质量指标", "培训合格率", "≥95%", "97%", "15", "15", ""],
    [None, "时效指标", "资金支付及时率", "100%", "90%", "10", "8", "个别合同付款滞后，下年度加强跟踪"],
    ["效益指标(30分)", "经济效\n益指标", "带动会员企业投资额", "≥5000万元", "5200万元", "15", "15", ""],
    [None, "社会效益指标", "参政议政提案数", "≥3件", "3件", "15", "15", ""],
    ["满意度指标(10分)", "服务对象满意度指标", "会员满意度", "≥90%", "95%", "10", "10", ""],
]


def body_texts() -> list[list[str]]:
    """BODY as the reader must give it: covered cells '' and wrapped lines joined."""
    return [[(v or "").replace("\n", "") for v in row] for row in BODY]


# --- DOCX --------------------------------------------------------------------


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading(TITLE, level=1)
    d.add_paragraph(UNIT)
    rows = [HEADER1, HEADER2] + BODY
    table = d.add_table(rows=len(rows), cols=8)
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            para = table.cell(r, c).paragraphs[0]
            head, _, tail = value.partition("\n")
            run = para.add_run(head)
            if tail:
                run.add_break()  # a manual line break inside the cell
                para.add_run(tail)
    # merges: 指标值 across two columns, header cells down two rows, level-1/2 cells down
    table.cell(0, 3).merge(table.cell(0, 4))
    for c in (0, 1, 2, 5, 6, 7):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(2, 0).merge(table.cell(5, 0))  # 产出指标(50分) over 4 rows
    table.cell(2, 1).merge(table.cell(3, 1))  # 数量指标 over 2 rows
    table.cell(6, 0).merge(table.cell(7, 0))
    d.add_paragraph(NOTE)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# --- XLSX --------------------------------------------------------------------


def make_xlsx(extra_rows: int = 0) -> bytes:
    """The table starts at B3 (sheet coordinates must survive); a second sheet holds the budget."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["B1"] = TITLE
    ws.merge_cells("B1:I1")
    # row 2 left blank: must be dropped
    for r, values in enumerate([HEADER1, HEADER2] + BODY, start=3):
        for c, value in enumerate(values, start=2):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if c in (7, 8):  # 分值 / 得分 as numbers
                cell.value = float(value) if r > 4 else value
            else:
                cell.value = value
    ws.merge_cells("E3:F3")
    for col in "BCDGHI":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("B5:B8")
    ws.merge_cells("C5:C6")
    ws.merge_cells("B9:B10")
    for i in range(extra_rows):
        r = 12 + i
        ws.cell(row=r, column=2, value="产出指标")
        ws.cell(row=r, column=3, value="数量指标")
        ws.cell(row=r, column=4, value=f"指标{i + 1}")
        ws.cell(row=r, column=5, value="≥95%")
        ws.cell(row=r, column=6, value=0.97).number_format = "0%"
        ws.cell(row=r, column=7, value=5)
        ws.cell(row=r, column=8, value=4.5)
        ws.cell(row=r, column=9, value="")

    budget = wb.create_sheet("预算执行")
    budget.append(["项目", "年初预算数", "全年执行数", "执行率", "截止日期", "得分"])
    budget.append(["基本支出", 116.41, 1234.5, 0.8612, dt.date(2023, 12, 31), 0.1 + 0.2])
    budget["C2"].number_format = "#,##0.00"
    budget["D2"].number_format = "0.00%"
    budget["E2"].number_format = "yyyy-mm-dd"
    hidden = wb.create_sheet("下拉选项")
    hidden.append(["产出指标", "效益指标", "满意度指标"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- XLS (needs xlwt, test-only) ----------------------------------------------


def make_xls() -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("自评表")
    ws.write_merge(0, 0, 0, 7, TITLE)
    ws.write_merge(1, 1, 3, 4, "指标值")
    for c in (0, 1, 2, 5, 6, 7):
        ws.write_merge(1, 2, c, c, HEADER1[c])
    ws.write(2, 3, "年度指标值")
    ws.write(2, 4, "实际完成值")
    ws.write_merge(3, 6, 0, 0, BODY[0][0])
    ws.write_merge(3, 4, 1, 1, BODY[0][1])
    ws.write_merge(7, 8, 0, 0, BODY[4][0])
    for i, values in enumerate(BODY):
        r = 3 + i
        for c, value in enumerate(values):
            if value is None or (c == 0 and i in (0, 4)) or (c == 1 and i == 0):
                continue
            ws.write(r, c, float(value) if c in (5, 6) else value)
    pct = xlwt.easyxf(num_format_str="0%")
    ws.write(11, 0, "执行率")
    ws.write(11, 1, 0.86, pct)
    ws.write(11, 2, 0.1 + 0.2)
    ws.write(11, 3, dt.date(2023, 12, 31), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------


def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def pdf_rows(n_extra: int) -> list[list[str]]:
    """Header, the merged BODY, then n_extra plain indicator rows (to run onto page 2)."""
    rows = [[v or "" for v in HEADER1], [v or "" for v in HEADER2]]
    rows += [[(v or "").replace("\n", "") for v in row] for row in BODY]
    for i in range(n_extra):
        rows.append(["产出指标", "数量指标", f"购置设备数量{i + 1}", "≥10台", "10台", "1", "1", ""])
    return rows


def make_pdf(n_extra: int = 40) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _cjk_font()
    style = ParagraphStyle("cjk", fontName=font, fontSize=10, leading=14)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4))
    table = Table(pdf_rows(n_extra), repeatRows=2,
                  colWidths=[90, 90, 120, 80, 80, 40, 40, 200])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (3, 0), (4, 0)),  # 指标值 over two columns
        *[("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 5, 6, 7)],
        ("SPAN", (0, 2), (0, 5)),  # 产出指标(50分) over 4 rows
        ("SPAN", (1, 2), (1, 3)),
        ("SPAN", (0, 6), (0, 7)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    budget = Table(BUDGET_ROWS, colWidths=[120, 100, 100, 100, 80])
    budget.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ]))

    def margins(canvas, doc):
        # a running header and a page number on every page, as printed filings have
        canvas.setFont(font, 9)
        canvas.drawString(72, doc.pagesize[1] - 30, RUNNING_HEADER)
        canvas.drawCentredString(doc.pagesize[0] / 2, 25, f"第 {doc.page} 页")

    doc.build([Paragraph(TITLE, style), Paragraph(UNIT, style), Spacer(1, 8), table,
               Spacer(1, 8), Paragraph(NOTE, style), Spacer(1, 8), budget],
              onFirstPage=margins, onLaterPages=margins)
    return out.getvalue()


RUNNING_HEADER = "正定县工商业联合会2023年度绩效自评"
BUDGET_ROWS = [
    ["项目", "年初预算数", "全年预算数", "全年执行数", "执行率"],
    ["基本支出", "116.41", "120.00", "103.20", "86%"],
]


def make_image_pdf() -> bytes:
    """A 'scan': a page that only draws a filled shape, no text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFillGray(0.6)
    c.rect(50, 50, 400, 600, fill=1, stroke=0)
    c.showPage()
    c.save()
    return out.getvalue()


def make_encrypted_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt=StandardEncryption("secret", canPrint=0))
    c.setFont(_cjk_font(), 12)
    c.drawString(72, 720, TITLE)
    c.showPage()
    c.save()
    return out.getvalue()


# --- HTML --------------------------------------------------------------------


def html_page(charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html>
<html><head>{meta}<title>绩效自评</title><style>td {{ border: 1px solid }}</style></head>
<body>
<h1>{TITLE}</h1>
<p>{UNIT}</p>
<table border="1">
<tr><td rowspan="2">一级指标</td><td rowspan="2">二级指标</td><td rowspan="2">三级指标</td>
<td colspan="2">指标值</td><td rowspan="2">分值</td><td rowspan="2">得分</td><td rowspan="2">偏差原因分析及改进措施</td></tr>
<tr><td>年度指标值</td><td>实际完成值</td></tr>
<tr><td rowspan="4">产出指标(50分)</td><td rowspan="2">数量指标</td><td>培训会员人数</td><td>≧300人</td><td>326人</td><td>15</td><td>15</td><td></td></tr>
<tr><td>召开座谈会次数</td><td>≥4次</td><td>4次</td><td>10</td><td>10</td><td></td></tr>
<tr><td>质量指标</td><td>培训合格率</td><td>≥95%</td><td>97%</td><td>15</td><td>15</td><td></td></tr>
<tr><td>时效指标</td><td>资金支付及时率</td><td>100%</td><td>90%</td><td>10</td><td>8</td><td>个别合同付款滞后，<br>下年度加强跟踪</td></tr>
<tr><td rowspan="2">效益指标(30分)</td><td>经济效
  益指标</td><td>带动会员企业投资额</td><td>≥5000万元</td><td>5200万元</td><td>15</td><td>15</td><td>&nbsp;</td></tr>
<tr><td>社会效益指标</td><td>参政议政提案数</td><td>≥3件</td><td>3件</td><td>15</td><td>15</td><td></td></tr>
<tr><td>满意度指标(10分)</td><td>服务对象满意度指标</td><td>会员满意度</td><td>≥90%</td><td>95%</td><td>10</td><td>10</td><td></td></tr>
</table>
<p>{NOTE}</p>
<script>var x = "不应读出";</script>
</body></html>"""
