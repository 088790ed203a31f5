"""Classes of real-world input the parser must read, each with made-up text.

Every test names a class of input seen in published filings (not one file):
header wordings of other templates, level names of other families, missing
cells, glued keys, mirror-site noise. The text is invented; the shapes are real.
"""
from __future__ import annotations

import pytest

from etl.parse import parse_document
from etl.parse.budget import _assign_glued
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_header_wordings_of_other_templates():
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表",
        "项目名称\t乡村道路养护\t主管部门\t某县交通运输局",
        "一级指标\t二级指标\t三级指标内容\t年度指标值\t年度实际完成值\t指标分值\t单项指标得分\t偏差原因分析及改进措施",
        "产出指标\t数量指标\t养护里程\t≥120公里\t125公里\t20\t20\t",
        "\t质量指标\t路面完好率\t≥90%\t88%\t20\t18\t雨季损毁",
        "总分\t\t\t\t\t40\t38\t",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "养护里程", "≥120公里", "125公里", 20, 20),
        ("产出指标", "质量指标", "路面完好率", "≥90%", "88%", 20, 18),
    ]
    assert f.indicators[1].reason == "雨季损毁"


def test_header_wordings_weight_in_brackets_expected_value_score_state_and_deviation_analysis():
    # '分值（权重）', '预期值', '得分情况', '偏差分析': each names its column as the usual wordings do
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表",
        "一级指标\t二级指标\t三级指标\t预期值\t实际完成值\t分值（权重）\t得分情况\t偏差分析",
        "产出指标\t数量指标\t养护里程\t≥120公里\t125公里\t60\t60\t",
        "\t质量指标\t路面完好率\t≥90%\t88%\t40\t36\t雨季损毁",
    ])
    (f,) = parse(text)
    assert rows(f) == [
        ("产出指标", "数量指标", "养护里程", "≥120公里", "125公里", 60, 60),
        ("产出指标", "质量指标", "路面完好率", "≥90%", "88%", 40, 36),
    ]
    assert f.indicators[1].reason == "雨季损毁"


def test_weight_headed_as_percent_and_score_with_unit():
    text = "\n".join([
        "某县某中心2023年度部门整体支出绩效自评表",
        "部门名称\t某县某中心",
        "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t权重(%)\t自评得分(分)",
        "投入指标\t预算执行\t预算执行率\t≥90%\t95%\t10\t10",
        "过程指标\t资金管理\t资金使用合规性\t合规\t合规\t10\t10",
        "总分\t\t\t\t\t20\t20",
    ])
    (f,) = parse(text)
    assert f.doc_kind == "dept_self_eval"
    assert rows(f) == [
        ("投入指标", "预算执行", "预算执行率", "≥90%", "95%", 10, 10),
        ("过程指标", "资金管理", "资金使用合规性", "合规", "合规", 10, 10),
    ]


def test_national_template_levels_one_family_inside_another():
    # national investment templates: 实施效果指标 > 产出指标 / 效益指标 > 三级
    text = "\n".join([
        "某专项2022年中央预算内投资计划绩效目标表",
        "专项名称 |", "某某专项 |", "下达地方或单位 |", "某县人民政府 |",
        "一级指标 |", "二级指标 |", "三级指标 |", "指标值 |",
        "实施效果指标 |", "产出指标 |", "建设项目个数 |", "2 |",
        "竣工验收合格率 |", "100% |",
        "效益指标 |", "受益人口 |", "≥5000人 |",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("实施效果指标", "产出指标", "建设项目个数", "2"),
        ("实施效果指标", "产出指标", "竣工验收合格率", "100%"),
        ("实施效果指标", "效益指标", "受益人口", "≥5000人"),
    ]
    assert f.project == "某某专项"


def test_pinyin_glosses_of_mirror_sites_are_not_part_of_values():
    text = "\n".join([
        "當(dāng)前位置:首頁>公告公示",
        "某縣(xiàn)教育局2023年項(xiàng)目支出績(jì)效目標(biāo)表",
        "項(xiàng)目名稱\t學(xué)生資(zī)助補(bǔ)助",
        "主管部門(mén)\t某縣(xiàn)教育局",
        "一級(jí)指標(biāo)\t二級(jí)指標(biāo)\t三級(jí)指標(biāo)\t指標(biāo)值",
        "產(chǎn)出指標(biāo)\t數(shù)量指標(biāo)\t受助學(xué)生數(shù)\t≥300人",
    ])
    (f,) = parse(text)
    # stored as printed (traditional), without the inserted glosses
    assert f.project == "學生資助補助"
    assert f.department == "某縣教育局"
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [("產出指標", "數量指標", "受助學生數", "≥300人")]


def test_a_real_bracket_is_not_taken_for_a_gloss():
    text = "某县某局2022年项目支出绩效目标表\n项目名称\t设备购置(a)类\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t设备数\t5台"
    (f,) = parse(text)
    assert f.project == "设备购置(a)类"


def stream(header: list[str], cells: list[str]) -> str:
    """A table copied from a web page one cell per line: blank cells vanish, positions are lost."""
    return "\n".join(["某县某局2022年度项目支出绩效自评表", "项目名称", "某某项目"] + header + cells)


SELF_EVAL_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]


def test_a_row_printing_only_weight_and_score_keeps_them_as_weight_and_score():
    (f,) = parse(stream(SELF_EVAL_HEADER, [
        "产出指标", "数量指标", "培训人次", "≥200人次", "230人次", "10", "10",
        "质量指标", "培训合格率", "10", "10",  # target and actual vanished
        "时效指标", "按时完成率", "100%", "20", "20",  # actual vanished
    ]))
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("培训人次", "≥200人次", "230人次", 10, 10),
        ("培训合格率", None, None, 10, 10),
        ("按时完成率", "100%", None, 20, 20),
    ]


def test_a_missing_score_does_not_pull_the_next_row_in():
    (f,) = parse(stream(SELF_EVAL_HEADER, [
        "产出指标", "数量指标", "发放人数", "≥500人", "520人", "10",  # score vanished
        "覆盖率", "100%", "98%", "10", "9", "个别对象迁出",
    ]))
    assert [(i.name, i.target, i.actual, i.weight, i.score, i.reason) for i in f.indicators] == [
        ("发放人数", "≥500人", "520人", 10, None, None),
        ("覆盖率", "100%", "98%", 10, 9, "个别对象迁出"),
    ]


def test_whole_table_glued_without_separators_is_cut_by_the_decoder():
    text = (
        "某区某局2022年度部门整体绩效自评表部门名称某区某局绩效指标指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
        "绿化养护面积万亩2810810设备完好率%951010010病虫害成灾率%0.4100.110"
    )
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("绿化养护面积", "28", "8", 10, 10),
        ("设备完好率", "95", "100", 10, 10),
        ("病虫害成灾率", "0.4", "0.1", 10, 10),
    ]


def test_every_row_carries_a_parse_confidence():
    (f,) = parse(stream(SELF_EVAL_HEADER, [
        "产出指标", "数量指标", "培训人次", "≥200人次", "230人次", "10", "10",
        "质量指标", "培训合格率", "10", "10",
    ]))
    confs = [i.parse_confidence for i in f.indicators]
    assert all(0.0 <= c <= 1.0 for c in confs)
    # a full row is surer than one whose two numbers could be target/actual or weight/score
    assert confs[0] > confs[1]
    assert 0.0 <= f.parse_confidence <= 1.0


