"""Columns that carry more than the levels, the name and the values (issue 17).

1. A department's target table prints the duty and the task a block of indicators serves before the
   levels ('部门职责 | 工作任务 | 一级指标 | 二级指标 | 三级指标 | 指标值', or '任务名称 | 主要内容 |
   资金额度(万元) | …'). Each such cell spans its block's rows: context of those rows, never an extra
   indicator row, never a level or a name.
2. A self-evaluation whose 指标值 is split into a sign, a figure and a unit ('预期指标值' over '符号 |
   数值 | 单位(文字描述)'), beside an explanation column (指标解释): the explanation is no value, the
   sign joins the figure after it, and a score printed as parts ('自评得分' over '单项指标得分 | 权重占比
   (%) | 折算得分') is no target.

The text here is invented; the shapes are the templates'.
"""
from __future__ import annotations

import io

import pytest

from etl.parse import parse_document
from etl.read import read_bytes

DEPT_HEAD = ["某县林业局2024年度部门整体支出绩效目标表", "部门名称：某县林业局"]


def parse(lines: list[str], head=DEPT_HEAD):
    return parse_document(read_bytes("\n".join(head + lines).encode("utf-8"), "copy.txt"))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target) for i in f.indicators]


# --- 1. duty / task columns before the levels ------------------------------------------------------

