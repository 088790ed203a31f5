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
    assert rows[2][1] == "-3.0"  # numbers stay numbers, negative ones too


def test_xlsx_cells_are_text_never_formulas():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(DF)))
    ws = wb.active
    values = [c.value for c in ws["A"]]
    assert values[0] == "部门"
    assert values[2] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["B3"].value == -3.0 and ws["B3"].data_type == "n"


def test_neutralise_leaves_ordinary_values_alone():
    assert neutralise("效果明显") == "效果明显"
    assert neutralise(-5) == -5
    assert neutralise("\t=1") == "'\t=1"