def test_level_cells_printed_vertically_one_character_per_line():
    text = "\n".join([
        "某县某局2023年度项目支出绩效目标表",
        "项目名称\t某某项目",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产", "出", "指", "标",
        "\t数量指标\t培训人数\t≥100人",
        "\t质量指标\t合格率\t≥95%",
        "效", "益", "指", "标", "社", "会", "效", "益", "指", "标",
        "\t\t受益群众满意度\t≥90%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("产出指标", "质量指标", "合格率", "≥95%"),
        ("效益指标", "社会效益指标", "受益群众满意度", "≥90%"),
    ]


def test_header_words_that_run_on_are_not_vertical_labels():
    # two short rows that are real cells (a key and its value) stay as they are
    text = "某县某局2023年度项目支出绩效目标表\n项目名称\t某某项目\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人数\t≥100人"
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [("产出指标", "数量指标", "培训人数", "≥100人")]


def test_headers_worded_as_other_templates_word_them():
    from etl.parse.vocab import column_role

    assert {w: column_role(w) for w in ["一级目标", "二级指标名称", "具体指标", "年度绩效指标值", "指标值(包含数字及文字描述)",
                                        "指标值及单位", "全年实际值", "标准分值", "实际得分", "未完成原因分析", "指标值设定依据"]} == {
        "一级目标": "level1", "二级指标名称": "level2", "具体指标": "name", "年度绩效指标值": "target",
        "指标值(包含数字及文字描述)": "target", "指标值及单位": "target", "全年实际值": "actual", "标准分值": "weight",
        "实际得分": "score", "未完成原因分析": "reason", "指标值设定依据": "basis"}
    # a goal block's cells are not headers ('完成情况好' is an answer, '预期目标' heads the goals)
    assert column_role("完成情况好") is None and column_role("预期目标") is None


def test_a_content_column_names_the_indicators_when_no_third_level_is_printed():
    text = "\n".join([
        "某县某局2023年度项目支出绩效目标表", "项目名称\t某某项目",
        "一级目标\t二级目标\t指标内容\t年度目标值",
        "产出指标\t数量指标\t培训人数\t≥100人",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [("产出指标", "数量指标", "培训人数", "≥100人")]


def test_each_row_glued_on_its_own_line():
    # a shared-document copy keeps the line breaks but drops every separator inside a row
    text = "\n".join([
        "某县某局2021年度项目支出绩效自评表",
        "项目名称某某项目主管部门某县某局",
        "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
        "产出指标(50分)数量指标培训人次≥200人次230人次1010",
        "质量指标培训合格率≥95%92%108受天气影响，部分学员缺考",
        "时效指标按时完成率100%100%2020",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("产出指标", "数量指标", "培训人次", "≥200人次", "230人次", 10, 10),
        ("产出指标", "质量指标", "培训合格率", "≥95%", "92%", 10, 8),
        ("产出指标", "时效指标", "按时完成率", "100%", "100%", 20, 20),
    ]
    assert f.indicators[1].reason == "受天气影响，部分学员缺考"


def test_template_rows_with_only_a_unit_as_target_and_sign_off_boxes_after_the_table():
    text = "\n\n".join([
        "某区某局2023年项目支出绩效目标表", "项目名称", "某某工程专项",
        "一级指标", "二级指标", "三级指标", "指标值",
        "产出指标", "数量指标", "指标1:新建道路长度", "公里", "指标2:改造面积", "万亩",
        "质量指标", "指标1:验收合格率", "≧ %",
        "财政部门初审意见", "(盖章)",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("新建道路长度", "公里"), ("改造面积", "万亩"), ("验收合格率", "≧ %")]


def test_a_name_with_numbers_in_a_separated_table_stays_whole():
    text = "\n\n".join([
        "某旗某局2022年项目支出绩效目标表", "项目名称", "养殖场建设",
        "一级指标", "二级指标", "三级指标", "指标值",
        "产出指标", "数量指标", "标准化棚圈360平米", "550元/平米", "防疫室84平米", "≥1050元",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [("标准化棚圈360平米", "550元/平米"), ("防疫室84平米", "≥1050元")]


SELF_EVAL_MONEY = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]


def money(values: list[str], header: list[str] = SELF_EVAL_MONEY):
    text = "\n".join(["某县某局2022年度项目支出绩效自评表", "项目名称", "某某项目", "项目资金（万元）"] + header
                     + ["年度资金总额"] + values + ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                                               "得分", "产出指标", "数量指标", "培训人次", "≥200人次", "230人次", "10", "10"])
    (f,) = parse(text)
    return f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score


def test_money_row_with_a_blank_initial_budget():
    assert money(["560", "500", "10", "89.29%", "8.93"]) == (None, 560, 500, 0.8929, 10, 8.93)


def test_money_row_with_a_blank_score_is_not_shifted_right():
    # 得分 left blank: the amounts stay under their columns because 执行率 = B / A holds there
    assert money(["600", "560", "500", "10", "89.29%"]) == (600, 560, 500, 0.8929, 10, None)


def test_money_row_amounts_printed_with_units_and_a_wrapped_header():
    header = ["年初", "预算数", "全年预算数", "全年", "执行数", "分值", "执行率", "得分"]
    assert money(["4753.66万元", "4753.66万元", "3824.26万元", "10", "100%", "10"], header) == (
        4753.66, 4753.66, 3824.26, 1.0, 10, 10)


def test_money_row_with_a_blank_rate_keeps_weight_and_score():
    assert money(["560", "560", "560", "10", "10"]) == (560, 560, 560, None, 10, 10)


def test_a_project_report_names_its_project_and_states_money_in_prose():
    text = "\n".join([
        "当前位置:首页>公告公示", "日期:2024-06-11 17:40  来源:某区某某事务局",
        "某某补助经费转移支付2023年度绩效自评报告",
        "一、绩效目标分解下达情况",
        "2023年收到中央下达某某补助资金1372.7万元，自治区下达98.6万元，地方匹配859.6万元。",
        "2023年收到财政资金共2330.9万元，其中：中央资金1372.7万元，2023年支出2310.4万元。",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.department, f.project, f.year) == ("self_eval_report", "某区某某事务局", "某某补助经费转移支付", 2023)
    assert (f.budget_adjusted, f.budget_executed) == (2330.9, 2310.4)


def test_a_whole_department_report_has_no_project():
    (f,) = parse("某县某局2022年度部门整体支出绩效自评报告\n一、基本情况\n全年预算数为120万元，全年支出118万元，执行率98.33%。")
    assert (f.doc_kind, f.project, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (
        "self_eval_report", None, 120, 118, 0.9833)


def test_an_untitled_page_stating_budget_and_spending_is_a_report():
    text = "您所在的位置: 首页 >> 绩效评估\n2020年度绩效评价\n发布日期:2021-10-12 来源:某市某局\n" \
           "项目全年预算数为1050万元,执行数为1050万元,完成预算的100%。项目绩效目标完成情况良好。"
    (f,) = parse(text)
    assert (f.doc_kind, f.year, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (
        "self_eval_report", 2020, 1050, 1050, 1.0)


def test_a_page_that_is_not_a_filing_stays_unrecognised():
    assert parse("关于开展2023年度绩效管理培训的通知\n各单位：现将有关事项通知如下。培训费用由财政承担。") == []


def test_a_space_separated_copy_does_not_split_a_cell_at_the_spaces_inside_its_brackets():
    text = "\n".join([
        "某区某局2020年项目支出绩效目标表", "项目名称 某某扶贫项目",
        "一级指标 二级指标 三级指标 指标值 备注",
        "产出指标 数量指标 基础设施建设工程 >=20平方米",
        "景点开发数量( ≥**个 ) >=4个",
        "流转土地 >=60亩",
        "财政部门支出股室初审意见 (盖章)",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("基础设施建设工程", ">=20平方米"), ("景点开发数量( ≥**个 )", ">=4个"), ("流转土地", ">=60亩")]


def test_page_furniture_in_a_table_is_not_a_reason_and_a_direction_column_is_read():
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表", "项目名称\t某某项目",
        "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "产出指标\t数量指标\t培训人次\t≥200人次\t230人次\t10\t10\t",
        "qrcode",
    ])
    (f,) = parse(text)
    assert [(i.name, i.reason) for i in f.indicators] == [("培训人次", None)]
    text = "\n".join([
        "某镇2022年项目支出绩效目标表", "项目名称\t村组干部报酬",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t指标方向性",
        "产出指标\t质量指标\t按时发放\t≥\t1\t人/年\t10\t正向指标",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.weight) for i in f.indicators] == [("按时发放", "≥1人/年", 10)]


def test_a_sentence_that_lists_kinds_of_filing_is_not_a_title():
    assert parse("jixiao（绩效）是一个离线工具：读取各种格式的绩效目标表、绩效自评表和自评报告，并加以检查。") == []


def test_explain_prints_every_labelled_piece_and_the_runner_up(tmp_path):
    from typer.testing import CliRunner

    from etl.cli import app

    path = tmp_path / "copy.txt"
    path.write_text(stream(SELF_EVAL_HEADER, [
        "产出指标", "数量指标", "培训人次", "≥200人次", "230人次", "10", "10",
        "质量指标", "培训合格率", "10", "10",
    ]), encoding="utf-8")
    out = CliRunner().invoke(app, ["parse", str(path), "--explain"]).output
    assert "decoder settings (decode.*): skip_target=2.0" in out
    assert "name" in out and "'培训合格率'" in out and "weight" in out
    assert "runner-up: target | actual" in out  # the two numbers could have been target and actual
    assert "confidence=" in out


def test_a_key_left_blank_does_not_take_the_next_key_as_its_value():
    text = "某县某局2022年项目支出绩效目标表\n项目名称\t某某补贴\t项目编码\t\t主管部门\t某县某局\n" \
           "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t补贴人数\t≥100人"
    (f,) = parse(text)
    assert (f.project, f.project_code, f.department) == ("某某补贴", None, "某县某局")


def test_key_values_glued_to_the_next_key_are_cut_there():
    text = "某县某局2022年项目支出绩效目标表\n项目名称滨湖办公大楼运行保障项目类别本级支出项目立项依据三定方案\n" \
           "部门(单位)名称某某县农业农村局下属单位个数3\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t维修次数\t≥80次"
    (f,) = parse(text)
    assert (f.project, f.department) == ("滨湖办公大楼运行保障", "某某县农业农村局")


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "xls", "pdf", "html"])
def test_explain_works_on_every_format(fmt):
    from etl.parse.explain import explain_bytes, render
    from tests import fixtures_formats as ff

    data = {"docx": ff.make_docx, "xlsx": ff.make_xlsx, "xls": ff.make_xls, "pdf": ff.make_pdf,
            "html": lambda: ff.html_page("utf-8").encode("utf-8")}[fmt]()
    explained = explain_bytes(data, f"table.{fmt}")
    with_rows = [e for e in explained if e.filing.indicators]
    assert with_rows, fmt
    out = render(explained)
    for e in with_rows:
        assert all(st.label for st in e.steps)
        assert any(st.label == "name" for st in e.steps)
    assert "pieces (label, cost added" in out and "confidence=" in out


def test_ocr_letters_in_score_cells_and_look_alike_key_labels():
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表", "顼目名称\t校舍维修改造",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t维修面积\t≥500平方米\t520平方米\tl0\tIO",
    ])
    (f,) = parse(text)
    assert f.project == "校舍维修改造"
    assert [(i.name, i.weight, i.score) for i in f.indicators] == [("维修面积", 10, 10)]


def test_ocr_letters_inside_values_do_not_look_like_leading_zeros():
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表", "项目名称\t某某项目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "产出指标\t质量指标\t验收合格率\t1OO%\tl00%\t10\t1O\t",
    ])
    (f,) = parse(text)
    assert [(i.target, i.actual, i.weight, i.score) for i in f.indicators] == [("1OO%", "l00%", 10, 10)]


def test_a_key_label_split_over_two_cells_and_keys_printed_before_their_values():
    text = "部门整体支出绩效目标申报表\n填报日期:2022 年 12 月 18 日 部门(单位) 名称 填报人 某市教育局 联系电话 07220000000\n" \
           "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 资助学生人数 ≥100人"
    (f,) = parse(text)
    assert f.department == "某市教育局"


def test_a_report_states_what_was_paid_out():
    (f,) = parse("某旗2023年耕地地力保护补贴项目支出绩效自评报告\n一、项目基本情况\n"
                 "2023年上级财政下达我旗补贴资金9765万元。旗财政局已将资金全部发放到农户手中,发放资金9765万元。"
                 "计划支出资金100万元用于宣传。")
    # (the title's project as printed: its place and year stay, '项目支出绩效自评报告' is the report's)
    assert (f.project, f.budget_adjusted, f.budget_executed) == ("某旗2023年耕地地力保护补贴", 9765, 9765)


def test_a_department_printed_before_its_key_and_a_money_header_run_into_the_key():
    text = "\n".join(["部门整体支出绩效自评表", "(2021年度)", "某县教育局", "部门名称", "年初全年预算全年",
                      "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                      "产出指标", "数量指标", "在校学生人数", "≥5000人", "5120人", "10", "10"])
    (f,) = parse(text)
    assert f.department == "某县教育局"


def test_a_glued_target_table_without_a_third_level_header_and_explanations_run_into_names():
    text = ("某市2022年市直部门预算项目支出绩效目标表项目名称某楼运行保障绩效指标一级指标二级指标绩效标准当年预期实现值"
            "数量指标日常维修维护次数反映全年维修维护情况280次大楼安检巡察次数反映保卫巡检情况200次"
            "质量指标维修验收合格率反映维修维护质量情况>92%")
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "日常维修维护次数", "280次"),
        ("产出指标", "数量指标", "大楼安检巡察次数", "200次"),
        ("产出指标", "质量指标", "维修验收合格率", ">92%"),
    ]


def test_a_name_wrapped_onto_the_next_line_of_a_web_copy_is_joined():
    (f,) = parse(stream(SELF_EVAL_HEADER, [
        "产出指标", "数量指标", "农村公路日常养护", "覆盖里程", "≥120公里", "125公里", "10", "10",
        "质量指标", "路面完好率", "≥90%", "92%", "10", "10",
    ]))
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("农村公路日常养护覆盖里程", "≥120公里", "125公里", 10, 10),
        ("路面完好率", "≥90%", "92%", 10, 10),
    ]


def test_an_indicator_whose_values_were_left_blank_is_still_a_row_but_not_at_the_cut():
    text = "\n".join([
        "某区某局2023年项目支出绩效目标表", "项目名称 | 某某造林", "一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "产出指标 | 数量指标 | 新造林面积(亩) | 30000 |",
        "效益指标 | 生态效益指标 (选填) | 提高森林覆盖率,促进生物多样性保护。 | |",
        "| 社会效益指标 | 受益人数(人) | 132 |",
        "| 可持续影响指标 | 改善项目区生态环境 | |",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name, i.target) for i in f.indicators] == [
        ("数量指标", "新造林面积(亩)", "30000"),
        ("生态效益指标 (选填)", "提高森林覆盖率,促进生物多样性保护。", None),
        ("社会效益指标", "受益人数(人)", "132"),
    ]  # the last name with nothing after it may be an excerpt cut mid-row: not read as an indicator


def test_keys_printed_as_a_header_row_with_values_below():
    text = "\n".join([
        "某县2023年项目支出绩效目标表",
        "主管部门\t项目名称\t预算数\t年度目标",
        "某县农业农村局\t耕地保护补贴\t120\t完成补贴发放",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t补贴面积\t≥5000亩",
    ])
    (f,) = parse(text)
    assert (f.department, f.project) == ("某县农业农村局", "耕地保护补贴")


def test_a_money_row_whose_amounts_ran_together():
    from etl.parse.budget import _assign_glued

    roles = ["initial", "adjusted", "executed", "weight", "rate", "score"]
    assert _assign_glued(roles, "1237.211323.601323.6010100%10", 1.0) == {
        "initial": 1237.21, "adjusted": 1323.6, "executed": 1323.6, "weight": 10, "rate": 1.0, "score": 10}
    # a blank 年初预算数 and a score with decimals: 执行率 = B/A and 得分 = 分值 × 执行率 place the rest
    assert _assign_glued(roles, "560.00500.001089.29%8.93", 1.0) == {
        "adjusted": 560, "executed": 500, "weight": 10, "rate": 0.8929, "score": 8.93}
    # the same run after the 年度资金总额 label, through the whole money-block reader
    assert money(["560.00500.001089.29%8.93"]) == (None, 560, 500, 0.8929, 10, 8.93)


def test_a_report_states_its_score_out_of_a_total():
    (f,) = parse("某县某局2022年度部门整体支出绩效自评报告\n四、综合评价结论\n按照评价指标体系（满分100分），综合评分为94.04分，等级为优。")
    assert (f.total_weight, f.total_score) == (100, 94.04)


def test_an_excerpt_cut_after_a_level_label_keeps_the_row_before_it():
    text = "\n".join([
        "某区某局2023年项目支出绩效目标表", "项目名称 | 某某造林", "一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "产出指标 | 数量指标 | 新造林面积(亩) | 30000 |",
        "效益指标 | 可持续影响指标 (必填) | 显著改善项目区生态环境 | |",
        "满意度指标",
    ])
    (f,) = parse(text)
    assert [i.name for i in f.indicators] == ["新造林面积(亩)", "显著改善项目区生态环境"]


def test_a_glued_copy_with_its_money_headers_and_total_row_run_together():
    # a web copy that lost every separator: '分值执行率得分' and '总分10093.5'
    text = "\n".join([
        "某县某局2023年度部门整体支出绩效自评表",
        "部门名称某县某局",
        "年度预算申请（万元）年初预算数全年预算数全年执行数分值执行率得分",
        "年度资金总额500.00600.00540.001090%9",
        "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
        "产出指标数量指标培训人次≥200人次210人次5050",
        "效益指标社会效益指标群众满意度≥90%85%4034.5满意度调查样本偏少",
        "总分10093.5",
    ])
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (500, 600, 540)
    assert (f.exec_weight, f.exec_rate_reported, f.exec_score) == (10, 0.9, 9)
    assert (f.total_weight, f.total_score) == (100, 93.5)


def test_total_rows_in_every_shape():
    from etl.parse.totals import read_total

    assert read_total(["总分", "100", "93.5", "优"]) == (100, 93.5, "优")
    assert read_total(["自评总分(分)", "97.6"]) == (None, 97.6, None)
    assert read_total(["总分10093.5优"]) == (100, 93.5, "优")
    # the rows' own weights decide how a glued run splits when the table is not out of 100
    assert read_total(["合计", "9590"], expected_weight=95) == (95, 90, None)
    assert read_total(["二级指标", "100"]) is None


def test_a_glued_target_table_keeps_its_keys_and_money_apart():
    # every separator lost: key after key on one line, the money header and its amounts run together
    text = "\n".join([
        "某县卫生健康局2024年基层医疗设备购置项目支出绩效目标表",
        "项目名称基层医疗设备购置项目编码2024YL0007",
        "主管部门某县卫生健康局实施单位某县人民医院",
        "预算资金（万元）预算数其中：财政资金其他资金",
        "250.00200.0050.00",
        "一级指标二级指标三级指标指标值",
        "产出指标数量指标购置设备台数≥12台",
    ])
    (f,) = parse(text)
    assert (f.project, f.project_code, f.department, f.unit) == (
        "基层医疗设备购置", "2024YL0007", "某县卫生健康局", "某县人民医院")
    assert (f.budget_initial, f.budget_fiscal, f.budget_other) == (250, 200, 50)