FOREST = [
    ("产出指标", "数量指标", "巡查次数", "≥120次"),
    ("产出指标", "质量指标", "火情处置率", "100%"),
    ("效益指标", "社会效益指标", "森林火灾受害率", "≤0.9‰"),
    ("产出指标", "数量指标", "新增造林面积", "≥3000亩"),
    ("产出指标", "时效指标", "完成时间", "2024年12月底前"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
]

# (duty, task, level1, level2, name, target): the duty and task printed on the first row of their block
FOREST_GRID = [
    ("负责森林资源保护", "森林防火巡查", *FOREST[0]),
    ("", "", *FOREST[1]),
    ("", "", *FOREST[2]),
    ("负责国土绿化", "植树造林", *FOREST[3]),
    ("", "", *FOREST[4]),
    ("", "", *FOREST[5]),
]


def test_duty_and_task_columns_in_a_grid_are_no_rows():
    (f,) = parse(["| 部门职责 | 工作任务 | 一级指标 | 二级指标 | 三级指标 | 指标值 |"]
                 + ["| " + " | ".join(r) + " |" for r in FOREST_GRID])
    assert rows(f) == FOREST


def test_task_content_and_money_columns_in_a_copy_without_its_grid():
    # the task's cells only on its block's first line, separated by spaces; the money a bare figure
    (f,) = parse([
        "任务名称 主要内容 资金额度(万元) 一级指标 二级指标 三级指标 目标值",
        "耕地保护 开展高标准农田建设和耕地质量监测 320 产出指标 数量指标 新建高标准农田面积 ≥5000亩",
        "产出指标 质量指标 项目验收合格率 100%",
        "效益指标 经济效益指标 亩均增产 ≥50公斤",
        "动物防疫 开展重大动物疫病强制免疫 85.5 产出指标 数量指标 免疫畜禽数量 ≥20万头",
        "效益指标 社会效益指标 重大动物疫情发生数 0起",
        "满意度指标 服务对象满意度指标 养殖户满意度 ≥90%",
    ], head=["某县农业农村局2024年度部门整体支出绩效目标表", "部门名称：某县农业农村局"])
    assert rows(f) == [
        ("产出指标", "数量指标", "新建高标准农田面积", "≥5000亩"),
        ("产出指标", "质量指标", "项目验收合格率", "100%"),
        ("效益指标", "经济效益指标", "亩均增产", "≥50公斤"),
        ("产出指标", "数量指标", "免疫畜禽数量", "≥20万头"),
        ("效益指标", "社会效益指标", "重大动物疫情发生数", "0起"),
        ("满意度指标", "服务对象满意度指标", "养殖户满意度", "≥90%"),
    ]


def test_duty_and_task_on_a_line_of_their_own_in_the_middle_of_their_block():
    # a PDF's text layer prints a merged cell's words where the cell is centred: between its block's rows
    (f,) = parse([
        "部门职责 工作任务 一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 巡查次数 ≥120次",
        "负责森林资源保护 森林防火巡查",
        "产出指标 质量指标 火情处置率 100%",
        "效益指标 社会效益指标 森林火灾受害率 ≤0.9‰",
        "产出指标 数量指标 新增造林面积 ≥3000亩",
        "负责国土绿化 植树造林",
        "产出指标 时效指标 完成时间 2024年12月底前",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90%",
    ])
    assert rows(f) == FOREST


def test_a_short_reason_before_the_next_task_stays_its_rows_reason():
    # a self-evaluation with the same columns: the row's last cell ('苗木供应不足') is its 偏差原因, not the
    # next block's duty (a block's duty and task start its line)
    (f,) = parse([
        "部门职责 工作任务 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析",
        "负责森林资源保护 森林防火巡查 产出指标 数量指标 巡查次数 ≥120次 130次 20 20",
        "产出指标 质量指标 火情处置率 100% 100% 20 20",
        "效益指标 社会效益指标 森林火灾受害率 ≤0.9‰ 0.5‰ 20 20",
        "负责国土绿化 植树造林 产出指标 数量指标 新增造林面积 ≥3000亩 2800亩 20 18 苗木供应不足",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 20 20",
    ], head=["某县林业局2023年度部门整体支出绩效自评表", "部门名称：某县林业局"])
    assert [(i.name, i.actual, i.score, i.reason) for i in f.indicators] == [
        ("巡查次数", "130次", 20, None), ("火情处置率", "100%", 20, None), ("森林火灾受害率", "0.5‰", 20, None),
        ("新增造林面积", "2800亩", 18, "苗木供应不足"), ("群众满意度", "95%", 20, None)]


def _docx(paragraphs: list[str], header: list[list[str]], body: list[tuple], merge_first: int) -> bytes:
    """A DOCX with the table's first `merge_first` columns merged down over each block (a block starts where
    its first cell is printed), and the header's cells merged where a row repeats the one beside or above."""
    from docx import Document as Docx

    d = Docx()
    for p in paragraphs:
        d.add_paragraph(p)
    width = len(header[0])
    t = d.add_table(rows=len(header) + len(body), cols=width)
    for i, hr in enumerate(header):
        for j, text in enumerate(hr):
            if text:
                t.cell(i, j).text = text
    for i, br in enumerate(body, start=len(header)):
        for j, text in enumerate(br):
            if text:
                t.cell(i, j).text = text
    # the header: a cell printed on the upper row only spans down; a parent spans right over its blanks
    if len(header) == 2:
        for j in range(width):
            if header[0][j] and not header[1][j]:
                t.cell(0, j).merge(t.cell(1, j))
        j = 0
        while j < width:
            k = j + 1
            while k < width and not header[0][k] and header[1][k]:
                k += 1
            if header[0][j] and k > j + 1:
                t.cell(0, j).merge(t.cell(0, k - 1))
            j = k
    starts = [i for i, br in enumerate(body) if br[0]] + [len(body)]
    for a, b in zip(starts, starts[1:]):
        if b - a > 1:
            for j in range(merge_first):
                t.cell(len(header) + a, j).merge(t.cell(len(header) + b - 1, j))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_duty_and_task_cells_merged_down_in_a_docx_under_a_two_row_header():
    data = _docx(DEPT_HEAD, [["职责", "重点工作任务", "绩效指标", "", "", "指标值"],
                             ["", "", "一级指标", "二级指标", "三级指标", ""]], FOREST_GRID, merge_first=2)
    (f,) = parse_document(read_bytes(data, "copy.docx"))
    assert rows(f) == FOREST


def test_task_group_over_its_parts_in_a_docx_with_the_target_merged_down():
    # '年度主要任务' over '任务名称 | 主要内容 | 资金额度(万元)', the levels under '年度绩效指标', and '指标值' merged
    # down beside them: the upper row's only value column still heads the targets
    body = [(duty, task, "50" if duty else "", *r) for duty, task, *r in FOREST_GRID]
    data = _docx(DEPT_HEAD, [["年度主要任务", "", "", "年度绩效指标", "", "", "指标值"],
                             ["任务名称", "主要内容", "资金额度(万元)", "一级指标", "二级指标", "三级指标", ""]],
                 body, merge_first=3)
    (f,) = parse_document(read_bytes(data, "copy.docx"))
    assert rows(f) == FOREST


def test_duty_and_activity_columns_in_a_docx():
    data = _docx(DEPT_HEAD, [["部门职责", "活动", "一级指标", "二级指标", "三级指标", "指标值"]], FOREST_GRID,
                 merge_first=2)
    (f,) = parse_document(read_bytes(data, "copy.docx"))
    assert rows(f) == FOREST


def test_duty_and_task_cells_spanning_their_rows_in_html():
    trs = ["<tr><td>部门职责</td><td>工作任务</td><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>"]
    for duty, task, block in (("负责森林资源保护", "森林防火巡查", FOREST[:3]), ("负责国土绿化", "植树造林", FOREST[3:])):
        for k, r in enumerate(block):
            lead = f"<td rowspan='{len(block)}'>{duty}</td><td rowspan='{len(block)}'>{task}</td>" if k == 0 else ""
            trs.append("<tr>" + lead + "".join(f"<td>{x}</td>" for x in r) + "</tr>")
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in DEPT_HEAD) + "<table>" + "".join(trs) + "</table></body></html>"
    (f,) = parse_document(read_bytes(html.encode("utf-8"), "copy.html"))
    assert rows(f) == FOREST


