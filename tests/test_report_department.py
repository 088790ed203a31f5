"""A self-evaluation report that names its department only in its prose (issue 17): the body the text names
as its own, most often, with its place; never one named only as an authority, a partner or a cited rule's
maker, nor a place alone. All texts here are invented."""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.report import org_named_most
from etl.read import read_bytes


def report(body: str, name: str = "report.txt"):
    text = "某某项目绩效自评报告\n一、项目基本情况\n" + body
    filings = parse_document(read_bytes(text.encode("utf-8"), name))
    assert filings and filings[0].doc_kind == "self_eval_report"
    return filings[0]


def test_body_as_subject_of_the_opening_sentence():
    f = report("石家庄市科学技术局主要有部门预算项目支出和专项支出两类，项目资金总预算为120万元，执行率100%，自评得分95分。\n")
    assert f.department == "石家庄市科学技术局"  # not cut at '科学' although 学 ends some bodies' names


def test_body_that_carries_the_project_out():
    f = report("为改善农村人居环境，2022年共安排资金80万元，由宁乡市农业农村局负责实施，执行率98%。"
               "宁乡市财政局按进度拨付资金，自评得分92分。\n")
    assert f.department == "宁乡市农业农村局"


def test_first_person_settles_which_body_reports():
    # two bodies named once each, the 中心 first: '我局' is a 局
    assert org_named_most("临澧县农村饮水安全服务中心和临澧县水利局共同开展维修，我局全年完成维修120处。") == "临澧县水利局"


def test_body_named_most_with_or_without_its_place():
    text = ("浏阳市人民政府将该计划纳入规划。领导小组办公室设在市教育局，教育局局长任主任。"
            "浏阳市教育局年终对各校开展考评。")
    assert org_named_most(text) == "浏阳市教育局"


def test_evaluated_body_of_a_third_party_report():
    text = ("浏阳市人居环境指挥部乡村振兴项目资金\n绩效评价报告\n受浏阳市财政局委托，我所对浏阳市人居环境指挥部"
            "乡村振兴项目实施绩效评价。")
    assert org_named_most(text) == "浏阳市人居环境指挥部"


def test_report_that_cites_its_own_notice():
    text = ("按照《湘潭市财政局关于开展2021年绩效自评的通知》，制发《湘潭市交通运输局关于做好2021年绩效自评工作的通知》，"
            "明确评价范围。市财政局下达我局前期工作经费200万元。")
    assert org_named_most(text) == "湘潭市交通运输局"


def test_an_authority_or_a_cited_rule_maker_is_not_the_department():
    assert org_named_most("2022年上级财政局下达补助资金50万元，资金执行率100%。") is None
    assert org_named_most("湘潭市财政局批复项目预算50万元，湘潭市财政局下达资金50万元。") is None
    assert org_named_most("受湘潭市财政局委托开展评价，根据湘潭市审计局意见整改。") is None
    assert org_named_most("依据《湖南省财政厅关于印发绩效评价办法的通知》开展自评。") is None


def test_a_place_alone_is_not_a_department():
    assert org_named_most("湘潭县2022年共完成农村公路养护120公里，湘潭县群众满意度95%。") is None
    f = report("湘潭县2022年农村公路养护资金预算100万元，实际支出100万元，执行率100%，自评得分96分。\n")
    assert f.department is None


def test_a_page_publisher_is_named_as_fully_as_the_prose_names_it():
    f = report("来源：市文化和广电旅游体育局\n项目全年预算数为500万元，执行数为500万元。2022年，义乌市文化和广电旅游体育局"
               "及其下属单位开展送戏下乡120场，自评得分93分。\n")
    assert f.department == "义乌市文化和广电旅游体育局"


def test_a_publisher_is_not_replaced_by_the_body_that_paid_out():
    f = report("来源：义乌市农业农村局\n2022年上级财政下达我市补贴资金900万元，义乌市财政局已将资金全部发放到农户手中，"
               "执行率100%，自评得分95分。\n")
    assert f.department == "义乌市农业农村局"


def test_the_body_that_seals_a_report_glued_after_its_title():
    # a document-sharing copy runs the title into the filer's name and its seal mark: '…自评报告某县某中心(盖章)为…';
    # the title's 报告 is no '报' (reported to an authority), and the seal marks who files it
    text = ("2019年度部门整体支出绩效自评报告衡山县妇幼保健计划生育服务中心(盖章)为进一步规范财政资金管理,"
            "根据衡山县财政局的通知要求,我中心对2019年部门财政资金开展了绩效评价工作。全年预算数为300万元,执行率98%。")
    assert org_named_most(text) == "衡山县妇幼保健计划生育服务中心"
    assert org_named_most("根据要求,霍邱县教育局报霍邱县财政局审核。霍邱县财政局按季度拨付资金。") != "霍邱县财政局"