def test_qualitative_values_glued_to_their_names_are_cut_off():
    text = "\n".join([
        "某县文化馆2024年免费开放项目支出绩效目标表",
        "一级指标二级指标三级指标指标值",
        "产出指标数量指标开放天数≥300天",
        "成本指标社会成本指标对当地非遗传承的影响长远",
        "效益指标社会效益指标馆内环境提升",
        "质量指标资金使用合规性符合相关规定",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("开放天数", "≥300天"), ("对当地非遗传承的影响", "长远"), ("馆内环境", "提升"), ("资金使用合规性", "符合相关规定")]


def test_a_glued_row_with_an_explanation_and_a_basis_does_not_lend_its_basis_to_the_next_name():
    text = "\n".join([
        "某县民政局2024年养老服务补贴项目支出绩效目标表",
        "一级指标二级指标三级指标绩效指标描述指标值指标值确定依据",
        "产出指标数量指标补贴发放人数反映补贴发放人数情况≥800人计划标准",
        "补贴发放批次反映补贴发放批次情况4次计划标准",
        "质量指标补贴发放准确率反映补贴发放准确率情况100%行业标准",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.basis) for i in f.indicators] == [
        ("补贴发放人数", "≥800人", "计划标准"), ("补贴发放批次", "4次", "计划标准"), ("补贴发放准确率", "100%", "行业标准")]


def test_a_glued_row_with_several_figures_is_a_row_not_the_reason_of_the_row_before():
    text = "\n".join([
        "某县教育局2024年度部门整体支出绩效自评表",
        "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
        "产出指标数量指标培训教师人次≥500人次520人次1010",
        "“两免一补”资金发放率≥98%96%109.8暂无",
        "满意度指标服务对象满意度指标家长满意度≥90%95%1010/",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score, i.reason) for i in f.indicators] == [
        ("培训教师人次", "≥500人次", "520人次", 10, 10, None),
        ("“两免一补”资金发放率", "≥98%", "96%", 10, 9.8, "暂无"),
        ("家长满意度", "≥90%", "95%", 10, 10, "/"),
    ]


def test_a_glued_row_does_not_take_the_next_rows_name_and_unit_as_its_actual():
    # columns printed in the Chongqing order (unit and nature before the values); every separator lost
    text = "\n".join([
        "某县林业局2023年度部门整体绩效自评表",
        "绩效指标指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
        "当期任务完成率%901010010植树造林(更新)面积万亩2110110森林火灾受害率%0.910010",
    ])
    (f,) = parse(text)
    got = [(i.name, i.target, i.weight) for i in f.indicators]
    assert got == [("当期任务完成率", "90", 10), ("植树造林(更新)面积", "21", 10), ("森林火灾受害率", "0.9", 10)]
    assert (f.indicators[2].actual, f.indicators[2].score) == ("0", 10)


def test_a_template_that_lists_every_levels_department_files_under_the_lowest():
    # provincial transfer templates print 市级 and 区级 (or 县级) 主管部门; the filer is the county's
    text = "\n".join([
        "2021年省级财政农业发展资金绩效目标表",
        "专项(项目)名称", "高标准农田建设专项",
        "市级主管部门", "某某市农业农村局",
        "县级主管部门", "某某县农业农村局",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t建设面积\t≥2000亩",
    ])
    (f,) = parse(text)
    assert (f.project, f.department) == ("高标准农田建设专项", "某某县农业农村局")


def test_glued_names_that_begin_with_a_figure_and_rates_per_hundred_thousand():
    text = "\n".join([
        "某县卫生健康局2024年度部门整体支出绩效目标表",
        "一级指标二级指标三级指标指标值",
        "产出指标数量指标签约家庭医生人数≥3000人",
        "65岁及以上老年人体检人数≥4200人",
        "质量指标孕产妇死亡率≤15/10万",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("签约家庭医生人数", "≥3000人"), ("65岁及以上老年人体检人数", "≥4200人"), ("孕产妇死亡率", "≤15/10万")]


def test_money_and_indicator_headers_worded_as_other_templates_word_them():
    text = "\n".join([
        "某县水利局2023年度灌区改造项目支出绩效自评表",
        "项目(专项)名称\t灌区节水改造\t\t\t\t\t\t",
        "项目资金（万元）\t\t预算数\t全年预算数\t全年执行数\t标准分值\t执行率\t单项指标得分",
        "\t年度资金总额\t300\t320\t288\t10\t90%\t9",
        "一级目标\t二级目标\t指标内容\t指标描述\t年度指标值\t实际值\t指标分值\t单项指标得分",
        "产出指标\t数量指标\t改造渠道长度\t反映渠道改造情况\t≥12公里\t12.5公里\t20\t20",
    ])
    (f,) = parse(text)
    assert f.project == "灌区节水改造"
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (300, 320, 288)
    assert (f.exec_weight, f.exec_rate_reported, f.exec_score) == (10, 0.9, 9)
    (ind,) = f.indicators
    assert (ind.name, ind.description, ind.target, ind.actual, ind.weight, ind.score) == (
        "改造渠道长度", "反映渠道改造情况", "≥12公里", "12.5公里", 20, 20)


@pytest.mark.parametrize("title, kind", [
    ("某县某局2023年度项目支出绩效自评结果表", "project_self_eval"),
    ("某县某中心项目支出绩效自评情况表", "project_self_eval"),
    ("某县某局2022年度部门整体支出绩效评价表", "dept_self_eval"),
    ("某县某局部门（单位）整体绩效目标表", "dept_target"),
    ("某县某局部门整体绩效自评工作报告", "self_eval_report"),
    ("某县某局项目绩效自评情况说明", "self_eval_report"),
    ("某县某局2022年度项目支出绩效自评报告书", "self_eval_report"),
    ("某县某局2022年度项目支出绩效自评工作总结", "self_eval_report"),
    ("某县某局2022年度项目支出绩效目标完成情况表", "project_self_eval"),
    ("2022年度某项目绩效目标执行情况表", "project_self_eval"),
    ("某县某局2021年部门整体支出绩效目标完成情况表", "dept_self_eval"),
    ("某县某局项目支出绩效评价评分表", "project_self_eval"),
    ("2021年度某项目绩效自评得分表", "project_self_eval"),
    ("某县某局2022年度部门整体支出绩效评价评分表", "dept_self_eval"),
    ("某县某局2023年项目绩效目标审核表", "project_target"),
    ("某县某局2023年度项目绩效目标公开", "project_target"),
    ("某县某局2023年部门整体绩效目标公开", "dept_target"),
    ("某县某局2022年度项目支出绩效自评结果公开", "self_eval"),
    ("某县某局项目支出绩效评价自评表", "project_self_eval"),
    ("某县某局2022年度部门整体支出绩效评价自评表", "dept_self_eval"),
    ("某县某局绩效目标完成情况（自评）表", "project_self_eval"),
    # a whole unit's targets worded without 部门: '整体', '单位整体'
    ("某县某中心2023年度整体绩效目标表", "dept_target"),
    ("某县某中心2023年度单位整体绩效目标表", "dept_target"),
    ("某县某中心2022年度单位整体支出绩效自评表", "dept_self_eval"),
    ("某县某局2023年度某项目整体绩效目标表", "project_target"),
    # a report worded without 自评 or 评价, as a whole line naming its year
    ("某县某局2022年度部门整体支出绩效报告", "self_eval_report"),
    ("关于2022年度某某资金绩效情况的报告", "self_eval_report"),
    ("某县某局2022年度项目支出绩效情况说明", "self_eval_report"),
    ("某县某局2022年度绩效目标完成情况报告", "self_eval_report"),
    ("某县某局2022年度部门整体支出绩效情况", "self_eval"),
    ("某县某局2022年度项目支出绩效评价结果报告", "self_eval_report"),
    ("某县某中心2022年度某项目绩效目标完成情况", "self_eval"),
    # ... but a target's description, a heading without its year, or a numbered heading is no title
    ("某县某局2023年度项目绩效目标说明", None),
    ("项目绩效情况", None),
    ("三、2022年度绩效目标完成情况", None),
])
def test_title_wordings_of_other_templates(title, kind):
    from etl.parse.vocab import title_kind

    assert title_kind(title) == kind


@pytest.mark.parametrize("lead", ["【", "表3-2 ", "附表1 ", "附件3：", "2、"])
def test_a_title_led_by_a_number_or_bracket_still_names_its_department(lead):
    # before: only '1、' and '附件3:' (for a report's project) were set aside, so '【…】' and '表3-2' titles named no
    # department
    end = "】" if lead == "【" else ""
    text = "\n".join([
        f"{lead}示例县教育局2023年度项目支出绩效自评表{end}",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因",
        "产出指标\t数量指标\t培训人数\t≥200人\t210人\t10\t10\t无",
    ])
    [f] = parse_document(read_bytes(text.encode(), "t.txt"))
    assert (f.doc_kind, f.department, f.year) == ("project_self_eval", "示例县教育局", 2023)


def test_a_report_titled_without_self_evaluation_words_is_read_not_refused():
    # '…部门整体支出绩效报告' over prose stating no budget: before, no title was known and the page too short
    # for an untitled report, so the file failed with no filing at all
    text = "\n".join([
        "某县教育局2022年度部门整体支出绩效报告",
        "一、部门基本情况",
        "某县教育局负责全县教育事业管理。",
        "二、绩效目标完成情况",
        "完成校舍维修12所，学生资助覆盖率100%。",
    ])
    [f] = parse_document(read_bytes(text.encode(), "r.txt"))
    assert (f.doc_kind, f.department, f.year) == ("self_eval_report", "某县教育局", 2022)


# a grid, a copy that lost its grid (cells a space apart), and one that lost every separator (the unknown
# wordings then glued into one piece of the header: '全年预期目标全年实际完成'). Not yet read: the glued copy of
# an unknown score wording printed last, run into the next column's word ('考评分偏差原因').
@pytest.mark.parametrize("value_heads, sep", [(heads, sep) for heads in [
    ["全年预期目标", "全年实际完成", "分值", "得分"],  # the target's wording unknown, before the actual
    ["预期指标值", "完成指标值", "分值", "得分"],      # the actual's wording taken for a second target
    ["指标值", "实际完成值", "分数", "得分"],          # the weight's
    ["指标值", "实际完成值", "分值", "考评分"],        # the score's
] for sep in ["\t", " ", ""] if (heads[3], sep) != ("考评分", "")])
def test_a_value_column_worded_as_no_template_is_read_by_its_place_and_values(value_heads, sep):
    # before: the header had no such column, so the grammar had none, and every row's value was read as its
    # name or another column's, or lost
    text = "\n".join([
        "某县某局2023年度培训项目绩效自评表",
        sep.join(["一级指标", "二级指标", "三级指标", *value_heads, "偏差原因"]),
        sep.join(["产出指标", "数量指标", "培训人数", "≥200人", "210人", "10", "10", "无"]),
        sep.join(["产出指标", "质量指标", "合格率", "≥95%", "96%", "10", "10", "无"]),
        sep.join(["效益指标", "社会效益指标", "服务对象满意率", "≥90%", "92%", "10", "9", "个别对象不了解政策"]),
    ])
    [f] = parse_document(read_bytes(text.encode(), "t.txt"))
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("培训人数", "≥200人", "210人", 10.0, 10.0), ("合格率", "≥95%", "96%", 10.0, 10.0),
        ("服务对象满意率", "≥90%", "92%", 10.0, 9.0)]


@pytest.mark.parametrize("sep", ["\t", " "])
def test_an_unnamed_column_of_words_stays_unnamed(sep):
    # a column the header does not name, holding words (here who carries the row out), is no target
    text = "\n".join([
        "某县某局2023年度培训项目绩效自评表",
        sep.join(["一级指标", "二级指标", "三级指标", "责任科室", "实际完成值", "分值", "得分"]),
        sep.join(["产出指标", "数量指标", "培训人数", "办公室", "210人", "10", "10"]),
        sep.join(["产出指标", "质量指标", "合格率", "业务科", "96%", "10", "10"]),
    ])
    [f] = parse_document(read_bytes(text.encode(), "t.txt"))
    assert all(i.target in (None, "") for i in f.indicators)


def test_a_department_left_generic_by_the_template_is_no_department():
    # a provincial transfer template: the county line says '县(市、区)教育部门', whichever county files it
    text = "\n".join([
        "2023年中等职业学校国家助学金绩效目标表",
        "项目名称\t中等职业学校国家助学金",
        "市级主管部门\t某某市教育局",
        "县级主管部门\t县(市、区)教育部门",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t资助学生人数\t≥500人",
    ])
    (f,) = parse(text)
    assert f.department == "某某市教育局"


def test_a_business_department_key_names_the_department_beside_the_budget_unit():
    text = "\n".join([
        "2024年某乡产业园道路建设项目支出绩效目标审批表",
        "预算单位: 某县某乡人民政府",
        "项目名称 某乡产业园道路建设项目 项目分类 基础设施类",
        "建设周期 2024年3月-2024年12月 业务主管部门 县交通局",
        "一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 新建道路长度 ≥2公里",
    ])
    (f,) = parse(text)
    assert f.department == "县交通局"


def test_a_national_investment_template_states_the_money_it_hands_down():
    text = "\n".join([
        "某专项2024年中央预算内投资计划绩效目标表",
        "专项名称 |", "乡村供水保障专项 | ||||",
        "下达地方或单位 |", "某县人民政府 | ||||",
        "下达中央预算内投资(万元) |", "1200 | ||||",
        "一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "产出指标 | 数量指标 | 新建水厂数量 | ≥2座 |",
    ])
    (f,) = parse(text)
    assert (f.project, f.department, f.budget_initial) == ("乡村供水保障专项", "某县人民政府", 1200)


def test_a_one_row_money_block_printed_without_a_row_label():
    text = "\n".join([
        "某县某局2023年度部门整体绩效自评表",
        "部门名称 某县某局",
        "部门预算执行情况 年初预算数 全年预算数 全年执行数 执行率(%) 执行率权重 执行率得分(分)",
        "100 120 90 75% 10 7.5",
        "一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分",
        "产出指标 数量指标 培训人次 ≥200人次 210人次 50 50",
    ])
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (100, 120, 90)
    assert (f.exec_rate_reported, f.exec_weight, f.exec_score) == (0.75, 10, 7.5)


def test_a_short_target_page_with_its_indicators_in_lines_of_prose():
    text = "\n".join([
        "某县教育局2023年学生资助项目绩效目标",
        "项目名称：学生资助",
        "预算金额：120万元",
        "产出指标：资助学生人次≥800人次；资助准确率100%",
        "效益指标：资助政策知晓率≥95%",
        "满意度指标：受助学生满意度≥90%",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.project, f.budget_initial) == ("project_target", "学生资助", 120)
    assert [(i.level1, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "资助学生人次", "≥800人次"), ("产出指标", "资助准确率", "100%"),
        ("效益指标", "资助政策知晓率", "≥95%"), ("满意度指标", "受助学生满意度", "≥90%")]


def test_a_page_that_mentions_levels_in_a_sentence_gets_no_invented_indicators():
    text = "\n".join([
        "某县某局2023年部门工作总结",
        "今年我局围绕产出指标和效益指标开展了自查。",
    ])
    assert parse(text) == []


def test_a_reports_prose_about_its_levels_is_not_read_as_an_indicator_table():
    text = "\n".join([
        "某县某局2023年度部门整体支出绩效自评报告",
        "一、基本情况",
        "产出指标：全年完成培训500人次，达到预期。",
        "效益指标：群众满意度提升到95%。",
        "全年预算100万元，执行95万元，执行率95%，自评得分95分。",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.indicators, f.total_score) == ("self_eval_report", [], 95)


def test_header_with_a_long_term_and_an_annual_column_group():
    # 长期 | 年度 groups side by side: the annual group holds the filing's indicators; the long-term
    # cells are kept apart (a section per indicator), blank ones vanish in a one-cell-per-line copy
    head = ["一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)", "三级指标(年度)", "指标值(年度)"]
    grid = "\n".join([
        "某区某局2024年项目支出绩效目标表",
        "项目名称\t校舍维修改造",
        "\t".join(head),
        "产出指标\t数量指标\t改造校舍面积\t≥3万平方米\t数量指标\t当年改造面积\t≥1万平方米",
        "满意度指标\t满意度指标\t\t\t满意度指标\t师生满意度\t≥90%",
    ])
    (f,) = parse(grid)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "当年改造面积", "≥1万平方米"),
        ("满意度指标", "满意度指标", "师生满意度", "≥90%"),
    ]
    assert [(s.heading, s.text) for s in f.sections if s.kind == "long_term_target"] == [
        ("当年改造面积", "改造校舍面积 ≥3万平方米")]
    per_line = "\n".join(["某区某局2024年项目支出绩效目标表", "项目名称", "校舍维修改造", *head,
                          "产出指标", "数量指标", " ", "数量指标", "当年改造面积", "≥1万平方米",
                          "效益指标", "社会效益指标", " ", "社会效益指标", "办学条件", "持续改善"])
    (f,) = parse(per_line)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "当年改造面积", "≥1万平方米"),
        ("效益指标", "社会效益指标", "办学条件", "持续改善"),
    ]


