"""Exports open correctly in Excel and never carry a live formula."""
from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from dashboard.export import neutralise, to_csv_bytes, to_xlsx_bytes

DF = pd.DataFrame({
    "部门": ["株洲市渌口区工商业联合会", '=HYPERLINK("http://x","点我")', "+SUM(A1)", "-1+2", "@cmd", "<b>bold</b>"],
    "得分": [95.5, -3.0, 0.0, 1.0, None, 2.0],
})


def test_csv_has_bom_and_chinese_and_neutralised_formulas():
    data = to_csv_bytes(DF)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["部门", "得分"]
    col = [r[0] for r in rows[1:]]
    assert col[0] == "株洲市渌口区工商业联合会"
    assert col[1] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert col[2:5] == ["'+SUM(A1)", "'-1+2", "'@cmd"]
    assert col[5] == "<b>bold</b>"
    assert rows[2][1] == "-3"  # numbers stay numbers, negative ones too


def test_xlsx_cells_are_text_never_formulas():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(DF)))
    ws = wb.active
    values = [c.value for c in ws["A"]]
    assert values[0] == "部门"
    # the text as typed, no visible apostrophe: Excel's quote-prefix style marks it as text
    assert values[2] == '=HYPERLINK("http://x","点我")'
    assert ws["A3"].data_type == "s" and ws["A3"].quotePrefix
    assert not ws["A2"].quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["B3"].value == -3.0 and ws["B3"].data_type == "n"


def test_neutralise_leaves_ordinary_values_alone():
    assert neutralise("效果明显") == "效果明显"
    assert neutralise(-5) == -5
    assert neutralise("\t=1") == "'\t=1"


def test_xlsx_is_formatted_for_reading():
    df = pd.DataFrame({"项目": ["甲", "乙"], "执行率": [0.875, None], "预算": [1234.5, 10.0], "年度": [2022, 2023]})
    data = to_xlsx_bytes(df, kinds={"执行率": "percent", "预算": "money", "年度": "int"})
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert ws["B2"].value == 0.875 and ws["B2"].number_format == "0.0%"
    assert ws["B3"].value is None
    # 万元 is in the header (全年预算数(万元)), so the cell format does not say it a second time
    assert ws["C2"].value == 1234.5 and ws["C2"].number_format == "#,##0.00" and "万元" not in ws["C2"].number_format
    assert ws["D2"].value == 2022
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCD")
    assert ws["A1"].font.bold


def test_csv_keeps_full_precision_and_writes_rates_as_percent():
    df = pd.DataFrame({"执行率": [0.9557, None], "得分": [95.57, 80.0], "预算": [1234.5678, 2.0]})
    csv_bytes = to_csv_bytes(df, {"执行率": "percent", "得分": "score", "预算": "money"})
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    # the CSV is read by other programs: 95.57 stays 95.57 (it was rounded to 95.6), the XLSX is the formatted one
    assert rows[1] == ["95.57%", "95.57", "1234.5678"]
    assert rows[2] == ["", "80", "2"]
