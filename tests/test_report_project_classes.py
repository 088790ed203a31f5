"""Where a self-evaluation report names its project when its title does not say it plainly. Text made up.

- after the title, in brackets: '某馆2022年度项目支出绩效自评报告（某某补助资金）' (the closing bracket may be cut);
- in the opening sentence, as what was evaluated: '我单位对某站2021年度某某专项项目使用管理情况认真开展了自评',
  '对某某工程项目资金投入情况、绩效目标完成情况等进行了自评'.
"""
from etl.parse import parse_document
from etl.read import read_bytes

BODY = "\n一、项目概况\n该项目2022年预算安排60万元，实际支出58万元，执行率96.7%。\n二、绩效目标完成情况\n完成建设任务。\n"


def _project(text: str) -> str | None:
    (f,) = parse_document(read_bytes(text.encode(), "report.txt"))
    assert f.doc_kind == "self_eval_report"
    return f.project


def test_the_project_in_brackets_after_a_report_title():
    assert _project("霍邱县文化馆2022年度项目支出绩效自评报告（2022年乡村文化振兴补助资金）" + BODY) == "2022年乡村文化振兴补助资金"
    assert _project("霍邱县文化馆2022年度项目支出绩效自评报告(2022年乡村文化振兴补助资金" + BODY) == "2022年乡村文化振兴补助资金"


def test_a_bracketed_year_or_draft_mark_is_no_project():
    assert _project("霍邱县文化馆项目支出绩效自评报告（2022年度）" + BODY) is None
    assert _project("霍邱县文化馆项目支出绩效自评报告（征求意见稿）" + BODY) is None


def test_the_project_the_opening_sentence_says_was_evaluated():
    opening = ("根据县财政局《关于开展2021年度绩效自评工作的通知》文件精神,我单位对环境监测站2021年度城区噪声监测专项项目"
               "使用管理情况认真开展了自评。现将项目绩效自评情况报告如下:")
    assert _project(opening + BODY) == "城区噪声监测专项项目"
    opening = ("一、绩效自评工作开展情况\n根据区财政局通知要求,我中心积极组织开展重点项目绩效评价工作,对城区道路改造及配套"
               "工程项目资金投入情况、绩效目标完成情况等进行了自评,并形成自评报告如下:")
    assert _project(opening + BODY) == "城区道路改造及配套工程项目"


def test_an_opening_about_the_whole_budget_names_no_project():
    opening = "根据县财政局通知要求,我局对2021年度部门预算资金使用管理情况认真开展了自评。现将自评情况报告如下:"
    assert _project(opening + BODY) is None


def test_a_page_category_label_before_the_report_title_leaves_the_title_to_name_the_project():
    page = "\n".join(["• 索引号", "• 79518791-2-/2023-0427027", "• 发布机构", "• 某市文化和旅游局", "• 公开目录", "• 自评报告",
                      "某市图书馆2022年度项目支出绩效自评报告(2022年乡村文化振兴补助资金"])
    assert _project(page + BODY) == "2022年乡村文化振兴补助资金"