def test_rows_are_read_by_their_content_when_the_header_is_scrambled():
    # a spreadsheet's text layer on one line: header cells among values, so no header is found; the
    # rows that follow still show themselves (a 指标N number, a name, values with units, small scores)
    text = ("乡村饮水项目绩效自评表.xlsx\n"
            "某县2023年度项目支出绩效自评表 项目名称 乡村饮水 主管部门 某县水利局 一级 指标 年度 实际 指标值 "
            "完成值 分值 二级指标 得分 三级指标 指标1:新建水厂 2座 2座 10 10 指标2:铺设管网长度 ≥30公里 "
            "28公里 10 9 指标3:水质达标率 100% 100% 10 10 指标4:受益人口 5000人 5200人 10 10")
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("新建水厂", "2座", "2座", 10, 10),
        ("铺设管网长度", "≥30公里", "28公里", 10, 9),
        ("水质达标率", "100%", "100%", 10, 10),
        ("受益人口", "5000人", "5200人", 10, 10),
    ]
    assert f.doc_kind == "project_self_eval"
    assert any("按内容读取" in n for n in f.parse_notes)
    assert max(i.parse_confidence for i in f.indicators) <= 0.6  # no header: never as sure as a grid


def test_rows_are_read_by_their_content_under_a_header_worded_unknown():
    text = "\n".join([
        "某县某局2024年项目绩效目标表",
        "项目名称\t社区养老服务",
        "考核维度\t考核要素\t考核项\t期望值",
        "产出指标\t数量指标\t服务老人人数\t≥300人",
        "\t质量指标\t服务满意率\t≥95%",
        "效益指标\t社会效益指标\t独居老人探访覆盖率\t100%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "服务老人人数", "≥300人"),
        ("产出指标", "质量指标", "服务满意率", "≥95%"),
        ("效益指标", "社会效益指标", "独居老人探访覆盖率", "100%"),
    ]


def test_a_report_with_figures_in_prose_gets_no_rows_read_by_content():
    text = "\n".join([
        "某县某局2023年度部门整体支出绩效自评报告",
        "一、基本情况。全年预算数 120万元，执行数 118万元，执行率 98.3%。",
        "产出指标 完成培训 300人次，覆盖 12个乡镇；效益指标 受益群众 5000人。",
    ])
    (f,) = parse(text)
    assert f.doc_kind == "self_eval_report" and f.indicators == []


def test_indicator_numbers_without_a_colon_are_not_part_of_the_name():
    text = "\n".join([
        "某县某局2024年项目绩效目标表",
        "项目名称\t道路养护",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t指标1养护里程\t≥120公里",
        "\t质量指标\t指标2：路面完好率\t≥90%",
        "\t时效指标\t指标3\t",
    ])
    (f,) = parse(text)
    assert [i.name for i in f.indicators] == ["养护里程", "路面完好率"]


@pytest.mark.parametrize("sep", ["\t", ""])
def test_evaluation_indicator_template(sep):
    # 评价指标 | 评价内容 | 指标名称 | 指标说明 | 目标值 | 分值 | 备注, as a grid and glued in a web copy;
    # a target table's one total is its weight
    lines = [
        "2022年度某县某补助项目绩效评价指标表",
        sep.join(["评价指标", "评价内容", "指标名称", "指标说明", "目标值", "分值", "备注"]),
        sep.join(["产出指标", "数量指标", "补助发放人数", "", "1500人", "20", ""]),
        sep.join(["", "质量指标", "补助对象覆盖率", "", "100%", "30", ""]),
        sep.join(["", "时效指标", "按时发放率", "", "100%", "50", ""]),
        sep.join(["总分", "", "", "", "", "100", ""]),
    ]
    (f,) = parse("\n".join(lines))
    assert f.doc_kind == "project_target" and f.year == 2022
    assert [(i.level1, i.level2, i.name, i.target, i.weight) for i in f.indicators] == [
        ("产出指标", "数量指标", "补助发放人数", "1500人", 20),
        ("产出指标", "质量指标", "补助对象覆盖率", "100%", 30),
        ("产出指标", "时效指标", "按时发放率", "100%", 50),
    ]
    assert (f.total_weight, f.total_score) == (100, None)


def test_levels_of_a_family_the_lexicon_does_not_know():
    # '制度指标', '产出数量指标' stand where levels stand: read as levels, not as indicator names
    text = "\n".join([
        "某县某局2023年项目绩效目标表",
        "一级指标\t二级指标\t三级指标\t指标值",
        "管理指标\t制度指标\t规章制度建立情况\t健全",
        "\t产出数量指标\t补助发放人数\t1500人",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("管理指标", "制度指标", "规章制度建立情况", "健全"),
        ("管理指标", "产出数量指标", "补助发放人数", "1500人"),
    ]


def test_a_glued_line_with_a_few_spaces_inside_is_still_glued():
    # a doc-sharing copy runs the whole form together; a tick-box list keeps its own spaces
    text = "\n".join([
        "文档简介",
        "2021年度乡村道路养护项目绩效自评表项目名称乡村道路养护主管部门某县交通运输局项目类别1、上级专项 2、本级专项"
        "项目属性1、持续性项目 2、新增性项目一级指标二级指标三级指标年度指标值实际完成值分值得分"
        "产出指标数量指标养护里程≥120公里125公里2020进度指标按期完工率100%100%2020",
    ])
    (f,) = parse(text)
    assert (f.project, f.department) == ("乡村道路养护", "某县交通运输局")
    assert [(i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("数量指标", "养护里程", "≥120公里", "125公里", 20, 20),
        ("进度指标", "按期完工率", "100%", "100%", 20, 20),
    ]


def test_report_titled_by_its_file_name_and_a_title_broken_by_spaces():
    # a doc-sharing page: the file name first, then the report's own title with spaces left by the PDF
    # (the issuing body, the year and the kind in separate pieces), then prose naming 部门(单位) in passing
    text = "\n".join([
        "某中心2023年整体绩效自评总结报告.docx",
        "某县河道管理中心 2023 年整体和项目支出绩效自评总结报告 一 基本情况。 我单位全年预算 120.5 万元,"
        " 执行 118.2 万元。 二 部门(单位)整体和项目绩效自评结果。 自评得分 95 分。" + " 说明文字" * 60,
    ])
    (f,) = parse(text)
    assert f.doc_kind == "self_eval_report"
    assert f.title == "某县河道管理中心2023年整体和项目支出绩效自评总结报告"
    assert f.department == "某县河道管理中心" and f.year == 2023


@pytest.mark.parametrize("title, department", [
    ("2021年某市发展和改革局部门整体支出绩效自评报告", "某市发展和改革局"),  # the year before the body
    ("某县第二中学专项资金绩效自评价报告", "某县第二中学"),  # a school, then 专项
    ("某某乡部门整体支出绩效自评报告", "某某乡"),  # a township
])
def test_the_department_is_read_from_the_report_title(title, department):
    (f,) = parse("\n".join([title, "一、基本情况。全年预算数 120万元，执行数 118万元，执行率 98.3%。"]))
    assert f.department == department


def test_the_web_pages_publisher_names_the_department_only_when_nothing_better_does():
    # the publisher (发布机构) in the page's chrome is a shorter or a fuller name of the same body
    page = "\n".join([
        "首页 > 市司法局 > 财政资金",
        "发布机构: {publisher} 主题分类: 司法",
        "{title}",
        "一、基本情况。全年预算数 120万元，执行数 118万元，执行率 98.3%。",
    ])
    (f,) = parse(page.format(publisher="市司法局", title="某市司法局2021年度部门整体支出绩效评价报告"))
    assert f.department == "某市司法局"
    (f,) = parse(page.format(publisher="某区林业局", title="2021年林业局部门整体支出绩效自评报告"))
    assert f.department == "某区林业局"


def test_project_keys_worded_with_project():
    text = "\n".join([
        "绩效目标表", "(2020年度)", "项目名称\t薄弱学校改造", "项目主管部门\t某区教育局", "项目执行单位\t某区某学校",
        "一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t改造学校数\t3所",
    ])
    (f,) = parse(text)
    assert (f.department, f.unit) == ("某区教育局", "某区某学校")


def test_a_place_counts_from_keys_title_or_an_organisations_name_never_from_ordinary_words():
    report = "\n".join([
        "{title}",
        "一、基本情况。{prose}全年预算数 120万元，执行数 118万元，执行率 98.3%。",
    ])
    # '资金和县域结对帮扶': 和县 inside ordinary words is no place
    (f,) = parse(report.format(title="某局2023年度部门整体支出绩效自评报告", prose="统筹资金和县域结对帮扶工作。"))
    assert (f.province, f.city, f.county) == (None, None, None)
    # an organisation's name in the prose names its place
    (f,) = parse(report.format(title="文化局2023年度部门整体支出绩效自评报告", prose="东阳市文化和广电旅游体育局及其下属单位开展活动。"))
    assert (f.province, f.city, f.county) == ("浙江省", "金华市", "东阳市")


def test_a_county_name_several_cities_share_is_kept_without_guessing_its_city():
    text = "\n".join(["项目支出绩效目标表", "项目名称\t学校改造", "主管部门\t青山区教育局",
                      "一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t改造学校数\t3所"])
    (f,) = parse(text)
    assert (f.province, f.city, f.county) == (None, None, "青山区")  # 武汉 and 包头 both have one


def test_a_government_sites_greeting_names_the_publisher():
    text = "\n".join([
        "欢迎来到某县政协网站!",
        "部门整体支出绩效评价报告",
        "一、基本情况。全年预算数 120万元，执行数 118万元，执行率 98.3%。",
    ])
    (f,) = parse(text)
    assert f.department == "某县政协"


@pytest.mark.parametrize("prose, figures", [
    ("2023年度批复支出预算1,200.50万元，调整后支出预算1,350.00万元，支出决算1,300.25万元，预算执行率为96.3%。",
     (1200.5, 1350.0, 1300.25, 0.963)),
    ("一、收入：500.2万元。二、支出：480.6万元。其中：人员经费支出300.1万元，公用经费支出80.5万元。",
     (None, None, 480.6, None)),
    ("部门预算总金额 803.74 万元，其中基本支出 757.49 万元。财政安排支出共计790.10万元。",
     (None, 803.74, 790.1, None)),
])
def test_figures_a_report_states_in_prose(prose, figures):
    (f,) = parse("\n".join(["某局2023年度部门整体支出绩效自评报告", "一、基本情况", prose]))
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == figures


@pytest.mark.parametrize("money", [
    "预算执行情况(万元)(20分)预算数(A)执行数(B)执行率(B/A)得分(20分*执行率)年度财政资金总额5050100%20",
    "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:505020100.00%20其中:本年财政拨款5050",
])
def test_a_glued_money_block_with_notes_in_its_header(money):
    # a doc-sharing copy: the money header's notes ('(A)', '(20分*执行率)') and the amounts run together
    text = ("2022年度乡村道路养护项目绩效自评表项目名称乡村道路养护主管部门某县交通运输局" + money +
            "一级指标二级指标三级指标年度指标值实际完成值分值得分产出指标数量指标养护里程≥120公里125公里8080")
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score) == (50, 50, 1.0, 20, 20)


def test_levels_of_the_national_evaluation_framework():
    # 项目决策 / 项目管理 / 项目产出 / 项目效益 with their own level-2 names (项目立项, 资金投入 …)
    text = "\n".join([
        "某县2022年度项目支出绩效自评表",
        "项目名称\t学校公用经费",
        "一级指标\t二级指标\t三级指标\t分值\t指标值\t实际完成值\t得分",
        "项目决策(10分)\t项目立项\t立项依据充分性\t5\t充分\t充分\t5",
        "\t资金投入\t预算编制科学性\t5\t科学\t科学\t4",
        "项目管理(20分)\t预算编审管理\t预算执行率\t10\t100%\t98%\t9",
        "项目产出(40分)\t产出数量\t保障学生人数\t40\t2000人\t2010人\t40",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.weight, i.score) for i in f.indicators] == [
        ("项目决策", "项目立项", "立项依据充分性", 5, 5),
        ("项目决策", "资金投入", "预算编制科学性", 5, 4),
        ("项目管理", "预算编审管理", "预算执行率", 10, 9),
        ("项目产出", "产出数量", "保障学生人数", 40, 40),
    ]


@pytest.mark.parametrize("sep", ["\t", " ", ""])
def test_a_long_term_block_and_an_annual_block_of_the_same_header(sep):
    # 长期绩效指标 over one table, 年度绩效指标 over the same header again: the annual rows are the filing's
    lines = [
        "某区教育局2024年校舍改造项目支出绩效目标表",
        sep.join(["项目名称", "校舍改造", "主管部门", "某区教育局"]),
        "长期绩效指标",
        sep.join(["一级指标", "二级指标", "三级指标", "指标值"]),
        sep.join(["产出指标", "数量指标", "改造学校数", "≥30所"]),
        sep.join(["效益指标", "社会效益指标", "办学条件", "持续改善"]),
        "年度绩效指标",
        sep.join(["一级指标", "二级指标", "三级指标", "指标值"]),
        sep.join(["产出指标", "数量指标", "改造学校数", "≥10所"]),
        sep.join(["产出指标", "质量指标", "验收合格率", "100%"]),
    ]
    (f,) = parse("\n".join(lines))
    assert [(i.level2, i.name, i.target) for i in f.indicators] == [
        ("数量指标", "改造学校数", "≥10所"), ("质量指标", "验收合格率", "100%")]
    long_term = [s.text for s in f.sections if s.kind == "long_term_target"]
    assert long_term[0] == "改造学校数 ≥30所" and len(long_term) == 2  # where a glued value is cut is the lattice's


def test_a_pages_category_label_is_not_the_filings_title():
    # '公开目录 | 自评报告' is where the site files the page; the table's own title says what it is
    text = "\n".join([
        "索引号 | 0152/2021-0630005 | 发布机构 | 某县司法局 |",
        "公开目录 | 自评报告 | 发布日期 | 2021-06-30 |",
        "2020年度部门整体支出绩效自评表 | |||",
        "部门名称 | 某县司法局 |||",
        "部门总体目标 | 部门职责 | 承担全面依法治县的统筹协调。 |",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.title, f.department) == ("dept_self_eval", "2020年度部门整体支出绩效自评表", "某县司法局")


def test_a_report_names_its_department_where_it_introduces_its_short_name():
    text = "\n".join([
        "2024年度项目支出绩效单位自评报告",
        "一、基本情况",
        "2024年，某州数据发展中心（以下简称“州数据中心”）实施项目共5个，年初批复预算120万元。",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.department, f.budget_initial) == ("self_eval_report", "某州数据发展中心", 120)


def test_full_width_operators_in_the_nature_column():
    # '﹦' (small equals) of Yunnan mirror sites is an operator like '═' and '≧'
    text = "\n".join([
        "| 2021年度项目支出绩效自评表 | ||||",
        "| 项目名称 | 示例执法补助经费 | ||||",
        "| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | |",
        "| 产出指标 | 数量指标 | 执法巡查次数 | ﹦ | 40 | 次 | 40 | 20 | 18 |",
        "| 质量指标 | 案件办结率 | ═ | 100 | % | 100 | 20 | 19 |",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("执法巡查次数", "﹦40次", "40", 20, 18), ("案件办结率", "═100%", "100", 20, 19)]
    assert f.indicators[0].target_m.op == "="


def test_a_header_printed_over_two_lines_in_a_copy_without_its_grid():
    # '年度 | 实际 | 分值 | 得分' over '指标值 | 完成值': the stems and their completions pair up in order
    text = "\n".join([
        "示例县体育专项经费绩效自评表(2023年度)",
        "项目名称 示例体育专项经费",
        "绩效指标 一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施",
        "指标值 完成值",
        "产出指标 数量指标 指标1:维护场地数量 12个 11个 20 18",
        "质量指标 指标1:验收合格率 100% 90% 20 17",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("维护场地数量", "12个", "11个", 20, 18), ("验收合格率", "100%", "90%", 20, 17)]


def test_key_wordings_of_transfer_payment_and_approval_templates():
    text = "\n".join([
        "中央转移支付示例县体育中心项目绩效自评表 | |||",
        "(2023年度) | |||",
        "转移支付(项目)名称 | 示例县体育中心项目 | ||",
        "中央主管部门 | 国家体育总局 | ||",
        "地方主管部门 | 示例县人民政府 | 资金使用单位 | 示例县体育发展中心 |",
        "二级指标 | 三级指标 | 指标值 | 全年实际完成值 |",
        "数量指标 | 新建体育中心数量 | 1 | 1 |",
    ])
    (f,) = parse(text)
    assert (f.project, f.department, f.unit) == ("示例县体育中心项目", "示例县人民政府", "示例县体育发展中心")


def test_an_approval_table_with_a_dated_sub_header_and_a_sign_off_row():
    # '2021年实际实现值 | 预期2022年实现值' is the header's second line; '…科室(盖章)' signs the table off;
    # a merged level-1 cell printed again mid-block keeps the block's level-2
    text = "\n".join([
        "项目支出绩效目标批复表 | |||",
        "(2022年度) | |||",
        "项目名称 | 示例培训班 | 项目负责人 | |",
        "项目金额 | 80万元 | 其中:当年市级财政资金 | 60万元 |",
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标标准或依据 |",
        "2021年实际实现值 | 预期2022年实现值 | |||",
        "数量指标 | 培训人次 | 300人次 | |||",
        "产出指标 | 开设课程数量 | 100 | |||",
        "满意度指标 | 服务对象满意度指标 | 学员满意度 | ≥95% | ||",
        "财政资金管理科室(盖章) 年 月 日 | 财政绩效管理科室(盖章) 年 月 日 |",
    ])
    (f,) = parse(text)
    assert f.budget_initial == 80
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "培训人次", "300人次"), ("产出指标", "数量指标", "开设课程数量", "100"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥95%")]


def test_a_report_page_title_with_the_sites_suffix_and_scores_of_parts_only():
    # the page title ends with the site's name; '(2018)257号' dates a rule; '自评得6分' scores a part
    text = "\n".join([
        "示例县学前教育促进工程项目绩效评价自评报告-民生工程-示例县人民政府",
        "发布时间:2022-01-18",
        "根据《示例省教育厅关于印发<评价办法>的通知》(示教秘财(2018)257号),对我县2021年学前教育促进工程项目进行自评。",
        "一、投入(14分)",
        "(1) 项目立项(2分)程序完整,执行规范。自评得2分。",
        "(二) 资金落实(6分) 资金到位率100%,自评得6分。",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.year, f.total_score, f.department) == ("self_eval_report", 2021, None, "示例县人民政府")


def test_report_money_stated_as_funds_invested_and_executed():
    text = "\n".join([
        "示例省2022年度示例补助资金绩效自评报告",
        "一、绩效目标分解下达情况",
        "2022年共投入示例补助经费预算1000万元。其中,中央转移支付资金800万元,省级配套资金200万元。",
        "(2)项目资金执行情况。实际执行900.5万元,项目执行率90.05%。",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (1000, 900.5, 0.9005)


def test_report_places_from_a_signature_and_short_autonomous_names_never_from_a_citation():
    signed = "\n".join([
        "2021年示例走廊项目专项资金绩效自评报告",
        "二、资金使用情况。2021年预算安排500万元，全年实际支出420.5万元。",
        "宁波市奉化区交通运输局",
        "2022年08月01日",
    ])
    (f,) = parse(signed)
    assert (f.department, f.county) == ("宁波市奉化区交通运输局", "奉化区")
    cited = "\n".join([
        "县司法局2020年度示例法律顾问经费绩效自评报告",
        "根据《中共广东省委广东省人民政府关于全面实施预算绩效管理的若干意见》文件精神，",
        "紫金县司法局对示例法律顾问经费进行了自评。",
    ])
    (f,) = parse(cited)
    assert (f.province, f.county) == ("广东省", "紫金县")
    (f,) = parse("彭水自治县2024年度示例项目绩效自评报告\n一、基本情况。2024年项目资金100万元，已全部执行。")
    assert f.county == "彭水苗族土家族自治县"


def test_key_values_that_are_another_key_or_carry_a_code():
    text = "\n".join([
        "项目支出预算绩效目标申报表", "(2022年度)", "项目名称 示例幼儿园公用经费",
        "主管部门  项目起止时间 2022.1—2022.12",
        "年度绩效指标 一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 补助幼儿人数 2400人",
    ])
    (f,) = parse(text)
    assert f.department is None  # left blank, not the next key's label
    text = "\n\n".join(["2024年项目绩效目标表", "项目名称", "示例保洁服务", "主管部门及其编码", "示例市城市管理局 301001",
                        "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "保洁车辆数", "6辆"])
    (f,) = parse(text)
    assert (f.department, f.department_code) == ("示例市城市管理局 301001", "301001")


def test_an_indicators_unit_in_yuan_does_not_make_the_money_block_yuan():
    text = "\n".join([
        "项目支出绩效自评表", "项目名称 | 2021年示例合作社扶持项目 |",
        "预算执行情况(万元)(20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) |",
        "年度财政资金总额 | 300 | 240 | 0.8 | 16 |",
        "一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |",
        "效益指标 | 经济效益指标 | 带动增收 (元) | 1500 | 1600 | 32.0 |",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed) == (300, 240)


def test_levels_and_headers_worded_with_zhi_for_zhibiao():
    # '一级 | 二级 | 三级 | 年度数值' with levels '产出值 / 数量值': 值 where other templates say 指标
    text = "\n".join([
        "项目支出目标申报表 (2025年度)", "项目名称 示例小学公用经费",
        "一级 二级 三级 年度数值 备注",
        "产出值 数量值 小学就读人数 <=1500人", "质量值 办学条件改善 =100%", "效益值 社会效益值 教学质量提高 =100%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出值", "数量值", "小学就读人数", "<=1500人"), ("产出值", "质量值", "办学条件改善", "=100%"),
        ("效益值", "社会效益值", "教学质量提高", "=100%")]


def test_an_untitled_self_evaluation_cut_before_its_rows_is_still_a_self_evaluation():
    text = "\n".join([
        "(2021年度) | |||", "转移支付(项目)名称 | 示例防治项目 | ||",
        "项目资金 (万元) |", "全年预算数(A) | 全年执行数(B) | 预算执行率(B/A) | ||", "年度资金总额: | 100 | 90 | 90% | ||",
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 全年实际完成值 | 未完成原因和改进措施 |",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == ("project_self_eval", 100, 90, 0.9)


def test_rows_of_a_table_continued_from_an_earlier_page_before_the_first_title():
    # a page that starts inside a table (its header on the page before) and then opens the next filing
    text = "\n".join([
        "示例宣传知晓率 | = | 100 | % | 100 | 5 | 5 |",
        "满意度指标 | 服务对象满意度指标 | 参与人员满意度 | ≥ | 95 | % | 96 | 5 | 5 |",
        "合计 | 100 | 98 |",
        "部门预算项目支出绩效自评表(2022年度) | |||",
        "项目名称 | 示例执法服装经费 | |||",
    ])
    fragment, nxt = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in fragment.indicators] == [
        ("示例宣传知晓率", "=100%", "100", 5, 5), ("参与人员满意度", "≥95%", "96", 5, 5)]
    assert (fragment.total_weight, fragment.total_score) == (100, 98) and nxt.project == "示例执法服装经费"


def test_a_scoring_sheet_of_bare_points_before_any_title_is_no_table():
    text = "\n".join([
        "项目决策(10 分)科学决策必要性 5 5 可行性 5 5 合理性 5 5",
        "2017 年部门整体支出绩效自评报告", "一、基本情况。本部门自评得分 90 分。",
    ])
    assert [f.doc_kind for f in parse(text)] == ["self_eval_report"]


def test_a_money_run_glued_into_one_share_is_split():
    # '4040100%' is 40 | 40 | 100%, not an execution rate of 40,401 %
    text = ("2021年度示例防火经费项目绩效自评表项目名称示例防火经费主管部门示例区林业局预算执行情况(万元)资金来源"
            "预算数(A)执行数(B)执行率(B/A)一般预算内拨款4040100%合计4040100%年度绩效目标完成情况"
            "一级指标二级指标三级指标年初目标值实际完成值产出指标数量指标灭火器数量300件300件")
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (40, 40, 1.0)


def test_a_report_holding_a_list_of_names_and_target_values():
    text = "\n".join([
        "示例省残疾人宣传文化经费项目2017年度绩效自评报告", "一、基本情况", "表1:绩效目标",
        "序号 |", "三级指标 |", "年度指标值 |", "1 |", "助残日活动次数 |", "1次 |", "2 |", "电视专栏节目 |", "24期 |",
    ])
    (f,) = parse(text)
    assert f.doc_kind == "self_eval_report"
    assert [(i.name, i.target) for i in f.indicators] == [("助残日活动次数", "1次"), ("电视专栏节目", "24期")]


def test_the_total_row_of_a_glued_table_ends_it():
    text = ("示例项目绩效自评表(2022年度)项目名称示例项目一级指标二级指标三级指标年度指标值实际完成值分值得分"
            "产出指标数量指标种薯发放量200万粒200万粒5050质量指标种薯合格率≥90%95%5048总分10098")
    (f,) = parse(text)
    assert [i.name for i in f.indicators] == ["种薯发放量", "种薯合格率"]
    assert (f.total_weight, f.total_score) == (100, 98)


@pytest.mark.parametrize("title, kind", [
    ("关于2021年度示例项目绩效自评的报告", "self_eval_report"),
    ("示例局关于2022年度项目绩效自评工作开展情况的报告", "self_eval_report"),
    ("示例县2021年度示例项目绩效自评情况", "self_eval_report"),  # titled as an evaluation, prose under it
    ("示例项目2021年度绩效评价结果公示", "self_eval_report"),
])
def test_report_titles_without_the_usual_wording(title, kind):
    (f,) = parse("\n".join([title, "一、基本情况", "全年预算数 120万元，执行数 118万元，执行率 98.3%。"]))
    assert f.doc_kind == kind


def test_a_page_titled_as_an_evaluation_holding_a_table_is_a_self_evaluation_table():
    text = "\n".join([
        "示例县示例局2022年度项目支出绩效自评结果", "项目名称\t示例项目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t培训人次\t≥500人次\t520人次\t20\t20",
    ])
    (f,) = parse(text)
    assert f.doc_kind == "project_self_eval" and len(f.indicators) == 1


def test_a_section_heading_is_no_title():
    text = "\n".join(["示例局2022年度部门整体支出绩效自评报告", "一、基本情况", "全年预算数 120万元，执行数 118万元。",
                      "二、项目绩效目标", "完成年度工作任务。", "三、绩效自评情况", "自评得分 95 分。"])
    (f,) = parse(text)
    assert (f.doc_kind, f.total_score) == ("self_eval_report", 95)


def test_a_long_glued_money_run_in_yuan_is_split_by_its_arithmetic():
    # '9142200.00 9142200.00 9056400.00 10 99.06% 9.91' run together: every subset of every digit boundary
    # would be millions of readings; the short figures stand at the run's end
    got = _assign_glued(["initial", "adjusted", "executed", "weight", "rate", "score"],
                        "9142200.009142200.009056400.001099.06%9.91", 10000.0)
    assert got == {"initial": 914.22, "adjusted": 914.22, "executed": 905.64, "weight": 10.0, "rate": 0.9906,
                   "score": 9.91}


def test_a_target_split_over_sign_value_and_unit_columns_worded_as_other_templates():
    # '计算符号 | 目标值 | 度量单位 | 指标值说明' with merged level cells dropped from later rows
    text = "\n".join([
        "| 部门整体绩效目标 | |||||||",
        "| 部门名称: | 某县水利局 | ||",
        "| 一级指标 | 二级指标 | 三级指标 | 计算符号 | 目标值 | 度量单位 | 指标值说明 | |",
        "| 产出指标 | 数量指标 | 保障在职职工人数(人) | = | 48 | 人 | 该指标值数据合理 | |",
        "| 河道巡查里程(公里) | ≥ | 120 | 公里 | 该指标值数据合理 | |||",
        "| 质量指标 | 工资发放准确性(%) | ≥ | 95 | % | 该指标值数据合理 | |",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name, i.target, i.description) for i in f.indicators] == [
        ("数量指标", "保障在职职工人数(人)", "=48人", "该指标值数据合理"),
        ("数量指标", "河道巡查里程(公里)", "≥120公里", "该指标值数据合理"),
        ("质量指标", "工资发放准确性(%)", "≥95%", "该指标值数据合理")]


def test_nature_and_direction_columns_a_template_swaps():
    # '指标性质' holds 正向 and '指标方向' holds the operator
    text = "\n".join([
        "项目支出绩效自评表 (2023年度)", "项目名称\t某业务支出项目",
        "一级指标\t二级指标\t三级指标\t指标性质\t指标方向\t年度指标值\t实际完成值\t计量单位\t分值\t得分",
        "产出指标\t数量指标\t外业调查次数(次)\t正向\t大于等于\t4\t4\t次\t10\t10",
        "\t\t宣传册印制数(册)\t正向\t大于等于\t200\t200\t册\t10\t10",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual) for i in f.indicators] == [
        ("外业调查次数(次)", "大于等于4次", "4"), ("宣传册印制数(册)", "大于等于200册", "200")]


def test_several_projects_each_with_its_key_block_under_one_page_title():
    block = [
        "101001某县人民检察院 | 单位:万元 | |||||", "项目名称 | {name} | |||||", "预算规模及资金用途 | 预算数 | {budget} | |||",
        "一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 |",
        "产出指标 | 数量指标 | {row} | {row} | {value} |",
    ]
    text = "\n".join(["某县人民检察院", "项目支出绩效目标表", "(2024年)"]
                     + [line.format(name="屋面防水维修", budget="12.00", row="维修面积", value="≥600平方米") for line in block]
                     + [line.format(name="案件听证补助", budget="8.00", row="听证案件数", value="≥40件") for line in block])
    first, second = parse(text)
    assert (first.project, first.budget_initial, [i.name for i in first.indicators]) == ("屋面防水维修", 12, ["维修面积"])
    assert (second.project, second.budget_initial, [i.name for i in second.indicators]) == ("案件听证补助", 8, ["听证案件数"])


def test_a_doc_sharing_copy_whose_reader_cut_it_at_word_wrap_spaces():
    # a Word table copied by a document-sharing site: cells glued, the spaces Word left where a cell wrapped
    # kept ('一级 指标二级 指标', '新建乡村图 书室数量'); a reader splitting at those spaces cuts words apart
    text = "\n".join([
        "2021年度县级专项资金绩效目标自评表.docx",
        "1、2021年度县级专项资金绩效目标自评表专项资金名称乡村图书室补助县级主管部门某县文化旅游局实施单位公共文化股"
        "项目资金(万元)全年预算数(A)全年执行数(B)执行率(B/A)年度资金总额86.586.5100%其中:县级资金86.586.5100%"
        "年度 总体 目标年初设定目标全年实际完成情况建成图书室已建成绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 "
        "完成值未完成原因和 改进措施产 出 指 标数量 指标新建乡村图 书室数量12个12个图书配送到位率100%100%",
    ])
    (f,) = parse(text)
    assert (f.project, f.department) == ("乡村图书室补助", "某县文化旅游局")
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (86.5, 86.5, 1.0)  # '86.586.5100%'
    assert [(i.level1, i.level2, i.name, i.target, i.actual) for i in f.indicators] == [
        ("产出指标", "数量指标", "新建乡村图书室数量", "12个", "12个"),
        ("产出指标", "数量指标", "图书配送到位率", "100%", "100%")]


def test_a_money_block_worded_as_sichuan_templates_word_it():
    # '年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分' over a row labelled '总额'
    text = "\n".join([
        "部门预算项目支出绩效自评表(2023年度) | |||", "项目名称 | 某调解补助资金项目 | ||",
        "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 |",
        "总额 | 2.00 | 5.50 | 5.50 | 100.00% | 10 | 10 | |",
        "其中:财政资金 | 2.00 | 5.50 | 5.50 | 100.00% | / | / |",
        "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 权重 | 得分 |",
        "产出指标 | 数量指标 | 调解案件数 | ≥100件 | 120件 | 50 | 50 |",
    ])
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score) \
        == (2, 5.5, 5.5, 1.0, 10, 10)


def test_a_table_cut_after_its_first_row_under_a_header_known_in_part():
    # '一级指标 | 二级指标 | 三级指标 | 指标解释 | 甲村 | 乙村' (a value column per village, no header word for
    # them) and the excerpt stops after the first row: that row is still read
    text = "\n".join([
        "2022年省级水利专项资金绩效目标表", "项目名称 | 省级水利专项资金 |",
        "绩效 指标 |", "一级指标 |", "二级指标 |", "三级指标 |", "指 标 解 释 |", "甲镇甲村 |", "乙乡乙村 |",
        "产出 指标 |", "数量指标 |", "开展小型水利工程建设(个) |", "反映工程建设开展情况 |", "1 |", "1 |",
        "时效指标 |", "截",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name) for i in f.indicators] == [("数量指标", "开展小型水利工程建设(个)")]


def test_a_pdf_header_whose_words_were_cut_between_its_two_lines():
    # a PDF's text layer prints the two header lines cell by cell, words cut anywhere: '年初指' over '标值'
    text = "\n".join([
        "某市财政预算支出项目绩效目标自评表", "项目名称 网络维护费",
        "一级指标 二级指标 三级指标 年初指 实际完 分值 得分",
        "标值 成值",
        "产出指标 数量指标 采购设备数量 6台 6台 15 15",
        "质量指标 设备运行稳定率 ≥95% 98% 12 12",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("采购设备数量", "6台", "6台", 15, 15), ("设备运行稳定率", "≥95%", "98%", 12, 12)]


# --- Document and meta classes seen in a held-out set (titles, untitled reports, keys, reporting bodies) ------


@pytest.mark.parametrize("title, kind", [
    ("2024年度预算项目绩效目标公开表", "project_target"),  # what a department publishes
    ("2023年度示例市示例经费预算项目支出绩效目标申报明细表", "project_target"),
    ("示例县示例局部门整体支出绩效目标公开表", "dept_target"),
])
def test_target_table_titles_worded_as_published_or_itemised(title, kind):
    text = "\n".join([title, "项目名称\t示例学校运转经费", "项目资金(万元)\t120",
                      "一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t保障学生数\t≥800人"])
    (f,) = parse(text)
    assert (f.doc_kind, f.title, len(f.indicators)) == (kind, title, 1)


def test_an_evaluation_report_titled_as_an_assessment():
    text = "\n".join(["示例营养餐计划绩效评估报告", "一、投入", "(1)项目立项",
                      "示例县已将营养餐计划纳入规划，成立了领导小组。"])
    (f,) = parse(text)
    assert f.doc_kind == "self_eval_report"
    # an assessment that is not of performance is no filing
    assert parse_document(read_bytes("示例地块环境影响评估报告\n一、概况\n地块位于示例县。".encode(), "x.txt")) == []


def test_a_project_budget_for_the_year_beside_its_total_over_the_period():
    text = "\n".join([
        "2023年度示例市示例筛查经费预算项目支出绩效目标申报明细表", "", "(2023年度)",
        "       项目名称 示例筛查经费",
        "项目总预算(万元) 60.00      项目当年预算(万元) 20.00 ",
    ])
    (f,) = parse(text)
    assert (f.project, f.budget_initial) == ("示例筛查经费", 20)


def test_a_title_wrapped_over_lines_is_one_title():
    two = "\n".join(["示例县示例指挥部示例项目资金", "绩效评价报告", "根据有关通知要求，我所对示例项目实施绩效评价。",
                     "一、基本情况"])
    (f,) = parse(two)
    assert f.title == "示例县示例指挥部示例项目资金绩效评价报告"
    three = "\n".join(["发布时间:2023-10-27 09:11 信息来源:示例县财政局", "2022年省示例重点项目", "示例县示例茶叶基地",
                       "建设项目绩效评价报告", "评价机构: 示例会计师事务所", "为加强财政支出管理，对该项目实施绩效评价。"])
    (f,) = parse(three)
    assert f.title == "2022年省示例重点项目示例县示例茶叶基地建设项目绩效评价报告"


def test_a_full_title_under_another_line_is_not_joined_to_it():
    # the site's name, or the attachment number, above a title that names its body: separate lines
    for above in ("示例县人民政府", "附件3"):
        (f,) = parse("\n".join([above, "示例乡部门整体支出绩效自评报告", "一、基本情况",
                                "示例乡人民政府主要职能职责：管理本行政区域内的经济工作。"]))
        assert f.title == "示例乡部门整体支出绩效自评报告"


def test_a_department_target_page_titled_without_table_is_the_department_s():
    # the site's menu words ('重点项目') do not make the page a project's
    text = "\n".join([
        "首页 | 政务公开 | 重点项目 | 项目建设 | 办事服务",
        "示例县示例局部门整体绩效目标",
        "部门名称\t示例县示例局",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t培训人次\t≥500人次",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.title, f.project) == ("dept_target", "示例县示例局部门整体绩效目标", None)
    # a target table's own key cell '部门整体绩效目标' is no title
    (g,) = parse("\n".join(["示例局2023年度部门整体支出绩效目标表", "部门整体绩效目标\t完成年度工作任务",
                            "一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t培训人次\t≥500人次"]))
    assert g.doc_kind == "dept_target" and g.sections[0].text == "完成年度工作任务"


def test_a_report_s_file_number_dates_no_filing():
    text = "\n".join(["示例项目资金绩效评价报告", "上会示报字(2023)第0002号",
                      "根据《关于开展2022年度示例项目资金重点绩效评价工作的通知》，我所实施绩效评价。", "一、基本情况"])
    (f,) = parse(text)
    assert f.year == 2022
    (g,) = parse("\n".join(["示例项目资金绩效评价报告", "上会示报字(2021)", "一、基本情况", "示例项目于2020年立项。"]))
    assert g.year == 2020


def test_an_untitled_report_stating_one_figure_is_read_by_its_own_headings():
    headed = "\n".join([
        "一、项目基本情况", "示例公路改线工程起于甲镇，止于乙镇，路线全长12.5公里。",
        "二、项目绩效自评工作开展情况", "按照示例市财政局通知要求，对项目支出进行核实。",
        "三、项目绩效实现情况", "市财政局下达我局项目前期工作经费150.00万元。",
    ])
    (f,) = parse(headed)
    assert (f.doc_kind, f.budget_adjusted) == ("self_eval_report", 150)
    opening = "\n".join([
        "按照示例省财政厅通知要求，我单位对农村供水维修项目开展自评，县级自评情况报告如下：",
        "一、绩效目标分解下达情况", "下达预算资金88.20万元用于农村供水维修项目。",
    ])
    (g,) = parse(opening)
    assert (g.doc_kind, g.budget_adjusted) == ("self_eval_report", 88.2)
    # one figure on a page about 绩效 that no report heading or opening marks stays no filing
    assert parse("关于示例项目绩效管理工作的通知\n一、项目基本情况\n下达预算资金88.20万元。\n二、工作要求\n按时报送。") == []


def test_an_untitled_report_says_its_spending_as_the_project_s_money():
    text = "\n".join(["一、项目基本情况", "示例工程全长12公里。", "二、项目绩效自评工作开展情况", "按要求核实。",
                      "市财政局下达我局项目前期工作经费150.00万元。",
                      "实际支出项目资金150.00万元，资金执行率100.00%。"])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (150, 150, 1.0)


@pytest.mark.parametrize("sentence, field, value", [
    ("示例县示例局2022年衔接资金共下达96万元，用于实施示例项目。", "budget_adjusted", 96),
    ("示例县示例局2022年衔接资金96万元已全部到位。", "budget_adjusted", 96),
    ("2019年示例项目资金30万元全部拨款到位。", "budget_adjusted", 30),
    ("在全乡范围内实施2022年示例补贴经费12.40万元。", "budget_adjusted", 12.4),
    ("本项目资金总预算为310.5万元。", "budget_adjusted", 310.5),
    ("我局在部门预算中申报示例专项资金30万元。", "budget_initial", 30),
    ("项目实际完成投资93.2万元。", "budget_executed", 93.2),
    ("项目投资96万元，实际决算金额93.2万元。", "budget_executed", 93.2),
    ("综合评定，因此评价分96分，自评等级为优秀。", "total_score", 96),
])
def test_money_and_score_wordings_of_report_prose(sentence, field, value):
    (f,) = parse("示例县示例局2022年示例项目绩效自评报告\n一、基本情况\n" + sentence)
    assert getattr(f, field) == value


def test_a_budget_line_is_not_spending():
    text = "\n".join(["示例局2022年示例项目绩效自评报告", "一、资金安排情况",
                      "本局项目资金总预算为310.5万元，其中部门预算项目支出60.5万元，专项预算支出250万元，基本支出20万元。"])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed) == (310.5, None)
    # a clause mark between the money and the word ends the wording: '…实施机构，…清算资金120万元' is no budget
    (g,) = parse("示例局2022年示例项目绩效自评报告\n一、基本情况\n资金分配到各实施机构，年终将剩余的清算资金120万元分配到位。")
    assert g.budget_adjusted is None


def test_a_report_s_keyed_fields_in_its_prose():
    text = "\n".join([
        "2022年示例农机购置补贴经费项目支出绩效自评报告", "一、自评结论",
        "通过项目的实施，农机化水平稳步提高。在全乡范围内实施2022年示例农机购置补贴经费12.40万元。",
        "二、佐证材料", "(一)项目概况",
        "项目名称：2022年示例农机购置补贴经费项目。", "项目主管部门：示例县农业农村局。",
        "项目实施单位：示例乡人民政府。", "项目实施地点：9个村。",
    ])
    (f,) = parse(text)
    # the report's own 项目名称 beats the name its title gives; a sentence's full stop is not part of a name
    assert (f.project, f.department, f.unit) == ("2022年示例农机购置补贴经费项目", "示例县农业农村局", "示例乡人民政府")
    # a clause after a department key is still no organisation
    (g,) = parse("示例局2022年部门整体支出绩效自评报告\n部门(单位)：整体支出绩效自评结果。\n一、基本情况\n全年预算数120万元。")
    assert g.department != "整体支出绩效自评结果"


def test_a_department_s_report_names_no_project_even_with_a_project_key():
    text = "\n".join(["示例局2022年度部门整体支出绩效自评报告", "一、基本情况", "项目名称：示例运转经费",
                      "全年预算数为120万元，全年支出118万元。"])
    (f,) = parse(text)
    assert f.project is None


def test_a_report_cover_form_printed_one_cell_per_line():
    text = "\n\n".join([
        "示例县财政支出项目绩效评价自评报告", "来源:县水利局   2023-07-14 09:53",
        "项目名称    示例山塘清淤专项", "项目单位    示例县水利局", "主管部门   示例县水利局",
        "报告日期:  2023 年  7 月  8 日", "一、项 目 基 本 概 况", "项目起止时间",
        "2022年   1    月起至     2022    年    12   月止",
        "计划安排资金", "(万元)", "40", "实际到位资金", "(万元)", "40", "实际支出", "(万元)", "38.5", "结余(万元)", "1.5",
        "二、项目支出明细情况",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.project, f.department, f.year) == ("self_eval_report", "示例山塘清淤专项", "示例县水利局", 2022)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (40, 40, 38.5)


def test_a_header_run_over_a_report_s_table_is_no_money_form():
    # '…(万元)执行数(万元)100': the amount under the first of the run's labels, not the last's
    text = "\n".join(["示例局2022年示例项目绩效自评报告", "一、预算执行情况",
                      "年初预算数(万元)", "全年预算数(万元)", "全年执行数(万元)", "100", "120", "110"])
    (f,) = parse(text)
    assert f.budget_executed != 100


def test_a_date_is_no_year_but_the_period_a_filing_covers_is():
    from etl.parse.meta import find_year
    assert find_year("填报日期:2023年7月8日") is None
    assert find_year("项目起止时间 2022年1月起至2022年12月止") == 2022
    assert find_year("实施期限 2021年1月至12月") == 2021


def test_a_report_s_body_as_the_subject_of_its_opening_sentence():
    text = "\n".join([
        "示例公路养护绩效评价报告",
        "按照示例养护绩效评价办法，根据市民生办工作安排，市交通运输局对2022年度示例公路养护实施情况进行了绩效自查自评，"
        "现将自评情况汇报如下：",
        "一、基本情况", "2022年度实施示例公路养护工程120公里。",
    ])
    (f,) = parse(text)
    assert f.department == "市交通运输局"
    # an organisation merely named in the sentence is not its subject
    (g,) = parse("示例公路养护绩效评价报告\n按照市财政局的通知要求，我们开展了绩效自评。\n一、基本情况\n完成养护120公里。")
    assert g.department is None


def test_a_breadcrumb_names_the_body_before_the_host_site_s_name():
    text = "\n".join([
        "示例县人民政府", "首页 >> 部门信息公开 >> 示例县交通运输局 >> 正文", "",
        "示例县2021年第二批公路安全防护工程绩效自评报告", "", "日期:2022年03月24日   作者:   来源:    点击:[]", "",
        "一、绩效目标分解下达情况", "建设里程6公里，下达车购税补助42万元。",
    ])
    (f,) = parse(text)
    assert f.department == "示例县交通运输局"


def test_a_source_on_the_publication_line_between_other_keys():
    text = "\n\n".join(["您现在位置: 首页 > 专题专栏 > 民生工程", "示例县2022年农村饮水工程维修养护资金绩效自评报告",
                        "发布时间:2023-02-11 11:23 来源:示例县农业农村水利局 浏览:", "一、概述", "本项目批复总投资40.2万元。"])
    (f,) = parse(text)
    assert f.department == "示例县农业农村水利局"


@pytest.mark.parametrize("key", ["主管部门(单位)名称", "项目主管单位", "主管部门(单位)名称及部门预算编码"])
def test_department_key_wordings(key):
    text = "\n".join(["示例局2023年项目支出绩效目标表", f"项目名称\t示例运营维护\t{key}\t示例市科学技术协会",
                      "一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t开放天数\t≥300天"])
    (f,) = parse(text)
    assert f.department == "示例市科学技术协会"


def test_the_filing_body_is_the_unit_under_a_department_else_the_department():
    with_dept = "\n".join(["項目支出績效目標申報表 | |", "申報單位:示例市科學技術館 | 金額單位:萬元 |",
                           "項目名稱 | 科普展廳運營維護 |", "項目預算 | 45 | 項目類型 | 常年性項目 |",
                           "項目主管單位 | 示例市科學技術協會 |"])
    (f,) = parse(with_dept)
    # traditional script reads through the simplified vocabulary, and is stored as printed
    assert (f.department, f.unit, f.budget_initial) == ("示例市科學技術協會", "示例市科學技術館", 45)
    alone = "\n".join(["项目支出绩效目标申报表 | |", "申报单位:示例市科学技术馆 | 金额单位:万元 |",
                       "项目名称 | 科普展厅运营维护 |", "实施(主管)单位 | 示例市科学技术馆 |"])
    (g,) = parse(alone)
    assert (g.department, g.unit) == ("示例市科学技术馆", None)


def test_several_keys_run_onto_one_line_of_a_copy():
    text = "\n\n".join([
        "资源描述",
        "1、 科技 专项资金绩效目标申报表 ( 2019年度) 填报单位(盖章) 示例市示例区科学技术局 专项名称 示例创新专项资金"
        " 专项属性 延续专项 新增专项 部门名称 示例区科技局 资金总额(万元) 88 部门相应职能职责概述 根 据 “三定 ”方案,"
        "区科技局主要负责全区科技工作。",
    ])
    (f,) = parse(text)
    assert (f.department, f.unit, f.project, f.budget_initial) == (
        "示例区科技局", "示例市示例区科学技术局", "示例创新专项资金", 88)
    # one key between spaces in a sentence is no form
    from etl.parse.meta import split_run_on_keys
    from etl.records import Cell, Loc, Row
    row = Row(cells=[Cell("我局 项目名称 为示例项目，资金 已到位", Loc())], loc=Loc())
    assert split_run_on_keys(row) is row


def test_an_open_government_metadata_table_is_no_second_filing():
    text = "\n".join([
        "索引号 | 11340000000000000T/202404-00001 | 组配分类 | 部门项目 |",
        "发布机构 | 示例市农业农村局 | 发文日期 | 2024-04-15 11:58 |",
        "信息名称 | 中央财政示例发展资金绩效目标自评表 (2023年度) | 内容概述 | 中央财政示例发展资金绩效目标自评表(2023年度)"
        "转移支付(项目)名称2023年示例发展补助中央主管部门农业农村部地方主管部门示例省农业农村厅资金使用单位示例市农业农村局 |",
        "中央财政示例发展资金绩效目标自评表 | |||",
        "(2023年度) | |||",
        "转移支付(项目)名称 | 2023年示例发展补助 | ||",
        "中央主管部门 | 农业农村部 | ||",
        "地方主管部门 | 示例省农业农村厅 | 资金使用单位 | 示例市农业农村局 |",
    ])
    (f,) = parse(text)
    # the local 主管部门 files a central transfer's self-evaluation, not the ministry
    assert (f.title, f.project, f.department, f.unit) == (
        "中央财政示例发展资金绩效目标自评表", "2023年示例发展补助", "示例省农业农村厅", "示例市农业农村局")


def test_an_information_name_that_is_the_page_s_only_title_stays_its_title():
    text = "\n".join(["发布机构 | 示例县示例局 |", "信息名称 | 示例县示例局2023年项目支出绩效目标表 |",
                      "项目名称 | 示例运转经费 |", "一级指标 | 二级指标 | 三级指标 | 指标值 |",
                      "产出指标 | 数量指标 | 保障人数 | ≥20人 |"])
    (f,) = parse(text)
    assert (f.doc_kind, f.title, f.project) == ("project_target", "示例县示例局2023年项目支出绩效目标表", "示例运转经费")


def test_a_glued_central_transfer_form_names_the_local_department():
    text = ("中央财政示例发展资金绩效目标自评表(2023年度)转移支付(项目)名称2023年示例发展补助中央主管部门农业农村部"
            "地方主管部门示例省农业农村厅资金使用单位示例市农业农村局资金投入情况(万元)全年预算数(A)全年执行数(B)")
    (f,) = parse(text)
    assert (f.project, f.department, f.unit) == ("2023年示例发展补助", "示例省农业农村厅", "示例市农业农村局")


def test_a_total_row_whose_label_states_the_total_weight():
    text = "\n".join([
        "2023年度项目支出绩效自评表", "项目名称 | 示例慰问经费 |",
        "一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 分值 | 得分 |",
        "产出指标 | 数量指标 | 慰问人数 | 200人 | 210人 | 50 | 50 |",
        "满意度指标 | 服务对象满意度指标 | 慰问对象满意率 | 95% | 98% | 50 | 48 |",
        "总分(100分) | 98 | 自评等级 | 优 |",
    ])
    (f,) = parse(text)
    assert (f.total_weight, f.total_score) == (100, 98)
    target = "\n".join(["示例局2023年项目支出绩效目标表", "项目名称 | 示例慰问经费 |",
                        "一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |",
                        "产出指标 | 数量指标 | 慰问人数 | 200人 | 100 |", "合计(100分) | 100 |"])
    (g,) = parse(target)
    assert (g.total_weight, g.total_score) == (100, None)


def test_a_lone_initial_budget_marked_a_is_the_initial_budget_and_a():
    text = "\n".join([
        "部门整体支出绩效自评表 | ||",
        "单位(盖章):示例县示例镇人民政府 | 填报日期:2023年2月3日 ||",
        "部门(单位)名称 | 示例县示例镇人民政府 ||",
        "部门(单位)总体 资金(万元) | 资 金 来 源 | 年初预算数(A) | 全年执行数(B) | 分值(10分) | 得分 |",
        "年度资金总额: | 900.00 | 950.00 | 10 | 10 |",
    ])
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (900, 900, 950)
    # beside a 全年预算数 the A is the year's budget, and the initial budget is its own column
    both = "\n".join(["示例项目2023年绩效自评表 | |", "项目名称 | 示例项目 |", "主管部门 | 示例局 |",
                      "项目资金(万元) | 年初预算数 | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率 | 得分 |",
                      "年度资金总额 | 80 | 100 | 95 | 10 | 95% | 9.5 |"])
    (g,) = parse(both)
    assert (g.budget_initial, g.budget_adjusted, g.budget_executed) == (80, 100, 95)


def test_a_report_titled_self_evaluation_report_in_three_characters():
    # '…自评价报告' is a report's phrase as '…自评报告' is: it is no part of the project the title names
    (f,) = parse("示例县防火专项资金2022年度绩效自评价报告\n一、基本情况\n全年下达资金35万元。")
    assert (f.doc_kind, f.project, f.year) == ("self_eval_report", "示例县防火专项资金", 2022)
    # a body's report: the body is who reports, and no '…自' is left as a project
    (g,) = parse("示例市第四中学专项资金绩效自评价报告\n一、基本情况\n全年下达资金35万元。")
    assert g.project is None


def test_a_second_filings_title_cut_by_a_sharing_sites_page_number():
    # the report's annex title runs to the end of the site's first page and goes on after '2、'
    prose = "本年度完成了全部建设任务，资金拨付及时，管理规范" * 5
    text = (f"1、 某县农业局2022年度 项目绩效自评报告自评得分95分。{prose}附件2:某县农业局2022年度项目绩效自\n\n"
            "2、评表 单位名称:某县农业局 填报日期:2023年3月项目名称耕地保护补助主管部门项目实施单位某县农业局"
            "预算执行情况(万元)(20分)预算数(A)执行数(B)执行率(B/A)得分(20分*执行率)年度财政资金总额12万12万100%20"
            "年度绩效指标一级指标二级指标三级指标\n")
    kinds = [f.doc_kind for f in parse(text)]
    assert kinds == ["self_eval_report", "project_self_eval"]


@pytest.mark.parametrize("mark", ["/", "／", "—", "-", "－", "\\"])
def test_money_row_with_a_blank_mark_for_its_initial_budget(mark):
    """Any of the lexicon's blank marks under 年初预算数 is no amount: the rest stay under their columns."""
    assert money([mark, "560", "500", "10", "89.29%", "8.93"]) == (None, 560, 500, 0.8929, 10, 8.93)


_ONE_PROJECT_TABLE = "\n".join([
    "附件:某县某局2022年度项目支出绩效自评表",
    "项目名称\t乡村道路养护\t主管部门\t某县某局",
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因",
    "产出指标\t数量指标\t养护里程\t≥120公里\t125公里\t20\t20\t",
    "总分\t\t\t\t\t20\t20\t",
])


def _report(title: str, about: str) -> str:
    prose = [f"{about}全年预算数为120万元，全年支出118万元，执行率98.33%，资金拨付及时，使用规范，未发现挤占挪用的情况。",
             "二、绩效目标完成情况：年初设定的各项绩效目标均已完成，道路养护、人员培训等任务按期保质完成，群众满意度较高。",
             "三、存在的问题：个别指标设置不够细化，绩效目标与预算编制的衔接还需加强，下一步将完善绩效指标体系并加强监控。"]
    return "\n".join([title, "一、基本情况", *prose]) + "\n"


def test_a_whole_department_report_beside_one_project_table_keeps_no_project():
    # the department's report, then one of its projects' tables as an annex: the table's project is not the
    # report's subject, whether the title says 部门整体 or only the report's text does
    titled = _report("某县某局2022年度部门整体支出绩效自评报告", "本局")
    in_text = _report("某县某局2022年度绩效自评报告", "本局部门整体支出")
    for text in (titled, in_text):
        report, table = parse(text + _ONE_PROJECT_TABLE)
        assert (report.doc_kind, report.project, table.doc_kind, table.project) == (
            "self_eval_report", None, "project_self_eval", "乡村道路养护")
    # a project's own report beside its table still takes the table's project
    report, table = parse(_report("某县某局2022年度项目绩效自评报告", "该项目") + _ONE_PROJECT_TABLE)
    assert report.project == table.project == "乡村道路养护"


_GLUED_TABLE = ("一级指标二级指标三级指标年度指标值全年完成值分值得分未完成原因产出指标数量指标修缮校舍面积≥800平方米"
                "860平方米4040质量指标验收合格率100%100%4040总分100100")


@pytest.mark.parametrize("block, want", [
    # the total row's amounts run into the next row's label ('…100%其中:中央补助…') in the same cell
    ("项目资金(万元)全年预算数(A)全年执行数(B)执行率(B/A)年度资金总额86.586.5100%其中:中央、省补助本级资金86.586.5100%其他资金",
     (86.5, 86.5, 1.0, None)),
    # amounts printed with their unit ('12万12万100%20'), the 得分 column's formula under its header
    ("预算执行情况(万元)(20分)预算数(A)执行数(B)执行率(B/A)得分(20分*执行率)年度财政资金总额12万12万100%20",
     (12, 12, 1.0, 20)),
])
def test_a_glued_money_row_whose_run_shares_its_cell(block, want):
    text = (f"某县某局2022年度项目绩效自评表\n1、某县某局2022年度项目绩效自评表项目名称校舍维修主管部门某县某局{block}"
            f"{_GLUED_TABLE}\n")
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_score) == want


def test_a_money_run_glued_to_the_next_blocks_words_under_an_ocr_d_formula_cell():
    # the formula under 执行率 OCR'd open ('(B/A1'), and the run glued to the next block's scrambled words
    text = "\n".join([
        "某县某局2022年度项目绩效自评表",
        "项目名称\t校舍维修\t主管部门\t某县某局",
        "预算执行情况(万元)(20分)\t预算数(A)\t执行数(B)\t执行率\t(B/A1\t得分(20分*执行率)",
        "年度财政资金总额\t30028595%19度效标80>\t年绩目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因",
        "产出指标\t数量指标\t修缮校舍面积\t≥800平方米\t860平方米\t40\t40\t",
        "总分\t\t\t\t\t40\t40\t",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_weight, f.exec_score) == (
        300, 285, 0.95, 20, 19)


def test_a_money_header_wrapped_mid_word_is_one_column():
    # '预算执行' / '率(B/A×100%)': neither half names a column, the two together name 执行率
    text = "\n".join([
        "某县某局2022年度项目绩效自评表",
        "项目名称\t校舍维修\t主管部门\t某县某局",
        "资金投入情况(万元)\t全年预算数(A)\t全年执行数(B)\t预算执行\t率(B/A×100%)",
        "年度资金总额\t50\t45\t90%",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因",
        "产出指标\t数量指标\t修缮校舍面积\t≥800平方米\t860平方米\t40\t40\t",
        "总分\t\t\t\t\t40\t40\t",
    ])
    (f,) = parse(text)
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (50, 45, 0.9)


@pytest.mark.parametrize("money_rows, want", [
    # the budget label, then the row's own total word, then the amount
    (["项目资金(万元)\t合计\t86", "一般公共预算拨款\t小计\t86", "其他资金\t"], 86),
    # the label wrapped ('年度资金总额' / '及构成'), then the 总额 cell and the amount with its unit
    (["年度资金总额\t及构成\t总额\t412.5万元", "财政拨款\t400万元", "其他资金\t12.5万元"], 412.5),
])
def test_a_target_tables_budget_behind_its_total_word(money_rows, want):
    text = "\n".join([
        "某县某局2023年度项目支出绩效目标表",
        "项目名称\t村道硬化\t主管部门\t某县某局",
        *money_rows,
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t硬化村道里程\t≥12公里",
        "产出指标\t质量指标\t验收合格率\t100%",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.budget_initial, len(f.indicators)) == ("project_target", want, 2)


@pytest.mark.parametrize("tail, want", [
    ("总分10098注:1.分值按各项指标的重要程度设置,由各单位自行确定。", (100, 98)),
    ("总分98偏差大或目标未完成原因分析无改进措施及结果应用方案无", (None, 98)),
])
def test_a_glued_total_row_runs_into_the_note_after_the_table(tail, want):
    # the 总分 row's figures glued to the words after the table: the figures are the row's
    text = ("《某县某局2023年度项目支出绩效自评表.docx》由会员分享,可在线阅读。\n"
            "1、某县某局2023年度项目支出绩效自评表项目名称村道养护主管部门某县某局一级指标二级指标三级指标"
            "年度指标值实际完成值分值得分偏差原因分析及改进措施产出指标数量指标养护道路里程≥120公里126公里5050"
            f"质量指标道路养护合格率100%96%5048路面破损{tail}\n")
    (f,) = parse(text)
    assert len(f.indicators) == 2 and (f.total_weight, f.total_score) == want


def test_a_one_word_target_and_actual_glued_at_a_rows_end():
    # '…运行稳定性好好' with no 分值 or 得分 after it: the same word twice is the target and its actual
    text = ("《某县某局2023年度项目支出绩效自评表.docx》由会员分享,可在线阅读。\n"
            "1、某县某局2023年度项目支出绩效自评表项目名称泵站维护主管部门某县某局一级指标二级指标三级指标"
            "年度指标值全年完成值未完成原因和改进措施产出指标数量指标维护泵站数量≥12座13座效益指标"
            "可持续影响指标泵站运行安全性好好满意度指标服务对象满意度指标受益群众满意度≥90%96%\n")
    (f,) = parse(text)
    got = {i.name: (i.target, i.actual) for i in f.indicators}
    assert got["泵站运行安全性"] == ("好", "好") and got["受益群众满意度"] == ("≥90%", "96%")


def test_one_cell_per_line_reason_header_then_total_row():
    # one cell per line ('cell |'): the money header's last cell (原因) and the total row's label (总额) are
    # two short cells on consecutive lines, not one word printed vertically
    lines = ["某县某局项目支出绩效自评表(2023年度)", "项目名称", "某某保障经费", "主管部门", "某县某局",
             "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "分值", "得分", "原因",
             "总额", "120.5", "130.25", "117.2", "90.00%", "10", "9", "", "填报说明：执行率未达到90%的需说明原因",
             "其中:财政资金", "120.5", "130.25", "117.2", "90.00%", "/", "/",
             "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
             "产出指标", "数量指标", "保障人数", "≥50人", "52人", "40", "40"]
    (f,) = parse("\n".join(f"{t} |" for t in lines))
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed) == (120.5, 130.25, 117.2)
    assert (f.exec_rate_reported, f.exec_weight, f.exec_score) == (0.9, 10, 9)


def test_sign_and_unit_columns_around_the_value_join_whatever_their_order():
    # 计量单位 printed before 指标性质 (the sign) and 指标值: the three cells are one target
    lines = ["某区某局2023年项目支出绩效目标表", "项目名称", "某某绿化项目",
             "一级指标", "二级指标", "三级指标", "计量单位", "指标性质", "指标值",
             "产出指标", "数量指标", "栽种行道树", "株", "=", "1200",
             "质量指标", "苗木成活率", "%", "≥", "90"]
    (f,) = parse("\n".join(f"{t} |" for t in lines))
    assert [(i.name, i.target) for i in f.indicators] == [("栽种行道树", "=1200株"), ("苗木成活率", "≥90%")]


def test_unit_column_before_a_nature_column_without_signs_stays_apart():
    # '计量单位 | 指标性质 | 指标值' where 指标性质 says 定量/定性 (no sign): the value is read as printed
    text = "\n".join([
        "某区某局2023年部门整体支出绩效自评表",
        "指标名称\t计量单位\t指标性质\t指标值\t指标权重(分)\t全年完成值\t指标得分(分)",
        "管护面积\t万亩\t定量指标\t28\t10\t28\t10",
        "火灾受害率\t%\t定量指标\t0.9\t10\t0\t10",
    ])
    (f,) = parse(text)
    assert [i.target for i in f.indicators] == ["28", "0.9"]


@pytest.mark.parametrize("one_cell_per_line", [False, True])
def test_circled_column_numbers_in_headers(one_cell_per_line):
    # templates that number their columns: '年度指标值①', a money header '全年执行数③ | 执行率④=③/②'
    text = "\n".join([
        "某县某局2022年度项目支出绩效自评表",
        "项目名称\t某某设备购置\t主管部门\t某县某局",
        "项目资金(万元)\t年初预算数①\t全年预算数②\t全年执行数③\t分值\t执行率④=③/②\t得分",
        "年度资金总额\t50\t60\t54\t10\t90%\t9",
        "一级指标①\t二级指标②\t三级指标③\t年度指标值④\t实际完成值⑤\t分值⑥\t得分⑦\t偏差原因分析及改进措施⑧",
        "产出指标\t数量指标\t购置设备\t≥12台\t12台\t30\t30\t",
        "\t质量指标\t验收合格率\t100%\t95%\t30\t28\t个别设备返修",
    ])
    if one_cell_per_line:
        text = "\n".join(f"{c} |" for line in text.split("\n") for c in line.split("\t") if c)
    (f,) = parse(text)
    assert (f.budget_initial, f.budget_adjusted, f.budget_executed, f.exec_rate_reported, f.exec_score) == (50, 60, 54, 0.9, 9)
    assert rows(f) == [
        ("产出指标", "数量指标", "购置设备", "≥12台", "12台", 30, 30),
        ("产出指标", "质量指标", "验收合格率", "100%", "95%", 30, 28),
    ]
    assert f.indicators[1].reason == "个别设备返修"


def test_a_row_of_column_numbers_under_the_header_is_no_indicator():
    text = "\n".join([
        "某县某局2023年项目支出绩效目标表",
        "项目名称\t某某培训经费",
        "一级指标\t二级指标\t三级指标\t指标值",
        "①\t②\t③\t④",
        "产出指标\t数量指标\t培训人次\t≥200人次",
        "效益指标\t社会效益指标\t培训合格率\t≥95%",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [("培训人次", "≥200人次"), ("培训合格率", "≥95%")]


def test_a_table_titled_by_what_became_of_its_targets_is_a_self_evaluation_of_its_kind():
    # '部门整体支出绩效目标完成情况表': a department's targets against what was done. Unrecognised, the title was
    # read as a line before an untitled table: the filing had no title, and a second table below it no filing
    text = "\n".join([
        "某县水利局2021年部门整体支出绩效目标完成情况表",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t维修饮水工程\t20处\t20处\t50\t50",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t95%\t50\t48",
    ])
    (f,) = parse(text)
    assert (f.doc_kind, f.year, f.department) == ("dept_self_eval", 2021, "某县水利局")
    assert f.title == "某县水利局2021年部门整体支出绩效目标完成情况表"
    assert [(i.name, i.actual, i.score) for i in f.indicators] == [("维修饮水工程", "20处", 50), ("群众满意度", "95%", 48)]
    # the same page with a project's table after the department's: two filings, each its own
    project = "\n".join([
        "某县水利局2021年农村饮水维修项目绩效目标完成情况表",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t质量指标\t工程验收合格率\t100%\t100%\t100\t100",
    ])
    dept, proj = parse(text + "\n" + project)
    assert (dept.doc_kind, proj.doc_kind) == ("dept_self_eval", "project_self_eval")
    assert [i.name for i in proj.indicators] == ["工程验收合格率"]