def test_task_columns_in_a_workbook():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for p in DEPT_HEAD:
        ws.append([p])
    ws.append(["部门职责", "任务内容", "预算金额(万元)", "一级指标", "二级指标", "三级指标", "年度目标值"])
    for k, r in enumerate(FOREST_GRID):
        ws.append([r[0], r[1], ("45" if k == 0 else "120.5") if r[0] else "", *r[2:]])
    buf = io.BytesIO()
    wb.save(buf)
    (f,) = parse_document(read_bytes(buf.getvalue(), "copy.xlsx"))
    assert rows(f) == FOREST


# --- 2. an explanation column, a sign column and a score split into parts -------------------------

SELF_HEAD = ["某县民政局2023年度项目支出绩效自评表", "项目名称：高龄老人津贴发放项目", "主管部门：某县民政局"]

ALLOWANCE = [  # (level2, name, target, actual, weight, score)
    ("数量指标", "补贴发放人数", ">=1200人", "1250人", 40, 40),
    ("时效指标", "发放及时率", ">=95%(百分比)", "90%", 20, 18),
    ("服务对象满意度指标", "服务对象满意度", ">=90%(百分比)", "95%", 40, 40),
]


def values(f):
    return [(i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_sign_figure_unit_and_score_parts_on_one_header_line():
    # the header's second line splits the target (符号 | 数值 | 单位) and the score (得分 | 权重占比 | 折算得分);
    # the explanation and the row's status (完成 / 未完成) are no values, the weighted score no score
    (f,) = parse([
        "一级指标 二级指标 三级指标 指标解释 预期指标值 实际完成值 单项指标完成情况 自评得分",
        "符号 数值 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分",
        "产出指标 数量指标 补贴发放人数 当年享受津贴的人数 >= 1200 人 1250人 完成 40 40 16",
        "产出指标 时效指标 发放及时率 每月按时发放的比例 >= 95 %(百分比) 90% 未完成 18 20 3.6",
        "满意度指标 服务对象满意度指标 服务对象满意度 享受津贴对象的满意程度 >= 90 %(百分比) 95% 完成 40 40 16",
    ], head=SELF_HEAD)
    assert values(f) == ALLOWANCE
    assert [i.description for i in f.indicators] == ["当年享受津贴的人数", "每月按时发放的比例", "享受津贴对象的满意程度"]


def test_the_same_template_as_a_grid_with_the_sign_named_otherwise():
    (f,) = parse([
        "| 一级指标 | 二级指标 | 三级指标 | 指标说明 | 预期指标值 | | | 实际完成值 | 指标完成情况 | 自评得分 | | |",
        "| | | | | 计算符号 | 数值 | 单位(文字描述) | | | 单项指标得分 | 权重占比(%) | 折算得分 |",
        "| 产出指标 | 数量指标 | 补贴发放人数 | 当年享受津贴的人数 | >= | 1200 | 人 | 1250人 | 完成 | 40 | 40 | 16 |",
        "| 产出指标 | 时效指标 | 发放及时率 | 每月按时发放的比例 | >= | 95 | %(百分比) | 90% | 未完成 | 18 | 20 | 3.6 |",
        "| 满意度指标 | 服务对象满意度指标 | 服务对象满意度 | 享受津贴对象的满意程度 | >= | 90 | %(百分比) | 95% | 完成 "
        "| 40 | 40 | 16 |",
    ], head=SELF_HEAD)
    assert values(f) == ALLOWANCE


def test_a_weight_column_of_its_own_beside_the_scores_weight_part_holds_no_value():
    # a system export heads the explanation's column '指标分值' while the score group prints the weight
    # (权重占比): the group's part is the row's weight, the other column's words no value of the row
    (f,) = parse([
        "四、年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 单项指标完成情况 自评得分",
        "符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分",
        "产出指标 数量指标 补贴发放人数 当年享受津贴的人数 >= 1200 人 1250人 完成 40.00 40.00 16.00",
        "时效指标 发放及时率 每月按时发放的比例 >= 95 %(百分比) 90% 未完成 18.00 20.00 3.60",
        "满意度指标 服务对象满意度指标 服务对象满意度 享受津贴对象的满意程度 >= 90 %(百分比) 95% 完成 40.00 40.00 16.00",
    ], head=SELF_HEAD)
    assert values(f) == ALLOWANCE


def test_method_and_scoring_rule_columns_are_remarks_never_values():
    # 计算方法 (a formula, figures and all) and 评分标准 (a rule) around the values: neither is a value
    want = [("数量指标", "补贴发放人数", "≥1200人", "1250人", 40, 40),
            ("时效指标", "发放及时率", "≥95%", "90%", 20, 18),
            ("服务对象满意度指标", "服务对象满意度", "≥90%", "95%", 40, 40)]
    (f,) = parse([
        "一级指标 二级指标 三级指标 计算方法 指标值 实际完成值 分值 得分 评分标准",
        "产出指标 数量指标 补贴发放人数 实际发放人数累计 ≥1200人 1250人 40 40 每少10人扣1分",
        "产出指标 时效指标 发放及时率 按时发放月数/12×100% ≥95% 90% 20 18 每低1%扣0.5分",
        "满意度指标 服务对象满意度指标 服务对象满意度 抽样调查满意人数/调查人数 ≥90% 95% 40 40 低于90%不得分",
    ], head=SELF_HEAD)
    assert values(f) == want


@pytest.mark.parametrize("explained", ["指标解释", "指标分值"])
def test_split_target_and_score_in_a_workbook_with_merged_header_cells(explained):
    # (headed '指标分值' by a system export, the explanation column still holds no weight: the score group's
    # 权重占比 does)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for p in SELF_HEAD:
        ws.append([p])
    ws.append(["一级指标", "二级指标", "三级指标", explained, "年度指标值", None, None, "全年实际完成值", "指标完成情况",
               "自评得分", None, None])
    ws.append([None, None, None, None, "符号", "数值", "单位", None, None, "得分", "权重占比(%)", "折算得分"])
    top = len(SELF_HEAD) + 1
    for c in (1, 2, 3, 4, 8, 9):
        ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    ws.merge_cells(start_row=top, start_column=5, end_row=top, end_column=7)
    ws.merge_cells(start_row=top, start_column=10, end_row=top, end_column=12)
    ws.append(["产出指标", "数量指标", "补贴发放人数", "当年享受津贴的人数", ">=", 1200, "人", "1250人", "完成", 40, 40, 16])
    ws.append(["产出指标", "时效指标", "发放及时率", "每月按时发放的比例", ">=", 95, "%(百分比)", "90%", "未完成", 18, 20, 3.6])
    ws.append(["满意度指标", "服务对象满意度指标", "服务对象满意度", "享受津贴对象的满意程度", ">=", 90, "%(百分比)", "95%", "完成",
               40, 40, 16])
    buf = io.BytesIO()
    wb.save(buf)
    (f,) = parse_document(read_bytes(buf.getvalue(), "copy.xlsx"))
    assert values(f) == ALLOWANCE


# --- 3. a target table whose value columns the header names by the units they are for --------------

UNITS_HEAD = ["某县水利局2024年度小型水利工程专项资金绩效目标表", "主管部门：某县水利局"]
UNITS_TABLE = [
    ["一级指标", "二级指标", "三级指标", "指标解释", "东山村", "西岭村", "南湖村", "北坡村"],
    ["产出指标", "数量指标", "修复灌溉渠道(条)", "反映灌溉渠道修复情况", "2", "1", "3", "1"],
    ["产出指标", "质量指标", "工程验收合格率(%)", "反映工程建设质量", "100", "100", "100", "100"],
]
UNITS_WANT = [("修复灌溉渠道(条)", "2", None, None, None), ("工程验收合格率(%)", "100", None, None, None)]


def fields(f):
    return [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_target_columns_headed_by_their_units_in_a_copy_without_its_grid():
    # '指标解释' then one column per village: the first village's figure is the row's target, the others the
    # same target for other units; a target table has no 实际完成值, 分值 or 得分 to give them to
    (f,) = parse(["| " + " | ".join(r) + " |" for r in UNITS_TABLE], head=UNITS_HEAD)
    assert fields(f) == UNITS_WANT


def test_target_columns_headed_by_their_units_in_a_workbook():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for p in UNITS_HEAD:
        ws.append([p])
    for r in UNITS_TABLE:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    (f,) = parse_document(read_bytes(buf.getvalue(), "copy.xlsx"))
    assert fields(f) == UNITS_WANT


def test_a_target_table_read_by_content_has_no_actual_and_no_score():
    # a copy printing one cell a line (its header's unit columns on lines of their own) is read by content:
    # in a target table the figures after the target are no 实际完成值 / 得分
    lines = [c for r in UNITS_TABLE for c in r]
    (f,) = parse(lines, head=UNITS_HEAD)
    assert [(i.name, i.target, i.actual, i.score) for i in f.indicators] == [
        (n, t, None, None) for n, t, *_ in UNITS_WANT]
