"""Files holding several filings that read as fewer (or as the right number with keys under the wrong one): the
classes, each with made-up text. A label the scorer finds no filing for is a filing lost this way.

(The two real files of issue 17, dev4 proj4_12 and proj4_29, are read right: their filings only look crossed in
the benchmark because the scorer pairs a label with no rows with the first filing left; tests/test_parse_multi.py
holds their readings.)"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def glued(lines: list[str]) -> str:
    """The lines as a document-sharing copy prints them: cells and lines run together, spaces gone."""
    return "".join(line.replace(" ", "") for line in lines)


def names(f) -> list[str]:
    return [i.name for i in f.indicators]


SELF_EVAL_HEAD = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施"


def dept_form(dept: str, budget: tuple, row: str, total: str, title: str | None, key: str = "部门名称") -> list[str]:
    """A department's whole-spending self-evaluation (部门整体支出绩效自评表), its title printed or not."""
    initial, adjusted, executed = budget
    return ([title] if title else []) + [
        f"{key} {dept}",
        "年度预算申请（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        f"年度资金总额 {initial} {adjusted} {executed} 10 {executed / adjusted:.0%} 9",
        SELF_EVAL_HEAD,
        f"产出指标 数量指标 {row} 50 50",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 40 40",
        f"总分 {total}",
    ]


# Class 1: departments' whole-spending forms printed one after another under one title (a finance bureau's page
# of its departments' 部门整体支出绩效自评表): each opens at its department's key (部门名称 / 单位名称), not at a
# project's, and the title is not printed again. A 项目名称 never comes, so the forms read as one filing.
DEPT_RUN = (dept_form("某县教育局", (500, 520, 500), "培训教师人次 ≥800人次 850人次", "100 99", "2022年度部门整体支出绩效自评表")
            + dept_form("某县卫生健康局", (300, 320, 310), "疫苗接种人次 ≥5万人次 5.2万人次", "100 98", None)
            + dept_form("某县民政局", (200, 200, 190), "救助困难群众人数 ≥2000人 2100人", "100 97", None, key="单位名称"))


def test_department_forms_in_a_row_each_opened_by_its_department_key_are_filings_of_their_own():
    fs = parse("\n".join(DEPT_RUN))
    assert [(f.doc_kind, f.department, f.year) for f in fs] == [
        ("dept_self_eval", d, 2022) for d in ("某县教育局", "某县卫生健康局", "某县民政局")]
    assert [f.budget_adjusted for f in fs] == [520, 320, 200]
    assert [names(f) for f in fs] == [["培训教师人次", "群众满意度"], ["疫苗接种人次", "群众满意度"],
                                      ["救助困难群众人数", "群众满意度"]]
    assert [(f.total_weight, f.total_score) for f in fs] == [(100, 99), (100, 98), (100, 97)]


def test_department_forms_glued_into_one_line_are_cut_at_each_department_key():
    first, second = parse(glued(DEPT_RUN[:15]))
    assert (first.department, second.department) == ("某县教育局", "某县卫生健康局")
    assert (first.budget_executed, second.budget_executed) == (500, 310)
    assert (names(first), names(second)) == (["培训教师人次", "群众满意度"], ["疫苗接种人次", "群众满意度"])
    assert (first.total_score, second.total_score) == (99, 98)


def project_form(project: str, dept: str, unit: str, budget: tuple, rows: list[str], total: str,
                 title: str | None = None, dept_first: bool = False) -> list[str]:
    """A project's self-evaluation (项目支出绩效自评表); `dept_first`: its 主管部门 line printed above 项目名称."""
    initial, adjusted, executed = budget
    keys = [f"项目名称 {project}", f"主管部门 {dept} 实施单位 {unit}"]
    return ([title] if title else []) + (keys[::-1] if dept_first else keys) + [
        "项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        f"年度资金总额 {initial} {adjusted} {executed} 10 {executed / adjusted:.0%} 9",
        SELF_EVAL_HEAD, *rows, f"总分 {total}"]


