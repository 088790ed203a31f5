"""Made-up long-format exports of a budget system (one row per indicator), for the structured-import tests.

Every name, code and value here is invented; the layouts are the classes of export the importer reads:
meta columns on every row or once per block (merged), a title above a two-row header, a summary sheet,
a department-level variant, and XLSX / XLS / CSV in several encodings.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HEADER = ["区划代码", "年度", "部门代码", "部门名称", "项目代码", "项目名称", "一级指标名称", "二级指标名称",
          "三级指标名称", "计算符号", "指标值", "计量单位", "权重"]
# three projects, two departments; project codes with leading zeros and 21 characters
ROWS = [
    ["430224000", "2023", "007001", "县示范教育局", "000012345678901234567", "乡村学校课桌椅更新项目", "产出指标", "数量指标", "更新课桌椅套数", "≥", 1200, "套", 20],
    ["430224000", "2023", "007001", "县示范教育局", "000012345678901234567", "乡村学校课桌椅更新项目", "产出指标", "质量指标", "验收合格率", "=", 100, "%", 20],
    ["430224000", "2023", "007001", "县示范教育局", "000012345678901234567", "乡村学校课桌椅更新项目", "效益指标", "社会效益指标", "学生学习条件", "定性", "明显改善", "", 30],
    ["430224000", "2023", "007001", "县示范教育局", "000012345678901234568", "教师培训项目", "产出指标", "数量指标", "培训教师人次", "≥", 300, "人次", 40],
    ["430224000", "2023", "007001", "县示范教育局", "000012345678901234568", "教师培训项目", "满意度指标", "服务对象满意度指标", "参训教师满意度", "≥", 90, "%", 30],
    ["430224000", "2023", "009002", "县示范农业农村局", "000098765432109876543", "高标准农田建设项目", "产出指标", "数量指标", "新建高标准农田面积", "≥", 5000, "亩", 40],
    ["430224000", "2023", "009002", "县示范农业农村局", "000098765432109876543", "高标准农田建设项目", "成本指标", "经济成本指标", "亩均建设成本", "≤", 3000, "元", 30],
]
EVAL_HEADER = HEADER + ["完成值", "得分", "偏差原因分析", "改进措施"]
EVAL_EXTRA = [
    [1180, 18, "部分学校合并，需求减少", "按实际需求调整"],
    [100, 20, "", ""],
    ["明显改善", 30, "", ""],
    [320, 40, "", ""],
    [92, 30, "", ""],
    [4800, 36, "雨季延误施工", "提前安排工期"],
    [2950, 30, "", ""],
]


def xlsx_bytes(header: list, rows: list[list], title: str | None = "2023年度项目绩效目标（系统导出）",
               sheet: str = "项目绩效目标", extra_sheets: dict | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for r in rows:
        ws.append(r)
    for c in ws.iter_rows():  # codes as text cells (the system exports them so)
        for cell in c:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for name, (h, rs) in (extra_sheets or {}).items():
        sh = wb.create_sheet(name)
        sh.append(h)
        for r in rs:
            sh.append(r)
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()


def csv_bytes(header: list, rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode(encoding)


def xls_bytes(header: list, rows: list[list]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("导出")
    for c, h in enumerate(header):
        sh.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            sh.write(r, c, v)
    bio = io.BytesIO()
    book.save(bio)
    return bio.getvalue()


def blocked_xlsx() -> bytes:
    """Meta once per project block (merged down its rows) under a two-row header: 三级指标 over 代码 | 名称."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细"
    ws.append(["县示范教育局2023年度项目绩效目标"])
    ws.append(["单位：万元"])
    ws.append(["年度", "项目代码", "项目名称", "部门名称", "三级指标", None, "指标值", "计量单位", "权重"])
    ws.append([None, None, None, None, "代码", "名称", None, None, None])
    for col in ("A", "B", "C", "D", "G", "H", "I"):
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:F3")
    data = [
        ["2023", "0510001", "校舍维修项目", "县示范教育局", "0101", "维修校舍面积", "≥2000平方米", None, 50],
        [None, None, None, None, "0102", "维修工程验收合格率", "100%", None, 50],
        ["2023", "0510002", "营养餐项目", "县示范教育局", "0101", "受益学生人数", 5000, "人", 60],
        [None, None, None, None, "0102", "食品安全事故数", 0, "起", 40],
    ]
    for r in data:
        ws.append(r)
    ws.merge_cells("A5:A6")
    ws.merge_cells("B5:B6")
    for c in ws.iter_rows():
        for cell in c:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    bio = io.BytesIO()
    wb.save(bio)
    return bio.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
