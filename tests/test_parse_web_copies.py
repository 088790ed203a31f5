"""Web and OCR copies of filings: layouts whose cell positions are lost still parse."""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str):
    return parse_document(read_bytes(text.encode("utf-8"), "copy.txt"))


def test_pipe_table_with_split_target_columns_and_amounts_in_yuan():
    text = (
        "2022年度项目支出绩效自评表 | 部门:某县某中学 |\n|\n"
        "| 项目名称 | 营养改善计划专项资金 | 主管部门 | 永德县教育体育局 | 实施单位 | 某县某中学 | 项目资金 (元) |\n"
        "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | 年度资金总额 |\n"
        "| 200000 | 180000 | 10 | 90% | 9 | 其中:当年财政 拨款 |\n"
        "| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |"
        " 产出指标 | 数量指标 | 受助学生人数 | ≧ | 700 | 人次 | 700 | 20 | 20 |\n"
        "| 质量指标 | 覆盖率 | ═ | 100 | % | 98% | 20 | 18 | 个别学生转学 |\n"
        "| 满意度指标 | 服务对象满意度指标 | 家长满意度 | ≧ | 95 | % | 96% | 10 | 10 |\n"
        "| 其他需要说明事项 | 无 | 总分 | 60 | 57 | 良 |\n"
    )
    (f,) = parse(text)
    assert f.doc_kind == "project_self_eval"
    assert (f.department, f.unit, f.county) == ("永德县教育体育局", "某县某中学", "永德县")
    assert f.budget_initial is None  # only two amounts for three columns: the blank one is 年初
    assert (f.budget_adjusted, f.budget_executed, f.exec_rate_reported) == (20.0, 18.0, 0.9)
    assert [(i.name, i.target, i.actual, i.weight, i.score, i.reason) for i in f.indicators] == [
        ("受助学生人数", "≧700人次", "700", 20, 20, None),
        ("覆盖率", "═100%", "98%", 20, 18, "个别学生转学"),
        ("家长满意度", "≧95%", "96%", 10, 10, None),
    ]
    assert (f.total_weight, f.total_score, f.grade_reported) == (60, 57, "良")


def test_one_cell_per_line_with_blank_level_cells():
    lines = [
        "某县民政局2022年度项目绩效自评情况公示", "绩效指标", "一级", "指标", "二级指标", "三级指标", "指标值",
        "全年实际完成值", "未完成原因和改进措施", "数量指标", "助学人数", "应助尽助", "9", " ", "成本指标",
        "资金执行率", "100%", "82%", "动态管理人员减少", "服务对象", "满意度指标", "政策知晓率", "≥90%", "≥90%", " ",
    ]
    (f,) = parse("\n\n".join(lines))
    assert f.doc_kind == "project_self_eval"
    rows = [(i.level1, i.level2, i.name, i.target, i.actual, i.reason) for i in f.indicators]
    assert rows == [
        ("产出指标", "数量指标", "助学人数", "应助尽助", "9", None),
        ("产出指标", "成本指标", "资金执行率", "100%", "82%", "动态管理人员减少"),
        ("满意度指标", "服务对象满意度指标", "政策知晓率", "≥90%", "≥90%", None),
    ]


def test_text_glued_without_separators_is_cut_at_the_vocabulary():
    text = (
        "还剩1页未读\n省级部门预算项目支出绩效目标表(2023年度)一级项目名称文化专项资金二级项目名称免费开放补助资金"
        "主管部门嘉峪关市文化和旅游局项目总投资20万元预算申报数20万元年度绩效目标提高服务水平一级指标二级指标三级指标"
        "指标目标值产出指标数量指标免费开放天数=300天质量指标考核指标完成率=100百分比效益指标社会效益指标接待观众人数"
        "=30000人次满意度指标服务对象满意度服务对象满意度%=99百分比"
    )
    (f,) = parse(text)
    assert (f.doc_kind, f.project, f.department, f.year, f.budget_initial) == (
        "project_target", "免费开放补助资金", "嘉峪关市文化和旅游局", 2023, 20.0)
    assert [(i.level2, i.name, i.target) for i in f.indicators] == [
        ("数量指标", "免费开放天数", "=300天"),
        ("质量指标", "考核指标完成率", "=100百分比"),
        ("社会效益指标", "接待观众人数", "=30000人次"),
        ("服务对象满意度", "服务对象满意度%", "=99百分比"),
    ]