# Class 2: the next project's key block printed with its 主管部门 / 实施单位 line above its 项目名称 (the template
# puts the department first), right after the previous table's total row: those keys are the next filing's,
# not a footer of the one before (which took the second project's department as well as the first's).
KEYS_FIRST = (
    project_form("乡村文化活动经费", "某县文化和旅游局", "某县文化馆", (20, 20, 19),
                 ["产出指标 数量指标 举办文化活动场次 ≥12场 14场 50 50", "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 40 40"],
                 "100 99", title="项目支出绩效自评表（2022年度）", dept_first=True)
    + project_form("农村电影放映补助", "某县广播电视台", "某县电影放映队", (36, 36, 30),
                   ["产出指标 数量指标 放映场次 ≥300场 320场 50 50", "效益指标 社会效益指标 观影人次 ≥2万人次 2.4万人次 40 38"],
                   "100 96", dept_first=True)
    + project_form("非遗传承保护经费", "某县文化和旅游局", "某县非遗保护中心", (15, 15, 15),
                   ["产出指标 数量指标 传承人培训人次 ≥60人次 66人次 90 90"], "100 100", dept_first=True)
)


def test_keys_printed_above_the_next_projects_name_belong_to_the_next_filing():
    fs = parse("\n".join(KEYS_FIRST))
    assert [(f.project, f.department, f.unit) for f in fs] == [
        ("乡村文化活动经费", "某县文化和旅游局", "某县文化馆"), ("农村电影放映补助", "某县广播电视台", "某县电影放映队"),
        ("非遗传承保护经费", "某县文化和旅游局", "某县非遗保护中心")]
    assert [f.budget_executed for f in fs] == [19, 30, 15]
    assert [len(f.indicators) for f in fs] == [2, 2, 1]


def test_keys_printed_above_the_next_projects_name_in_a_glued_copy_belong_to_the_next_filing():
    first, second = parse(glued(KEYS_FIRST[:18]))
    assert (first.project, first.department) == ("乡村文化活动经费", "某县文化和旅游局")
    assert (second.project, second.department, second.unit) == ("农村电影放映补助", "某县广播电视台", "某县电影放映队")
    assert (first.total_score, second.total_score) == (99, 96)
    assert names(second) == ["放映场次", "观影人次"]


# Class 3: each table's key block printed UNDER its table (a template or a reposting that puts 项目名称 / 主管部门
# after the 总分 row), every table under its own title: the keys after a table are that table's, not a filing
# of their own (which gave a keyless filing with rows and a rowless one with keys, twice the filings).
def meta_under(title: str, project: str, dept: str, rows: list[str], total: str) -> list[str]:
    return [title, SELF_EVAL_HEAD, *rows, f"总分 {total}", f"项目名称：{project}", f"主管部门：{dept}"]


META_UNDER = (
    meta_under("2021年度项目支出绩效自评表", "城区绿化养护经费", "某县城市管理局",
               ["产出指标 数量指标 养护绿地面积 ≥50万平方米 52万平方米 60 60", "满意度指标 服务对象满意度指标 市民满意度 ≥90% 93% 40 40"],
               "100 100")
    + meta_under("2021年度项目支出绩效自评表", "环卫设施维修经费", "某县城市管理局",
                 ["产出指标 质量指标 设施完好率 ≥95% 97% 60 60", "满意度指标 服务对象满意度指标 环卫工人满意度 ≥90% 88% 40 35"],
                 "100 95")
)


def test_keys_printed_under_each_table_stay_with_that_table():
    first, second = parse("\n".join(META_UNDER))
    assert (first.project, first.department, first.year) == ("城区绿化养护经费", "某县城市管理局", 2021)
    assert (second.project, second.department, second.year) == ("环卫设施维修经费", "某县城市管理局", 2021)
    assert (names(first), names(second)) == (["养护绿地面积", "市民满意度"], ["设施完好率", "环卫工人满意度"])
    assert (first.total_score, second.total_score) == (100, 95)


def test_a_copy_cut_after_the_next_projects_keys_keeps_them_a_filing_of_their_own():
    # the keys after a table open the next filing when the table has its own: a page cut short after them
    text = "\n".join(KEYS_FIRST[:11] + ["项目名称 农村电影放映补助", "主管部门 某县广播电视台"])
    first, second = parse(text)
    assert (first.project, second.project) == ("乡村文化活动经费", "农村电影放映补助")
    assert second.department == "某县广播电视台" and not second.indicators


