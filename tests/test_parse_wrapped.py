"""Cells wrapped onto continuation lines (a PDF table copied as text), with invented text.

A long cell breaks at its column's width and the rest goes on the next line in
the same column; the other columns of that line are blank. The rest is joined
to the cell above; a line that is the next row is not.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.wrapped import display_width, join_wrapped
from etl.read import read_bytes
from etl.records import Cell, Row


def parse(text: str):
    return parse_document(read_bytes(text.encode("utf-8"), "copy.txt"))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason) for i in f.indicators]


TARGET_TABLE = "\n".join([
    "某县水务局2024年部门整体支出绩效目标表",
    "部门名称\t某县水务局\t\t",
    "部门职能\t负责全县水资源\t\t",
    "\t统一监督管理，\t\t",
    "\t组织防汛抗旱\t\t",
    "一级指标\t二级指标\t三级指标\t指标值",
    "产出指标\t数量指标\t新建农村供水\t12处",
    "\t\t工程数量\t",
    "\t\t维修堤防长度\t≥35.5公",
    "\t\t\t里",
    "\t质量指标\t工程验收合格\t100%",
    "\t\t率\t",
    "\t成本指标\t工程建设成本\t≤1280.6",
    "\t\t\t5万元",
    "效益指标\t可持续影响指\t供水保障持续\t≥10年",
    "\t标\t年限\t",
    "满意度指标\t服务对象满意\t受益群众满意\t≥90%",
    "\t度指标\t度\t",
])


def test_wrapped_names_values_and_level_labels_are_joined():
    (f,) = parse(TARGET_TABLE)
    assert [r[:4] for r in rows(f)] == [
        ("产出指标", "数量指标", "新建农村供水工程数量", "12处"),
        ("产出指标", "数量指标", "维修堤防长度", "≥35.5公里"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("产出指标", "成本指标", "工程建设成本", "≤1280.65万元"),
        ("效益指标", "可持续影响指标", "供水保障持续年限", "≥10年"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"),
    ]


def test_a_key_value_wrapped_over_several_lines_is_one_value():
    (f,) = parse(TARGET_TABLE)
    assert f.department == "某县水务局"
    assert [(s.heading, s.text) for s in f.sections] == [("部门职能", "负责全县水资源统一监督管理，组织防汛抗旱")]


def test_rows_of_a_block_under_its_first_row_are_not_joined_to_it():
    # the next indicators carry the block's level cells down (blank), like a continuation line does
    text = "\n".join([
        "某县水务局2024年部门整体支出绩效自评表",
        "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\t偏差原因",
        "产出指标\t数量指标\t新建供水工程\t12处\t12处\t10\t10\t按计划完成全部",
        "\t\t维修堤防长度\t35公里\t30公里\t10\t8\t",
        "\t\t巡查次数\t≥24次\t26次\t10\t10\t",
        "\t质量指标\t验收合格率\t100%\t100%\t10\t10\t",
        "总分\t\t\t\t\t40\t38\t",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "新建供水工程", "12处", "12处", 10, 10, "按计划完成全部"),
        ("产出指标", "数量指标", "维修堤防长度", "35公里", "30公里", 10, 8, None),
        ("产出指标", "数量指标", "巡查次数", "≥24次", "26次", 10, 10, None),
        ("产出指标", "质量指标", "验收合格率", "100%", "100%", 10, 10, None),
    ]


def test_a_row_under_a_row_with_a_reason_is_the_next_row():
    # the row above is wider (it has a reason); the next row stands under some of its cells only
    text = "\n".join([
        "某县水务局2024年项目支出绩效自评表",
        "项目名称\t农村饮水提升\t\t\t\t\t",
        "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\t偏差原因",
        "产出指标\t数量指标\t新建供水工程数\t12处\t10处\t10\t8\t两处工程因征地延后",
        "\t\t维修堤防长度数\t35公里\t35公里\t10\t10\t",
        "总分\t\t\t\t\t20\t18\t",
    ])
    (f,) = parse(text)
    assert [r[2:] for r in rows(f)] == [
        ("新建供水工程数", "12处", "10处", 10, 8, "两处工程因征地延后"),
        ("维修堤防长度数", "35公里", "35公里", 10, 10, None),
    ]


def test_two_whole_figures_one_under_the_other_are_two_rows():
    cells = [["甲指标名称", "100%"], ["乙指标名称", "95%"]]
    got = join_wrapped([Row([Cell(t) for t in r], table=0) for r in cells])
    assert [r.texts for r in got] == cells


def test_a_key_label_on_the_next_line_starts_a_row():
    cells = [["项目名称", "某某道路硬化工程", "项目编码", "2024001"], ["主管部门", "某县交通局", "", ""]]
    got = join_wrapped([Row([Cell(t) for t in r], table=0) for r in cells])
    assert [r.texts for r in got] == cells


def test_display_width_counts_cjk_as_two_columns():
    assert display_width("人数12") == 6


def test_a_copy_that_dropped_blank_cells_is_not_read_as_wrapped():
    # the second row lost its leading blank cells: its cells no longer stand under anything
    cells = [["产出指标", "数量指标", "新建供水工程数量", "12处"], ["质量合格率", "98%"]]
    got = join_wrapped([Row([Cell(t) for t in r], table=0) for r in cells])
    assert [r.texts for r in got] == cells


def test_a_continuation_line_with_its_trailing_blank_cells_trimmed_is_still_joined():
    cells = [["部门职能", "负责全县水资源", "", ""], ["", "统一监督管理"]]
    got = join_wrapped([Row([Cell(t) for t in r], table=0) for r in cells])
    assert [r.texts for r in got] == [["部门职能", "负责全县水资源统一监督管理", "", ""]]


def test_generated_filings_wrapped_at_a_fixed_width_read_back():
    # the damage model's wrap (etl/sample/damage.py) over filings of every kind; 0.86 before wraps were joined
    from etl.eval.damaged import generated, measure

    result = measure(generated(80, seed=5), ["wrap_cells"], seed=5)
    assert result.score.fields >= 0.95, [m for s in result.score.labels for m in s.misses][:20]


def test_a_whole_value_under_a_whole_value_is_the_next_row_of_the_block():
    # an unwrapped grid: the next indicator of a block stands under the long cells of the block's first row
    text = "\n".join([
        "某县卫生健康局2024年部门整体支出绩效目标表",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t成本指标\t人员经费\t≤787.98万元",
        "效益指标\t社会效益指标\t甲乙类传染病报告发病率控制\t≤200/10万",
        "\t\t居民健康素养水平\t按计划完成",
        "\t\t单项业务管理规范性\t符合相关规定",
        "\t\t公共卫生服务规范性\t符合相关规定",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("人员经费", "≤787.98万元"), ("甲乙类传染病报告发病率控制", "≤200/10万"), ("居民健康素养水平", "按计划完成"),
        ("单项业务管理规范性", "符合相关规定"), ("公共卫生服务规范性", "符合相关规定")]


def test_a_text_layer_copy_joins_the_wrapped_rest_of_its_long_cells():
    # a PDF's text layer copied with spaces: no positions left, the rest of a long cell on a line of its own
    text = "\n".join([
        "某县水务局2024年项目支出绩效自评表",
        "一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分",
        "产出指标 数量指标 新建农村供水 12处 12处 20 20",
        "工程数量",
        "维修堤防长度 ≥35公里 36公里 20 20",
        "质量指标 工程验收合格 100% 100% 10 10",
        "率",
        "成本指标 流转土地补助标准 <=475元/亩 470元/亩 10 10",
        "景观建设成本 <=2875元/个 2800元/个 10 10",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual) for i in f.indicators] == [
        ("新建农村供水工程数量", "12处", "12处"), ("维修堤防长度", "≥35公里", "36公里"),
        ("工程验收合格率", "100%", "100%"), ("流转土地补助标准", "<=475元/亩", "470元/亩"),
        ("景观建设成本", "<=2875元/个", "2800元/个")]


def test_a_whole_row_under_a_blocks_first_row_is_not_joined_for_being_one_row_fewer():
    # the first row's name is the longest of its column, so it "fills" it; the next row has its own name and value
    text = "\n".join([
        "某县文旅局2024年部门整体支出绩效目标表",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t质量指标\t文化活动组织规范性\t完成",
        "\t\t场馆开放时长\t达标",
        "\t时效指标\t活动按时完成\t及时",
        "效益指标\t社会效益指标\t群众文化生活\t改善",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥90%",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("文化活动组织规范性", "完成"), ("场馆开放时长", "达标"), ("活动按时完成", "及时"), ("群众文化生活", "改善"),
        ("群众满意度", "≥90%")]


def test_an_unfilled_template_row_under_a_row_is_not_its_wrapped_rest():
    cells = [["", "", "新建供水工程数量", "12处"], ["", "", "指标3：", ""], ["", "", "……", ""]]
    got = join_wrapped([Row([Cell(t) for t in r], table=0) for r in cells])
    assert [r.texts for r in got] == cells


def test_a_text_layer_copy_joins_a_broken_figure_to_the_cell_it_breaks():
    # the rest of a figure or bracket a narrow column broke ('2022年1' / '2月底前', '(≥' / '95%)') goes back to
    # the cell it breaks, not to a fuller-looking cell beside it: a token cut in two is the surest sign of a wrap
    text = "\n".join([
        "某县水务局2024年项目支出绩效自评表",
        "一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分",
        "产出指标 数量指标 新建农村供水 12处 12处 20 20",
        "时效指标 工程完工时间 2024年1 2024年1 20 20",
        "2月底前 1月完成",
        "质量指标 工程验收合格率 100% 100% 20 20",
        "满意度指标 服务对象满意度 受益群众满意度(抽 ≥90% 95% 20 20",
        "样调查)",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual) for i in f.indicators] == [
        ("新建农村供水", "12处", "12处"), ("工程完工时间", "2024年12月底前", "2024年11月完成"),
        ("工程验收合格率", "100%", "100%"), ("受益群众满意度(抽样调查)", "≥90%", "95%")]


def test_a_text_layer_copy_joins_the_broken_rest_of_its_money_figures():
    # '1433.41' broken by a narrow column after '1433.4' in each figure of the money row, whose label is as
    # wide as its figures: the rests go to the figures
    text = "\n".join([
        "某县水务局2024年项目支出绩效自评表",
        "项目名称 农村供水维修",
        "年度预算申请 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        "年度资金总额 1433.4 1433.4 1283.4 10 89.5% 9",
        "1 1 1",
        "一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分",
        "产出指标 数量指标 新建农村供水工程 12处 12处 90 90",
    ])
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (1433.41, 1433.41, 1283.41)


def test_a_level_label_whose_points_a_line_broke_keeps_its_name():
    # '满意度指标(' / '50分)' and '效益指标(3' / '0分)': the points' halves go, the label is still the row's level
    text = "\n".join([
        "某县水务局2024年项目支出绩效自评表",
        "一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分",
        "产出指标(40 数量指标 新建农村供水工程 12处 12处 40 40",
        "分)",
        "效益指标(3 社会效益指标 保障群众饮水安全 有效保障 有效保障 30 30",
        "0分)",
        "满意度指标( 服务对象满 受益群众满意 ≥90% 95% 30 30",
        "30分) 意度指标 度",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.name) for i in f.indicators] == [
        ("产出指标", "新建农村供水工程"), ("效益指标", "保障群众饮水安全"), ("满意度指标", "受益群众满意度")]
    assert all(i.reason is None for i in f.indicators)


def test_a_text_layer_copy_joins_a_line_that_mends_every_cell_of_a_short_row():
    # a target table's rows under carried levels have two cells, name and value, and both wrapped: the line of
    # their rests is as long as the row, yet mends the unit the row broke ('≥4869平' / '方米')
    text = "\n".join([
        "某县教育局2024年部门整体支出绩效目标表",
        "一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 保障在职人员人数 50人",
        "维修改造校舍 ≥4869平",
        "面积 方米",
        "保障退休人员 28人",
        "人数",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("保障在职人员人数", "50人"), ("维修改造校舍面积", "≥4869平方米"), ("保障退休人员人数", "28人")]


def test_a_template_residue_wrapped_beside_a_reasons_rest_is_the_names_rest():
    # '保障退休人员人数（≥**人）' printed as the template left it, wrapped beside a long reason: the residue is the
    # name's rest (an unfilled template row is a line of residue alone)
    text = "\n".join([
        "某县教育局2023年度部门整体支出绩效自评表",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "产出指标 数量指标 保障在职人员人数 50人 52人 50 50 无",
        "保障退休人员人数 28人 32人 50 46 受疫情影响部分活",
        "（≥**人） 动延期，下一步做",
        "好线上替代方案。",
    ])
    (f,) = parse(text)
    assert [(i.name, i.reason) for i in f.indicators] == [
        ("保障在职人员人数", "无"), ("保障退休人员人数（≥**人）", "受疫情影响部分活动延期，下一步做好线上替代方案。")]