def test_glued_core_flag_rows_and_side_by_side_weight_and_score():
    text = (
        "1、部门整体绩效自评表主管部门财政处室自评总分(分)95.5部门联系人某某联系电话\n"
        "2、中心2021年完成履职任务。指标名称计量单位指标性质年初指标值调整指标值全年完成值得分系数(%)指标权重(分)"
        "指标得分(分)是否核心指标人员控制率%定量指标100%92%100%22否预算调整率%3%0100%22否"
        "资金使用合规性好好100%55否培训次数次26次12次100%1010是"
    )
    (f,) = parse(text)
    assert (f.doc_kind, f.year, f.total_score) == ("dept_self_eval", 2021, 95.5)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators] == [
        ("人员控制率", "100%", "92%", 2, 2),
        ("预算调整率", "3%", "0", 2, 2),
        ("资金使用合规性", "好", "好", 5, 5),
        ("培训次数", "26次", "12次", 10, 10),
    ]


def test_traditional_characters_parse_like_simplified():
    import opencc

    from tests.conftest import SEED_003

    traditional = opencc.OpenCC("s2t").convert(SEED_003.read_text(encoding="utf-8"))
    assert "績效自評表" in traditional
    filings = parse(traditional)
    assert [f.doc_kind for f in filings] == ["dept_target", "dept_self_eval", "self_eval_report"]
    f = filings[1]
    assert (f.county, f.total_score, f.budget_adjusted, len(f.indicators)) == ("渌口区", 93, 160.48, 22)
    # read through the simplified vocabulary, stored as printed
    assert f.indicators[14].level2 == "經濟效益指標"
    assert f.department == opencc.OpenCC("s2t").convert("株洲市渌口区工商业联合会")
    assert any("繁体" in n for n in f.parse_notes)


def test_page_markers_between_rows_do_not_end_the_table():
    from tests.conftest import SEED_000

    text = SEED_000.read_text(encoding="utf-8")
    # a page break printed inside project 2's indicator table
    marked = text.replace("\t质量指标\t综合事务工作完成情况", "第 5 页 共 7 页\n\t质量指标\t综合事务工作完成情况", 1)
    assert marked != text
    p2 = parse(marked)[2]
    assert [i.name for i in p2.indicators] == [
        "购买办公用品数量", "综合事务工作完成情况", "各项工作完成及时率", "合理使用经费", "社会影响力", "满意度"]


def test_level_one_printed_only_as_its_score_is_taken_from_level_two():
    text = (
        "项目支出绩效自评表（2022年度）\n"
        "项目名称\t示例项目\t主管部门\t某县教育局\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
        "(50分)\t数量指标\t培训人数\t≥100人\t120人\t25\t25\t\n"
        "\t质量指标\t合格率\t≥95%\t96%\t25\t25\t\n"
        "(30分)\t社会效益指标\t就业率\t≥60%\t65%\t30\t30\t\n"
        "总分\t100\t100\t优\n"
    )
    (f,) = parse(text)
    assert [(i.level1, i.level2) for i in f.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标")]
    assert (f.total_weight, f.total_score) == (100, 100)


# A report and its annexed self-evaluation table copied from a document-sharing site: one line a page, the
# annex announced at the end of the report's run ('…(无)附件2:…自评表'), the page marker of the next page
# falling inside that title ('…项目绩效自' / '2、评表 …'). Invented text.
REPORT_THEN_ANNEX = (
    "《某县档案馆2021年度项目绩效自评报告.docx》由会员分享,可在线阅读。\n"
    "1、 某县档案馆2021年度项目绩效自评报告自评得分98分绩效目标完成情况档案数字化专项经费预算20万元,"
    "实际支出19万元,执行率95%。未完成的绩效目标(无)下一步拟改进措施(无)附件2:某县档案馆2021年度项目绩效自{brk}"
    "评表 单位名称:某县档案馆 项目名称档案数字化专项经费主管部门某县档案馆 "
    "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施"
    "产出指标数量指标数字化档案≥5000份5200份4040质量指标数字化合格率≥98%99%3030"
    "满意度指标服务对象满意度指标查档群众满意度≥90%95%2020总分9090\n"
)


def test_an_annex_table_announced_inside_a_report_run_is_a_filing_of_its_own():
    for brk in ("", "\n\n2、"):  # the title whole, and broken by the next page's marker
        fs = parse(REPORT_THEN_ANNEX.format(brk=brk))
        assert [f.doc_kind for f in fs] == ["self_eval_report", "project_self_eval"], brk
        assert [i.name for i in fs[1].indicators] == ["数字化档案", "数字化合格率", "查档群众满意度"], brk
        assert fs[1].total_score == 90
        assert fs[0].project == fs[1].project == "档案数字化专项经费", brk  # the report is about its table's project


def test_a_sentence_naming_an_annex_is_not_cut_when_no_title_follows():
    text = ("某县档案馆2021年度项目绩效自评报告\n"
            "一、基本情况。项目资金20万元,详见附件2。二、绩效目标完成情况:全部完成,自评得分98分。\n")
    fs = parse(text)
    assert [f.doc_kind for f in fs] == ["self_eval_report"]