# Class 4: a fragment of a table before the real filing (a copy that starts inside the previous form of a run):
# rows, a total, then the next form's title. Glued, its values run into its names ('培训人数≥100人120人5050')
# and nothing before the title read as rows, so the file gave one filing of two; line-broken, the fragment
# was guessed a department's form for want of a 项目名称, though the run is of projects' forms.
FRAGMENT_THEN_FORM = [
    "产出指标 数量指标 送戏下乡场次 ≥100场 120场 50 50",
    "满意度指标 服务对象满意度指标 村民满意度 ≥90% 95% 40 40",
    "总分 100 99.5",
] + project_form("农村电影放映补助", "某县广播电视台", "某县电影放映队", (36, 36, 30),
                 ["产出指标 数量指标 放映场次 ≥300场 320场 50 50", "效益指标 社会效益指标 观影人次 ≥2万人次 2.4万人次 40 38"],
                 "100 96", title="项目支出绩效自评表（2022年度）")


def test_a_glued_fragment_of_a_table_before_the_next_forms_title_is_a_filing_of_its_own():
    fragment, form = parse(glued(FRAGMENT_THEN_FORM))
    assert (fragment.project, fragment.department, fragment.budget_adjusted) == (None, None, None)
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in fragment.indicators] == [
        ("送戏下乡场次", "≥100场", "120场", 50, 50), ("村民满意度", "≥90%", "95%", 40, 40)]
    assert (fragment.total_weight, fragment.total_score) == (100, 99.5)
    assert (form.project, form.department, form.budget_executed) == ("农村电影放映补助", "某县广播电视台", 30)
    assert names(form) == ["放映场次", "观影人次"]


def test_a_fragment_before_a_run_of_project_forms_is_a_project_form():
    fragment, form = parse("\n".join(FRAGMENT_THEN_FORM))
    assert (fragment.doc_kind, form.doc_kind) == ("project_self_eval", "project_self_eval")
    assert names(fragment) == ["送戏下乡场次", "村民满意度"]


def test_a_fragment_lies_where_the_run_does_but_keeps_no_year_it_does_not_print():
    lines = FRAGMENT_THEN_FORM[:4] + [line.replace("某县广播电视台", "安平县广播电视台") for line in FRAGMENT_THEN_FORM[4:]]
    fragment, form = parse("\n".join(lines))
    assert (form.province, form.county) == ("河北省", "安平县")
    assert (fragment.province, fragment.city, fragment.county, fragment.adcode) == (
        form.province, form.city, form.county, form.adcode)
    assert (fragment.year, form.year) == (None, 2022)


def test_a_fragment_before_a_department_form_stays_a_department_form():
    lines = FRAGMENT_THEN_FORM[:3] + dept_form("某县教育局", (500, 520, 500), "培训教师人次 ≥800人次 850人次", "100 99",
                                               "2022年度部门整体支出绩效自评表")
    fragment, form = parse(glued(lines))
    assert (fragment.doc_kind, form.doc_kind) == ("dept_self_eval", "dept_self_eval")
    assert names(fragment) == ["送戏下乡场次", "村民满意度"] and form.department == "某县教育局"


# Class 5: a copy that prints one cell a line (a web page's table flattened to lines): the next project's key
# stands alone on its line with its value on the next, and the table's header is a run of lines, one column
# name each. No row held three column names and no key had its value beside it, so the forms read as one.
def one_cell_a_line(lines: list[str]) -> str:
    return "\n".join(cell for line in lines for cell in line.split(" "))


TWO_FORMS = KEYS_FIRST[:11] + project_form(
    "农村电影放映补助", "某县广播电视台", "某县电影放映队", (36, 36, 30),
    ["产出指标 数量指标 放映场次 ≥300场 320场 50 50", "效益指标 社会效益指标 观影人次 ≥2万人次 2.4万人次 40 38"], "100 96")


def test_forms_printed_one_cell_a_line_are_cut_at_the_next_key_alone_on_its_line():
    first, second = parse(one_cell_a_line(TWO_FORMS))
    assert (first.project, first.department) == ("乡村文化活动经费", "某县文化和旅游局")
    assert (second.project, second.department, second.unit) == ("农村电影放映补助", "某县广播电视台", "某县电影放映队")
    assert (first.budget_executed, second.budget_executed) == (19, 30)
    assert (names(first), names(second)) == (["举办文化活动场次", "群众满意度"], ["放映场次", "观影人次"])


def target_form(project: str, head: str, rows: list[str], title: str | None = None) -> list[str]:
    return ([title] if title else []) + [f"项目名称 {project}", "主管部门 某县档案馆", "年度资金总额 100",
                                         "年度绩效目标 完成年度任务。", head, *rows]


def test_target_forms_printed_one_cell_a_line_are_filings_of_their_own():
    head = "一级指标 二级指标 三级指标 指标值"
    lines = (target_form("档案数字化", head, ["产出指标 数量指标 数字化卷数 ≥1万卷", "效益指标 社会效益指标 查档等候时间 ≤10分钟"],
                         title="2023年项目支出绩效目标表")
             + target_form("库房改造", head, ["产出指标 数量指标 改造面积 ≥500平方米", "产出指标 质量指标 库房达标率 100%"])
             + target_form("档案征集", head, ["产出指标 数量指标 征集档案件数 ≥200件"]))
    fs = parse(one_cell_a_line(lines))
    assert [(f.doc_kind, f.project, f.year) for f in fs] == [
        ("project_target", p, 2023) for p in ("档案数字化", "库房改造", "档案征集")]
    assert [names(f) for f in fs] == [["数字化卷数", "查档等候时间"], ["改造面积", "库房达标率"], ["征集档案件数"]]


# Class 6: a table whose header names two columns only, a name and its value ('指标名称 | 指标值', as small
# target tables print): it is a table all the same, so the next project's key after it opens the next filing.
def test_a_two_column_table_is_a_table_the_next_projects_key_follows():
    head = "指标名称 指标值"
    lines = (target_form("档案数字化", head, ["数字化卷数 ≥1万卷", "查档等候时间 ≤10分钟"], title="2023年项目支出绩效目标表")
             + target_form("库房改造", head, ["改造面积 ≥500平方米", "库房达标率 100%"]))
    for text in ("\n".join(lines), "\n".join(" | ".join(line.split(" ")) + " |" for line in lines)):
        first, second = parse(text)
        assert (first.project, second.project) == ("档案数字化", "库房改造")
        assert (names(first), names(second)) == (["数字化卷数", "查档等候时间"], ["改造面积", "库房达标率"])


# Class 7: two reports in one file, a department's whole-spending report and then one of its projects' (or two
# projects'), each under its own title, with short paragraphs: the second title named another subject but
# the first report had no long paragraphs, so it was taken for the same report's title printed again.
DEPT_REPORT = ["某县教育局2022年度部门整体支出绩效自评报告", "一、部门基本情况",
               "我局内设股室8个，年初预算5000万元，全年支出4900万元，预算执行率98%。", "二、自评结论", "部门整体自评得分96分。"]
PROJECT_REPORT = ["2022年度学生资助项目绩效自评报告", "一、项目基本情况", "学生资助项目年初预算300万元，全年支出300万元。",
                  "二、自评结论", "项目自评得分98分。"]


def test_a_departments_report_then_a_projects_report_are_two_filings():
    dept, project = parse("\n".join(DEPT_REPORT + PROJECT_REPORT))
    assert (dept.doc_kind, project.doc_kind) == ("self_eval_report", "self_eval_report")
    assert (dept.project, dept.budget_initial, dept.budget_executed) == (None, 5000, 4900)
    assert (project.budget_initial, project.budget_executed, project.total_score) == (300, 300, 98)
    assert "学生资助" in project.project


def test_two_projects_reports_in_a_row_are_two_filings():
    other = ["关于2022年度校舍维修专项资金绩效自评的报告", "一、项目概况", "校舍维修专项年初预算120万元，全年支出110万元。",
             "二、评价结论", "经自评，该项目得分92分。"]
    first, second = parse("\n".join(PROJECT_REPORT + other))
    assert (first.budget_initial, second.budget_initial) == (300, 120)
    assert (first.total_score, second.total_score) == (98, 92)


def test_a_page_title_over_the_same_report_is_still_one_filing():
    # the site's page title names the body before the document's own title: the same subject, one filing
    page = ["某县教育局2022年度学生资助项目绩效自评报告", "发布时间：2023-04-01", "为做好绩效公开工作，现将报告公布。",
            "请各单位知悉。"]
    (f,) = parse("\n".join(page + PROJECT_REPORT))
    assert (f.budget_initial, f.budget_executed, f.total_score) == (300, 300, 98)


def test_a_cover_page_above_a_report_with_another_subject_in_its_title_is_not_a_report_of_its_own():
    # a cover's lines (a blurb, the evaluated body, a date) carry no numbered section: no filing of their own
    cover = ["某县财政局部门整体支出绩效评价报告", "下面是为大家整理的范文，供大家参考。", "评价单位：某县财政局。", "2023年4月3日"]
    (f,) = parse("\n".join(cover + ["某县机构编制委员会办公室部门整体支出绩效评价报告", *DEPT_REPORT[1:]]))
    assert (f.budget_initial, f.budget_executed) == (5000, 4900)


# Class 8: in a glued copy each form under its own title that begins with its year ('2023年度项目支出绩效目标表'):
# the year runs onto the previous form's total row ('总分100992023年度'), which then read 10099 / 2022, and the
# next form lost its year to the document's first one.
def test_a_titles_year_glued_onto_the_last_total_row_goes_back_to_the_title():
    lines = (project_form("乡村文化活动经费", "某县文化和旅游局", "某县文化馆", (20, 20, 19),
                          ["产出指标 数量指标 举办文化活动场次 ≥12场 14场 50 50"], "100 99", title="2022年度项目支出绩效自评表")
             + project_form("农村电影放映补助", "某县广播电视台", "某县电影放映队", (36, 36, 30),
                            ["产出指标 数量指标 放映场次 ≥300场 320场 50 50"], "100 96", title="2023年度项目支出绩效自评表"))
    first, second = parse(glued(lines))
    assert (first.total_weight, first.total_score) == (100, 99)
    assert (first.year, second.year) == (2022, 2023)
    # keys printed under the table keep their value clean of the next title's year
    first, second = parse(glued(META_UNDER))
    assert (first.department, first.total_score) == ("某县城市管理局", 100)


# Class 9 (the other way round: one filing read as two): a form whose keys are printed again at the top of its
# next page, the indicator rows continuing under them with no header of their own. The keys name the same
# project: the rows are the form's, not a second filing's (which split one label's rows over two filings).
def test_a_forms_keys_printed_again_over_its_next_page_do_not_open_a_filing():
    lines = project_form("乡村文化活动经费", "某县文化和旅游局", "某县文化馆", (20, 20, 19),
                         ["产出指标 数量指标 举办文化活动场次 ≥12场 14场 30 30", "产出指标 质量指标 活动合格率 100% 100% 20 20"],
                         "100 99", title="项目支出绩效自评表（2022年度）")
    continued = lines[:-1] + ["项目名称 乡村文化活动经费", "主管部门 某县文化和旅游局 实施单位 某县文化馆",
                              "效益指标 社会效益指标 参与群众人次 ≥5000人次 6200人次 20 20",
                              "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 20 19", lines[-1]]
    (f,) = parse("\n".join(continued))
    assert names(f) == ["举办文化活动场次", "活动合格率", "参与群众人次", "群众满意度"]
    assert (f.project, f.department, f.total_score) == ("乡村文化活动经费", "某县文化和旅游局", 99)


def test_the_same_project_in_two_years_is_two_filings():
    # the same project's keys again, but with a money block and a table of their own: another filing
    def year(y: int, score: str) -> list[str]:
        return project_form("乡村文化活动经费", "某县文化和旅游局", "某县文化馆", (20, 20, 19),
                            ["产出指标 数量指标 举办文化活动场次 ≥12场 14场 90 90"], score, title=f"{y}年度项目支出绩效自评表")
    for text in ("\n".join(year(2021, "100 98") + year(2022, "100 99")),
                 "\n".join(year(2021, "100 98") + year(2022, "100 99")[1:])):  # the second title not printed
        first, second = parse(text)
        assert (first.project, second.project) == ("乡村文化活动经费", "乡村文化活动经费")
        assert (first.total_score, second.total_score) == (98, 99)
        assert first.year == 2021
